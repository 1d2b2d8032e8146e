import VisTensor

/// Rearrangements of channels (PyTorch's `F.pixel_shuffle`, `F.pixel_unshuffle`,
/// `F.channel_shuffle`): reshapes and one permutation each, so the gradient is the
/// inverse rearrangement.
extension Functional {
    /// [*, C r², H, W] -> [*, C, H r, W r] (sub-pixel convolution's upsampling).
    public static func pixelShuffle(_ x: Tensor, upscaleFactor r: Int, op: String = "pixel_shuffle") throws -> Tensor {
        guard r > 0 else { throw TensorError(op, "upscale_factor must be greater than 0, got \(r)") }
        guard x.ndim >= 3 else {
            throw TensorError(op, "expects input to have at least 3 dimensions, but got input with shape \(shapeString(x.shape))")
        }
        let n = x.ndim, c = x.shape[n - 3], h = x.shape[n - 2], w = x.shape[n - 1]
        let (rr, overflow) = r.multipliedReportingOverflow(by: r)
        guard !overflow, c % rr == 0 else {
            throw TensorError(op, "expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)=\(c) is not divisible by \(overflow ? "upscale_factor^2" : String(rr)) (input shape \(shapeString(x.shape)))")
        }
        let lead = Array(x.shape.prefix(n - 3)), k = lead.count
        try Shape.validate(lead + [c / rr, h * r, w * r], op: op)
        let split = try x.reshape(lead + [c / rr, r, r, h, w])
        let perm = Array(0..<k) + [k, k + 3, k + 1, k + 4, k + 2]
        return try split.permute(perm).reshape(lead + [c / rr, h * r, w * r])
    }

    /// [*, C, H r, W r] -> [*, C r², H, W] (the inverse of `pixelShuffle`).
    public static func pixelUnshuffle(_ x: Tensor, downscaleFactor r: Int, op: String = "pixel_unshuffle") throws -> Tensor {
        guard r > 0 else { throw TensorError(op, "downscale_factor must be greater than 0, got \(r)") }
        guard x.ndim >= 3 else {
            throw TensorError(op, "expects input to have at least 3 dimensions, but got input with shape \(shapeString(x.shape))")
        }
        let n = x.ndim, c = x.shape[n - 3], h = x.shape[n - 2], w = x.shape[n - 1]
        guard h % r == 0 else {
            throw TensorError(op, "expects height to be divisible by downscale_factor, but input.size(-2)=\(h) is not divisible by \(r) (input shape \(shapeString(x.shape)))")
        }
        guard w % r == 0 else {
            throw TensorError(op, "expects width to be divisible by downscale_factor, but input.size(-1)=\(w) is not divisible by \(r) (input shape \(shapeString(x.shape)))")
        }
        let lead = Array(x.shape.prefix(n - 3)), k = lead.count
        let split = try x.reshape(lead + [c, h / r, r, w / r, r])
        let perm = Array(0..<k) + [k, k + 2, k + 4, k + 1, k + 3]
        return try split.permute(perm).reshape(lead + [c * r * r, h / r, w / r])
    }

    /// [N, C, *] -> the same shape with the channels taken group by group in turn:
    /// channel order (g0c0, g1c0, ..., g0c1, g1c1, ...) (ShuffleNet's channel shuffle).
    public static func channelShuffle(_ x: Tensor, groups g: Int, op: String = "channel_shuffle") throws -> Tensor {
        guard g > 0 else { throw TensorError(op, "number of groups to divide channels in must be positive, got \(g)") }
        guard x.ndim > 2 else {
            throw TensorError(op, "expects input with > 2 dims, but got input with shape \(shapeString(x.shape))")
        }
        let c = x.shape[1]
        guard c % g == 0 else {
            throw TensorError(op, "number of channels must be divisible by groups, got \(c) channels and \(g) groups (input shape \(shapeString(x.shape)))")
        }
        let rest = Array(x.shape.dropFirst(2))
        return try x.reshape([x.shape[0], g, c / g] + rest).transpose(1, 2).reshape(x.shape)
    }
}
