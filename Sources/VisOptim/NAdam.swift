import Foundation
import VisTensor

/// NAdam (Dozat, 2016), numerically PyTorch's `torch.optim.NAdam`: Adam with Nesterov
/// momentum and a momentum schedule. For each parameter θ with gradient g, at step t:
///
///     g ← g + weight_decay·θ          (or θ ← θ·(1 − lr·weight_decay) when decoupled)
///     μₜ ← β1·(1 − ½·0.96^(t·momentum_decay)),  μₜ₊₁ likewise
///     Π ← Π·μₜ                                  (mu_product, float32 as PyTorch's)
///     m ← m + (1 − β1)·(g − m),   v ← β2·v + (1 − β2)·g²
///     d ← √(v / (1 − β2^t)) + eps
///     θ ← θ − lr·(1 − μₜ)/(1 − Π)·g/d − lr·μₜ₊₁/(1 − Π·μₜ₊₁)·m/d
///
/// Options (per group): `lr`, `beta1`, `beta2` (`betas`), `eps`, `weight_decay`,
/// `momentum_decay`, `decoupled_weight_decay` and `maximize` (0/1). State per
/// parameter: `step`, `mu_product`, `exp_avg` (m), `exp_avg_sq` (v).
public final class NAdam: Optimizer {
    /// NAdam over parameter groups, each with options overriding these defaults
    /// (PyTorch's).
    public init(groups: [(params: [Tensor], options: [String: Double])], lr: Double = 2e-3,
                betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8, weightDecay: Double = 0,
                momentumDecay: Double = 4e-3, decoupledWeightDecay: Bool = false, maximize: Bool = false) throws {
        let defaults = ["lr": lr, "beta1": betas.0, "beta2": betas.1, "eps": eps, "weight_decay": weightDecay,
                        "momentum_decay": momentumDecay, "decoupled_weight_decay": decoupledWeightDecay ? 1 : 0,
                        "maximize": maximize ? 1 : 0]
        try super.init(name: "NAdam", groups: groups, defaults: defaults,
                       flagOptions: ["decoupled_weight_decay", "maximize"])
    }

    /// PyTorch's checks: lr ≥ 0, eps ≥ 0, 0 ≤ β < 1, weight_decay ≥ 0,
    /// momentum_decay ≥ 0.
    override public func validate(_ options: [String: Double]) throws {
        try super.validate(options)
        try validateAdamOptions(options)
        try check(options, "momentum_decay", "momentum_decay value") { $0 >= 0 }
    }

    /// One NAdam step for every parameter of `group` that has a gradient.
    override public func update(group: ParamGroup, index: Int) throws {
        let lr = option(group, "lr"), beta1 = option(group, "beta1"), beta2 = option(group, "beta2")
        let wd = option(group, "weight_decay"), eps = option(group, "eps")
        let momentumDecay = option(group, "momentum_decay"), decoupled = option(group, "decoupled_weight_decay") != 0
        try forEachGradient(in: group, index: index) { p, g, state in
            let step = (state.step ?? 0) + 1
            state.step = step
            let m = state.zeroBuffer("exp_avg", like: p), v = state.zeroBuffer("exp_avg_sq", like: p)
            let bc2 = 1 - Foundation.pow(beta2, step)
            let mu = beta1 * (1 - 0.5 * Foundation.pow(0.96, step * momentumDecay))
            let muNext = beta1 * (1 - 0.5 * Foundation.pow(0.96, (step + 1) * momentumDecay))
            // mu_product is a float32 tensor in PyTorch (its scalar dtype, also for
            // float64 parameters): `mu_product *= mu` rounds.
            let product = Double(Float(state.scalars["mu_product"] ?? 1) * Float(mu))
            state.scalars["mu_product"] = product
            let k = Constants(beta1: beta1, beta2: beta2, eps: eps, bc2: bc2,
                              cg: -lr * (1 - mu) / (1 - product), cm: (-lr * muNext) / (1 - product * muNext),
                              l2: decoupled ? 0 : wd, decay: decoupled ? 1 - lr * wd : 1, decoupled: decoupled, wd: wd)
            if p.dtype == .float64 {
                try NAdam.apply(Double.self, p, g, m, v, k)
            } else {
                try NAdam.apply(Float.self, p, g, m, v, k)
            }
        }
    }

    /// One step's numbers, as Python floats (doubles) before they meet the data.
    struct Constants {
        let beta1: Double, beta2: Double, eps: Double, bc2: Double
        /// The coefficients of the gradient and of the moment in the two addcdiv_.
        let cg: Double, cm: Double
        let l2: Double, decay: Double, decoupled: Bool, wd: Double
    }

    /// One parameter's update in its element type `T` (the numbers rounded to `T`
    /// where they meet the data, as PyTorch's Python-float scalars are).
    static func apply<T: OptimizerElement>(_: T.Type, _ p: Tensor, _ g: Tensor, _ mT: Tensor, _ vT: Tensor,
                                           _ k: Constants) throws {
        let m = ElementOps.pointer(mT, T.self), v = ElementOps.pointer(vT, T.self)
        let lerp = ElementOps.Lerp<T>(weight: 1 - k.beta1)
        let b2 = T(k.beta2), oneMinusB2 = T(1 - k.beta2), eps = T(k.eps), bc2 = T(k.bc2)
        let cg = T(k.cg), cm = T(k.cm), l2 = T(k.l2), decay = T(k.decay)
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
                let d = (vi / bc2).squareRoot() + eps                    // exp_avg_sq.div(bc2).sqrt().add_(eps)
                theta = theta + cg * gi / d                              // addcdiv_(grad, denom, value=...)
                pp[i] = theta + cm * mi / d                              // addcdiv_(exp_avg, denom, value=...)
            }
        }
    }
}
