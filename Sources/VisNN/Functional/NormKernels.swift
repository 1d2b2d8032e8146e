import VisTensor

/// The inner loops shared by batch, layer and group normalisation: sums over a
/// contiguous run of floats and the per-element affine maps of the forward and
/// backward passes.
///
/// Sums use eight float lanes (one AVX register) over blocks of `block` elements and
/// add each block's total into a double, so they vectorise yet do not drift over the
/// hundreds of thousands of elements one batch-norm channel can hold.
enum NormKernels {
    /// Elements summed in float lanes before the running total moves to double.
    static let block = 1024

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always)
    static func load(_ p: UnsafeMutablePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    /// sum(p[0..<n]).
    @inline(__always)
    static func sum(_ p: UnsafePointer<Float>, _ n: Int) -> Double {
        var total = 0.0
        var i = 0
        while i < n {
            let end = Swift.min(n, i + block)
            var acc = SIMD8<Float>()
            while i + 8 <= end { acc += load(p + i); i += 8 }
            var t = Double(acc.sum())
            while i < end { t += Double(p[i]); i += 1 }
            total += t
        }
        return total
    }

    /// sum((p[i] - mean)^2): the second pass of a two-pass variance, which keeps full
    /// precision where sum(x^2) - n mean^2 would cancel.
    @inline(__always)
    static func centeredSquares(_ p: UnsafePointer<Float>, _ n: Int, mean: Float) -> Double {
        var total = 0.0
        let m = SIMD8<Float>(repeating: mean)
        var i = 0
        while i < n {
            let end = Swift.min(n, i + block)
            var acc = SIMD8<Float>()
            while i + 8 <= end { let d = load(p + i) - m; acc += d * d; i += 8 }
            var t = Double(acc.sum())
            while i < end { let d = p[i] - mean; t += Double(d * d); i += 1 }
            total += t
        }
        return total
    }

    /// (sum(g), sum(g * (x - mean))): the two reductions every normalisation backward needs.
    @inline(__always)
    static func gradSums(_ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ n: Int,
                         mean: Float) -> (sumG: Double, sumGX: Double) {
        var sg = 0.0, sgx = 0.0
        let m = SIMD8<Float>(repeating: mean)
        var i = 0
        while i < n {
            let end = Swift.min(n, i + block)
            var a = SIMD8<Float>(), b = SIMD8<Float>()
            while i + 8 <= end {
                let gv = load(g + i)
                a += gv
                b += gv * (load(x + i) - m)
                i += 8
            }
            var ta = Double(a.sum()), tb = Double(b.sum())
            while i < end { ta += Double(g[i]); tb += Double(g[i] * (x[i] - mean)); i += 1 }
            sg += ta
            sgx += tb
        }
        return (sg, sgx)
    }

    /// (sum(g * w), sum(g * w * (x - mean))): gradSums with an elementwise weight, for
    /// layer norm's backward.
    @inline(__always)
    static func weightedGradSums(_ g: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ x: UnsafePointer<Float>,
                                 _ n: Int, mean: Float) -> (sumG: Double, sumGX: Double) {
        var sg = 0.0, sgx = 0.0
        let m = SIMD8<Float>(repeating: mean)
        var i = 0
        while i < n {
            let end = Swift.min(n, i + block)
            var a = SIMD8<Float>(), b = SIMD8<Float>()
            while i + 8 <= end {
                let gw = load(g + i) * load(w + i)
                a += gw
                b += gw * (load(x + i) - m)
                i += 8
            }
            var ta = Double(a.sum()), tb = Double(b.sum())
            while i < end { let gw = g[i] * w[i]; ta += Double(gw); tb += Double(gw * (x[i] - mean)); i += 1 }
            sg += ta
            sgx += tb
        }
        return (sg, sgx)
    }

    /// dst[i] = src[i] * scale + shift (normalise and apply the affine in one pass).
    @inline(__always)
    static func affine(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ n: Int,
                       scale: Float, shift: Float) {
        for i in 0..<n { dst[i] = src[i] * scale + shift }
    }

    /// dst[i] = relu(src[i] * scale + shift), relu mapping NaN to 0 as `Tensor.relu` does.
    @inline(__always)
    static func affineReLU(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ n: Int,
                           scale: Float, shift: Float) {
        for i in 0..<n {
            let z = src[i] * scale + shift
            dst[i] = z > 0 ? z : 0
        }
    }

    /// gradSums with g[i] taken as 0 where y[i] <= 0: the sums of batch norm's backward
    /// when a ReLU with output y follows it.
    @inline(__always)
    static func maskedGradSums(_ g: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ x: UnsafePointer<Float>,
                               _ n: Int, mean: Float) -> (sumG: Double, sumGX: Double) {
        var sg = 0.0, sgx = 0.0
        let m = SIMD8<Float>(repeating: mean), zero = SIMD8<Float>()
        var i = 0
        while i < n {
            let end = Swift.min(n, i + block)
            var a = SIMD8<Float>(), b = SIMD8<Float>()
            while i + 8 <= end {
                let gv = zero.replacing(with: load(g + i), where: load(y + i) .> zero)
                a += gv
                b += gv * (load(x + i) - m)
                i += 8
            }
            var ta = Double(a.sum()), tb = Double(b.sum())
            while i < end {
                let gv: Float = y[i] > 0 ? g[i] : 0
                ta += Double(gv)
                tb += Double(gv * (x[i] - mean))
                i += 1
            }
            sg += ta
            sgx += tb
        }
        return (sg, sgx)
    }

    /// gradInput with g[i] taken as 0 where y[i] <= 0. Explicit lanes: the scalar loop
    /// compiles to a branch on y, which mispredicts on about half of the elements.
    @inline(__always)
    static func maskedGradInput(_ g: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ x: UnsafePointer<Float>,
                                _ dst: UnsafeMutablePointer<Float>, _ n: Int, a: Float, b: Float, c: Float) {
        let av = SIMD8<Float>(repeating: a), bv = SIMD8<Float>(repeating: b), cv = SIMD8<Float>(repeating: c)
        let zero = SIMD8<Float>()
        var i = 0
        while i + 8 <= n {
            let gv = zero.replacing(with: load(g + i), where: load(y + i) .> zero)
            store(gv * av + load(x + i) * bv + cv, dst + i)
            i += 8
        }
        while i < n {
            let gv: Float = y[i] > 0 ? g[i] : 0
            dst[i] = gv * a + x[i] * b + c
            i += 1
        }
    }

    @inline(__always)
    static func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }

    /// dst[i] = g[i] * w[i] * a + x[i] * b + c: layer norm's input gradient, with an
    /// elementwise weight.
    @inline(__always)
    static func weightedGradInput(_ g: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ x: UnsafePointer<Float>,
                                  _ dst: UnsafeMutablePointer<Float>, _ n: Int, a: Float, b: Float, c: Float) {
        let av = SIMD8<Float>(repeating: a), bv = SIMD8<Float>(repeating: b), cv = SIMD8<Float>(repeating: c)
        var i = 0
        while i + 8 <= n {
            store(load(g + i) * load(w + i) * av + load(x + i) * bv + cv, dst + i)
            i += 8
        }
        while i < n { dst[i] = g[i] * w[i] * a + x[i] * b + c; i += 1 }
    }

    /// sw[i] += g[i] * (x[i] - mean) * invstd and sb[i] += g[i]: one row's contribution
    /// to the per-column weight and bias gradients of layer norm.
    @inline(__always)
    static func accumulateColumns(_ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ n: Int, mean: Float,
                                  invstd: Float, _ sw: UnsafeMutablePointer<Float>, _ sb: UnsafeMutablePointer<Float>) {
        let m = SIMD8<Float>(repeating: mean), s = SIMD8<Float>(repeating: invstd)
        var i = 0
        while i + 8 <= n {
            let gv = load(g + i)
            store(load(sw + i) + gv * (load(x + i) - m) * s, sw + i)
            store(load(sb + i) + gv, sb + i)
            i += 8
        }
        while i < n { sw[i] += g[i] * (x[i] - mean) * invstd; sb[i] += g[i]; i += 1 }
    }

    /// dst[i] = g[i] * a + x[i] * b + c: the input gradient of a normalisation, with
    /// the per-channel (or per-group) constants folded into a, b and c.
    @inline(__always)
    static func gradInput(_ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>,
                          _ n: Int, a: Float, b: Float, c: Float) {
        for i in 0..<n { dst[i] = g[i] * a + x[i] * b + c }
    }
}

/// Argument checks shared by the normalisation ops.
enum NormChecks {
    /// Throws unless `x` holds float32 or float64 values (the ops route float64 to their
    /// float64 path before their float32 kernels, see `LayerDType`).
    static func float32(_ x: Tensor, _ op: String) throws {
        guard x.dtype == .float32 || x.dtype == .float64 else {
            throw TensorError(op, "expected a float32 or float64 tensor, got \(x.dtype) (convert with .float())")
        }
    }

    /// Throws unless the optional per-channel tensor `t` is float32 with `count`
    /// elements, in PyTorch's words (`weight should contain 3 elements not 4`).
    static func perChannel(_ t: Tensor?, _ name: String, count: Int, _ op: String) throws {
        guard let t else { return }
        guard t.dtype == .float32 || t.dtype == .float64 else {
            throw TensorError(op, "\(name) must be a float32 or float64 tensor, got \(t.dtype)")
        }
        guard t.count == count else {
            throw TensorError(op, "\(name) should contain \(count) elements not \(t.count)")
        }
    }

    /// The float32 values of an optional parameter as a contiguous tensor with no
    /// autograd history, for kernels to read through a pointer.
    static func values(_ t: Tensor?) -> Tensor? { t?.detach().contiguous() }
}

/// The inputs an op with optional affine parameters records (x, then weight and bias
/// where given), and the matching list of gradients its backward returns.
struct AffineInputs {
    let inputs: [Tensor]
    let hasWeight: Bool
    let hasBias: Bool

    init(_ x: Tensor, weight: Tensor?, bias: Tensor?) {
        var list = [x]
        if let weight { list.append(weight) }
        if let bias { list.append(bias) }
        inputs = list
        hasWeight = weight != nil
        hasBias = bias != nil
    }

    /// Whether the input gradient (and so the per-element backward pass) is wanted.
    var xNeedsGrad: Bool { inputs[0].requiresGrad }

    /// [dx, dweight?, dbias?] in the order of `inputs`, each reshaped to its input's shape.
    func gradients(dx: Tensor?, dWeight: Tensor, dBias: Tensor) throws -> [Tensor?] {
        var out: [Tensor?] = [dx]
        var k = 1
        if hasWeight { out.append(try dWeight.reshape(inputs[k].shape)); k += 1 }
        if hasBias { out.append(try dBias.reshape(inputs[k].shape)) }
        return out
    }
}
