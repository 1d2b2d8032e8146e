import VisTensor

/// A linear warm-up over `warmupSteps` steps, then (optionally) another scheduler.
/// Exactly PyTorch's
///
///     SequentialLR(opt, [LinearLR(opt, start_factor, end_factor=1.0, total_iters=warmup_steps),
///                        after], milestones=[warmup_steps])
///
/// (or `LinearLR` alone without `after`). With b = initial_lr and s = startFactor:
///
/// - steps t = 0 ..< warmupSteps: LinearLR's chainable ramp, lr₀ = b·s and
///   lrₜ = lrₜ₋₁·(1 + (1 − s)/(warmupSteps·s + (t − 1)(1 − s))), which is
///   b·(s + (1 − s)·t/warmupSteps) up to rounding;
/// - step t = warmupSteps: `after` restarts at its epoch 0, from its closed form
///   when it has one (b for StepLR, ExponentialLR and CosineAnnealingLR; MultiStepLR
///   applies milestones at 0), else from its `computeLR()` at epoch 0;
/// - later steps: `after.step()`, so `after` runs at its epoch t − warmupSteps. The
///   ramp never reaches b itself: its last value is b·(s + (1 − s)(warmupSteps − 1)/warmupSteps).
///
/// Without `after`, the lr stays at b from step `warmupSteps` on. Build `after` on the
/// same optimizer first, then step only the LinearWarmup. ReduceLROnPlateau cannot
/// follow (it needs a metric), as in PyTorch's SequentialLR.
public final class LinearWarmup: LRScheduler {
    /// Steps of warm-up (the milestone where `after` takes over).
    public let warmupSteps: Int
    /// The fraction of the initial lr at step 0.
    public let startFactor: Double
    /// The ramp.
    public let warmup: LinearLR
    /// The scheduler after the warm-up, if any.
    public let after: LRScheduler?

    /// Warms `optimizer` up linearly from `startFactor`·lr over `warmupSteps` steps,
    /// then hands over to `after`.
    public init(_ optimizer: Optimizer, warmupSteps: Int, startFactor: Double = 1.0 / 3,
                after: LRScheduler? = nil) throws {
        let name = "LinearWarmup"
        try LinearLR.check(name: name, startFactor: startFactor, endFactor: 1, totalIters: warmupSteps)
        if let after {
            guard !(after is ReduceLROnPlateau) else {
                throw TensorError(name, "cannot hand over to ReduceLROnPlateau, which steps on a metric; step it separately after the warm-up")
            }
            guard after.optimizer === optimizer else {
                throw TensorError(name, "the scheduler after the warm-up (\(after.name)) belongs to a different optimizer")
            }
        }
        self.warmupSteps = warmupSteps
        self.startFactor = startFactor
        self.after = after
        warmup = try LinearLR(optimizer, startFactor: startFactor, endFactor: 1, totalIters: warmupSteps)
        super.init(name: name, optimizer: optimizer, lastEpoch: 0)
        // SequentialLR's set-up: back to the initial lrs, undo the sub-schedulers'
        // initial steps, and make the first scheduler's initial step again.
        for g in optimizer.paramGroups { g.lr = g.options["initial_lr"] ?? g.lr }
        warmup.lastEpoch -= 1
        after?.lastEpoch -= 1
        try warmup.initialStep()
        baseLRs = warmup.baseLRs
        lastLR = warmup.lastLR
    }

    /// The ramp's next step, or the hand-over to `after`, or `after`'s next step.
    override public func step() throws {
        lastEpoch += 1
        do {
            if let after, lastEpoch >= warmupSteps {
                if lastEpoch == warmupSteps { try after.updateLR(epoch: 0) } else { try after.step() }
                lastLR = after.lastLR
            } else {
                try warmup.step()
                lastLR = warmup.lastLR
            }
        } catch {
            lastEpoch -= 1
            throw error
        }
    }

    /// Base entries plus `warmup_steps`, `start_factor` and `_schedulers` (the ramp's
    /// state dict, then `after`'s).
    override public func stateDict() -> [String: OptimizerStateValue] {
        var d = super.stateDict()
        d["warmup_steps"] = .number(Double(warmupSteps))
        d["start_factor"] = .number(startFactor)
        d["_schedulers"] = .list([.dict(warmup.stateDict())] + (after.map { [.dict($0.stateDict())] } ?? []))
        return d
    }

    /// Restores this scheduler, the ramp and `after`; on an error all three are put back.
    override public func loadStateDict(_ dict: [String: OptimizerStateValue]) throws {
        let r = StateReader(owner: name, dict: dict)
        guard let subs = try r.value("_schedulers").list, subs.count == (after == nil ? 1 : 2),
              let first = subs.first?.dict else {
            throw r.wrong("_schedulers", after == nil ? "a list of one state dict" : "a list of two state dicts")
        }
        guard try r.int("warmup_steps") == warmupSteps else {
            throw TensorError(name, "load_state_dict: the state dict is for \(try r.int("warmup_steps")) warm-up steps, this scheduler has \(warmupSteps)")
        }
        // Three loads that can each fail: on an error, put back what was there.
        let backup = stateDict()
        do {
            try super.loadStateDict(dict)
            try warmup.loadStateDict(first)
            if let after, let second = subs.last?.dict { try after.loadStateDict(second) }
        } catch {
            try? restore(backup)
            throw error
        }
    }

    /// Loads a state dict this scheduler itself produced (cannot fail in practice).
    private func restore(_ backup: [String: OptimizerStateValue]) throws {
        try super.loadStateDict(backup)
        if let subs = backup["_schedulers"]?.list {
            if let d = subs.first?.dict { try warmup.loadStateDict(d) }
            if let after, subs.count == 2, let d = subs.last?.dict { try after.loadStateDict(d) }
        }
    }
}
