import Foundation
import VisTensor

/// RAdam (Liu et al., 2020), numerically PyTorch's `torch.optim.RAdam`: Adam whose
/// adaptive step is switched on only once the variance estimate is tractable. For each
/// parameter θ with gradient g, at step t:
///
///     g ← g + weight_decay·θ          (or θ ← θ·(1 − lr·weight_decay) when decoupled)
///     m ← m + (1 − β1)·(g − m),   v ← β2·v + (1 − β2)·g²
///     ρ∞ ← 2/(1 − β2) − 1,   ρₜ ← ρ∞ − 2t·β2^t/(1 − β2^t)
///     θ ← θ − lr·m/(1 − β1^t)·√(1 − β2^t)/(√v + eps)·r   when ρₜ > 5, with
///         r = √((ρₜ − 4)(ρₜ − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρₜ))
///     θ ← θ − lr·m/(1 − β1^t)                             otherwise
///
/// Options (per group): `lr`, `beta1`, `beta2` (`betas`), `eps`, `weight_decay`,
/// `decoupled_weight_decay` and `maximize` (0/1). State per parameter: `step`,
/// `exp_avg` (m), `exp_avg_sq` (v).
public final class RAdam: Optimizer {
    /// RAdam over parameter groups, each with options overriding these defaults
    /// (PyTorch's).
    public init(groups: [(params: [Tensor], options: [String: Double])], lr: Double = 1e-3,
                betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8, weightDecay: Double = 0,
                decoupledWeightDecay: Bool = false, maximize: Bool = false) throws {
        let defaults = ["lr": lr, "beta1": betas.0, "beta2": betas.1, "eps": eps, "weight_decay": weightDecay,
                        "decoupled_weight_decay": decoupledWeightDecay ? 1 : 0, "maximize": maximize ? 1 : 0]
        try super.init(name: "RAdam", groups: groups, defaults: defaults,
                       flagOptions: ["decoupled_weight_decay", "maximize"])
    }

    /// PyTorch's checks: lr ≥ 0, eps ≥ 0, 0 ≤ β < 1, weight_decay ≥ 0.
    override public func validate(_ options: [String: Double]) throws {
        try super.validate(options)
        try validateAdamOptions(options)
    }

    /// One RAdam step for every parameter of `group` that has a gradient.
    override public func update(group: ParamGroup, index: Int) throws {
        let lr = option(group, "lr"), beta1 = option(group, "beta1"), beta2 = option(group, "beta2")
        let wd = option(group, "weight_decay"), eps = option(group, "eps")
        let decoupled = option(group, "decoupled_weight_decay") != 0
        let rhoInf = 2 / (1 - beta2) - 1
        try forEachGradient(in: group, index: index) { p, g, state in
            let step = (state.step ?? 0) + 1
            state.step = step
            let m = state.zeroBuffer("exp_avg", like: p), v = state.zeroBuffer("exp_avg_sq", like: p)
            let bc2 = 1 - Foundation.pow(beta2, step)
            let rhoT = rhoInf - 2 * step * Foundation.pow(beta2, step) / bc2
            let rectified = rhoT > 5
            let rect = rectified ? Foundation.pow((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT), 0.5) : 1
            let k = Constants(beta1: beta1, beta2: beta2, eps: eps, lr: lr, bc1: 1 - Foundation.pow(beta1, step),
                              bc2Sqrt: Foundation.pow(bc2, 0.5), rect: rect, rectified: rectified,
                              l2: decoupled ? 0 : wd, decay: decoupled ? 1 - lr * wd : 1, decoupled: decoupled, wd: wd)
            if p.dtype == .float64 {
                try RAdam.apply(Double.self, p, g, m, v, k)
            } else {
                try RAdam.apply(Float.self, p, g, m, v, k)
            }
        }
    }

    /// One step's numbers, as Python floats (doubles) before they meet the data.
    struct Constants {
        let beta1: Double, beta2: Double, eps: Double, lr: Double, bc1: Double, bc2Sqrt: Double
        /// The rectification factor r, used when `rectified` (ρₜ > 5).
        let rect: Double, rectified: Bool
        let l2: Double, decay: Double, decoupled: Bool, wd: Double
    }

    /// One parameter's update in its element type `T` (the numbers rounded to `T`
    /// where they meet the data, as PyTorch's Python-float scalars are).
    static func apply<T: OptimizerElement>(_: T.Type, _ p: Tensor, _ g: Tensor, _ mT: Tensor, _ vT: Tensor,
                                           _ k: Constants) throws {
        let m = ElementOps.pointer(mT, T.self), v = ElementOps.pointer(vT, T.self)
        let lerp = ElementOps.Lerp<T>(weight: 1 - k.beta1)
        let b2 = T(k.beta2), oneMinusB2 = T(1 - k.beta2), eps = T(k.eps), lrT = T(k.lr)
        let bc1 = T(k.bc1), bc2Sqrt = T(k.bc2Sqrt), rect = T(k.rect), l2 = T(k.l2), decay = T(k.decay)
        try ElementOps.run(p, g, as: T.self) { pp, gp, n in
            for i in 0..<n {
                var gi = gp[i]
                var theta = pp[i]
                if k.wd != 0 {
                    if k.decoupled { theta = theta * decay } else { gi = ElementOps.fma(l2, theta, gi) }
                }
                let mi = ElementOps.lerp(m[i], gi, lerp)                 // exp_avg.lerp_(grad, 1-beta1)
                let vi = ElementOps.fma(oneMinusB2 * gi, gi, v[i] * b2)  // mul_(beta2).addcmul_(g, g, 1-beta2)
                m[i] = mi
                v[i] = vi
                var update = mi / bc1 * lrT                              // bias_corrected_exp_avg * lr
                if k.rectified {                                         // * adaptive_lr * rect
                    update = update * (bc2Sqrt / (vi.squareRoot() + eps)) * rect
                }
                pp[i] = theta - update                                   // param.add_(update, alpha=-1)
            }
        }
    }
}
