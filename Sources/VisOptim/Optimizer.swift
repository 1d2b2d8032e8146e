import VisTensor

/// A group of parameters sharing hyper-parameters (PyTorch's `param_groups` entries):
/// the tensors and a dictionary of options (`lr`, `weight_decay`, `momentum`, ...).
public final class ParamGroup {
    /// The parameters this group updates.
    public var params: [Tensor]
    /// Hyper-parameters by PyTorch's names.
    public var options: [String: Double]

    public init(params: [Tensor], options: [String: Double]) {
        self.params = params
        self.options = options
    }

    /// The learning rate.
    public var lr: Double {
        get { options["lr"] ?? 0 }
        set { options["lr"] = newValue }
    }
}
