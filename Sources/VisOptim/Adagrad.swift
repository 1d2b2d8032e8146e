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
        try check(options, "maximize", "maximize flag (0 or 1)") { $0 == 0 || $0 == 1 }
    }

    /// One Adagrad step for every parameter of `group` that has a gradient.
    override public func update(group: ParamGroup, index: Int) throws {
        let lr = option(group, "lr"), lrDecay = option(group, "lr_decay")
        let wd = Float(option(group, "weight_decay")), eps = Float(option(group, "eps"))
        let initial = option(group, "initial_accumulator_value")
        try forEachGradient(in: group, index: index) { p, g, state in
            let step = (state.step ?? 0) + 1
            state.step = step
            if state.buffers["sum"] == nil { state.buffers["sum"] = Tensor.full(p.shape, initial) }
            let s = state.buffers["sum"]!.floatPointer  // set just above
            let negCLR = Float(-(lr / (1 + (step - 1) * lrDecay)))
            try ElementOps.run(p, g) { pp, gp, n in
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
}
