import Foundation
import VisTensor

/// Averaged stochastic gradient descent (Polyak & Juditsky, 1992), numerically
/// PyTorch's `torch.optim.ASGD`. For each parameter θ with gradient g, at step t, with
/// per-parameter step η (starts at lr) and averaging rate μ (starts at 1):
///
///     g ← g + weight_decay·θ
///     θ ← θ·(1 − λ·η) − η·g
///     ā ← ā + μ·(θ − ā)   (ā ← θ while μ = 1)
///     η ← lr / (1 + λ·lr·t)^α,   μ ← 1 / max(1, t − t0)
///
/// η and μ are float32 numbers as PyTorch's 0-d tensors are. `ax` (ā) is the averaged
/// parameter a user copies into the model at the end. Options (per group): `lr`,
/// `lambd`, `alpha`, `t0`, `weight_decay`, `maximize` (0/1). State per parameter:
/// `step`, `eta`, `mu`, `ax`.
public final class ASGD: Optimizer {
    /// ASGD over parameter groups, each with options overriding these defaults
    /// (PyTorch's).
    public init(groups: [(params: [Tensor], options: [String: Double])], lr: Double = 1e-2, lambd: Double = 1e-4,
                alpha: Double = 0.75, t0: Double = 1e6, weightDecay: Double = 0, maximize: Bool = false) throws {
        let defaults = ["lr": lr, "lambd": lambd, "alpha": alpha, "t0": t0, "weight_decay": weightDecay,
                        "maximize": maximize ? 1 : 0]
        try super.init(name: "ASGD", groups: groups, defaults: defaults, flagOptions: ["maximize"])
    }

    /// PyTorch's checks: lr ≥ 0, weight_decay ≥ 0.
    override public func validate(_ options: [String: Double]) throws {
        try super.validate(options)
        try check(options, "weight_decay", "weight_decay value") { $0 >= 0 }
    }

    /// One ASGD step for every parameter of `group` that has a gradient.
    override public func update(group: ParamGroup, index: Int) throws {
        let lr = option(group, "lr"), lambd = option(group, "lambd"), alpha = option(group, "alpha")
        let t0 = option(group, "t0"), wd = option(group, "weight_decay")
        try forEachGradient(in: group, index: index) { p, g, state in
            let step = (state.step ?? 0) + 1
            state.step = step
            // η and μ are float32 0-d tensors in PyTorch (its scalar dtype, also for
            // float64 parameters), so they stay rounded to float32 here.
            let eta = state.scalars["eta"] ?? Double(Float(lr)), mu = state.scalars["mu"] ?? 1
            let ax = state.zeroBuffer("ax", like: p)
            if p.dtype == .float64 {
                try ASGD.apply(Double.self, p, g, ax, decay: 1 - lambd * eta, eta: eta, mu: mu, wd: wd)
            } else {
                try ASGD.apply(Float.self, p, g, ax, decay: 1 - lambd * eta, eta: eta, mu: mu, wd: wd)
            }
            state.scalars["eta"] = Double(Float(lr / Foundation.pow(1 + lambd * lr * step, alpha)))
            state.scalars["mu"] = Double(Float(1 / Swift.max(1, step - t0)))
        }
    }

    /// One parameter's update in its element type `T` (the numbers rounded to `T`
    /// where they meet the data, as PyTorch's Python-float scalars are).
    static func apply<T: OptimizerElement>(_: T.Type, _ p: Tensor, _ g: Tensor, _ axT: Tensor,
                                           decay decayD: Double, eta: Double, mu: Double, wd wdD: Double) throws {
        let ax = ElementOps.pointer(axT, T.self)
        let decay = T(decayD), negEta = T(-eta), muT = T(mu), wd = T(wdD)
        try ElementOps.run(p, g, as: T.self) { pp, gp, n in
            for i in 0..<n {
                var gi = gp[i]
                if wd != 0 { gi = ElementOps.fma(wd, pp[i], gi) }      // grad.add(param, alpha=wd)
                let theta = ElementOps.fma(negEta, gi, pp[i] * decay)   // mul_(1-lambd*eta).add_(g, alpha=-eta)
                pp[i] = theta
                ax[i] = mu != 1 ? ax[i] + (theta - ax[i]) * muT : theta // ax.add_(param.sub(ax).mul_(mu)) / copy_
            }
        }
    }
}
