import VisTensor

/// The checks, per-channel statistics and backward constants of one batch-norm call,
/// shared by `Functional.batchNorm` and the fused `Functional.batchNormReLUMaxPool`.
struct BatchNormStatistics {
    let n: Int, channels: Int
    /// Elements per (sample, channel): the product of the spatial sizes.
    let inner: Int
    /// Whether the batch's statistics normalise (else the running ones do).
    let usesBatch: Bool
    /// Per-channel mean and 1 / sqrt(var + eps), [C].
    let mean: Tensor, invstd: Tensor
    /// The affine parameters' values, detached and contiguous.
    let weight: Tensor?, bias: Tensor?

    /// Elements per channel over the batch.
    var count: Int { n * inner }

    /// Throws the errors PyTorch's `F.batch_norm` raises for these arguments.
    static func check(_ x: Tensor, runningMean: Tensor?, runningVar: Tensor?, weight: Tensor?, bias: Tensor?,
                      training: Bool, eps: Double, op: String) throws {
        try NormChecks.float32(x, op)
        // An empty input may carry sizes whose products (rows, planes) overflow.
        try Shape.validateExtent(x.shape, op: op)
        guard x.ndim >= 2 else {
            throw TensorError(op, "expected an input of shape [N, C, ...] with at least 2 dimensions, got \(shapeString(x.shape))")
        }
        let c = x.shape[1], inner = x.shape.dropFirst(2).reduce(1, *)
        guard (runningMean == nil) == (runningVar == nil) else {
            throw TensorError(op, "running_mean and running_var must either both be nil or both be given")
        }
        try NormChecks.perChannel(runningMean, "running_mean", count: c, op)
        try NormChecks.perChannel(runningVar, "running_var", count: c, op)
        try NormChecks.perChannel(weight, "weight", count: c, op)
        try NormChecks.perChannel(bias, "bias", count: c, op)
        if training {
            // One value per channel has no variance to normalise by (PyTorch's check).
            if x.shape[0] * inner == 1 {
                throw TensorError(op, "Expected more than 1 value per channel when training, got input size \(shapeString(x.shape))")
            }
            guard eps > 0 else { throw TensorError(op, "eps must be positive during training, but got \(eps)") }
        } else if runningMean == nil {
            throw TensorError(op, "running_mean must be defined in evaluation mode")
        }
    }

    /// Computes the statistics of `xc` ([N, C, ...], contiguous, non-empty, checked):
    /// the batch's when `training` (biased variance; the running stats, when given, are
    /// updated in place outside autograd with the unbiased one, as PyTorch does), else
    /// the running ones. Right after a channel's statistics, while its values are still
    /// in cache, calls `apply(channel, scale, shift)`, where `x * scale + shift` is the
    /// channel's normalised and affine-mapped value; channels run in parallel.
    init(_ xc: Tensor, runningMean: Tensor?, runningVar: Tensor?, weight: Tensor?, bias: Tensor?,
         training: Bool, momentum: Double, eps: Double, apply: (Int, Float, Float) -> Void) throws {
        n = xc.shape[0]
        channels = xc.shape[1]
        inner = xc.shape.dropFirst(2).reduce(1, *)
        usesBatch = training
        self.weight = NormChecks.values(weight)
        self.bias = NormChecks.values(bias)
        mean = Tensor(uninitialized: [channels])
        invstd = Tensor(uninitialized: [channels])
        let n = n, c = channels, inner = inner, count = n * inner, plane = c * inner
        let px = UnsafePointer(xc.floatPointer)
        let pw = self.weight.map { UnsafePointer($0.floatPointer) }, pb = self.bias.map { UnsafePointer($0.floatPointer) }
        let pm = mean.floatPointer, pis = invstd.floatPointer

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
                    apply(ch, scale, (pb?[ch] ?? 0) - mu * scale)
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
                    apply(ch, scale, (pb?[ch] ?? 0) - pm[ch] * scale)
                }
            }
        }
        // The loops above read through raw pointers: keep their tensors alive to here.
        withExtendedLifetime(xc) {}
    }

    /// The constants (a, b, c) of channel `ch`'s input gradient dx = g * a + x * b + c,
    /// from sum(g) and sum(g * (x - mean)) over the channel. With xhat = (x - mean) * invstd:
    ///   training: dx = w * invstd * (g - sum(g) / M - xhat * sum(g * xhat) / M)
    ///   eval:     dx = w * invstd * g   (the statistics are constants)
    func gradInputConstants(_ ch: Int, sumG: Double, sumGX: Double) -> (a: Float, b: Float, c: Float) {
        let wv = Double(weight.map { $0.floatPointer[ch] } ?? 1), sd = Double(invstd.floatPointer[ch])
        let a = wv * sd
        guard usesBatch else { return (Float(a), 0, 0) }
        let k2 = -wv * sd * sd * sd * sumGX / Double(count)
        let k3 = -a * sumG / Double(count) - k2 * Double(mean.floatPointer[ch])
        return (Float(a), Float(k2), Float(k3))
    }

    /// The gradients of a batch-norm backward, [dx, dweight?, dbias?] as `recorded`
    /// lists them, channels in parallel: for each channel, `sums(ch)` gives sum(g) and
    /// sum(g * (x - mean)) over the batch, which make the weight and bias gradients;
    /// then, when x needs a gradient, `inputGrad(ch, k, dx)` writes the channel's part
    /// of dx ([N, C, ...] like x) from the constants k of dx = g * a + x * b + c.
    func gradients(_ recorded: AffineInputs, inputShape: [Int], sums: (Int) -> (sumG: Double, sumGX: Double),
                   inputGrad: (Int, (a: Float, b: Float, c: Float), UnsafeMutablePointer<Float>) -> Void) throws -> [Tensor?] {
        let dw = Tensor(uninitialized: [channels]), db = Tensor(uninitialized: [channels])
        let dx: Tensor? = recorded.xNeedsGrad ? Tensor(uninitialized: inputShape) : nil
        let pdw = dw.floatPointer, pdb = db.floatPointer, pdx = dx?.floatPointer
        Parallel.forRange(channels, costPerElement: count * 2) { c0, c1 in
            for ch in c0..<c1 {
                let s = sums(ch)
                (pdw[ch], pdb[ch]) = parameterGradients(ch, sumG: s.sumG, sumGX: s.sumGX)
                if let pdx { inputGrad(ch, gradInputConstants(ch, sumG: s.sumG, sumGX: s.sumGX), pdx) }
            }
        }
        return try recorded.gradients(dx: dx, dWeight: dw, dBias: db)
    }

    /// Channel `ch`'s weight and bias gradients, sum(g * xhat) and sum(g), from sum(g)
    /// and sum(g * (x - mean)).
    func parameterGradients(_ ch: Int, sumG: Double, sumGX: Double) -> (weight: Float, bias: Float) {
        (Float(sumGX * Double(invstd.floatPointer[ch])), Float(sumG))
    }
}
