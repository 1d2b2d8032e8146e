import VisTensor

/// The sizes of a 2-D pooling over x [N, C, H, W]: every (n, c) plane is pooled on its
/// own, with windows of kh x kw taps (dilation apart) every stride, over an input
/// padded implicitly (padding never wins a max and counts for avg only when asked).
struct PoolGeometry {
    let planes: Int
    let height: Int
    let width: Int
    let kernelH: Int
    let kernelW: Int
    let strideH: Int
    let strideW: Int
    let padH: Int
    let padW: Int
    let dilationH: Int
    let dilationW: Int
    let outH: Int
    let outW: Int

    /// PyTorch's pooling output size along one axis:
    /// floor-or-ceil((size + 2 * pad - dilation * (kernel - 1) - 1) / stride) + 1, and in
    /// ceil mode one less when the last window would start beyond the input and its
    /// left/top padding (every window must start inside the padded-on-one-side input).
    static func outputSize(size: Int, kernel: Int, stride: Int, pad: Int, dilation: Int, ceilMode: Bool) -> Int {
        let numerator = size + 2 * pad - dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0)
        // Floor division (the numerator may be negative for a kernel larger than the input).
        var out = (numerator >= 0 ? numerator / stride : -((-numerator + stride - 1) / stride)) + 1
        if ceilMode && (out - 1) * stride >= size + pad { out -= 1 }
        return out
    }

    /// Checks the arguments of max_pool2d / avg_pool2d on a 4-D x (`shown` is the caller's
    /// shape, for messages) and returns the geometry. Padding is limited to half the
    /// kernel, as in PyTorch, so every window overlaps the input.
    static func make(_ op: String, _ x: Tensor, shown: [Int], kernel: (Int, Int), stride: (Int, Int)?,
                     padding: (Int, Int), dilation: (Int, Int), ceilMode: Bool) throws -> PoolGeometry {
        guard x.dtype == .float32 || x.dtype == .float64 else {
            throw TensorError(op, "expected a float32 or float64 input, got \(x.dtype) (shape \(shapeString(shown)))")
        }
        let stride = stride ?? kernel
        try ConvCheck.pairs(op, [("kernel_size", kernel), ("stride", stride), ("dilation", dilation)], minimum: 1)
        try ConvCheck.pairs(op, [("padding", padding)], minimum: 0)
        try ConvCheck.bounded(op, [("kernel_size", kernel), ("stride", stride), ("dilation", dilation)])
        try ConvCheck.extents(op, [("input", x)])
        // A window's taps are counted (the average's divisor) and walked: kh * kw must fit.
        guard kernel.0.multipliedReportingOverflow(by: kernel.1).partialValue <= Shape.maxElements,
              !kernel.0.multipliedReportingOverflow(by: kernel.1).overflow else {
            throw TensorError(op, "kernel_size (\(kernel.0), \(kernel.1)) is too large (more than \(Shape.maxElements) taps)")
        }
        _ = try ConvCheck.span(op, kernel: kernel.0, dilation: dilation.0)
        _ = try ConvCheck.span(op, kernel: kernel.1, dilation: dilation.1)
        guard padding.0 <= kernel.0 / 2 && padding.1 <= kernel.1 / 2 else {
            throw TensorError(op, "padding (\(padding.0), \(padding.1)) must be at most half the kernel size (\(kernel.0), \(kernel.1))")
        }
        let h = x.shape[2], w = x.shape[3]
        guard h > 0, w > 0 else {
            throw TensorError(op, "expected an input with non-empty height and width, got \(shapeString(shown))")
        }
        let oh = outputSize(size: h, kernel: kernel.0, stride: stride.0, pad: padding.0, dilation: dilation.0, ceilMode: ceilMode)
        let ow = outputSize(size: w, kernel: kernel.1, stride: stride.1, pad: padding.1, dilation: dilation.1, ceilMode: ceilMode)
        guard oh > 0, ow > 0 else {
            throw TensorError(op, "output size \(oh)x\(ow) is too small: input \(shapeString(shown)) with kernel (\(kernel.0), \(kernel.1)), stride (\(stride.0), \(stride.1)), padding (\(padding.0), \(padding.1)), dilation (\(dilation.0), \(dilation.1))")
        }
        return PoolGeometry(planes: x.shape[0] * x.shape[1], height: h, width: w, kernelH: kernel.0, kernelW: kernel.1,
                            strideH: stride.0, strideW: stride.1, padH: padding.0, padW: padding.1,
                            dilationH: dilation.0, dilationW: dilation.1, outH: oh, outW: ow)
    }

    /// The taps of output row oy that land inside the input: rows start, start + dilation,
    /// ... below end (start >= end for a window entirely in the padding).
    @inline(__always)
    func rows(_ oy: Int) -> (start: Int, end: Int) {
        PoolGeometry.taps(oy * strideH - padH, kernel: kernelH, dilation: dilationH, size: height)
    }

    /// The taps of output column ox that land inside the input (see `rows`).
    @inline(__always)
    func columns(_ ox: Int) -> (start: Int, end: Int) {
        PoolGeometry.taps(ox * strideW - padW, kernel: kernelW, dilation: dilationW, size: width)
    }

    @inline(__always)
    private static func taps(_ first: Int, kernel: Int, dilation: Int, size: Int) -> (start: Int, end: Int) {
        var start = first
        let end = Swift.min(first + dilation * (kernel - 1) + 1, size)
        if start < 0 { start += ((-start + dilation - 1) / dilation) * dilation }
        return (start, end)
    }
}

/// Adaptive pooling bins (PyTorch's): output cell i of `out` covers input positions
/// floor(i * size / out) ..< ceil((i + 1) * size / out), so the bins tile the input
/// for any sizes, overlapping when they do not divide (or when out > size).
enum AdaptiveBins {
    @inline(__always)
    static func range(_ i: Int, out: Int, size: Int) -> (start: Int, end: Int) {
        ((i * size) / out, ((i + 1) * size + out - 1) / out)
    }

    /// Checks an adaptive pooling's arguments on a 4-D x (`shown` is the caller's shape).
    static func check(_ op: String, _ x: Tensor, shown: [Int], outputSize: (Int, Int)) throws {
        guard x.dtype == .float32 || x.dtype == .float64 else {
            throw TensorError(op, "expected a float32 or float64 input, got \(x.dtype) (shape \(shapeString(shown)))")
        }
        try ConvCheck.pairs(op, [("output_size", outputSize)], minimum: 1)
        try ConvCheck.bounded(op, [("output_size", outputSize)])
        try ConvCheck.extents(op, [("input", x)])
        guard x.shape[2] > 0, x.shape[3] > 0 else {
            throw TensorError(op, "expected an input with non-empty height and width, got \(shapeString(shown))")
        }
        try Shape.validate([x.shape[0], x.shape[1], outputSize.0, outputSize.1], op: op)
    }
}
