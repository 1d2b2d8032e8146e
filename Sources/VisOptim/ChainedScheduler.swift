import VisTensor

/// Steps several schedulers of one optimizer together, each scaling the lr the others
/// left (PyTorch's `ChainedScheduler`); their effects multiply.
public final class ChainedScheduler: LRScheduler {
    /// The schedulers, stepped in order.
    public let schedulers: [LRScheduler]

    /// PyTorch's checks (those of SequentialLR without milestones); the optimizer is
    /// the first scheduler's unless given.
    public init(_ schedulers: [LRScheduler], optimizer: Optimizer? = nil) throws {
        let name = "ChainedScheduler"
        guard let first = schedulers.first else { throw TensorError(name, "\(name) expects at least one scheduler to be chained, but got no scheduler.") }
        let optimizer = optimizer ?? first.optimizer
        try SequentialLR.checkMembers(name, optimizer, schedulers)
        self.schedulers = schedulers
        super.init(name: name, optimizer: optimizer, lastEpoch: 0)
        lastLR = currentLRs
    }

    /// Undoes the members' initial steps (when nested in a SequentialLR).
    override public func undoInitialStep() {
        for s in schedulers { s.undoInitialStep() }
    }

    /// Steps every member in order.
    override public func step() throws {
        for s in schedulers { try s.step() }
        lastLR = currentLRs
    }

    /// ChainedScheduler has no step(epoch), as in PyTorch.
    override public func step(epoch: Double) throws {
        throw TensorError(name, "step() takes no epoch")
    }

    /// `_last_lr` and every member's state dict in `_schedulers`.
    override public func stateDict() -> [String: OptimizerStateValue] {
        ["_last_lr": .numbers(lastLR), "_schedulers": .list(schedulers.map { .dict($0.stateDict()) })]
    }

    /// Restores every member's state.
    override public func loadStateDict(_ dict: [String: OptimizerStateValue]) throws {
        let r = StateReader(owner: name, dict: dict)
        let last = try r.numbers("_last_lr")
        guard let members = try r.value("_schedulers").list, members.count == schedulers.count else {
            throw r.wrong("_schedulers", "a list of \(schedulers.count) scheduler states")
        }
        for (s, m) in zip(schedulers, members) {
            guard let d = m.dict else { throw r.wrong("_schedulers", "a list of scheduler states") }
            try s.loadStateDict(d)
        }
        lastLR = last
    }
}
