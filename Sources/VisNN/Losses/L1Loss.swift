import VisTensor

/// Absolute error |x - t| per element; its derivative is sign(x - t), 0 at x == t
/// (PyTorch's choice at the kink).
struct AbsoluteErrorKernel: PointwiseLossKernel {
    @inline(__always) func loss(_ x: Float, _ t: Float, _ i: Int) -> Float { Swift.abs(x - t) }
    @inline(__always) func gradInput(_ x: Float, _ t: Float, _ i: Int) -> Float { x > t ? 1 : (x < t ? -1 : 0) }
    @inline(__always) func gradTarget(_ x: Float, _ t: Float, _ i: Int) -> Float { x > t ? -1 : (x < t ? 1 : 0) }
}

extension Functional {
    /// Mean absolute error (PyTorch's `l1_loss`): l_i = |input_i - target_i|, then
    /// `reduction`. Broadcasting and target dtypes as in `mseLoss`; the gradient is
    /// sign(input - target) (0 where they are equal). Differentiable in both.
    public static func l1Loss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean) throws -> Tensor {
        let shape = try regressionShape("l1_loss", input, target)
        return try pointwiseLoss("l1_loss", input, target, shape: shape,
                                 reduction: PointwiseReduction(reduction, count: Shape.numel(shape)),
                                 kernel: AbsoluteErrorKernel(), float64: absoluteErrorForm())
    }
}
