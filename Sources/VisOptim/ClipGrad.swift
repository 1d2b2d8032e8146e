import Foundation
import VisTensor

/// Rescales the gradients of `params` in place so that their joint norm is at most
/// `maxNorm`, numerically PyTorch's `torch.nn.utils.clip_grad_norm_`:
///
///     total = ‖(‖g₁‖ₚ, ‖g₂‖ₚ, ...)‖ₚ          (p = normType; ∞: the largest |gᵢ|)
///     coef  = min(maxNorm / (total + 1e-6), 1)
///     gᵢ ← gᵢ·coef
///
/// Parameters without a gradient are skipped; with none at all the total is 0.
/// Returns the total norm before clipping (a float32 value, widened, unless a gradient is float64). With
/// `errorIfNonfinite`, a NaN or infinite total throws instead of scaling by it.
///
/// Each gradient's norm is accumulated in double precision in a fixed number of
/// chunks (so the result does not depend on the core count) and rounded to float32,
/// as PyTorch's float32 `vector_norm` result is.
@discardableResult
public func clipGradNorm(_ params: [Tensor], maxNorm: Double, normType: Double = 2,
                         errorIfNonfinite: Bool = false) throws -> Double {
    guard normType > 0 else {
        throw TensorError("clip_grad_norm", "norm_type must be positive or inf, got \(normType)")
    }
    let grads = try clipGradients(params, op: "clip_grad_norm")
    if grads.isEmpty { return 0 }
    let p = normType
    // Each gradient's norm in its own dtype; the total is float64 when any gradient
    // is (PyTorch stacks the norms with type promotion), else float32.
    let norms = grads.map { GradNorm.norm($0, p) }
    let wide = grads.contains { $0.dtype == .float64 }
    var total: Double
    if p.isInfinite {
        total = norms.reduce(0, GradNorm.nanMax)
    } else {
        var sum = 0.0
        for n in norms { sum += GradNorm.power(n, p) }
        total = GradNorm.root(sum, p)
    }
    if !wide { total = Double(Float(total)) }
    if errorIfNonfinite && !total.isFinite {
        throw TensorError("clip_grad_norm", "the total norm of order \(normType) of the gradients is non-finite (\(total)), so they cannot be clipped; pass error_if_nonfinite=false to scale them by it anyway")
    }
    // Arithmetic in the total's dtype, as PyTorch computes it on the total-norm
    // tensor; each gradient is then scaled by the coefficient in its own dtype.
    let coef = wide ? maxNorm / (total + 1e-6) : Double(Float(maxNorm) / (Float(total) + Float(1e-6)))
    if coef < 1 || coef.isNaN {
        for g in grads { try GradNorm.scale(g, by: coef) }
    }
    return total
}

/// Clamps every gradient of `params` in place to [−clipValue, clipValue]
/// (PyTorch's `torch.nn.utils.clip_grad_value_`; NaN stays NaN). Parameters without
/// a gradient are skipped.
public func clipGradValue(_ params: [Tensor], clipValue: Double) throws {
    guard clipValue >= 0 else {
        throw TensorError("clip_grad_value", "clip_value must be non-negative, got \(clipValue)")
    }
    for g in try clipGradients(params, op: "clip_grad_value") {
        if g.dtype == .float64 {
            let c = clipValue
            try GradNorm.inPlace(g, as: Double.self) { x, n in
                for i in 0..<n {
                    let v = x[i]
                    x[i] = v > c ? c : (v < -c ? -c : v)
                }
            }
            continue
        }
        let c = Float(clipValue)
        try GradNorm.inPlace(g, as: Float.self) { x, n in
            FusedUpdate.loop(n) { start, end in
                for i in start..<end {
                    let v = x[i]
                    x[i] = v > c ? c : (v < -c ? -c : v)
                }
            }
        }
    }
}

/// The gradients present among `params`, checked to be float32 or float64.
private func clipGradients(_ params: [Tensor], op: String) throws -> [Tensor] {
    var grads: [Tensor] = []
    for (i, p) in params.enumerated() {
        guard let g = p.grad else { continue }
        guard g.dtype == .float32 || g.dtype == .float64 else {
            throw TensorError(op, "the gradient of parameter \(i) is \(g.dtype); vis clips float32 and float64 gradients only")
        }
        grads.append(g)
    }
    return grads
}

/// Norms and in-place scaling of gradient tensors.
enum GradNorm {
    /// Chunks a large norm is summed in: fixed, so results are the same on any machine.
    static let chunks = 16

    /// The larger of a and b, NaN if either is (as PyTorch's max reductions).
    @inline(__always) static func nanMax<T: FloatingPoint>(_ a: T, _ b: T) -> T {
        a.isNaN || b.isNaN ? .nan : Swift.max(a, b)
    }

    @inline(__always) static func power(_ x: Double, _ p: Double) -> Double {
        p == 2 ? x * x : (p == 1 ? x : Foundation.pow(x, p))
    }

    @inline(__always) static func root(_ s: Double, _ p: Double) -> Double {
        p == 2 ? s.squareRoot() : (p == 1 ? s : Foundation.pow(s, 1 / p))
    }

    /// ‖g‖ₚ, rounded to float32 for a float32 gradient.
    static func norm(_ g: Tensor, _ p: Double) -> Double {
        let t = g.isContiguous ? g : g.detach().contiguous()
        if g.dtype == .float64 { return norm(UnsafePointer(t.doublePointer), t.count, p) }
        return Double(Float(norm(UnsafePointer(t.floatPointer), t.count, p)))
    }

    /// ‖x[0..<n]‖ₚ accumulated in double.
    static func norm<T: OptimizerElement>(_ x: UnsafePointer<T>, _ n: Int, _ p: Double) -> Double {
        let parts = n >= Parallel.grain ? chunks : 1
        var sums = [Double](repeating: 0, count: parts)
        sums.withUnsafeMutableBufferPointer { out in
            guard let base = out.baseAddress else { return }
            let body = { (c: Int) in base[c] = GradNorm.partial(x, n * c / parts, n * (c + 1) / parts, p) }
            if parts == 1 { body(0) } else { DispatchQueue.concurrentPerform(iterations: parts, execute: body) }
        }
        if p.isInfinite { return sums.reduce(0, nanMax) }
        return root(sums.reduce(0, +), p)
    }

    /// Σ |x|ᵖ over x[start..<end] (the largest |x| for p = ∞), with four accumulators
    /// so the additions overlap.
    private static func partial<T: OptimizerElement>(_ x: UnsafePointer<T>, _ start: Int, _ end: Int, _ p: Double) -> Double {
        if p.isInfinite {
            var m: T = 0
            for i in start..<end {
                let a = Swift.abs(x[i])
                if a > m || a.isNaN { m = a }
                if m.isNaN { break }
            }
            return Double(m)
        }
        if p != 2 {
            var s = 0.0
            for i in start..<end { s += power(Double(Swift.abs(x[i])), p) }
            return s
        }
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var i = start
        while i + 4 <= end {
            let a = Double(x[i]), b = Double(x[i + 1]), c = Double(x[i + 2]), d = Double(x[i + 3])
            s0 += a * a; s1 += b * b; s2 += c * c; s3 += d * d
            i += 4
        }
        while i < end { let a = Double(x[i]); s0 += a * a; i += 1 }
        return (s0 + s1) + (s2 + s3)
    }

    /// g ← g·coef in place, with coef rounded to g's dtype.
    static func scale(_ g: Tensor, by coef: Double) throws {
        if g.dtype == .float64 {
            try inPlace(g, as: Double.self) { x, n in for i in 0..<n { x[i] = x[i] * coef } }
            return
        }
        let c = Float(coef)
        try inPlace(g, as: Float.self) { x, n in
            FusedUpdate.loop(n) { start, end in for i in start..<end { x[i] = x[i] * c } }
        }
    }

    /// Runs `body` over `g`'s elements as one contiguous run, writing back when `g`
    /// is a strided view.
    static func inPlace<T: OptimizerElement>(_ g: Tensor, as: T.Type, _ body: (UnsafeMutablePointer<T>, Int) -> Void) throws {
        if g.isContiguous { body(g.pointer(as: T.self), g.count); return }
        let work = g.detach().contiguous()
        body(work.pointer(as: T.self), work.count)
        try withNoGrad { try g.assign(work) }
    }
}
