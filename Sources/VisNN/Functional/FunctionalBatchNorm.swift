import VisTensor

/// Batch normalisation (PyTorch's `F.batch_norm`): a fused kernel that computes each
/// channel's statistics, normalises and applies the affine map, and a fused backward.
extension Functional {
    /// Normalises each channel of `x` over the batch and spatial positions:
    /// `y = (x - mean) / sqrt(var + eps) * weight + bias`.
    ///
    /// - x: [N, C], [N, C, L], [N, C, H, W] (any [N, C, ...]).
    /// - runningMean, runningVar: [C] buffers, or both nil. When `training`, the batch
    ///   statistics normalise (biased variance) and the running stats are updated in
    ///   place, outside autograd: `running = (1 - momentum) * running + momentum * stat`
    ///   with the unbiased variance, as PyTorch does. Otherwise the running stats
    ///   normalise (and must be given).
    /// - weight, bias: optional [C] affine parameters.
    ///
    /// Differentiable with respect to x, weight and bias.
    public static func batchNorm(_ x: Tensor, runningMean: Tensor?, runningVar: Tensor?,
                                 weight: Tensor?, bias: Tensor?, training: Bool,
                                 momentum: Double = 0.1, eps: Double = 1e-5) throws -> Tensor {
        let op = "batch_norm"
        try NormChecks.float32(x, op)
        guard x.ndim >= 2 else {
            throw TensorError(op, "expected an input of shape [N, C, ...] with at least 2 dimensions, got \(shapeString(x.shape))")
        }
        let n = x.shape[0], c = x.shape[1]
        // Elements per (sample, channel): the product of the spatial sizes.
        let inner = x.shape.dropFirst(2).reduce(1, *)
        guard (runningMean == nil) == (runningVar == nil) else {
            throw TensorError(op, "running_mean and running_var must either both be nil or both be given")
        }
        try NormChecks.perChannel(runningMean, "running_mean", count: c, op)
        try NormChecks.perChannel(runningVar, "running_var", count: c, op)
        try NormChecks.perChannel(weight, "weight", count: c, op)
        try NormChecks.perChannel(bias, "bias", count: c, op)
        if training {
            // One value per channel has no variance to normalise by (PyTorch's check).
            if n * inner == 1 {
                throw TensorError(op, "Expected more than 1 value per channel when training, got input size \(shapeString(x.shape))")
            }
            guard eps > 0 else { throw TensorError(op, "eps must be positive during training, but got \(eps)") }
        } else if runningMean == nil {
            throw TensorError(op, "running_mean must be defined in evaluation mode")
        }

        let recorded = AffineInputs(x, weight: weight, bias: bias)
        let out = Tensor(uninitialized: x.shape)
        if x.count == 0 {
            // Nothing to normalise (and no statistics to update, as in PyTorch).
            if Autograd.needsGraph(recorded.inputs) {
                Autograd.record(out, op, recorded.inputs) { _ in
                    try recorded.gradients(dx: Tensor.zeros(x.shape), dWeight: Tensor.zeros([c]), dBias: Tensor.zeros([c]))
                }
            }
            return out
        }

        // x: [N, C, inner] contiguous; channel ch of sample i starts at (i * C + ch) * inner.
        let xc = x.detach().contiguous()
        let w = NormChecks.values(weight), b = NormChecks.values(bias)
        let mean = Tensor(uninitialized: [c]), invstd = Tensor(uninitialized: [c])
        let count = n * inner
        let px = UnsafePointer(xc.floatPointer), po = out.floatPointer
        let pw = w.map { UnsafePointer($0.floatPointer) }, pb = b.map { UnsafePointer($0.floatPointer) }
        let pm = mean.floatPointer, pis = invstd.floatPointer
        let plane = c * inner

        if training {
            // Biased batch variance per channel; the running update needs it as well.
            let variance = Storage(byteCount: c * MemoryLayout<Double>.size)
            let pv = variance.data.assumingMemoryBound(to: Double.self)
            Parallel.forRange(c, costPerElement: count * 3) { c0, c1 in
                for ch in c0..<c1 {
                    var s = 0.0
                    for i in 0..<n { s += NormKernels.sum(px + i * plane + ch * inner, inner) }
                    let mu = Float(s / Double(count))
                    var ss = 0.0
                    for i in 0..<n { ss += NormKernels.centeredSquares(px + i * plane + ch * inner, inner, mean: mu) }
                    let v = ss / Double(count)
                    let istd = Float(1 / (v + eps).squareRoot())
                    pm[ch] = mu
                    pis[ch] = istd
                    pv[ch] = v
                    let scale = istd * (pw?[ch] ?? 1)
                    let shift = (pb?[ch] ?? 0) - mu * scale
                    for i in 0..<n {
                        let o = i * plane + ch * inner
                        NormKernels.affine(px + o, po + o, inner, scale: scale, shift: shift)
                    }
                }
            }
            if let runningMean, let runningVar {
                // Unbiased variance for the running estimate (count > 1 was checked).
                let newMean = Tensor(uninitialized: [c]), newVar = Tensor(uninitialized: [c])
                let rm = runningMean.detach().contiguous(), rv = runningVar.detach().contiguous()
                let unbias = Double(count) / Double(count - 1)
                for ch in 0..<c {
                    newMean.floatPointer[ch] = Float((1 - momentum) * Double(rm.floatPointer[ch]) + momentum * Double(pm[ch]))
                    newVar.floatPointer[ch] = Float((1 - momentum) * Double(rv.floatPointer[ch]) + momentum * pv[ch] * unbias)
                }
                try withNoGrad {
                    try runningMean.assign(newMean.reshape(runningMean.shape))
                    try runningVar.assign(newVar.reshape(runningVar.shape))
                }
            }
            withExtendedLifetime(variance) {}
        } else if let runningMean, let runningVar {
            let rm = runningMean.detach().contiguous(), rv = runningVar.detach().contiguous()
            for ch in 0..<c {
                pm[ch] = rm.floatPointer[ch]
                pis[ch] = Float(1 / (Double(rv.floatPointer[ch]) + eps).squareRoot())
            }
            Parallel.forRange(c, costPerElement: count) { c0, c1 in
                for ch in c0..<c1 {
                    let scale = pis[ch] * (pw?[ch] ?? 1)
                    let shift = (pb?[ch] ?? 0) - pm[ch] * scale
                    for i in 0..<n {
                        let o = i * plane + ch * inner
                        NormKernels.affine(px + o, po + o, inner, scale: scale, shift: shift)
                    }
                }
            }
        }

        // The kernels above wrote through raw pointers: keep their tensors alive to here.
        withExtendedLifetime((xc, w, b, mean, invstd)) {}

        if Autograd.needsGraph(recorded.inputs) {
            let shape = x.shape
            Autograd.record(out, op, recorded.inputs) { g in
                // g: [N, C, ...] like x. Per channel, with xhat = (x - mean) * invstd:
                //   dbias = sum(g), dweight = sum(g * xhat),
                //   training: dx = w * invstd * (g - sum(g) / M - xhat * sum(g * xhat) / M)
                //   eval:     dx = w * invstd * g   (the statistics are constants)
                let gc = g.contiguous()
                let pg = UnsafePointer(gc.floatPointer)
                let dw = Tensor(uninitialized: [c]), db = Tensor(uninitialized: [c])
                let pdw = dw.floatPointer, pdb = db.floatPointer
                let dx: Tensor? = recorded.xNeedsGrad ? Tensor(uninitialized: shape) : nil
                let pdx = dx?.floatPointer
                Parallel.forRange(c, costPerElement: count * 2) { c0, c1 in
                    for ch in c0..<c1 {
                        let mu = pm[ch], istd = pis[ch]
                        var sg = 0.0, sgx = 0.0
                        for i in 0..<n {
                            let o = i * plane + ch * inner
                            let s = NormKernels.gradSums(pg + o, px + o, inner, mean: mu)
                            sg += s.sumG
                            sgx += s.sumGX
                        }
                        pdb[ch] = Float(sg)
                        pdw[ch] = Float(sgx * Double(istd))
                        guard let pdx else { continue }
                        let wv = Double(pw?[ch] ?? 1), sd = Double(istd)
                        let a = wv * sd
                        var k2 = 0.0, k3 = 0.0
                        if training {
                            k2 = -wv * sd * sd * sd * sgx / Double(count)
                            k3 = -a * sg / Double(count) - k2 * Double(mu)
                        }
                        for i in 0..<n {
                            let o = i * plane + ch * inner
                            NormKernels.gradInput(pg + o, px + o, pdx + o, inner, a: Float(a), b: Float(k2), c: Float(k3))
                        }
                    }
                }
                // The saved statistics belong to this node: keep them alive until here.
                withExtendedLifetime((gc, xc, mean, invstd, w, b)) {}
                return try recorded.gradients(dx: dx, dWeight: dw, dBias: db)
            }
        }
        return out
    }
}
