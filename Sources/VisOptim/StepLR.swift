import Foundation
import VisTensor

/// Multiplies every group's learning rate by `gamma` every `stepSize` epochs
/// (PyTorch's `StepLR`): lr = initial_lr · gamma^⌊epoch / stepSize⌋, computed in
/// PyTorch's chainable form (the current lr times gamma at each multiple of
/// `stepSize`), so it composes with other changes to the lr.
public final class StepLR: LRScheduler {
    /// Epochs between decays.
    public private(set) var stepSize: Int
    /// The decay factor.
    public private(set) var gamma: Double

    /// Decays `optimizer`'s learning rates by `gamma` every `stepSize` steps.
    public init(_ optimizer: Optimizer, stepSize: Int, gamma: Double = 0.1) throws {
        guard stepSize >= 1 else { throw TensorError("StepLR", "step_size must be a positive integer, got \(stepSize)") }
        self.stepSize = stepSize
        self.gamma = gamma
        try super.init(name: "StepLR", optimizer: optimizer)
    }

    /// The current lrs, times gamma at each positive multiple of `stepSize`.
    override public func computeLR() throws -> [Double] {
        if lastEpoch == 0 || lastEpoch % stepSize != 0 { return currentLRs }
        return currentLRs.map { $0 * gamma }
    }

    /// initial_lr · gamma^⌊epoch / stepSize⌋.
    override public func closedFormLR() -> [Double]? {
        let exponent = Double(lastEpoch >= 0 ? lastEpoch / stepSize : -((-lastEpoch + stepSize - 1) / stepSize))
        return baseLRs.map { $0 * Foundation.pow(gamma, exponent) }
    }

    /// Base entries plus `step_size` and `gamma`.
    override public func stateDict() -> [String: OptimizerStateValue] {
        var d = super.stateDict()
        d["step_size"] = .number(Double(stepSize))
        d["gamma"] = .number(gamma)
        return d
    }

    /// Restores the base entries, `step_size` and `gamma`.
    override public func loadStateDict(_ dict: [String: OptimizerStateValue]) throws {
        let r = StateReader(owner: name, dict: dict)
        let size = try r.int("step_size"), gamma = try r.number("gamma")
        guard size >= 1 else { throw r.wrong("step_size", "a positive integer") }
        try super.loadStateDict(dict)
        stepSize = size
        self.gamma = gamma
    }
}
