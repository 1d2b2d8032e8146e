import Foundation
import VisTensor

/// Cyclical learning rates (Smith, 2017), PyTorch's `CyclicLR`: the lr moves between
/// `base_lr` and `max_lr` in triangles of `stepSizeUp` rising and `stepSizeDown` falling
/// steps, the amplitude scaled per cycle (`triangular`: 1, `triangular2`: halved each
/// cycle, `exp_range`: gamma^iteration) or by a user function. With `cycleMomentum` the
/// momentum (Adam's `beta1`) moves the opposite way between `max_momentum` and
/// `base_momentum`. Step it every batch. Construction sets each group's lr to base_lr
/// (and momentum to max_momentum), as PyTorch's does.
public final class CyclicLR: LRScheduler {
    /// Each group's peak lr.
    public private(set) var maxLRs: [Double]
    /// Steps per cycle.
    public private(set) var totalSize: Double
    /// The rising fraction of a cycle.
    public private(set) var stepRatio: Double
    /// "triangular", "triangular2" or "exp_range".
    public private(set) var mode: String
    /// exp_range's base.
    public private(set) var gamma: Double
    /// "cycle" or "iterations": what the scale function is given.
    public private(set) var scaleMode: String
    /// A user scale function replacing the mode's.
    let scaleFn: ((Double) throws -> Double)?
    /// Whether momentum cycles too.
    public private(set) var cycleMomentum: Bool
    /// Whether the momentum is Adam's `beta1`.
    public private(set) var useBeta1 = false
    /// Each group's lowest and highest momentum.
    public private(set) var baseMomentums: [Double] = [], maxMomentums: [Double] = []

    /// `baseLRs`/`maxLRs`, `baseMomentums`/`maxMomentums` hold one value for every group
    /// or one per group. PyTorch's defaults.
    public init(_ optimizer: Optimizer, baseLR: [Double], maxLR: [Double], stepSizeUp: Int = 2000,
                stepSizeDown: Int? = nil, mode: String = "triangular", gamma: Double = 1,
                scaleFn: ((Double) throws -> Double)? = nil, scaleMode: String = "cycle",
                cycleMomentum: Bool = true, baseMomentum: [Double] = [0.8], maxMomentum: [Double] = [0.9]) throws {
        let name = "CyclicLR"
        func each(_ what: String, _ xs: [Double]) throws -> [Double] {
            let groups = optimizer.paramGroups.count
            if xs.count == 1 { return Array(repeating: xs[0], count: groups) }
            guard xs.count == groups else {
                throw TensorError(name, "\(what) must have the same length as optimizer.param_groups. \(what) has \(xs.count) values, param_groups has \(groups).")
            }
            return xs
        }
        let bases = try each("base_lr", baseLR)
        maxLRs = try each("max_lr", maxLR)
        guard stepSizeUp > 0, (stepSizeDown ?? 1) > 0 else {
            throw TensorError(name, "step_size_up and step_size_down must be positive, got \(stepSizeUp) and \(stepSizeDown ?? stepSizeUp)")
        }
        let up = Double(stepSizeUp), down = Double(stepSizeDown ?? stepSizeUp)
        totalSize = up + down
        stepRatio = up / totalSize
        guard ["triangular", "triangular2", "exp_range"].contains(mode) || scaleFn != nil else {
            throw TensorError(name, "mode is invalid and scale_fn is None (mode must be \"triangular\", \"triangular2\" or \"exp_range\", got \"\(mode)\")")
        }
        guard scaleFn == nil || scaleMode == "cycle" || scaleMode == "iterations" else {
            throw TensorError(name, "scale_mode must be \"cycle\" or \"iterations\", got \"\(scaleMode)\"")
        }
        self.mode = mode
        self.gamma = gamma
        self.scaleFn = scaleFn
        self.scaleMode = scaleFn != nil ? scaleMode : (mode == "exp_range" ? "iterations" : "cycle")
        self.cycleMomentum = cycleMomentum
        for (g, lr) in zip(optimizer.paramGroups, bases) { g.lr = lr }
        if cycleMomentum {
            useBeta1 = optimizer.defaults["beta1"] != nil
            guard useBeta1 || optimizer.defaults["momentum"] != nil else {
                throw TensorError(name, "optimizer must support momentum or beta1 with `cycle_momentum` option enabled (\(optimizer.name) has neither; pass cycle_momentum=false)")
            }
            baseMomentums = try each("base_momentum", baseMomentum)
            maxMomentums = try each("max_momentum", maxMomentum)
            for (i, g) in optimizer.paramGroups.enumerated() {
                g.options[useBeta1 ? "beta1" : "momentum"] = maxMomentums[i]
                g.options["max_momentum"] = maxMomentums[i]
                g.options["base_momentum"] = baseMomentums[i]
            }
        }
        try super.init(name: name, optimizer: optimizer)
        baseLRs = bases
    }

    /// The amplitude's scale at `x` (a cycle number or an iteration).
    func scale(_ x: Double) throws -> Double {
        if let scaleFn { return try scaleFn(x) }
        switch mode {
        case "triangular2": return 1 / Foundation.pow(2.0, x - 1)
        case "exp_range": return Foundation.pow(gamma, x)
        default: return 1
        }
    }

    /// The lr of each group at `lastEpoch`; writes the momentum too (PyTorch's `get_lr`).
    override public func computeLR() throws -> [Double] {
        let t = Double(lastEpoch)
        let cycle = (1 + t / totalSize).rounded(.down)
        let x = 1.0 + t / totalSize - cycle
        let factor = x <= stepRatio ? x / stepRatio : (x - 1) / (stepRatio - 1)
        let s = try scale(scaleMode == "cycle" ? cycle : t)
        let lrs = zip(baseLRs, maxLRs).map { base, top in base + (top - base) * factor * s }
        if cycleMomentum {
            for (i, g) in optimizer.paramGroups.enumerated() where i < maxMomentums.count {
                let top = maxMomentums[i], height = (top - baseMomentums[i]) * factor
                g.options[useBeta1 ? "beta1" : "momentum"] = top - height * s
            }
        }
        return lrs
    }

    /// Base entries plus the cycle's hyper-parameters by PyTorch's names.
    override public func stateDict() -> [String: OptimizerStateValue] {
        var d = super.stateDict()
        d["max_lrs"] = .numbers(maxLRs)
        d["total_size"] = .number(totalSize)
        d["step_ratio"] = .number(stepRatio)
        d["mode"] = .string(mode)
        d["gamma"] = .number(gamma)
        d["scale_mode"] = .string(scaleMode)
        d["cycle_momentum"] = .bool(cycleMomentum)
        if cycleMomentum {
            d["use_beta1"] = .bool(useBeta1)
            d["base_momentums"] = .numbers(baseMomentums)
            d["max_momentums"] = .numbers(maxMomentums)
        }
        return d
    }

    /// Restores the base entries and the cycle's hyper-parameters.
    override public func loadStateDict(_ dict: [String: OptimizerStateValue]) throws {
        let r = StateReader(owner: name, dict: dict)
        let tops = try r.numbers("max_lrs"), total = try r.number("total_size"), ratio = try r.number("step_ratio")
        let m = try r.string("mode"), gm = try r.number("gamma"), sm = try r.string("scale_mode")
        let cycle = try r.bool("cycle_momentum")
        let beta1 = cycle ? try r.bool("use_beta1") : useBeta1
        let bm = cycle ? try r.numbers("base_momentums") : [], mm = cycle ? try r.numbers("max_momentums") : []
        let groups = optimizer.paramGroups.count
        guard tops.count == groups, !cycle || (bm.count == groups && mm.count == groups), total > 0 else {
            throw TensorError(name, "load_state_dict: the state dict does not match this optimizer's \(groups) parameter groups")
        }
        try super.loadStateDict(dict)
        maxLRs = tops; totalSize = total; stepRatio = ratio; mode = m; gamma = gm; scaleMode = sm
        cycleMomentum = cycle; useBeta1 = beta1; baseMomentums = bm; maxMomentums = mm
    }
}
