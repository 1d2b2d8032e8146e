/// One dimension of a tensor laid out as contiguous rows: the scans (cumsum, cummax...)
/// and the order statistics (median, mode, quantile) walk each row along `dim`.
struct DimRows {
    /// The data with `dim` moved last, contiguous: `outer` rows of `length` elements.
    let rows: Tensor
    let outer: Int
    let length: Int
    /// Shape of `rows` before flattening (the input's shape with `dim` moved last).
    let movedShape: [Int]
    /// The permutation that moves `dim` back into place.
    let inverse: [Int]
    /// The normalised dim (0 for a 0-d input, which is read as one element).
    let dim: Int
    /// True for a 0-d input: results are 0-d again.
    let scalarInput: Bool

    /// A [outer, length] result of `dtype` laid out like `rows`, permuted back to the
    /// input's layout as a contiguous tensor.
    func restore(_ t: Tensor) throws -> Tensor {
        if scalarInput { return t.view(shape: [], strides: [], offset: 0) }
        let moved = t.view(shape: movedShape, strides: Shape.contiguousStrides(movedShape), offset: 0)
        if inverse == Array(0..<inverse.count) { return moved }
        return try moved.permute(inverse).contiguous()
    }
}

extension Tensor {
    /// The rows of this tensor along `dim` (see `DimRows`). A 0-d tensor is one row of one.
    func dimRows(_ dim: Int, op: String) throws -> DimRows {
        let x = ndim == 0 ? view(shape: [1], strides: [1], offset: offset) : self
        let d = try Shape.normalizeDim(dim, x.ndim, op: op)
        var perm = Array(0..<x.ndim)
        perm.remove(at: d)
        perm.append(d)
        var inverse = [Int](repeating: 0, count: perm.count)
        for (i, p) in perm.enumerated() { inverse[p] = i }
        let moved = try x.detach().permute(perm)
        let rows = moved.contiguous()
        let length = x.shape[d]
        let outer = length == 0 ? moved.shape.dropLast().reduce(1) { $0 &* $1 } : x.count / length
        return DimRows(rows: rows, outer: outer, length: length, movedShape: moved.shape, inverse: inverse, dim: d, scalarInput: ndim == 0)
    }
}
