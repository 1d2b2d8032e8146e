import VisTensor

extension Functional {
    /// Adaptive 2-D average pooling (PyTorch's `F.adaptive_avg_pool2d`): x [N, C, H, W]
    /// (or unbatched [C, H, W]) to [N, C, oh, ow] for any output size, output cell i
    /// averaging input rows floor(i * H / oh) ..< ceil((i + 1) * H / oh) (and likewise
    /// for columns). Backward spreads each gradient evenly over its bin.
    ///
    ///     let pooled = try Functional.adaptiveAvgPool2d(features, outputSize: (1, 1))
    public static func adaptiveAvgPool2d(_ x: Tensor, outputSize: (Int, Int)) throws -> Tensor {
        let op = "adaptive_avg_pool2d"
        if LayerDType.isHalf(x) { return try adaptiveAvgPool2d(x.to(.float32), outputSize: outputSize).to(x.dtype) }
        return try ConvCheck.batched(op, x) { x4 in
            try AdaptiveBins.check(op, x4, shown: x.shape, outputSize: outputSize)
            if x4.dtype == .float64 { return try Float64Windows.adaptivePool2d(x4, outputSize: outputSize, max: false) }
            return try adaptivePool(x4, outputSize: outputSize, max: false, op: op)
        }
    }

    /// Adaptive 2-D max pooling (PyTorch's `F.adaptive_max_pool2d`): the bins of
    /// `adaptiveAvgPool2d`, each giving its largest value (NaN wins, as in PyTorch).
    /// Backward sends each gradient to its bin's winning input.
    public static func adaptiveMaxPool2d(_ x: Tensor, outputSize: (Int, Int)) throws -> Tensor {
        let op = "adaptive_max_pool2d"
        if LayerDType.isHalf(x) { return try adaptiveMaxPool2d(x.to(.float32), outputSize: outputSize).to(x.dtype) }
        return try ConvCheck.batched(op, x) { x4 in
            try AdaptiveBins.check(op, x4, shown: x.shape, outputSize: outputSize)
            if x4.dtype == .float64 { return try Float64Windows.adaptivePool2d(x4, outputSize: outputSize, max: true) }
            return try adaptivePool(x4, outputSize: outputSize, max: true, op: op)
        }
    }

    /// Both adaptive poolings on a checked 4-D input.
    private static func adaptivePool(_ x: Tensor, outputSize: (Int, Int), max: Bool, op: String) throws -> Tensor {
        // x: [N, C, H, W] -> out: [N, C, oh, ow] (max: indices [N, C, oh, ow], h * W + w within the plane)
        let (oh, ow) = outputSize
        let h = x.shape[2], w = x.shape[3], planes = x.shape[0] * x.shape[1]
        let outShape = [x.shape[0], x.shape[1], oh, ow]
        let xc = x.detach().contiguous()
        let out = Tensor(uninitialized: outShape)
        let record = Autograd.needsGraph(x)
        let indices = max && record ? Tensor(uninitialized: outShape, dtype: .int64) : nil
        let src = UnsafePointer(xc.floatPointer), dst = out.floatPointer, idx = indices?.int64Pointer
        let hw = h * w, ohw = oh * ow
        // Each bin holds about (H / oh + 1) * (W / ow + 1) inputs.
        let cost = ohw * (h / oh + 1) * (w / ow + 1)
        Parallel.forChunks(planes, costPerElement: Swift.max(cost, 1)) { p0, p1 in
            for plane in p0..<p1 {
                let s = src + plane * hw, d = dst + plane * ohw
                for oy in 0..<oh {
                    let (y0, y1) = AdaptiveBins.range(oy, out: oh, size: h)
                    for ox in 0..<ow {
                        let (x0, x1) = AdaptiveBins.range(ox, out: ow, size: w)
                        if max {
                            var best = -Float.infinity, at = y0 * w + x0
                            for y in y0..<y1 {
                                let row = s + y * w
                                for xx in x0..<x1 where row[xx] > best || row[xx].isNaN {
                                    best = row[xx]
                                    at = y * w + xx
                                }
                            }
                            d[oy * ow + ox] = best
                            idx?[plane * ohw + oy * ow + ox] = Int64(at)
                        } else {
                            var sum: Float = 0
                            for y in y0..<y1 {
                                let row = s + y * w
                                for xx in x0..<x1 { sum += row[xx] }
                            }
                            // Divided by height then width, in PyTorch's order (same rounding).
                            d[oy * ow + ox] = sum / Float(y1 - y0) / Float(x1 - x0)
                        }
                    }
                }
            }
        }
        withExtendedLifetime(xc) {}
        try Interrupt.check()
        guard record else { return out }
        let xShape = x.shape
        if let indices {
            Autograd.record(out, op, [x], saving: [x]) { grad in
                [PoolBackward.scatter(grad, indices: indices, inputShape: xShape)]
            }
            return out
        }
        Autograd.record(out, op, [x], saving: [x]) { grad in
            // grad: [N, C, oh, ow] -> dx: [N, C, H, W]
            let gc = grad.contiguous()
            let dx = Tensor(uninitialized: xShape)
            let gp = UnsafePointer(gc.floatPointer), dp = dx.floatPointer
            Parallel.forRange(planes, costPerElement: Swift.max(hw + cost, 1)) { p0, p1 in
                for plane in p0..<p1 {
                    let d = dp + plane * hw, s = gp + plane * ohw
                    d.update(repeating: 0, count: hw)
                    for oy in 0..<oh {
                        let (y0, y1) = AdaptiveBins.range(oy, out: oh, size: h)
                        for ox in 0..<ow {
                            let (x0, x1) = AdaptiveBins.range(ox, out: ow, size: w)
                            let share = s[oy * ow + ox] / Float(y1 - y0) / Float(x1 - x0)
                            for y in y0..<y1 {
                                let row = d + y * w
                                for xx in x0..<x1 { row[xx] += share }
                            }
                        }
                    }
                }
            }
            withExtendedLifetime(gc) {}
            return [dx]
        }
        return out
    }
}
