import Foundation
import VisTensor

/// Binary cross-entropy on probabilities, with PyTorch's clamping of each log at -100
/// (so a probability of exactly 0 or 1 gives a large finite loss, not infinity).
struct BinaryCrossEntropyKernel: PointwiseLossKernel {
    /// Per-element weights in the broadcast layout, or nil.
    let weight: UnsafePointer<Float>?

    @inline(__always) func w(_ i: Int) -> Float { weight?[i] ?? 1 }
    @inline(__always) static func logs(_ x: Float) -> (Float, Float) {
        (Swift.max(Foundation.log(x), -100), Swift.max(Foundation.log1p(-x), -100))
    }
    @inline(__always) func loss(_ x: Float, _ t: Float, _ i: Int) -> Float {
        let (logX, log1mX) = Self.logs(x)
        return w(i) * ((t - 1) * log1mX - t * logX)
    }
    /// PyTorch's rule: (x - t) / max(x (1 - x), 1e-12), finite at x = 0 and 1.
    @inline(__always) func gradInput(_ x: Float, _ t: Float, _ i: Int) -> Float {
        w(i) * (x - t) / Swift.max((1 - x) * x, 1e-12)
    }
    @inline(__always) func gradTarget(_ x: Float, _ t: Float, _ i: Int) -> Float {
        let (logX, log1mX) = Self.logs(x)
        return w(i) * (log1mX - logX)
    }
}

extension Functional {
    /// Binary cross-entropy on probabilities (PyTorch's `binary_cross_entropy`):
    ///
    ///     l_i = -w_i * (t_i * max(log p_i, -100) + (1 - t_i) * max(log(1 - p_i), -100))
    ///
    /// then `reduction`. `input` holds probabilities in [0, 1] (anything else is an
    /// error: apply sigmoid first, or use `binaryCrossEntropyWithLogits`, which is
    /// also more accurate); `target` has the input's shape and is float32 (soft labels
    /// allowed); `weight` broadcasts to the input's shape and is a constant. The input
    /// gradient is PyTorch's w (p - t) / max(p (1 - p), 1e-12). Differentiable in
    /// input and target.
    public static func binaryCrossEntropy(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil,
                                          reduction: Reduction = .mean) throws -> Tensor {
        let op = "binary_cross_entropy"
        try checkBinaryTarget(op, input, target, inputKind: "probabilities")
        // The range check reads the values as double (exact for every float dtype).
        let values = try input.detach().to(.float64).contiguous()
        let px = values.doublePointer
        for i in 0..<values.count where !(px[i] >= 0 && px[i] <= 1) {
            throw TensorError(op, "input must hold probabilities in [0, 1], got \(input.dtype == .float64 ? "\(px[i])" : "\(Float(px[i]))") (apply sigmoid first, or use binary_cross_entropy_with_logits on the raw scores)")
        }
        if input.dtype == .float64 {
            let w = try weight.map { try broadcastWeight64(op, "weight", $0, to: input.shape) }
            return try float64PointwiseLoss(op, input, target, shape: input.shape,
                                            reduction: PointwiseReduction(reduction, count: input.count),
                                            form: binaryCrossEntropyForm(weight: w))
        }
        let w = try weight.map { try broadcastWeight(op, "weight", $0, to: input.shape) }
        return try pointwiseLoss(op, input, target, shape: input.shape,
                                 reduction: PointwiseReduction(reduction, count: input.count),
                                 kernel: BinaryCrossEntropyKernel(weight: w.map { UnsafePointer($0.floatPointer) }),
                                 keep: w.map { [$0] } ?? [])
    }

    /// The binary losses' rules: a float32 input and a float32 target of its shape.
    static func checkBinaryTarget(_ op: String, _ input: Tensor, _ target: Tensor, inputKind: String) throws {
        try requireFloating(op, input, "input", inputKind)
        guard target.shape == input.shape else {
            throw TensorError(op, "target \(shapeString(target.shape)) must have the input's shape \(shapeString(input.shape))")
        }
        // PyTorch's BCE wants the input's dtype (with_logits promotes like the pointwise losses).
        if op == "binary_cross_entropy" && target.dtype.isFloatingPoint && target.dtype != input.dtype {
            throw TensorError(op, "Found dtype \(LayerDType.scalarName(target.dtype)) but expected \(LayerDType.scalarName(input.dtype))")
        }
        guard target.dtype.isFloatingPoint else {
            throw TensorError(op, "target must be a floating-point tensor of 0/1 labels or probabilities, got \(target.dtype) (use .float())")
        }
    }

    /// `broadcastWeight` for the float64 losses: the weights in float64, unrounded.
    static func broadcastWeight64(_ op: String, _ name: String, _ w: Tensor, to shape: [Int]) throws -> Tensor {
        _ = try broadcastWeight(op, name, w, to: shape)
        let d = try w.detach().to(.float64)
        return d.shape == shape ? d : try d.expand(shape).contiguous()
    }

    /// A per-element weight broadcast to `shape`, as a contiguous float32 tensor.
    static func broadcastWeight(_ op: String, _ name: String, _ w: Tensor, to shape: [Int]) throws -> Tensor {
        try requireFloating(op, w, name, "weights")
        guard (try? Shape.broadcast(w.shape, shape, op: op)) == shape else {
            throw TensorError(op, "\(name) of shape \(shapeString(w.shape)) cannot be broadcast to the input's shape \(shapeString(shape))")
        }
        return try dense(w, shape)
    }
}
