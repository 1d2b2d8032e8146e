import Foundation
import VisTensor

/// Decays every group's learning rate polynomially to 0 over `totalIters` epochs
/// (PyTorch's `PolynomialLR`): lr = initial_lr · (1 − min(t, totalIters)/totalIters)^power,
/// in PyTorch's chainable form (the current lr times the ratio of successive factors).
public final class PolynomialLR: LRScheduler {
    /// Epochs until the lr reaches 0.
    public private(set) var totalIters: Int
    /// The polynomial's power.
    public private(set) var power: Double

    /// PyTorch's defaults: 5 epochs, power 1.
    public init(_ optimizer: Optimizer, totalIters: Int = 5, power: Double = 1) throws {
        guard totalIters > 0 else { throw TensorError("PolynomialLR", "total_iters must be a positive integer, got \(totalIters)") }
        self.totalIters = totalIters
        self.power = power
        try super.init(name: "PolynomialLR", optimizer: optimizer)
    }

    /// The chainable form (PyTorch's `get_lr`).
    override public func computeLR() throws -> [Double] {
        if isInitial || lastEpoch > totalIters { return currentLRs }
        let t = Double(lastEpoch), n = Double(totalIters)
        let factor = Foundation.pow((1.0 - t / n) / (1.0 - (t - 1) / n), power)
        return currentLRs.map { $0 * factor }
    }

    /// The closed form in the class comment.
    override public func closedFormLR() -> [Double]? {
        let done = Double(Swift.min(totalIters, lastEpoch))
        return baseLRs.map { $0 * Foundation.pow(1.0 - done / Double(totalIters), power) }
    }

    /// Base entries plus `total_iters` and `power`.
    override public func stateDict() -> [String: OptimizerStateValue] {
        var d = super.stateDict()
        d["total_iters"] = .number(Double(totalIters))
        d["power"] = .number(power)
        return d
    }

    /// Restores the base entries, `total_iters` and `power`.
    override public func loadStateDict(_ dict: [String: OptimizerStateValue]) throws {
        let r = StateReader(owner: name, dict: dict)
        let total = try r.int("total_iters"), p = try r.number("power")
        guard total > 0 else { throw TensorError(name, "load_state_dict: total_iters must be positive, got \(total)") }
        try super.loadStateDict(dict)
        totalIters = total
        power = p
    }
}
