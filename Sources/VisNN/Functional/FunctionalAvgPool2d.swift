import VisTensor

extension Functional {
    /// 2-D average pooling (PyTorch's `F.avg_pool2d`) over x [N, C, H, W] (or unbatched
    /// [C, H, W]): each output is the mean of a kernel-sized window moved by `stride`
    /// (default: the kernel size) over the input padded by `padding` (at most half the
    /// kernel). With `countIncludePad` the divisor counts the padding cells the window
    /// covers (but never cells past the padding, which only `ceilMode` windows reach);
    /// without it, only the input cells. `ceilMode` follows max_pool2d's output-size rule.
    ///
    /// Backward: each output's gradient, divided by the same divisor, goes to every input
    /// cell of its window.
    public static func avgPool2d(_ x: Tensor, kernel: (Int, Int), stride: (Int, Int)? = nil,
                                 padding: (Int, Int) = (0, 0), ceilMode: Bool = false,
                                 countIncludePad: Bool = true) throws -> Tensor {
        let op = "avg_pool2d"
        if LayerDType.isHalf(x) {
            return try avgPool2d(x.to(.float32), kernel: kernel, stride: stride, padding: padding, ceilMode: ceilMode,
                                 countIncludePad: countIncludePad).to(x.dtype)
        }
        return try ConvCheck.batched(op, x) { x4 in
            let geometry = try PoolGeometry.make(op, x4, shown: x.shape, kernel: kernel, stride: stride,
                                                 padding: padding, dilation: (1, 1), ceilMode: ceilMode)
            if x4.dtype == .float64 {
                return try Float64Windows.avgPool2d(x4, geometry) { oy, ox in
                    Double(avgWindow(geometry, oy, ox, countIncludePad: countIncludePad).divisor)
                }
            }
            return try avgPoolForward(x4, geometry, countIncludePad: countIncludePad, op: op)
        }
    }

    /// The input cells of output (oy, ox) and the divisor of their sum (0 for a window
    /// with no input cell, whose output is 0).
    @inline(__always)
    private static func avgWindow(_ g: PoolGeometry, _ oy: Int, _ ox: Int, countIncludePad: Bool)
        -> (y0: Int, y1: Int, x0: Int, x1: Int, divisor: Float) {
        let top = oy * g.strideH - g.padH, left = ox * g.strideW - g.padW
        // The window clipped to the padded input: what count_include_pad counts.
        let bottom = Swift.min(top + g.kernelH, g.height + g.padH), right = Swift.min(left + g.kernelW, g.width + g.padW)
        let padded = (bottom - top) * (right - left)
        let y0 = Swift.max(top, 0), y1 = Swift.min(bottom, g.height)
        let x0 = Swift.max(left, 0), x1 = Swift.min(right, g.width)
        if y0 >= y1 || x0 >= x1 { return (y0, y0, x0, x0, 0) }
        let divisor = countIncludePad ? padded : (y1 - y0) * (x1 - x0)
        return (y0, y1, x0, x1, Float(divisor))
    }

    /// avg_pool2d on a 4-D input with checked geometry.
    private static func avgPoolForward(_ x: Tensor, _ g: PoolGeometry, countIncludePad: Bool, op: String) throws -> Tensor {
        // x: [N, C, H, W] -> out: [N, C, Ho, Wo]
        let outShape = [x.shape[0], x.shape[1], g.outH, g.outW]
        try Shape.validate(outShape, op: op)
        let xc = x.detach().contiguous()
        let out = Tensor(uninitialized: outShape)
        let src = UnsafePointer(xc.floatPointer), dst = out.floatPointer
        let hw = g.height * g.width, ohw = g.outH * g.outW
        Parallel.forChunks(g.planes, costPerElement: Swift.max(ohw &* g.kernelH &* g.kernelW, 1)) { p0, p1 in
            for plane in p0..<p1 {
                let s = src + plane * hw, d = dst + plane * ohw
                for oy in 0..<g.outH {
                    for ox in 0..<g.outW {
                        let w = avgWindow(g, oy, ox, countIncludePad: countIncludePad)
                        var sum: Float = 0
                        for y in w.y0..<w.y1 {
                            let row = s + y * g.width
                            for xx in w.x0..<w.x1 { sum += row[xx] }
                        }
                        d[oy * g.outW + ox] = w.divisor == 0 ? 0 : sum / w.divisor
                    }
                }
            }
        }
        withExtendedLifetime(xc) {}
        try Interrupt.check()
        if Autograd.needsGraph(x) {
            let xShape = x.shape
            Autograd.record(out, "avg_pool2d", [x], saving: [x]) { grad in
                // grad: [N, C, Ho, Wo] -> dx: [N, C, H, W]
                let gc = grad.contiguous()
                let dx = Tensor(uninitialized: xShape)
                let gp = UnsafePointer(gc.floatPointer), dp = dx.floatPointer
                Parallel.forRange(g.planes, costPerElement: Swift.max(hw + ohw &* g.kernelH &* g.kernelW, 1)) { p0, p1 in
                    for plane in p0..<p1 {
                        let d = dp + plane * hw, s = gp + plane * ohw
                        d.update(repeating: 0, count: hw)
                        for oy in 0..<g.outH {
                            for ox in 0..<g.outW {
                                let w = avgWindow(g, oy, ox, countIncludePad: countIncludePad)
                                if w.divisor == 0 { continue }
                                let share = s[oy * g.outW + ox] / w.divisor
                                for y in w.y0..<w.y1 {
                                    let row = d + y * g.width
                                    for xx in w.x0..<w.x1 { row[xx] += share }
                                }
                            }
                        }
                    }
                }
                withExtendedLifetime(gc) {}
                return [dx]
            }
        }
        return out
    }
}
