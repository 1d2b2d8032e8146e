import VisOptim
import VisTensor

/// An optimizer as a .vis value: `zero_grad()`, `step()`, `lr` (read and write),
/// `param_groups`, `state_dict()` / `load_state_dict()`.
public final class OptimizerObject: NativeObject {
    public let optimizer: Optimizer
    init(_ o: Optimizer) { optimizer = o }
    public var typeName: String { optimizer.name }
    public var memberNames: [String] { ["zero_grad", "step", "lr", "param_groups", "state_dict", "load_state_dict", "add_param_group"] }
    public var repr: String {
        let groups = optimizer.paramGroups.enumerated().map { i, g in
            "  group \(i): \(g.params.count) tensors, " + g.options.sorted { $0.key < $1.key }.map { "\($0.key)=\(Repr.float($0.value))" }.joined(separator: ", ")
        }
        return "\(optimizer.name)(\n" + groups.joined(separator: "\n") + "\n)"
    }

    public func member(_ name: String) throws -> Value? {
        func fn(_ params: [Param], _ doc: String, _ body: @escaping (BoundArguments) throws -> Value) -> Value {
            .function(NativeFunction(name, params, doc: doc) { a, _ in try body(a) })
        }
        switch name {
        case "lr": return .float(optimizer.lr)
        case "zero_grad": return fn([Param("set_to_none", .bool, default: .bool(true))], "opt.zero_grad(): clears every parameter's gradient.") { a in
            self.optimizer.zeroGrad(setToNone: try a.bool(0)); return .none
        }
        case "step": return fn([], "opt.step(): one update of every parameter with a gradient.") { _ in try self.optimizer.step(); return .none }
        case "param_groups":
            return .list(ListBox(optimizer.paramGroups.map { g in
                let d = DictBox()
                d[string: "params"] = .list(ListBox(g.params.map { .tensor($0) }))
                for (k, v) in g.options.sorted(by: { $0.key < $1.key }) { d[string: k] = .float(v) }
                return .dict(d)
            }))
        case "state_dict": return fn([], "opt.state_dict(): the optimizer's state, to resume exactly.") { _ in OptimBuiltins.value(.dict(self.optimizer.stateDict())) }
        case "load_state_dict": return fn([Param("state")], "opt.load_state_dict(state)") { a in
            guard case .dict(let d) = try OptimBuiltins.state(a[0]) else { throw NativeError("load_state_dict: expected a dict") }
            try self.optimizer.loadStateDict(d)
            return .none
        }
        case "add_param_group": return fn([Param("group")], "opt.add_param_group({\"params\": ..., \"lr\": ...})") { a in
            let (params, options) = try OptimBuiltins.group(a[0])
            try self.optimizer.addParamGroup(params, options: options)
            return .none
        }
        default: return nil
        }
    }

    public func setMember(_ name: String, _ value: Value) throws -> Bool {
        guard name == "lr" else { return false }
        guard let v = value.asDouble else { throw NativeError("lr must be a number, got \(value.typeName)") }
        optimizer.lr = v
        return true
    }
}

/// A learning-rate scheduler as a .vis value: `step()` / `step(metric)`, `last_lr`.
public final class SchedulerObject: NativeObject {
    public let scheduler: LRScheduler
    init(_ s: LRScheduler) { scheduler = s }
    public var typeName: String { scheduler.name }
    public var memberNames: [String] { ["step", "last_lr", "get_last_lr", "state_dict", "load_state_dict"] }
    public var repr: String { "\(scheduler.name)(last_lr=\(scheduler.lastLR.map(Repr.float)))" }
    public func member(_ name: String) throws -> Value? {
        switch name {
        case "last_lr": return .list(ListBox(scheduler.lastLR.map { .float($0) }))
        case "get_last_lr": return .function(NativeFunction(name, [], doc: "s.get_last_lr()") { _, _ in .list(ListBox(self.scheduler.lastLR.map { .float($0) })) })
        case "step":
            return .function(NativeFunction("step", [Param("metric", .optional(.float), default: Value.none)],
                                            doc: "s.step() / s.step(metric): advance the schedule (ReduceLROnPlateau needs the metric).") { a, _ in
                if let m = try a.optionalDouble(0) { try self.scheduler.step(m) } else { try self.scheduler.step() }
                return .none
            })
        case "state_dict": return .function(NativeFunction(name, [], doc: "s.state_dict()") { _, _ in OptimBuiltins.value(.dict(self.scheduler.stateDict())) })
        case "load_state_dict":
            return .function(NativeFunction(name, [Param("state")], doc: "s.load_state_dict(state)") { a, _ in
                guard case .dict(let d) = try OptimBuiltins.state(a[0]) else { throw NativeError("load_state_dict: expected a dict") }
                try self.scheduler.loadStateDict(d)
                return .none
            })
        default: return nil
        }
    }
}

/// Bindings of VisOptim: optimizers, schedulers and gradient clipping.
enum OptimBuiltins {
    /// An optimizer's or scheduler's state as a .vis value, and back.
    static func value(_ s: OptimizerStateValue) -> Value {
        switch s {
        case .tensor(let t): return .tensor(t)
        case .number(let d): return d == d.rounded() && Swift.abs(d) < 1e15 ? .int(Int(d)) : .float(d)
        case .bool(let b): return .bool(b)
        case .string(let x): return .string(x)
        case .list(let xs): return .list(ListBox(xs.map(value)))
        case .dict(let d): return .dict(DictBox(d.sorted { $0.key < $1.key }.map { (.string($0.key), value($0.value)) }))
        }
    }

    static func state(_ v: Value) throws -> OptimizerStateValue {
        switch v {
        case .tensor(let t): return .tensor(t)
        case .int(let i): return .number(Double(i))
        case .float(let d): return .number(d)
        case .bool(let b): return .bool(b)
        case .string(let s): return .string(s)
        case .none: return .number(.nan)
        case .list(let l): return .list(try l.items.map(state))
        case .tuple(let t): return .list(try t.map(state))
        case .dict(let d): return .dict(Dictionary(try d.pairs.map { (Repr.str($0.0.value), try state($0.1)) }, uniquingKeysWith: { _, b in b }))
        default: throw NativeError("a state dict cannot hold a \(v.typeName)")
        }
    }

    /// A parameter group dict: {"params": tensors, "lr": ..., ...}.
    static func group(_ v: Value) throws -> ([Tensor], [String: Double]) {
        guard case .dict(let d) = v else { throw NativeError("a parameter group must be a dict like {\"params\": model.parameters(), \"lr\": 1e-4}") }
        guard let p = d[string: "params"] else { throw NativeError("a parameter group needs a \"params\" entry") }
        let params = try tensors(p, "params")
        var options: [String: Double] = [:]
        for (k, x) in d.pairs {
            let key = Repr.str(k.value)
            if key == "params" { continue }
            if let n = x.asDouble { options[key] = n } else {
                throw NativeError("parameter group option '\(key)' must be a number, got \(x.typeName)")
            }
        }
        return (params, options)
    }

    static func tensors(_ v: Value, _ what: String) throws -> [Tensor] {
        switch v {
        case .tensor(let t): return [t]
        case .object(let m as ModuleObject): return m.namedParameters().map(\.1)
        default:
            return try Iteration.elements(v).map {
                guard case .tensor(let t) = $0 else { throw NativeError("\(what) must be tensors (e.g. model.parameters()), found \($0.typeName)") }
                return t
            }
        }
    }

    /// Flat parameters or a list of groups.
    static func groups(_ v: Value) throws -> [(params: [Tensor], options: [String: Double])] {
        if case .list(let l) = v, let first = l.items.first, case .dict = first {
            return try l.items.map { let (p, o) = try group($0); return (p, o) }
        }
        return [(try tensors(v, "params"), [:])]
    }

    static func optimizer(_ v: Value, _ fn: String) throws -> Optimizer {
        guard case .object(let o as OptimizerObject) = v else { throw NativeError("\(fn): expected an optimizer, got \(v.typeName)") }
        return o.optimizer
    }

    static func pair(_ a: BoundArguments, _ i: Int) throws -> (Double, Double) {
        let xs = try a.list(i).map { v -> Double in guard let d = v.asDouble else { throw NativeError("\(a.function): betas must be numbers") }; return d }
        guard xs.count == 2 else { throw NativeError("\(a.function): betas must be a pair (beta1, beta2)") }
        return (xs[0], xs[1])
    }

    static func add(to t: inout BuiltinTable) {
        let params = Param("params")
        t.function("SGD", [params, Param("lr", .float), Param("momentum", .float, default: .float(0)), Param("dampening", .float, default: .float(0)),
                           Param("weight_decay", .float, default: .float(0)), Param("nesterov", .bool, default: .bool(false))],
                   "SGD(params, lr, momentum=0, dampening=0, weight_decay=0, nesterov=false): stochastic gradient descent (PyTorch's update); params may be groups [{\"params\": ..., \"lr\": ...}].") { a, _ in
            .object(OptimizerObject(try SGD(groups: groups(a[0]), lr: a.double(1), momentum: a.double(2), dampening: a.double(3), weightDecay: a.double(4), nesterov: a.bool(5))))
        }
        let adamParams = [params, Param("lr", .float, default: .float(1e-3)), Param("betas", .list, default: .list(ListBox([.float(0.9), .float(0.999)]))),
                          Param("eps", .float, default: .float(1e-8))]
        t.function("Adam", adamParams + [Param("weight_decay", .float, default: .float(0)), Param("amsgrad", .bool, default: .bool(false))],
                   "Adam(params, lr=1e-3, betas=[0.9, 0.999], eps=1e-8, weight_decay=0, amsgrad=false)\n  opt = Adam(model.parameters(), lr=1e-3)") { a, _ in
            .object(OptimizerObject(try Adam(groups: groups(a[0]), lr: a.double(1), betas: pair(a, 2), eps: a.double(3), weightDecay: a.double(4), amsgrad: a.bool(5))))
        }
        t.function("AdamW", adamParams + [Param("weight_decay", .float, default: .float(1e-2)), Param("amsgrad", .bool, default: .bool(false))],
                   "AdamW(params, lr=1e-3, betas=[0.9, 0.999], eps=1e-8, weight_decay=0.01, amsgrad=false): Adam with decoupled weight decay.") { a, _ in
            .object(OptimizerObject(try AdamW(groups: groups(a[0]), lr: a.double(1), betas: pair(a, 2), eps: a.double(3), weightDecay: a.double(4), amsgrad: a.bool(5))))
        }
        t.function("RMSprop", [params, Param("lr", .float, default: .float(1e-2)), Param("alpha", .float, default: .float(0.99)), Param("eps", .float, default: .float(1e-8)),
                               Param("weight_decay", .float, default: .float(0)), Param("momentum", .float, default: .float(0)), Param("centered", .bool, default: .bool(false))],
                   "RMSprop(params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=false): divides each gradient by a running root mean square of past gradients (PyTorch's RMSprop).\n  RMSprop(net.parameters(), lr=1e-3)") { a, _ in
            .object(OptimizerObject(try RMSprop(groups: groups(a[0]), lr: a.double(1), alpha: a.double(2), eps: a.double(3), weightDecay: a.double(4),
                                                momentum: a.double(5), centered: a.bool(6))))
        }
        t.function("clip_grad_norm", [params, Param("max_norm", .float), Param("norm_type", .float, default: .float(2))],
                   "clip_grad_norm(params, max_norm, norm_type=2): scales gradients so their total norm is at most max_norm; returns the norm before clipping.") { a, _ in
            .float(try clipGradNorm(tensors(a[0], "clip_grad_norm: params"), maxNorm: a.double(1), normType: a.double(2)))
        }
        t.function("clip_grad_value", [params, Param("clip_value", .float)], "clip_grad_value(params, clip_value): clamps every gradient element to [-v, v].") { a, _ in
            try clipGradValue(tensors(a[0], "clip_grad_value: params"), clipValue: a.double(1))
            return .none
        }
        let opt = Param("optimizer")
        func sched(_ s: LRScheduler) -> Value { .object(SchedulerObject(s)) }
        t.function("StepLR", [opt, Param("step_size", .int), Param("gamma", .float, default: .float(0.1))], "StepLR(optimizer, step_size, gamma=0.1): lr times gamma every step_size steps.") { a, _ in
            sched(try StepLR(optimizer(a[0], "StepLR"), stepSize: a.int(1), gamma: a.double(2)))
        }
        t.function("MultiStepLR", [opt, Param("milestones", .list), Param("gamma", .float, default: .float(0.1))], "MultiStepLR(optimizer, milestones, gamma=0.1): lr times gamma at each milestone.") { a, _ in
            sched(try MultiStepLR(optimizer(a[0], "MultiStepLR"), milestones: a.ints(1), gamma: a.double(2)))
        }
        t.function("ExponentialLR", [opt, Param("gamma", .float)], "ExponentialLR(optimizer, gamma): lr times gamma every step.") { a, _ in
            sched(try ExponentialLR(optimizer(a[0], "ExponentialLR"), gamma: a.double(1)))
        }
        t.function("CosineAnnealingLR", [opt, Param("T_max", .int), Param("eta_min", .float, default: .float(0))],
                   "CosineAnnealingLR(optimizer, T_max, eta_min=0.0): cosine decay from lr to eta_min over T_max steps (PyTorch's recursive form).") { a, _ in
            sched(try CosineAnnealingLR(optimizer(a[0], "CosineAnnealingLR"), tMax: a.int(1), etaMin: a.double(2)))
        }
        t.function("ReduceLROnPlateau", [opt, Param("mode", .string, default: .string("min")), Param("factor", .float, default: .float(0.1)),
                                         Param("patience", .int, default: .int(10)), Param("threshold", .float, default: .float(1e-4)),
                                         Param("threshold_mode", .string, default: .string("rel")), Param("cooldown", .int, default: .int(0)),
                                         Param("min_lr", .oneOf([.float, .list]), default: .float(0)), Param("eps", .float, default: .float(1e-8))],
                   "ReduceLROnPlateau(optimizer, mode=\"min\", factor=0.1, patience=10, threshold=0.0001, threshold_mode=\"rel\", cooldown=0, min_lr=0.0, eps=1e-08): lowers lr when the metric given to step(metric) stops improving.") { a, _ in
            var minLR = 0.0
            var minLRs: [Double]? = nil
            if let d = a[7].asDouble { minLR = d } else { minLRs = try a.list(7).map { guard let d = $0.asDouble else { throw NativeError("min_lr must be numbers") }; return d } }
            return sched(try ReduceLROnPlateau(optimizer(a[0], "ReduceLROnPlateau"), mode: a.string(1), factor: a.double(2), patience: a.int(3), threshold: a.double(4),
                                               thresholdMode: a.string(5), cooldown: a.int(6), minLR: minLR, minLRs: minLRs, eps: a.double(8)))
        }
        t.function("OneCycleLR", [opt, Param("max_lr", .float), Param("total_steps", .optional(.int), default: Value.none), Param("epochs", .optional(.int), default: Value.none),
                                  Param("steps_per_epoch", .optional(.int), default: Value.none), Param("pct_start", .float, default: .float(0.3)),
                                  Param("anneal_strategy", .string, default: .string("cos")), Param("cycle_momentum", .bool, default: .bool(true)),
                                  Param("div_factor", .float, default: .float(25)), Param("final_div_factor", .float, default: .float(1e4)), Param("three_phase", .bool, default: .bool(false))],
                   "OneCycleLR(optimizer, max_lr, total_steps=none, epochs=none, steps_per_epoch=none, pct_start=0.3, anneal_strategy=\"cos\", cycle_momentum=true, div_factor=25.0, final_div_factor=10000.0, three_phase=false): the one-cycle policy, stepped every batch.") { a, _ in
            sched(try OneCycleLR(optimizer(a[0], "OneCycleLR"), maxLR: a.double(1), totalSteps: a.optionalInt(2), epochs: a.optionalInt(3), stepsPerEpoch: a.optionalInt(4),
                                 pctStart: a.double(5), annealStrategy: a.string(6), cycleMomentum: a.bool(7), divFactor: a.double(8), finalDivFactor: a.double(9), threePhase: a.bool(10)))
        }
        t.function("LinearWarmup", [opt, Param("warmup_steps", .int), Param("start_factor", .float, default: .float(1.0 / 3)), Param("after", default: Value.none)],
                   "LinearWarmup(optimizer, warmup_steps, start_factor=0.3333333333333333, after=none): lr rises linearly over warmup_steps, then the `after` scheduler takes over.") { a, _ in
            var after: LRScheduler? = nil
            if case .object(let s as SchedulerObject) = a[3] { after = s.scheduler } else if !a[3].isNone {
                throw NativeError("LinearWarmup: after must be a scheduler, got \(a[3].typeName)")
            }
            return sched(try LinearWarmup(optimizer(a[0], "LinearWarmup"), warmupSteps: a.int(1), startFactor: a.double(2), after: after))
        }
    }
}
