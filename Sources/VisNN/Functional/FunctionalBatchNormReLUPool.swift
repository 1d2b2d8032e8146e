import VisTensor

extension Functional {
    /// max_pool2d(relu(batch_norm(x)), window) as one op, forward and backward: what a
    /// Sequential runs for BatchNorm2d -> ReLU -> MaxPool2d(k) (and, with window 1,
    /// BatchNorm2d -> ReLU). The normalised and the rectified tensors are never
    /// written, and the backward makes three passes where the three ops make ten (see
    /// NormReLUPoolPlane). The output equals theirs bit for bit; the gradients equal
    /// theirs up to the order in which the per-channel sums add (window 1: exactly).
    ///
    /// - x: [N, C, H, W] float32, non-empty, H and W at least `window`.
    /// - window: 1, or the kernel (and stride) of a max pool without padding or
    ///   dilation, in floor mode; at most 16.
    /// - The rest as in `batchNorm`, whose checks and errors this op shares.
    static func batchNormReLUMaxPool(_ x: Tensor, runningMean: Tensor?, runningVar: Tensor?, weight: Tensor?, bias: Tensor?,
                                     training: Bool, momentum: Double, eps: Double, window: Int) throws -> Tensor {
        let op = "batch_norm"
        try BatchNormStatistics.check(x, runningMean: runningMean, runningVar: runningVar, weight: weight, bias: bias,
                                      training: training, eps: eps, op: op)
        precondition(x.ndim == 4 && x.count > 0 && (1...16).contains(window) && x.shape[2] >= window && x.shape[3] >= window,
                     "batchNormReLUMaxPool: the caller checks the input and window")
        let n = x.shape[0], c = x.shape[1]
        let kernel = NormReLUPoolPlane(height: x.shape[2], width: x.shape[3], window: window)
        let inner = kernel.height * kernel.width, pooled = kernel.outH * kernel.outW, plane = c * inner
        let out = Tensor(uninitialized: [n, c, kernel.outH, kernel.outW])
        let recorded = AffineInputs(x, weight: weight, bias: bias)
        let record = Autograd.needsGraph(recorded.inputs)
        // Each window's winning tap and the input value there, for the backward (window 1
        // needs neither).
        let taps = window > 1 ? Storage(byteCount: Swift.max(out.count, 1)) : nil
        let winners = window > 1 ? Tensor(uninitialized: out.shape) : nil
        let xc = x.detach().contiguous()
        let px = UnsafePointer(xc.floatPointer), po = out.floatPointer
        let pt = taps?.data.assumingMemoryBound(to: UInt8.self), pwin = winners?.floatPointer
        let stats = try BatchNormStatistics(xc, runningMean: runningMean, runningVar: runningVar, weight: weight, bias: bias,
                                            training: training, momentum: momentum, eps: eps) { ch, scale, shift in
            for i in 0..<n {
                let o = i * plane + ch * inner, d = (i * c + ch) * pooled
                if let pt, let pwin {
                    kernel.forward(px + o, readableEnd: px + x.count, into: po + d, taps: pt + d, winners: pwin + d,
                                   scale: scale, shift: shift)
                } else {
                    NormKernels.affineReLU(px + o, po + d, inner, scale: scale, shift: shift)
                }
            }
        }
        guard record else { return out }

        // The backward masks with out > 0. With pooling it keeps its own copy (1/4 of x):
        // the user holds `out`, and an in-place write to it under no_grad must not change
        // the gradient, as it does not for the layers one by one (max_pool2d's backward
        // reads only its indices). Without pooling, like relu, it reads the output itself.
        let saved = window > 1 ? out.detach().clone() : out.detach(), shape = x.shape
        Autograd.record(out, "batch_norm_relu_max_pool2d", recorded.inputs) { g in
            let gc = g.contiguous()
            let pg = UnsafePointer(gc.floatPointer), py = UnsafePointer(saved.floatPointer)
            let mean = UnsafePointer(stats.mean.floatPointer)
            let ptaps = pt.map { UnsafePointer($0) }, pwins = pwin.map { UnsafePointer($0) }
            let grads = try stats.gradients(recorded, inputShape: shape, sums: { ch in
                var sg = 0.0, sgx = 0.0
                for i in 0..<n {
                    let o = i * plane + ch * inner, d = (i * c + ch) * pooled
                    // With pooling, x at the winners stands for x (the gradient is 0 elsewhere).
                    let s = pwins.map { NormKernels.maskedGradSums(pg + d, py + d, $0 + d, pooled, mean: mean[ch]) }
                        ?? NormKernels.maskedGradSums(pg + d, py + d, px + o, inner, mean: mean[ch])
                    sg += s.sumG
                    sgx += s.sumGX
                }
                return (sg, sgx)
            }, inputGrad: { ch, k, pdx in
                for i in 0..<n {
                    let o = i * plane + ch * inner, d = (i * c + ch) * pooled
                    if let ptaps, let pwins {
                        kernel.gradInput(pg + d, out: py + d, taps: ptaps + d, winners: pwins + d, x: px + o,
                                         into: pdx + o, a: k.a, b: k.b, c: k.c)
                    } else {
                        NormKernels.maskedGradInput(pg + d, py + d, px + o, pdx + o, inner, a: k.a, b: k.b, c: k.c)
                    }
                }
            })
            // The saved input, output and taps belong to this node: keep them alive to here.
            withExtendedLifetime((gc, xc, saved, taps, winners)) {}
            return grads
        }
        return out
    }
}
