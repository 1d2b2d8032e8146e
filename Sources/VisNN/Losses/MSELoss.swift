import VisTensor

/// Squared error, (x - t)^2, per element.
struct SquaredErrorKernel: PointwiseLossKernel {
    @inline(__always) func loss(_ x: Float, _ t: Float, _ i: Int) -> Float { let d = x - t; return d * d }
    @inline(__always) func gradInput(_ x: Float, _ t: Float, _ i: Int) -> Float { 2 * (x - t) }
    @inline(__always) func gradTarget(_ x: Float, _ t: Float, _ i: Int) -> Float { 2 * (t - x) }
}

extension Functional {
    /// Mean squared error (PyTorch's `mse_loss`): l_i = (input_i - target_i)^2, then
    /// `reduction` (mean by default). Input and target broadcast (PyTorch warns; we
    /// allow it silently); an int64 or bool target is read as float. Differentiable in
    /// both input and target.
    public static func mseLoss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean) throws -> Tensor {
        let shape = try regressionShape("mse_loss", input, target)
        return try pointwiseLoss("mse_loss", input, target, shape: shape,
                                 reduction: PointwiseReduction(reduction, count: Shape.numel(shape)),
                                 kernel: SquaredErrorKernel(), float64: squaredErrorForm())
    }

    /// Checks a regression loss's operands and returns their broadcast shape.
    static func regressionShape(_ op: String, _ input: Tensor, _ target: Tensor) throws -> [Int] {
        try requireFloating(op, input, "input", "predictions")
        do {
            return try Shape.broadcast(input.shape, target.shape, op: op)
        } catch {
            throw TensorError(op, "input \(shapeString(input.shape)) and target \(shapeString(target.shape)) cannot be broadcast together")
        }
    }
}
