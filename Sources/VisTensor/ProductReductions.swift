import Foundation

// prod and logsumexp: products over one dim or all elements, and the stable
// log(sum(exp(x))) over one or more dims.

extension Tensor {
    /// The product over `dim` (all elements when nil). int64 and bool give int64 (with
    /// wrapping overflow, as PyTorch's), float32 is accumulated in double. The gradient
    /// is exact with zeros in the input: a row with one zero sends the product of the
    /// others to it, a row with two or more sends zeros.
    public func prod(dim: Int? = nil, keepdim: Bool = false) throws -> Tensor {
        // float16 / bfloat16: computed in float32 and rounded back, as PyTorch's CPU kernels.
        if isHalf { return try to(.float32).prod(dim: dim, keepdim: keepdim).to(dtype) }
        let d = try reductionDims(dim.map { [$0] } ?? [], op: "prod")
        if dtype == .int64 || dtype == .bool {
            let layout = try to(.int64).reductionLayout(d)
            let out = Tensor(uninitialized: [layout.rowCount], dtype: .int64)
            let src = UnsafePointer(layout.rows.int64Pointer), n = layout.rowLength, reps = layout.repeats
            Tensor.forRowBlocks(layout.rowCount, rowLength: n) { r0, r1 in
                for r in r0..<r1 {
                    var acc: Int64 = 1
                    for i in 0..<n { acc = acc &* src[r * n + i] }
                    // A broadcast reduced dim repeats the row's product: raise it to that power.
                    var result: Int64 = 1, base = acc, k = reps
                    while k > 0 { if k & 1 == 1 { result = result &* base }; base = base &* base; k >>= 1 }
                    out.int64Pointer[r] = result
                }
            }
            try Tensor.checkInterrupt()
            return try layout.expandRows(out).reshape(keepdim ? layout.keepShape : layout.outShape)
        }
        guard dtype == .float32 || dtype == .float64 else { throw TensorError("prod", "not supported for dtype \(dtype)") }
        let layout = try reductionLayout(d)
        let reps = Double(layout.repeats)
        let rows: Tensor
        if dtype == .float64 {
            // float64 products accumulate in float64 (PyTorch's accumulate type for double).
            rows = Tensor(uninitialized: [layout.rowCount], dtype: .float64)
            let src = UnsafePointer(layout.rows.doublePointer), dst = rows.doublePointer, n = layout.rowLength
            Tensor.forRowBlocks(layout.rowCount, rowLength: n) { r0, r1 in
                for r in r0..<r1 {
                    var acc = 1.0
                    for i in 0..<n { acc *= src[r * n + i] }
                    dst[r] = reps == 1 ? acc : Foundation.pow(acc, reps)
                }
            }
        } else {
            rows = Tensor.reduceRows(layout) { p, n in
                var acc = 1.0
                for i in 0..<n { acc *= Double(p[i]) }
                return Float(reps == 1 ? acc : Foundation.pow(acc, reps))
            }
        }
        try Tensor.checkInterrupt()
        let out = try rows.reshape(keepdim ? layout.keepShape : layout.outShape)
        if Autograd.needsGraph(self) {
            let x = detach(), keep = layout.keepShape
            Autograd.record(out, "prod", [self]) { g in [try x.prodGradient(g.reshape(keep).expand(x.shape), dims: d)] }
        }
        return out
    }

    /// d prod / dx_i times the (expanded) output gradient: the product of the other
    /// elements of x_i's row, computed with prefix and suffix products so zeros need no
    /// division.
    private func prodGradient(_ g: Tensor, dims: [Int]) throws -> Tensor {
        let kept = (0..<ndim).filter { !dims.contains($0) }, perm = kept + dims
        var inverse = [Int](repeating: 0, count: perm.count)
        for (i, p) in perm.enumerated() { inverse[p] = i }
        let xs = try permute(perm).contiguous(), gs = try g.detach().permute(perm).contiguous()
        let n = dims.reduce(1) { $0 * shape[$1] }, rows = n == 0 ? 0 : count / n
        if dtype == .float64 {
            let out = Tensor(uninitialized: xs.shape, dtype: .float64)
            let px = xs.doublePointer, pg = try gs.to(.float64).contiguous(), po = out.doublePointer
            let pgp = pg.doublePointer
            for r in 0..<rows {
                let base = r * n
                var acc = 1.0
                for i in 0..<n { po[base + i] = acc; acc *= px[base + i] }
                var suffix = 1.0
                for i in stride(from: n - 1, through: 0, by: -1) {
                    po[base + i] = po[base + i] * suffix * pgp[base + i]
                    suffix *= px[base + i]
                }
            }
            return try out.permute(inverse).contiguous()
        }
        let out = Tensor(uninitialized: xs.shape)
        let px = xs.floatPointer, pg = gs.floatPointer, po = out.floatPointer
        for r in 0..<rows {
            let base = r * n
            // po holds prefix products, then each is multiplied by the running suffix.
            var acc = 1.0
            for i in 0..<n { po[base + i] = Float(acc); acc *= Double(px[base + i]) }
            var suffix = 1.0
            for i in stride(from: n - 1, through: 0, by: -1) {
                po[base + i] = Float(Double(po[base + i]) * suffix) * pg[base + i]
                suffix *= Double(px[base + i])
            }
        }
        return try out.permute(inverse).contiguous()
    }

    /// log(sum(exp(x))) over `dims` (all when empty), computed stably by subtracting the
    /// maximum (0 where the maximum is infinite, as PyTorch does). Integers give float32;
    /// an empty reduction gives -inf. Differentiable (the gradient is softmax(x) * g).
    public func logsumexp(dims: [Int], keepdim: Bool = false) throws -> Tensor {
        // float16 / bfloat16: computed in float32 and rounded back, as PyTorch's CPU kernels.
        if isHalf { return try to(.float32).logsumexp(dims: dims, keepdim: keepdim).to(dtype) }
        let x = dtype == .float64 ? self : try floatOperand("logsumexp")
        let d = try reductionDims(dims, op: "logsumexp")
        if d.contains(where: { shape[$0] == 0 }) || (count == 0 && d.isEmpty) {
            let keep = keepShape(d)
            return Tensor.full(keepdim ? keep : (0..<ndim).filter { !d.contains($0) }.map { shape[$0] }, -.infinity, dtype: x.dtype)
        }
        let m = try x.detach().amax(dims: d, keepdim: true)
        let shift = x.dtype == .float64
            ? Elementwise.unary(m, outDType: .float64) { (v: Double) -> Double in v.isInfinite ? 0 : v }
            : Elementwise.unary(m, outDType: .float32) { (v: Float) -> Float in v.isInfinite ? 0 : v }
        let s = try x.sub(shift).exp().sum(dims: d, keepdim: true).log().add(shift)
        return keepdim ? s : try s.reshape((0..<ndim).filter { !d.contains($0) }.map { shape[$0] })
    }
}
