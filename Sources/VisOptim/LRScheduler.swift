import VisTensor

/// The base of the learning-rate schedulers, PyTorch's `torch.optim.lr_scheduler.
/// LRScheduler`, mirrored step for step so that the numbers match:
///
/// - Construction stores each group's `initial_lr` (unless a scheduler already did),
///   takes `baseLRs` from it, and makes the initial step: `lastEpoch` becomes 0 and
///   the learning rates are set for epoch 0.
/// - `step()` advances `lastEpoch` and sets each group's `lr` to `computeLR()`
///   (PyTorch's `get_lr`, usually the chainable form that scales the current lr).
/// - `lastLR` is the learning rate of every group after the latest step.
///
/// Call `step()` after the optimizer's `step()`, once per epoch or batch as the
/// schedule is meant. State dicts hold `base_lrs`, `last_epoch`, `_step_count`,
/// `_last_lr` and each scheduler's hyper-parameters, by PyTorch's names. Restore the
/// optimizer's state dict too: the chainable forms start from the groups' `lr`.
open class LRScheduler {
    /// The scheduler's name, which starts its error messages (`"StepLR"`).
    public let name: String
    /// The optimizer whose groups' `lr` this scheduler sets.
    public let optimizer: Optimizer
    /// Each group's `initial_lr`.
    public internal(set) var baseLRs: [Double]
    /// Steps taken since the initial one (PyTorch's `last_epoch`; 0 after construction).
    public internal(set) var lastEpoch: Int
    /// Calls to `step()`, the initial one included (PyTorch's `_step_count`).
    public internal(set) var stepCount = 0
    /// Every group's learning rate after the latest step (PyTorch's `get_last_lr()`).
    public internal(set) var lastLR: [Double]
    /// True during the initial step (PyTorch's `_is_initial`).
    var isInitial = false

    /// A scheduler of `optimizer`: sets `initial_lr` where missing and makes the
    /// initial step. Subclasses set their own properties first, then call this.
    public init(name: String, optimizer: Optimizer) throws {
        self.name = name
        self.optimizer = optimizer
        for g in optimizer.paramGroups where g.options["initial_lr"] == nil {
            g.options["initial_lr"] = g.lr
        }
        baseLRs = optimizer.paramGroups.map { $0.options["initial_lr"] ?? $0.lr }
        lastEpoch = -1
        lastLR = optimizer.paramGroups.map(\.lr)
        try initialStep()
    }

    /// A scheduler that makes no initial step and leaves `initial_lr` alone
    /// (ReduceLROnPlateau, and LinearWarmup, which sets up the schedulers it chains).
    init(name: String, optimizer: Optimizer, lastEpoch: Int) {
        self.name = name
        self.optimizer = optimizer
        baseLRs = optimizer.paramGroups.map { $0.options["initial_lr"] ?? $0.lr }
        self.lastEpoch = lastEpoch
        lastLR = optimizer.paramGroups.map(\.lr)
    }

    /// The learning rates for `lastEpoch` (PyTorch's `get_lr`); every scheduler
    /// overrides it. The base keeps the current ones.
    open func computeLR() throws -> [Double] { currentLRs }

    /// The learning rates for `lastEpoch` computed from `baseLRs` alone (PyTorch's
    /// `_get_closed_form_lr`), or nil for schedulers without one. LinearWarmup uses it
    /// to restart the scheduler it hands over to.
    open func closedFormLR() -> [Double]? { nil }

    /// Advances one epoch (or batch) and sets every group's learning rate.
    open func step() throws {
        stepCount += 1
        do {
            try updateLR(epoch: nil)
        } catch {
            stepCount -= 1
            throw error
        }
    }

    /// Moves to `epoch` (PyTorch's deprecated `step(epoch)`): the closed form where the
    /// scheduler has one, else `computeLR()` at that epoch. The base takes whole epochs;
    /// CosineAnnealingWarmRestarts overrides it to take fractions.
    open func step(epoch: Double) throws {
        guard epoch.isFinite, epoch == epoch.rounded(), Swift.abs(epoch) < 1e15 else {
            throw TensorError(name, "step(epoch) takes a whole epoch number, got \(epoch)")
        }
        stepCount += 1
        do {
            try updateLR(epoch: Int(epoch))
        } catch {
            stepCount -= 1
            throw error
        }
    }

    /// Takes back the initial step a scheduler made when it was created (PyTorch's
    /// `SequentialLR.recursive_undo`); containers undo their members'.
    open func undoInitialStep() { lastEpoch -= 1 }

    /// For ReduceLROnPlateau only; the other schedulers take no metric.
    open func step(_ metric: Double) throws {
        throw TensorError(name, "step() takes no metric (only ReduceLROnPlateau steps on a metric)")
    }

    /// Every group's current learning rate.
    public var currentLRs: [Double] { optimizer.paramGroups.map(\.lr) }

    /// The initial step: `stepCount` 0, then one step with `isInitial` set.
    func initialStep() throws {
        stepCount = 0
        isInitial = true
        defer { isInitial = false }
        try step()
    }

    /// PyTorch's `_update_lr`: moves to the next epoch (or to `epoch`, using the closed
    /// form when there is one), then sets the groups' `lr`. On an error nothing changes.
    func updateLR(epoch: Int?) throws {
        let saved = lastEpoch
        let values: [Double]
        do {
            if let epoch {
                lastEpoch = epoch
                values = try closedFormLR() ?? computeLR()
            } else {
                lastEpoch += 1
                values = try computeLR()
            }
            try checkGroups(values.count)
        } catch {
            lastEpoch = saved
            throw error
        }
        for (g, lr) in zip(optimizer.paramGroups, values) { g.lr = lr }
        lastLR = currentLRs
    }

    /// Throws when the optimizer's groups no longer match the scheduler's.
    func checkGroups(_ count: Int) throws {
        let groups = optimizer.paramGroups.count
        if count != groups || baseLRs.count != groups {
            throw TensorError(name, "the optimizer has \(groups) parameter groups, but this scheduler was created for \(baseLRs.count)")
        }
    }

    /// The scheduler's state (layout in the class comment); subclasses add their
    /// hyper-parameters and counters.
    open func stateDict() -> [String: OptimizerStateValue] {
        ["base_lrs": .numbers(baseLRs), "last_epoch": .number(Double(lastEpoch)),
         "_step_count": .number(Double(stepCount)), "_last_lr": .numbers(lastLR)]
    }

    /// Restores a state saved by `stateDict()`. Subclasses read and check their own
    /// entries first, call this, then assign them, so an error changes nothing.
    open func loadStateDict(_ dict: [String: OptimizerStateValue]) throws {
        let r = StateReader(owner: name, dict: dict)
        let base = try r.numbers("base_lrs"), last = try r.numbers("_last_lr")
        let epoch = try r.int("last_epoch"), count = try r.int("_step_count")
        guard base.count == optimizer.paramGroups.count, last.count == base.count else {
            throw TensorError(name, "load_state_dict: the state dict is for \(base.count) parameter groups, the optimizer has \(optimizer.paramGroups.count)")
        }
        baseLRs = base
        lastLR = last
        lastEpoch = epoch
        stepCount = count
    }
}
