import VisTensor

/// The float64 normalisation layers, as composites of differentiable float64 tensor ops
/// (mean, biased variance, rsqrt, broadcast affine): the gradients follow from the ops'
/// own rules, in float64. Arguments arrive checked by the float32 entry points' checks.
enum Float64Norms {
    /// [1, C, 1, ...] for broadcasting a per-channel [C] tensor over x [N, C, ...].
    private static func channelShape(_ x: Tensor) -> [Int] {
        [1, x.shape[1]] + Array(repeating: 1, count: Swift.max(x.ndim - 2, 0))
    }

    /// (x - mean) / sqrt(var + eps) with `mean` and `variance` broadcast over x.
    private static func normalize(_ x: Tensor, _ mean: Tensor, _ variance: Tensor, eps: Double) throws -> Tensor {
        try x.sub(mean).mul(variance.add(eps).rsqrt())
    }

    /// `y * weight + bias` with the optional parameters reshaped to `shape`.
    private static func affine(_ y: Tensor, weight: Tensor?, bias: Tensor?, shape: [Int]) throws -> Tensor {
        var y = y
        if let weight { y = try y.mul(weight.reshape(shape)) }
        if let bias { y = try y.add(bias.reshape(shape)) }
        return y
    }

    /// batch_norm in float64 (PyTorch's rules, see `Functional.batchNorm`): batch
    /// statistics in training, the running buffers updated in place outside autograd
    /// with the unbiased variance; the running statistics otherwise.
    static func batchNorm(_ x: Tensor, runningMean: Tensor?, runningVar: Tensor?, weight: Tensor?, bias: Tensor?,
                          training: Bool, momentum: Double, eps: Double) throws -> Tensor {
        let shape = channelShape(x)
        if x.count == 0 { return try affine(x.mul(0), weight: weight, bias: bias, shape: shape) }
        let mean: Tensor, variance: Tensor
        if training {
            let dims = [0] + Array(2..<x.ndim)
            mean = try x.mean(dims: dims, keepdim: true)
            variance = try x.variance(dims: dims, correction: 0, keepdim: true)
            if let runningMean, let runningVar {
                let n = Double(x.count / x.shape[1])
                let m = try mean.detach().reshape([x.shape[1]]), v = try variance.detach().reshape([x.shape[1]]).mul(n / (n - 1))
                try runningMean.assign(runningMean.detach().mul(1 - momentum).add(m.mul(momentum)))
                try runningVar.assign(runningVar.detach().mul(1 - momentum).add(v.mul(momentum)))
            }
        } else {
            guard let runningMean, let runningVar else {
                throw TensorError("batch_norm", "running_mean must be defined in evaluation mode")
            }
            mean = try runningMean.detach().reshape(shape)
            variance = try runningVar.detach().reshape(shape)
        }
        return try affine(normalize(x, mean, variance, eps: eps), weight: weight, bias: bias, shape: shape)
    }

    /// layer_norm in float64 over the last `dims` dimensions of x.
    static func layerNorm(_ x: Tensor, dims: Int, weight: Tensor?, bias: Tensor?, eps: Double) throws -> Tensor {
        let last = Array((x.ndim - dims)..<x.ndim)
        let mean = try x.mean(dims: last, keepdim: true)
        let variance = try x.variance(dims: last, correction: 0, keepdim: true)
        let shape = Array(x.shape.suffix(dims))
        return try affine(normalize(x, mean, variance, eps: eps), weight: weight, bias: bias, shape: shape)
    }

    /// group_norm in float64: statistics over each sample's group of channels.
    static func groupNorm(_ x: Tensor, groups: Int, weight: Tensor?, bias: Tensor?, eps: Double) throws -> Tensor {
        let n = x.shape[0]
        if x.count == 0 { return try affine(x.mul(0), weight: weight, bias: bias, shape: channelShape(x)) }
        let grouped = try x.reshape([n, groups, x.count / (n * groups)])
        let mean = try grouped.mean(dims: [2], keepdim: true)
        let variance = try grouped.variance(dims: [2], correction: 0, keepdim: true)
        let y = try normalize(grouped, mean, variance, eps: eps).reshape(x.shape)
        return try affine(y, weight: weight, bias: bias, shape: channelShape(x))
    }
}
