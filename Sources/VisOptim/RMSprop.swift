import VisTensor

/// RMSprop (Hinton's lecture 6e), numerically PyTorch's `torch.optim.RMSprop`. For
/// each parameter θ with gradient g:
///
///     g ← g + weight_decay·θ
///     s ← α·s + (1 − α)·g²
///     a ← a + (1 − α)·(g − a)                  (centered: running mean of g)
///     d ← √(s − a²) + eps   (centered)   or   d ← √s + eps
///     b ← momentum·b + g / d,  θ ← θ − lr·b    (momentum > 0)
///     θ ← θ − lr·g / d                         (otherwise)
///
/// Options (per group): `lr`, `alpha`, `eps`, `weight_decay`, `momentum`, `centered`
/// and `maximize` (flags, 0/1). State per parameter: `step`, `square_avg` (s), `momentum_buffer` (b, when
/// momentum > 0), `grad_avg` (a, when centered).
public final class RMSprop: Optimizer {
    /// RMSprop over the tensors `params` (one group).
    public convenience init(_ params: [Tensor], lr: Double = 1e-2, alpha: Double = 0.99, eps: Double = 1e-8,
                            weightDecay: Double = 0, momentum: Double = 0, centered: Bool = false,
                            maximize: Bool = false) throws {
        try self.init(groups: [(params, [:])], lr: lr, alpha: alpha, eps: eps, weightDecay: weightDecay,
                      momentum: momentum, centered: centered, maximize: maximize)
    }

    /// RMSprop over parameter groups, each with options overriding these defaults.
    public init(groups: [(params: [Tensor], options: [String: Double])], lr: Double = 1e-2, alpha: Double = 0.99,
                eps: Double = 1e-8, weightDecay: Double = 0, momentum: Double = 0, centered: Bool = false,
                maximize: Bool = false) throws {
        let defaults = ["lr": lr, "alpha": alpha, "eps": eps, "weight_decay": weightDecay,
                        "momentum": momentum, "centered": centered ? 1 : 0, "maximize": maximize ? 1 : 0]
        try super.init(name: "RMSprop", groups: groups, defaults: defaults, flagOptions: ["centered", "maximize"])
    }

    /// PyTorch's checks: lr, eps, momentum, weight_decay and alpha all ≥ 0.
    override public func validate(_ options: [String: Double]) throws {
        try super.validate(options)
        try check(options, "eps", "epsilon value") { $0 >= 0 }
        try check(options, "momentum", "momentum value") { $0 >= 0 }
        try check(options, "weight_decay", "weight_decay value") { $0 >= 0 }
        try check(options, "alpha", "alpha value") { $0 >= 0 }
    }

    /// One RMSprop step for every parameter of `group` that has a gradient.
    override public func update(group: ParamGroup, index: Int) throws {
        let lr = option(group, "lr"), alpha = option(group, "alpha"), eps = option(group, "eps")
        let weightDecay = option(group, "weight_decay"), momentum = option(group, "momentum")
        let centered = option(group, "centered") != 0
        let k = Constants(l2: Float(weightDecay), alpha: Float(alpha), oneMinusAlpha: Float(1 - alpha),
                          lerp: FusedUpdate.Lerp(weight: 1 - alpha),
                          eps: Float(eps), momentum: Float(momentum), negLR: Float(-lr))
        let l2 = weightDecay != 0, useMomentum = momentum > 0
        try forEachGradient(in: group, index: index) { p, g, state in
            state.step = (state.step ?? 0) + 1
            if p.dtype == .float64 {
                try RMSprop.update64(p, g, state.zeroBuffer("square_avg", like: p),
                                     centered ? state.zeroBuffer("grad_avg", like: p) : nil,
                                     useMomentum ? state.zeroBuffer("momentum_buffer", like: p) : nil,
                                     lr: lr, alpha: alpha, eps: eps, weightDecay: weightDecay, momentum: momentum)
                return
            }
            let s = state.zeroBuffer("square_avg", like: p).floatPointer
            let b = useMomentum ? state.zeroBuffer("momentum_buffer", like: p).floatPointer : s
            let a = centered ? state.zeroBuffer("grad_avg", like: p).floatPointer : s
            try FusedUpdate.run(p, g) { pp, gp, n in
                RMSprop.kernel(pp, gp, s, a, b, n, k, l2: l2, centered: centered, momentum: useMomentum)
            }
        }
    }

    struct Constants {
        let l2: Float, alpha: Float, oneMinusAlpha: Float
        /// PyTorch's lerp with weight 1 − α.
        let lerp: FusedUpdate.Lerp
        let eps: Float, momentum: Float, negLR: Float
    }

    /// The fused update of `n` elements (formula in the class comment), 8 lanes at a
    /// time, in PyTorch's float32 operation order and roundings (see `FusedUpdate.fma`).
    @inline(__always)
    static func kernel(_ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ s: UnsafeMutablePointer<Float>,
                       _ a: UnsafeMutablePointer<Float>, _ b: UnsafeMutablePointer<Float>, _ n: Int, _ k: Constants,
                       l2: Bool, centered: Bool, momentum: Bool) {
        typealias F = FusedUpdate
        F.loop(n) { start, end in
            F.chunks(start, end) { i, c in
                let p0 = F.load(p, i, c)
                var gi = F.load(g, i, c)
                if l2 { gi = F.fma(k.l2, p0, gi) }                                    // grad.add(param, alpha=wd)
                let si = F.fma(k.oneMinusAlpha * gi, gi, F.load(s, i, c) * k.alpha)   // mul_(alpha).addcmul_(g, g, 1-alpha)
                F.store(si, s, i, c)
                var avg: F.Lanes
                if centered {
                    let ai = k.lerp(F.load(a, i, c), gi)                              // grad_avg.lerp_(g, 1-alpha)
                    F.store(ai, a, i, c)
                    avg = F.fma(-ai, ai, si).squareRoot()                             // addcmul(a, a, value=-1).sqrt_()
                } else {
                    avg = si.squareRoot()
                }
                avg = avg + k.eps
                if momentum {
                    let bi = F.load(b, i, c) * k.momentum + gi / avg                  // buf.mul_(m).addcdiv_(g, avg)
                    F.store(bi, b, i, c)
                    F.store(F.fma(k.negLR, bi, p0), p, i, c)                          // param.add_(buf, alpha=-lr)
                } else {
                    F.store(p0 + k.negLR * gi / avg, p, i, c)                         // param.addcdiv_(g, avg, value=-lr)
                }
            }
        }
    }

    /// One float64 parameter's step (formula in the class comment) in double, as
    /// PyTorch steps a double parameter, with float64 buffers (`a` when centered, `b`
    /// with momentum).
    static func update64(_ p: Tensor, _ g: Tensor, _ sT: Tensor, _ aT: Tensor?, _ bT: Tensor?,
                         lr: Double, alpha: Double, eps: Double, weightDecay: Double, momentum: Double) throws {
        let s = sT.doublePointer, a = aT?.doublePointer, b = bT?.doublePointer
        let lerp = ElementOps.Lerp<Double>(weight: 1 - alpha)
        try ElementOps.run(p, g, as: Double.self) { pp, gp, n in
            for i in 0..<n {
                var gi = gp[i]
                if weightDecay != 0 { gi = weightDecay * pp[i] + gi }           // grad.add(param, alpha=wd)
                let si = (1 - alpha) * gi * gi + s[i] * alpha                   // mul_(alpha).addcmul_(g, g, 1-alpha)
                s[i] = si
                var avg: Double
                if let a {
                    let ai = ElementOps.lerp(a[i], gi, lerp)                    // grad_avg.lerp_(g, 1-alpha)
                    a[i] = ai
                    avg = (si - ai * ai).squareRoot()                           // addcmul(a, a, value=-1).sqrt_()
                } else {
                    avg = si.squareRoot()
                }
                avg = avg + eps
                if let b {
                    let bi = b[i] * momentum + gi / avg                         // buf.mul_(m).addcdiv_(g, avg)
                    b[i] = bi
                    pp[i] = -lr * bi + pp[i]                                    // param.add_(buf, alpha=-lr)
                } else {
                    pp[i] = pp[i] + -lr * gi / avg                              // param.addcdiv_(g, avg, value=-lr)
                }
            }
        }
    }
}
