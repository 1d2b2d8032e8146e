/// sort, argsort, msort, topk and kthvalue along a dimension, with PyTorch's order
/// (NaN largest, -0.0 equal to 0.0) and gradients to the source positions.
///
/// vis always sorts stably: equal elements keep their index order (descending too).
/// That is PyTorch's `stable=True` result, and one of the orders PyTorch's
/// `stable=False` may give (it leaves the order of ties unspecified). topk and kthvalue
/// pick among ties the same way: the result is a prefix of the stable sort.
extension Tensor {
    /// The rows of this tensor along `d` (moved last, contiguous, detached) and the
    /// shape of that layout. A 0-d tensor is one row of one element.
    private func sortRows(_ d: Int) -> (rows: Tensor, movedShape: [Int]) {
        let x = detach()
        if ndim == 0 { return (x.copyData().view(shape: [1], strides: [1], offset: 0), [1]) }
        let last = ndim - 1
        let moved = d == last ? x : (try? x.transpose(d, last)) ?? x
        return (moved.contiguous(), moved.shape)
    }

    /// Brings a result in the moved layout (dim `d` last) back to this tensor's layout.
    private func unmove(_ t: Tensor, _ d: Int) throws -> Tensor {
        if ndim == 0 { return try t.reshape([]) }
        let last = ndim - 1
        return d == last ? t : try t.transpose(d, last).contiguous()
    }

    /// Records the gradient of values taken from this tensor at `indices` along `d`
    /// (same rank): the gradient of each value goes back to the position it came from.
    private func recordPick(_ values: Tensor, _ name: String, dim d: Int, indices: Tensor) {
        guard Autograd.needsGraph(self) else { return }
        let inShape = shape
        Autograd.record(values, name, [self]) { g in
            // The gradient's dtype (float64 for a float64 input).
            let z = Tensor.full(inShape, 0, dtype: g.dtype)
            try z.scatterAddKernel(dim: d, index: indices, source: g, op: name)
            return [Autograd.fresh(z)]
        }
    }

    // float16 / bfloat16 (`isHalf`, FloatFunction.swift) sort through float32: every half
    // value is exact there, so the order and the values are the same; the values are
    // converted back, as PyTorch's result keeps the input's dtype, differentiably.

    /// Throws unless this tensor's dtype has a row kernel (float32, float64, int64, and
    /// bool where PyTorch sorts bools).
    private func checkSortable(_ op: String, allowBool: Bool) throws {
        if dtype == .float32 || dtype == .float64 || dtype == .int64 || (allowBool && dtype == .bool) { return }
        throw TensorError(op, "not supported for dtype \(dtype)")
    }

    /// Sorts along `dim` (PyTorch's `torch.sort`): the sorted values and the int64
    /// positions they came from. NaN sorts as the largest value; ties keep index order.
    /// Differentiable in the values.
    public func sort(dim: Int = -1, descending: Bool = false, stable: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        if isHalf {
            let r = try to(.float32).sort(dim: dim, descending: descending, stable: stable)
            return (try r.values.to(dtype), r.indices)
        }
        try checkSortable("sort", allowBool: true)
        let d = try Shape.normalizeDim(dim, ndim, op: "sort")
        let (rows, movedShape) = sortRows(d)
        let n = movedShape.last ?? 1
        guard n <= SortKernel.maxRowLength else {
            throw TensorError("sort", "rows of \(n) elements are too long to sort (at most \(SortKernel.maxRowLength))")
        }
        let values = Tensor(uninitialized: movedShape, dtype: dtype)
        let indices = Tensor(uninitialized: movedShape, dtype: .int64)
        let rowCount = n == 0 ? 0 : rows.count / n
        if dtype == .float32 {
            SortRows.sortAll(rows.floatPointer, values.floatPointer, indices.int64Pointer, rowCount, n, descending)
        } else if dtype == .float64 {
            SortRows.sortAll(rows.doublePointer, values.doublePointer, indices.int64Pointer, rowCount, n, descending)
        } else if dtype == .int64 {
            SortRows.sortAll(rows.int64Pointer, values.int64Pointer, indices.int64Pointer, rowCount, n, descending)
        } else {
            SortRows.sortAll(rows.boolPointer, values.boolPointer, indices.int64Pointer, rowCount, n, descending)
        }
        withExtendedLifetime(rows) {}
        try Tensor.checkInterrupt()
        let v = try unmove(values, d), i = try unmove(indices, d)
        recordPick(v, "sort", dim: d, indices: i)
        return (v, i)
    }

    /// The int64 positions that sort this tensor along `dim` (`sort(...).indices`).
    public func argsort(dim: Int = -1, descending: Bool = false, stable: Bool = false) throws -> Tensor {
        try detach().sort(dim: dim, descending: descending, stable: stable).indices
    }

    /// The `k` largest (or smallest) elements along `dim` and their int64 positions,
    /// in sorted order (PyTorch's `topk`; NaN counts as the largest). Differentiable.
    public func topk(_ k: Int, dim: Int = -1, largest: Bool = true, sorted: Bool = true) throws -> (values: Tensor, indices: Tensor) {
        if isHalf {
            let r = try to(.float32).topk(k, dim: dim, largest: largest, sorted: sorted)
            return (try r.values.to(dtype), r.indices)
        }
        try checkSortable("topk", allowBool: false)
        let d = try Shape.normalizeDim(dim, ndim, op: "topk")
        let size = ndim == 0 ? 1 : shape[d]
        guard k >= 0 && k <= size else {
            throw TensorError("topk", "k (\(k)) is out of range for dimension \(dim) of size \(size)")
        }
        let (rows, movedShape) = sortRows(d)
        let n = movedShape.last ?? 1
        guard n <= SortKernel.maxRowLength else {
            throw TensorError("topk", "rows of \(n) elements are too long (at most \(SortKernel.maxRowLength))")
        }
        var outShape = movedShape
        outShape[outShape.count - 1] = k
        let values = Tensor(uninitialized: outShape, dtype: dtype)
        let indices = Tensor(uninitialized: outShape, dtype: .int64)
        let rowCount = n == 0 ? 0 : rows.count / n
        if k > 0 && SmallTopK.applies(n: n, k: k) {
            // k small against the row: one filtering pass (SmallTopK), same result.
            if dtype == .float32 {
                SmallTopK.run(rows.floatPointer, values.floatPointer, indices.int64Pointer, rowCount, n, k, largest)
            } else if dtype == .float64 {
                SmallTopK.run(rows.doublePointer, values.doublePointer, indices.int64Pointer, rowCount, n, k, largest)
            } else {
                SmallTopK.run(rows.int64Pointer, values.int64Pointer, indices.int64Pointer, rowCount, n, k, largest)
            }
        } else if k > 0 {
            if dtype == .float32 {
                SortRows.smallestAll(rows.floatPointer, values.floatPointer, indices.int64Pointer, rowCount, n, k, largest)
            } else if dtype == .float64 {
                SortRows.smallestAll(rows.doublePointer, values.doublePointer, indices.int64Pointer, rowCount, n, k, largest)
            } else {
                SortRows.smallestAll(rows.int64Pointer, values.int64Pointer, indices.int64Pointer, rowCount, n, k, largest)
            }
        }
        withExtendedLifetime(rows) {}
        try Tensor.checkInterrupt()
        let v = try unmove(values, d), i = try unmove(indices, d)
        recordPick(v, "topk", dim: d, indices: i)
        return (v, i)
    }

    /// The k-th smallest element (1-based) along `dim` and its int64 position
    /// (PyTorch's `kthvalue`; among equal values, the one a stable sort puts k-th).
    /// Differentiable.
    public func kthvalue(_ k: Int, dim: Int = -1, keepdim: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        if isHalf {
            let r = try to(.float32).kthvalue(k, dim: dim, keepdim: keepdim)
            return (try r.values.to(dtype), r.indices)
        }
        try checkSortable("kthvalue", allowBool: false)
        let d = try Shape.normalizeDim(dim, ndim, op: "kthvalue")
        let size = ndim == 0 ? 1 : shape[d]
        guard k >= 1 && k <= size else {
            throw TensorError("kthvalue", "k (\(k)) is out of range for dimension \(dim) of size \(size) (expected 1...\(size))")
        }
        let (rows, movedShape) = sortRows(d)
        let n = movedShape.last ?? 1
        var outShape = movedShape
        outShape[outShape.count - 1] = 1
        let values = Tensor(uninitialized: outShape, dtype: dtype)
        let indices = Tensor(uninitialized: outShape, dtype: .int64)
        let rowCount = n == 0 ? 0 : rows.count / n
        if dtype == .float32 {
            SortRows.kthAll(rows.floatPointer, values.floatPointer, indices.int64Pointer, rowCount, n, k)
        } else if dtype == .float64 {
            SortRows.kthAll(rows.doublePointer, values.doublePointer, indices.int64Pointer, rowCount, n, k)
        } else {
            SortRows.kthAll(rows.int64Pointer, values.int64Pointer, indices.int64Pointer, rowCount, n, k)
        }
        withExtendedLifetime(rows) {}
        try Tensor.checkInterrupt()
        var v = try unmove(values, d), i = try unmove(indices, d)
        recordPick(v, "kthvalue", dim: d, indices: i)
        if !keepdim && ndim > 0 {
            v = try v.squeeze(d)
            i = try i.squeeze(d)
        }
        return (v, i)
    }
}

/// Sorting, selecting and picking whole sets of rows, split across the cores.
enum SortRows {
    /// Sorts each of `rowCount` rows of `n` elements of `src` into `values` and the
    /// source positions into `indices`.
    static func sortAll<T: SortableElement>(_ src: UnsafeMutablePointer<T>, _ values: UnsafeMutablePointer<T>,
                                            _ indices: UnsafeMutablePointer<Int64>, _ rowCount: Int, _ n: Int, _ descending: Bool) {
        if rowCount == 0 || n == 0 { return }
        Parallel.forRange(rowCount, costPerElement: n &* 8) { r0, r1 in
            let (ks, keys) = SortKernel.scratch(2 * n, T.Key.self)
            let (ps, pos) = SortKernel.scratch(2 * n, UInt32.self)
            let (cs, counts) = SortKernel.scratch(256 * 8, Int.self)
            defer { withExtendedLifetime((ks, ps, cs)) {} }
            for r in r0..<r1 {
                if Interrupt.requested { return }
                let row = src + r * n, vo = values + r * n, io = indices + r * n
                fillKeys(row, keys, pos, n, descending)
                guard SortKernel.sort(keys, pos, n, keys + n, pos + n, counts) else { return }
                for j in 0..<n {
                    let p = Int(pos[j])
                    vo[j] = row[p]
                    io[j] = Int64(p)
                }
            }
        }
    }

    /// The keys of a row (complemented for descending order) and positions 0..<n.
    @inline(__always)
    static func fillKeys<T: SortableElement>(_ row: UnsafeMutablePointer<T>, _ keys: UnsafeMutablePointer<T.Key>,
                                             _ pos: UnsafeMutablePointer<UInt32>, _ n: Int, _ descending: Bool) {
        if descending {
            for j in 0..<n { keys[j] = ~T.sortKey(row[j]); pos[j] = UInt32(truncatingIfNeeded: j) }
        } else {
            for j in 0..<n { keys[j] = T.sortKey(row[j]); pos[j] = UInt32(truncatingIfNeeded: j) }
        }
    }

    /// The first `k` elements of each row's stable sort (ascending, or descending when
    /// `largest`): a radix select finds the k-th key, one pass collects the keys below
    /// it and the first tied ones in index order, and only those k are sorted.
    static func smallestAll<T: SortableElement>(_ src: UnsafeMutablePointer<T>, _ values: UnsafeMutablePointer<T>,
                                                _ indices: UnsafeMutablePointer<Int64>, _ rowCount: Int, _ n: Int, _ k: Int, _ largest: Bool) {
        if rowCount == 0 || n == 0 { return }
        Parallel.forRange(rowCount, costPerElement: n &* 4) { r0, r1 in
            let (ks, keys) = SortKernel.scratch(n, T.Key.self)
            let (ss, scratch) = SortKernel.scratch(n, T.Key.self)
            let (sks, sk) = SortKernel.scratch(2 * k, T.Key.self)
            let (sps, sp) = SortKernel.scratch(2 * k, UInt32.self)
            let (cs, counts) = SortKernel.scratch(256 * 8, Int.self)
            defer { withExtendedLifetime((ks, ss, sks, sps, cs)) {} }
            for r in r0..<r1 {
                if Interrupt.requested { return }
                let row = src + r * n, vo = values + r * k, io = indices + r * k
                // The keys, and the histogram of their top bytes for the select.
                counts.initialize(repeating: 0, count: 256)
                if largest {
                    for j in 0..<n { let key = ~T.sortKey(row[j]); keys[j] = key; counts[SortKernel.topByte(key)] &+= 1 }
                } else {
                    for j in 0..<n { let key = T.sortKey(row[j]); keys[j] = key; counts[SortKernel.topByte(key)] &+= 1 }
                }
                let (threshold, less) = SortKernel.select(keys, n, k, scratch, counts)
                var ties = k - less, w = 0
                for j in 0..<n {
                    let key = keys[j]
                    if key < threshold || (key == threshold && ties > 0) {
                        if key == threshold { ties -= 1 }
                        sk[w] = key
                        sp[w] = UInt32(truncatingIfNeeded: j)
                        w += 1
                    }
                }
                guard SortKernel.sort(sk, sp, k, sk + k, sp + k, counts) else { return }
                for j in 0..<k {
                    let p = Int(sp[j])
                    vo[j] = row[p]
                    io[j] = Int64(p)
                }
            }
        }
    }

    /// The k-th smallest element of each row (the k-th of its stable sort) and its position.
    static func kthAll<T: SortableElement>(_ src: UnsafeMutablePointer<T>, _ values: UnsafeMutablePointer<T>,
                                           _ indices: UnsafeMutablePointer<Int64>, _ rowCount: Int, _ n: Int, _ k: Int) {
        if rowCount == 0 || n == 0 { return }
        Parallel.forRange(rowCount, costPerElement: n &* 4) { r0, r1 in
            let (ks, keys) = SortKernel.scratch(n, T.Key.self)
            let (ss, scratch) = SortKernel.scratch(n, T.Key.self)
            let (cs, counts) = SortKernel.scratch(256, Int.self)
            defer { withExtendedLifetime((ks, ss, cs)) {} }
            for r in r0..<r1 {
                if Interrupt.requested { return }
                let row = src + r * n
                counts.initialize(repeating: 0, count: 256)
                for j in 0..<n { let key = T.sortKey(row[j]); keys[j] = key; counts[SortKernel.topByte(key)] &+= 1 }
                let (threshold, less) = SortKernel.select(keys, n, k, scratch, counts)
                var ties = k - less, p = 0
                for j in 0..<n where keys[j] == threshold {
                    ties -= 1
                    if ties == 0 { p = j; break }
                }
                values[r] = row[p]
                indices[r] = Int64(p)
            }
        }
    }
}
