import VisTensor

/// Huber-style error with a quadratic zone of width `beta` (see `smoothL1Loss`).
struct SmoothL1Kernel: PointwiseLossKernel {
    let beta: Float
    @inline(__always) func loss(_ x: Float, _ t: Float, _ i: Int) -> Float {
        let z = Swift.abs(x - t)
        return z < beta ? 0.5 * z * z / beta : z - 0.5 * beta
    }
    @inline(__always) func gradInput(_ x: Float, _ t: Float, _ i: Int) -> Float {
        let d = x - t
        // beta = 0 never takes the first branch: plain L1 (no 0 / 0).
        if Swift.abs(d) < beta { return d / beta }
        return d > 0 ? 1 : (d < 0 ? -1 : 0)
    }
    @inline(__always) func gradTarget(_ x: Float, _ t: Float, _ i: Int) -> Float { -gradInput(x, t, i) }
}

extension Functional {
    /// PyTorch's `smooth_l1_loss`: with z = |input - target|,
    /// l = 0.5 z^2 / beta where z < beta, and z - 0.5 beta elsewhere; `beta` = 0 is
    /// plain L1. Then `reduction`. The gradient is (input - target) / beta inside the
    /// quadratic zone and sign(input - target) outside. Differentiable in both.
    public static func smoothL1Loss(_ input: Tensor, _ target: Tensor, beta: Double = 1.0,
                                    reduction: Reduction = .mean) throws -> Tensor {
        guard beta >= 0 else {
            throw TensorError("smooth_l1_loss", "beta must be non-negative, got \(beta)")
        }
        let shape = try regressionShape("smooth_l1_loss", input, target)
        return try pointwiseLoss("smooth_l1_loss", input, target, shape: shape,
                                 reduction: PointwiseReduction(reduction, count: Shape.numel(shape)),
                                 kernel: SmoothL1Kernel(beta: Float(beta)), float64: smoothL1Form(beta: beta))
    }
}
