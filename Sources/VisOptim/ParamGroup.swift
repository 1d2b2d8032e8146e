import VisTensor

/// A group of parameters sharing hyper-parameters (PyTorch's `param_groups` entries):
/// the tensors and a dictionary of options by PyTorch's names (`lr`, `weight_decay`,
/// `momentum`, ...). Adam's `betas` are the two options `beta1` and `beta2`, and
/// flags (`nesterov`, `amsgrad`, `centered`) are 0 or 1, so that every option is a
/// number a scheduler can read and write. Schedulers add their own entries
/// (`initial_lr`, and OneCycleLR's `max_lr`, `min_lr`, `max_momentum`,
/// `base_momentum`), as PyTorch's do.
public final class ParamGroup {
    /// The parameters this group updates.
    public var params: [Tensor]
    /// Hyper-parameters by PyTorch's names.
    public var options: [String: Double]

    /// A group of `params` with `options`.
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
