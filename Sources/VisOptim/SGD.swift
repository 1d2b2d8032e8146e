import VisTensor

/// Stochastic gradient descent with optional momentum, numerically PyTorch's
/// `torch.optim.SGD`. For each parameter θ with gradient g:
///
///     g ← g + weight_decay·θ
///     b ← g                                   (first step)
///     b ← momentum·b + (1 − dampening)·g      (later steps)
///     g ← g + momentum·b   (nesterov)   or   g ← b   (momentum > 0)
///     θ ← θ − lr·g
///
/// Options (per group): `lr`, `momentum`, `dampening`, `weight_decay`, `nesterov` and
/// `maximize` (flags, 0/1; maximize steps along +g). State per parameter: `momentum_buffer` (b), only when momentum ≠ 0.
public final class SGD: Optimizer {
    /// SGD over the tensors `params` (one group).
    public convenience init(_ params: [Tensor], lr: Double, momentum: Double = 0, dampening: Double = 0,
                            weightDecay: Double = 0, nesterov: Bool = false, maximize: Bool = false) throws {
        try self.init(groups: [(params, [:])], lr: lr, momentum: momentum, dampening: dampening,
                      weightDecay: weightDecay, nesterov: nesterov, maximize: maximize)
    }

    /// SGD over parameter groups, each with options overriding these defaults.
    public init(groups: [(params: [Tensor], options: [String: Double])], lr: Double, momentum: Double = 0,
                dampening: Double = 0, weightDecay: Double = 0, nesterov: Bool = false, maximize: Bool = false) throws {
        let defaults = ["lr": lr, "momentum": momentum, "dampening": dampening,
                        "weight_decay": weightDecay, "nesterov": nesterov ? 1 : 0, "maximize": maximize ? 1 : 0]
        try super.init(name: "SGD", groups: groups, defaults: defaults, flagOptions: ["nesterov", "maximize"])
    }

    /// PyTorch's checks: lr ≥ 0, momentum ≥ 0, weight_decay ≥ 0, and nesterov only
    /// with momentum > 0 and dampening 0.
    override public func validate(_ options: [String: Double]) throws {
        try super.validate(options)
        try check(options, "momentum", "momentum value") { $0 >= 0 }
        try check(options, "weight_decay", "weight_decay value") { $0 >= 0 }
        let momentum = options["momentum"] ?? 0, dampening = options["dampening"] ?? 0
        if options["nesterov"] == 1 && (momentum <= 0 || dampening != 0) {
            throw TensorError(name, "Nesterov momentum requires a momentum and zero dampening (got momentum \(momentum), dampening \(dampening))")
        }
    }

    /// One SGD step for every parameter of `group` that has a gradient.
    override public func update(group: ParamGroup, index: Int) throws {
        let lr = option(group, "lr"), momentum = option(group, "momentum")
        let dampening = option(group, "dampening"), weightDecay = option(group, "weight_decay")
        let nesterov = option(group, "nesterov") != 0
        let k = Constants(l2: Float(weightDecay), momentum: Float(momentum),
                          oneMinusDampening: Float(1 - dampening), negLR: Float(-lr))
        try forEachGradient(in: group, index: index) { p, g, state in
            if p.dtype == .float64 {
                try SGD.update64(p, g, state, lr: lr, momentum: momentum, dampening: dampening,
                                 weightDecay: weightDecay, nesterov: nesterov)
                return
            }
            var useMomentum = false, first = false
            var buffer = p.floatPointer  // unused without momentum
            if momentum != 0 {
                useMomentum = true
                if let b = state.buffers["momentum_buffer"] {
                    buffer = b.floatPointer
                } else {
                    let b = Tensor(uninitialized: p.shape)
                    state.buffers["momentum_buffer"] = b
                    buffer = b.floatPointer
                    first = true
                }
            }
            let l2 = weightDecay != 0
            try FusedUpdate.run(p, g) { pp, gp, n in
                SGD.kernel(pp, gp, buffer, n, k, l2: l2, momentum: useMomentum, first: first, nesterov: nesterov)
            }
        }
    }

    struct Constants {
        let l2: Float, momentum: Float, oneMinusDampening: Float, negLR: Float
    }

    /// The fused update of `n` elements (formula in the class comment), 8 lanes at a
    /// time, in PyTorch's float32 operation order and roundings (its `add` with alpha
    /// is a fused multiply-add; see `FusedUpdate.fma`). On the first step with
    /// momentum, the buffer is written, not read.
    @inline(__always)
    static func kernel(_ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ b: UnsafeMutablePointer<Float>,
                       _ n: Int, _ k: Constants, l2: Bool, momentum: Bool, first: Bool, nesterov: Bool) {
        typealias F = FusedUpdate
        F.loop(n) { start, end in
            F.chunks(start, end) { i, c in
                let p0 = F.load(p, i, c)
                var gi = F.load(g, i, c)
                if l2 { gi = F.fma(k.l2, p0, gi) }                                      // grad.add(param, alpha=wd)
                if momentum {
                    let bi = first ? gi : F.fma(k.oneMinusDampening, gi, F.load(b, i, c) * k.momentum)
                    F.store(bi, b, i, c)                                                 // buf.mul_(m).add_(g, alpha=1-d)
                    gi = nesterov ? F.fma(k.momentum, bi, gi) : bi                       // grad.add(buf, alpha=m)
                }
                F.store(F.fma(k.negLR, gi, p0), p, i, c)                                 // param.add_(grad, alpha=-lr)
            }
        }
    }

    /// One float64 parameter's step (formula in the class comment) in double, as
    /// PyTorch steps a double parameter; the momentum buffer is float64 too.
    static func update64(_ p: Tensor, _ g: Tensor, _ state: ParamState, lr: Double, momentum: Double,
                         dampening: Double, weightDecay: Double, nesterov: Bool) throws {
        var buffer: UnsafeMutablePointer<Double>? = nil
        var first = false
        if momentum != 0 {
            if let b = state.buffers["momentum_buffer"] {
                buffer = b.doublePointer
            } else {
                let b = Tensor(uninitialized: p.shape, dtype: .float64)
                state.buffers["momentum_buffer"] = b
                buffer = b.doublePointer
                first = true
            }
        }
        try ElementOps.run(p, g, as: Double.self) { pp, gp, n in
            for i in 0..<n {
                var gi = gp[i]
                if weightDecay != 0 { gi = weightDecay * pp[i] + gi }              // grad.add(param, alpha=wd)
                if let b = buffer {
                    let bi = first ? gi : (1 - dampening) * gi + b[i] * momentum   // buf.mul_(m).add_(g, alpha=1-d)
                    b[i] = bi
                    gi = nesterov ? momentum * bi + gi : bi                       // grad.add(buf, alpha=m)
                }
                pp[i] = -lr * gi + pp[i]                                          // param.add_(grad, alpha=-lr)
            }
        }
    }
}
