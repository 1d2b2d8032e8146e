import VisTensor

/// torchvision.utils' `make_grid` and `save_image`: a batch of images tiled into one
/// picture, with torchvision's layout and numbers (checked against torchvision 0.29).
public enum ImageGrid {
    /// `make_grid(tensor, nrow, padding, normalize, value_range, scale_each, pad_value)`.
    /// `images` is one tensor (`[B, C, H, W]`, `[C, H, W]` or `[H, W]`) or several
    /// images of one shape (stacked first). As torchvision: one-channel images become
    /// three channels; `normalize` clamps to `valueRange` (or the min and max of the
    /// batch, or of each image with `scaleEach`) and maps it to [0, 1]; a batch of one
    /// image is returned without padding; otherwise `min(nrow, B)` images a row, every
    /// cell `padding` pixels apart and from the border, the rest `padValue`. The
    /// result keeps the input's dtype.
    public static func make(_ images: [Tensor], nrow: Int = 8, padding: Int = 2, normalize: Bool = false,
                            valueRange: (Double, Double)? = nil, scaleEach: Bool = false, padValue: Double = 0) throws -> Tensor {
        let op = "make_grid"
        guard !images.isEmpty else { throw TensorError(op, "expected a tensor or a non-empty list of tensors") }
        guard nrow > 0 else { throw TensorError(op, "nrow must be positive, got \(nrow)") }
        guard padding >= 0 else { throw TensorError(op, "padding must be non-negative, got \(padding)") }
        var t = images.count == 1 ? images[0] : try Tensor.stack(images, dim: 0)
        if t.ndim == 2 { t = try t.unsqueeze(0) }
        if t.ndim == 3 {
            if t.shape[0] == 1 { t = try Tensor.cat([t, t, t], dim: 0) }
            t = try t.unsqueeze(0)
        }
        guard t.ndim == 4 else { throw TensorError(op, "expected images [B, C, H, W], [C, H, W] or [H, W], got shape \(shapeString(t.shape))") }
        if t.shape[1] == 1 { t = try Tensor.cat([t, t, t], dim: 1) }
        t = t.detach()
        if normalize {
            func norm(_ x: Tensor) throws -> Tensor {
                let (low, high): (Double, Double)
                if let valueRange { (low, high) = valueRange } else {
                    guard x.count > 0 else { return x }
                    (low, high) = (try x.min().item(), try x.max().item())
                }
                // torchvision: clamp_(low, high), sub_(low), div_(max(high - low, 1e-5)).
                return try x.clamp(min: low, max: high).sub(low).div(Swift.max(high - low, 1e-5))
            }
            if scaleEach {
                t = try Tensor.stack((0..<t.shape[0]).map { try norm(t.select(0, $0)) }, dim: 0)
            } else {
                t = try norm(t)
            }
        }
        if t.shape[0] == 1 { return try t.squeeze(0) }
        let n = t.shape[0], c = t.shape[1]
        let cols = Swift.min(nrow, n)
        let rows = (n + cols - 1) / cols
        // Sizes from user input: checked products (a huge padding is an error, not a trap).
        func checked(_ a: Int, _ b: Int, _ d: Int) throws -> Int {
            let (p, o1) = a.multipliedReportingOverflow(by: b)
            let (s, o2) = p.addingReportingOverflow(d)
            guard !o1, !o2 else { throw TensorError(op, "the grid is too large (padding \(padding))") }
            return s
        }
        let (cellH, o1) = t.shape[2].addingReportingOverflow(padding)
        let (cellW, o2) = t.shape[3].addingReportingOverflow(padding)
        guard !o1, !o2 else { throw TensorError(op, "the grid is too large (padding \(padding))") }
        let shape = [c, try checked(cellH, rows, padding), try checked(cellW, cols, padding)]
        let grid = try Tensor.full(checked: shape, padValue, dtype: t.dtype, op: op)
        for k in 0..<n {
            try Interrupt.check()
            let (y, x) = (k / cols, k % cols)
            let cell = try grid.narrow(1, y * cellH + padding, t.shape[2]).narrow(2, x * cellW + padding, t.shape[3])
            try cell.assign(t.select(0, k))
        }
        return grid
    }

    /// torchvision's `save_image` quantisation: `grid * 255 + 0.5` clamped to [0, 255]
    /// and truncated to uint8 (NaN becomes 0), as the [C, H, W] float image of those
    /// bytes / 255, which `ImageCodec.write` stores back as the same bytes.
    public static func quantized(_ grid: Tensor) throws -> Tensor {
        let f = try grid.to(.float32).contiguous()
        let out = Tensor(uninitialized: f.shape)
        let (s, o) = (f.floatPointer, out.floatPointer)
        for i in 0..<f.count {
            let v = s[i] * 255 + 0.5
            let q: Float = v.isNaN ? 0 : Swift.min(255, Swift.max(0, v)).rounded(.towardZero)
            o[i] = q / 255
        }
        return out
    }
}
