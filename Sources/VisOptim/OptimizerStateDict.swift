import VisTensor

/// Saving and restoring an optimizer, so that a run resumes exactly.
///
/// Layout (PyTorch's, with numbers where PyTorch has Python floats and 0-d tensors):
///
///     "state": dict keyed by parameter index ("0", "1", ...), only for parameters
///              that have been updated:
///         "step": number of updates (Adam, AdamW, RMSprop)
///         "exp_avg", "exp_avg_sq", "max_exp_avg_sq"   (Adam, AdamW; the last with amsgrad)
///         "momentum_buffer"                           (SGD with momentum, RMSprop with momentum)
///         "square_avg", "grad_avg"                    (RMSprop; the last when centered)
///     "param_groups": list, one dict per group:
///         every option by PyTorch's name ("lr", "weight_decay", "momentum", ...;
///         Adam's "betas" as a list of two numbers; flags such as "amsgrad" as
///         booleans; scheduler entries such as "initial_lr" as numbers), and
///         "params": the indices of the group's parameters.
///
/// Parameters are numbered across groups in order (the first group's are 0..<n).
/// Tensors are copies of the optimizer's buffers.
extension Optimizer {
    /// The optimizer's state and group options (layout above).
    public func stateDict() -> [String: OptimizerStateValue] {
        var state: [String: OptimizerStateValue] = [:]
        var groups: [OptimizerStateValue] = []
        var index = 0
        for group in paramGroups {
            var entry = encodeOptions(group.options)
            var ids: [OptimizerStateValue] = []
            for p in group.params {
                // A state with nothing in it (SGD without momentum) is left out, as PyTorch's.
                if let s = self.state(for: p), s.step != nil || !s.buffers.isEmpty || !s.scalars.isEmpty {
                    state[String(index)] = s.encoded()
                }
                ids.append(.number(Double(index)))
                index += 1
            }
            entry["params"] = .list(ids)
            groups.append(.dict(entry))
        }
        return ["state": .dict(state), "param_groups": .list(groups)]
    }

    /// Restores state and group options saved by `stateDict()` from an optimizer of the
    /// same kind over parameters of the same shapes, grouped the same way. Checks
    /// everything first: on an error nothing changes.
    public func loadStateDict(_ dict: [String: OptimizerStateValue]) throws {
        let top = StateReader(owner: name, dict: dict)
        guard let savedGroups = try top.value("param_groups").list else {
            throw top.wrong("param_groups", "a list of groups")
        }
        guard savedGroups.count == paramGroups.count else {
            throw TensorError(name, "load_state_dict: the state dict has \(savedGroups.count) parameter groups, this optimizer has \(paramGroups.count)")
        }
        var newOptions: [[String: Double]] = []
        var byIndex: [Int: Tensor] = [:]
        for (gi, (saved, group)) in zip(savedGroups, paramGroups).enumerated() {
            guard let d = saved.dict else { throw top.wrong("param_groups", "a list of groups") }
            let reader = StateReader(owner: name, dict: d)
            let ids = try reader.ints("params")
            guard ids.count == group.params.count else {
                throw TensorError(name, "load_state_dict: parameter group \(gi) of the state dict has \(ids.count) parameters, this optimizer's has \(group.params.count)")
            }
            for (id, p) in zip(ids, group.params) { byIndex[id] = p }
            let options = try decodeOptions(d, group: gi)
            // Another optimizer's state (NAdam's into Adam) would load silently in
            // PyTorch and step with options this one does not read: refuse it.
            let schedulerKeys: Set<String> = ["initial_lr", "max_lr", "min_lr", "max_momentum", "base_momentum"]
            for key in options.keys.sorted() where defaults[key] == nil && group.options[key] == nil && !schedulerKeys.contains(key) {
                throw TensorError(name, "load_state_dict: parameter group \(gi) of the state dict has option '\(Optimizer.publicKeys([key])[0])', which \(name) does not have; is it another optimizer's state?")
            }
            newOptions.append(options)
        }
        guard let savedState = try top.value("state").dict else { throw top.wrong("state", "a dict keyed by parameter index") }
        var newStates: [(Tensor, ParamState)] = []
        for (key, entry) in savedState.sorted(by: { $0.key < $1.key }) {
            guard let id = Int(key), let p = byIndex[id] else {
                throw TensorError(name, "load_state_dict: the state dict has state for parameter '\(key)', which no group lists")
            }
            guard let fields = entry.dict else { throw top.wrong("state", "a dict of named tensors per parameter") }
            let s = ParamState(owner: p)
            for (field, value) in fields.sorted(by: { $0.key < $1.key }) {
                if field == "step" {
                    guard let n = value.number else { throw top.wrong("state.\(key).step", "a number") }
                    s.step = n
                    continue
                }
                if let n = value.number ?? value.tensor.flatMap({ $0.count == 1 && $0.dtype == .float32 ? Double($0.floatPointer[0]) : nil }),
                   Optimizer.scalarStates.contains(field) {
                    s.scalars[field] = n
                    continue
                }
                guard let t = value.tensor, t.dtype == .float32 || t.dtype == .float64, t.shape == p.shape else {
                    throw TensorError(name, "load_state_dict: state.\(key).\(field) should be a float32 or float64 tensor of shape \(shapeString(p.shape)) like its parameter")
                }
                // PyTorch casts floating state to its parameter's dtype on load (a
                // float32 checkpoint loads into a float64 model's optimizer and back).
                s.buffers[field] = t.dtype == p.dtype ? t.detach().clone() : t.detach().cast(p.dtype)
            }
            newStates.append((p, s))
        }
        for (group, options) in zip(paramGroups, newOptions) { group.options = options }
        replaceStates(newStates)
    }

    /// The per-parameter state entries that are numbers rather than tensors.
    static let scalarStates: Set<String> = ["mu_product", "eta", "mu"]

    /// A group's options as state-dict values: flags as booleans, each pair
    /// (`beta1`/`beta2`, ...) as PyTorch's two-element list (`betas`).
    func encodeOptions(_ options: [String: Double]) -> [String: OptimizerStateValue] {
        var out: [String: OptimizerStateValue] = [:]
        let halves = Set(Optimizer.pairOptions.flatMap { [$0.first, $0.second] })
        for (k, v) in options where !halves.contains(k) {
            out[k] = flagOptions.contains(k) ? .bool(v != 0) : .number(v)
        }
        for pair in Optimizer.pairOptions {
            if let a = options[pair.first], let b = options[pair.second] {
                out[pair.key] = .list([.number(a), .number(b)])
            }
        }
        return out
    }

    /// The inverse of `encodeOptions`, for every entry but `params`.
    func decodeOptions(_ d: [String: OptimizerStateValue], group: Int) throws -> [String: Double] {
        var out: [String: Double] = [:]
        for (k, v) in d where k != "params" {
            if let pair = Optimizer.pairOptions.first(where: { $0.key == k }) {
                guard let l = v.list, l.count == 2, let a = l[0].number, let b = l[1].number else {
                    throw TensorError(name, "load_state_dict: option '\(k)' of parameter group \(group) should be a pair of numbers")
                }
                out[pair.first] = a
                out[pair.second] = b
            } else if let x = v.number {
                out[k] = x
            } else {
                throw TensorError(name, "load_state_dict: option '\(k)' of parameter group \(group) should be a number")
            }
        }
        return out
    }
}
