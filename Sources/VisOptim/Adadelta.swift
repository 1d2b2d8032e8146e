import VisTensor

/// Adadelta (Zeiler, 2012), numerically PyTorch's `torch.optim.Adadelta`. For each
/// parameter θ with gradient g:
///
///     g ← g + weight_decay·θ
///     v ← ρ·v + (1 − ρ)·g²
///     δ ← √(u + eps) / √(v + eps) · g
///     u ← ρ·u + (1 − ρ)·δ²
///     θ ← θ − lr·δ
///
/// Options (per group): `lr`, `rho`, `eps`, `weight_decay`, `maximize` (0/1). State per
/// parameter: `step`, `square_avg` (v), `acc_delta` (u).
public final class Adadelta: Optimizer {
    /// Adadelta over parameter groups, each with options overriding these defaults
    /// (PyTorch's).
    public init(groups: [(params: [Tensor], options: [String: Double])], lr: Double = 1.0, rho: Double = 0.9,
                eps: Double = 1e-6, weightDecay: Double = 0, maximize: Bool = false) throws {
        let defaults = ["lr": lr, "rho": rho, "eps": eps, "weight_decay": weightDecay, "maximize": maximize ? 1 : 0]
        try super.init(name: "Adadelta", groups: groups, defaults: defaults, flagOptions: ["maximize"])
    }

    /// PyTorch's checks: lr ≥ 0, 0 ≤ rho ≤ 1, eps ≥ 0, weight_decay ≥ 0.
    override public func validate(_ options: [String: Double]) throws {
        try super.validate(options)
        try check(options, "rho", "rho value") { $0 >= 0 && $0 <= 1 }
        try check(options, "eps", "epsilon value") { $0 >= 0 }
        try check(options, "weight_decay", "weight_decay value") { $0 >= 0 }
    }

    /// One Adadelta step for every parameter of `group` that has a gradient.
    override public func update(group: ParamGroup, index: Int) throws {
        let lr = option(group, "lr"), rho = option(group, "rho")
        let wd = option(group, "weight_decay"), eps = option(group, "eps")
        try forEachGradient(in: group, index: index) { p, g, state in
            state.step = (state.step ?? 0) + 1
            let v = state.zeroBuffer("square_avg", like: p), u = state.zeroBuffer("acc_delta", like: p)
            if p.dtype == .float64 {
                try Adadelta.apply(Double.self, p, g, v, u, lr: lr, rho: rho, wd: wd, eps: eps)
            } else {
                try Adadelta.apply(Float.self, p, g, v, u, lr: lr, rho: rho, wd: wd, eps: eps)
            }
        }
    }

    /// One parameter's update in its element type `T` (the numbers rounded to `T`
    /// where they meet the data, as PyTorch's Python-float scalars are).
    static func apply<T: OptimizerElement>(_: T.Type, _ p: Tensor, _ g: Tensor, _ vT: Tensor, _ uT: Tensor,
                                           lr: Double, rho rhoD: Double, wd wdD: Double, eps epsD: Double) throws {
        let v = ElementOps.pointer(vT, T.self), u = ElementOps.pointer(uT, T.self)
        let negLR = T(-lr), rho = T(rhoD), oneMinusRho = T(1 - rhoD), wd = T(wdD), eps = T(epsD)
        try ElementOps.run(p, g, as: T.self) { pp, gp, n in
            for i in 0..<n {
                var gi = gp[i]
                if wd != 0 { gi = ElementOps.fma(wd, pp[i], gi) }            // grad.add(param, alpha=wd)
                let vi = ElementOps.fma(oneMinusRho * gi, gi, v[i] * rho)     // mul_(rho).addcmul_(g, g, 1-rho)
                v[i] = vi
                let std = (vi + eps).squareRoot()                             // square_avg.add(eps).sqrt_()
                let delta = (u[i] + eps).squareRoot() / std * gi              // acc_delta.add(eps).sqrt_().div_(std).mul_(g)
                u[i] = ElementOps.fma(oneMinusRho * delta, delta, u[i] * rho) // mul_(rho).addcmul_(d, d, 1-rho)
                pp[i] = ElementOps.fma(negLR, delta, pp[i])                   // param.add_(delta, alpha=-lr)
            }
        }
    }
}
