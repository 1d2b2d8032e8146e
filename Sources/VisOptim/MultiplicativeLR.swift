import VisTensor

/// Multiplies every group's learning rate by λ(epoch) each step, λ a user function, one
/// per group or one for all (PyTorch's `MultiplicativeLR`); the initial step leaves the
/// lr unchanged. The functions are not saved in state dicts, as in PyTorch.
public final class MultiplicativeLR: LRScheduler {
    /// One function per group.
    let lambdas: [(Int) throws -> Double]

    /// `lambdas` holds one function, used for every group, or one per group.
    public init(_ optimizer: Optimizer, lambdas: [(Int) throws -> Double]) throws {
        self.lambdas = try LambdaLR.perGroup("MultiplicativeLR", optimizer, lambdas)
        try super.init(name: "MultiplicativeLR", optimizer: optimizer)
    }

    /// The current lr · λ(last_epoch) for each group (unchanged at the initial step).
    override public func computeLR() throws -> [Double] {
        if isInitial { return currentLRs }
        return try zip(currentLRs, lambdas).map { lr, f in lr * (try f(lastEpoch)) }
    }
}
