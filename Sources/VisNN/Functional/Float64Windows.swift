import VisTensor

/// The float64 convolutions and poolings, as composites of differentiable float64 tensor
/// ops: each image plane [H * W] gets one extra cell (the sentinel: 0 for convolutions
/// and averages, -inf for max) and an int64 index lists, for every window and tap, the
/// plane cell under it or the sentinel where the tap is in the padding. `index_select`
/// with that index is im2col, `index_add` with it col2im; the products are float64
/// matmuls (cblas_dgemm) and the gradients come from the ops' own rules, in float64.
/// The float32 kernels are untouched: this runs only for float64 layers.
enum Float64Windows {
    /// The sentinel index of a plane of `height * width` cells.
    static func sentinel(_ height: Int, _ width: Int) -> Int64 { Int64(height * width) }

    /// im2col's index for windows of `kernel` taps: [kh * kw * outH * outW], tap-major
    /// (tap (i, j), then window (oy, ox)), each the plane cell y * W + x under the tap
    /// or the sentinel where (y, x) lies outside the plane.
    static func index(height: Int, width: Int, kernel: (Int, Int), stride: (Int, Int), pad: (Int, Int),
                      dilation: (Int, Int), out: (Int, Int)) throws -> Tensor {
        let taps = kernel.0 * kernel.1, windows = out.0 * out.1
        try Shape.validate([taps, windows], op: "im2col")
        var idx = [Int64](repeating: sentinel(height, width), count: taps * windows)
        var k = 0
        for i in 0..<kernel.0 {
            for j in 0..<kernel.1 {
                for oy in 0..<out.0 {
                    let y = oy * stride.0 - pad.0 + i * dilation.0
                    for ox in 0..<out.1 {
                        let x = ox * stride.1 - pad.1 + j * dilation.1
                        if y >= 0, y < height, x >= 0, x < width { idx[k] = Int64(y * width + x) }
                        k += 1
                    }
                }
            }
        }
        return try Tensor(int64: idx, shape: [taps * windows])
    }

    /// x [N, C, H, W] as planes [N, C, H * W + 1] ending in the sentinel value `fill`.
    static func planes(_ x: Tensor, fill: Double) throws -> Tensor {
        let n = x.shape[0], c = x.shape[1]
        let flat = try x.reshape([n, c, x.shape[2] * x.shape[3]])
        return try Tensor.cat([flat, Tensor.full([n, c, 1], fill, dtype: x.dtype)], dim: 2)
    }

    /// The columns of x [N, C, H, W] under `index` (`taps * windows` long): [N, C, taps, windows].
    static func columns(_ x: Tensor, index: Tensor, taps: Int, fill: Double) throws -> Tensor {
        let cols = try planes(x, fill: fill).indexSelect(dim: 2, index: index)
        return try cols.reshape([x.shape[0], x.shape[1], taps, index.count / Swift.max(taps, 1)])
    }

    /// conv2d in float64 on x [N, C, H, W] with the checked `geometry`.
    static func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor?, geometry g: ConvGeometry, groups: Int) throws -> Tensor {
        let n = x.shape[0], o = weight.shape[0], taps = g.kernelH * g.kernelW
        let index = try index(height: g.height, width: g.width, kernel: (g.kernelH, g.kernelW), stride: (g.strideH, g.strideW),
                              pad: (g.padTop, g.padLeft), dilation: (g.dilationH, g.dilationW), out: (g.outH, g.outW))
        // cols: [N, groups, C/groups * kh * kw, L]; w: [groups, O/groups, C/groups * kh * kw]
        let cols = try columns(x, index: index, taps: taps, fill: 0)
            .reshape([n, groups, g.channels / groups * taps, g.patches])
        let w = try weight.reshape([groups, o / groups, g.channels / groups * taps])
        var out = try w.matmul(cols).reshape([n, o, g.outH, g.outW])
        if let bias { out = try out.add(bias.reshape([1, o, 1, 1])) }
        return out
    }

    /// conv_transpose2d in float64 on x [N, Cin, H, W]: `geometry` is that of the conv2d
    /// whose data gradient this is (image side: the output; windows: the input).
    static func convTranspose2d(_ x: Tensor, weight: Tensor, bias: Tensor?, geometry g: ConvGeometry, groups: Int) throws -> Tensor {
        let n = x.shape[0], cin = weight.shape[0], cout = g.channels, taps = g.kernelH * g.kernelW
        let index = try index(height: g.height, width: g.width, kernel: (g.kernelH, g.kernelW), stride: (g.strideH, g.strideW),
                              pad: (g.padTop, g.padLeft), dilation: (g.dilationH, g.dilationW), out: (g.outH, g.outW))
        // cols [N, groups, Cout/groups * kh * kw, L] = W^T @ x, then summed into the output planes.
        let w = try weight.reshape([groups, cin / groups, cout / groups * taps]).transpose(1, 2)
        let xs = try x.reshape([n, groups, cin / groups, g.patches])
        let cols = try w.matmul(xs).reshape([n, cout, taps * g.patches])
        let plane = g.height * g.width
        let summed = try Tensor.zeros([n, cout, plane + 1], dtype: x.dtype).indexAdd(dim: 2, index: index, source: cols)
        var out = try summed.narrow(2, 0, plane).reshape([n, cout, g.height, g.width])
        if let bias { out = try out.add(bias.reshape([1, cout, 1, 1])) }
        return out
    }

    /// max_pool2d in float64 (the padding's sentinel is -inf, so it never wins; the
    /// gradient goes to the first largest tap of each window, as PyTorch's).
    static func maxPool2d(_ x: Tensor, _ g: PoolGeometry) throws -> Tensor {
        let index = try index(height: g.height, width: g.width, kernel: (g.kernelH, g.kernelW), stride: (g.strideH, g.strideW),
                              pad: (g.padH, g.padW), dilation: (g.dilationH, g.dilationW), out: (g.outH, g.outW))
        let cols = try columns(x, index: index, taps: g.kernelH * g.kernelW, fill: -.infinity)
        return try cols.max(dim: 2).values.reshape([x.shape[0], x.shape[1], g.outH, g.outW])
    }

    /// avg_pool2d in float64: window sums divided by PyTorch's divisor per window
    /// (`divisor` gives it for output (oy, ox); 0 leaves the zero sum alone).
    static func avgPool2d(_ x: Tensor, _ g: PoolGeometry, divisor: (Int, Int) -> Double) throws -> Tensor {
        let index = try index(height: g.height, width: g.width, kernel: (g.kernelH, g.kernelW), stride: (g.strideH, g.strideW),
                              pad: (g.padH, g.padW), dilation: (1, 1), out: (g.outH, g.outW))
        let sums = try columns(x, index: index, taps: g.kernelH * g.kernelW, fill: 0).sum(dim: 2)
        return try sums.mul(reciprocals(g.outH, g.outW, divisor)).reshape([x.shape[0], x.shape[1], g.outH, g.outW])
    }

    /// [outH * outW] float64 of 1 / divisor(oy, ox) (0 where the divisor is 0).
    private static func reciprocals(_ outH: Int, _ outW: Int, _ divisor: (Int, Int) -> Double) -> Tensor {
        let t = Tensor(uninitialized: [outH * outW], dtype: .float64)
        let p = t.doublePointer
        for oy in 0..<outH {
            for ox in 0..<outW {
                let d = divisor(oy, ox)
                p[oy * outW + ox] = d == 0 ? 0 : 1 / d
            }
        }
        return t
    }

    /// Adaptive average / max pooling in float64 on x [N, C, H, W]: PyTorch's bins
    /// (`AdaptiveBins`), each padded with the sentinel to the largest bin's size.
    static func adaptivePool2d(_ x: Tensor, outputSize: (Int, Int), max: Bool) throws -> Tensor {
        let h = x.shape[2], w = x.shape[3], (oh, ow) = outputSize
        let rows = (0..<oh).map { AdaptiveBins.range($0, out: oh, size: h) }
        let cols = (0..<ow).map { AdaptiveBins.range($0, out: ow, size: w) }
        let kh = rows.map { $0.end - $0.start }.max() ?? 0, kw = cols.map { $0.end - $0.start }.max() ?? 0
        let taps = kh * kw, windows = oh * ow
        try Shape.validate([taps, windows], op: max ? "adaptive_max_pool2d" : "adaptive_avg_pool2d")
        var idx = [Int64](repeating: sentinel(h, w), count: taps * windows)
        for i in 0..<kh {
            for j in 0..<kw {
                for oy in 0..<oh where rows[oy].start + i < rows[oy].end {
                    for ox in 0..<ow where cols[ox].start + j < cols[ox].end {
                        idx[(i * kw + j) * windows + oy * ow + ox] = Int64((rows[oy].start + i) * w + cols[ox].start + j)
                    }
                }
            }
        }
        let index = try Tensor(int64: idx, shape: [taps * windows])
        let picked = try columns(x, index: index, taps: taps, fill: max ? -.infinity : 0)
        let shape = [x.shape[0], x.shape[1], oh, ow]
        if max { return try picked.max(dim: 2).values.reshape(shape) }
        let counts = reciprocals(oh, ow) { oy, ox in
            Double((rows[oy].end - rows[oy].start) * (cols[ox].end - cols[ox].start))
        }
        return try picked.sum(dim: 2).mul(counts).reshape(shape)
    }
}
