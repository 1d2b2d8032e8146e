import VisTensor

/// Sets every group's learning rate to initial_lr · λ(epoch), λ a user function, one
/// per group or one for all (PyTorch's `LambdaLR`). The functions are not saved in
/// state dicts (PyTorch saves only callable objects' attributes, never a function).
public final class LambdaLR: LRScheduler {
    /// One function per group.
    let lambdas: [(Int) throws -> Double]

    /// `lambdas` holds one function, used for every group, or one per group.
    public init(_ optimizer: Optimizer, lambdas: [(Int) throws -> Double]) throws {
        self.lambdas = try LambdaLR.perGroup("LambdaLR", optimizer, lambdas)
        try super.init(name: "LambdaLR", optimizer: optimizer)
    }

    /// One function per group: a single one repeated, or exactly one per group.
    static func perGroup<F>(_ name: String, _ optimizer: Optimizer, _ fs: [F]) throws -> [F] {
        let groups = optimizer.paramGroups.count
        if fs.count == 1 { return Array(repeating: fs[0], count: groups) }
        guard fs.count == groups else { throw TensorError(name, "Expected \(groups) lr_lambdas, but got \(fs.count)") }
        return fs
    }

    /// initial_lr · λ(last_epoch) for each group.
    override public func computeLR() throws -> [Double] {
        try zip(baseLRs, lambdas).map { base, f in base * (try f(lastEpoch)) }
    }
}
