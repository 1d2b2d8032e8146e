import VisTensor

/// AdamW (Loshchilov & Hutter, 2019), numerically PyTorch's `torch.optim.AdamW`:
/// Adam with decoupled weight decay. Each step first shrinks the parameter,
///
///     θ ← θ·(1 − lr·weight_decay)
///
/// then applies Adam's update (see `Adam`) with the raw gradient. The default
/// weight decay is 1e-2, PyTorch's.
public final class AdamW: Adam {
    /// AdamW over the tensors `params` (one group).
    public convenience init(_ params: [Tensor], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
                            eps: Double = 1e-8, weightDecay: Double = 1e-2, amsgrad: Bool = false,
                            maximize: Bool = false) throws {
        try self.init(groups: [(params, [:])], lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, amsgrad: amsgrad,
                      maximize: maximize)
    }

    /// AdamW over parameter groups, each with options overriding these defaults.
    public init(groups: [(params: [Tensor], options: [String: Double])], lr: Double = 1e-3,
                betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
                weightDecay: Double = 1e-2, amsgrad: Bool = false, maximize: Bool = false) throws {
        try super.init(name: "AdamW", groups: groups, lr: lr, betas: betas, eps: eps,
                       weightDecay: weightDecay, amsgrad: amsgrad, maximize: maximize, decoupled: true)
    }
}
