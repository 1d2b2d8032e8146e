import VisTensor

/// Multiplies every group's learning rate by `factor` until epoch `totalIters`, then
/// restores it (PyTorch's `ConstantLR`), in PyTorch's chainable form: the lr is
/// multiplied by `factor` at epoch 0 and divided by it at epoch `totalIters`.
public final class ConstantLR: LRScheduler {
    /// The factor applied before `totalIters`.
    public private(set) var factor: Double
    /// The epoch at which the factor is removed.
    public private(set) var totalIters: Int

    /// PyTorch's defaults: factor 1/3 for 5 epochs.
    public init(_ optimizer: Optimizer, factor: Double = 1.0 / 3, totalIters: Int = 5) throws {
        try ConstantLR.check(factor)
        self.factor = factor
        self.totalIters = totalIters
        try super.init(name: "ConstantLR", optimizer: optimizer)
    }

    /// PyTorch's check: 0 ≤ factor ≤ 1.
    static func check(_ factor: Double) throws {
        guard factor >= 0 && factor <= 1 else {
            throw TensorError("ConstantLR", "Constant multiplicative factor expected to be between 0 and 1, got \(factor)")
        }
    }

    /// The chainable form (PyTorch's `get_lr`).
    override public func computeLR() throws -> [Double] {
        if lastEpoch == 0 { return currentLRs.map { $0 * factor } }
        if lastEpoch != totalIters { return currentLRs }
        return currentLRs.map { $0 * (1.0 / factor) }
    }

    /// initial_lr · factor before `totalIters`, initial_lr from then on.
    override public func closedFormLR() -> [Double]? {
        baseLRs.map { $0 * (factor + (lastEpoch >= totalIters ? 1 - factor : 0)) }
    }

    /// Base entries plus `factor` and `total_iters`.
    override public func stateDict() -> [String: OptimizerStateValue] {
        var d = super.stateDict()
        d["factor"] = .number(factor)
        d["total_iters"] = .number(Double(totalIters))
        return d
    }

    /// Restores the base entries, `factor` and `total_iters`.
    override public func loadStateDict(_ dict: [String: OptimizerStateValue]) throws {
        let r = StateReader(owner: name, dict: dict)
        let f = try r.number("factor"), total = try r.int("total_iters")
        try ConstantLR.check(f)
        try super.loadStateDict(dict)
        factor = f
        totalIters = total
    }
}
