import Foundation

// Scans along one dim: cumsum, cumprod, cummax / cummin (values and indices) and
// logcumsumexp, with PyTorch's dtypes (int64 / bool sums and products give int64),
// NaN rules (a NaN propagates to the end of cummax / cummin and takes the index) and
// gradients (cumprod's exact with zeros).

extension Tensor {
    /// Runs `scan(src row, dst row, length)` over every row along `dim` and returns
    /// the result in this tensor's shape.
    private func scanRows<A, R>(_ rows: DimRows, _ op: String, inType: A.Type, outDType: DType,
                                _ scan: (UnsafePointer<A>, UnsafeMutablePointer<R>, Int) -> Void) throws -> Tensor {
        let out = Tensor(uninitialized: [rows.outer * rows.length], dtype: outDType)
        let src = UnsafePointer(rows.rows.storage.data.assumingMemoryBound(to: A.self) + rows.rows.offset)
        let dst = out.storage.data.assumingMemoryBound(to: R.self)
        let n = rows.length
        Parallel.forRange(rows.outer, costPerElement: Swift.max(n, 1)) { r0, r1 in
            var r = r0
            let poll = Tensor.rowsPerPoll(n)
            while r < r1 {
                let stop = Swift.min(r1, r + poll)
                for i in r..<stop { scan(src + i * n, dst + i * n, n) }
                if Interrupt.requested { return }
                r = stop
            }
        }
        try Tensor.checkInterrupt()
        return try rows.restore(out)
    }

    /// The running sum along `dim`. Float32 is accumulated in double (as PyTorch's CPU
    /// kernel does); int64 and bool give int64. The gradient is the reversed running sum.
    public func cumsum(dim: Int) throws -> Tensor {
        // float16 / bfloat16: computed in float32 and rounded back, as PyTorch's CPU kernels.
        if isHalf { return try to(.float32).cumsum(dim: dim).to(dtype) }
        if dtype == .int64 || dtype == .bool {
            let rows = try to(.int64).dimRows(dim, op: "cumsum")
            return try scanRows(rows, "cumsum", inType: Int64.self, outDType: .int64) { (s: UnsafePointer<Int64>, o: UnsafeMutablePointer<Int64>, n: Int) in
                var acc: Int64 = 0
                for i in 0..<n { acc = acc &+ s[i]; o[i] = acc }
            }
        }
        guard dtype == .float32 || dtype == .float64 else { throw TensorError("cumsum", "not supported for dtype \(dtype)") }
        return dtype == .float64 ? try cumsumFloat(dim: dim, Double.self) : try cumsumFloat(dim: dim, Float.self)
    }

    /// The float32 / float64 kernel of `cumsum`, one generic body for both (accumulated in double).
    private func cumsumFloat<T: VisFloat>(dim: Int, _: T.Type) throws -> Tensor {
        let rows = try dimRows(dim, op: "cumsum")
        let out = try scanRows(rows, "cumsum", inType: T.self, outDType: T.dtype) { (s: UnsafePointer<T>, o: UnsafeMutablePointer<T>, n: Int) in
            var acc = 0.0
            for i in 0..<n { acc += Double(s[i]); o[i] = T(acc) }
        }
        if Autograd.needsGraph(self) {
            let d = rows.dim
            Autograd.record(out, "cumsum", [self]) { g in
                let gr = try g.detach().cast(T.dtype).dimRows(d, op: "cumsum")
                return [try g.cast(T.dtype).scanRows(gr, "cumsum", inType: T.self, outDType: T.dtype) { (s: UnsafePointer<T>, o: UnsafeMutablePointer<T>, n: Int) in
                    var acc = 0.0
                    for i in stride(from: n - 1, through: 0, by: -1) { acc += Double(s[i]); o[i] = T(acc) }
                }]
            }
        }
        return out
    }

    /// The running product along `dim` (int64 / bool give int64). The gradient of x_i is
    /// prefix(i - 1) * S_i with S_i = g_i + x_(i+1) * S_(i+1): exact when x holds zeros.
    public func cumprod(dim: Int) throws -> Tensor {
        // float16 / bfloat16: computed in float32 and rounded back, as PyTorch's CPU kernels.
        if isHalf { return try to(.float32).cumprod(dim: dim).to(dtype) }
        if dtype == .int64 || dtype == .bool {
            let rows = try to(.int64).dimRows(dim, op: "cumprod")
            return try scanRows(rows, "cumprod", inType: Int64.self, outDType: .int64) { (s: UnsafePointer<Int64>, o: UnsafeMutablePointer<Int64>, n: Int) in
                var acc: Int64 = 1
                for i in 0..<n { acc = acc &* s[i]; o[i] = acc }
            }
        }
        guard dtype == .float32 || dtype == .float64 else { throw TensorError("cumprod", "not supported for dtype \(dtype)") }
        return dtype == .float64 ? try cumprodFloat(dim: dim, Double.self) : try cumprodFloat(dim: dim, Float.self)
    }

    /// The float32 / float64 kernel of `cumprod`, one generic body for both (accumulated in double).
    private func cumprodFloat<T: VisFloat>(dim: Int, _: T.Type) throws -> Tensor {
        let rows = try dimRows(dim, op: "cumprod")
        let out = try scanRows(rows, "cumprod", inType: T.self, outDType: T.dtype) { (s: UnsafePointer<T>, o: UnsafeMutablePointer<T>, n: Int) in
            var acc = 1.0
            for i in 0..<n { acc *= Double(s[i]); o[i] = T(acc) }
        }
        if Autograd.needsGraph(self) {
            let d = rows.dim, xr = rows
            // PyTorch's CumprodBackward0 saves the input and the result.
            Autograd.record(out, "cumprod", [self], saving: [self, out]) { g in
                let gr = try g.detach().cast(T.dtype).dimRows(d, op: "cumprod")
                let res = Tensor(uninitialized: [xr.outer * xr.length], dtype: T.dtype)
                let px = xr.rows.pointer(as: T.self), pg = gr.rows.pointer(as: T.self), po = res.pointer(as: T.self), n = xr.length
                for r in 0..<xr.outer {
                    let x = px + r * n, gg = pg + r * n, o = po + r * n
                    var s = 0.0
                    // o[i] = S_i first, then multiplied by the prefix product before i.
                    for i in stride(from: n - 1, through: 0, by: -1) {
                        if Interrupt.due(i) { try Interrupt.check() }  // one huge row: Ctrl-C between blocks
                        s = Double(gg[i]) + (i + 1 < n ? Double(x[i + 1]) * s : 0)
                        o[i] = T(s)
                    }
                    var prefix = 1.0
                    for i in 0..<n {
                        if Interrupt.due(i) { try Interrupt.check() }
                        o[i] = T(Double(o[i]) * prefix); prefix *= Double(x[i])
                    }
                }
                return [try xr.restore(res)]
            }
        }
        return out
    }

    /// The running maximum (`greater`) or minimum along `dim` and the index where it was
    /// reached: the last index on ties, and a NaN takes over (with its index) from where
    /// it appears, as PyTorch's cummax / cummin. The gradient goes to those indices.
    public func cumulativeExtreme(dim: Int, greater: Bool) throws -> (values: Tensor, indices: Tensor) {
        // float16 / bfloat16: computed in float32 and rounded back, as PyTorch's CPU kernels.
        if isHalf { let r = try to(.float32).cumulativeExtreme(dim: dim, greater: greater); return (try r.values.to(dtype), r.indices) }
        let op = greater ? "cummax" : "cummin"
        guard dtype == .float32 || dtype == .float64 || dtype == .int64 || dtype == .bool else { throw TensorError(op, "not supported for dtype \(dtype)") }
        let source = dtype == .bool ? try to(.int64) : self
        let rows = try source.dimRows(dim, op: op)
        let n = rows.length
        let values = Tensor(uninitialized: [rows.outer * n], dtype: source.dtype)
        let indices = Tensor(uninitialized: [rows.outer * n], dtype: .int64)
        let pi = indices.int64Pointer
        if source.dtype == .float32 {
            Tensor.cumulativeExtremeRows(rows, values, pi, Float.self, greater: greater)
        } else if source.dtype == .float64 {
            Tensor.cumulativeExtremeRows(rows, values, pi, Double.self, greater: greater)
        } else {
            let ps = rows.rows.int64Pointer, pv = values.int64Pointer
            for r in 0..<rows.outer {
                let b = r * n
                var best: Int64 = 0, at: Int64 = 0
                for i in 0..<n {
                    let v = ps[b + i]
                    if i == 0 || (greater ? v >= best : v <= best) { best = v; at = Int64(i) }
                    pv[b + i] = best; pi[b + i] = at
                }
            }
        }
        let v = try rows.restore(dtype == .bool ? try values.to(.bool) : values)
        let idx = try rows.restore(indices)
        if Autograd.needsGraph(self) {
            let d = rows.dim, inShape = shape, vdt = v.dtype
            Autograd.record(v, op, [self]) { g in
                [try Tensor.full(inShape, 0, dtype: vdt).scatterAdd(dim: d, index: idx, source: g.cast(vdt).contiguous())]
            }
        }
        return (v, idx)
    }

    /// The float rows of cummax / cummin (values into `values`, indices into `pi`), one
    /// kernel for float32 and float64.
    private static func cumulativeExtremeRows<T: VisFloat>(_ rows: DimRows, _ values: Tensor, _ pi: UnsafeMutablePointer<Int64>,
                                                           _: T.Type, greater: Bool) {
        let n = rows.length
        let ps = rows.rows.pointer(as: T.self), pv = values.pointer(as: T.self)
        for r in 0..<rows.outer {
            let b = r * n
            var best = T.nan, at: Int64 = 0
            for i in 0..<n {
                let v = ps[b + i]
                if i == 0 || v.isNaN || (!best.isNaN && (greater ? v >= best : v <= best)) { best = v; at = Int64(i) }
                pv[b + i] = best; pi[b + i] = at
            }
        }
    }

    /// log(cumsum(exp(x))) along `dim`, computed stably in double; float only, as in PyTorch.
    /// The gradient of x_i is sum_(j >= i) g_j exp(x_i - y_j), run backwards as
    /// U_i = g_i + exp(y_i - y_(i+1)) U_(i+1) so that no exponential overflows.
    public func logcumsumexp(dim: Int) throws -> Tensor {
        // float16 / bfloat16: computed in float32 and rounded back, as PyTorch's CPU kernels.
        if isHalf { return try to(.float32).logcumsumexp(dim: dim).to(dtype) }
        guard dtype == .float32 || dtype == .float64 else { throw TensorError("logcumsumexp", "not supported for dtype \(dtype)") }
        return dtype == .float64 ? try logcumsumexpFloat(dim: dim, Double.self) : try logcumsumexpFloat(dim: dim, Float.self)
    }

    /// The float32 / float64 kernel of `logcumsumexp`, one generic body for both (accumulated in double).
    private func logcumsumexpFloat<T: VisFloat>(dim: Int, _: T.Type) throws -> Tensor {
        let rows = try dimRows(dim, op: "logcumsumexp")
        let out = try scanRows(rows, "logcumsumexp", inType: T.self, outDType: T.dtype) { (s: UnsafePointer<T>, o: UnsafeMutablePointer<T>, n: Int) in
            var acc = -Double.infinity
            for i in 0..<n {
                let v = Double(s[i])
                if v.isNaN || acc.isNaN { acc = .nan } else {
                    let hi = Swift.max(acc, v), lo = Swift.min(acc, v)
                    // Equal infinities: adding exp(0) terms would make inf - inf.
                    acc = hi.isInfinite && lo == hi ? hi : hi + Foundation.log1p(Foundation.exp(lo - hi))
                }
                o[i] = T(acc)
            }
        }
        if Autograd.needsGraph(self) {
            let d = rows.dim, xr = rows, yd = out.detach()
            // PyTorch's LogcumsumexpBackward0 saves the input and the result.
            Autograd.record(out, "logcumsumexp", [self], saving: [self, out]) { g in
                let gr = try g.detach().cast(T.dtype).dimRows(d, op: "logcumsumexp"), yr = try yd.dimRows(d, op: "logcumsumexp")
                let res = Tensor(uninitialized: [xr.outer * xr.length], dtype: T.dtype)
                let px = xr.rows.pointer(as: T.self), pg = gr.rows.pointer(as: T.self), py = yr.rows.pointer(as: T.self), po = res.pointer(as: T.self), n = xr.length
                func expDiff(_ a: Double, _ b: Double) -> Double { a == b ? 1 : Foundation.exp(a - b) }
                for r in 0..<xr.outer {
                    let b = r * n
                    var u = 0.0
                    for i in stride(from: n - 1, through: 0, by: -1) {
                        if Interrupt.due(i) { try Interrupt.check() }  // one huge row: Ctrl-C between blocks
                        let yi = Double(py[b + i])
                        u = Double(pg[b + i]) + (i + 1 < n ? expDiff(yi, Double(py[b + i + 1])) * u : 0)
                        po[b + i] = T(expDiff(Double(px[b + i]), yi) * u)
                    }
                }
                return [try xr.restore(res)]
            }
        }
        return out
    }
}
