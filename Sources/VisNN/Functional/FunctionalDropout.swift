import VisTensor

/// Inverted dropout (PyTorch's `F.dropout` and `F.dropout2d`): in training, each element
/// (or each whole channel) is zeroed with probability p and the survivors are scaled by
/// 1 / (1 - p), so the expected value is unchanged and evaluation needs no rescaling.
extension Functional {
    /// Zeroes each element of `x` with probability `p` when `training`, scaling the kept
    /// ones by 1 / (1 - p); returns `x` itself when not training or when p = 0, and
    /// zeros when p = 1. The mask comes from `generator` in row-major element order, so
    /// a seeded generator reproduces it; it is saved for backward (`dx = g * mask`).
    ///
    /// - x: any shape, float32.
    public static func dropout(_ x: Tensor, p: Double = 0.5, training: Bool,
                               generator: Generator = .global) throws -> Tensor {
        try checkDropout(x, p: p, op: "dropout")
        if !training || p == 0 { return x }
        // Half: the mask applied in float32, the result rounded back (exact: 0 or x / (1 - p) rounded once).
        if LayerDType.isHalf(x) { return try dropout(x.to(.float32), p: p, training: true, generator: generator).to(x.dtype) }
        let mask = dropoutMask(count: x.count, shape: x.shape, p: p, dtype: x.dtype, generator: generator)
        return try applyMask(x, mask, op: "dropout")
    }

    /// Zeroes whole channels: each [H, W] plane of `x` is kept (scaled by 1 / (1 - p))
    /// or zeroed with probability `p`, one draw per plane, when `training`. Returns `x`
    /// itself when not training or when p = 0.
    ///
    /// - x: [N, C, H, W], or [C, H, W] taken as one unbatched sample (PyTorch's documented
    ///   `Dropout2d` shapes; PyTorch 2.x's functional form still reads a 3-D input as
    ///   [N, C, L] with a warning, a behaviour it announces will change to this one).
    public static func dropout2d(_ x: Tensor, p: Double = 0.5, training: Bool,
                                 generator: Generator = .global) throws -> Tensor {
        let op = "dropout2d"
        try checkDropout(x, p: p, op: op)
        guard x.ndim == 3 || x.ndim == 4 else {
            throw TensorError(op, "expected a 3-D [C, H, W] or 4-D [N, C, H, W] input, got \(shapeString(x.shape))")
        }
        if !training || p == 0 { return x }
        if LayerDType.isHalf(x) { return try dropout2d(x.to(.float32), p: p, training: true, generator: generator).to(x.dtype) }
        // mask: [N, C, 1, 1] or [C, 1, 1], broadcast over each plane.
        var maskShape = Array(x.shape.prefix(x.ndim - 2))
        maskShape += [1, 1]
        let mask = dropoutMask(count: Shape.numel(maskShape), shape: maskShape, p: p, dtype: x.dtype, generator: generator)
        return try applyMask(x, mask, op: op)
    }

    private static func checkDropout(_ x: Tensor, p: Double, op: String) throws {
        guard p >= 0 && p <= 1 else {
            throw TensorError(op, "dropout probability has to be between 0 and 1, but got \(p)")
        }
        // Half inputs are computed in float32 by the callers.
        if !LayerDType.isHalf(x) { try NormChecks.float32(x, op) }
    }

    /// A mask of `shape` in `dtype` (float32 or float64): 0 with probability p, else
    /// 1 / (1 - p) (computed in that dtype). With p = 1 every entry is 0 and no random
    /// numbers are drawn.
    private static func dropoutMask(count: Int, shape: [Int], p: Double, dtype: DType, generator: Generator) -> Tensor {
        if dtype == .float64 {
            let mask = Tensor(uninitialized: shape, dtype: .float64)
            let pm = mask.doublePointer
            let scale = p >= 1 ? 0 : 1 / (1 - p), threshold = Float(p)
            // The same draws as float32's, so a seed gives the same mask in both dtypes.
            for i in 0..<count { pm[i] = p >= 1 || generator.uniform() < threshold ? 0 : scale }
            return mask
        }
        let mask = Tensor(uninitialized: shape)
        let pm = mask.floatPointer
        if p >= 1 {
            pm.initialize(repeating: 0, count: count)
            return mask
        }
        let scale = Float(1 / (1 - p)), threshold = Float(p)
        // One uniform draw per entry, in order: a seeded generator gives the same mask.
        for i in 0..<count { pm[i] = generator.uniform() < threshold ? 0 : scale }
        return mask
    }

    /// x * mask (mask broadcast to x's shape), recorded as one node that saves only the mask.
    private static func applyMask(_ x: Tensor, _ mask: Tensor, op: String) throws -> Tensor {
        let out = try x.detach().mul(mask)
        if Autograd.needsGraph(x) {
            Autograd.record(out, op, [x]) { g in [try g.mul(mask)] }
        }
        return out
    }
}
