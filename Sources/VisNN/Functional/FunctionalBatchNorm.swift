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
        if LayerDType.isHalf(x) {
            // PyTorch's CPU takes a half input with half or float32 parameters and computes
            // in float32; half running statistics are updated through float32 copies.
            let ts = try [runningMean, runningVar, weight, bias].map { t -> Tensor? in
                guard let t, t.dtype != .float32 else { return t }
                guard t.dtype == x.dtype else { throw TensorError(op, LayerDType.mixedNorm(x.dtype, t.dtype)) }
                return try t.to(.float32)
            }
            let y = try batchNorm(x.to(.float32), runningMean: ts[0], runningVar: ts[1], weight: ts[2], bias: ts[3],
                                  training: training, momentum: momentum, eps: eps)
            for (original, copy) in [(runningMean, ts[0]), (runningVar, ts[1])] {
                if let original, let copy, original !== copy { try original.assign(copy) }
            }
            return try y.to(x.dtype)
        }
        let f64 = try LayerDType.common(op, [x, runningMean, runningVar, weight, bias], mismatch: LayerDType.mixedNorm) == .float64
        try BatchNormStatistics.check(x, runningMean: runningMean, runningVar: runningVar, weight: weight, bias: bias,
                                      training: training, eps: eps, op: op)
        if f64 {
            return try Float64Norms.batchNorm(x, runningMean: runningMean, runningVar: runningVar, weight: weight, bias: bias,
                                              training: training, momentum: momentum, eps: eps)
        }
        let c = x.shape[1]
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
        let n = x.shape[0], inner = x.shape.dropFirst(2).reduce(1, *), plane = c * inner
        let px = UnsafePointer(xc.floatPointer), po = out.floatPointer
        let stats = try BatchNormStatistics(xc, runningMean: runningMean, runningVar: runningVar, weight: weight, bias: bias,
                                            training: training, momentum: momentum, eps: eps) { ch, scale, shift in
            for i in 0..<n {
                let o = i * plane + ch * inner
                NormKernels.affine(px + o, po + o, inner, scale: scale, shift: shift)
            }
        }

        if Autograd.needsGraph(recorded.inputs) {
            let shape = x.shape
            Autograd.record(out, op, recorded.inputs, saving: [x] + (weight.map { [$0] } ?? [])) { g in
                // g: [N, C, ...] like x; see BatchNormStatistics for the formulas.
                let gc = g.contiguous()
                let pg = UnsafePointer(gc.floatPointer)
                let mean = UnsafePointer(stats.mean.floatPointer)
                let grads = try stats.gradients(recorded, inputShape: shape, sums: { ch in
                    var sg = 0.0, sgx = 0.0
                    for i in 0..<n {
                        let o = i * plane + ch * inner
                        let s = NormKernels.gradSums(pg + o, px + o, inner, mean: mean[ch])
                        sg += s.sumG
                        sgx += s.sumGX
                    }
                    return (sg, sgx)
                }, inputGrad: { ch, k, pdx in
                    for i in 0..<n {
                        let o = i * plane + ch * inner
                        NormKernels.gradInput(pg + o, px + o, pdx + o, inner, a: k.a, b: k.b, c: k.c)
                    }
                })
                // The saved input belongs to this node: keep it alive until here.
                withExtendedLifetime((gc, xc)) {}
                return grads
            }
        }
        return out
    }
}
