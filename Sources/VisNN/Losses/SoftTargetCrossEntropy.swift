import Foundation
import VisTensor

extension Functional {
    /// cross_entropy with class-probability targets (a float32 target of the input's
    /// shape, e.g. mixup/cutmix labels or a teacher's softmax), PyTorch's form: with
    /// t' = (1 - e) t + e / C (label smoothing e) and class weights w,
    ///
    ///     l = -sum_c w[c] * t'[c] * log_softmax(x)[c]      per position
    ///
    /// `mean` divides the sum by the number of positions (N * d1 * ...), with or
    /// without weights, as PyTorch does; `none` gives [N, d1, ...]. The targets need
    /// not sum to 1. Fused like the class-index kernel: dl/dx[c] = sum(q) p[c] - q[c]
    /// with q = w t' and p = softmax(x). Differentiable in the target as well:
    /// dl/dt[c] = -(1 - e) w[c] log_softmax(x)[c].
    static func softTargetCrossEntropy(_ input: Tensor, _ target: Tensor, _ layout: ClassLayout,
                                       weight: Tensor?, labelSmoothing eps: Float,
                                       reduction: Reduction) -> Tensor {
        // x, t: [N, C, S] contiguous; lse: [N * S], log-sum-exp per position.
        let x = input.detach().contiguous(), t = target.detach().contiguous()
        let C = layout.classes, cs = layout.classStride, P = layout.positions
        let lse = Tensor(uninitialized: [P])
        let perPosition = reduction == .none ? Tensor(uninitialized: layout.positionShape) : nil
        let px = UnsafePointer(x.floatPointer), pt = UnsafePointer(t.floatPointer)
        let pl = lse.floatPointer, po = perPosition?.floatPointer
        let pw = weight.map { UnsafePointer($0.floatPointer) }
        let onTarget = 1 - eps, offTarget = C > 0 ? eps / Float(C) : 0
        let lossSum = LossLoop.sum(layout.blockCount, chunk: ClassLayout.blocksPerChunk,
                                   cost: ClassLayout.blockLength * C * 5) { k0, k1 in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * ClassLayout.blockLength) { scratch in
                guard let m = scratch.baseAddress else { return 0 }
                let loss = m + ClassLayout.blockLength
                var acc = 0.0
                @inline(__always) func run(_ ps: Int) {
                    for k in k0..<k1 {
                        let (start, count) = layout.block(k)
                        let b = layout.base(start)
                        let l = pl + start
                        layout.logSumExp(px, base: b, count: count, ps: ps, into: l, scratch: m)
                        // loss[j] = sum_c q[c] * -lp[c], q = w t'
                        for j in 0..<count { loss[j] = 0 }
                        for c in 0..<C {
                            let xr = px + (b &+ c &* cs), tr = pt + (b &+ c &* cs), wc = pw?[c] ?? 1
                            for j in 0..<count {
                                loss[j] += wc * (onTarget * tr[j &* ps] + offTarget) * (l[j] - xr[j &* ps])
                            }
                        }
                        for j in 0..<count { po?[start + j] = loss[j]; acc += Double(loss[j]) }
                    }
                }
                if layout.positionStride == 1 { run(1) } else { run(layout.positionStride) }
                return acc
            }
        }
        let out: Tensor
        switch reduction {
        case .none: out = perPosition ?? Tensor.scalar(0)
        case .mean: out = Tensor.scalar(lossSum / Double(P))
        case .sum: out = Tensor.scalar(lossSum)
        }
        guard Autograd.needsGraph(input, target) else { return out }
        let needInput = input.requiresGrad, needTarget = target.requiresGrad
        let shape = input.shape
        Autograd.record(out, "cross_entropy", [input, target]) { g in
            // g: [N, d1, ...] for none, a scalar otherwise.
            let gc = g.contiguous()
            let pg = UnsafePointer(gc.floatPointer)
            let perElement = reduction == .none
            let scalar = perElement ? 0 : Float(Double(pg[0]) / (reduction == .mean ? Double(P) : 1))
            let gx = needInput ? Tensor(uninitialized: shape) : nil
            let gt = needTarget ? Tensor(uninitialized: shape) : nil
            let pdx = gx?.floatPointer, pdt = gt?.floatPointer
            let px = UnsafePointer(x.floatPointer), pt = UnsafePointer(t.floatPointer)
            let pl = UnsafePointer(lse.floatPointer), pw = weight.map { UnsafePointer($0.floatPointer) }
            LossLoop.forEach(layout.blockCount, cost: ClassLayout.blockLength * C * 5) { k0, k1 in
                withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * ClassLayout.blockLength) { scratch in
                    guard let f = scratch.baseAddress else { return }
                    let sumQ = f + ClassLayout.blockLength
                    @inline(__always) func run(_ ps: Int) {
                        for k in k0..<k1 {
                            let (start, count) = layout.block(k)
                            let b = layout.base(start)
                            let l = pl + start
                            for j in 0..<count { f[j] = perElement ? pg[start + j] : scalar; sumQ[j] = 0 }
                            if let pdx {
                                // dx[c] = f * (sum(q) p[c] - q[c])
                                for c in 0..<C {
                                    let tr = pt + (b &+ c &* cs), wc = pw?[c] ?? 1
                                    for j in 0..<count { sumQ[j] += wc * (onTarget * tr[j &* ps] + offTarget) }
                                }
                                for c in 0..<C {
                                    let o = b &+ c &* cs, wc = pw?[c] ?? 1
                                    let xr = px + o, tr = pt + o, dr = pdx + o
                                    for j in 0..<count {
                                        let q = wc * (onTarget * tr[j &* ps] + offTarget)
                                        dr[j &* ps] = f[j] * (sumQ[j] * FastMath.exp(xr[j &* ps] - l[j]) - q)
                                    }
                                }
                            }
                            if let pdt {
                                // dt[c] = f * (1 - e) w[c] * -lp[c]
                                for c in 0..<C {
                                    let o = b &+ c &* cs, scale = onTarget * (pw?[c] ?? 1)
                                    let xr = px + o, dr = pdt + o
                                    for j in 0..<count { dr[j &* ps] = f[j] * scale * (l[j] - xr[j &* ps]) }
                                }
                            }
                        }
                    }
                    if layout.positionStride == 1 { run(1) } else { run(layout.positionStride) }
                }
            }
            return [gx, gt]
        }
        return out
    }
}
