// amax, amin and aminmax: the largest / smallest values over one or more dims. As in
// PyTorch: NaN wins (a row holding NaN reduces to NaN), the dtype is kept (bool gives
// bool), reducing over a size-0 dim is an error, and the gradient is split evenly
// among the elements equal to the result (NaN everywhere in a row whose result is NaN).

extension Tensor {
    /// The reduced values over `dims` (all when empty), without gradient.
    private func extremeValues(_ op: String, dims d: [Int], keepdim: Bool, greater: Bool) throws -> Tensor {
        for k in d where shape[k] == 0 {
            throw TensorError(op, "cannot reduce over dimension \(k) of size 0 (shape \(shapeString(shape)))")
        }
        if d.isEmpty && count == 0 {
            throw TensorError(op, "cannot reduce an empty tensor (shape \(shapeString(shape))) without a dim")
        }
        let layout = try reductionLayout(d)
        let n = layout.rowLength
        let out = Tensor(uninitialized: [layout.rowCount], dtype: dtype)
        if dtype == .float32 {
            Tensor.extremeRows(layout, out, Float.self, greater: greater)
        } else if dtype == .float64 {
            Tensor.extremeRows(layout, out, Double.self, greater: greater)
        } else if dtype == .int64 {
            let src = UnsafePointer(layout.rows.int64Pointer), dst = out.int64Pointer
            Tensor.forRowBlocks(layout.rowCount, rowLength: n) { r0, r1 in
                for r in r0..<r1 {
                    let p = src + r * n
                    var best = p[0]
                    for i in 1..<Swift.max(n, 1) where greater ? p[i] > best : p[i] < best { best = p[i] }
                    dst[r] = best
                }
            }
        } else if dtype == .bool {
            // The max of truth values is any, the min is all.
            let src = UnsafePointer(layout.rows.boolPointer), dst = out.boolPointer
            Tensor.forRowBlocks(layout.rowCount, rowLength: n) { r0, r1 in
                for r in r0..<r1 {
                    let p = src + r * n
                    var v = !greater
                    for i in 0..<n where p[i] == greater { v = greater; break }
                    dst[r] = v
                }
            }
        } else {
            throw TensorError(op, "not supported for dtype \(dtype)")
        }
        try Tensor.checkInterrupt()
        return try layout.expandRows(out).reshape(keepdim ? layout.keepShape : layout.outShape)
    }

    /// The float rows of `layout` reduced into `out` (NaN wins), one kernel for float32
    /// and float64.
    @inline(__always)
    private static func extremeRows<T: VisFloat>(_ layout: ReductionLayout, _ out: Tensor, _: T.Type, greater: Bool) {
        let n = layout.rowLength
        let src = UnsafePointer(layout.rows.pointer(as: T.self)), dst = out.pointer(as: T.self)
        Tensor.forRowBlocks(layout.rowCount, rowLength: n) { r0, r1 in
            for r in r0..<r1 {
                let p = src + r * n
                var best = p[0]
                for i in 1..<Swift.max(n, 1) {
                    let v = p[i]
                    if v.isNaN { best = v; break }
                    if greater ? v > best : v < best { best = v }
                }
                dst[r] = best
            }
        }
    }

    /// amax / amin with the gradient split evenly among the tied winners.
    private func extremeReduction(_ op: String, dims: [Int], keepdim: Bool, greater: Bool) throws -> Tensor {
        // float16 / bfloat16: computed in float32 and rounded back, as PyTorch's CPU kernels.
        if isHalf { return try to(.float32).extremeReduction(op, dims: dims, keepdim: keepdim, greater: greater).to(dtype) }
        let d = try reductionDims(dims, op: op)
        let out = try extremeValues(op, dims: d, keepdim: keepdim, greater: greater)
        if Autograd.needsGraph(self) {
            let x = detach(), keep = keepShape(d), result = out.detach()
            Autograd.record(out, op, [self]) { g in
                // PyTorch's amax backward compares with ==, so a NaN result matches nothing
                // and its row's gradient is 0 * g / 0 = NaN everywhere (unlike median's).
                try Tensor.evenlyDistributed(g, input: x, value: result, dims: d, keepShape: keep, nanMatches: false)
            }
        }
        return out
    }

    /// The gradient of a reduction that picks values: `g` shared evenly among the
    /// elements of `input` equal to `value` (NaN counts as equal to a NaN result), as
    /// PyTorch's evenly_distribute_backward does for amax, amin, median().
    /// `nanMatches: false` is amax / amin's rule: NaN equals nothing.
    static func evenlyDistributed(_ g: Tensor, input x: Tensor, value: Tensor, dims: [Int], keepShape: [Int],
                                  nanMatches: Bool = true) throws -> [Tensor?] {
        let v = try value.reshape(keepShape)
        // float64 compares and divides in float64, so the gradient stays float64.
        let mask = x.dtype == .float64
            ? Elementwise.binary(x, v, outShape: x.shape, outDType: .float64) { (a: Double, b: Double) -> Double in
                a == b || (nanMatches && a.isNaN && b.isNaN) ? 1 : 0
            }
            : Elementwise.binary(x, v, outShape: x.shape, outDType: .float32) { (a: Float, b: Float) -> Float in
                a == b || (nanMatches && a.isNaN && b.isNaN) ? 1 : 0
            }
        let count = try mask.sum(dims: dims, keepdim: true)
        return [try mask.mul(g.reshape(keepShape)).div(count)]
    }

    /// The maximum over `dims` (all when empty); NaN wins; ties share the gradient.
    public func amax(dims: [Int] = [], keepdim: Bool = false) throws -> Tensor {
        try extremeReduction("amax", dims: dims, keepdim: keepdim, greater: true)
    }

    /// The minimum over `dims` (all when empty); NaN wins; ties share the gradient.
    public func amin(dims: [Int] = [], keepdim: Bool = false) throws -> Tensor {
        try extremeReduction("amin", dims: dims, keepdim: keepdim, greater: false)
    }

    /// (amin, amax) over one dim or all elements, PyTorch's aminmax.
    public func aminmax(dim: Int? = nil, keepdim: Bool = false) throws -> (min: Tensor, max: Tensor) {
        if count == 0 && dim == nil {
            throw TensorError("aminmax", "cannot reduce an empty tensor (shape \(shapeString(shape))) without a dim")
        }
        let dims = dim.map { [$0] } ?? []
        return (try extremeReduction("aminmax", dims: dims, keepdim: keepdim, greater: false),
                try extremeReduction("aminmax", dims: dims, keepdim: keepdim, greater: true))
    }
}
