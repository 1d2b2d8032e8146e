import VisTensor

/// Runs schedulers one after another, switching at each milestone epoch (PyTorch's
/// `SequentialLR`): `schedulers[i]` drives epochs milestones[i−1] ..< milestones[i],
/// and each one after the first restarts from its epoch 0 (its closed form) at its
/// milestone. Construction resets every group's lr to `initial_lr`, takes back the
/// initial steps the schedulers made when created, and makes the first one's.
public final class SequentialLR: LRScheduler {
    /// The schedulers, in order.
    public let schedulers: [LRScheduler]
    /// The epochs at which the next scheduler takes over.
    public let milestones: [Int]

    /// PyTorch's checks: at least one scheduler, all of `optimizer`, none a
    /// ReduceLROnPlateau, and one milestone fewer than schedulers.
    public init(_ optimizer: Optimizer, schedulers: [LRScheduler], milestones: [Int]) throws {
        let name = "SequentialLR"
        try SequentialLR.checkMembers(name, optimizer, schedulers)
        guard milestones.count == schedulers.count - 1 else {
            throw TensorError(name, "Sequential Schedulers expects number of schedulers provided to be one more than the number of milestone points, but got number of schedulers \(schedulers.count) and the number of milestones to be equal to \(milestones.count)")
        }
        self.schedulers = schedulers
        self.milestones = milestones
        super.init(name: name, optimizer: optimizer, lastEpoch: 0)
        for g in optimizer.paramGroups { g.lr = g.options["initial_lr"] ?? g.lr }
        undoInitialStep()
        try schedulers[index(for: 0)].initialStep()
        lastLR = schedulers[index(for: 0)].lastLR
    }

    /// The shared checks of SequentialLR and ChainedScheduler.
    static func checkMembers(_ name: String, _ optimizer: Optimizer, _ schedulers: [LRScheduler]) throws {
        guard !schedulers.isEmpty else { throw TensorError(name, "\(name) expects at least one scheduler, but got no scheduler.") }
        for (i, s) in schedulers.enumerated() {
            if s is ReduceLROnPlateau {
                throw TensorError(name, "\(name) does not support `ReduceLROnPlateau` scheduler as it requires additional kwargs to be specified when calling `step`, but got one at index \(i) in the given schedulers sequence.")
            }
            guard s.optimizer === optimizer else {
                throw TensorError(name, "\(name) expects all schedulers to belong to the same optimizer, but got scheduler \(s.name) at index \(i) with another optimizer")
            }
        }
    }

    /// PyTorch's `bisect_right(milestones, epoch)`: the scheduler driving `epoch`.
    func index(for epoch: Int) -> Int { milestones.filter { $0 <= epoch }.count }

    /// Undoes the members' initial steps (recursively for nested containers).
    override public func undoInitialStep() {
        for s in schedulers { s.undoInitialStep() }
    }

    /// One epoch on: the current scheduler steps, or the next one starts at its epoch 0.
    override public func step() throws {
        lastEpoch += 1
        let i = index(for: lastEpoch)
        let s = schedulers[i]
        do {
            if i > 0 && milestones[i - 1] == lastEpoch { try s.updateLR(epoch: 0) } else { try s.step() }
        } catch {
            lastEpoch -= 1
            throw error
        }
        lastLR = s.lastLR
    }

    /// SequentialLR has no step(epoch), as in PyTorch.
    override public func step(epoch: Double) throws {
        throw TensorError(name, "step() takes no epoch")
    }

    /// `last_epoch`, `_milestones`, `_last_lr` and every member's state dict in
    /// `_schedulers`.
    override public func stateDict() -> [String: OptimizerStateValue] {
        ["last_epoch": .number(Double(lastEpoch)), "_milestones": .numbers(milestones.map(Double.init)),
         "_last_lr": .numbers(lastLR), "_schedulers": .list(schedulers.map { .dict($0.stateDict()) })]
    }

    /// Restores `last_epoch`, `_last_lr` and every member's state.
    override public func loadStateDict(_ dict: [String: OptimizerStateValue]) throws {
        let r = StateReader(owner: name, dict: dict)
        let epoch = try r.int("last_epoch"), last = try r.numbers("_last_lr")
        guard let members = try r.value("_schedulers").list, members.count == schedulers.count else {
            throw r.wrong("_schedulers", "a list of \(schedulers.count) scheduler states")
        }
        for (s, m) in zip(schedulers, members) {
            guard let d = m.dict else { throw r.wrong("_schedulers", "a list of scheduler states") }
            try s.loadStateDict(d)
        }
        lastEpoch = epoch
        lastLR = last
    }
}
