import VisTensor

/// Resilient backpropagation (Riedmiller & Braun, 1993), numerically PyTorch's
/// `torch.optim.Rprop`: each element has its own step size, grown by `etaplus` while
/// the gradient keeps its sign and shrunk by `etaminus` when it flips. For each
/// element with gradient g and previous gradient g′:
///
///     f ← etaplus if g·g′ > 0, etaminus if g·g′ < 0, else 1
///     s ← clamp(s·f, step_size_min, step_size_max)      (s starts at lr)
///     g ← 0 where f = etaminus
///     θ ← θ − sign(g)·s,   g′ ← g
///
/// Options (per group): `lr`, `etaminus`, `etaplus` (PyTorch's `etas`),
/// `step_size_min`, `step_size_max` (`step_sizes`), `maximize` (0/1). State per
/// parameter: `step`, `prev` (g′), `step_size` (s).
public final class Rprop: Optimizer {
    /// Rprop over parameter groups, each with options overriding these defaults
    /// (PyTorch's).
    public init(groups: [(params: [Tensor], options: [String: Double])], lr: Double = 1e-2,
                etas: (Double, Double) = (0.5, 1.2), stepSizes: (Double, Double) = (1e-6, 50),
                maximize: Bool = false) throws {
        let defaults = ["lr": lr, "etaminus": etas.0, "etaplus": etas.1, "step_size_min": stepSizes.0,
                        "step_size_max": stepSizes.1, "maximize": maximize ? 1 : 0]
        try super.init(name: "Rprop", groups: groups, defaults: defaults, flagOptions: ["maximize"])
    }

    /// PyTorch's checks: lr ≥ 0 and 0 < etaminus < 1 < etaplus.
    override public func validate(_ options: [String: Double]) throws {
        try super.validate(options)
        let minus = options["etaminus"] ?? 0.5, plus = options["etaplus"] ?? 1.2
        guard minus > 0 && minus < 1 && plus > 1 else {
            throw TensorError(name, "invalid eta values: (\(minus), \(plus)); they must satisfy 0 < etaminus < 1 < etaplus")
        }
    }

    /// One Rprop step for every parameter of `group` that has a gradient.
    override public func update(group: ParamGroup, index: Int) throws {
        let lr = option(group, "lr")
        let k = [option(group, "etaminus"), option(group, "etaplus"),
                 option(group, "step_size_min"), option(group, "step_size_max")]
        try forEachGradient(in: group, index: index) { p, g, state in
            state.step = (state.step ?? 0) + 1
            let prev = state.zeroBuffer("prev", like: p)
            let s: Tensor
            if let b = state.buffers["step_size"] {
                s = b
            } else {
                s = Tensor.full(p.shape, lr, dtype: p.dtype)              // grad.new().resize_as_(grad).fill_(lr)
                state.buffers["step_size"] = s
            }
            if p.dtype == .float64 {
                try Rprop.apply(Double.self, p, g, prev, s, k)
            } else {
                try Rprop.apply(Float.self, p, g, prev, s, k)
            }
        }
    }

    /// One parameter's update in its element type `T` (the numbers rounded to `T`
    /// where they meet the data, as PyTorch's Python-float scalars are).
    /// `k` is etaminus, etaplus, step_size_min, step_size_max.
    static func apply<T: OptimizerElement>(_: T.Type, _ p: Tensor, _ g: Tensor, _ prevT: Tensor, _ sT: Tensor,
                                           _ k: [Double]) throws {
        let prev = ElementOps.pointer(prevT, T.self), s = ElementOps.pointer(sT, T.self)
        let minus = T(k[0]), plus = T(k[1]), lo = T(k[2]), hi = T(k[3])
        try ElementOps.run(p, g, as: T.self) { pp, gp, n in
            for i in 0..<n {
                var gi = gp[i]
                let product = gi * prev[i]                                 // grad.mul(prev).sign()
                let f: T = product > 0 ? plus : (product < 0 ? minus : (product.isNaN ? .nan : 1))
                s[i] = Swift.min(Swift.max(s[i] * f, lo), hi)              // step_size.mul_(sign).clamp_(min, max)
                if f == minus { gi = 0 }                                   // grad[sign.eq(etaminus)] = 0
                let sign: T = gi > 0 ? 1 : (gi < 0 ? -1 : (gi.isNaN ? .nan : 0))
                pp[i] = pp[i] - sign * s[i]                                // addcmul_(grad.sign(), step_size, value=-1)
                prev[i] = gi
            }
        }
    }
}
