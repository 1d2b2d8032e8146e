import Foundation

// median, nanmedian, mode, quantile and nanquantile: values picked by rank in each row.
// Rows are ordered with NaN last. PyTorch's rules: median is the lower median, a row
// holding NaN gives NaN (index of the first NaN) unless the nan- form skips NaNs;
// mode picks the smallest of the most frequent values and its last index; quantile
// interpolates between neighbouring ranks (linear, lower, higher, nearest, midpoint).

extension Tensor {
    /// The positions of a row's elements in ascending order, NaN last; stable. Throws
    /// on Ctrl-C (see `interruptibleOrder`).
    static func ascendingOrder<T: VisFloat>(_ p: UnsafePointer<T>, _ n: Int) throws -> [Int] {
        try interruptibleOrder(n) { a, b in
            let x = p[a], y = p[b]
            if x.isNaN || y.isNaN { return !x.isNaN && y.isNaN || (x.isNaN && y.isNaN && a < b) }
            return x < y || (x == y && a < b)
        }
    }

    /// The positions of an int64 row's elements in ascending order; stable.
    static func ascendingOrder(_ p: UnsafePointer<Int64>, _ n: Int) throws -> [Int] {
        try interruptibleOrder(n) { a, b in p[a] < p[b] || (p[a] == p[b] && a < b) }
    }

    /// `0..<n` sorted by `less`, stoppable by Ctrl-C inside one huge row: Swift's sort
    /// cannot be left early, so after an interrupt (polled every `Interrupt.pollBlock`
    /// comparisons) every comparison answers at once, the sort ends quickly, and the
    /// order is discarded by the throw.
    @inline(__always)
    static func interruptibleOrder(_ n: Int, _ less: (Int, Int) -> Bool) throws -> [Int] {
        var calls = 0, stopped = false
        let order = Array(0..<n).sorted { a, b in
            calls &+= 1
            if calls & (Interrupt.pollBlock - 1) == 0 && Interrupt.requested { stopped = true }
            return stopped ? false : less(a, b)
        }
        try Tensor.checkInterrupt()
        return order
    }

    /// For each row along `dim`, the position `pick(order, nanCount)` of the chosen
    /// element (in the row's own indexing); returns values and int64 indices in the
    /// reduced shape, with the gradient sent to the chosen elements.
    private func pickAlongDim(_ op: String, dim: Int, keepdim: Bool,
                              _ pick: ([Int], Int) -> Int) throws -> (values: Tensor, indices: Tensor) {
        guard dtype == .float32 || dtype == .float64 || dtype == .int64 else { throw TensorError(op, "not supported for dtype \(dtype)") }
        let rows = try dimRows(dim, op: op)
        let n = rows.length
        guard n > 0 else {
            throw TensorError(op, "cannot reduce over dimension \(dim) of size 0 (shape \(shapeString(shape)))")
        }
        let idx = Tensor(uninitialized: [rows.outer], dtype: .int64)
        for r in 0..<rows.outer {
            if r & 0xFFF == 0xFFF { try Interrupt.check() }
            if dtype == .float32 {
                let p = UnsafePointer(rows.rows.floatPointer + r * n)
                var nans = 0
                for i in 0..<n where p[i].isNaN { nans += 1 }
                idx.int64Pointer[r] = Int64(pick(try Tensor.ascendingOrder(p, n), nans))
            } else if dtype == .float64 {
                let p = UnsafePointer(rows.rows.doublePointer + r * n)
                var nans = 0
                for i in 0..<n where p[i].isNaN { nans += 1 }
                idx.int64Pointer[r] = Int64(pick(try Tensor.ascendingOrder(p, n), nans))
            } else {
                idx.int64Pointer[r] = Int64(pick(try Tensor.ascendingOrder(UnsafePointer(rows.rows.int64Pointer + r * n), n), 0))
            }
        }
        var keep = rows.movedShape
        keep[keep.count - 1] = 1
        let picked = try rows.rows.view(shape: [rows.outer, n], strides: [n, 1], offset: 0)
            .gather(dim: 1, index: idx.reshape([rows.outer, 1]))
        // Back to the input's layout with the dim as size 1, then drop it unless kept.
        var permKeep = rows.inverse
        if rows.scalarInput { permKeep = [] }
        func place(_ t: Tensor) throws -> Tensor {
            if rows.scalarInput { return try t.reshape([]) }
            let k = try t.reshape(keep).permute(permKeep).contiguous()
            return keepdim ? k : try k.squeeze(rows.dim)
        }
        let values = try place(picked), indices = try place(idx)
        if Autograd.needsGraph(self) {
            let d = rows.dim, inShape = shape, kept = keepdim, scalar = rows.scalarInput, vdt = values.dtype
            Autograd.record(values, op, [self]) { g in
                if scalar { return [g] }
                let gi = kept ? g.cast(vdt) : try g.cast(vdt).unsqueeze(d), ii = kept ? indices : try indices.unsqueeze(d)
                return [try Tensor.full(inShape, 0, dtype: vdt).scatterAdd(dim: d, index: ii, source: gi.contiguous())]
            }
        }
        return (values, indices)
    }

    /// The lower median along `dim` and its index; NaN (and the first NaN's index) for
    /// a row holding NaN. On ties the index is one of the tied positions.
    public func median(dim: Int, keepdim: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        // float16 / bfloat16: computed in float32 and rounded back, as PyTorch's CPU kernels.
        if isHalf { let r = try to(.float32).median(dim: dim, keepdim: keepdim); return (try r.values.to(dtype), r.indices) }
        return try pickAlongDim("median", dim: dim, keepdim: keepdim) { order, nans in
            nans > 0 ? order[order.count - nans] : order[(order.count - 1) / 2]
        }
    }

    /// The lower median along `dim` ignoring NaN; NaN for an all-NaN row.
    public func nanmedian(dim: Int, keepdim: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        // float16 / bfloat16: computed in float32 and rounded back, as PyTorch's CPU kernels.
        if isHalf { let r = try to(.float32).nanmedian(dim: dim, keepdim: keepdim); return (try r.values.to(dtype), r.indices) }
        return try pickAlongDim("nanmedian", dim: dim, keepdim: keepdim) { order, nans in
            let valid = order.count - nans
            return valid == 0 ? order[0] : order[(valid - 1) / 2]
        }
    }

    /// The lower median of all elements (NaN if any is NaN; NaN for no elements). The
    /// gradient is shared by the elements equal to it, as in PyTorch.
    public func median() throws -> Tensor { try wholeMedian("median", skipNaN: false) }
    /// The lower median of the non-NaN elements.
    public func nanmedian() throws -> Tensor { try wholeMedian("nanmedian", skipNaN: true) }

    private func wholeMedian(_ op: String, skipNaN: Bool) throws -> Tensor {
        // float16 / bfloat16: computed in float32 and rounded back, as PyTorch's CPU kernels.
        if isHalf { return try to(.float32).wholeMedian(op, skipNaN: skipNaN).to(dtype) }
        guard dtype == .float32 || dtype == .float64 || dtype == .int64 else { throw TensorError(op, "not supported for dtype \(dtype)") }
        if count == 0 {
            guard dtype != .int64 else { throw TensorError(op, "cannot take the median of an empty int64 tensor") }
            return Tensor.full([], .nan, dtype: dtype)
        }
        let flat = try detach().reshape([count])
        let (values, _) = skipNaN ? try flat.nanmedian(dim: 0) : try flat.median(dim: 0)
        let out = values.detach()
        if Autograd.needsGraph(self) {
            let x = detach(), all = Array(0..<ndim), keep = [Int](repeating: 1, count: ndim)
            Autograd.record(out, op, [self]) { g in
                try Tensor.evenlyDistributed(g, input: x, value: out.detach(), dims: all, keepShape: keep)
            }
        }
        return out
    }

    /// The most frequent value along `dim` (the smallest on ties; NaNs count as equal)
    /// and the last index where it occurs.
    public func mode(dim: Int = -1, keepdim: Bool = false) throws -> (values: Tensor, indices: Tensor) {
        // float16 / bfloat16: computed in float32 and rounded back, as PyTorch's CPU kernels.
        if isHalf { let r = try to(.float32).mode(dim: dim, keepdim: keepdim); return (try r.values.to(dtype), r.indices) }
        let source = dtype == .bool ? try to(.int64) : self
        return try source.modeAlongDim(dim: dim, keepdim: keepdim, bool: dtype == .bool)
    }

    private func modeAlongDim(dim: Int, keepdim: Bool, bool: Bool) throws -> (values: Tensor, indices: Tensor) {
        let rows = try dimRows(dim, op: "mode")
        let n = rows.length, isFloat = dtype == .float32, isDouble = dtype == .float64
        var chosen: [Int] = []
        chosen.reserveCapacity(rows.outer)
        let (values, indices) = try pickAlongDim("mode", dim: dim, keepdim: keepdim) { order, _ in
            // Called once per row in order: find the row from how many were chosen.
            let r = chosen.count
            func same(_ a: Int, _ b: Int) -> Bool {
                if isFloat {
                    let x = rows.rows.floatPointer[r * n + a], y = rows.rows.floatPointer[r * n + b]
                    return x == y || (x.isNaN && y.isNaN)
                }
                if isDouble {
                    let x = rows.rows.doublePointer[r * n + a], y = rows.rows.doublePointer[r * n + b]
                    return x == y || (x.isNaN && y.isNaN)
                }
                return rows.rows.int64Pointer[r * n + a] == rows.rows.int64Pointer[r * n + b]
            }
            var best = order[0], bestCount = 0, start = 0
            while start < order.count {
                var end = start + 1, last = order[start]
                while end < order.count && same(order[end], order[start]) { last = Swift.max(last, order[end]); end += 1 }
                if end - start > bestCount { bestCount = end - start; best = last }
                start = end
            }
            chosen.append(best)
            return best
        }
        return (bool ? try values.to(.bool) : values, indices)
    }

    /// How quantile picks between the two neighbouring ranks.
    public enum QuantileInterpolation: String, CaseIterable {
        case linear, lower, higher, nearest, midpoint
    }

    /// The q-th quantiles (q in [0, 1]) over `dim` or all elements: a scalar q gives the
    /// reduced shape, a list of qs adds a leading dim. `skipNaN` is nanquantile: NaNs are
    /// left out (an all-NaN row gives NaN); otherwise a row holding NaN gives NaN.
    /// Differentiable through the elements picked (gather) and the interpolation (lerp).
    public func quantile(_ qs: [Double], scalarQ: Bool, dim: Int?, keepdim: Bool,
                         interpolation: QuantileInterpolation, skipNaN: Bool) throws -> Tensor {
        let op = skipNaN ? "nanquantile" : "quantile"
        guard dtype == .float32 || dtype == .float64 else { throw TensorError(op, "input tensor must be either float or double dtype, got \(dtype)") }
        for q in qs where !(q >= 0 && q <= 1) {
            throw TensorError(op, "q must be in the range [0, 1] but got \(q)")
        }
        let x = dim == nil ? try reshape([count]) : self
        let d = dim ?? 0
        if x.ndim > 0 {
            let dd = try Shape.normalizeDim(d, x.ndim, op: op)
            guard x.shape[dd] > 0 else { throw TensorError(op, "cannot compute quantiles over an empty dimension (shape \(shapeString(shape)))") }
        }
        let rows = try x.dimRows(d, op: op)
        let n = rows.length, outer = rows.outer, nq = qs.count
        let below = Tensor(uninitialized: [outer, nq], dtype: .int64), above = Tensor(uninitialized: [outer, nq], dtype: .int64)
        // The interpolation weights in the input's dtype (lerp takes one dtype).
        let weight = Tensor(uninitialized: [outer, nq], dtype: dtype), isDouble = dtype == .float64
        for r in 0..<outer {
            if r & 0xFFF == 0xFFF { try Interrupt.check() }
            let order: [Int]
            var nans = 0
            if isDouble {
                let p = UnsafePointer(rows.rows.doublePointer + r * n)
                order = try Tensor.ascendingOrder(p, n)
                for i in 0..<n where p[i].isNaN { nans += 1 }
            } else {
                let p = UnsafePointer(rows.rows.floatPointer + r * n)
                order = try Tensor.ascendingOrder(p, n)
                for i in 0..<n where p[i].isNaN { nans += 1 }
            }
            let valid = skipNaN ? n - nans : n
            for (k, q) in qs.enumerated() {
                var lo: Int, hi: Int, w: Double
                if (!skipNaN && nans > 0) || valid == 0 {
                    lo = n - 1; hi = n - 1; w = 0        // the last position holds a NaN
                } else {
                    let rank = q * Double(valid - 1)
                    lo = Int(rank.rounded(.down)); hi = Int(rank.rounded(.up)); w = rank - Double(lo)
                    switch interpolation {
                    case .linear: break
                    case .lower: hi = lo; w = 0
                    case .higher: lo = hi; w = 0
                    case .nearest: lo = Int(rank.rounded(.toNearestOrEven)); hi = lo; w = 0
                    case .midpoint: w = 0.5
                    }
                }
                below.int64Pointer[r * nq + k] = Int64(order[lo])
                above.int64Pointer[r * nq + k] = Int64(order[hi])
                if isDouble { weight.doublePointer[r * nq + k] = w } else { weight.floatPointer[r * nq + k] = Float(w) }
            }
        }
        // Differentiable from here: the rows of x (a permuted view), the picks, the lerp.
        var perm = Array(0..<x.ndim)
        if x.ndim > 0 { perm.remove(at: rows.dim); perm.append(rows.dim) }
        let xr = try (x.ndim == 0 ? x.reshape([1]) : x.permute(perm)).reshape([outer, n])
        let lo = try xr.gather(dim: 1, index: below), hi = try xr.gather(dim: 1, index: above)
        let mixed = interpolation == .linear || interpolation == .midpoint ? try lo.lerp(hi, weight: weight) : lo
        // [outer, nq] -> [nq] + reduced shape.
        var reduced: [Int]
        if dim == nil {
            reduced = keepdim ? [Int](repeating: 1, count: ndim) : []
        } else if ndim == 0 {
            reduced = []
        } else {
            reduced = shape
            if keepdim { reduced[rows.dim] = 1 } else { reduced.remove(at: rows.dim) }
        }
        let out = try mixed.t().contiguous().reshape([nq] + reduced)
        return scalarQ ? try out.reshape(reduced) : out
    }
}
