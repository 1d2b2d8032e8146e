import Foundation
import VisTensor

/// Cosine annealing with warm restarts (SGDR, Loshchilov & Hutter, 2017), PyTorch's
/// `CosineAnnealingWarmRestarts`:
///
///     lr = eta_min + (initial_lr − eta_min)·(1 + cos(π·T_cur/T_i))/2
///
/// where T_cur counts epochs since the last restart and the period T_i starts at `T_0`
/// and is multiplied by `T_mult` at each restart. `step(epoch:)` takes fractional
/// epochs (`scheduler.step(epoch + i / iters)` inside an epoch), as PyTorch's does.
public final class CosineAnnealingWarmRestarts: LRScheduler {
    /// The first period.
    public private(set) var t0: Int
    /// The factor each period grows by at a restart.
    public private(set) var tMult: Int
    /// The lowest learning rate.
    public private(set) var etaMin: Double
    /// The current period.
    public private(set) var tI: Int
    /// Epochs since the last restart (fractional after `step(epoch:)` with a fraction).
    public private(set) var tCur: Double

    /// PyTorch's checks: T_0 > 0, T_mult ≥ 1.
    public init(_ optimizer: Optimizer, t0: Int, tMult: Int = 1, etaMin: Double = 0) throws {
        guard t0 > 0 else { throw TensorError("CosineAnnealingWarmRestarts", "Expected positive integer T_0, but got \(t0)") }
        guard tMult >= 1 else { throw TensorError("CosineAnnealingWarmRestarts", "Expected integer T_mult >= 1, but got \(tMult)") }
        self.t0 = t0
        self.tMult = tMult
        self.etaMin = etaMin
        tI = t0
        tCur = -1
        try super.init(name: "CosineAnnealingWarmRestarts", optimizer: optimizer)
    }

    /// The formula in the class comment.
    override public func computeLR() throws -> [Double] {
        baseLRs.map { etaMin + ($0 - etaMin) * (1 + Foundation.cos(Double.pi * tCur / Double(tI))) / 2 }
    }

    /// One epoch on, restarting when the period ends (PyTorch's `step()`, which does
    /// not count `_step_count`).
    override public func step() throws {
        if lastEpoch < 0 { return try step(epoch: 0) }
        tCur += 1
        if tCur >= Double(tI) {
            tCur = tCur.truncatingRemainder(dividingBy: Double(tI))
            tI *= tMult
        }
        lastEpoch += 1
        try apply()
    }

    /// Moves to `epoch` (may be fractional), finding the period it falls in.
    override public func step(epoch: Double) throws {
        guard epoch.isFinite, epoch < 1e15 else { throw TensorError(name, "Expected a finite epoch, but got \(epoch)") }
        guard epoch >= 0 else { throw TensorError(name, "Expected non-negative epoch, but got \(epoch)") }
        let t0 = Double(self.t0)
        if epoch >= t0 {
            if tMult == 1 {
                tCur = epoch.truncatingRemainder(dividingBy: t0)
            } else {
                let m = Double(tMult)
                let n = Int(Foundation.log(epoch / t0 * (m - 1) + 1) / Foundation.log(m))
                let grown = Foundation.pow(m, Double(n))
                tCur = epoch - t0 * (grown - 1) / (m - 1)
                guard grown * t0 < 1e15 else { throw TensorError(name, "epoch \(epoch) is too far for T_0 \(self.t0), T_mult \(tMult)") }
                tI = self.t0 * Int(grown)
            }
        } else {
            tI = self.t0
            tCur = epoch
        }
        lastEpoch = Int(epoch.rounded(.down))
        try apply()
    }

    /// Sets every group's lr from `computeLR()`.
    private func apply() throws {
        let values = try computeLR()
        try checkGroups(values.count)
        for (g, lr) in zip(optimizer.paramGroups, values) { g.lr = lr }
        lastLR = currentLRs
    }

    /// Base entries plus `T_0`, `T_i`, `T_mult`, `eta_min`, `T_cur`.
    override public func stateDict() -> [String: OptimizerStateValue] {
        var d = super.stateDict()
        d["T_0"] = .number(Double(t0))
        d["T_i"] = .number(Double(tI))
        d["T_mult"] = .number(Double(tMult))
        d["eta_min"] = .number(etaMin)
        d["T_cur"] = .number(tCur)
        return d
    }

    /// Restores the base entries and the period state.
    override public func loadStateDict(_ dict: [String: OptimizerStateValue]) throws {
        let r = StateReader(owner: name, dict: dict)
        let a = try r.int("T_0"), i = try r.int("T_i"), m = try r.int("T_mult")
        let e = try r.number("eta_min"), c = try r.number("T_cur")
        guard a > 0, i > 0, m >= 1 else { throw TensorError(name, "load_state_dict: T_0, T_i must be positive and T_mult at least 1") }
        try super.loadStateDict(dict)
        t0 = a; tI = i; tMult = m; etaMin = e; tCur = c
    }
}
