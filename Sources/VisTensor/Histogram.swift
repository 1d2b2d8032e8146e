/// Counting and binning: searchsorted, bucketize, bincount and histc, with PyTorch's
/// rules (NaN sorts as the largest value; bin edges as `linspace`; values outside the
/// range and NaN are not counted).
extension Tensor {
    /// The int64 positions at which `values` would be inserted into this sorted
    /// sequence to keep it sorted (PyTorch's `searchsorted`): the first position whose
    /// element is >= the value, or > with `right`. A 1-D sequence serves every value; an
    /// N-D one has one sequence per leading index, matching the values' leading
    /// dimensions. `sorter` gives the positions that sort an unsorted sequence.
    public func searchsorted(_ values: Tensor, right: Bool = false, sorter: Tensor? = nil) throws -> Tensor {
        let op = "searchsorted"
        guard ndim >= 1 else { throw TensorError(op, "the sorted sequence must have at least 1 dimension, got a 0-d tensor") }
        if ndim > 1 {
            guard values.ndim == ndim, Array(values.shape.dropLast()) == Array(shape.dropLast()) else {
                throw TensorError(op, "the sorted sequence must be 1-D, or its leading dimensions must match the values': got shapes \(shapeString(shape)) and \(shapeString(values.shape))")
            }
        }
        var seq = detach()
        if let sorter {
            guard sorter.dtype == .int64, sorter.shape == shape else {
                throw TensorError(op, "sorter must be an int64 tensor of the sequence's shape \(shapeString(shape)), got \(sorter.dtype) of shape \(shapeString(sorter.shape))")
            }
            seq = try seq.gather(dim: ndim - 1, index: sorter)
        }
        // Compare in one dtype, as PyTorch promotes: float64 if either is float64, else
        // float32 if either is another float (half values compare exactly in float32),
        // else int64 (every integer dtype compares exactly there).
        let common: DType = (dtype == .float64 || values.dtype == .float64) ? .float64
            : (dtype.isFloatingPoint || values.dtype.isFloatingPoint) ? .float32 : .int64
        let s = try seq.to(common).contiguous(), v = try values.detach().to(common).contiguous()
        let m = shape[ndim - 1]
        let rows = ndim == 1 ? 1 : s.count / Swift.max(m, 1)
        let perRow = ndim == 1 ? v.count : (values.shape.last ?? 1)
        let out = Tensor(uninitialized: values.shape, dtype: .int64)
        if common == .float32 {
            Tensor.search(s.floatPointer, v.floatPointer, out.int64Pointer, rows, m, perRow, right)
        } else if common == .float64 {
            Tensor.search(s.doublePointer, v.doublePointer, out.int64Pointer, rows, m, perRow, right)
        } else {
            Tensor.search(s.int64Pointer, v.int64Pointer, out.int64Pointer, rows, m, perRow, right)
        }
        withExtendedLifetime((s, v)) {}
        try Tensor.checkInterrupt()
        return out
    }

    /// Binary search of each value of `rows` rows of `perRow` values in its row of `m`
    /// sorted elements, by sort key (NaN largest).
    static func search<T: SortableElement>(_ s: UnsafeMutablePointer<T>, _ v: UnsafeMutablePointer<T>, _ o: UnsafeMutablePointer<Int64>,
                                           _ rows: Int, _ m: Int, _ perRow: Int, _ right: Bool) {
        for r in 0..<rows {
            let seq = s + r * m
            for j in 0..<perRow {
                if Interrupt.due(j) || (j == 0 && Interrupt.requested) { return }  // searchsorted throws after
                let key = T.sortKey(v[r * perRow + j])
                var lo = 0, hi = m
                while lo < hi {
                    let mid = (lo + hi) / 2
                    let k = T.sortKey(seq[mid])
                    if right ? k <= key : k < key { lo = mid + 1 } else { hi = mid }
                }
                o[r * perRow + j] = Int64(lo)
            }
        }
    }

    /// The int64 count of each value 0, 1, ... in this 1-D tensor of non-negative ints
    /// (PyTorch's `bincount`), or the sum of `weights` (float32, same length) per value;
    /// at least `minlength` bins.
    public func bincount(weights: Tensor? = nil, minlength: Int = 0) throws -> Tensor {
        let op = "bincount"
        guard dtype.isInteger, ndim == 1 else {
            throw TensorError(op, "only supports 1-d non-negative integer inputs, got \(dtype) of shape \(shapeString(shape))")
        }
        guard minlength >= 0 else { throw TensorError(op, "minlength must be >= 0, got \(minlength)") }
        // Every integer dtype counts the same (int64 result, as PyTorch's).
        let x = (dtype == .int64 ? self : try to(.int64)).toInt64Array()
        var hi: Int64 = -1
        for (i, v) in x.enumerated() {
            if Interrupt.due(i) { try Interrupt.check() }
            guard v >= 0 else { throw TensorError(op, "only supports non-negative inputs, got \(v)") }
            hi = Swift.max(hi, v)
        }
        guard hi < Int64(Shape.maxElements) else { throw TensorError(op, "value \(hi) needs too many bins") }
        let bins = Swift.max(Int(hi) + 1, minlength)
        try Shape.validate([bins], op: op)
        guard let weights else {
            let out = Tensor.full([bins], 0, dtype: .int64), o = out.int64Pointer
            for (i, v) in x.enumerated() { if Interrupt.due(i) { try Interrupt.check() }; o[Int(v)] += 1 }
            return out
        }
        guard weights.ndim == 1 && weights.count == x.count else {
            throw TensorError(op, "weights must be 1-d with the input's length \(x.count), got shape \(shapeString(weights.shape))")
        }
        // PyTorch sums float32 weights in float32 and every other dtype (float64, half,
        // integers, bool) in float64.
        if weights.dtype == .float32 {
            let wc = weights.detach().contiguous(), w = wc.floatPointer
            let out = Tensor.full([bins], 0), o = out.floatPointer
            for (i, v) in x.enumerated() { if Interrupt.due(i) { try Interrupt.check() }; o[Int(v)] += w[i] }
            withExtendedLifetime(wc) {}
            return out
        }
        let wc = try weights.detach().to(.float64).contiguous(), w = wc.doublePointer
        let out = Tensor.full([bins], 0, dtype: .float64), o = out.doublePointer
        for (i, v) in x.enumerated() { if Interrupt.due(i) { try Interrupt.check() }; o[Int(v)] += w[i] }
        withExtendedLifetime(wc) {}
        return out
    }

    /// A histogram of `bins` equal-width bins over [min, max] (PyTorch's `histc`), of
    /// the input's float dtype (float32 and float64 compute in their own precision;
    /// float16 / bfloat16 in float32, converted back, as PyTorch's result dtype);
    /// min == max (the default 0, 0) takes the data's range. Values outside the range
    /// and NaN are not counted; max falls in the last bin.
    public func histc(bins: Int = 100, min lo0: Double = 0, max hi0: Double = 0) throws -> Tensor {
        let op = "histc"
        guard dtype.isFloatingPoint else { throw TensorError(op, "not supported for dtype \(dtype) (histc takes float tensors)") }
        guard bins > 0 else { throw TensorError(op, "bins must be > 0, got \(bins)") }
        try Shape.validate([bins], op: op)
        if dtype == .float64 {
            let x = detach().contiguous()
            let out = Tensor.full([bins], 0, dtype: .float64)
            try Tensor.histogram(x.doublePointer, x.count, out.doublePointer, bins, Double(lo0), Double(hi0), lo0, hi0)
            withExtendedLifetime(x) {}
            return out
        }
        let x = try (dtype == .float32 ? detach() : detach().to(.float32)).contiguous()
        let out = Tensor.full([bins], 0)
        try Tensor.histogram(x.floatPointer, x.count, out.floatPointer, bins, Float(lo0), Float(hi0), lo0, hi0)
        withExtendedLifetime(x) {}
        return dtype == .float32 ? out : try out.to(dtype)
    }

    /// histc's kernel in the element type `T`: the range (the data's when lo == hi),
    /// the bin edges as `linspace` computes them in `T`, and the counts into `o`.
    static func histogram<T: VisFloat>(_ p: UnsafeMutablePointer<T>, _ n: Int, _ o: UnsafeMutablePointer<T>, _ bins: Int,
                                       _ lo1: T, _ hi1: T, _ lo0: Double, _ hi0: Double) throws {
        let op = "histc"
        var lo = lo1, hi = hi1
        if lo == hi && n > 0 {
            lo = .infinity; hi = -.infinity
            for i in 0..<n { if Interrupt.due(i) { try Interrupt.check() }; lo = Swift.min(lo, p[i]); hi = Swift.max(hi, p[i]) }
            var anyNaN = false
            for i in 0..<n where p[i].isNaN { anyNaN = true; break }
            if anyNaN { lo = .nan; hi = .nan }
        }
        guard lo.isFinite && hi.isFinite else {
            throw TensorError(op, "range of [\(lo), \(hi)] is not finite")
        }
        guard lo <= hi else { throw TensorError(op, "max must be larger than min, got min \(lo0) and max \(hi0)") }
        if lo == hi { lo -= 1; hi += 1 }
        // A range whose width overflows T: PyTorch's bin arithmetic (x - min) / (max - min)
        // then gives 0 or NaN positions that fall in no bin, so it counts nothing (checked
        // against PyTorch 2.15 with min=-3e38, max=3e38 in float32): so does vis.
        guard (hi - lo).isFinite else { return }
        // The bin edges as linspace(lo, hi, bins + 1) computes them in T.
        let steps = bins + 1
        let step = (hi - lo) / T(bins)
        var edges = [T](repeating: 0, count: steps)
        let half = steps / 2
        for i in 0..<steps { edges[i] = i < half ? lo + step * T(i) : hi - step * T(steps - 1 - i) }
        let dlo = Double(lo), width = Double(hi) - Double(lo)
        for i in 0..<n {
            if Interrupt.due(i) { try Interrupt.check() }
            let v = p[i]
            guard v >= lo && v <= hi else { continue }  // also skips NaN
            // In Double, as a fraction of the width first: v - lo may overflow float32
            // near the ends of the range, and (v - lo) * bins may overflow float64.
            let q = (Double(v) - dlo) / width * Double(bins)
            var pos = q.isFinite ? Int(Swift.min(Swift.max(q, 0), Double(bins - 1))) : bins - 1
            pos = Swift.min(Swift.max(pos, 0), bins - 1)
            if pos > 0 && v < edges[pos] { pos -= 1 } else if pos < bins - 1 && v >= edges[pos + 1] { pos += 1 }
            o[pos] += 1
        }
    }
}
