import VisTensor

/// Scales every group's learning rate linearly from `startFactor`·initial_lr to
/// `endFactor`·initial_lr over `totalIters` epochs, then holds it (PyTorch's
/// `LinearLR`), in PyTorch's chainable form:
///
///     lr₀ = initial_lr · startFactor
///     lrₜ = lrₜ₋₁ · (1 + (end − start) / (totalIters·start + (t − 1)·(end − start)))   for t ≤ totalIters
///     lrₜ = lrₜ₋₁                                                                        after
public final class LinearLR: LRScheduler {
    /// The factor at epoch 0.
    public private(set) var startFactor: Double
    /// The factor from epoch `totalIters` on.
    public private(set) var endFactor: Double
    /// Epochs of the linear ramp.
    public private(set) var totalIters: Int

    /// Ramps `optimizer`'s learning rates linearly; PyTorch's defaults.
    public init(_ optimizer: Optimizer, startFactor: Double = 1.0 / 3, endFactor: Double = 1.0,
                totalIters: Int = 5) throws {
        try LinearLR.check(name: "LinearLR", startFactor: startFactor, endFactor: endFactor, totalIters: totalIters)
        self.startFactor = startFactor
        self.endFactor = endFactor
        self.totalIters = totalIters
        try super.init(name: "LinearLR", optimizer: optimizer)
    }

    /// PyTorch's checks (0 < start ≤ 1, 0 ≤ end ≤ 1), and at least one step of ramp.
    static func check(name: String, startFactor: Double, endFactor: Double, totalIters: Int) throws {
        guard startFactor > 0 && startFactor <= 1 else {
            throw TensorError(name, "start_factor must be greater than 0 and at most 1, got \(startFactor)")
        }
        guard endFactor >= 0 && endFactor <= 1 else {
            throw TensorError(name, "end_factor must be between 0 and 1, got \(endFactor)")
        }
        guard totalIters >= 1 else {
            throw TensorError(name, "the number of warm-up steps must be a positive integer, got \(totalIters)")
        }
    }

    /// The chainable ramp above (PyTorch's `get_lr`).
    override public func computeLR() throws -> [Double] {
        if lastEpoch == 0 { return currentLRs.map { $0 * startFactor } }
        if isInitial || lastEpoch > totalIters { return currentLRs }
        let change = endFactor - startFactor
        let factor = 1.0 + change / (Double(totalIters) * startFactor + Double(lastEpoch - 1) * change)
        return currentLRs.map { $0 * factor }
    }

    /// initial_lr · (start + (end − start)·min(epoch, totalIters)/totalIters).
    override public func closedFormLR() -> [Double]? {
        let done = Double(Swift.min(totalIters, lastEpoch))
        return baseLRs.map { $0 * (startFactor + (endFactor - startFactor) * done / Double(totalIters)) }
    }

    /// Base entries plus `start_factor`, `end_factor` and `total_iters`.
    override public func stateDict() -> [String: OptimizerStateValue] {
        var d = super.stateDict()
        d["start_factor"] = .number(startFactor)
        d["end_factor"] = .number(endFactor)
        d["total_iters"] = .number(Double(totalIters))
        return d
    }

    /// Restores the base entries and the three hyper-parameters.
    override public func loadStateDict(_ dict: [String: OptimizerStateValue]) throws {
        let r = StateReader(owner: name, dict: dict)
        let start = try r.number("start_factor"), end = try r.number("end_factor"), total = try r.int("total_iters")
        try LinearLR.check(name: name, startFactor: start, endFactor: end, totalIters: total)
        try super.loadStateDict(dict)
        startFactor = start
        endFactor = end
        totalIters = total
    }
}
