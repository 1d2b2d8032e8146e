import VisTensor

extension Functional {
    /// Transposed 2-D convolution (PyTorch's `F.conv_transpose2d`): x [N, Cin, H, W] (or
    /// unbatched [Cin, H, W]) with weight [Cin, Cout / groups, kh, kw] and optional bias
    /// [Cout] gives [N, Cout, Ho, Wo] with
    /// Ho = (H - 1) * stride - 2 * padding + dilation * (kh - 1) + outputPadding + 1.
    ///
    /// It is conv2d's data gradient: the conv2d from the output back to x has the same
    /// weight, so the forward runs conv2d's backward-data product (W^T @ x, then col2im)
    /// and the backward runs conv2d's forward (dx = conv2d(g, W)) and weight-gradient
    /// (dW = x @ im2col(g)^T) products, sharing one im2col of g per image.
    /// `outputPadding` adds rows/columns at the bottom/right and must be smaller than the
    /// stride or the dilation.
    public static func convTranspose2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil,
                                       stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
                                       outputPadding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1),
                                       groups: Int = 1) throws -> Tensor {
        let op = "conv_transpose2d"
        if let routed = try LayerDType.route(op, [x, weight, bias], mismatch: LayerDType.convMismatch(input: x.dtype, weight: weight.dtype),
                                             float32: { f in try convTranspose2d(f(x), weight: f(weight), bias: bias.map(f), stride: stride, padding: padding,
                                                                                 outputPadding: outputPadding, dilation: dilation, groups: groups) },
                                             float64: {
            try ConvCheck.batched(op, x) { x4 in
                let geometry = try convTranspose2dGeometry(x4, shown: x.shape, weight: weight, bias: bias, stride: stride, padding: padding,
                                                           outputPadding: outputPadding, dilation: dilation, groups: groups)
                return try Float64Windows.convTranspose2d(x4, weight: weight, bias: bias, geometry: geometry, groups: groups)
            }
        }) { return routed }
        try ConvCheck.float(op, x, "input")
        try ConvCheck.float(op, weight, "weight")
        if let bias { try ConvCheck.float(op, bias, "bias") }
        return try ConvCheck.batched(op, x) { x4 in
            try convTranspose2dBatched(x4, shown: x.shape, weight: weight, bias: bias, stride: stride, padding: padding,
                                       outputPadding: outputPadding, dilation: dilation, groups: groups)
        }
    }

    /// The geometry of the conv2d whose data gradient is this transposed convolution:
    /// its image side is the output [Cout, Ho, Wo], its window grid the input [H, W].
    static func convTranspose2dGeometry(_ x: Tensor, shown: [Int], weight: Tensor, bias: Tensor?,
                                        stride: (Int, Int), padding: (Int, Int), outputPadding: (Int, Int),
                                        dilation: (Int, Int), groups: Int) throws -> ConvGeometry {
        let op = "conv_transpose2d"
        guard weight.ndim == 4 else {
            throw TensorError(op, "expected weight [in_channels, out_channels / groups, kh, kw], got \(shapeString(weight.shape))")
        }
        guard groups > 0 else { throw TensorError(op, "groups must be positive, got \(groups)") }
        try ConvCheck.pairs(op, [("stride", stride), ("dilation", dilation)], minimum: 1)
        try ConvCheck.pairs(op, [("padding", padding), ("output_padding", outputPadding)], minimum: 0)
        try ConvCheck.bounded(op, [("stride", stride), ("padding", padding), ("output_padding", outputPadding), ("dilation", dilation)])
        try ConvCheck.extents(op, [("input", x), ("weight", weight), ("bias", bias)])
        guard (outputPadding.0 < stride.0 || outputPadding.0 < dilation.0)
                && (outputPadding.1 < stride.1 || outputPadding.1 < dilation.1) else {
            throw TensorError(op, "output_padding (\(outputPadding.0), \(outputPadding.1)) must be smaller than the stride (\(stride.0), \(stride.1)) or the dilation (\(dilation.0), \(dilation.1))")
        }
        let cin = weight.shape[0], kh = weight.shape[2], kw = weight.shape[3]
        let cout = weight.shape[1] * groups
        guard cin % groups == 0 else {
            throw TensorError(op, "groups=\(groups) must divide the \(cin) input channels of weight \(shapeString(weight.shape))")
        }
        let c = x.shape[1], h = x.shape[2], w = x.shape[3]
        guard c == cin else {
            throw TensorError(op, "expected input with \(cin) channels (weight \(shapeString(weight.shape))), got \(shapeString(shown))")
        }
        if let bias, bias.shape != [cout] {
            throw TensorError(op, "expected bias [\(cout)] for weight \(shapeString(weight.shape)) and groups=\(groups), got \(shapeString(bias.shape))")
        }
        guard kh > 0, kw > 0 else { throw TensorError(op, "kernel size must be positive, got weight \(shapeString(weight.shape))") }
        // (size - 1) * stride can overflow even with bounded factors (2**34 each): checked.
        func outSize(_ size: Int, _ stride: Int, _ padding: Int, _ dilation: Int, _ kernel: Int, _ extra: Int) throws -> Int {
            let span = try ConvCheck.span(op, kernel: kernel, dilation: dilation)
            let (steps, overflow) = Swift.max(size - 1, 0).multipliedReportingOverflow(by: stride)
            guard !overflow, steps <= Shape.maxElements else {
                throw TensorError(op, "stride \(stride) is too large for input size \(size) (the output would have more than \(Shape.maxElements) rows or columns)")
            }
            return steps - 2 * padding + span - 1 + extra + 1
        }
        let outH = try outSize(h, stride.0, padding.0, dilation.0, kh, outputPadding.0)
        let outW = try outSize(w, stride.1, padding.1, dilation.1, kw, outputPadding.1)
        guard h > 0, w > 0, outH > 0, outW > 0 else {
            throw TensorError(op, "output size \(outH)x\(outW) is not positive (input \(shapeString(shown)), weight \(shapeString(weight.shape)), stride (\(stride.0), \(stride.1)), padding (\(padding.0), \(padding.1)))")
        }
        let geometry = ConvGeometry(
            channels: cout, height: outH, width: outW, kernelH: kh, kernelW: kw, strideH: stride.0, strideW: stride.1,
            padTop: padding.0, padLeft: padding.1, dilationH: dilation.0, dilationW: dilation.1, outH: h, outW: w)
        try Shape.validate([x.shape[0], cout, outH, outW], op: op)
        try Shape.validate([cout, kh, kw, h, w], op: op)
        try ConvCheck.blasSizes(op, [geometry.colRows, geometry.patches, cin], shape: shown)
        return geometry
    }

    /// conv_transpose2d on a 4-D input (`shown` is the caller's shape, for messages).
    static func convTranspose2dBatched(_ x: Tensor, shown: [Int], weight: Tensor, bias: Tensor?,
                                       stride: (Int, Int), padding: (Int, Int), outputPadding: (Int, Int),
                                       dilation: (Int, Int), groups: Int) throws -> Tensor {
        let geometry = try convTranspose2dGeometry(x, shown: shown, weight: weight, bias: bias, stride: stride, padding: padding,
                                                   outputPadding: outputPadding, dilation: dilation, groups: groups)
        let n = x.shape[0], cin = weight.shape[0], cout = geometry.channels
        // x: [N, Cin, H, W], w: [Cin, Cout/groups, kh, kw], b: [Cout] -> out: [N, Cout, Ho, Wo]
        let xc = x.detach().contiguous(), wc = weight.detach().contiguous(), bc = bias?.detach().contiguous()
        let out = Tensor(uninitialized: [n, cout, geometry.height, geometry.width])
        var pass = ConvPass(geometry: geometry, batch: n, groups: groups, outChannels: cin, weight: wc)
        pass.gridForData = xc
        pass.imageOut = out
        pass.imageBias = bc
        try pass.run()

        let inputs = [x, weight] + (bias.map { [$0] } ?? [])
        if Autograd.needsGraph(inputs) {
            let needX = x.requiresGrad, needW = weight.requiresGrad, needB = bias?.requiresGrad ?? false
            let xShape = x.shape, wShape = weight.shape, hasBias = bias != nil
            Autograd.record(out, "conv_transpose2d", inputs) { g in
                // g: [N, Cout, Ho, Wo] -> dx = conv2d(g, W) [N, Cin, H, W], dW [Cin, Cout/groups, kh, kw], db [Cout]
                let gc = g.contiguous()
                let dx = needX ? Tensor(uninitialized: xShape) : nil
                let dW = needW ? Tensor(uninitialized: wShape) : nil
                var back = ConvPass(geometry: geometry, batch: n, groups: groups, outChannels: cin, weight: wc)
                back.imageIn = gc
                back.gridOut = dx
                if needW {
                    back.gridForWeight = xc
                    back.weightGrad = dW
                }
                if needX || needW { try back.run() }
                let db = needB ? ConvPass.channelSums(gc, channels: cout) : nil
                return hasBias ? [dx, dW, db] : [dx, dW]
            }
        }
        return out
    }
}
