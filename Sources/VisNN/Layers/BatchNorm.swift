import VisTensor

/// Batch normalisation (PyTorch's nn.BatchNorm1d / nn.BatchNorm2d): per-channel
/// statistics of the batch in training (updating running_mean / running_var with
/// `momentum`), the running statistics in eval mode; affine weight and bias.
public final class BatchNorm: Module {
    public let numFeatures: Int
    public let eps: Double, momentum: Double
    public let affine: Bool, trackRunningStats: Bool
    /// 1 for BatchNorm1d ([N, C] or [N, C, L]), 2 for BatchNorm2d ([N, C, H, W]).
    public let spatialDims: Int
    public let weight: Tensor?, bias: Tensor?
    public let runningMean: Tensor?, runningVar: Tensor?
    /// Batches seen in training (PyTorch's num_batches_tracked, int64 scalar).
    public let numBatchesTracked: Tensor?

    public init(_ numFeatures: Int, spatialDims: Int, eps: Double = 1e-5, momentum: Double = 0.1, affine: Bool = true,
                trackRunningStats: Bool = true) throws {
        guard numFeatures > 0 else { throw TensorError("BatchNorm\(spatialDims)d", "num_features must be positive, got \(numFeatures)") }
        try LayerSizeCheck.sizes("BatchNorm\(spatialDims)d", [("num_features", numFeatures)])
        self.numFeatures = numFeatures
        self.spatialDims = spatialDims
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.trackRunningStats = trackRunningStats
        weight = affine ? try Tensor.ones([numFeatures]).setRequiresGrad() : nil
        bias = affine ? try Tensor.zeros([numFeatures]).setRequiresGrad() : nil
        runningMean = trackRunningStats ? try Tensor.zeros([numFeatures]) : nil
        runningVar = trackRunningStats ? try Tensor.ones([numFeatures]) : nil
        numBatchesTracked = trackRunningStats ? Tensor.scalar(0, dtype: .int64) : nil
    }

    public override var typeName: String { "BatchNorm\(spatialDims)d" }

    public override var ownParameters: [(String, Tensor)] {
        [weight.map { ("weight", $0) }, bias.map { ("bias", $0) }].compactMap { $0 }
    }

    public override var ownBuffers: [(String, Tensor)] {
        [runningMean.map { ("running_mean", $0) }, runningVar.map { ("running_var", $0) },
         numBatchesTracked.map { ("num_batches_tracked", $0) }].compactMap { $0 }
    }

    public override var extraRepr: String {
        "\(numFeatures), eps=\(ReprFormat.float(eps)), momentum=\(ReprFormat.float(momentum)), affine=\(ReprFormat.bool(affine)), track_running_stats=\(ReprFormat.bool(trackRunningStats))"
    }

    public override var hyperParameters: [(String, HyperValue)] {
        [("num_features", .int(numFeatures)), ("eps", .double(eps)), ("momentum", .double(momentum))]
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        try checkRank(x)
        let useBatchStats = training || !trackRunningStats
        if training, let n = numBatchesTracked { n.int64Pointer[0] += 1 }
        return try Functional.batchNorm(x, runningMean: runningMean, runningVar: runningVar,
                                        weight: weight, bias: bias, training: useBatchStats, momentum: momentum, eps: eps)
    }

    /// `forward` followed by ReLU and a max pool over non-overlapping `window` x `window`
    /// windows (1: no pool), as one fused op (`Functional.batchNormReLUMaxPool`). Nil,
    /// having done nothing, when the fused op does not take this input: the caller then
    /// runs the layers one by one, which raise their usual errors.
    func forwardReLUMaxPool(_ x: Tensor, window: Int) throws -> Tensor? {
        guard spatialDims == 2, x.ndim == 4, x.dtype == .float32, x.shape[1] == numFeatures, x.count > 0,
              x.shape[2] >= window, x.shape[3] >= window else { return nil }
        // The fused kernel is float32 only: a converted (float64, half) layer runs unfused.
        guard [runningMean, runningVar, weight, bias].allSatisfy({ ($0?.dtype ?? .float32) == .float32 }) else { return nil }
        let useBatchStats = training || !trackRunningStats
        if useBatchStats && (x.shape[0] * x.shape[2] * x.shape[3] == 1 || !(eps > 0)) { return nil }
        if training, let n = numBatchesTracked { n.int64Pointer[0] += 1 }
        return try Functional.batchNormReLUMaxPool(x, runningMean: runningMean, runningVar: runningVar, weight: weight, bias: bias,
                                                   training: useBatchStats, momentum: momentum, eps: eps, window: window)
    }

    private func checkRank(_ x: Tensor) throws {
        let expected = spatialDims == 2 ? [4] : [2, 3]
        guard expected.contains(x.ndim) else {
            throw TensorError(typeName, "expected a \(spatialDims == 2 ? "4-D input [N, C, H, W]" : "2-D or 3-D input [N, C] / [N, C, L]"), got shape \(shapeString(x.shape))")
        }
    }
}
