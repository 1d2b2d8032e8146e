import Foundation
import VisTensor

extension Functional {
    /// Log-softmax over the classes (dimension 1) and negative log-likelihood in one
    /// fused kernel (PyTorch's `cross_entropy`).
    ///
    /// Shapes: `input` [N, C] with int64 `target` [N], per-pixel `input` [N, C, d1, ...]
    /// with `target` [N, d1, ...] (segmentation), or an unbatched [C] with a 0-d target.
    /// A float32 `target` of the input's own shape holds class probabilities instead
    /// (see `softTargetCrossEntropy`).
    ///
    /// With class-index targets y, log-probabilities lp = log_softmax(x), class weights
    /// w (all 1 without `weight`), smoothing e = `labelSmoothing` and C classes, each
    /// position that is not `ignoreIndex` costs
    ///
    ///     l = (1 - e) * w[y] * (-lp[y])  +  (e / C) * sum_c w[c] * (-lp[c])
    ///
    /// and an ignored position costs 0 and counts for nothing. `mean` divides the sum
    /// by sum(w[y]) over the counted positions (their number without weights):
    /// PyTorch's rule, also for the smoothing term. All positions ignored gives NaN
    /// for `mean`, as in PyTorch. `none` gives the per-position losses [N, d1, ...].
    ///
    /// Backward (one pass, from the saved log-sum-exp): with p = softmax(x) and
    /// q[c] = (1 - e) w[y] [c == y] + (e / C) w[c] (the smoothed, weighted one-hot),
    /// dl/dx[c] = sum(q) p[c] - q[c], times the incoming gradient / the normaliser.
    /// `weight` is a constant. Errors name the shapes, the bad class value and C.
    public static func crossEntropy(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil,
                                    ignoreIndex: Int = -100, labelSmoothing: Double = 0,
                                    reduction: Reduction = .mean) throws -> Tensor {
        let op = "cross_entropy"
        guard labelSmoothing >= 0 && labelSmoothing <= 1 else {
            throw TensorError(op, "label_smoothing must be between 0.0 and 1.0, got \(labelSmoothing)")
        }
        let layout = try classLayout(op, input, what: "class scores (logits)")
        let w = try classWeights(op, weight, classes: layout.classes)
        if target.shape == input.shape {
            guard target.dtype == .float32 else {
                throw TensorError(op, "a target of the input's shape \(shapeString(input.shape)) holds class probabilities and must be float32 (use .float()), got \(target.dtype); class indices have shape \(shapeString(layout.positionShape))")
            }
            guard ignoreIndex < 0 else {
                throw TensorError(op, "ignore_index is not supported with class-probability targets (got ignore_index=\(ignoreIndex))")
            }
            return try softTargetCrossEntropy(input, target, layout, weight: w,
                                              labelSmoothing: Float(labelSmoothing), reduction: reduction)
        }
        let targets = try classTargets(op, input, target, layout, ignoreIndex: ignoreIndex, probabilitiesAllowed: true)
        return classIndexCrossEntropy(input, targets, layout, weight: w, ignoreIndex: Int64(ignoreIndex),
                                      labelSmoothing: Float(labelSmoothing), reduction: reduction)
    }

    /// The fused kernel for checked class-index targets (see `crossEntropy`).
    private static func classIndexCrossEntropy(_ input: Tensor, _ targets: Tensor, _ layout: ClassLayout,
                                               weight: Tensor?, ignoreIndex ignore: Int64,
                                               labelSmoothing eps: Float, reduction: Reduction) -> Tensor {
        // x: [N, C, S] contiguous; targets: [N, S]; lse: [N * S], log-sum-exp per position.
        let x = input.detach().contiguous()
        let C = layout.classes, S = layout.spatial, P = layout.positions
        let lse = Tensor(uninitialized: [P])
        let perPosition = reduction == .none ? Tensor(uninitialized: layout.positionShape) : nil
        let px = UnsafePointer(x.floatPointer), py = UnsafePointer(targets.int64Pointer)
        let pl = lse.floatPointer, po = perPosition?.floatPointer
        let pw = weight.map { UnsafePointer($0.floatPointer) }
        let onTarget = 1 - eps, offTarget = C > 0 ? eps / Float(C) : 0
        let (lossSum, weightSum) = LossLoop.sums(P, cost: C * 12) { s, e in
            var acc = 0.0, wacc = 0.0
            for p in s..<e {
                let b = layout.base(p)
                var m = -Float.infinity
                for c in 0..<C { m = Swift.max(m, px[b + c * S]) }
                var z: Float = 0
                for c in 0..<C { z += Foundation.exp(px[b + c * S] - m) }
                let l = m + Foundation.log(z)
                pl[p] = l
                let y = py[p]
                if y == ignore { po?[p] = 0; continue }
                let yi = Int(y), wy = pw?[yi] ?? 1
                var loss = onTarget * wy * (l - px[b + yi * S])
                if eps > 0 {
                    // sum_c w[c] * -lp[c]
                    var smooth: Float = 0
                    if let pw {
                        for c in 0..<C { smooth += pw[c] * (l - px[b + c * S]) }
                    } else {
                        for c in 0..<C { smooth += l - px[b + c * S] }
                    }
                    loss += offTarget * smooth
                }
                po?[p] = loss
                acc += Double(loss)
                wacc += Double(wy)
            }
            return (acc, wacc)
        }
        let out: Tensor
        switch reduction {
        case .none: out = perPosition ?? Tensor.scalar(0)
        case .mean: out = Tensor.scalar(lossSum / weightSum)
        case .sum: out = Tensor.scalar(lossSum)
        }
        guard Autograd.needsGraph(input) else { return out }
        // sum_c w[c], for sum(q) = (1 - e) w[y] + (e / C) sum_c w[c].
        var totalWeight: Float = Float(C)
        if let pw { totalWeight = 0; for c in 0..<C { totalWeight += pw[c] } }
        let inputShape = input.shape
        Autograd.record(out, "cross_entropy", [input]) { g in
            // g: [N, d1, ...] for none, a scalar otherwise.
            let gc = g.contiguous()
            let pg = UnsafePointer(gc.floatPointer)
            let perElement = reduction == .none
            let scalar = perElement ? 0 : Float(Double(pg[0]) / (reduction == .mean ? weightSum : 1))
            let grad = Tensor(uninitialized: inputShape)
            let pd = grad.floatPointer
            let px = UnsafePointer(x.floatPointer), py = UnsafePointer(targets.int64Pointer)
            let pl = UnsafePointer(lse.floatPointer), pw = weight.map { UnsafePointer($0.floatPointer) }
            LossLoop.forEach(P, cost: C * 10) { s, e in
                for p in s..<e {
                    let b = layout.base(p)
                    let y = py[p]
                    if y == ignore {
                        for c in 0..<C { pd[b + c * S] = 0 }
                        continue
                    }
                    let f = perElement ? pg[p] : scalar
                    let yi = Int(y), wy = pw?[yi] ?? 1, l = pl[p]
                    let sumQ = onTarget * wy + offTarget * totalWeight
                    if let pw {
                        for c in 0..<C {
                            pd[b + c * S] = f * (sumQ * Foundation.exp(px[b + c * S] - l) - offTarget * pw[c])
                        }
                    } else {
                        for c in 0..<C {
                            pd[b + c * S] = f * (sumQ * Foundation.exp(px[b + c * S] - l) - offTarget)
                        }
                    }
                    pd[b + yi * S] -= f * onTarget * wy
                }
            }
            return [grad]
        }
        return out
    }
}
