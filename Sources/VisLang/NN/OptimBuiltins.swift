import VisOptim
import VisTensor

/// An optimizer as a .vis value; its members are the `Optimizer` member table.
public final class OptimizerObject: NativeObject {
    public let optimizer: Optimizer
    init(_ o: Optimizer) { optimizer = o }
    public var typeName: String { optimizer.name }
    public func member(_ name: String) throws -> Value? { nil }
    public var memberNames: [String] { [] }
    public var members: MemberTable? { OptimizerObject.table }
    /// PyTorch's layout: the name, then each group's options in name order.
    public var repr: String {
        var lines = ["\(optimizer.name) ("]
        for (i, g) in optimizer.paramGroups.enumerated() {
            let group = ParamGroupObject(g, of: optimizer)
            lines.append("Parameter Group \(i)")
            for k in group.keys { if let v = group.option(k) { lines.append("    \(k): \(Repr.repr(v))") } }
        }
        return lines.joined(separator: "\n") + "\n)"
    }

    static func of(_ a: BoundArguments) throws -> Optimizer { try a.object("self", OptimizerObject.self).optimizer }

    /// What every optimizer has: `zero_grad()`, `step()`, `lr`, `param_groups`,
    /// `state_dict()`, `load_state_dict()`, `add_param_group()`.
    static let table: MemberTable = {
        let t = MemberTable("Optimizer")
        t.attribute("lr", of: OptimizerObject.self, "opt.lr: the learning rate of the first parameter group; assigning sets it in every group.",
                    get: { .float($0.optimizer.lr) },
                    set: { o, v in
                        guard let d = v.asDouble else { throw NativeError("lr must be a number, got \(v.typeName)") }
                        o.optimizer.lr = d
                    })
        t.attribute("param_groups", of: OptimizerObject.self,
                    "opt.param_groups: one entry per parameter group, read and written like PyTorch's dicts: g[\"lr\"] = 0.01 changes what the next step() uses.\n  for g in opt.param_groups { g[\"lr\"] *= 0.5 }",
                    get: { o in .list(ListBox(o.optimizer.paramGroups.map { .object(ParamGroupObject($0, of: o.optimizer)) })) })
        t.method("zero_grad", [Param("set_to_none", .bool, default: .bool(true))],
                 "opt.zero_grad(set_to_none=true): clears every parameter's gradient (to none, or to zeros with set_to_none=false).") { a, _ in
            try of(a).zeroGrad(setToNone: a.bool("set_to_none"))
            return .none
        }
        t.method("step", [], "opt.step(): one update of every parameter that has a gradient.") { a, _ in
            try of(a).step()
            return .none
        }
        t.method("state_dict", [], "opt.state_dict(): the optimizer's state (moments, step counts, options), to resume exactly.") { a, _ in
            OptimBuiltins.value(.dict(try of(a).stateDict()))
        }
        t.method("load_state_dict", [Param("state_dict")], "opt.load_state_dict(state_dict): restores a state from state_dict().") { a, _ in
            guard case .dict(let d) = try OptimBuiltins.state(a["state_dict"]) else { throw NativeError("load_state_dict: expected a dict") }
            try of(a).loadStateDict(d)
            return .none
        }
        t.method("add_param_group", [Param("param_group")], "opt.add_param_group(param_group): adds a group {\"params\": tensors, \"lr\": ..., ...}.") { a, _ in
            let (params, options) = try OptimBuiltins.group(a["param_group"])
            try of(a).addParamGroup(params, options: options)
            return .none
        }
        return t
    }()
}

/// A learning-rate scheduler as a .vis value; its members are the `LRScheduler` table.
public final class SchedulerObject: NativeObject {
    public let scheduler: LRScheduler
    init(_ s: LRScheduler) { scheduler = s }
    public var typeName: String { scheduler.name }
    public func member(_ name: String) throws -> Value? { nil }
    public var memberNames: [String] { [] }
    public var members: MemberTable? { SchedulerObject.table }
    public var repr: String { "\(scheduler.name)(last_lr=\(scheduler.lastLR.map(Repr.float)))" }

    static func of(_ a: BoundArguments) throws -> LRScheduler { try a.object("self", SchedulerObject.self).scheduler }

    /// What every scheduler has: `step()`, `last_lr`, `get_last_lr()`, `state_dict()`,
    /// `load_state_dict()`.
    static let table: MemberTable = {
        let t = MemberTable("LRScheduler")
        t.attribute("last_lr", of: SchedulerObject.self, "s.last_lr: the learning rate of each group after the last step, a list.",
                    get: { .list(ListBox($0.scheduler.lastLR.map { .float($0) })) })
        t.method("get_last_lr", [], "s.get_last_lr(): the learning rate of each group after the last step, a list.") { a, _ in
            .list(ListBox(try of(a).lastLR.map { .float($0) }))
        }
        t.attribute("last_epoch", of: SchedulerObject.self, "s.last_epoch: the epoch (or batch) count of the schedule: 0 after construction, +1 per step().",
                    get: { .int($0.scheduler.lastEpoch) })
        t.method("step", [Param("metrics", .optional(.oneOf([.float, .tensor])), default: Value.none), Param("epoch", .optional(.float), default: Value.none)],
                 "s.step() / s.step(metrics) / s.step(epoch): advances the schedule; ReduceLROnPlateau needs the metric it watches (a number or a one-element tensor), the others may be moved to an epoch (PyTorch's deprecated form; CosineAnnealingWarmRestarts takes fractions).\n  sched.step()") { a, _ in
            let s = try of(a)
            var first: Double? = nil
            if case .tensor(let x) = a["metrics"] {
                guard x.count == 1 else { throw NativeError("step: the metric must be a number or a one-element tensor, got a tensor of shape \(shapeString(x.shape))", kind: .valueError) }
                first = try x.item()
            } else {
                first = try a.optionalDouble("metrics")
            }
            let epoch = try a.optionalDouble("epoch")
            if s is ReduceLROnPlateau {
                guard let m = first else { throw NativeError("ReduceLROnPlateau.step needs the metric it watches: sched.step(val_loss)", kind: .typeError) }
                try s.step(m)
            } else if let e = epoch ?? first {
                guard epoch == nil || first == nil else { throw NativeError("\(s.name).step takes one epoch, got two numbers", kind: .typeError) }
                try s.step(epoch: e)
            } else {
                try s.step()
            }
            return .none
        }
        t.method("state_dict", [], "s.state_dict(): the scheduler's state, to resume exactly.") { a, _ in
            OptimBuiltins.value(.dict(try of(a).stateDict()))
        }
        t.method("load_state_dict", [Param("state_dict")], "s.load_state_dict(state_dict): restores a state from state_dict().") { a, _ in
            guard case .dict(let d) = try OptimBuiltins.state(a["state_dict"]) else { throw NativeError("load_state_dict: expected a dict") }
            try of(a).loadStateDict(d)
            return .none
        }
        return t
    }()
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
        case .dict(let d):
            // The optimizer's "state" is keyed by parameter index, an int as in PyTorch
            // (sd["state"][0]); every other key is a name.
            let keyed = d.map { (key: Int($0.key).map(DictKey.int) ?? .string($0.key), name: $0.key, value: $0.value) }
            return .dict(DictBox(keyed.sorted { (Int($0.name) ?? Int.max, $0.name) < (Int($1.name) ?? Int.max, $1.name) }.map { ($0.key, value($0.value)) }))
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
            for (name, n) in try optionNumbers(key, x) { options[name] = n }
        }
        return (params, options)
    }

    /// One group option as the numbers the optimizer stores: a pair such as
    /// `"betas": (0.9, 0.99)` becomes its two halves (`beta1`, `beta2`), a flag 0 or 1.
    static func optionNumbers(_ key: String, _ x: Value) throws -> [(String, Double)] {
        if let pair = Optimizer.pairOptions.first(where: { $0.key == key }) {
            let items: [Value]
            switch x {
            case .list(let l): items = l.items
            case .tuple(let t): items = t
            default: throw NativeError("parameter group option '\(key)' must be a pair of numbers like (0.9, 0.999), got \(x.typeName)", kind: .typeError)
            }
            guard items.count == 2, let a = items[0].asDouble, let b = items[1].asDouble else {
                throw NativeError("parameter group option '\(key)' must be a pair of two numbers, got \(Repr.repr(x))", kind: .valueError)
            }
            return [(pair.first, a), (pair.second, b)]
        }
        if let pair = Optimizer.pairOptions.first(where: { $0.first == key || $0.second == key }) {
            throw NativeError("parameter group key \(Repr.quote(key)) is not PyTorch's: give \(Repr.quote(pair.key)) as a pair instead", kind: .keyError)
        }
        if case .bool(let b) = x { return [(key, b ? 1 : 0)] }
        guard let n = x.asDouble else {
            throw NativeError("parameter group option '\(key)' must be a number, got \(x.typeName)", kind: .typeError)
        }
        return [(key, n)]
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

    /// A two-number argument (`betas`, `etas`, `step_sizes`), a tuple or list.
    static func pair(_ a: BoundArguments, _ name: String) throws -> (Double, Double) {
        let xs = try a.list(name).map { v -> Double in guard let d = v.asDouble else { throw NativeError("\(a.function): \(name) must be numbers, got \(v.typeName)") }; return d }
        guard xs.count == 2 else { throw NativeError("\(a.function): \(name) must be a pair of two numbers, got \(xs.count)") }
        return (xs[0], xs[1])
    }

    static func add(to t: inout BuiltinTable) {
        let params = Param("params")
        let maximize = Param("maximize", .bool, default: .bool(false))
        t.function("SGD", [params, Param("lr", .float, default: .float(1e-3)), Param("momentum", .float, default: .float(0)), Param("dampening", .float, default: .float(0)),
                           Param("weight_decay", .float, default: .float(0)), Param("nesterov", .bool, default: .bool(false)), maximize],
                   "SGD(params, lr=0.001, momentum=0, dampening=0, weight_decay=0, nesterov=false, maximize=false): stochastic gradient descent (PyTorch's update); params may be groups [{\"params\": ..., \"lr\": ...}].\n  opt = SGD(model.parameters(), lr=0.1, momentum=0.9)") { a, _ in
            .object(OptimizerObject(try SGD(groups: groups(a["params"]), lr: a.double("lr"), momentum: a.double("momentum"), dampening: a.double("dampening"), weightDecay: a.double("weight_decay"),
                                            nesterov: a.bool("nesterov"), maximize: a.bool("maximize"))))
        }
        let adamParams = [params, Param("lr", .float, default: .float(1e-3)), Param("betas", .list, default: .tuple([.float(0.9), .float(0.999)])),
                          Param("eps", .float, default: .float(1e-8))]
        t.function("Adam", adamParams + [Param("weight_decay", .float, default: .float(0)), Param("amsgrad", .bool, default: .bool(false)), maximize,
                                         Param("decoupled_weight_decay", .bool, default: .bool(false))],
                   "Adam(params, lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0, amsgrad=false, maximize=false, decoupled_weight_decay=false): Adam (PyTorch's update; decoupled_weight_decay=true is AdamW).\n  opt = Adam(model.parameters(), lr=1e-3)") { a, _ in
            .object(OptimizerObject(try Adam(groups: groups(a["params"]), lr: a.double("lr"), betas: pair(a, "betas"), eps: a.double("eps"), weightDecay: a.double("weight_decay"), amsgrad: a.bool("amsgrad"),
                                             maximize: a.bool("maximize"), decoupledWeightDecay: a.bool("decoupled_weight_decay"))))
        }
        t.function("AdamW", adamParams + [Param("weight_decay", .float, default: .float(1e-2)), Param("amsgrad", .bool, default: .bool(false)), maximize],
                   "AdamW(params, lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0.01, amsgrad=false, maximize=false): Adam with decoupled weight decay.\n  opt = AdamW(model.parameters(), lr=1e-3, weight_decay=0.05)") { a, _ in
            .object(OptimizerObject(try AdamW(groups: groups(a["params"]), lr: a.double("lr"), betas: pair(a, "betas"), eps: a.double("eps"), weightDecay: a.double("weight_decay"), amsgrad: a.bool("amsgrad"),
                                              maximize: a.bool("maximize"))))
        }
        t.function("RMSprop", [params, Param("lr", .float, default: .float(1e-2)), Param("alpha", .float, default: .float(0.99)), Param("eps", .float, default: .float(1e-8)),
                               Param("weight_decay", .float, default: .float(0)), Param("momentum", .float, default: .float(0)), Param("centered", .bool, default: .bool(false)), maximize],
                   "RMSprop(params, lr=0.01, alpha=0.99, eps=1e-08, weight_decay=0, momentum=0, centered=false, maximize=false): divides each gradient by a running root mean square of past gradients (PyTorch's RMSprop).\n  RMSprop(net.parameters(), lr=1e-3)") { a, _ in
            .object(OptimizerObject(try RMSprop(groups: groups(a["params"]), lr: a.double("lr"), alpha: a.double("alpha"), eps: a.double("eps"), weightDecay: a.double("weight_decay"),
                                                momentum: a.double("momentum"), centered: a.bool("centered"), maximize: a.bool("maximize"))))
        }
        OptimizerFamilyBuiltins.add(to: &t)
        t.function("clip_grad_norm", [params, Param("max_norm", .float), Param("norm_type", .float, default: .float(2))],
                   "clip_grad_norm(params, max_norm, norm_type=2): scales gradients so their total norm is at most max_norm; returns the norm before clipping.") { a, _ in
            .float(try clipGradNorm(tensors(a["params"], "clip_grad_norm: params"), maxNorm: a.double("max_norm"), normType: a.double("norm_type")))
        }
        t.function("clip_grad_value", [params, Param("clip_value", .float)], "clip_grad_value(params, clip_value): clamps every gradient element to [-v, v].") { a, _ in
            try clipGradValue(tensors(a["params"], "clip_grad_value: params"), clipValue: a.double("clip_value"))
            return .none
        }
        t.memberTables += [OptimizerObject.table, SchedulerObject.table, ParamGroupObject.table]
        let opt = Param("optimizer")
        func sched(_ s: LRScheduler) -> Value { .object(SchedulerObject(s)) }
        t.function("StepLR", [opt, Param("step_size", .int), Param("gamma", .float, default: .float(0.1))], "StepLR(optimizer, step_size, gamma=0.1): lr times gamma every step_size steps.") { a, _ in
            sched(try StepLR(optimizer(a["optimizer"], "StepLR"), stepSize: a.int("step_size"), gamma: a.double("gamma")))
        }
        t.function("MultiStepLR", [opt, Param("milestones", .list), Param("gamma", .float, default: .float(0.1))], "MultiStepLR(optimizer, milestones, gamma=0.1): lr times gamma at each milestone.") { a, _ in
            sched(try MultiStepLR(optimizer(a["optimizer"], "MultiStepLR"), milestones: a.ints("milestones"), gamma: a.double("gamma")))
        }
        t.function("ExponentialLR", [opt, Param("gamma", .float)], "ExponentialLR(optimizer, gamma): lr times gamma every step.") { a, _ in
            sched(try ExponentialLR(optimizer(a["optimizer"], "ExponentialLR"), gamma: a.double("gamma")))
        }
        t.function("CosineAnnealingLR", [opt, Param("T_max", .int), Param("eta_min", .float, default: .float(0))],
                   "CosineAnnealingLR(optimizer, T_max, eta_min=0.0): cosine decay from lr to eta_min over T_max steps (PyTorch's recursive form).") { a, _ in
            sched(try CosineAnnealingLR(optimizer(a["optimizer"], "CosineAnnealingLR"), tMax: a.int("T_max"), etaMin: a.double("eta_min")))
        }
        t.function("ReduceLROnPlateau", [opt, Param("mode", .string, default: .string("min")), Param("factor", .float, default: .float(0.1)),
                                         Param("patience", .int, default: .int(10)), Param("threshold", .float, default: .float(1e-4)),
                                         Param("threshold_mode", .string, default: .string("rel")), Param("cooldown", .int, default: .int(0)),
                                         Param("min_lr", .oneOf([.float, .list]), default: .float(0)), Param("eps", .float, default: .float(1e-8))],
                   "ReduceLROnPlateau(optimizer, mode=\"min\", factor=0.1, patience=10, threshold=0.0001, threshold_mode=\"rel\", cooldown=0, min_lr=0.0, eps=1e-08): lowers lr when the metric given to step(metric) stops improving.") { a, _ in
            var minLR = 0.0
            var minLRs: [Double]? = nil
            if let d = a["min_lr"].asDouble { minLR = d } else { minLRs = try a.list("min_lr").map { guard let d = $0.asDouble else { throw NativeError("min_lr must be numbers") }; return d } }
            return sched(try ReduceLROnPlateau(optimizer(a["optimizer"], "ReduceLROnPlateau"), mode: a.string("mode"), factor: a.double("factor"), patience: a.int("patience"), threshold: a.double("threshold"),
                                               thresholdMode: a.string("threshold_mode"), cooldown: a.int("cooldown"), minLR: minLR, minLRs: minLRs, eps: a.double("eps")))
        }
        t.function("OneCycleLR", [opt, Param("max_lr", .float), Param("total_steps", .optional(.int), default: Value.none), Param("epochs", .optional(.int), default: Value.none),
                                  Param("steps_per_epoch", .optional(.int), default: Value.none), Param("pct_start", .float, default: .float(0.3)),
                                  Param("anneal_strategy", .string, default: .string("cos")), Param("cycle_momentum", .bool, default: .bool(true)),
                                  Param("base_momentum", .float, default: .float(0.85)), Param("max_momentum", .float, default: .float(0.95)),
                                  Param("div_factor", .float, default: .float(25)), Param("final_div_factor", .float, default: .float(1e4)), Param("three_phase", .bool, default: .bool(false))],
                   "OneCycleLR(optimizer, max_lr, total_steps=none, epochs=none, steps_per_epoch=none, pct_start=0.3, anneal_strategy=\"cos\", cycle_momentum=true, base_momentum=0.85, max_momentum=0.95, div_factor=25.0, final_div_factor=10000.0, three_phase=false): the one-cycle policy, stepped every batch.") { a, _ in
            sched(try OneCycleLR(optimizer(a["optimizer"], "OneCycleLR"), maxLR: a.double("max_lr"), totalSteps: a.optionalInt("total_steps"), epochs: a.optionalInt("epochs"), stepsPerEpoch: a.optionalInt("steps_per_epoch"),
                                 pctStart: a.double("pct_start"), annealStrategy: a.string("anneal_strategy"), cycleMomentum: a.bool("cycle_momentum"), baseMomentum: a.double("base_momentum"), maxMomentum: a.double("max_momentum"), divFactor: a.double("div_factor"), finalDivFactor: a.double("final_div_factor"), threePhase: a.bool("three_phase")))
        }
        t.function("LinearWarmup", [opt, Param("warmup_steps", .int), Param("start_factor", .float, default: .float(1.0 / 3)), Param("after", default: Value.none)],
                   "LinearWarmup(optimizer, warmup_steps, start_factor=0.3333333333333333, after=none): lr rises linearly over warmup_steps, then the `after` scheduler takes over.") { a, _ in
            var after: LRScheduler? = nil
            if case .object(let s as SchedulerObject) = a["after"] { after = s.scheduler } else if !a["after"].isNone {
                throw NativeError("LinearWarmup: after must be a scheduler, got \(a["after"].typeName)")
            }
            return sched(try LinearWarmup(optimizer(a["optimizer"], "LinearWarmup"), warmupSteps: a.int("warmup_steps"), startFactor: a.double("start_factor"), after: after))
        }
        SchedulerBuiltins.add(to: &t)
        t.memberTypeAliases += ["SGD", "Adam", "AdamW", "RMSprop"].map { ($0, "Optimizer") }
            + ["StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "ReduceLROnPlateau", "OneCycleLR", "LinearWarmup"].map { ($0, "LRScheduler") }
    }
}
