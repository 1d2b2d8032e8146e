/// PyTorch's named products: mm, bmm, mv, dot, vdot, inner, outer, the fused
/// `add*` forms (addmm, addmv, baddbmm, addbmm), tensordot and kron. Each checks the
/// ranks and sizes PyTorch checks (matmul would broadcast where these must refuse),
/// then runs through `matmul` (BLAS) for floating-point operands, so gradients come
/// from matmul's rule. Integer operands, which BLAS cannot multiply, take an exact
/// multiply-and-sum path (`integerProduct`).
extension Tensor {
    /// Throws unless both operands of a product have the same dtype (PyTorch does not
    /// promote in mm/bmm/mv/dot) and that dtype can be multiplied.
    static func checkProductDTypes(_ a: Tensor, _ b: Tensor, op: String) throws {
        guard a.dtype == b.dtype else {
            throw TensorError(op, "expected both operands to have the same dtype, but got \(a.dtype) and \(b.dtype)")
        }
        guard a.dtype != .bool else {
            throw TensorError(op, "not implemented for bool tensors (convert with .float() or .long())")
        }
    }

    /// `a @ b` for operands with at least 2 dimensions (batch dimensions broadcast), for
    /// any dtype: floating point through BLAS, integers exactly as a broadcast multiply
    /// and a sum over the inner dimension (no BLAS for int64; checked against the size limit).
    static func productOfMatrices(_ a: Tensor, _ b: Tensor, op: String) throws -> Tensor {
        if a.dtype.isFloatingPoint && b.dtype.isFloatingPoint { return try a.matmul(b) }
        return try integerProduct(a, b, op: op)
    }

    /// Exact integer `a @ b` (ranks >= 2): `(a[..., m, k, 1] * b[..., 1, k, n]).sum(k)`.
    static func integerProduct(_ a: Tensor, _ b: Tensor, op: String) throws -> Tensor {
        let m = a.shape[a.ndim - 2], k = a.shape[a.ndim - 1], n = b.shape[b.ndim - 1]
        let batch = try Shape.broadcast(Array(a.shape.dropLast(2)), Array(b.shape.dropLast(2)), op: op)
        try Shape.validate(batch + [m, k, n], op: op)
        let prod = try a.unsqueeze(-1).mul(b.unsqueeze(-3))
        return try prod.sum(dim: -2)
    }

    /// Matrix product of two 2-D tensors (PyTorch's `mm`; no broadcasting).
    public func mm(_ other: Tensor) throws -> Tensor {
        guard ndim == 2 else { throw TensorError("mm", "self must be a matrix (2-D), got shape \(shapeString(shape))") }
        guard other.ndim == 2 else { throw TensorError("mm", "mat2 must be a matrix (2-D), got shape \(shapeString(other.shape))") }
        guard shape[1] == other.shape[0] else {
            throw TensorError("mm", "mat1 and mat2 shapes cannot be multiplied (\(shape[0])x\(shape[1]) and \(other.shape[0])x\(other.shape[1]))")
        }
        try Tensor.checkProductDTypes(self, other, op: "mm")
        return try Tensor.productOfMatrices(self, other, op: "mm")
    }

    /// Batched matrix product of two 3-D tensors with equal batch sizes (PyTorch's `bmm`).
    public func bmm(_ other: Tensor) throws -> Tensor {
        guard ndim == 3 else { throw TensorError("bmm", "batch1 must be a 3-D tensor, got shape \(shapeString(shape))") }
        guard other.ndim == 3 else { throw TensorError("bmm", "batch2 must be a 3-D tensor, got shape \(shapeString(other.shape))") }
        guard other.shape[0] == shape[0] && other.shape[1] == shape[2] else {
            throw TensorError("bmm", "expected batch2 of shape [\(shape[0]), \(shape[2]), *] for batch1 of shape \(shapeString(shape)), got \(shapeString(other.shape))")
        }
        try Tensor.checkProductDTypes(self, other, op: "bmm")
        return try Tensor.productOfMatrices(self, other, op: "bmm")
    }

    /// Matrix-vector product: a 2-D tensor times a 1-D tensor (PyTorch's `mv`).
    public func mv(_ vec: Tensor) throws -> Tensor {
        guard ndim == 2 && vec.ndim == 1 else {
            throw TensorError("mv", "expected a matrix (2-D) and a vector (1-D), got shapes \(shapeString(shape)) and \(shapeString(vec.shape))")
        }
        guard shape[1] == vec.shape[0] else {
            throw TensorError("mv", "size mismatch: the matrix is \(shape[0])x\(shape[1]) and the vector has \(vec.shape[0]) elements")
        }
        try Tensor.checkProductDTypes(self, vec, op: "mv")
        return try Tensor.productOfMatrices(self, vec.unsqueeze(1), op: "mv").squeeze(1)
    }

    /// Dot product of two 1-D tensors of equal size, a 0-d tensor (PyTorch's `dot`;
    /// `vdot` is the same for real tensors).
    public func dot(_ other: Tensor, op: String = "dot") throws -> Tensor {
        guard ndim == 1 && other.ndim == 1 else {
            throw TensorError(op, "1D tensors expected, but got \(ndim)D and \(other.ndim)D tensors")
        }
        guard shape[0] == other.shape[0] else {
            throw TensorError(op, "inconsistent tensor size, expected tensor [\(shape[0])] and src [\(other.shape[0])] to have the same number of elements, but got \(shape[0]) and \(other.shape[0]) elements respectively")
        }
        try Tensor.checkProductDTypes(self, other, op: op)
        return try Tensor.productOfMatrices(unsqueeze(0), other.unsqueeze(1), op: op).reshape([])
    }

    /// Inner product over the last dimension: `out[i..., j...] = sum_k a[i..., k] * b[j..., k]`
    /// (PyTorch's `inner`); a 0-d operand multiplies elementwise.
    public func inner(_ other: Tensor) throws -> Tensor {
        if ndim == 0 || other.ndim == 0 { return try mul(other) }
        guard shape[ndim - 1] == other.shape[other.ndim - 1] else {
            throw TensorError("inner", "the last dimensions must match, got shapes \(shapeString(shape)) and \(shapeString(other.shape))")
        }
        return try Tensor.tensordot(self, other, dimsA: [ndim - 1], dimsB: [other.ndim - 1], op: "inner")
    }

    /// Outer product of two 1-D tensors, `out[i, j] = a[i] * b[j]` (PyTorch's `outer`,
    /// alias `ger`). Dtypes promote as in `mul`.
    public func outer(_ other: Tensor) throws -> Tensor {
        guard ndim == 1 && other.ndim == 1 else {
            throw TensorError("outer", "expected two 1-D tensors, got shapes \(shapeString(shape)) and \(shapeString(other.shape))")
        }
        try Shape.validate([shape[0], other.shape[0]], op: "outer")
        return try unsqueeze(1).mul(other.unsqueeze(0))
    }

    /// `beta * input + alpha * product`, PyTorch's rule for the fused `add*` products:
    /// with `beta == 0` the input is ignored (its NaN and inf do not propagate), and it
    /// must still broadcast to the product's shape.
    static func scaledSum(_ input: Tensor, _ product: Tensor, beta: Double, alpha: Double, op: String) throws -> Tensor {
        let outShape = try Shape.broadcast(input.shape, product.shape, op: op)
        guard outShape == product.shape else {
            throw TensorError(op, "input of shape \(shapeString(input.shape)) does not broadcast to the product's shape \(shapeString(product.shape))")
        }
        if !product.dtype.isFloatingPoint {
            guard beta == beta.rounded(), alpha == alpha.rounded() else {
                throw TensorError(op, "for integer tensors, beta and alpha must be integers, got beta=\(beta), alpha=\(alpha)")
            }
        }
        let scaled = alpha == 1 ? product : try product.mul(alpha)
        if beta == 0 {
            // PyTorch gives the input a zero gradient (not none), and none of its values.
            guard Autograd.needsGraph(input) else { return scaled }
            let zeros = input.detach().zerosLike()
            Autograd.record(zeros, "mul", [input]) { g in [try g.mul(0)] }
            return try scaled.add(zeros)
        }
        let base = beta == 1 ? input : try input.mul(beta)
        return try base.add(scaled)
    }

    /// `beta * input + alpha * (mat1 @ mat2)` (PyTorch's `addmm`).
    public static func addmm(_ input: Tensor, _ mat1: Tensor, _ mat2: Tensor, beta: Double = 1, alpha: Double = 1) throws -> Tensor {
        try scaledSum(input, mat1.mm(mat2), beta: beta, alpha: alpha, op: "addmm")
    }

    /// `beta * input + alpha * (mat @ vec)` (PyTorch's `addmv`).
    public static func addmv(_ input: Tensor, _ mat: Tensor, _ vec: Tensor, beta: Double = 1, alpha: Double = 1) throws -> Tensor {
        try scaledSum(input, mat.mv(vec), beta: beta, alpha: alpha, op: "addmv")
    }

    /// `beta * input + alpha * bmm(batch1, batch2)` (PyTorch's `baddbmm`).
    public static func baddbmm(_ input: Tensor, _ batch1: Tensor, _ batch2: Tensor, beta: Double = 1, alpha: Double = 1) throws -> Tensor {
        try scaledSum(input, batch1.bmm(batch2), beta: beta, alpha: alpha, op: "baddbmm")
    }

    /// `beta * input + alpha * sum_b batch1[b] @ batch2[b]` (PyTorch's `addbmm`).
    public static func addbmm(_ input: Tensor, _ batch1: Tensor, _ batch2: Tensor, beta: Double = 1, alpha: Double = 1) throws -> Tensor {
        try scaledSum(input, batch1.bmm(batch2).sum(dim: 0), beta: beta, alpha: alpha, op: "addbmm")
    }

    /// Contracts dimensions `dimsA` of `a` with `dimsB` of `b` (pairwise, equal sizes):
    /// the free dimensions of `a` then those of `b`, through one matrix product.
    public static func tensordot(_ a: Tensor, _ b: Tensor, dimsA: [Int], dimsB: [Int], op: String = "tensordot") throws -> Tensor {
        guard dimsA.count == dimsB.count else {
            throw TensorError(op, "both dimension lists must have the same length, got \(dimsA.count) and \(dimsB.count)")
        }
        let da = try dimsA.map { try Shape.normalizeDim($0, a.ndim, op: op) }
        let db = try dimsB.map { try Shape.normalizeDim($0, b.ndim, op: op) }
        guard Set(da).count == da.count, Set(db).count == db.count else {
            throw TensorError(op, "a dimension is listed twice in \(shapeString(dimsA)) or \(shapeString(dimsB))")
        }
        try Shape.validateExtent(a.shape, op: op, name: "the first tensor")
        try Shape.validateExtent(b.shape, op: op, name: "the second tensor")
        if a.ndim == 0 || b.ndim == 0 {
            guard da.isEmpty else { throw TensorError(op, "cannot contract dimensions of a 0-d tensor") }
            return try a.mul(b)
        }
        for (x, y) in zip(da, db) where a.shape[x] != b.shape[y] {
            throw TensorError(op, "contracted dimensions need equal sizes: dimension \(x) of the first tensor has size \(a.shape[x]), dimension \(y) of the second has \(b.shape[y])")
        }
        try checkProductDTypes(a, b, op: op)
        let freeA = (0..<a.ndim).filter { !da.contains($0) }, freeB = (0..<b.ndim).filter { !db.contains($0) }
        let sizesA = freeA.map { a.shape[$0] }, sizesB = freeB.map { b.shape[$0] }
        let k = Shape.numel(da.map { a.shape[$0] })
        try Shape.validate(sizesA + sizesB, op: op)
        let m = Shape.numel(sizesA), n = Shape.numel(sizesB)
        let a2 = try a.permute(freeA + da).reshape([m, k])
        let b2 = try b.permute(db + freeB).reshape([k, n])
        return try productOfMatrices(a2, b2, op: op).reshape(sizesA + sizesB)
    }

    /// `tensordot(a, b, dims=n)`: the last `n` dimensions of `a` with the first `n` of `b`.
    public static func tensordot(_ a: Tensor, _ b: Tensor, dims n: Int) throws -> Tensor {
        guard n >= 0 else { throw TensorError("tensordot", "dims must be non-negative, got \(n)") }
        guard n <= a.ndim && n <= b.ndim else {
            throw TensorError("tensordot", "dims=\(n) is more than the dimensions of the operands (shapes \(shapeString(a.shape)) and \(shapeString(b.shape)))")
        }
        return try tensordot(a, b, dimsA: Array((a.ndim - n)..<a.ndim), dimsB: Array(0..<n))
    }

    /// Kronecker product: for equal ranks (the shorter shape padded with leading 1s),
    /// `out[i * bs + j] = a[i] * b[j]` in every dimension (PyTorch's `kron`).
    public func kron(_ other: Tensor) throws -> Tensor {
        let r = Swift.max(ndim, other.ndim)
        let sa = [Int](repeating: 1, count: r - ndim) + shape
        let sb = [Int](repeating: 1, count: r - other.ndim) + other.shape
        var outShape: [Int] = [], va: [Int] = [], vb: [Int] = []
        for i in 0..<r {
            let (s, overflow) = sa[i].multipliedReportingOverflow(by: sb[i])
            guard !overflow else { throw TensorError("kron", "the result of shapes \(shapeString(shape)) and \(shapeString(other.shape)) is too large") }
            outShape.append(s)
            va += [sa[i], 1]
            vb += [1, sb[i]]
        }
        try Shape.validate(outShape, op: "kron")
        return try reshape(va).mul(other.reshape(vb)).reshape(outShape)
    }
}
