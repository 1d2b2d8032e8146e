import Foundation
import VisTensor

/// Binary cross-entropy on logits in the stable log-sum-exp form (see
/// `binaryCrossEntropyWithLogits`).
struct BinaryCrossEntropyWithLogitsKernel: PointwiseLossKernel {
    /// Per-element weights and positive-class weights in the broadcast layout, or nil.
    let weight: UnsafePointer<Float>?
    let posWeight: UnsafePointer<Float>?

    /// log(1 + e^-x) without overflow: max(-x, 0) + log1p(e^-|x|).
    @inline(__always) static func softplusNeg(_ x: Float) -> Float {
        Swift.max(-x, 0) + Foundation.log1p(Foundation.exp(-Swift.abs(x)))
    }
    @inline(__always) static func sigmoid(_ x: Float) -> Float {
        x >= 0 ? 1 / (1 + Foundation.exp(-x)) : Foundation.exp(x) / (1 + Foundation.exp(x))
    }
    @inline(__always) func w(_ i: Int) -> Float { weight?[i] ?? 1 }

    @inline(__always) func loss(_ x: Float, _ t: Float, _ i: Int) -> Float {
        let logWeight = posWeight.map { ($0[i] - 1) * t + 1 } ?? 1
        return w(i) * ((1 - t) * x + logWeight * Self.softplusNeg(x))
    }
    /// (p t + 1 - t) sigmoid(x) - p t; sigmoid(x) - t without pos_weight.
    @inline(__always) func gradInput(_ x: Float, _ t: Float, _ i: Int) -> Float {
        guard let posWeight else { return w(i) * (Self.sigmoid(x) - t) }
        let pt = posWeight[i] * t
        return w(i) * ((pt + 1 - t) * Self.sigmoid(x) - pt)
    }
    /// -x + (p - 1) log(1 + e^-x); -x without pos_weight.
    @inline(__always) func gradTarget(_ x: Float, _ t: Float, _ i: Int) -> Float {
        guard let posWeight else { return -w(i) * x }
        return w(i) * (-x + (posWeight[i] - 1) * Self.softplusNeg(x))
    }
}

extension Functional {
    /// Sigmoid + binary cross-entropy in one numerically stable kernel (PyTorch's
    /// `binary_cross_entropy_with_logits`): with p the `posWeight` (weight of the
    /// positive term, broadcast over the input, typically one per class in the last
    /// dimension) and w the `weight`,
    ///
    ///     l_i = w_i * ((1 - t_i) x_i + (1 + (p_i - 1) t_i) * log(1 + e^(-x_i)))
    ///
    /// = -w (p t log sigmoid(x) + (1 - t) log(1 - sigmoid(x))), where
    /// log(1 + e^-x) = max(-x, 0) + log1p(e^-|x|) never overflows. Then `reduction`.
    /// The input gradient is w ((p t + 1 - t) sigmoid(x) - p t), i.e. w (sigmoid(x) - t)
    /// without posWeight. `target` has the input's shape (float32, soft labels
    /// allowed); weight and posWeight are constants. Differentiable in input and target.
    public static func binaryCrossEntropyWithLogits(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil,
                                                    posWeight: Tensor? = nil,
                                                    reduction: Reduction = .mean) throws -> Tensor {
        let op = "binary_cross_entropy_with_logits"
        try checkBinaryTarget(op, input, target, inputKind: "scores (logits)")
        if pointwiseIsFloat64(input, target) {
            let w = try weight.map { try broadcastWeight64(op, "weight", $0, to: input.shape) }
            let pw = try posWeight.map { try broadcastWeight64(op, "pos_weight", $0, to: input.shape) }
            return try float64PointwiseLoss(op, input, target, shape: input.shape,
                                            reduction: PointwiseReduction(reduction, count: input.count),
                                            form: binaryCrossEntropyWithLogitsForm(weight: w, posWeight: pw))
        }
        let w = try weight.map { try broadcastWeight(op, "weight", $0, to: input.shape) }
        let pw = try posWeight.map { try broadcastWeight(op, "pos_weight", $0, to: input.shape) }
        let kernel = BinaryCrossEntropyWithLogitsKernel(weight: w.map { UnsafePointer($0.floatPointer) },
                                                        posWeight: pw.map { UnsafePointer($0.floatPointer) })
        return try pointwiseLoss(op, input, target, shape: input.shape,
                                 reduction: PointwiseReduction(reduction, count: input.count),
                                 kernel: kernel, keep: [w, pw].compactMap { $0 })
    }
}
