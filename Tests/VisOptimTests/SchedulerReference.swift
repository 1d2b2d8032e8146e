import XCTest
@testable import VisOptim
import VisTensor

/// Replays the PyTorch learning-rate trajectories of Fixtures/optim_reference.json.
///
/// Tolerance: none. Schedulers compute in double precision with the same formulas,
/// in the same order, calling the same libm `cos` and `pow` as CPython's `math`
/// module, so every learning rate (and OneCycleLR momentum) must equal PyTorch's
/// exactly.
enum SchedulerReference {
    /// The case's optimizer: one 2-element parameter per group, with the group lrs.
    static func optimizer(_ c: JSON) throws -> Optimizer {
        let lrs = c["group_lrs"].array.compactMap(\.double)
        let groups: [(params: [Tensor], options: [String: Double])] = try lrs.map { lr in
            ([try param([0, 0])], ["lr": lr])
        }
        let o = c["optimizer_options"]
        switch c["optimizer"].string {
        case "SGD":
            return try SGD(groups: groups, lr: 1e-3, momentum: o["momentum"].double ?? 0, nesterov: o["nesterov"].bool ?? false)
        case "Adam": return try Adam(groups: groups)
        case "RMSprop": return try RMSprop(groups: groups)
        default: throw TensorError("test", "unknown optimizer \(c["optimizer"])")
        }
    }

    /// The scheduler described by `a` (the fixture's `args`) on `opt`.
    static func scheduler(_ a: JSON, _ opt: Optimizer) throws -> LRScheduler {
        switch a["scheduler"].string {
        case "StepLR":
            return try StepLR(opt, stepSize: a["step_size"].int ?? 0, gamma: a["gamma"].double ?? 0.1)
        case "MultiStepLR":
            return try MultiStepLR(opt, milestones: a["milestones"].array.compactMap(\.int), gamma: a["gamma"].double ?? 0.1)
        case "ExponentialLR":
            return try ExponentialLR(opt, gamma: a["gamma"].double ?? 0)
        case "CosineAnnealingLR":
            return try CosineAnnealingLR(opt, tMax: a["T_max"].int ?? 0, etaMin: a["eta_min"].double ?? 0)
        case "LinearLR":
            return try LinearLR(opt, startFactor: a["start_factor"].double ?? 1.0 / 3, endFactor: a["end_factor"].double ?? 1,
                                totalIters: a["total_iters"].int ?? 5)
        case "LinearWarmup":
            let after = a["after"].isNull ? nil : try scheduler(a["after"], opt)
            return try LinearWarmup(opt, warmupSteps: a["warmup_steps"].int ?? 0, startFactor: a["start_factor"].double ?? 1.0 / 3,
                                    after: after)
        case "OneCycleLR":
            let maxLRs = a["max_lr"].array.compactMap(\.double)
            return try OneCycleLR(opt, maxLR: maxLRs.first ?? 0, maxLRs: maxLRs, totalSteps: a["total_steps"].int,
                                  epochs: a["epochs"].int, stepsPerEpoch: a["steps_per_epoch"].int,
                                  pctStart: a["pct_start"].double ?? 0.3, annealStrategy: a["anneal_strategy"].string ?? "cos",
                                  cycleMomentum: a["cycle_momentum"].bool ?? true, baseMomentum: a["base_momentum"].double ?? 0.85,
                                  maxMomentum: a["max_momentum"].double ?? 0.95, divFactor: a["div_factor"].double ?? 25,
                                  finalDivFactor: a["final_div_factor"].double ?? 1e4, threePhase: a["three_phase"].bool ?? false)
        case "ReduceLROnPlateau":
            let minLRs = a["min_lrs"].isNull ? nil : a["min_lrs"].array.compactMap(\.double)
            return try ReduceLROnPlateau(opt, mode: a["mode"].string ?? "min", factor: a["factor"].double ?? 0.1,
                                         patience: a["patience"].int ?? 10, threshold: a["threshold"].double ?? 1e-4,
                                         thresholdMode: a["threshold_mode"].string ?? "rel", cooldown: a["cooldown"].int ?? 0,
                                         minLR: a["min_lr"].double ?? 0, minLRs: minLRs, eps: a["eps"].double ?? 1e-8)
        default:
            throw TensorError("test", "unknown scheduler \(a["scheduler"])")
        }
    }

    /// The momentum a scheduler cycles: Adam's beta1, else momentum.
    static func momentum(_ opt: Optimizer) -> [Double] {
        opt.paramGroups.map { $0.options["beta1"] ?? $0.options["momentum"] ?? 0 }
    }

    /// Steps `sched` (with the case's metric for step `t` when it has metrics).
    static func step(_ c: JSON, _ sched: LRScheduler, _ t: Int) throws {
        let metrics = c["metrics"].array
        if metrics.isEmpty { try sched.step() } else { try sched.step(metrics[t].double ?? .nan) }
    }

    /// Builds the case and compares every group's lr (and momentum) after construction
    /// and after every step with PyTorch's, exactly.
    static func replay(_ c: JSON, file: StaticString = #filePath, line: UInt = #line) throws {
        let name = c["name"].string ?? "?"
        let opt = try optimizer(c)
        let sched = try scheduler(c["args"], opt)
        let expected = c["lrs"].array.map { $0.array.compactMap(\.double) }
        let expectedM = c["momentum"].array.map { $0.array.compactMap(\.double) }
        for (t, lrs) in expected.enumerated() {
            if t > 0 { try step(c, sched, t - 1) }
            XCTAssertEqual(opt.paramGroups.map(\.lr), lrs, "\(name): lr after \(t) steps", file: file, line: line)
            XCTAssertEqual(sched.lastLR, lrs, "\(name): lastLR after \(t) steps", file: file, line: line)
            if t < expectedM.count {
                XCTAssertEqual(momentum(opt), expectedM[t], "\(name): momentum after \(t) steps", file: file, line: line)
            }
        }
    }

    /// Runs half the steps, saves optimizer and scheduler, loads both into fresh ones,
    /// runs the rest, and asserts the learning rates (and momenta) equal an
    /// uninterrupted run's.
    static func assertResumesExactly(_ c: JSON, file: StaticString = #filePath, line: UInt = #line) throws {
        let name = c["name"].string ?? "?"
        let steps = c["lrs"].array.count - 1
        let half = steps / 2
        let opt = try optimizer(c)
        let sched = try scheduler(c["args"], opt)
        var straight: [[Double]] = []
        for t in 0..<steps {
            try step(c, sched, t)
            straight.append(opt.paramGroups.map(\.lr) + momentum(opt))
        }
        let opt1 = try optimizer(c)
        let sched1 = try scheduler(c["args"], opt1)
        for t in 0..<half { try step(c, sched1, t) }
        let savedOpt = opt1.stateDict(), savedSched = sched1.stateDict()
        let opt2 = try optimizer(c)
        let sched2 = try scheduler(c["args"], opt2)
        try opt2.loadStateDict(savedOpt)
        try sched2.loadStateDict(savedSched)
        XCTAssertEqual(sched2.stateDict(), savedSched, "\(name): scheduler state dict round trip", file: file, line: line)
        for t in half..<steps {
            try step(c, sched2, t)
            XCTAssertEqual(opt2.paramGroups.map(\.lr) + momentum(opt2), straight[t], "\(name): step \(t + 1) after resuming", file: file, line: line)
        }
    }

    /// Replays and checks resumption for every scheduler case starting with `prefix`.
    static func check(prefix: String, file: StaticString = #filePath, line: UInt = #line) throws {
        for c in Reference.cases("schedulers", prefix: prefix, file: file, line: line) {
            try replay(c, file: file, line: line)
            try assertResumesExactly(c, file: file, line: line)
        }
    }
}
