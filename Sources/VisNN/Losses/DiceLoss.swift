import VisTensor

extension Functional {
    /// Soft Dice loss over the whole batch, in the form of the segmentation tutorials
    /// vis users port (seed 002's `dice_loss(pred, target, smooth)`), two modes:
    ///
    /// - Mask mode: `target` is a mask (float32 probabilities or 0/1 values; int64 and
    ///   bool read as 0/1) with as many elements as `probs`; both are flattened, as the
    ///   tutorial's `.view(-1)` does, so [N, 1, H, W] probabilities pair with an
    ///   [N, H, W] mask:
    ///
    ///       loss = 1 - (2 * sum(p * t) + smooth) / (sum(p) + sum(t) + smooth)
    ///
    /// - Class mode: `probs` is [N, C, d1, ...] with C > 1 (e.g. `softmax(logits,
    ///   dim: 1)`) and `target` holds int64 class indices of shape [N, d1, ...] (what
    ///   the tutorial's combined CE + Dice loss passes, and what PyTorch would reject
    ///   there). The target is one-hot encoded, the Dice coefficient is computed per
    ///   class over the whole batch, and the loss is one minus their mean over all C
    ///   classes (background included):
    ///
    ///       D_c  = (2 * sum(p_c * t_c) + smooth) / (sum(p_c) + sum(t_c) + smooth)
    ///       loss = 1 - mean_c D_c
    ///
    /// `smooth` keeps the ratio defined for empty masks (both sums 0 give D = 1). The
    /// default, 1, is the common choice; the tutorial's own default is 1e-6 (pass
    /// `smooth: 1e-6` to reproduce it exactly). Written with differentiable ops:
    /// gradients flow to `probs` (and to a float `target` that requires them).
    public static func diceLoss(_ probs: Tensor, _ target: Tensor, smooth: Double = 1.0) throws -> Tensor {
        let op = "dice_loss"
        try requireFloat(op, probs, "probs", "probabilities")
        guard smooth >= 0 else { throw TensorError(op, "smooth must be non-negative, got \(smooth)") }
        let classShape = probs.ndim >= 2 ? [probs.shape[0]] + Array(probs.shape[2...]) : nil
        if target.dtype == .int64, probs.ndim >= 2, probs.shape[1] > 1, target.shape == classShape {
            return try classDice(probs, target, smooth: smooth)
        }
        guard target.count == probs.count else {
            let classHint = probs.ndim >= 2 && probs.shape[1] > 1
                ? "; int64 class indices would have shape \(shapeString(classShape ?? []))" : ""
            throw TensorError(op, "probs \(shapeString(probs.shape)) and target \(shapeString(target.shape)) do not match: a mask needs as many elements as probs (\(probs.count), got \(target.count))\(classHint)")
        }
        let p = try probs.reshape([-1])
        let t = try (target.dtype == .float32 ? target : target.to(.float32)).reshape([-1])
        let intersection = try p.mul(t).sum()
        let denominator = try p.sum().add(t.sum()).add(smooth)
        return try 1.0 - intersection.mul(2).add(smooth).div(denominator)
    }

    /// Class mode of `diceLoss`: one-hot targets, per-class Dice over the batch, mean.
    private static func classDice(_ probs: Tensor, _ target: Tensor, smooth: Double) throws -> Tensor {
        let classes = probs.shape[1]
        let labels = target.contiguous()
        let pl = labels.int64Pointer
        for i in 0..<labels.count where !(pl[i] >= 0 && pl[i] < Int64(classes)) {
            throw TensorError("dice_loss", "target \(pl[i]) is out of range for \(classes) classes (expected 0...\(classes - 1))")
        }
        // one-hot: [N, d1, ..., C] -> [N, C, d1, ...], float
        let k = probs.ndim
        let oneHot = try labels.oneHot(numClasses: classes)
            .permute([0, k - 1] + Array(1..<(k - 1))).to(.float32)
        let dims = [0] + Array(2..<k)
        let intersection = try probs.mul(oneHot).sum(dims: dims)        // [C]
        let denominator = try probs.sum(dims: dims).add(oneHot.sum(dims: dims)).add(smooth)
        let dice = try intersection.mul(2).add(smooth).div(denominator)  // [C]
        return try 1.0 - dice.mean()
    }
}
