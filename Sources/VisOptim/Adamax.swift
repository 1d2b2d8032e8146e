import Foundation
import VisTensor

/// Adamax (Kingma & Ba, 2015, section 7), numerically PyTorch's `torch.optim.Adamax`:
/// Adam with the infinity norm. For each parameter θ with gradient g, at step t:
///
///     g ← g + weight_decay·θ
///     m ← m + (1 − β1)·(g − m)
///     u ← max(β2·u, |g| + eps)
///     θ ← θ − (lr / (1 − β1^t))·m / u
///
/// Options (per group): `lr`, `beta1`, `beta2` (PyTorch's `betas`), `eps`,
/// `weight_decay`, `maximize` (0/1). State per parameter: `step`, `exp_avg` (m),
/// `exp_inf` (u).
public final class Adamax: Optimizer {
    /// Adamax over parameter groups, each with options overriding these defaults
    /// (PyTorch's).
    public init(groups: [(params: [Tensor], options: [String: Double])], lr: Double = 2e-3,
                betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8, weightDecay: Double = 0,
                maximize: Bool = false) throws {
        let defaults = ["lr": lr, "beta1": betas.0, "beta2": betas.1, "eps": eps, "weight_decay": weightDecay,
                        "maximize": maximize ? 1 : 0]
        try super.init(name: "Adamax", groups: groups, defaults: defaults, flagOptions: ["maximize"])
    }

    /// PyTorch's checks: lr ≥ 0, eps ≥ 0, 0 ≤ β < 1, weight_decay ≥ 0.
    override public func validate(_ options: [String: Double]) throws {
        try super.validate(options)
        try validateAdamOptions(options)
    }

    /// One Adamax step for every parameter of `group` that has a gradient.
    override public func update(group: ParamGroup, index: Int) throws {
        let lr = option(group, "lr"), beta1 = option(group, "beta1"), beta2 = option(group, "beta2")
        let wd = option(group, "weight_decay"), eps = option(group, "eps")
        try forEachGradient(in: group, index: index) { p, g, state in
            let step = (state.step ?? 0) + 1
            state.step = step
            let m = state.zeroBuffer("exp_avg", like: p), u = state.zeroBuffer("exp_inf", like: p)
            let negCLR = -(lr / (1 - Foundation.pow(beta1, step)))
            if p.dtype == .float64 {
                try Adamax.apply(Double.self, p, g, m, u, beta1: beta1, beta2: beta2, wd: wd, eps: eps, negCLR: negCLR)
            } else {
                try Adamax.apply(Float.self, p, g, m, u, beta1: beta1, beta2: beta2, wd: wd, eps: eps, negCLR: negCLR)
            }
        }
    }

    /// One parameter's update in its element type `T` (the numbers rounded to `T`
    /// where they meet the data, as PyTorch's Python-float scalars are).
    static func apply<T: OptimizerElement>(_: T.Type, _ p: Tensor, _ g: Tensor, _ mT: Tensor, _ uT: Tensor,
                                           beta1: Double, beta2 b2: Double, wd wdD: Double, eps epsD: Double,
                                           negCLR negD: Double) throws {
        let m = ElementOps.pointer(mT, T.self), u = ElementOps.pointer(uT, T.self)
        let lerp = ElementOps.Lerp<T>(weight: 1 - beta1)
        let beta2 = T(b2), wd = T(wdD), eps = T(epsD), negCLR = T(negD)
        try ElementOps.run(p, g, as: T.self) { pp, gp, n in
            for i in 0..<n {
                var gi = gp[i]
                if wd != 0 { gi = ElementOps.fma(wd, pp[i], gi) }     // grad.add(param, alpha=wd)
                let mi = ElementOps.lerp(m[i], gi, lerp)              // exp_avg.lerp_(grad, 1-beta1)
                m[i] = mi
                let a = u[i] * beta2, b = Swift.abs(gi) + eps         // maximum(exp_inf*beta2, |g|+eps), NaN wins
                let ui = a.isNaN || b.isNaN ? T.nan : Swift.max(a, b)
                u[i] = ui
                pp[i] = pp[i] + negCLR * mi / ui                      // addcdiv_(exp_avg, exp_inf, -clr)
            }
        }
    }
}
