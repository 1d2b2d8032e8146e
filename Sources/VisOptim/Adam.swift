import Foundation
import VisTensor

/// Adam (Kingma & Ba, 2015), numerically PyTorch's `torch.optim.Adam`. For each
/// parameter θ with gradient g, at step t (counted per parameter):
///
///     g ← g + weight_decay·θ                 (L2 penalty; AdamW decays θ instead)
///     m ← m + (1 − β1)·(g − m)               (= β1·m + (1 − β1)·g, as PyTorch's lerp)
///     v ← β2·v + (1 − β2)·g²
///     v̂ ← max(v̂, v) with amsgrad, else v
///     denom ← √v̂ / √(1 − β2^t) + eps
///     θ ← θ − (lr / (1 − β1^t))·m / denom
///
/// The bias corrections are computed in double precision and the element updates in
/// float32 in PyTorch's order and roundings (see `FusedUpdate.fma`), in one pass over
/// each parameter.
/// Options (per group): `lr`, `beta1`, `beta2`, `eps`, `weight_decay`, `amsgrad`,
/// `maximize` and `decoupled_weight_decay` (flags, 0/1; AdamW is Adam with the last set,
/// as in PyTorch 2.15, where both have the key and a group may change it).
/// State per parameter: `step`, `exp_avg` (m), `exp_avg_sq` (v), `max_exp_avg_sq` (v̂).
public class Adam: Optimizer {
    /// Adam over the tensors `params` (one group).
    public convenience init(_ params: [Tensor], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
                            eps: Double = 1e-8, weightDecay: Double = 0, amsgrad: Bool = false,
                            maximize: Bool = false, decoupledWeightDecay: Bool = false) throws {
        try self.init(groups: [(params, [:])], lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, amsgrad: amsgrad,
                      maximize: maximize, decoupledWeightDecay: decoupledWeightDecay)
    }

    /// Adam over parameter groups, each with options overriding these defaults
    /// (`["lr": 1e-4]`; betas as `beta1` and `beta2`).
    public convenience init(groups: [(params: [Tensor], options: [String: Double])], lr: Double = 1e-3,
                            betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
                            weightDecay: Double = 0, amsgrad: Bool = false, maximize: Bool = false,
                            decoupledWeightDecay: Bool = false) throws {
        try self.init(name: "Adam", groups: groups, lr: lr, betas: betas, eps: eps,
                      weightDecay: weightDecay, amsgrad: amsgrad, maximize: maximize, decoupled: decoupledWeightDecay)
    }

    init(name: String, groups: [(params: [Tensor], options: [String: Double])], lr: Double,
         betas: (Double, Double), eps: Double, weightDecay: Double, amsgrad: Bool, maximize: Bool, decoupled: Bool) throws {
        let defaults = ["lr": lr, "beta1": betas.0, "beta2": betas.1, "eps": eps,
                        "weight_decay": weightDecay, "amsgrad": amsgrad ? 1 : 0, "maximize": maximize ? 1 : 0,
                        "decoupled_weight_decay": decoupled ? 1 : 0]
        try super.init(name: name, groups: groups, defaults: defaults,
                       flagOptions: ["amsgrad", "maximize", "decoupled_weight_decay"])
    }

    /// PyTorch's checks: lr ≥ 0, eps ≥ 0, 0 ≤ β < 1, weight_decay ≥ 0.
    override public func validate(_ options: [String: Double]) throws {
        try super.validate(options)
        try validateAdamOptions(options)
    }

    /// One Adam (or AdamW) step for every parameter of `group` that has a gradient.
    override public func update(group: ParamGroup, index: Int) throws {
        let lr = option(group, "lr"), beta1 = option(group, "beta1"), beta2 = option(group, "beta2")
        let eps = option(group, "eps"), weightDecay = option(group, "weight_decay")
        let amsgrad = option(group, "amsgrad") != 0
        let decoupled = option(group, "decoupled_weight_decay") != 0
        try forEachGradient(in: group, index: index) { p, g, state in
            let step = (state.step ?? 0) + 1
            state.step = step
            let bc1 = 1 - Foundation.pow(beta1, step)
            let bc2 = 1 - Foundation.pow(beta2, step)
            if p.dtype == .float64 {
                let vmax64 = amsgrad ? state.zeroBuffer("max_exp_avg_sq", like: p) : nil
                try Adam.update64(p, g, state.zeroBuffer("exp_avg", like: p), state.zeroBuffer("exp_avg_sq", like: p),
                                  vmax64, lr: lr, beta1: beta1, beta2: beta2, eps: eps, weightDecay: weightDecay,
                                  decoupled: decoupled, bc1: bc1, bc2: bc2)
                return
            }
            let m = state.zeroBuffer("exp_avg", like: p).floatPointer
            let v = state.zeroBuffer("exp_avg_sq", like: p).floatPointer
            let vmax = amsgrad ? state.zeroBuffer("max_exp_avg_sq", like: p).floatPointer : v
            // PyTorch's scalars: Python floats, rounded to float32 where they meet the data.
            let k = AdamConstants(
                l2: Float(decoupled ? 0 : weightDecay),
                decay: Float(decoupled ? 1 - lr * weightDecay : 1),
                lerp: FusedUpdate.Lerp(weight: 1 - beta1),
                beta2: Float(beta2), oneMinusBeta2: Float(1 - beta2),
                bc2Sqrt: Float(Foundation.pow(bc2, 0.5)), eps: Float(eps), negStepSize: Float(-(lr / bc1)))
            let l2 = !decoupled && weightDecay != 0
            try FusedUpdate.run(p, g) { pp, gp, n in
                Adam.kernel(pp, gp, m, v, vmax, n, k, l2: l2, amsgrad: amsgrad)
            }
        }
    }

    /// The per-step constants of one parameter's update.
    struct AdamConstants {
        /// Weight decay added to the gradient (0 for AdamW).
        let l2: Float
        /// Factor applied to θ first (1 − lr·weight_decay for AdamW, else 1: exact).
        let decay: Float
        /// PyTorch's lerp with weight 1 − β1.
        let lerp: FusedUpdate.Lerp
        let beta2: Float, oneMinusBeta2: Float
        let bc2Sqrt: Float, eps: Float, negStepSize: Float
    }

    /// The fused update of `n` elements (formula in the class comment), 8 lanes at a
    /// time. `vmax` is read and written only with amsgrad.
    @inline(__always)
    static func kernel(_ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>,
                       _ m: UnsafeMutablePointer<Float>, _ v: UnsafeMutablePointer<Float>,
                       _ vmax: UnsafeMutablePointer<Float>, _ n: Int, _ k: AdamConstants,
                       l2: Bool, amsgrad: Bool) {
        typealias F = FusedUpdate
        F.loop(n) { start, end in
            F.chunks(start, end) { i, c in
                let p0 = F.load(p, i, c)
                var gi = F.load(g, i, c)
                if l2 { gi = F.fma(k.l2, p0, gi) }                                     // grad.add(param, alpha=wd)
                let theta = p0 * k.decay                                               // param.mul_(1 - lr*wd)
                let mi = k.lerp(F.load(m, i, c), gi)                                   // exp_avg.lerp_(grad, 1-beta1)
                let vi = F.fma(k.oneMinusBeta2 * gi, gi, F.load(v, i, c) * k.beta2)    // mul_(beta2).addcmul_(g, g, 1-beta2)
                F.store(mi, m, i, c)
                F.store(vi, v, i, c)
                var vhat = vi
                if amsgrad {                                                           // torch.maximum(max_exp_avg_sq, v)
                    let old = F.load(vmax, i, c)
                    vhat = vi.replacing(with: old, where: old .>= vi)
                    F.store(vhat, vmax, i, c)
                }
                let denom = vhat.squareRoot() / k.bc2Sqrt + k.eps                      // (sqrt(v) / bc2_sqrt).add_(eps)
                F.store(theta + k.negStepSize * mi / denom, p, i, c)                   // addcdiv_(m, denom, -step_size)
            }
        }
    }

    /// One float64 parameter's Adam (or AdamW) step (formula in the class comment) in
    /// double, as PyTorch steps a double parameter, with float64 moment buffers.
    static func update64(_ p: Tensor, _ g: Tensor, _ mT: Tensor, _ vT: Tensor, _ vmaxT: Tensor?,
                         lr: Double, beta1: Double, beta2: Double, eps: Double, weightDecay: Double,
                         decoupled: Bool, bc1: Double, bc2: Double) throws {
        let m = mT.doublePointer, v = vT.doublePointer, vmax = vmaxT?.doublePointer
        let lerp = ElementOps.Lerp<Double>(weight: 1 - beta1)
        let decay = decoupled ? 1 - lr * weightDecay : 1, l2 = decoupled ? 0 : weightDecay
        let bc2Sqrt = Foundation.pow(bc2, 0.5), negStepSize = -(lr / bc1)
        try ElementOps.run(p, g, as: Double.self) { pp, gp, n in
            for i in 0..<n {
                var gi = gp[i]
                if l2 != 0 { gi = l2 * pp[i] + gi }                               // grad.add(param, alpha=wd)
                let theta = pp[i] * decay                                         // param.mul_(1 - lr*wd)
                let mi = ElementOps.lerp(m[i], gi, lerp)                          // exp_avg.lerp_(grad, 1-beta1)
                let vi = (1 - beta2) * gi * gi + v[i] * beta2                     // mul_(beta2).addcmul_(g, g, 1-beta2)
                m[i] = mi
                v[i] = vi
                var vhat = vi
                if let vmax {                                                     // torch.maximum(max_exp_avg_sq, v)
                    vhat = vmax[i] >= vi ? vmax[i] : vi
                    vmax[i] = vhat
                }
                let denom = vhat.squareRoot() / bc2Sqrt + eps                     // (sqrt(v) / bc2_sqrt).add_(eps)
                pp[i] = theta + negStepSize * mi / denom                          // addcdiv_(m, denom, -step_size)
            }
        }
    }
}
