import Foundation
import VisTensor

/// Multiplies every group's learning rate by `gamma` each epoch (PyTorch's
/// `ExponentialLR`): lr = initial_lr · gamma^epoch, in the chainable form
/// (current lr · gamma per step).
public final class ExponentialLR: LRScheduler {
    /// The decay factor per step.
    public private(set) var gamma: Double

    /// Decays `optimizer`'s learning rates by `gamma` every step.
    public init(_ optimizer: Optimizer, gamma: Double) throws {
        self.gamma = gamma
        try super.init(name: "ExponentialLR", optimizer: optimizer)
    }

    /// The current lrs times gamma (unchanged at the initial step).
    override public func computeLR() throws -> [Double] {
        if isInitial { return currentLRs }
        return currentLRs.map { $0 * gamma }
    }

    /// initial_lr · gamma^epoch.
    override public func closedFormLR() -> [Double]? {
        baseLRs.map { $0 * Foundation.pow(gamma, Double(lastEpoch)) }
    }

    /// Base entries plus `gamma`.
    override public func stateDict() -> [String: OptimizerStateValue] {
        var d = super.stateDict()
        d["gamma"] = .number(gamma)
        return d
    }

    /// Restores the base entries and `gamma`.
    override public func loadStateDict(_ dict: [String: OptimizerStateValue]) throws {
        let gamma = try StateReader(owner: name, dict: dict).number("gamma")
        try super.loadStateDict(dict)
        self.gamma = gamma
    }
}
