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
                                       reduction: Reduction) throws -> Tensor {
        // x, t: [N, C, S] contiguous; lse: [N * S], log-sum-exp per position.
        let x = input.detach().contiguous(), t = target.detach().contiguous()
        let C = layout.classes, S = layout.spatial, P = layout.positions
        let lse = Tensor(uninitialized: [P])
        let perPosition = reduction == .none ? Tensor(uninitialized: layout.positionShape) : nil
        let px = UnsafePointer(x.floatPointer), pt = UnsafePointer(t.floatPointer)
        let pl = lse.floatPointer, po = perPosition?.floatPointer
        let pw = weight.map { UnsafePointer($0.floatPointer) }
        let onTarget = 1 - eps, offTarget = C > 0 ? eps / Float(C) : 0
        let lossSum = LossLoop.sum(P, cost: C * 12) { s, e in
            var acc = 0.0
            for p in s..<e {
                let b = layout.base(p)
                var m = -Float.infinity
                for c in 0..<C { m = Swift.max(m, px[b + c * S]) }
                var z: Float = 0
                for c in 0..<C { z += Foundation.exp(px[b + c * S] - m) }
                let l = m + Foundation.log(z)
                pl[p] = l
                var loss: Float = 0
                for c in 0..<C {
                    let q = (pw?[c] ?? 1) * (onTarget * pt[b + c * S] + offTarget)
                    loss += q * (l - px[b + c * S])
                }
                po?[p] = loss
                acc += Double(loss)
            }
            return acc
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
            LossLoop.forEach(P, cost: C * 10) { s, e in
                for p in s..<e {
                    let b = layout.base(p)
                    let f = perElement ? pg[p] : scalar, l = pl[p]
                    if let pdx {
                        var sumQ: Float = 0
                        for c in 0..<C { sumQ += (pw?[c] ?? 1) * (onTarget * pt[b + c * S] + offTarget) }
                        for c in 0..<C {
                            let i = b + c * S
                            let q = (pw?[c] ?? 1) * (onTarget * pt[i] + offTarget)
                            pdx[i] = f * (sumQ * Foundation.exp(px[i] - l) - q)
                        }
                    }
                    if let pdt {
                        for c in 0..<C {
                            let i = b + c * S
                            pdt[i] = f * onTarget * (pw?[c] ?? 1) * (l - px[i])
                        }
                    }
                }
            }
            return [gx, gt]
        }
        return out
    }
}
