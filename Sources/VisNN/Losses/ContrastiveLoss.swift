import VisTensor

extension Functional {
    /// The margin contrastive loss of Hadsell, Chopra and LeCun (2006) for twin
    /// ("siamese") networks, as the PyTorch tutorials write their `ContrastiveLoss`:
    /// embeddings `a` and `b` of shape [N, D] (or [D]), `same` = 1 for a matching pair
    /// and 0 for a different one (float32, int64 or bool, N elements in any shape,
    /// e.g. [N] or [N, 1]):
    ///
    ///     d    = || a - b + 1e-6 ||_2                  per pair (F.pairwise_distance)
    ///     loss = mean(same * d^2 + (1 - same) * max(margin - d, 0)^2)
    ///
    /// Matching pairs are pulled together, different pairs pushed until they are
    /// `margin` apart. The 1e-6 is pairwise_distance's eps: it keeps d, and the
    /// gradient of d, finite when a == b. Note the label convention: many tutorials
    /// pass label = 1 for a *different* pair ((1 - label) * d^2 + label * ...); port
    /// those with `same: 1 - label`. `reduction` as elsewhere (mean by default).
    /// Written with differentiable ops: gradients flow to `a` and `b`.
    public static func contrastiveLoss(_ a: Tensor, _ b: Tensor, _ same: Tensor, margin: Double = 1.0,
                                       reduction: Reduction = .mean) throws -> Tensor {
        let op = "contrastive_loss"
        try requireFloat(op, a, "a", "embeddings")
        try requireFloat(op, b, "b", "embeddings")
        guard a.shape == b.shape, a.ndim >= 1 else {
            throw TensorError(op, "a \(shapeString(a.shape)) and b \(shapeString(b.shape)) must be embeddings of the same shape, [N, D] or [D]")
        }
        let pairs = a.ndim == 1 ? 1 : a.count / Swift.max(a.shape[a.ndim - 1], 1)
        guard same.count == pairs else {
            throw TensorError(op, "same has \(same.count) elements (shape \(shapeString(same.shape))) but a and b \(shapeString(a.shape)) hold \(pairs) pair\(pairs == 1 ? "" : "s")")
        }
        // squared: [N] (or [] for [D] inputs)
        let squared = try a.sub(b).add(1e-6).pow(2).sum(dim: -1)
        let distance = try squared.sqrt()
        let s = try (same.dtype == .float32 ? same : same.to(.float32)).reshape(squared.shape)
        let pull = try s.mul(squared)
        let push = try (1.0 - s).mul(distance.neg().add(margin).clamp(min: 0).pow(2))
        return try reduce(pull.add(push), reduction)
    }
}
