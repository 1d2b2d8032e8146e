import Foundation
import VisTensor

/// The 1cycle policy (Smith & Topin, 2017), numerically PyTorch's `OneCycleLR`: the
/// learning rate rises from max_lr/divFactor to max_lr over the first `pctStart` of
/// `totalSteps`, then falls to initial_lr/finalDivFactor; with `threePhase` it
/// falls back to the initial lr by 2·pctStart and then to the minimum. Step it once
/// per batch.
///
/// Phases end at step pctStart·total − 1 (then 2·pctStart·total − 2 with three
/// phases) and total − 1; within a phase from step s₀ to s₁, pct = (t − s₀)/(s₁ − s₀)
/// and the value goes from start to end by
///
///     cos:    end + (start − end)/2 · (cos(π·pct) + 1)
///     linear: (end − start)·pct + start
///
/// With `cycleMomentum` the momentum moves the opposite way between `maxMomentum`
/// and `baseMomentum`: Adam's and AdamW's `beta1`, SGD's and RMSprop's `momentum`
/// (construction sets it to `maxMomentum`, so SGD without momentum gains it, as in
/// PyTorch). The groups get `initial_lr`, `max_lr`, `min_lr` (and `max_momentum`,
/// `base_momentum`) options, as PyTorch's do. Stepping past `totalSteps` throws.
/// A phase of zero length (pctStart·total = 1) is taken as already finished
/// (pct = 1), where PyTorch divides by zero.
public final class OneCycleLR: LRScheduler {
    /// Steps in the cycle.
    public private(set) var totalSteps: Int
    /// "cos" or "linear".
    public private(set) var annealStrategy: String
    /// Whether the momentum (or beta1) cycles too.
    public private(set) var cycleMomentum: Bool
    /// Whether momentum is Adam's `beta1` rather than `momentum`.
    public private(set) var useBeta1: Bool
    /// The phases: (end step, start and end lr option, start and end momentum option).
    var phases: [(end: Double, startLR: String, endLR: String, startM: String, endM: String)]
    /// The fraction of the cycle spent rising (kept for the state dict).
    public private(set) var pctStart: Double
    /// Whether the cycle has three phases.
    public private(set) var threePhase: Bool

    /// A 1cycle schedule for `optimizer`, over `totalSteps` or `epochs`·`stepsPerEpoch`
    /// steps; `maxLRs` gives one peak per group instead of `maxLR`. PyTorch's defaults.
    public init(_ optimizer: Optimizer, maxLR: Double, maxLRs: [Double]? = nil, totalSteps: Int? = nil,
                epochs: Int? = nil, stepsPerEpoch: Int? = nil, pctStart: Double = 0.3,
                annealStrategy: String = "cos", cycleMomentum: Bool = true, baseMomentum: Double = 0.85,
                maxMomentum: Double = 0.95, divFactor: Double = 25, finalDivFactor: Double = 1e4,
                threePhase: Bool = false) throws {
        let name = "OneCycleLR"
        if let totalSteps {
            guard totalSteps > 0 else { throw TensorError(name, "expected a positive integer total_steps, got \(totalSteps)") }
            self.totalSteps = totalSteps
        } else if let epochs, let stepsPerEpoch {
            guard epochs > 0 else { throw TensorError(name, "expected a positive integer epochs, got \(epochs)") }
            guard stepsPerEpoch > 0 else { throw TensorError(name, "expected a positive integer steps_per_epoch, got \(stepsPerEpoch)") }
            self.totalSteps = epochs * stepsPerEpoch
        } else {
            throw TensorError(name, "you must define either total_steps or (epochs and steps_per_epoch)")
        }
        guard pctStart >= 0 && pctStart <= 1 else {
            throw TensorError(name, "expected pct_start between 0 and 1, got \(pctStart)")
        }
        guard annealStrategy == "cos" || annealStrategy == "linear" else {
            throw TensorError(name, "anneal_strategy must be one of 'cos' or 'linear', instead got '\(annealStrategy)'")
        }
        let groups = optimizer.paramGroups
        if let maxLRs, maxLRs.count != groups.count {
            throw TensorError(name, "max_lr must have the same length as optimizer.param_groups: max_lr has \(maxLRs.count) values, param_groups has \(groups.count)")
        }
        useBeta1 = optimizer.defaults["beta1"] != nil
        if cycleMomentum && !useBeta1 && optimizer.defaults["momentum"] == nil {
            throw TensorError(name, "\(optimizer.name) has no momentum or beta1 to cycle; pass cycleMomentum: false")
        }
        self.annealStrategy = annealStrategy
        self.cycleMomentum = cycleMomentum
        self.pctStart = pctStart
        self.threePhase = threePhase
        phases = OneCycleLR.makePhases(total: Double(self.totalSteps), pct: pctStart, threePhase: threePhase)
        for (g, peak) in zip(groups, maxLRs ?? Array(repeating: maxLR, count: groups.count)) {
            g.options["initial_lr"] = peak / divFactor
            g.options["max_lr"] = peak
            g.options["min_lr"] = peak / divFactor / finalDivFactor
            if cycleMomentum {
                g.options[useBeta1 ? "beta1" : "momentum"] = maxMomentum
                g.options["max_momentum"] = maxMomentum
                g.options["base_momentum"] = baseMomentum
            }
        }
        try super.init(name: name, optimizer: optimizer)
    }

    static func makePhases(total: Double, pct: Double, threePhase: Bool)
        -> [(end: Double, startLR: String, endLR: String, startM: String, endM: String)] {
        if threePhase {
            return [(pct * total - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                    (2 * pct * total - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
                    (total - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum")]
        }
        return [(pct * total - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (total - 1, "max_lr", "min_lr", "base_momentum", "max_momentum")]
    }

    func anneal(_ start: Double, _ end: Double, _ pct: Double) -> Double {
        if annealStrategy == "cos" { return end + (start - end) / 2.0 * (Foundation.cos(Double.pi * pct) + 1) }
        return (end - start) * pct + start
    }

    /// The lr of each group at `lastEpoch` (and its momentum, written into the group); throws past
    /// `totalSteps`.
    override public func computeLR() throws -> [Double] {
        let t = lastEpoch
        guard t <= totalSteps else {
            throw TensorError(name, "tried to step \(t) times; the specified number of total steps is \(totalSteps)")
        }
        var lrs: [Double] = []
        for g in optimizer.paramGroups {
            var start = 0.0
            for (i, phase) in phases.enumerated() {
                if Double(t) <= phase.end || i == phases.count - 1 {
                    let span = phase.end - start
                    let pct = span == 0 ? 1 : (Double(t) - start) / span
                    lrs.append(anneal(g.options[phase.startLR] ?? 0, g.options[phase.endLR] ?? 0, pct))
                    if cycleMomentum {
                        let m = anneal(g.options[phase.startM] ?? 0, g.options[phase.endM] ?? 0, pct)
                        g.options[useBeta1 ? "beta1" : "momentum"] = m
                    }
                    break
                }
                start = phase.end
            }
        }
        return lrs
    }

    /// Base entries plus `total_steps`, `anneal_strategy`, `cycle_momentum`, `use_beta1`, `pct_start`
    /// and `three_phase` (the peaks and momenta live in the optimizer's groups).
    override public func stateDict() -> [String: OptimizerStateValue] {
        var d = super.stateDict()
        d["total_steps"] = .number(Double(totalSteps))
        d["anneal_strategy"] = .string(annealStrategy)
        d["cycle_momentum"] = .bool(cycleMomentum)
        d["use_beta1"] = .bool(useBeta1)
        d["pct_start"] = .number(pctStart)
        d["three_phase"] = .bool(threePhase)
        return d
    }

    /// Restores the base entries and the schedule's shape.
    override public func loadStateDict(_ dict: [String: OptimizerStateValue]) throws {
        let r = StateReader(owner: name, dict: dict)
        let total = try r.int("total_steps"), strategy = try r.string("anneal_strategy")
        let cycle = try r.bool("cycle_momentum"), beta1 = try r.bool("use_beta1")
        let pct = try r.number("pct_start"), three = try r.bool("three_phase")
        guard total > 0 else { throw r.wrong("total_steps", "a positive integer") }
        guard strategy == "cos" || strategy == "linear" else { throw r.wrong("anneal_strategy", "\"cos\" or \"linear\"") }
        try super.loadStateDict(dict)
        totalSteps = total
        annealStrategy = strategy
        cycleMomentum = cycle
        useBeta1 = beta1
        pctStart = pct
        threePhase = three
        phases = OneCycleLR.makePhases(total: Double(total), pct: pct, threePhase: three)
    }
}
