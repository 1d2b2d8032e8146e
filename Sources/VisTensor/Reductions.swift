import Foundation

/// Reductions over one or more dimensions (sum, mean, var, std, max, min, argmax,
/// argmin) with `keepdim`, each with its backward rule.
///
/// Every reduction first brings the reduced dimensions to the end of a contiguous
/// [outer, inner] layout (free when they already are), then reduces each row.
extension Tensor {
    /// The [outer, inner] layout of this tensor with `dims` reduced.
    struct ReductionLayout {
        /// Data as a contiguous [outer, inner] tensor (reduced dims last).
        let rows: Tensor
        let outer: Int
        let inner: Int
        /// Output shape with and without the reduced dims kept as size 1.
        let keepShape: [Int]
        let outShape: [Int]
        /// Permutation that moved the reduced dims last, and its inverse.
        let perm: [Int]
        let inversePerm: [Int]
    }

    /// Normalises and de-duplicates `dims` (all dimensions when nil or empty).
    func reductionDims(_ dims: [Int]?, op: String) throws -> [Int] {
        guard let dims, !dims.isEmpty else { return Array(0..<ndim) }
        let d = try dims.map { try Shape.normalizeDim($0, ndim, op: op) }
        guard Set(d).count == d.count else { throw TensorError(op, "dimension appears more than once in \(shapeString(dims))") }
        // A 0-d tensor accepts dim 0 / -1 (as PyTorch does) but has no dimension to
        // reduce: the reduction is over nothing, and indexing `shape[0]` would trap.
        if ndim == 0 { return [] }
        return d.sorted()
    }

    func reductionLayout(_ dims: [Int]) throws -> ReductionLayout {
        let kept = (0..<ndim).filter { !dims.contains($0) }
        let perm = kept + dims
        var inversePerm = [Int](repeating: 0, count: perm.count)
        for (i, p) in perm.enumerated() { inversePerm[p] = i }
        let outer = kept.reduce(1) { $0 * shape[$1] }
        let inner = dims.reduce(1) { $0 * shape[$1] }
        let moved = perm == Array(0..<ndim) ? self : try detach().permute(perm)
        let rows = moved.detach().contiguous()
        var keepShape = shape
        for d in dims { keepShape[d] = 1 }
        return ReductionLayout(rows: rows, outer: outer, inner: inner, keepShape: keepShape,
                               outShape: kept.map { shape[$0] }, perm: perm, inversePerm: inversePerm)
    }

    /// Reduces each row of a float layout with `f(row pointer, length) -> value`.
    @inline(__always)
    static func reduceRows(_ layout: ReductionLayout, _ f: (UnsafePointer<Float>, Int) -> Float) -> Tensor {
        let out = Tensor(uninitialized: [layout.outer])
        let src = UnsafePointer(layout.rows.floatPointer), dst = out.floatPointer
        let inner = layout.inner
        Parallel.forRange(layout.outer, costPerElement: Swift.max(inner, 1)) { s, e in
            for r in s..<e { dst[r] = f(src + r * inner, inner) }
        }
        return out
    }

    /// Sum of a row, accumulated in double precision.
    @inline(__always)
    static func rowSum(_ p: UnsafePointer<Float>, _ n: Int) -> Double {
        var acc0 = 0.0, acc1 = 0.0, acc2 = 0.0, acc3 = 0.0
        var i = 0
        while i + 4 <= n {
            acc0 += Double(p[i]); acc1 += Double(p[i + 1]); acc2 += Double(p[i + 2]); acc3 += Double(p[i + 3])
            i += 4
        }
        while i < n { acc0 += Double(p[i]); i += 1 }
        return (acc0 + acc1) + (acc2 + acc3)
    }

    /// Sum over `dims` (all when empty). Integer and bool tensors sum to int64.
    public func sum(dims: [Int] = [], keepdim: Bool = false) throws -> Tensor {
        let d = try reductionDims(dims, op: "sum")
        if dtype != .float32 {
            let layout = try to(.int64).reductionLayout(d)
            let out = Tensor(uninitialized: keepdim ? layout.keepShape : layout.outShape, dtype: .int64)
            let src = layout.rows.int64Pointer
            for r in 0..<layout.outer {
                var acc: Int64 = 0
                for i in 0..<layout.inner { acc &+= src[r * layout.inner + i] }
                out.int64Pointer[r] = acc
            }
            return out
        }
        // Fast path: reducing the leading dimensions of contiguous data (bias gradients).
        let out: Tensor
        if isContiguous && d == Array(0..<d.count) && !d.isEmpty && d.count < ndim {
            let inner = Shape.numel(Array(shape[d.count...]))
            let outer = count / Swift.max(inner, 1)
            out = Tensor(uninitialized: Array(shape[d.count...]))
            let src = floatPointer, dst = out.floatPointer
            // Accumulate in double, as rowSum does: a float32 running sum over many rows
            // drifts (2^20 additions of 0.1 came out 1% high). The scratch buffer comes
            // from the BufferCache, so steady-state loops still allocate nothing.
            let scratch = Storage(zeroed: inner, dtype: .int64)   // 8 bytes per element
            let acc = scratch.data.assumingMemoryBound(to: Double.self)
            for r in 0..<outer {
                let row = src + r * inner
                for j in 0..<inner { acc[j] += Double(row[j]) }
            }
            for j in 0..<inner { dst[j] = Float(acc[j]) }
            if keepdim { return try recordSum(out.reshape(keepShape(d)), d, keepdim) }
            return recordSum(out, d, keepdim)
        }
        let layout = try reductionLayout(d)
        out = try Tensor.reduceRows(layout) { Float(Tensor.rowSum($0, $1)) }.reshape(keepdim ? layout.keepShape : layout.outShape)
        return recordSum(out, d, keepdim)
    }

    func keepShape(_ dims: [Int]) -> [Int] {
        var s = shape
        for d in dims { s[d] = 1 }
        return s
    }

    private func recordSum(_ out: Tensor, _ dims: [Int], _ keepdim: Bool) -> Tensor {
        if Autograd.needsGraph(self) {
            let inShape = shape, keep = keepShape(dims)
            Autograd.record(out, "sum", [self]) { g in [try g.reshape(keep).expand(inShape)] }
        }
        return out
    }

    /// Sum along one dimension.
    public func sum(dim: Int, keepdim: Bool = false) throws -> Tensor { try sum(dims: [dim], keepdim: keepdim) }

    /// Mean over `dims` (all when empty). Needs a float32 tensor, as in PyTorch.
    public func mean(dims: [Int] = [], keepdim: Bool = false) throws -> Tensor {
        guard dtype == .float32 else {
            throw TensorError("mean", "expected a float32 tensor, got \(dtype) (convert with .float())")
        }
        let d = try reductionDims(dims, op: "mean")
        let n = d.reduce(1) { $0 * shape[$1] }
        return try sum(dims: d, keepdim: keepdim).div(Double(n))
    }

    /// Mean along one dimension.
    public func mean(dim: Int, keepdim: Bool = false) throws -> Tensor { try mean(dims: [dim], keepdim: keepdim) }

    /// Variance over `dims` with Bessel's correction by default (`correction` = 1,
    /// PyTorch's `unbiased=True`).
    public func variance(dims: [Int] = [], correction: Int = 1, keepdim: Bool = false) throws -> Tensor {
        guard dtype == .float32 else { throw TensorError("var", "expected a float32 tensor, got \(dtype)") }
        let d = try reductionDims(dims, op: "var")
        let layout = try reductionLayout(d)
        let n = layout.inner
        let denom = Float(Swift.max(n - correction, 0))
        let out = try Tensor.reduceRows(layout) { p, n in
            let m = Tensor.rowSum(p, n) / Double(Swift.max(n, 1))
            var acc = 0.0
            for i in 0..<n { let dv = Double(p[i]) - m; acc += dv * dv }
            return Float(acc) / denom
        }.reshape(keepdim ? layout.keepShape : layout.outShape)
        if Autograd.needsGraph(self) {
            let keep = layout.keepShape
            Autograd.record(out, "var", [self]) { [self] g in
                // d var / dx = 2 (x - mean) / (n - correction)
                let centered = try self.detach().sub(self.detach().mean(dims: d, keepdim: true))
                return [try centered.mul(g.reshape(keep)).mul(2.0 / Double(denom))]
            }
        }
        return out
    }

    /// Standard deviation over `dims` (square root of `variance`).
    public func std(dims: [Int] = [], correction: Int = 1, keepdim: Bool = false) throws -> Tensor {
        try variance(dims: dims, correction: correction, keepdim: keepdim).sqrt()
    }

    /// Maximum along `dim`: the values and their int64 indices (first index on ties).
    public func max(dim: Int, keepdim: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        try extreme(dim: dim, keepdim: keepdim, op: "max", greater: true)
    }

    /// Minimum along `dim`: the values and their int64 indices (first index on ties).
    public func min(dim: Int, keepdim: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        try extreme(dim: dim, keepdim: keepdim, op: "min", greater: false)
    }

    /// Whether every element is finite (no NaN, no infinity); true for non-float dtypes.
    /// One pass in SIMD lanes, split across the cores: fit checks every gradient with it
    /// each step. A lane accumulates x * 0, which is ±0 for a finite x and NaN otherwise.
    public func allFinite() -> Bool {
        guard dtype == .float32, count > 0 else { return true }
        let c = contiguous()
        let p = UnsafePointer(c.floatPointer), n = c.count
        let parts = Swift.max(1, Swift.min(Parallel.cores, n / Parallel.grain))
        let found = Storage(byteCount: parts)
        let bad = found.data.assumingMemoryBound(to: Bool.self)
        Parallel.forRange(parts, costPerElement: Parallel.grain) { p0, p1 in
            for part in p0..<p1 {
                let start = n * part / parts, end = n * (part + 1) / parts
                var acc = SIMD8<Float>()
                var i = start
                while i + 8 <= end {
                    acc += UnsafeRawPointer(p + i).loadUnaligned(as: SIMD8<Float>.self) * 0
                    i += 8
                }
                var tail: Float = 0
                while i < end { tail += p[i] * 0; i += 1 }
                bad[part] = !(acc.sum() + tail == 0)
            }
        }
        let result = !(0..<parts).contains { bad[$0] }
        withExtendedLifetime((c, found)) {}
        return result
    }

    /// Maximum of all elements (a scalar).
    public func max() throws -> Tensor { try flatten().extreme(dim: 0, keepdim: false, op: "max", greater: true).values.reshape([]) }
    /// Minimum of all elements (a scalar).
    public func min() throws -> Tensor { try flatten().extreme(dim: 0, keepdim: false, op: "min", greater: false).values.reshape([]) }

    /// Index of the maximum along `dim`, or in the flattened tensor when `dim` is nil.
    public func argmax(dim: Int? = nil, keepdim: Bool = false) throws -> Tensor {
        guard let dim else { return try flatten().extreme(dim: 0, keepdim: false, op: "argmax", greater: true).indices.reshape([]) }
        return try extreme(dim: dim, keepdim: keepdim, op: "argmax", greater: true).indices
    }

    /// Index of the minimum along `dim`, or in the flattened tensor when `dim` is nil.
    public func argmin(dim: Int? = nil, keepdim: Bool = false) throws -> Tensor {
        guard let dim else { return try flatten().extreme(dim: 0, keepdim: false, op: "argmin", greater: false).indices.reshape([]) }
        return try extreme(dim: dim, keepdim: keepdim, op: "argmin", greater: false).indices
    }

    /// Index of the first maximum (`greater`) or minimum of `row[0..<n]` (n >= 1).
    @inline(__always)
    private static func extremeIndex<T: Comparable>(_ row: UnsafePointer<T>, _ n: Int, greater: Bool,
                                                    isNaN: (T) -> Bool) -> Int {
        var best = row[0], bestIndex = 0
        for i in 1..<n {
            let v = row[i]
            // NaN wins, as in PyTorch.
            if (greater ? v > best : v < best) || (isNaN(v) && !isNaN(best)) { best = v; bestIndex = i }
        }
        return bestIndex
    }

    private func extreme(dim: Int, keepdim: Bool, op: String, greater: Bool) throws -> (values: Tensor, indices: Tensor) {
        let d = try Shape.normalizeDim(dim, ndim, op: op)
        let x = ndim == 0 ? try reshape([1]) : self
        guard x.shape[d] > 0 else {
            throw TensorError(op, "cannot reduce over dimension \(dim) of size 0 (shape \(shapeString(shape)))")
        }
        if dtype == .bool { throw TensorError(op, "expected a float32 or int64 tensor, got bool") }
        // int64 is compared as int64: through float32, values above 2^24 would round and
        // both the value and the index could come out wrong.
        let layout = try x.reductionLayout([d])
        let values = Tensor(uninitialized: [layout.outer], dtype: dtype)
        let indices = Tensor(uninitialized: [layout.outer], dtype: .int64)
        let inner = layout.inner
        if dtype == .int64 {
            let p = layout.rows.int64Pointer
            for r in 0..<layout.outer {
                let i = Tensor.extremeIndex(p + r * inner, inner, greater: greater) { _ in false }
                values.int64Pointer[r] = p[r * inner + i]
                indices.int64Pointer[r] = Int64(i)
            }
        } else {
            let p = layout.rows.floatPointer
            for r in 0..<layout.outer {
                let i = Tensor.extremeIndex(p + r * inner, inner, greater: greater) { $0.isNaN }
                values.floatPointer[r] = p[r * inner + i]
                indices.int64Pointer[r] = Int64(i)
            }
        }
        // A 0-d input gives 0-d results, with or without keepdim (as in PyTorch).
        let shapeOut = ndim == 0 ? [] : (keepdim ? layout.keepShape : layout.outShape)
        let outValues = try values.reshape(shapeOut)
        let outIndices = try indices.reshape(shapeOut)
        if Autograd.needsGraph(self) && dtype == .float32 {
            let outer = layout.outer, movedShape = layout.perm.map { x.shape[$0] }, inv = layout.inversePerm
            let inShape = shape
            Autograd.record(outValues, op, [self]) { g in
                let gc = g.contiguous()
                let z = Tensor.full([outer, inner], 0)
                for r in 0..<outer { z.floatPointer[r * inner + Int(indices.int64Pointer[r])] = gc.floatPointer[r] }
                return [try z.reshape(movedShape).permute(inv).reshape(inShape)]
            }
        }
        return (outValues, outIndices)
    }
}
