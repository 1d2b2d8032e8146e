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
/// Options (per group): `lr`, `momentum`, `dampening`, `weight_decay`, `nesterov`
/// (0/1). State per parameter: `momentum_buffer` (b), only when momentum ≠ 0.
public final class SGD: Optimizer {
    /// SGD over the tensors `params` (one group).
    public convenience init(_ params: [Tensor], lr: Double, momentum: Double = 0, dampening: Double = 0,
                            weightDecay: Double = 0, nesterov: Bool = false) throws {
        try self.init(groups: [(params, [:])], lr: lr, momentum: momentum, dampening: dampening,
                      weightDecay: weightDecay, nesterov: nesterov)
    }

    /// SGD over parameter groups, each with options overriding these defaults.
    public init(groups: [(params: [Tensor], options: [String: Double])], lr: Double, momentum: Double = 0,
                dampening: Double = 0, weightDecay: Double = 0, nesterov: Bool = false) throws {
        let defaults = ["lr": lr, "momentum": momentum, "dampening": dampening,
                        "weight_decay": weightDecay, "nesterov": nesterov ? 1 : 0]
        try super.init(name: "SGD", groups: groups, defaults: defaults, flagOptions: ["nesterov"])
    }

    /// PyTorch's checks: lr ≥ 0, momentum ≥ 0, weight_decay ≥ 0, and nesterov only
    /// with momentum > 0 and dampening 0.
    override public func validate(_ options: [String: Double]) throws {
        try super.validate(options)
        try check(options, "momentum", "momentum value") { $0 >= 0 }
        try check(options, "weight_decay", "weight_decay value") { $0 >= 0 }
        try check(options, "nesterov", "nesterov flag (0 or 1)") { $0 == 0 || $0 == 1 }
        let momentum = options["momentum"] ?? 0, dampening = options["dampening"] ?? 0
        if options["nesterov"] == 1 && (momentum <= 0 || dampening != 0) {
            throw TensorError(name, "Nesterov momentum requires a momentum and zero dampening (got momentum \(momentum), dampening \(dampening))")
        }
    }

    override public func update(group: ParamGroup, index: Int) throws {
        let lr = option(group, "lr"), momentum = option(group, "momentum")
        let dampening = option(group, "dampening"), weightDecay = option(group, "weight_decay")
        let nesterov = option(group, "nesterov") != 0
        let k = Constants(l2: Float(weightDecay), momentum: Float(momentum),
                          oneMinusDampening: Float(1 - dampening), negLR: Float(-lr))
        try forEachGradient(in: group, index: index) { p, g, state in
            var mode = Mode.plain
            var buffer = p.floatPointer  // unused without momentum
            if momentum != 0 {
                if let b = state.buffers["momentum_buffer"] {
                    buffer = b.floatPointer
                    mode = nesterov ? .nesterov : .momentum
                } else {
                    let b = Tensor(uninitialized: p.shape)
                    state.buffers["momentum_buffer"] = b
                    buffer = b.floatPointer
                    mode = nesterov ? .firstNesterov : .firstMomentum
                }
            }
            let l2 = weightDecay != 0
            try FusedUpdate.run(p, g) { pp, gp, n in
                if l2 { SGD.dispatch(pp, gp, buffer, n, k, mode, l2: true) } else { SGD.dispatch(pp, gp, buffer, n, k, mode, l2: false) }
            }
        }
    }

    /// Which form of the update a parameter takes this step.
    enum Mode { case plain, firstMomentum, firstNesterov, momentum, nesterov }

    struct Constants {
        let l2: Float, momentum: Float, oneMinusDampening: Float, negLR: Float
    }

    /// Calls `kernel` with literal flags, so that each form gets its own branch-free loop.
    @inline(__always)
    static func dispatch(_ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ b: UnsafeMutablePointer<Float>,
                         _ n: Int, _ k: Constants, _ mode: Mode, l2: Bool) {
        switch mode {
        case .plain: kernel(p, g, b, n, k, l2: l2, momentum: false, first: false, nesterov: false)
        case .firstMomentum: kernel(p, g, b, n, k, l2: l2, momentum: true, first: true, nesterov: false)
        case .firstNesterov: kernel(p, g, b, n, k, l2: l2, momentum: true, first: true, nesterov: true)
        case .momentum: kernel(p, g, b, n, k, l2: l2, momentum: true, first: false, nesterov: false)
        case .nesterov: kernel(p, g, b, n, k, l2: l2, momentum: true, first: false, nesterov: true)
        }
    }

    /// The fused update of `n` elements (formula in the class comment), in PyTorch's
    /// float32 operation order and roundings (its `add` with alpha is a fused
    /// multiply-add; see `FusedUpdate.fma`).
    @inline(__always)
    static func kernel(_ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>, _ b: UnsafeMutablePointer<Float>,
                       _ n: Int, _ k: Constants, l2: Bool, momentum: Bool, first: Bool, nesterov: Bool) {
        FusedUpdate.loop(n) { start, end in
            for i in start..<end {
                var gi = g[i]
                if l2 { gi = FusedUpdate.fma(k.l2, p[i], gi) }                          // grad.add(param, alpha=wd)
                if momentum {
                    let bi = first ? gi : FusedUpdate.fma(k.oneMinusDampening, gi, b[i] * k.momentum)
                    b[i] = bi                                                            // buf.mul_(m).add_(g, alpha=1-d)
                    gi = nesterov ? FusedUpdate.fma(k.momentum, bi, gi) : bi            // grad.add(buf, alpha=m)
                }
                p[i] = FusedUpdate.fma(k.negLR, gi, p[i])                               // param.add_(grad, alpha=-lr)
            }
        }
    }
}
