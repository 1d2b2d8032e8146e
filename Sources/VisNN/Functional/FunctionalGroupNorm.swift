import VisTensor

/// Group normalisation (PyTorch's `F.group_norm`): the channels of each sample are split
/// into `groups` groups, each normalised by its own mean and variance, then scaled and
/// shifted per channel. Fused forward and backward kernels.
extension Functional {
    /// `y = (x - mean_g) / sqrt(var_g + eps) * weight[c] + bias[c]`, statistics (biased
    /// variance) over each sample's group of C / groups channels and all positions.
    ///
    /// - x: [N, C, ...] with C divisible by `groups`.
    /// - weight, bias: optional [C] per-channel affine parameters.
    ///
    /// Differentiable with respect to x, weight and bias.
    public static func groupNorm(_ x: Tensor, groups: Int, weight: Tensor? = nil,
                                 bias: Tensor? = nil, eps: Double = 1e-5) throws -> Tensor {
        let op = "group_norm"
        if LayerDType.isHalf(x) {
            return try LayerDType.route(op, [x, weight, bias], mismatch: LayerDType.mixedNorm, float32: { f in
                try groupNorm(f(x), groups: groups, weight: weight.map(f), bias: bias.map(f), eps: eps)
            }, float64: { x }) ?? x
        }
        let f64 = try LayerDType.common(op, [x, weight, bias], mismatch: LayerDType.mixedNorm) == .float64
        // An empty input may carry sizes whose products (rows, planes) overflow.
        try Shape.validateExtent(x.shape, op: op)
        try NormChecks.float32(x, op)
        guard x.ndim >= 2 else {
            throw TensorError(op, "Expected at least 2 dimensions for input tensor but received \(x.ndim)")
        }
        guard groups > 0 else { throw TensorError(op, "num_groups must be positive, got \(groups)") }
        let n = x.shape[0], c = x.shape[1]
        guard c % groups == 0 else {
            throw TensorError(op, "Expected number of channels in input to be divisible by num_groups, but got input of shape \(shapeString(x.shape)) and num_groups=\(groups)")
        }
        for (name, t) in [("weight", weight), ("bias", bias)] {
            guard let t else { continue }
            try NormChecks.float32(t, op)
            guard t.ndim == 1, t.count == c else {
                throw TensorError(op, "Expected \(name) to be a vector of size equal to the number of channels in input, but got \(name) of shape \(shapeString(t.shape)) and input of shape \(shapeString(x.shape))")
            }
        }
        if f64 { return try Float64Norms.groupNorm(x, groups: groups, weight: weight, bias: bias, eps: eps) }

        // x as [N, groups, cg, inner]: the cg * inner elements of one (sample, group)
        // are contiguous, starting at (i * groups + grp) * m.
        let inner = x.shape.dropFirst(2).reduce(1, *)
        let cg = c / groups
        let m = cg * inner
        let blocks = n * groups
        let recorded = AffineInputs(x, weight: weight, bias: bias)
        let out = Tensor(uninitialized: x.shape)
        let xc = x.detach().contiguous()
        let w = NormChecks.values(weight), b = NormChecks.values(bias)
        let mean = Tensor(uninitialized: [blocks]), invstd = Tensor(uninitialized: [blocks])
        let px = UnsafePointer(xc.floatPointer), po = out.floatPointer
        let pw = w.map { UnsafePointer($0.floatPointer) }, pb = b.map { UnsafePointer($0.floatPointer) }
        let pm = mean.floatPointer, pis = invstd.floatPointer

        if m > 0 {
            Parallel.forRange(blocks, costPerElement: m * 3) { k0, k1 in
                for k in k0..<k1 {
                    let src = px + k * m
                    let mu = Float(NormKernels.sum(src, m) / Double(m))
                    let v = NormKernels.centeredSquares(src, m, mean: mu) / Double(m)
                    let istd = Float(1 / (v + eps).squareRoot())
                    pm[k] = mu
                    pis[k] = istd
                    let firstChannel = (k % groups) * cg
                    for j in 0..<cg {
                        let ch = firstChannel + j
                        let scale = istd * (pw?[ch] ?? 1)
                        let shift = (pb?[ch] ?? 0) - mu * scale
                        NormKernels.affine(src + j * inner, po + k * m + j * inner, inner, scale: scale, shift: shift)
                    }
                }
            }
        } else {
            // Empty groups: nothing to normalise; zero statistics keep the backward's
            // (empty) sums free of uninitialised values.
            pm.initialize(repeating: 0, count: blocks)
            pis.initialize(repeating: 0, count: blocks)
        }
        // The kernel wrote through raw pointers: keep its tensors alive to here.
        withExtendedLifetime((xc, w, b, mean, invstd)) {}

        if Autograd.needsGraph(recorded.inputs) {
            let shape = x.shape
            Autograd.record(out, op, recorded.inputs, saving: [x] + (weight.map { [$0] } ?? [])) { g in
                // Per (sample, channel): sg = sum(g), sgx = sum(g * (x - mean)). Per block
                // of m elements, with gw = g * w[c] and xhat = (x - mean) * invstd:
                //   dx = invstd * (gw - sum(gw) / m - xhat * sum(gw * xhat) / m);
                // per channel: dweight = sum_n(sgx * invstd), dbias = sum_n(sg).
                let gc = g.contiguous()
                let pg = UnsafePointer(gc.floatPointer)
                let sums = Storage(byteCount: 2 * n * c * MemoryLayout<Double>.size)
                let sg = sums.data.assumingMemoryBound(to: Double.self), sgx = sg + n * c
                let dx: Tensor? = recorded.xNeedsGrad ? Tensor(uninitialized: shape) : nil
                let pdx = dx?.floatPointer
                Parallel.forRange(blocks, costPerElement: m * 3) { k0, k1 in
                    for k in k0..<k1 {
                        let mu = pm[k], istd = pis[k]
                        let firstChannel = (k % groups) * cg
                        var sumGW = 0.0, sumGWX = 0.0
                        for j in 0..<cg {
                            // Index of (sample, channel) in [N, C] is k * cg + j.
                            let o = k * m + j * inner
                            let s = NormKernels.gradSums(pg + o, px + o, inner, mean: mu)
                            sg[k * cg + j] = s.sumG
                            sgx[k * cg + j] = s.sumGX
                            let wv = Double(pw?[firstChannel + j] ?? 1)
                            sumGW += wv * s.sumG
                            sumGWX += wv * s.sumGX
                        }
                        guard let pdx else { continue }
                        let sd = Double(istd)
                        let k2 = -sd * sd * sd * sumGWX / Double(m)
                        let k3 = -sd * sumGW / Double(m) - k2 * Double(mu)
                        for j in 0..<cg {
                            let o = k * m + j * inner
                            let a = istd * (pw?[firstChannel + j] ?? 1)
                            NormKernels.gradInput(pg + o, px + o, pdx + o, inner, a: a, b: Float(k2), c: Float(k3))
                        }
                    }
                }
                let dw = Tensor(uninitialized: [c]), db = Tensor(uninitialized: [c])
                for ch in 0..<c {
                    var accW = 0.0, accB = 0.0
                    for i in 0..<n {
                        accW += sgx[i * c + ch] * Double(pis[i * groups + ch / cg])
                        accB += sg[i * c + ch]
                    }
                    dw.floatPointer[ch] = Float(accW)
                    db.floatPointer[ch] = Float(accB)
                }
                withExtendedLifetime((gc, sums, xc, mean, invstd, w, b)) {}
                return try recorded.gradients(dx: dx, dWeight: dw, dBias: db)
            }
        }
        return out
    }
}
