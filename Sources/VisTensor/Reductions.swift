import Foundation

/// Reductions over one or more dimensions (sum, mean, var, std, max, min, argmax,
/// argmin) with `keepdim`, each with its backward rule.
///
/// Every reduction first brings the reduced dimensions to the end of a contiguous
/// [outer, inner] layout (free when they already are), then reduces each row.
extension Tensor {
    /// The [outer, inner] layout of this tensor with `dims` reduced.
    struct ReductionLayout {
        /// Data as a contiguous [rowCount, rowLength] tensor (reduced dims last), with
        /// broadcast dimensions (stride 0, as `expand` makes) left out: their elements
        /// are copies, so the copy is proportional to the stored data, not to the view.
        let rows: Tensor
        /// Rows and row length of `rows`.
        let rowCount: Int
        let rowLength: Int
        /// How many view elements each element of a row stands for (the product of the
        /// broadcast reduced dimensions): sums scale by it.
        let repeats: Int
        /// The kept dimensions of the compact data, and of the output: `expandRows`
        /// turns one value per compact row into one per output element.
        let compactKept: [Int]
        let kept: [Int]
        /// Output elements and view elements reduced into each (the logical sizes).
        let outer: Int
        let inner: Int
        /// Output shape with and without the reduced dims kept as size 1.
        let keepShape: [Int]
        let outShape: [Int]
        /// Permutation that moved the reduced dims last, and its inverse.
        let perm: [Int]
        let inversePerm: [Int]
    }

    /// Normalises and de-duplicates `dims` (all dimensions when nil or empty), and
    /// checks that the output is a tensor vis can make: reducing an empty tensor over
    /// its zero-size dimension leaves the others, which may be enormous
    /// (`zeros(0, 2**40).sum(dim=0)` would be 2**40 elements).
    func reductionDims(_ dims: [Int]?, op: String) throws -> [Int] {
        guard let dims, !dims.isEmpty else { return Array(0..<ndim) }
        let d = try dims.map { try Shape.normalizeDim($0, ndim, op: op) }
        guard Set(d).count == d.count else { throw TensorError(op, "dimension appears more than once in \(shapeString(dims))") }
        // A 0-d tensor accepts dim 0 / -1 (as PyTorch does) but has no dimension to
        // reduce: the reduction is over nothing, and indexing `shape[0]` would trap.
        if ndim == 0 { return [] }
        let sorted = d.sorted()
        if count == 0 {
            try Shape.validate((0..<ndim).filter { !sorted.contains($0) }.map { shape[$0] }, op: op)
        }
        return sorted
    }

    /// Polls the Ctrl-C flag after a long native loop: the loops stop early when it is
    /// set (their result is then garbage), and this throws before anyone sees it.
    @inline(__always)
    static func checkInterrupt() throws {
        if Interrupt.requested { try Interrupt.check() }
    }

    /// The [outer, inner] layout with `dims` reduced (`dims` from `reductionDims`).
    /// Products use wrapping multiplication: a product that contains a zero-size
    /// dimension is 0 either way, and one without cannot exceed a valid tensor's count.
    func reductionLayout(_ dims: [Int]) throws -> ReductionLayout {
        let kept = (0..<ndim).filter { !dims.contains($0) }
        let perm = kept + dims
        var inversePerm = [Int](repeating: 0, count: perm.count)
        for (i, p) in perm.enumerated() { inversePerm[p] = i }
        let outer = kept.reduce(1) { $0 &* shape[$1] }
        let inner = dims.reduce(1) { $0 &* shape[$1] }
        // Broadcast dimensions (stride 0, size > 1) hold one value repeated: read them
        // once. A reduced one multiplies `repeats`; a kept one is expanded back at the end.
        var compactShape = shape
        var repeats = 1
        for k in 0..<ndim where strides[k] == 0 && shape[k] > 1 {
            compactShape[k] = 1
            if dims.contains(k) { repeats &*= shape[k] }
        }
        let source = compactShape == shape ? self
            : view(shape: compactShape, strides: strides, offset: offset)
        let moved = perm == Array(0..<ndim) ? source : try source.detach().permute(perm)
        let rows = moved.detach().contiguous()
        var keepShape = shape
        for d in dims { keepShape[d] = 1 }
        let compactKept = kept.map { compactShape[$0] }
        return ReductionLayout(rows: rows, rowCount: compactKept.reduce(1) { $0 &* $1 },
                               rowLength: dims.reduce(1) { $0 &* compactShape[$1] }, repeats: repeats,
                               compactKept: compactKept, kept: kept.map { shape[$0] },
                               outer: outer, inner: inner, keepShape: keepShape,
                               outShape: kept.map { shape[$0] }, perm: perm, inversePerm: inversePerm)
    }

    /// Rows per interrupt poll in the row loops: about a million elements of work.
    @inline(__always)
    static func rowsPerPoll(_ rowLength: Int) -> Int { Swift.max(1, (1 << 20) / Swift.max(rowLength, 1)) }

    /// Calls `body(r0, r1)` on consecutive blocks of `0..<rows` of about a million
    /// elements each, and stops after a block when Ctrl-C is pending (one flag load per
    /// block; the caller throws through `checkInterrupt`).
    @inline(__always)
    static func forRowBlocks(_ rows: Int, rowLength: Int, _ body: (Int, Int) -> Void) {
        let poll = rowsPerPoll(rowLength)
        var r = 0
        while r < rows {
            let stop = Swift.min(rows, r + poll)
            body(r, stop)
            if Interrupt.requested { return }
            r = stop
        }
    }

    /// Reduces each compact row of a float layout with `f(row pointer, length) -> value`
    /// and returns one value per output element ([outer]). Stops early on Ctrl-C (the
    /// caller then throws through `checkInterrupt`).
    @inline(__always)
    static func reduceRows(_ layout: ReductionLayout, _ f: (UnsafePointer<Float>, Int) -> Float) -> Tensor {
        let out = Tensor(uninitialized: [layout.rowCount])
        let src = UnsafePointer(layout.rows.floatPointer), dst = out.floatPointer
        let inner = layout.rowLength, poll = rowsPerPoll(inner)
        Parallel.forRange(layout.rowCount, costPerElement: Swift.max(inner, 1)) { s, e in
            var r = s
            while r < e {
                let stop = Swift.min(e, r + poll)
                for i in r..<stop { dst[i] = f(src + i * inner, inner) }
                if Interrupt.requested { return }
                r = stop
            }
        }
        return layout.expandRows(out)
    }

    /// Sum of a row, accumulated in double precision. A very long row is summed in
    /// blocks, polling the Ctrl-C flag between them (one load per million elements).
    @inline(__always)
    static func rowSum(_ p: UnsafePointer<Float>, _ n: Int) -> Double {
        let block = 1 << 20
        if n <= block { return rowSumBlock(p, n) }
        var total = 0.0, start = 0
        while start < n {
            let len = Swift.min(block, n - start)
            total += rowSumBlock(p + start, len)
            start += len
            if Interrupt.requested { break }
        }
        return total
    }

    /// Sum of up to a block of elements in four double accumulators.
    @inline(__always)
    static func rowSumBlock(_ p: UnsafePointer<Float>, _ n: Int) -> Double {
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
        if dtype == .float16 || dtype == .bfloat16 {
            // Half precision sums in float32 and converts back (PyTorch accumulates in
            // float32 too); the conversions record, so a half leaf gets a half gradient.
            return try to(.float32).sum(dims: dims, keepdim: keepdim).to(dtype)
        }
        if dtype == .float64 {
            let layout = try reductionLayout(d)
            let sums = Tensor(uninitialized: [layout.rowCount], dtype: .float64)
            let src = layout.rows.doublePointer, inner = layout.rowLength, reps = Double(layout.repeats)
            Tensor.forRowBlocks(layout.rowCount, rowLength: inner) { r0, r1 in
                for r in r0..<r1 {
                    var acc = 0.0
                    for i in 0..<inner { acc += src[r * inner + i] }
                    sums.doublePointer[r] = acc * reps
                }
            }
            try Tensor.checkInterrupt()
            return recordSum(try layout.expandRows(sums).reshape(keepdim ? layout.keepShape : layout.outShape), d, keepdim)
        }
        if dtype != .float32 {
            // The integers and bool (the float dtypes returned above) sum in int64.
            let layout = try to(.int64).reductionLayout(d)
            let sums = Tensor(uninitialized: [layout.rowCount], dtype: .int64)
            let src = layout.rows.int64Pointer, inner = layout.rowLength, reps = Int64(truncatingIfNeeded: layout.repeats)
            Tensor.forRowBlocks(layout.rowCount, rowLength: inner) { r0, r1 in
                for r in r0..<r1 {
                    var acc: Int64 = 0
                    for i in 0..<inner { acc &+= src[r * inner + i] }
                    sums.int64Pointer[r] = acc &* reps
                }
            }
            try Tensor.checkInterrupt()
            return try layout.expandRows(sums).reshape(keepdim ? layout.keepShape : layout.outShape)
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
            Tensor.forRowBlocks(outer, rowLength: inner) { r0, r1 in
                for r in r0..<r1 {
                    let row = src + r * inner
                    for j in 0..<inner { acc[j] += Double(row[j]) }
                }
            }
            try Tensor.checkInterrupt()
            for j in 0..<inner { dst[j] = Float(acc[j]) }
            if keepdim { return try recordSum(out.reshape(keepShape(d)), d, keepdim) }
            return recordSum(out, d, keepdim)
        }
        let layout = try reductionLayout(d)
        let reps = Double(layout.repeats)
        // The common case (no broadcast dimension reduced) skips the scaling per row.
        let rows = layout.repeats == 1 ? Tensor.reduceRows(layout) { Float(Tensor.rowSum($0, $1)) }
            : Tensor.reduceRows(layout) { Float(Tensor.rowSum($0, $1) * reps) }
        try Tensor.checkInterrupt()
        out = try rows.reshape(keepdim ? layout.keepShape : layout.outShape)
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
        guard dtype.isFloatingPoint else {
            throw TensorError("mean", "expected a floating-point tensor, got \(dtype) (convert with .float())")
        }
        let d = try reductionDims(dims, op: "mean")
        // In Double: the sizes of an empty tensor's other dimensions may overflow an Int.
        let n = d.reduce(1.0) { $0 * Double(shape[$1]) }
        return try sum(dims: d, keepdim: keepdim).div(n)
    }

    /// Mean along one dimension.
    public func mean(dim: Int, keepdim: Bool = false) throws -> Tensor { try mean(dims: [dim], keepdim: keepdim) }

    /// Variance over `dims` with Bessel's correction by default (`correction` = 1,
    /// PyTorch's `unbiased=True`).
    public func variance(dims: [Int] = [], correction: Int = 1, keepdim: Bool = false) throws -> Tensor {
        if dtype == .float64 {
            // float64: composed from differentiable float64 ops (the mean, the squared
            // deviations, their sum over n - correction).
            let d = try reductionDims(dims, op: "var")
            let n = d.reduce(1.0) { $0 * Double(shape[$1]) }
            let centered = try sub(mean(dims: d, keepdim: true))
            return try centered.mul(centered).sum(dims: d, keepdim: keepdim).div(Swift.max(n - Double(correction), 0))
        }
        if dtype == .float16 || dtype == .bfloat16 {
            return try to(.float32).variance(dims: dims, correction: correction, keepdim: keepdim).to(dtype)
        }
        let (out, d, keep, denom) = try varianceForward(dims: dims, correction: correction, keepdim: keepdim, op: "var")
        if Autograd.needsGraph(self) {
            Autograd.record(out, "var", [self], saving: [self]) { [self] g in
                [try self.varianceGrad(g.reshape(keep), dims: d, denom: denom)]
            }
        }
        return out
    }

    /// The variance without a graph, with what its gradient needs: the reduced dims, the
    /// kept shape and the divisor n - correction (clamped at 0, as PyTorch does).
    private func varianceForward(dims: [Int], correction: Int, keepdim: Bool, op: String) throws
        -> (out: Tensor, dims: [Int], keepShape: [Int], denom: Float) {
        guard dtype == .float32 else {
            throw TensorError(op, "expected a floating-point tensor, got \(dtype) (\(op) is defined for floating point only, as in PyTorch; convert with .float())")
        }
        let d = try reductionDims(dims, op: op)
        let layout = try reductionLayout(d)
        let n = layout.inner
        let denom = Float(Swift.max(Double(n) - Double(correction), 0))
        // A row of a broadcast view repeats each compact element `repeats` times: the
        // mean is the compact row's, the sum of squared deviations `repeats` times its.
        let reps = Double(layout.repeats)
        let rows = Tensor.reduceRows(layout) { p, n in
            let m = Tensor.rowSum(p, n) / Double(Swift.max(n, 1))
            var acc = 0.0
            for i in 0..<n { let dv = Double(p[i]) - m; acc += dv * dv }
            return Float(acc * reps) / denom
        }
        try Tensor.checkInterrupt()
        let out = try rows.reshape(keepdim ? layout.keepShape : layout.outShape)
        return (out, d, layout.keepShape, denom)
    }

    /// d var / dx = 2 (x - mean) / (n - correction), times `g` (in the kept shape).
    private func varianceGrad(_ g: Tensor, dims d: [Int], denom: Float) throws -> Tensor {
        let centered = try detach().sub(detach().mean(dims: d, keepdim: true))
        return try centered.mul(g).mul(2.0 / Double(denom))
    }

    /// Standard deviation over `dims` (square root of `variance`). Its gradient is the
    /// variance's times g / (2 std), and 0 where the std is 0 (all values equal), as
    /// PyTorch's std_backward masks it: the chain rule through sqrt would give 0 * inf = NaN.
    public func std(dims: [Int] = [], correction: Int = 1, keepdim: Bool = false) throws -> Tensor {
        if dtype == .float16 || dtype == .bfloat16 {
            return try to(.float32).std(dims: dims, correction: correction, keepdim: keepdim).to(dtype)
        }
        if dtype == .float64 { return try std64(dims: dims, correction: correction, keepdim: keepdim) }
        let (v, d, keep, denom) = try varianceForward(dims: dims, correction: correction, keepdim: keepdim, op: "std")
        let out = try v.sqrt()  // v has no graph, so neither has out
        if Autograd.needsGraph(self) {
            let saved = out.detach()
            Autograd.record(out, "std", [self], saving: [self]) { [self] g in
                let scale = Elementwise.binary(g, saved, outShape: g.shape, outDType: .float32) { (g: Float, s: Float) -> Float in
                    s == 0 ? 0 : g / (2 * s)
                }
                return [try self.varianceGrad(scale.reshape(keep), dims: d, denom: denom)]
            }
        }
        return out
    }

    /// `std` of a float64 tensor, from float64 tensor ops, with the same gradient rule
    /// (0 where the std is 0).
    private func std64(dims: [Int], correction: Int, keepdim: Bool) throws -> Tensor {
        let d = try reductionDims(dims, op: "std")
        var keep = shape
        for k in d { keep[k] = 1 }
        let n = d.reduce(1.0) { $0 * Double(shape[$1]) }
        let out = try detach().variance(dims: d, correction: correction, keepdim: keepdim).sqrt()
        if Autograd.needsGraph(self) {
            let saved = try out.detach().reshape(keep), denom = Swift.max(n - Double(correction), 0)
            Autograd.record(out, "std", [self], saving: [self]) { [self] g in
                let scale = try Tensor.where(saved.eq(0), Tensor.scalar(0, dtype: .float64), g.reshape(keep).div(saved.mul(2)))
                let centered = try self.detach().sub(self.detach().mean(dims: d, keepdim: true))
                return [try centered.mul(scale).mul(2.0 / denom)]
            }
        }
        return out
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
        if dtype == .float64 || dtype == .float16 || dtype == .bfloat16 { return toDoubleArray().allSatisfy { $0.isFinite } }
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
    public func max() throws -> Tensor { try allExtreme(op: "max", greater: true) }
    /// Minimum of all elements (a scalar).
    public func min() throws -> Tensor { try allExtreme(op: "min", greater: false) }

    /// max() / min() over every element; NaN wins, as in PyTorch. The extreme of an
    /// expanded view is the extreme of the values it repeats, so broadcast dimensions are
    /// read once (no copy of the view's size). The gradient is split evenly among the
    /// elements equal to the result (NaN counting as equal to a NaN result), as PyTorch
    /// 2.15's evenly_distribute_backward does; through an expanded view each repeated
    /// position counts, and the expansion's own backward sums them.
    private func allExtreme(op: String, greater: Bool) throws -> Tensor {
        let source: Tensor
        if count > 0, strides.contains(0) {
            var compact = shape
            for k in 0..<ndim where strides[k] == 0 { compact[k] = 1 }
            // A plain view (no graph): the gradient is recorded below against self.
            source = view(shape: compact, strides: strides, offset: offset)
        } else {
            source = detach()
        }
        let result = try source.flatten().extreme(dim: 0, keepdim: false, op: op, greater: greater).values.reshape([])
        if Autograd.needsGraph(self) {
            let x = detach(), best = result.detach()
            let bestIsNaN = try best.item().isNaN
            Autograd.record(result, op, [self], saving: [self]) { g in
                // The winners: the elements equal to the result, or the NaNs of a NaN result
                // (x != x only there); in the gradient's dtype (float32 or float64).
                let mask = try (bestIsNaN ? x.ne(x) : x.eq(best)).to(g.dtype)
                let ties = try mask.sum().item()
                return [try mask.mul(g.div(ties))]
            }
        }
        return result
    }

    /// Index of the maximum along `dim`, or in the flattened tensor when `dim` is nil.
    public func argmax(dim: Int? = nil, keepdim: Bool = false) throws -> Tensor {
        guard let dim else { return try flatten().extreme(dim: 0, keepdim: false, op: "argmax", greater: true).indices.reshape(flatIndexShape(keepdim)) }
        return try extreme(dim: dim, keepdim: keepdim, op: "argmax", greater: true).indices
    }

    /// Index of the minimum along `dim`, or in the flattened tensor when `dim` is nil.
    public func argmin(dim: Int? = nil, keepdim: Bool = false) throws -> Tensor {
        guard let dim else { return try flatten().extreme(dim: 0, keepdim: false, op: "argmin", greater: false).indices.reshape(flatIndexShape(keepdim)) }
        return try extreme(dim: dim, keepdim: keepdim, op: "argmin", greater: false).indices
    }

    /// The shape of argmax / argmin over the flattened tensor: 0-d, or with keepdim every
    /// dimension kept as 1 (PyTorch keeps the rank).
    private func flatIndexShape(_ keepdim: Bool) -> [Int] {
        keepdim ? [Int](repeating: 1, count: ndim) : []
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
        if dtype == .bool {
            // PyTorch's max / min of bools are bools (any / all); argmax / argmin refuse them.
            guard op == "max" || op == "min" else { throw TensorError(op, "expected a float32 or int64 tensor, got bool (PyTorch refuses bool too)") }
            let r = try to(.int64).extreme(dim: dim, keepdim: keepdim, op: op, greater: greater)
            return (try r.values.to(.bool), r.indices)
        }
        if dtype != .float32 && dtype != .int64 && dtype != .float64 {
            // Storage dtypes: found in their compute dtype (exact), values converted back.
            // (`to` records for half dtypes, so a half input gets its gradient back in half.)
            let (v, i) = try to(dtype.computeDType).extreme(dim: dim, keepdim: keepdim, op: op, greater: greater)
            return (try v.to(dtype), i)
        }
        // int64 is compared as int64: through float32, values above 2^24 would round and
        // both the value and the index could come out wrong.
        _ = try x.reductionDims([d], op: op)
        let layout = try x.reductionLayout([d])
        let compactValues = Tensor(uninitialized: [layout.rowCount], dtype: dtype)
        let compactIndices = Tensor(uninitialized: [layout.rowCount], dtype: .int64)
        // A broadcast reduced dimension is read as one element: its first index wins
        // every tie, which is index 0, the answer for the whole dimension too.
        let rowLength = layout.rowLength, inner = layout.inner
        if dtype == .int64 {
            let p = layout.rows.int64Pointer
            Tensor.forRowBlocks(layout.rowCount, rowLength: rowLength) { r0, r1 in
                for r in r0..<r1 {
                    let i = Tensor.extremeIndex(p + r * rowLength, rowLength, greater: greater) { _ in false }
                    compactValues.int64Pointer[r] = p[r * rowLength + i]
                    compactIndices.int64Pointer[r] = Int64(i)
                }
            }
        } else if dtype == .float64 {
            let p = layout.rows.doublePointer
            Tensor.forRowBlocks(layout.rowCount, rowLength: rowLength) { r0, r1 in
                for r in r0..<r1 {
                    let i = Tensor.extremeIndex(p + r * rowLength, rowLength, greater: greater) { $0.isNaN }
                    compactValues.doublePointer[r] = p[r * rowLength + i]
                    compactIndices.int64Pointer[r] = Int64(i)
                }
            }
        } else {
            let p = layout.rows.floatPointer
            Tensor.forRowBlocks(layout.rowCount, rowLength: rowLength) { r0, r1 in
                for r in r0..<r1 {
                    let i = Tensor.extremeIndex(p + r * rowLength, rowLength, greater: greater) { $0.isNaN }
                    compactValues.floatPointer[r] = p[r * rowLength + i]
                    compactIndices.int64Pointer[r] = Int64(i)
                }
            }
        }
        try Tensor.checkInterrupt()
        let values = layout.expandRows(compactValues), indices = layout.expandRows(compactIndices)
        // A 0-d input gives 0-d results, with or without keepdim (as in PyTorch).
        let shapeOut = ndim == 0 ? [] : (keepdim ? layout.keepShape : layout.outShape)
        let outValues = try values.reshape(shapeOut)
        let outIndices = try indices.reshape(shapeOut)
        if Autograd.needsGraph(self) && (dtype == .float32 || dtype == .float64) {
            let outer = layout.outer, movedShape = layout.perm.map { x.shape[$0] }, inv = layout.inversePerm
            let inShape = shape, dt = dtype
            Autograd.record(outValues, op, [self]) { g in
                let gc = g.cast(dt).contiguous()
                let z = Tensor.full([outer, inner], 0, dtype: dt)
                if dt == .float64 {
                    for r in 0..<outer { z.doublePointer[r * inner + Int(indices.int64Pointer[r])] = gc.doublePointer[r] }
                } else {
                    for r in 0..<outer { z.floatPointer[r * inner + Int(indices.int64Pointer[r])] = gc.floatPointer[r] }
                }
                return [try z.reshape(movedShape).permute(inv).reshape(inShape)]
            }
        }
        return (outValues, outIndices)
    }
}

extension Tensor.ReductionLayout {
    /// One value per output element ([outer], contiguous) from one per compact row: the
    /// same tensor when no kept dimension was broadcast, else expanded and copied (a
    /// copy the size of the output).
    func expandRows(_ t: Tensor) -> Tensor {
        if rowCount == outer { return t }
        let c = t.view(shape: compactKept, strides: Shape.contiguousStrides(compactKept), offset: t.offset)
        let expandedStrides = zip(compactKept, Shape.contiguousStrides(compactKept)).map { $0.0 == 1 ? 0 : $0.1 }
        return c.view(shape: kept, strides: expandedStrides, offset: t.offset).copyData()
            .view(shape: [outer], strides: [1], offset: 0)
    }
}
