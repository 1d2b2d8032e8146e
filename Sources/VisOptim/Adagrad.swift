import VisTensor

/// Adagrad (Duchi et al., 2011), numerically PyTorch's `torch.optim.Adagrad`. For each
/// parameter θ with gradient g, at step t:
///
///     g ← g + weight_decay·θ
///     clr ← lr / (1 + (t − 1)·lr_decay)
///     s ← s + g²                               (s starts at initial_accumulator_value)
///     θ ← θ − clr·g / (√s + eps)
///
/// Options (per group): `lr`, `lr_decay`, `weight_decay`, `initial_accumulator_value`,
/// `eps`, `maximize` (0/1). State per parameter: `step`, `sum` (s). PyTorch creates the
/// state when the optimizer is made; here it appears at a parameter's first update.
public final class Adagrad: Optimizer {
    /// Adagrad over parameter groups, each with options overriding these defaults
    /// (PyTorch's).
    public init(groups: [(params: [Tensor], options: [String: Double])], lr: Double = 1e-2, lrDecay: Double = 0,
                weightDecay: Double = 0, initialAccumulatorValue: Double = 0, eps: Double = 1e-10,
                maximize: Bool = false) throws {
        let defaults = ["lr": lr, "lr_decay": lrDecay, "weight_decay": weightDecay,
                        "initial_accumulator_value": initialAccumulatorValue, "eps": eps, "maximize": maximize ? 1 : 0]
        try super.init(name: "Adagrad", groups: groups, defaults: defaults, flagOptions: ["maximize"])
    }

    /// PyTorch's checks: lr, lr_decay, weight_decay, initial_accumulator_value and eps
    /// all ≥ 0.
    override public func validate(_ options: [String: Double]) throws {
        try super.validate(options)
        try check(options, "lr_decay", "lr_decay value") { $0 >= 0 }
        try check(options, "weight_decay", "weight_decay value") { $0 >= 0 }
        try check(options, "initial_accumulator_value", "initial_accumulator_value value") { $0 >= 0 }
        try check(options, "eps", "epsilon value") { $0 >= 0 }
    }

    /// One Adagrad step for every parameter of `group` that has a gradient.
    override public func update(group: ParamGroup, index: Int) throws {
        let lr = option(group, "lr"), lrDecay = option(group, "lr_decay")
        let wd = option(group, "weight_decay"), eps = option(group, "eps")
        let initial = option(group, "initial_accumulator_value")
        try forEachGradient(in: group, index: index) { p, g, state in
            let step = (state.step ?? 0) + 1
            state.step = step
            let sum: Tensor
            if let b = state.buffers["sum"] {
                sum = b
            } else {
                sum = Tensor.full(p.shape, initial, dtype: p.dtype)          // full_like(p, initial_accumulator_value)
                state.buffers["sum"] = sum
            }
            let negCLR = -(lr / (1 + (step - 1) * lrDecay))
            if p.dtype == .float64 {
                try Adagrad.apply(Double.self, p, g, sum, wd: wd, eps: eps, negCLR: negCLR)
            } else {
                try Adagrad.apply(Float.self, p, g, sum, wd: wd, eps: eps, negCLR: negCLR)
            }
        }
    }

    /// One parameter's update in its element type `T` (the numbers rounded to `T`
    /// where they meet the data, as PyTorch's Python-float scalars are).
    static func apply<T: OptimizerElement>(_: T.Type, _ p: Tensor, _ g: Tensor, _ sum: Tensor,
                                           wd wdD: Double, eps epsD: Double, negCLR negD: Double) throws {
        let s = ElementOps.pointer(sum, T.self)
        let wd = T(wdD), eps = T(epsD), negCLR = T(negD)
        try ElementOps.run(p, g, as: T.self) { pp, gp, n in
            for i in 0..<n {
                var gi = gp[i]
                if wd != 0 { gi = ElementOps.fma(wd, pp[i], gi) }        // grad.add(param, alpha=wd)
                let si = ElementOps.fma(gi, gi, s[i])                     // state_sum.addcmul_(g, g, value=1)
                s[i] = si
                pp[i] = pp[i] + negCLR * gi / (si.squareRoot() + eps)     // addcdiv_(g, sqrt(sum)+eps, -clr)
            }
        }
    }
}
