import VisTensor

extension Functional {
    /// 2-D max pooling (PyTorch's `F.max_pool2d`) over x [N, C, H, W] (or unbatched
    /// [C, H, W]): each output is the largest input under a kernel-sized window
    /// (taps `dilation` apart) moved by `stride` (default: the kernel size) over the
    /// input padded by `padding` (at most half the kernel; padding never wins).
    /// `ceilMode` rounds the output size up, as long as the last window starts inside
    /// the input or its top/left padding. NaN wins over any number, as in PyTorch.
    ///
    /// When recording the graph it keeps the winning index of each window, and the
    /// backward sends each output's gradient to that input (summing where windows overlap).
    public static func maxPool2d(_ x: Tensor, kernel: (Int, Int), stride: (Int, Int)? = nil,
                                 padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1),
                                 ceilMode: Bool = false) throws -> Tensor {
        let op = "max_pool2d"
        if LayerDType.isHalf(x) {
            return try maxPool2d(x.to(.float32), kernel: kernel, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode).to(x.dtype)
        }
        return try ConvCheck.batched(op, x) { x4 in
            let geometry = try PoolGeometry.make(op, x4, shown: x.shape, kernel: kernel, stride: stride,
                                                 padding: padding, dilation: dilation, ceilMode: ceilMode)
            if x4.dtype == .float64 { return try Float64Windows.maxPool2d(x4, geometry) }
            return try maxPoolForward(x4, geometry, op: op)
        }
    }

    /// max_pool2d on a 4-D input with checked geometry.
    private static func maxPoolForward(_ x: Tensor, _ g: PoolGeometry, op: String) throws -> Tensor {
        // x: [N, C, H, W] -> out: [N, C, Ho, Wo], indices: [N, C, Ho, Wo] (h * W + w within the plane)
        let outShape = [x.shape[0], x.shape[1], g.outH, g.outW]
        try Shape.validate(outShape, op: op)
        let xc = x.detach().contiguous()
        let out = Tensor(uninitialized: outShape)
        let record = Autograd.needsGraph(x)
        let indices = record ? Tensor(uninitialized: outShape, dtype: .int64) : nil
        let src = UnsafePointer(xc.floatPointer), dst = out.floatPointer
        let idx = indices?.int64Pointer
        let hw = g.height * g.width, ohw = g.outH * g.outW
        Parallel.forChunks(g.planes, costPerElement: Swift.max(ohw &* g.kernelH &* g.kernelW, 1)) { p0, p1 in
            for plane in p0..<p1 {
                g.maxPlane(src + plane * hw, into: dst + plane * ohw, indices: idx.map { $0 + plane * ohw })
            }
        }
        withExtendedLifetime(xc) {}
        try Interrupt.check()
        if let indices {
            let xShape = x.shape
            Autograd.record(out, "max_pool2d", [x], saving: [x]) { grad in
                [PoolBackward.scatter(grad, indices: indices, inputShape: xShape)]
            }
        }
        return out
    }
}

/// Backward rules shared by the pooling ops.
enum PoolBackward {
    /// dx [N, C, H, W] with each output gradient added to the input its window chose
    /// (index h * W + w within the plane; -1 for none).
    static func scatter(_ grad: Tensor, indices: Tensor, inputShape: [Int]) -> Tensor {
        let gc = grad.contiguous()
        let dx = Tensor(uninitialized: inputShape)
        let planes = inputShape[0] * inputShape[1], hw = inputShape[2] * inputShape[3]
        let ohw = planes == 0 ? 0 : gc.count / planes
        let g = UnsafePointer(gc.floatPointer), ix = UnsafePointer(indices.int64Pointer), d = dx.floatPointer
        Parallel.forRange(planes, costPerElement: Swift.max(hw + ohw, 1)) { p0, p1 in
            for plane in p0..<p1 {
                let dp = d + plane * hw, gp = g + plane * ohw, ip = ix + plane * ohw
                dp.update(repeating: 0, count: hw)
                for j in 0..<ohw {
                    let at = Int(ip[j])
                    if at >= 0 && at < hw { dp[at] += gp[j] }
                }
            }
        }
        withExtendedLifetime(gc) {}
        return dx
    }
}
