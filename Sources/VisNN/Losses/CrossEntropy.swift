import Foundation
import VisTensor

extension Functional {
    /// Log-softmax over the classes (dimension 1) and negative log-likelihood in one
    /// fused kernel (PyTorch's `cross_entropy`).
    ///
    /// Shapes: `input` [N, C] with int64 `target` [N], per-pixel `input` [N, C, d1, ...]
    /// with `target` [N, d1, ...] (segmentation), or an unbatched [C] with a 0-d target.
    /// A float32 `target` of the input's own shape holds class probabilities instead
    /// (mixup / cutmix labels, a teacher's softmax): then per position
    /// l = -sum_c w[c] * ((1 - e) t[c] + e / C) * lp[c], `mean` divides by the number
    /// of positions N * d1 * ... (with or without weights, as PyTorch does),
    /// `ignoreIndex` must stay negative, and the target receives a gradient too.
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
        let dtype = try classLossDType(op, input, weight: weight)
        if let dtype, dtype != .float64 {
            let t = target.dtype == dtype ? try target.to(.float32) : target
            return try crossEntropy(input.to(.float32), t, weight: weight?.to(.float32), ignoreIndex: ignoreIndex,
                                    labelSmoothing: labelSmoothing, reduction: reduction).to(dtype)
        }
        let layout = try classLayout(op, input, what: "class scores (logits)")
        let w = try classWeights(op, weight, classes: layout.classes)
        if target.shape == input.shape && dtype == .float64 {
            guard target.dtype.isFloatingPoint else {
                throw TensorError(op, "a target of the input's shape \(shapeString(input.shape)) holds class probabilities and must be floating point, got \(target.dtype); class indices have shape \(shapeString(layout.positionShape))")
            }
            guard ignoreIndex < 0 else {
                throw TensorError(op, "ignore_index is not supported with class-probability targets (got ignore_index=\(ignoreIndex))")
            }
            return try Float64ClassLosses.softCrossEntropy(input, target, layout, weight: weight, labelSmoothing: labelSmoothing,
                                                          reduction: reduction)
        }
        if target.shape == input.shape {
            guard target.dtype == .float32 else {
                throw TensorError(op, "a target of the input's shape \(shapeString(input.shape)) holds class probabilities and must be float32 (use .float()), got \(target.dtype); class indices have shape \(shapeString(layout.positionShape))")
            }
            guard ignoreIndex < 0 else {
                throw TensorError(op, "ignore_index is not supported with class-probability targets (got ignore_index=\(ignoreIndex))")
            }
            return softTargetCrossEntropy(input, target, layout, weight: w,
                                          labelSmoothing: Float(labelSmoothing), reduction: reduction)
        }
        let targets = try classTargets(op, input, target, layout, ignoreIndex: ignoreIndex, probabilitiesAllowed: true)
        if dtype == .float64 {
            return try Float64ClassLosses.crossEntropy(input, targets, layout, weight: weight, ignoreIndex: ignoreIndex,
                                                       labelSmoothing: labelSmoothing, reduction: reduction)
        }
        return classIndexCrossEntropy(input, targets, layout, weight: w, ignoreIndex: Int64(ignoreIndex),
                                      labelSmoothing: Float(labelSmoothing), reduction: reduction)
    }

    /// The fused kernel for checked class-index targets (see `crossEntropy`). It walks
    /// the positions in blocks (see `ClassLayout`) so that the loops over a block's
    /// positions vectorise, with `FastMath` for the softmax.
    private static func classIndexCrossEntropy(_ input: Tensor, _ targets: Tensor, _ layout: ClassLayout,
                                               weight: Tensor?, ignoreIndex ignore: Int64,
                                               labelSmoothing eps: Float, reduction: Reduction) -> Tensor {
        // x: [N, C, S] contiguous; targets: [N, S]; lse: [N * S], log-sum-exp per position.
        let x = input.detach().contiguous()
        let C = layout.classes, cs = layout.classStride, P = layout.positions
        let lse = Tensor(uninitialized: [P])
        let perPosition = reduction == .none ? Tensor(uninitialized: layout.positionShape) : nil
        let px = UnsafePointer(x.floatPointer), py = UnsafePointer(targets.int64Pointer)
        let pl = lse.floatPointer, po = perPosition?.floatPointer
        let pw = weight.map { UnsafePointer($0.floatPointer) }
        let onTarget = 1 - eps, offTarget = C > 0 ? eps / Float(C) : 0
        let (lossSum, weightSum) = LossLoop.sums(layout.blockCount, chunk: ClassLayout.blocksPerChunk,
                                                 cost: ClassLayout.blockLength * C * 4) { k0, k1 in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: 4 * ClassLayout.blockLength) { scratch in
                guard let m = scratch.baseAddress else { return (0, 0) }
                let smooth = m + ClassLayout.blockLength
                let losses = smooth + ClassLayout.blockLength, weights = losses + ClassLayout.blockLength
                var acc = 0.0, wacc = 0.0
                @inline(__always) func run(_ ps: Int) {
                    for k in k0..<k1 {
                        let (start, count) = layout.block(k)
                        let b = layout.base(start)
                        let l = pl + start
                        layout.logSumExp(px, base: b, count: count, ps: ps, into: l, scratch: m)
                        if eps > 0 {
                            // smooth[j] = sum_c w[c] * -lp[c]
                            for j in 0..<count { smooth[j] = 0 }
                            for c in 0..<C {
                                let row = px + (b &+ c &* cs), wc = pw?[c] ?? 1
                                for j in 0..<count { smooth[j] += wc * (l[j] - row[j &* ps]) }
                            }
                        }
                        for j in 0..<count {
                            let y = py[start + j]
                            if y == ignore { losses[j] = 0; weights[j] = 0; continue }
                            let yi = Int(y), wy = pw?[yi] ?? 1
                            var loss = onTarget * wy * (l[j] - px[b &+ yi &* cs &+ j &* ps])
                            if eps > 0 { loss += offTarget * smooth[j] }
                            losses[j] = loss
                            weights[j] = wy
                        }
                        if let po { (po + start).update(from: losses, count: count) }
                        // Summed apart from the loop above, in independent Double
                        // accumulators: one running sum would serialise the loop.
                        acc += LossLoop.sum(losses, count)
                        wacc += LossLoop.sum(weights, count)
                    }
                }
                if layout.positionStride == 1 { run(1) } else { run(layout.positionStride) }
                return (acc, wacc)
            }
        }
        let out: Tensor
        switch reduction {
        case .none: out = perPosition ?? Tensor.scalar(0)
        case .mean: out = Tensor.scalar(lossSum / weightSum)
        case .sum: out = Tensor.scalar(lossSum)
        }
        guard Autograd.needsGraph(input) else { return out }
        // sum_c w[c], for sum(q) = (1 - e) w[y] + (e / C) sum_c w[c].
        var totalWeight = Float(C)
        if let pw { totalWeight = 0; for c in 0..<C { totalWeight += pw[c] } }
        let inputShape = input.shape
        Autograd.record(out, "cross_entropy", [input], saving: [targets]) { g in
            // g: [N, d1, ...] for none, a scalar otherwise.
            let gc = g.contiguous()
            let pg = UnsafePointer(gc.floatPointer)
            let perElement = reduction == .none
            let scalar = perElement ? 0 : Float(Double(pg[0]) / (reduction == .mean ? weightSum : 1))
            let grad = Tensor(uninitialized: inputShape)
            let pd = grad.floatPointer
            let px = UnsafePointer(x.floatPointer), py = UnsafePointer(targets.int64Pointer)
            let pl = UnsafePointer(lse.floatPointer), pw = weight.map { UnsafePointer($0.floatPointer) }
            LossLoop.forEach(layout.blockCount, cost: ClassLayout.blockLength * C * 3) { k0, k1 in
                withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * ClassLayout.blockLength) { scratch in
                    guard let f = scratch.baseAddress else { return }
                    let sumQ = f + ClassLayout.blockLength
                    @inline(__always) func run(_ ps: Int) {
                        for k in k0..<k1 {
                            let (start, count) = layout.block(k)
                            let b = layout.base(start)
                            let l = pl + start
                            // Per position: the incoming gradient (0 where ignored) and sum(q).
                            for j in 0..<count {
                                let y = py[start + j]
                                if y == ignore { f[j] = 0; sumQ[j] = 0; continue }
                                f[j] = perElement ? pg[start + j] : scalar
                                sumQ[j] = onTarget * (pw?[Int(y)] ?? 1) + offTarget * totalWeight
                            }
                            // dx[c] = f * (sum(q) p[c] - (e / C) w[c]) ...
                            for c in 0..<C {
                                let row = px + (b &+ c &* cs), out = pd + (b &+ c &* cs)
                                let off = offTarget * (pw?[c] ?? 1)
                                for j in 0..<count {
                                    out[j &* ps] = f[j] * (sumQ[j] * FastMath.exp(row[j &* ps] - l[j]) - off)
                                }
                            }
                            // ... - f * (1 - e) w[y] at the target class.
                            for j in 0..<count {
                                let y = py[start + j]
                                if y == ignore { continue }
                                let yi = Int(y)
                                pd[b &+ yi &* cs &+ j &* ps] -= f[j] * onTarget * (pw?[yi] ?? 1)
                            }
                        }
                    }
                    if layout.positionStride == 1 { run(1) } else { run(layout.positionStride) }
                }
            }
            return [grad]
        }
        return out
    }
}
