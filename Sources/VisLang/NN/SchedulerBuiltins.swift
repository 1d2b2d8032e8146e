import VisOptim
import VisTensor

/// Bindings of the schedulers beyond StepLR, MultiStepLR, ExponentialLR,
/// CosineAnnealingLR, ReduceLROnPlateau, OneCycleLR and LinearWarmup: LinearLR,
/// ConstantLR, PolynomialLR, LambdaLR, MultiplicativeLR, CosineAnnealingWarmRestarts,
/// CyclicLR, SequentialLR and ChainedScheduler, with PyTorch 2.15's arguments.
enum SchedulerBuiltins {
    static func add(to t: inout BuiltinTable) {
        let opt = Param("optimizer")
        func sched(_ s: LRScheduler) -> Value { .object(SchedulerObject(s)) }
        func optimizer(_ a: BoundArguments) throws -> Optimizer { try OptimBuiltins.optimizer(a["optimizer"], a.function) }

        t.function("LinearLR", [opt, Param("start_factor", .float, default: .float(1.0 / 3)), Param("end_factor", .float, default: .float(1.0)),
                                Param("total_iters", .int, default: .int(5))],
                   "LinearLR(optimizer, start_factor=0.3333333333333333, end_factor=1.0, total_iters=5): scales the lr linearly from start_factor to end_factor over total_iters steps.\n  warm = LinearLR(opt, start_factor=0.1, total_iters=10)") { a, _ in
            sched(try LinearLR(optimizer(a), startFactor: a.double("start_factor"), endFactor: a.double("end_factor"), totalIters: a.int("total_iters")))
        }
        t.function("ConstantLR", [opt, Param("factor", .float, default: .float(1.0 / 3)), Param("total_iters", .int, default: .int(5))],
                   "ConstantLR(optimizer, factor=0.3333333333333333, total_iters=5): lr times factor until total_iters, then the lr itself.\n  s = ConstantLR(opt, factor=0.5, total_iters=4)") { a, _ in
            sched(try ConstantLR(optimizer(a), factor: a.double("factor"), totalIters: a.int("total_iters")))
        }
        t.function("PolynomialLR", [opt, Param("total_iters", .int, default: .int(5)), Param("power", .float, default: .float(1.0))],
                   "PolynomialLR(optimizer, total_iters=5, power=1.0): lr · (1 − t/total_iters)^power, reaching 0 at total_iters.\n  s = PolynomialLR(opt, total_iters=100, power=2.0)") { a, _ in
            sched(try PolynomialLR(optimizer(a), totalIters: a.int("total_iters"), power: a.double("power")))
        }
        t.function("LambdaLR", [opt, Param("lr_lambda")],
                   "LambdaLR(optimizer, lr_lambda): lr = initial_lr · lr_lambda(epoch); lr_lambda is a function of the epoch, or a list of one per group.\n  s = LambdaLR(opt, lambda e: 0.95 ** e)") { a, rt in
            sched(try LambdaLR(optimizer(a), lambdas: lambdas(a, rt)))
        }
        t.function("MultiplicativeLR", [opt, Param("lr_lambda")],
                   "MultiplicativeLR(optimizer, lr_lambda): every step multiplies the lr by lr_lambda(epoch); a function, or a list of one per group.\n  s = MultiplicativeLR(opt, lambda e: 0.95)") { a, rt in
            sched(try MultiplicativeLR(optimizer(a), lambdas: lambdas(a, rt)))
        }
        t.function("CosineAnnealingWarmRestarts", [opt, Param("T_0", .int), Param("T_mult", .int, default: .int(1)), Param("eta_min", .float, default: .float(0))],
                   "CosineAnnealingWarmRestarts(optimizer, T_0, T_mult=1, eta_min=0.0): cosine decay restarted every T_0 epochs, each period T_mult times longer; step(epoch) takes fractions (epoch + i / iters).\n  s = CosineAnnealingWarmRestarts(opt, T_0=10, T_mult=2)") { a, _ in
            sched(try CosineAnnealingWarmRestarts(optimizer(a), t0: a.int("T_0"), tMult: a.int("T_mult"), etaMin: a.double("eta_min")))
        }
        t.function("CyclicLR", [opt, Param("base_lr", .oneOf([.float, .list])), Param("max_lr", .oneOf([.float, .list])), Param("step_size_up", .int, default: .int(2000)),
                                Param("step_size_down", .optional(.int), default: Value.none), Param("mode", .string, default: .string("triangular")),
                                Param("gamma", .float, default: .float(1.0)), Param("scale_fn", default: Value.none), Param("scale_mode", .string, default: .string("cycle")),
                                Param("cycle_momentum", .bool, default: .bool(true)), Param("base_momentum", .oneOf([.float, .list]), default: .float(0.8)),
                                Param("max_momentum", .oneOf([.float, .list]), default: .float(0.9))],
                   "CyclicLR(optimizer, base_lr, max_lr, step_size_up=2000, step_size_down=none, mode=\"triangular\", gamma=1.0, scale_fn=none, scale_mode=\"cycle\", cycle_momentum=true, base_momentum=0.8, max_momentum=0.9): the lr cycles between base_lr and max_lr (momentum the opposite way); step it every batch.\n  s = CyclicLR(opt, base_lr=0.001, max_lr=0.1, step_size_up=500)") { a, rt in
            var scale: ((Double) throws -> Double)? = nil
            let f = a["scale_fn"]
            if case .function = f {
                scale = { x in try number(rt.call(f, [.float(x)], keywords: []), "CyclicLR: scale_fn") }
            } else if !f.isNone {
                throw NativeError("CyclicLR: scale_fn must be a function of one number, got \(f.typeName)", kind: .typeError)
            }
            return sched(try CyclicLR(optimizer(a), baseLR: numbers(a, "base_lr"), maxLR: numbers(a, "max_lr"), stepSizeUp: a.int("step_size_up"),
                                      stepSizeDown: a.optionalInt("step_size_down"), mode: a.string("mode"), gamma: a.double("gamma"), scaleFn: scale,
                                      scaleMode: a.string("scale_mode"), cycleMomentum: a.bool("cycle_momentum"),
                                      baseMomentum: numbers(a, "base_momentum"), maxMomentum: numbers(a, "max_momentum")))
        }
        t.function("SequentialLR", [opt, Param("schedulers", .list), Param("milestones", .list)],
                   "SequentialLR(optimizer, schedulers, milestones): runs schedulers one after another, the next taking over at each milestone epoch.\n  s = SequentialLR(opt, [LinearLR(opt, start_factor=0.1, total_iters=5), CosineAnnealingLR(opt, T_max=95)], milestones=[5])") { a, _ in
            sched(try SequentialLR(optimizer(a), schedulers: schedulers(a), milestones: a.ints("milestones")))
        }
        t.function("ChainedScheduler", [Param("schedulers", .list), Param("optimizer", default: Value.none)],
                   "ChainedScheduler(schedulers, optimizer=none): steps several schedulers of one optimizer together; their factors multiply.\n  s = ChainedScheduler([ConstantLR(opt, factor=0.1, total_iters=2), ExponentialLR(opt, gamma=0.9)])") { a, _ in
            let o = a["optimizer"].isNone ? nil : try optimizer(a)
            return sched(try ChainedScheduler(schedulers(a), optimizer: o))
        }
        t.memberTypeAliases += ["LinearLR", "ConstantLR", "PolynomialLR", "LambdaLR", "MultiplicativeLR", "CosineAnnealingWarmRestarts",
                                "CyclicLR", "SequentialLR", "ChainedScheduler"].map { ($0, "LRScheduler") }
    }

    /// The number a user function returned (a one-element tensor counts).
    static func number(_ v: Value, _ what: String) throws -> Double {
        if let d = v.asDouble { return d }
        if case .tensor(let x) = v, x.count == 1 { return try x.item() }
        throw NativeError("\(what) must return a number, got \(v.typeName)", kind: .typeError)
    }

    /// `lr_lambda`: one function, or a list of one per group, called with the epoch.
    static func lambdas(_ a: BoundArguments, _ rt: Runtime) throws -> [(Int) throws -> Double] {
        let v = a["lr_lambda"]
        let fs: [Value]
        switch v {
        case .list(let l): fs = l.items
        case .tuple(let t): fs = t
        default: fs = [v]
        }
        return try fs.map { f in
            guard case .function = f else { throw NativeError("\(a.function): lr_lambda should be a function, but got \(f.typeName)", kind: .typeError) }
            return { epoch in try number(rt.call(f, [.int(epoch)], keywords: []), "\(a.function): lr_lambda") }
        }
    }

    /// A number or a list of numbers (one per group).
    static func numbers(_ a: BoundArguments, _ name: String) throws -> [Double] {
        if let d = a[name].asDouble { return [d] }
        return try a.list(name).map {
            guard let d = $0.asDouble else { throw NativeError("\(a.function): \(name) must be numbers, got \($0.typeName)", kind: .typeError) }
            return d
        }
    }

    /// The `schedulers` list.
    static func schedulers(_ a: BoundArguments) throws -> [LRScheduler] {
        try a.list("schedulers").map {
            guard case .object(let s as SchedulerObject) = $0 else { throw NativeError("\(a.function): schedulers must be schedulers, got \($0.typeName)", kind: .typeError) }
            return s.scheduler
        }
    }
}
