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
        try check(options, "eps", "epsilon value") { $0 >= 0 }
        try check(options, "beta1", "beta parameter at index 0") { $0 >= 0 && $0 < 1 }
        try check(options, "beta2", "beta parameter at index 1") { $0 >= 0 && $0 < 1 }
        try check(options, "weight_decay", "weight_decay value") { $0 >= 0 }
        try check(options, "decoupled_weight_decay", "decoupled_weight_decay flag (0 or 1)") { $0 == 0 || $0 == 1 }
        try check(options, "maximize", "maximize flag (0 or 1)") { $0 == 0 || $0 == 1 }
    }

    /// One RAdam step for every parameter of `group` that has a gradient.
    override public func update(group: ParamGroup, index: Int) throws {
        let lr = option(group, "lr"), beta1 = option(group, "beta1"), beta2 = option(group, "beta2")
        let wdD = option(group, "weight_decay"), eps = Float(option(group, "eps"))
        let decoupled = option(group, "decoupled_weight_decay") != 0
        let lerp = FusedUpdate.Lerp(weight: 1 - beta1)
        let b2 = Float(beta2), oneMinusB2 = Float(1 - beta2), lrF = Float(lr)
        let l2 = decoupled ? 0 : Float(wdD), decay = Float(decoupled ? 1 - lr * wdD : 1)
        let rhoInf = 2 / (1 - beta2) - 1
        try forEachGradient(in: group, index: index) { p, g, state in
            let step = (state.step ?? 0) + 1
            state.step = step
            let m = state.zeroBuffer("exp_avg", like: p).floatPointer
            let v = state.zeroBuffer("exp_avg_sq", like: p).floatPointer
            let bc1 = Float(1 - Foundation.pow(beta1, step))
            let bc2 = 1 - Foundation.pow(beta2, step)
            let rhoT = rhoInf - 2 * step * Foundation.pow(beta2, step) / bc2
            let rectified = rhoT > 5
            let rect = rectified ? Float(Foundation.pow((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT), 0.5)) : 1
            let bc2Sqrt = Float(Foundation.pow(bc2, 0.5))
            try ElementOps.run(p, g) { pp, gp, n in
                for i in 0..<n {
                    var gi = gp[i]
                    var theta = pp[i]
                    if wdD != 0 {
                        if decoupled { theta = theta * decay } else { gi = ElementOps.fma(l2, theta, gi) }
                    }
                    let mi = ElementOps.lerp(m[i], gi, lerp)                 // exp_avg.lerp_(grad, 1-beta1)
                    let vi = ElementOps.fma(oneMinusB2 * gi, gi, v[i] * b2)  // mul_(beta2).addcmul_(g, g, 1-beta2)
                    m[i] = mi
                    v[i] = vi
                    var update = mi / bc1 * lrF                              // bias_corrected_exp_avg * lr
                    if rectified {                                           // * adaptive_lr * rect
                        update = update * (bc2Sqrt / (vi.squareRoot() + eps)) * rect
                    }
                    pp[i] = theta - update                                   // param.add_(update, alpha=-1)
                }
            }
        }
    }
}
