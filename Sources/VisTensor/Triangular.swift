/// Triangles and diagonals with PyTorch's semantics: tril, triu, diagonal (a view),
/// diag_embed, diag (both ways) and trace. Each keeps the input's dtype and is
/// differentiable: tril/triu through `where`, diagonal and diag_embed by writing the
/// gradient into (or reading it from) the same diagonal of a zero tensor.
extension Tensor {
    /// A bool mask of shape [rows, cols], true where `col - row <= diagonal` (lower)
    /// or `col - row >= diagonal` (upper).
    private static func triangleMask(rows: Int, cols: Int, diagonal: Int, lower: Bool) -> Tensor {
        let mask = Tensor(uninitialized: [rows, cols], dtype: .bool)
        let p = mask.boolPointer
        for i in 0..<rows {
            for j in 0..<cols {
                // Subtracting in Int: a huge `diagonal` from the user cannot overflow `j - i`.
                let d = j - i
                p[i * cols + j] = lower ? d <= diagonal : d >= diagonal
            }
        }
        return mask
    }

    /// The lower (`lower`) or upper triangle of the last two dimensions, zero elsewhere.
    private func triangle(_ diagonal: Int, lower: Bool) throws -> Tensor {
        let op = lower ? "tril" : "triu"
        guard ndim >= 2 else { throw TensorError(op, "input tensor must have at least 2 dimensions, got shape \(shapeString(shape))") }
        // An empty tensor's other sizes may be huge ([0, 2**62]): no mask to build.
        if count == 0 { return clone() }
        try Shape.validateExtent(shape, op: op)
        let mask = Tensor.triangleMask(rows: shape[ndim - 2], cols: shape[ndim - 1], diagonal: diagonal, lower: lower)
        return try Tensor.where(mask, self, Tensor.scalar(0, dtype: dtype))
    }

    /// The lower triangle (elements with `col - row <= diagonal`) of the last two
    /// dimensions, zeros elsewhere (PyTorch's `tril`).
    public func tril(_ diagonal: Int = 0) throws -> Tensor { try triangle(diagonal, lower: true) }

    /// The upper triangle (elements with `col - row >= diagonal`) of the last two
    /// dimensions, zeros elsewhere (PyTorch's `triu`).
    public func triu(_ diagonal: Int = 0) throws -> Tensor { try triangle(diagonal, lower: false) }

    /// The diagonal `offset` of the planes spanned by `dim1` and `dim2`, as a view: those
    /// two dimensions are removed and the diagonal becomes the last dimension
    /// (PyTorch's `diagonal`). A positive offset is above the main diagonal.
    public func diagonal(offset: Int = 0, dim1: Int = 0, dim2: Int = 1) throws -> Tensor {
        guard ndim >= 2 else { throw TensorError("diagonal", "input must have at least 2 dimensions, got shape \(shapeString(shape))") }
        let d1 = try Shape.normalizeDim(dim1, ndim, op: "diagonal"), d2 = try Shape.normalizeDim(dim2, ndim, op: "diagonal")
        guard d1 != d2 else { throw TensorError("diagonal", "dimensions cannot be identical \(dim1), \(dim2)") }
        let n1 = shape[d1], n2 = shape[d2]
        // Sizes are at most Int.max and offsets are compared before subtracting.
        let length: Int
        var start = offset
        if offset >= 0 {
            length = offset >= n2 ? 0 : Swift.min(n1, n2 - offset)
        } else {
            length = offset <= -n1 ? 0 : Swift.min(n1 + offset, n2)
        }
        if length == 0 { start = 0 }
        var newShape: [Int] = [], newStrides: [Int] = []
        for i in 0..<ndim where i != d1 && i != d2 {
            newShape.append(shape[i])
            newStrides.append(strides[i])
        }
        newShape.append(length)
        // Wrapping arithmetic: for a view with elements these are exact (they address
        // storage that exists); an empty tensor's strides may have wrapped already
        // (zeros(0, 2**40, 2**40)), and an empty view never reads its offset.
        newStrides.append(strides[d1] &+ strides[d2])
        let first = start >= 0 ? start &* strides[d2] : (0 &- start) &* strides[d1]
        let out = view(shape: newShape, strides: newStrides, offset: self.offset &+ first)
        if Autograd.needsGraph(self) {
            let inShape = shape, dt = dtype
            Autograd.record(out, "diagonal", [self]) { g in
                let z = Tensor.full(inShape, 0, dtype: dt)
                try z.diagonal(offset: offset, dim1: d1, dim2: d2).assign(g)
                return [z]
            }
        }
        return out
    }

    /// A tensor whose planes (`dim1`, `dim2`) have this tensor's last dimension on
    /// diagonal `offset` and zeros elsewhere (PyTorch's `diag_embed`).
    public func diagEmbed(offset: Int = 0, dim1: Int = -2, dim2: Int = -1) throws -> Tensor {
        let outRank = ndim + 1
        let d1 = try Shape.normalizeDim(dim1, outRank, op: "diag_embed"), d2 = try Shape.normalizeDim(dim2, outRank, op: "diag_embed")
        guard d1 != d2 else { throw TensorError("diag_embed", "diagonal dimensions cannot be identical \(dim1), \(dim2)") }
        let src = ndim == 0 ? try reshape([1]) : self
        let n = src.shape[src.ndim - 1]
        let (side, overflow) = n.addingReportingOverflow(offset.magnitude > UInt(Int.max) ? Int.max : Swift.abs(offset))
        guard !overflow else { throw TensorError("diag_embed", "offset \(offset) is too large") }
        var outShape = Array(src.shape.dropLast())
        for d in [d1, d2].sorted() { outShape.insert(side, at: d) }
        try Shape.validate(outShape, op: "diag_embed")
        // A size-0 batch passes `validate` however large the planes; their strides must not overflow.
        try Shape.validateExtent(outShape, op: "diag_embed", name: "the result")
        let out = Tensor.full(outShape, 0, dtype: dtype)
        // The diagonal view orders the remaining dimensions as they were: move the
        // source's diagonal dimension last to match.
        try GradMode.with(enabled: false) { try out.diagonal(offset: offset, dim1: d1, dim2: d2).assign(src.detach()) }
        if Autograd.needsGraph(self) {
            let inShape = shape
            Autograd.record(out, "diag_embed", [self]) { g in
                [try g.diagonal(offset: offset, dim1: d1, dim2: d2).reshape(inShape)]
            }
        }
        return out
    }

    /// PyTorch's `diag`: a 1-D tensor becomes a square matrix with it on diagonal
    /// `diagonal`; a 2-D tensor gives a copy of its diagonal `diagonal`.
    public func diag(_ diagonal: Int = 0) throws -> Tensor {
        if ndim == 1 { return try diagEmbed(offset: diagonal, dim1: 0, dim2: 1) }
        guard ndim == 2 else { throw TensorError("diag", "supports 1-D or 2-D tensors, got \(ndim)-D (shape \(shapeString(shape)))") }
        return try self.diagonal(offset: diagonal, dim1: 0, dim2: 1).clone()
    }

    /// The sum of the main diagonal of a matrix (PyTorch's `trace`); integer and bool
    /// matrices sum to int64, as in PyTorch.
    public func trace() throws -> Tensor {
        guard ndim == 2 else { throw TensorError("trace", "expected a matrix (2-D), got shape \(shapeString(shape))") }
        guard dtype != .bool else { throw TensorError("trace", "not implemented for bool tensors (as in PyTorch); convert with .long()") }
        return try diagonal(offset: 0, dim1: 0, dim2: 1).sum()
    }
}
