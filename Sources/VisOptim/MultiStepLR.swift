import Foundation
import VisTensor

/// Multiplies every group's learning rate by `gamma` at each milestone epoch
/// (PyTorch's `MultiStepLR`): lr = initial_lr · gamma^(milestones ≤ epoch), in the
/// chainable form. A milestone listed twice decays twice at that epoch.
public final class MultiStepLR: LRScheduler {
    /// The milestone epochs, sorted, repeats kept.
    public private(set) var milestones: [Int]
    /// The decay factor per milestone.
    public private(set) var gamma: Double

    /// Decays `optimizer`'s learning rates by `gamma` at each of `milestones`.
    public init(_ optimizer: Optimizer, milestones: [Int], gamma: Double = 0.1) throws {
        self.milestones = milestones.sorted()
        self.gamma = gamma
        try super.init(name: "MultiStepLR", optimizer: optimizer)
    }

    /// The current lrs, times gamma^k at an epoch listed k times.
    override public func computeLR() throws -> [Double] {
        let hits = milestones.reduce(0) { $0 + ($1 == lastEpoch ? 1 : 0) }
        if hits == 0 { return currentLRs }
        return currentLRs.map { $0 * Foundation.pow(gamma, Double(hits)) }
    }

    /// initial_lr · gamma^(number of milestones ≤ epoch).
    override public func closedFormLR() -> [Double]? {
        let passed = milestones.reduce(0) { $0 + ($1 <= lastEpoch ? 1 : 0) }  // bisect_right
        return baseLRs.map { $0 * Foundation.pow(gamma, Double(passed)) }
    }

    /// Base entries plus `milestones` (sorted, repeats kept) and `gamma`.
    override public func stateDict() -> [String: OptimizerStateValue] {
        var d = super.stateDict()
        d["milestones"] = .numbers(milestones.map(Double.init))
        d["gamma"] = .number(gamma)
        return d
    }

    /// Restores the base entries, `milestones` and `gamma`.
    override public func loadStateDict(_ dict: [String: OptimizerStateValue]) throws {
        let r = StateReader(owner: name, dict: dict)
        let milestones = try r.ints("milestones"), gamma = try r.number("gamma")
        try super.loadStateDict(dict)
        self.milestones = milestones.sorted()
        self.gamma = gamma
    }
}
