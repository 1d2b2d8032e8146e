import VisTensor

/// Huber's loss with threshold `delta` (see `huberLoss`).
struct HuberKernel: PointwiseLossKernel {
    let delta: Float
    @inline(__always) func loss(_ x: Float, _ t: Float, _ i: Int) -> Float {
        let z = Swift.abs(x - t)
        return z < delta ? 0.5 * z * z : delta * (z - 0.5 * delta)
    }
    /// PyTorch's huber_backward: -delta below -delta, delta above delta, the difference between.
    @inline(__always) func gradInput(_ x: Float, _ t: Float, _ i: Int) -> Float {
        let d = x - t
        return d < -delta ? -delta : (d > delta ? delta : d)
    }
    @inline(__always) func gradTarget(_ x: Float, _ t: Float, _ i: Int) -> Float { -gradInput(x, t, i) }
}

extension Functional {
    /// PyTorch's `huber_loss`: with z = |input - target|, 0.5 z^2 where z < delta and
    /// delta (z - 0.5 delta) elsewhere (smooth_l1_loss times delta, for beta = delta);
    /// delta must be positive. Differentiable in input and target.
    /// With `weight` (of input's shape) the per-element losses are multiplied by it
    /// before the reduction, as PyTorch's F.huber_loss(weight=) does.
    public static func huberLoss(_ input: Tensor, _ target: Tensor, delta: Double = 1.0,
                                 reduction: Reduction = .mean, weight: Tensor? = nil) throws -> Tensor {
        guard delta > 0 else { throw TensorError("huber_loss", "huber_loss does not support non-positive values for delta (got \(delta))") }
        if let w = weight {
            guard w.shape == input.shape else {
                throw TensorError("huber_loss", "Weights and input must have the same size: weight \(shapeString(w.shape)), input \(shapeString(input.shape))")
            }
            return try reduce(huberLoss(input, target, delta: delta, reduction: .none).mul(w), reduction)
        }
        let shape = try regressionShape("huber_loss", input, target)
        return try pointwiseLoss("huber_loss", input, target, shape: shape,
                                 reduction: PointwiseReduction(reduction, count: Shape.numel(shape)),
                                 kernel: HuberKernel(delta: Float(delta)))
    }
}
