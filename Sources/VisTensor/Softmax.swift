import Foundation

/// softmax and log_softmax along a dimension, numerically stable (the row maximum is
/// subtracted before exponentiating), with fused backward kernels.
extension Tensor {
    /// Runs `kernel(in row, out row, length)` on every row of this tensor with `dim`
    /// moved last, and returns the result in the original dimension order.
    private func rowwise(_ dim: Int, op: String,
                         _ kernel: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void) throws -> (out: Tensor, d: Int) {
        guard dtype == .float32 else { throw TensorError(op, "expected a float32 tensor, got \(dtype)") }
        let d = try Shape.normalizeDim(dim, ndim, op: op)
        // An empty tensor has nothing to compute (and its other sizes may overflow
        // the row arithmetic below: [0, 2**62] has rows of 2**62).
        if count == 0 { return (Tensor(uninitialized: shape), d) }
        let last = Swift.max(ndim - 1, 0)
        let moved = (d == last || ndim == 0) ? detach().contiguous() : try detach().transpose(d, last).contiguous()
        let out = Tensor(uninitialized: moved.shape)
        let inner = ndim == 0 ? 1 : moved.shape[last]
        let rows = inner == 0 ? 0 : moved.count / inner
        let src = UnsafePointer(moved.floatPointer), dst = out.floatPointer
        Parallel.forRange(rows, costPerElement: inner * 8) { s, e in
            for r in s..<e { kernel(src + r * inner, dst + r * inner, inner) }
        }
        return ((d == last || ndim == 0) ? out : try out.transpose(d, last), d)
    }

    /// exp(x) / sum(exp(x)) along `dim`.
    public func softmax(dim: Int) throws -> Tensor {
        if dtype == .float64 {
            // float64: composed from differentiable float64 ops (the row maximum,
            // detached as in the fused kernel, is subtracted for stability).
            let d = try Shape.normalizeDim(dim, ndim, op: "softmax")
            if count == 0 { return self.detach() }
            let e = try sub(max(dim: d, keepdim: true).values.detach()).exp()
            return try e.div(e.sum(dims: [d], keepdim: true))
        }
        if dtype == .float16 || dtype == .bfloat16 { return try to(.float32).softmax(dim: dim).to(dtype) }
        let (out, d) = try rowwise(dim, op: "softmax") { x, y, n in
            var m = -Float.infinity
            for i in 0..<n { m = Swift.max(m, x[i]) }
            var s: Float = 0
            for i in 0..<n { let e = Foundation.exp(x[i] - m); y[i] = e; s += e }
            let inv = 1 / s
            for i in 0..<n { y[i] *= inv }
        }
        if Autograd.needsGraph(self) {
            let y = out.detach()
            Autograd.record(out, "softmax", [self], saving: [out]) { g in
                // dx = y * (g - sum(g * y))
                let gy = try g.mul(y)
                return [try gy.sub(y.mul(gy.sum(dims: [d], keepdim: true)))]
            }
        }
        return out
    }

    /// x - max - log(sum(exp(x - max))) along `dim`.
    public func logSoftmax(dim: Int) throws -> Tensor {
        if dtype == .float64 {
            let d = try Shape.normalizeDim(dim, ndim, op: "log_softmax")
            if count == 0 { return self.detach() }
            let shifted = try sub(max(dim: d, keepdim: true).values.detach())
            return try shifted.sub(shifted.exp().sum(dims: [d], keepdim: true).log())
        }
        if dtype == .float16 || dtype == .bfloat16 { return try to(.float32).logSoftmax(dim: dim).to(dtype) }
        let (out, d) = try rowwise(dim, op: "log_softmax") { x, y, n in
            var m = -Float.infinity
            for i in 0..<n { m = Swift.max(m, x[i]) }
            var s: Float = 0
            for i in 0..<n { s += Foundation.exp(x[i] - m) }
            let lse = m + Foundation.log(s)
            for i in 0..<n { y[i] = x[i] - lse }
        }
        if Autograd.needsGraph(self) {
            let y = out.detach()
            Autograd.record(out, "log_softmax", [self], saving: [out]) { g in
                // dx = g - exp(y) * sum(g)
                return [try g.sub(y.exp().mul(g.sum(dims: [d], keepdim: true)))]
            }
        }
        return out
    }
}
