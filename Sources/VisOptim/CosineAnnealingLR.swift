import Foundation
import VisTensor

/// Cosine annealing from each group's initial lr down to `etaMin` over `tMax` epochs
/// (PyTorch's `CosineAnnealingLR`), in PyTorch's recursive, chainable form:
///
///     lr₀ = initial_lr
///     lrₜ = (1 + cos(π·t/T)) / (1 + cos(π·(t−1)/T)) · (lrₜ₋₁ − η) + η
///     lrₜ = lrₜ₋₁ + (initial_lr − η)·(1 − cos(π/T)) / 2     when (t − 1 − T) mod 2T = 0
///
/// which follows ηₜ = η + (initial_lr − η)(1 + cos(π·t/T))/2 without a restart: past
/// `tMax` the lr climbs back up for another `tMax` epochs, and so on, exactly as
/// PyTorch's numbers do.
public final class CosineAnnealingLR: LRScheduler {
    /// Epochs of one half cosine (PyTorch's `T_max`).
    public private(set) var tMax: Int
    /// The lowest learning rate (PyTorch's `eta_min`).
    public private(set) var etaMin: Double

    /// Anneals `optimizer`'s learning rates to `etaMin` over `tMax` steps.
    public init(_ optimizer: Optimizer, tMax: Int, etaMin: Double = 0) throws {
        guard tMax >= 1 else { throw TensorError("CosineAnnealingLR", "T_max must be a positive integer, got \(tMax)") }
        self.tMax = tMax
        self.etaMin = etaMin
        try super.init(name: "CosineAnnealingLR", optimizer: optimizer)
    }

    /// PyTorch's `get_lr`: the recursive form above (its first branch serves resumption at a later epoch).
    override public func computeLR() throws -> [Double] {
        let t = Double(lastEpoch), T = Double(tMax), eta = etaMin
        if isInitial { return currentLRs }
        if stepCount == 1 && lastEpoch > 0 {
            return baseLRs.map { eta + ($0 - eta) * (1 + Foundation.cos(t * Double.pi / T)) / 2 }
        }
        if (lastEpoch - 1 - tMax) % (2 * tMax) == 0 {
            return zip(currentLRs, baseLRs).map { lr, base in
                lr + (base - eta) * (1 - Foundation.cos(Double.pi / T)) / 2
            }
        }
        return currentLRs.map { lr in
            (1 + Foundation.cos(Double.pi * t / T)) / (1 + Foundation.cos(Double.pi * (t - 1) / T)) * (lr - eta) + eta
        }
    }

    /// η + (initial_lr − η)·(1 + cos(π·epoch/T))/2.
    override public func closedFormLR() -> [Double]? {
        let t = Double(lastEpoch), T = Double(tMax), eta = etaMin
        return baseLRs.map { eta + ($0 - eta) * (1 + Foundation.cos(Double.pi * t / T)) / 2 }
    }

    /// Base entries plus `T_max` and `eta_min`.
    override public func stateDict() -> [String: OptimizerStateValue] {
        var d = super.stateDict()
        d["T_max"] = .number(Double(tMax))
        d["eta_min"] = .number(etaMin)
        return d
    }

    /// Restores the base entries, `T_max` and `eta_min`.
    override public func loadStateDict(_ dict: [String: OptimizerStateValue]) throws {
        let r = StateReader(owner: name, dict: dict)
        let tMax = try r.int("T_max"), etaMin = try r.number("eta_min")
        guard tMax >= 1 else { throw r.wrong("T_max", "a positive integer") }
        try super.loadStateDict(dict)
        self.tMax = tMax
        self.etaMin = etaMin
    }
}
