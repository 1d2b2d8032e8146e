import VisTensor

/// Reduces every group's learning rate by `factor` when a watched metric has stopped
/// improving for more than `patience` epochs (PyTorch's `ReduceLROnPlateau`). Each
/// `step(metric)`:
///
///     better = metric < best·(1 − threshold)   (mode "min", threshold_mode "rel")
///              metric < best − threshold       ("min", "abs")
///              metric > best·(1 + threshold)   ("max", "rel")
///              metric > best + threshold       ("max", "abs")
///     better → best = metric, bad epochs = 0; otherwise bad epochs += 1
///     in cooldown → cooldown counter −= 1, bad epochs = 0
///     bad epochs > patience → lr ← max(lr·factor, min_lr) for each group (only when
///                             that lowers it by more than eps), cooldown counter =
///                             cooldown, bad epochs = 0
///
/// Use mode "max" for accuracy, "min" for a loss. Like PyTorch's, it does not set
/// `initial_lr`; `lastEpoch` counts metrics seen.
public final class ReduceLROnPlateau: LRScheduler {
    /// "min" or "max".
    public private(set) var mode: String
    /// Multiplier of the lr on a plateau (< 1).
    public private(set) var factor: Double
    /// Bad epochs tolerated before reducing.
    public private(set) var patience: Int
    /// Smallest change that counts as an improvement.
    public private(set) var threshold: Double
    /// "rel" or "abs".
    public private(set) var thresholdMode: String
    /// Epochs to wait after a reduction before counting bad epochs again.
    public private(set) var cooldown: Int
    /// The lowest lr of each group.
    public private(set) var minLRs: [Double]
    /// The scalar min_lr given at construction (nil when per group); reused if groups are added.
    public private(set) var defaultMinLR: Double?
    /// Reductions smaller than this are skipped.
    public private(set) var eps: Double
    /// The best metric so far (±inf before any).
    public private(set) var best: Double
    /// Epochs since the last improvement (reset in cooldown).
    public private(set) var numBadEpochs = 0
    /// Epochs of cooldown left.
    public private(set) var cooldownCounter = 0

    /// Watches a metric for `optimizer`; PyTorch's defaults. `minLR` applies to every
    /// group unless `minLRs` gives one per group.
    public init(_ optimizer: Optimizer, mode: String = "min", factor: Double = 0.1, patience: Int = 10,
                threshold: Double = 1e-4, thresholdMode: String = "rel", cooldown: Int = 0,
                minLR: Double = 0, minLRs: [Double]? = nil, eps: Double = 1e-8) throws {
        let name = "ReduceLROnPlateau"
        try ReduceLROnPlateau.check(mode: mode, thresholdMode: thresholdMode, factor: factor)
        let groups = optimizer.paramGroups.count
        if let minLRs, minLRs.count != groups {
            throw TensorError(name, "expected \(groups) min_lrs (one per parameter group), got \(minLRs.count)")
        }
        guard patience >= 0 else { throw TensorError(name, "patience must be non-negative, got \(patience)") }
        guard cooldown >= 0 else { throw TensorError(name, "cooldown must be non-negative, got \(cooldown)") }
        self.mode = mode
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.thresholdMode = thresholdMode
        self.cooldown = cooldown
        self.minLRs = minLRs ?? Array(repeating: minLR, count: groups)
        defaultMinLR = minLRs == nil ? minLR : nil
        self.eps = eps
        best = mode == "min" ? .infinity : -.infinity
        super.init(name: name, optimizer: optimizer, lastEpoch: 0)
    }

    static func check(mode: String, thresholdMode: String, factor: Double) throws {
        let name = "ReduceLROnPlateau"
        guard mode == "min" || mode == "max" else {
            throw TensorError(name, "mode '\(mode)' is unknown (use \"min\" or \"max\")")
        }
        guard thresholdMode == "rel" || thresholdMode == "abs" else {
            throw TensorError(name, "threshold mode '\(thresholdMode)' is unknown (use \"rel\" or \"abs\")")
        }
        guard factor < 1 else { throw TensorError(name, "factor should be < 1.0, got \(factor)") }
    }

    /// Always throws: this scheduler needs the metric it watches.
    override public func step() throws {
        throw TensorError(name, "step() needs the metric to watch: call step(metric), e.g. step(val_loss) or step(val_acc)")
    }

    /// Records one epoch's `metric` and reduces the learning rates on a plateau.
    override public func step(_ metric: Double) throws {
        if optimizer.paramGroups.count != minLRs.count {
            guard let d = defaultMinLR else {
                throw TensorError(name, "the optimizer has \(optimizer.paramGroups.count) parameter groups but min_lrs has \(minLRs.count) entries; set one per group")
            }
            minLRs = Array(repeating: d, count: optimizer.paramGroups.count)
        }
        lastEpoch += 1
        if isBetter(metric) {
            best = metric
            numBadEpochs = 0
        } else {
            numBadEpochs += 1
        }
        if cooldownCounter > 0 {
            cooldownCounter -= 1
            numBadEpochs = 0  // bad epochs in cooldown do not count
        }
        if numBadEpochs > patience {
            for (g, minLR) in zip(optimizer.paramGroups, minLRs) {
                let old = g.lr
                let new = Swift.max(old * factor, minLR)
                if old - new > eps { g.lr = new }
            }
            cooldownCounter = cooldown
            numBadEpochs = 0
        }
        lastLR = currentLRs
    }

    /// PyTorch's `_is_better` (table in the class comment).
    func isBetter(_ a: Double) -> Bool {
        switch (mode, thresholdMode) {
        case ("min", "rel"): return a < best * (1.0 - threshold)
        case ("min", _): return a < best - threshold
        case (_, "rel"): return a > best * (threshold + 1.0)
        default: return a > best + threshold
        }
    }

    /// PyTorch's entries: the hyper-parameters, `min_lrs`, `default_min_lr` (when scalar), `best`,
    /// `num_bad_epochs`, `cooldown_counter`, `last_epoch`, `_last_lr`, `mode_worse`.
    override public func stateDict() -> [String: OptimizerStateValue] {
        var d: [String: OptimizerStateValue] = [
            "mode": .string(mode), "factor": .number(factor), "patience": .number(Double(patience)),
            "threshold": .number(threshold), "threshold_mode": .string(thresholdMode),
            "cooldown": .number(Double(cooldown)), "min_lrs": .numbers(minLRs), "eps": .number(eps),
            "best": .number(best), "num_bad_epochs": .number(Double(numBadEpochs)),
            "cooldown_counter": .number(Double(cooldownCounter)), "last_epoch": .number(Double(lastEpoch)),
            "_last_lr": .numbers(lastLR), "mode_worse": .number(mode == "min" ? .infinity : -.infinity),
        ]
        d["default_min_lr"] = defaultMinLR.map { .number($0) }
        return d
    }

    /// Restores everything `stateDict()` saved; checks first, so an error changes nothing.
    override public func loadStateDict(_ dict: [String: OptimizerStateValue]) throws {
        let r = StateReader(owner: name, dict: dict)
        let mode = try r.string("mode"), thresholdMode = try r.string("threshold_mode")
        let factor = try r.number("factor")
        try ReduceLROnPlateau.check(mode: mode, thresholdMode: thresholdMode, factor: factor)
        let patience = try r.int("patience"), threshold = try r.number("threshold"), cooldown = try r.int("cooldown")
        let minLRs = try r.numbers("min_lrs"), eps = try r.number("eps"), best = try r.number("best")
        let bad = try r.int("num_bad_epochs"), counter = try r.int("cooldown_counter")
        let epoch = try r.int("last_epoch"), last = try r.numbers("_last_lr")
        let defaultMinLR = dict["default_min_lr"] == nil ? nil : try r.number("default_min_lr")
        self.mode = mode
        self.thresholdMode = thresholdMode
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.cooldown = cooldown
        self.minLRs = minLRs
        self.defaultMinLR = defaultMinLR
        self.eps = eps
        self.best = best
        numBadEpochs = bad
        cooldownCounter = counter
        lastEpoch = epoch
        lastLR = last
    }
}
