import VisTensor

extension Functional {
    /// `value` with the gradient of `t`: what PyTorch gets by clamping a tensor in place
    /// under no_grad (cosine_similarity's norms, gaussian_nll_loss's var), where the
    /// clamp changes the value but not the recorded history.
    static func valueKeepingGradient(_ t: Tensor, _ value: Tensor) throws -> Tensor {
        try t.add(value.sub(t.detach()).detach())
    }

    /// PyTorch's `cosine_similarity`: x1 and x2 broadcast, each divided by its 2-norm
    /// along `dim` (the norm clamped below at eps, the clamp not differentiated, as
    /// PyTorch does it), then the product summed along dim.
    public static func cosineSimilarity(_ x1: Tensor, _ x2: Tensor, dim: Int = 1, eps: Double = 1e-8) throws -> Tensor {
        let op = "cosine_similarity"
        let shape: [Int]
        do { shape = try Shape.broadcast(x1.shape, x2.shape, op: op) } catch {
            throw TensorError(op, "x1 \(shapeString(x1.shape)) and x2 \(shapeString(x2.shape)) cannot be broadcast together")
        }
        guard dim >= -Swift.max(shape.count, 1), dim < Swift.max(shape.count, 1) else {
            throw TensorError(op, "Dimension out of range (expected to be in range of [\(-shape.count), \(shape.count - 1)], but got \(dim))")
        }
        let a = try (x1.dtype.isFloatingPoint ? x1 : x1.to(.float32)).expand(shape)
        let b = try (x2.dtype.isFloatingPoint ? x2 : x2.to(.float32)).expand(shape)
        let d = shape.isEmpty ? 0 : (dim < 0 ? dim + shape.count : dim)
        let na = try a.vectorNorm(2, dims: shape.isEmpty ? [] : [d], keepdim: true)
        let nb = try b.vectorNorm(2, dims: shape.isEmpty ? [] : [d], keepdim: true)
        let ca = try valueKeepingGradient(na, na.detach().clamp(min: eps))
        let cb = try valueKeepingGradient(nb, nb.detach().clamp(min: eps))
        let product = try a.div(ca).mul(b.div(cb))
        return shape.isEmpty ? product : try product.sum(dim: d)
    }

    /// PyTorch's `pairwise_distance`: the p-norm of x1 - x2 + eps along the last
    /// dimension (of the broadcast shape), keeping it with `keepdim`.
    public static func pairwiseDistance(_ x1: Tensor, _ x2: Tensor, p: Double = 2, eps: Double = 1e-6, keepdim: Bool = false) throws -> Tensor {
        let op = "pairwise_distance"
        try requireFloating(op, x1)
        try requireFloating(op, x2)
        let diff: Tensor
        do { diff = try x1.sub(x2) } catch {
            throw TensorError(op, "x1 \(shapeString(x1.shape)) and x2 \(shapeString(x2.shape)) cannot be broadcast together")
        }
        guard diff.ndim >= 1 else { throw TensorError(op, "x1 and x2 must have at least 1 dimension, got shapes \(shapeString(x1.shape)) and \(shapeString(x2.shape))") }
        return try diff.add(eps).vectorNorm(p, dims: [diff.ndim - 1], keepdim: keepdim, op: op)
    }
}
