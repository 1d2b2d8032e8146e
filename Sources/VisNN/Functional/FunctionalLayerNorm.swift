import VisTensor

/// Layer normalisation (PyTorch's `F.layer_norm`): each row of the trailing
/// `normalizedShape` dimensions is normalised by its own mean and variance, then scaled
/// and shifted elementwise. Fused forward and backward kernels.
extension Functional {
    /// `y = (x - mean) / sqrt(var + eps) * weight + bias`, statistics (biased variance)
    /// over the last `normalizedShape.count` dimensions.
    ///
    /// - x: [*, normalizedShape...]
    /// - weight, bias: optional, of shape `normalizedShape` (elementwise affine).
    ///
    /// Differentiable with respect to x, weight and bias.
    public static func layerNorm(_ x: Tensor, normalizedShape: [Int], weight: Tensor? = nil,
                                 bias: Tensor? = nil, eps: Double = 1e-5) throws -> Tensor {
        let op = "layer_norm"
        if let routed = try LayerDType.route(op, [x, weight, bias], mismatch: LayerDType.mixedNorm, float32: { f in
            try layerNorm(f(x), normalizedShape: normalizedShape, weight: weight.map(f), bias: bias.map(f), eps: eps)
        }, float64: {
            try layerNormChecks(x, normalizedShape: normalizedShape, weight: weight, bias: bias)
            return try Float64Norms.layerNorm(x, dims: normalizedShape.count, weight: weight, bias: bias, eps: eps)
        }) { return routed }
        try layerNormChecks(x, normalizedShape: normalizedShape, weight: weight, bias: bias)

        // x as [rows, m]: each row normalised on its own.
        let m = normalizedShape.reduce(1, *)
        let rows = m == 0 ? 0 : x.count / m
        let recorded = AffineInputs(x, weight: weight, bias: bias)
        let out = Tensor(uninitialized: x.shape)
        let xc = x.detach().contiguous()
        let w = NormChecks.values(weight), b = NormChecks.values(bias)
        let mean = Tensor(uninitialized: [rows]), invstd = Tensor(uninitialized: [rows])
        let px = UnsafePointer(xc.floatPointer), po = out.floatPointer
        let pw = w.map { UnsafePointer($0.floatPointer) }, pb = b.map { UnsafePointer($0.floatPointer) }
        let pm = mean.floatPointer, pis = invstd.floatPointer

        Parallel.forRange(rows, costPerElement: m * 3) { r0, r1 in
            for r in r0..<r1 {
                let src = px + r * m, dst = po + r * m
                let mu = Float(NormKernels.sum(src, m) / Double(m))
                let v = NormKernels.centeredSquares(src, m, mean: mu) / Double(m)
                let istd = Float(1 / (v + eps).squareRoot())
                pm[r] = mu
                pis[r] = istd
                switch (pw, pb) {
                case let (pw?, pb?): for j in 0..<m { dst[j] = (src[j] - mu) * istd * pw[j] + pb[j] }
                case let (pw?, nil): for j in 0..<m { dst[j] = (src[j] - mu) * istd * pw[j] }
                case let (nil, pb?): for j in 0..<m { dst[j] = (src[j] - mu) * istd + pb[j] }
                case (nil, nil): NormKernels.affine(src, dst, m, scale: istd, shift: -mu * istd)
                }
            }
        }
        // The kernel wrote through raw pointers: keep its tensors alive to here.
        withExtendedLifetime((xc, w, b, mean, invstd)) {}

        if Autograd.needsGraph(recorded.inputs) {
            let shape = x.shape
            Autograd.record(out, op, recorded.inputs, saving: [x] + (weight.map { [$0] } ?? [])) { g in
                // g: [rows, m]. Per row, with xhat = (x - mean) * invstd and gw = g * w:
                //   dx = invstd * (gw - sum(gw) / m - xhat * sum(gw * xhat) / m)
                // and per column: dweight = sum_rows(g * xhat), dbias = sum_rows(g).
                let gc = g.contiguous()
                let pg = UnsafePointer(gc.floatPointer)
                let dx: Tensor? = recorded.xNeedsGrad ? Tensor(uninitialized: shape) : nil
                let pdx = dx?.floatPointer
                // Rows are split into fixed chunks (one per core); each chunk computes its
                // rows' dx and its own column sums for dweight and dbias (float over
                // blocks of 256 rows, then double), combined in chunk order afterwards,
                // so the result does not depend on thread timing.
                let chunks = Swift.max(1, Swift.min(Parallel.cores, rows))
                let partials = Storage(byteCount: chunks * 2 * m * MemoryLayout<Double>.size)
                let acc = partials.data.assumingMemoryBound(to: Double.self)
                Parallel.forRange(chunks, costPerElement: Swift.max(rows / chunks, 1) * m * 5) { k0, k1 in
                    let scratch = Storage(byteCount: 2 * m * MemoryLayout<Float>.size)
                    let sw = scratch.data.assumingMemoryBound(to: Float.self), sb = sw + m
                    for k in k0..<k1 {
                        let chunkAcc = acc + k * 2 * m
                        chunkAcc.initialize(repeating: 0, count: 2 * m)
                        var r = rows * k / chunks
                        let last = rows * (k + 1) / chunks
                        while r < last {
                            let end = Swift.min(last, r + 256)
                            sw.initialize(repeating: 0, count: 2 * m)
                            while r < end {
                                let gr = pg + r * m, xr = px + r * m
                                let mu = pm[r], istd = pis[r]
                                NormKernels.accumulateColumns(gr, xr, m, mean: mu, invstd: istd, sw, sb)
                                if let pdx {
                                    let (sgw, sgwx) = pw.map { NormKernels.weightedGradSums(gr, $0, xr, m, mean: mu) }
                                        ?? NormKernels.gradSums(gr, xr, m, mean: mu)
                                    // dx = gw * istd + x * k2 + k3 (xhat's mean folded into k3).
                                    let sd = Double(istd)
                                    let k2 = -sd * sd * sd * sgwx / Double(m)
                                    let k3 = -sd * sgw / Double(m) - k2 * Double(mu)
                                    if let pw {
                                        NormKernels.weightedGradInput(gr, pw, xr, pdx + r * m, m, a: istd, b: Float(k2), c: Float(k3))
                                    } else {
                                        NormKernels.gradInput(gr, xr, pdx + r * m, m, a: istd, b: Float(k2), c: Float(k3))
                                    }
                                }
                                r += 1
                            }
                            for j in 0..<(2 * m) { chunkAcc[j] += Double(sw[j]) }
                        }
                    }
                    withExtendedLifetime(scratch) {}
                }
                let dw = Tensor(uninitialized: [m]), db = Tensor(uninitialized: [m])
                for j in 0..<m {
                    var accW = 0.0, accB = 0.0
                    for k in 0..<chunks {
                        accW += acc[k * 2 * m + j]
                        accB += acc[k * 2 * m + m + j]
                    }
                    dw.floatPointer[j] = Float(accW)
                    db.floatPointer[j] = Float(accB)
                }
                withExtendedLifetime((gc, partials, xc, mean, invstd, w, b)) {}
                return try recorded.gradients(dx: dx, dWeight: dw, dBias: db)
            }
        }
        return out
    }

    /// The argument checks of `layerNorm`, shared by its float32 and float64 paths.
    static func layerNormChecks(_ x: Tensor, normalizedShape: [Int], weight: Tensor?, bias: Tensor?) throws {
        let op = "layer_norm"
        try NormChecks.float32(x, op)
        // An empty input may carry sizes whose products (rows, planes) overflow.
        try Shape.validateExtent(x.shape, op: op)
        guard !normalizedShape.isEmpty else {
            throw TensorError(op, "Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one element, but got normalized_shape = []")
        }
        guard x.ndim >= normalizedShape.count, Array(x.shape.suffix(normalizedShape.count)) == normalizedShape else {
            throw TensorError(op, "Given normalized_shape=\(shapeString(normalizedShape)), expected input with shape [*, \(normalizedShape.map(String.init).joined(separator: ", "))], but got input of size\(shapeString(x.shape))")
        }
        for (name, t) in [("weight", weight), ("bias", bias)] {
            guard let t else { continue }
            try NormChecks.float32(t, op)
            guard t.shape == normalizedShape else {
                throw TensorError(op, "Expected \(name) to be of same shape as normalized_shape, but got \(name) of shape \(shapeString(t.shape)) and normalized_shape = \(shapeString(normalizedShape))")
            }
        }
    }
}
