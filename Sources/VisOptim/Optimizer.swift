import VisTensor

/// The base of every optimizer (PyTorch's `torch.optim.Optimizer`): parameter groups
/// with their options, per-parameter state, `zeroGrad()`, `step()`, `lr`, and state
/// dicts (see `stateDict()` for their layout).
///
/// A subclass supplies its defaults and option checks to `init` and overrides
/// `update(group:index:)`, which updates the group's parameters in place. `step()`
/// skips frozen parameters (`requiresGrad` false) and parameters whose `grad` is nil,
/// so their state does not advance, as in PyTorch.
open class Optimizer {
    /// The optimizer's name, which starts its error messages (`"Adam"`).
    public let name: String
    /// The parameter groups, in construction order.
    public private(set) var paramGroups: [ParamGroup] = []
    /// The constructor's options, which groups override (PyTorch's `defaults`).
    public let defaults: [String: Double]
    /// Options that are flags (0 or 1); state dicts and `param_groups` show them as
    /// booleans.
    public let flagOptions: Set<String>
    /// Options PyTorch keeps as one tuple, stored as two numbers so a scheduler can
    /// write either half: (PyTorch's key, first option, second option).
    public static let pairOptions: [(key: String, first: String, second: String)] = [
        ("betas", "beta1", "beta2"), ("etas", "etaminus", "etaplus"),
        ("step_sizes", "step_size_min", "step_size_max"),
    ]
    /// Per-parameter state by parameter identity (see `ParamState.owner`).
    private var states: [ObjectIdentifier: ParamState] = [:]

    /// An optimizer over `groups`, each group's options filled in from `defaults`.
    /// Calls `validate(_:)` on the defaults and on every group. Throws on an empty
    /// parameter list, an option the optimizer does not know, a tensor that is not a
    /// float32 or float64 leaf, or a tensor listed twice.
    public init(name: String, groups: [(params: [Tensor], options: [String: Double])],
                defaults: [String: Double], flagOptions: Set<String> = []) throws {
        self.name = name
        self.defaults = defaults
        self.flagOptions = flagOptions
        if groups.allSatisfy({ $0.params.isEmpty }) {
            throw TensorError(name, "got an empty parameter list")
        }
        try validate(defaults)
        for g in groups { try addParamGroup(g.params, options: g.options) }
    }

    /// Checks a group's options (its learning rate, betas, ...); subclasses override it
    /// and call `check`. The base accepts a non-negative `lr` and 0 or 1 for every
    /// option in `flagOptions` (`maximize`, `nesterov`, ...).
    open func validate(_ options: [String: Double]) throws {
        try check(options, "lr", "learning rate") { $0 >= 0 }
        for flag in flagOptions.sorted() {
            try check(options, flag, "\(flag) flag (0 or 1)") { $0 == 0 || $0 == 1 }
        }
    }

    /// The checks of the Adam family (Adam, AdamW, Adamax, NAdam, RAdam), PyTorch's:
    /// eps ≥ 0, 0 ≤ β < 1 for both betas, weight_decay ≥ 0.
    public func validateAdamOptions(_ options: [String: Double]) throws {
        try check(options, "eps", "epsilon value") { $0 >= 0 }
        try check(options, "beta1", "beta parameter at index 0") { $0 >= 0 && $0 < 1 }
        try check(options, "beta2", "beta parameter at index 1") { $0 >= 0 && $0 < 1 }
        try check(options, "weight_decay", "weight_decay value") { $0 >= 0 }
    }

    /// Throws `"<name>: invalid <what>: <value>"` unless `options[key]` passes `ok`.
    public func check(_ options: [String: Double], _ key: String, _ what: String,
                      _ ok: (Double) -> Bool) throws {
        if let v = options[key], !ok(v) { throw TensorError(name, "invalid \(what): \(v)") }
    }

    /// Adds a group of parameters with its own options (PyTorch's `add_param_group`);
    /// options it does not name come from `defaults`.
    public func addParamGroup(_ params: [Tensor], options: [String: Double] = [:]) throws {
        let index = paramGroups.count
        let place = index == 0 ? "" : " of parameter group \(index)"
        for key in options.keys.sorted() where defaults[key] == nil {
            let known = Optimizer.publicKeys(defaults.keys).joined(separator: ", ")
            throw TensorError(name, "unknown option '\(key)'\(place) (known: \(known))")
        }
        var merged = defaults
        for (k, v) in options { merged[k] = v }
        do {
            try validate(merged)
        } catch let e as TensorError where !options.isEmpty {
            throw TensorError(e.op, e.reason + " (parameter group \(index))")
        }
        var seen = Set<ObjectIdentifier>()
        for group in paramGroups { for p in group.params { seen.insert(ObjectIdentifier(p)) } }
        for (i, p) in params.enumerated() {
            let which = "parameter \(i)\(place)"
            // Each parameter steps in its own dtype (a group may mix them, as in PyTorch).
            // Half parameters: PyTorch's CPU optimizers step them in half arithmetic,
            // which vis does not reproduce, so they are refused rather than stepped
            // with different numbers.
            guard p.dtype == .float32 || p.dtype == .float64 else {
                let why = p.dtype.isFloatingPoint
                    ? " (PyTorch steps \(p.dtype) parameters in \(p.dtype) arithmetic, which vis does not reproduce; train in float32 and convert afterwards)"
                    : ""
                throw TensorError(name, "can only optimize float32 and float64 tensors, but \(which) is \(p.dtype)\(why)")
            }
            guard p.isLeaf else {
                throw TensorError(name, "can't optimize a non-leaf tensor (\(which) was computed by '\(p.gradFnName ?? "an op")'); use .detach() and requires_grad")
            }
            guard seen.insert(ObjectIdentifier(p)).inserted else {
                throw TensorError(name, "\(which) appears more than once in the optimizer's parameters")
            }
        }
        paramGroups.append(ParamGroup(params: params, options: merged))
    }

    /// Option names as PyTorch spells them: each pair's halves as its one key
    /// (`beta1`, `beta2` → `betas`), sorted.
    public static func publicKeys<S: Sequence>(_ names: S) -> [String] where S.Element == String {
        var keys = Set(names)
        for pair in pairOptions where keys.contains(pair.first) || keys.contains(pair.second) {
            keys.remove(pair.first)
            keys.remove(pair.second)
            keys.insert(pair.key)
        }
        return keys.sorted()
    }

    /// The learning rate of the first group; setting it sets every group's.
    public var lr: Double {
        get { paramGroups.first?.lr ?? 0 }
        set { for g in paramGroups { g.lr = newValue } }
    }

    /// Every parameter, group by group (the order state dicts number them in).
    public var parameters: [Tensor] { paramGroups.flatMap(\.params) }

    /// Clears every parameter's gradient: sets it to nil (PyTorch's default
    /// `set_to_none=True`, so the next backward allocates it afresh), or with
    /// `setToNone: false` fills it with zeros in place.
    public func zeroGrad(setToNone: Bool = true) {
        for group in paramGroups {
            for p in group.params {
                if setToNone { p.grad = nil; continue }
                guard let g = p.grad else { continue }
                if g.isContiguous && g.dtype == .float32 {
                    g.floatPointer.update(repeating: 0, count: g.count)
                } else {
                    p.grad = Tensor.full(g.shape, 0, dtype: g.dtype)
                }
            }
        }
    }

    /// Updates every parameter that requires grad and has a gradient, in place and
    /// without recording autograd. Every gradient is checked first, so a bad one
    /// throws before any parameter changes.
    public func step() throws {
        for (index, group) in paramGroups.enumerated() {
            for (i, p) in group.params.enumerated() where p.requiresGrad {
                if let g = p.grad { try checkGradient(p, g, i, index) }
            }
        }
        for (index, group) in paramGroups.enumerated() {
            try update(group: group, index: index)
        }
    }

    /// Throws unless `g` is a gradient of `p`'s dtype and shape.
    func checkGradient(_ p: Tensor, _ g: Tensor, _ i: Int, _ group: Int) throws {
        guard g.dtype == p.dtype, g.shape == p.shape else {
            throw TensorError(name, "the gradient of parameter \(i) of parameter group \(group) is \(g.dtype) \(shapeString(g.shape)), but the parameter is \(p.dtype) \(shapeString(p.shape))")
        }
    }

    /// Updates the parameters of one group; every optimizer overrides it.
    open func update(group: ParamGroup, index: Int) throws {
        throw TensorError(name, "this optimizer does not implement step()")
    }

    /// The value of option `key` in `group` (falling back to `defaults`).
    @inline(__always)
    public func option(_ group: ParamGroup, _ key: String) -> Double {
        group.options[key] ?? defaults[key] ?? 0
    }

    /// Calls `body(param, grad, state)` for every parameter of `group` that requires
    /// grad and has a gradient, after checking the gradient's dtype and shape. With the
    /// group's `maximize` set, `grad` is a negated copy (PyTorch's `-grad`, exact), so
    /// every update kernel stays as it is and the stored gradient is untouched.
    public func forEachGradient(in group: ParamGroup, index: Int,
                                _ body: (Tensor, Tensor, ParamState) throws -> Void) throws {
        let maximize = (group.options["maximize"] ?? 0) != 0
        for (i, p) in group.params.enumerated() where p.requiresGrad {
            guard let g = p.grad else { continue }
            try checkGradient(p, g, i, index)
            try body(p, maximize ? Optimizer.negated(g) : g, state(creating: p))
        }
    }

    /// A contiguous copy of `g` (float32 or float64) with every element negated.
    static func negated(_ g: Tensor) -> Tensor {
        let src = g.isContiguous ? g : g.detach().contiguous()
        let out = Tensor(uninitialized: g.shape, dtype: g.dtype)
        if g.dtype == .float64 {
            let s = src.doublePointer, d = out.doublePointer
            for i in 0..<src.count { d[i] = -s[i] }
            return out
        }
        let s = src.floatPointer, d = out.floatPointer
        for i in 0..<src.count { d[i] = -s[i] }
        return out
    }

    /// The state kept for `param`, or nil before its first update.
    public func state(for param: Tensor) -> ParamState? {
        guard let s = states[ObjectIdentifier(param)], s.owner === param else { return nil }
        return s
    }

    /// The state for `param`, created empty if needed.
    func state(creating param: Tensor) -> ParamState {
        if let s = state(for: param) { return s }
        let s = ParamState(owner: param)
        states[ObjectIdentifier(param)] = s
        return s
    }

    /// Replaces all per-parameter state (used by `loadStateDict`).
    func replaceStates(_ new: [(Tensor, ParamState)]) {
        states = [:]
        for (p, s) in new { states[ObjectIdentifier(p)] = s }
    }
}
