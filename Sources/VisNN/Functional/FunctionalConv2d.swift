import VisTensor

extension Functional {
    /// 2-D convolution (PyTorch's `F.conv2d`): x [N, C, H, W] (or unbatched [C, H, W])
    /// with weight [O, C / groups, kh, kw] and optional bias [O] gives
    /// [N, O, Ho, Wo], Ho = floor((H + padding - dilation * (kh - 1) - 1) / stride) + 1.
    ///
    /// Computed as im2col + one sgemm per image and group (a 1x1, stride-1, unpadded
    /// convolution skips im2col), with the bias written into the output before the
    /// product accumulates onto it. Backward: dW = g @ col^T and dX = col2im(W^T @ g)
    /// in one pass over the images, db = sum of g over N, H, W. `padding: .same` needs
    /// stride 1 and pads like PyTorch (the odd extra row/column at the bottom/right).
    ///
    ///     let y = try Functional.conv2d(x, weight: w, bias: b, padding: .explicit(1, 1))
    public static func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil,
                              stride: (Int, Int) = (1, 1), padding: ConvPadding = .explicit(0, 0),
                              dilation: (Int, Int) = (1, 1), groups: Int = 1) throws -> Tensor {
        let op = "conv2d"
        if let routed = try LayerDType.route(op, [x, weight, bias], mismatch: LayerDType.convMismatch(input: x.dtype, weight: weight.dtype),
                                             float32: { f in try conv2d(f(x), weight: f(weight), bias: bias.map(f), stride: stride, padding: padding,
                                                                        dilation: dilation, groups: groups) },
                                             float64: {
            try ConvCheck.batched(op, x) { x4 in
                let geometry = try conv2dGeometry(x4, shown: x.shape, weight: weight, bias: bias, stride: stride,
                                                  padding: padding, dilation: dilation, groups: groups)
                return try Float64Windows.conv2d(x4, weight: weight, bias: bias, geometry: geometry, groups: groups)
            }
        }) { return routed }
        try ConvCheck.float(op, x, "input")
        try ConvCheck.float(op, weight, "weight")
        if let bias { try ConvCheck.float(op, bias, "bias") }
        return try ConvCheck.batched(op, x) { x4 in
            try conv2dBatched(x4, shown: x.shape, weight: weight, bias: bias, stride: stride,
                              padding: padding, dilation: dilation, groups: groups)
        }
    }

    /// The geometry of conv2d on x [N, C, H, W], after every argument check.
    static func conv2dGeometry(_ x: Tensor, shown: [Int], weight: Tensor, bias: Tensor?,
                               stride: (Int, Int), padding: ConvPadding,
                               dilation: (Int, Int), groups: Int) throws -> ConvGeometry {
        let op = "conv2d"
        guard weight.ndim == 4 else {
            throw TensorError(op, "expected weight [out_channels, in_channels / groups, kh, kw], got \(shapeString(weight.shape))")
        }
        guard groups > 0 else { throw TensorError(op, "groups must be positive, got \(groups)") }
        try ConvCheck.pairs(op, [("stride", stride), ("dilation", dilation)], minimum: 1)
        try ConvCheck.bounded(op, [("dilation", dilation)])
        if case .explicit(let ph, let pw) = padding {
            try ConvCheck.pairs(op, [("padding", (ph, pw))], minimum: 0)
            try ConvCheck.bounded(op, [("padding", (ph, pw))])
        }
        try ConvCheck.extents(op, [("input", x), ("weight", weight), ("bias", bias)])
        if case .same = padding, stride != (1, 1) {
            throw TensorError(op, "padding=\"same\" needs stride 1, got stride (\(stride.0), \(stride.1))")
        }
        let o = weight.shape[0], kh = weight.shape[2], kw = weight.shape[3]
        guard o % groups == 0 else {
            throw TensorError(op, "groups=\(groups) must divide the \(o) output channels of weight \(shapeString(weight.shape))")
        }
        let c = x.shape[1], h = x.shape[2], w = x.shape[3]
        guard c == weight.shape[1] * groups else {
            let g = groups == 1 ? "" : ", groups=\(groups)"
            throw TensorError(op, "expected input with \(weight.shape[1] * groups) channels (weight \(shapeString(weight.shape))\(g)), got \(shapeString(shown))")
        }
        if let bias, bias.shape != [o] {
            throw TensorError(op, "expected bias [\(o)] for weight \(shapeString(weight.shape)), got \(shapeString(bias.shape))")
        }
        guard kh > 0, kw > 0 else { throw TensorError(op, "kernel size must be positive, got weight \(shapeString(weight.shape))") }
        // Every size is now at most maxElements and each span is checked, so the sums
        // below (a size plus two paddings, a few times 2**34 at most) cannot overflow.
        let spanH = try ConvCheck.span(op, kernel: kh, dilation: dilation.0)
        let spanW = try ConvCheck.span(op, kernel: kw, dilation: dilation.1)
        let ph = ConvGeometry.padding(padding, axis: 0, kernel: kh, dilation: dilation.0)
        let pw = ConvGeometry.padding(padding, axis: 1, kernel: kw, dilation: dilation.1)
        let paddedH = h + ph.before + ph.after, paddedW = w + pw.before + pw.after
        guard kh > 0, kw > 0, spanH <= paddedH, spanW <= paddedW else {
            throw TensorError(op, "kernel \(kh)x\(kw) (dilation \(dilation.0)x\(dilation.1), spanning \(spanH)x\(spanW)) does not fit the padded input \(paddedH)x\(paddedW) (input \(shapeString(shown)), weight \(shapeString(weight.shape)))")
        }
        let geometry = ConvGeometry(
            channels: c, height: h, width: w, kernelH: kh, kernelW: kw, strideH: stride.0, strideW: stride.1,
            padTop: ph.before, padLeft: pw.before, dilationH: dilation.0, dilationW: dilation.1,
            outH: ConvGeometry.windows(size: h, totalPadding: ph.before + ph.after, kernel: kh, stride: stride.0, dilation: dilation.0),
            outW: ConvGeometry.windows(size: w, totalPadding: pw.before + pw.after, kernel: kw, stride: stride.1, dilation: dilation.1))
        try Shape.validate([x.shape[0], o, geometry.outH, geometry.outW], op: op)
        // The column matrix [C * kh * kw, Ho * Wo], checked factor by factor (the product
        // itself could overflow before a check saw it).
        try Shape.validate([c, kh, kw, geometry.outH, geometry.outW], op: op)
        try ConvCheck.blasSizes(op, [geometry.colRows, geometry.patches, o], shape: shown)
        return geometry
    }

    /// conv2d on a 4-D input (`shown` is the caller's shape, for messages).
    static func conv2dBatched(_ x: Tensor, shown: [Int], weight: Tensor, bias: Tensor?,
                              stride: (Int, Int), padding: ConvPadding,
                              dilation: (Int, Int), groups: Int) throws -> Tensor {
        let geometry = try conv2dGeometry(x, shown: shown, weight: weight, bias: bias, stride: stride,
                                          padding: padding, dilation: dilation, groups: groups)
        let n = x.shape[0], o = weight.shape[0]
        // x: [N, C, H, W], w: [O, C/groups, kh, kw], b: [O] -> out: [N, O, Ho, Wo]
        let xc = x.detach().contiguous(), wc = weight.detach().contiguous(), bc = bias?.detach().contiguous()
        let out = Tensor(uninitialized: [n, o, geometry.outH, geometry.outW])
        var pass = ConvPass(geometry: geometry, batch: n, groups: groups, outChannels: o, weight: wc)
        pass.imageIn = xc
        pass.gridOut = out
        pass.gridBias = bc
        try pass.run()

        let inputs = [x, weight] + (bias.map { [$0] } ?? [])
        if Autograd.needsGraph(inputs) {
            let needX = x.requiresGrad, needW = weight.requiresGrad, needB = bias?.requiresGrad ?? false
            let xShape = x.shape, wShape = weight.shape, hasBias = bias != nil
            Autograd.record(out, "conv2d", inputs, saving: (needW ? [x] : []) + (needX ? [weight] : [])) { g in
                // g: [N, O, Ho, Wo] -> dx [N, C, H, W], dW [O, C/groups, kh, kw], db [O]
                let gc = g.contiguous()
                let dx = needX ? Tensor(uninitialized: xShape) : nil
                let dW = needW ? Tensor(uninitialized: wShape) : nil
                var back = ConvPass(geometry: geometry, batch: n, groups: groups, outChannels: o, weight: wc)
                if needW {
                    back.imageIn = xc
                    back.gridForWeight = gc
                    back.weightGrad = dW
                }
                if needX {
                    back.gridForData = gc
                    back.imageOut = dx
                }
                if needX || needW { try back.run() }
                let db = needB ? ConvPass.channelSums(gc, channels: o) : nil
                return hasBias ? [dx, dW.map(Autograd.fresh), db] : [dx, dW.map(Autograd.fresh)]
            }
        }
        return out
    }
}
