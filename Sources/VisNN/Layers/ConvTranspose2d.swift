import VisTensor

/// Transposed 2-D convolution (PyTorch's nn.ConvTranspose2d), the U-Net upsampler:
/// weight [in, out/groups, kh, kw]; output size (H-1)*stride - 2*padding +
/// dilation*(k-1) + output_padding + 1.
public final class ConvTranspose2d: Module {
    public let inChannels: Int, outChannels: Int
    public let kernelSize: (Int, Int), stride: (Int, Int), padding: (Int, Int), outputPadding: (Int, Int), dilation: (Int, Int)
    public let groups: Int
    public let weight: Tensor
    public let bias: Tensor?

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: (Int, Int), stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
                outputPadding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1), groups: Int = 1, bias: Bool = true) throws {
        guard inChannels > 0, outChannels > 0, groups > 0, inChannels % groups == 0, outChannels % groups == 0 else {
            throw TensorError("ConvTranspose2d", "groups=\(groups) must divide in_channels (\(inChannels)) and out_channels (\(outChannels)), all positive")
        }
        guard outputPadding.0 < Swift.max(stride.0, dilation.0), outputPadding.1 < Swift.max(stride.1, dilation.1) else {
            throw TensorError("ConvTranspose2d", "output_padding \(ReprFormat.pair(outputPadding)) must be smaller than stride or dilation")
        }
        guard kernelSize.0 > 0, kernelSize.1 > 0, stride.0 > 0, stride.1 > 0, dilation.0 > 0, dilation.1 > 0 else {
            throw TensorError("ConvTranspose2d", "kernel_size, stride and dilation must be positive")
        }
        guard padding.0 >= 0, padding.1 >= 0, outputPadding.0 >= 0, outputPadding.1 >= 0 else {
            throw TensorError("ConvTranspose2d", "padding and output_padding must be non-negative, got \(ReprFormat.pair(padding)) and \(ReprFormat.pair(outputPadding))")
        }
        try LayerSizeCheck.sizes("ConvTranspose2d", [
            ("in_channels", inChannels), ("out_channels", outChannels), ("kernel_size", kernelSize.0), ("kernel_size", kernelSize.1),
            ("stride", stride.0), ("stride", stride.1), ("padding", padding.0), ("padding", padding.1),
            ("dilation", dilation.0), ("dilation", dilation.1)])
        try LayerSizeCheck.parameter("ConvTranspose2d", "weight", [inChannels, outChannels / groups, kernelSize.0, kernelSize.1],
                                     from: "in_channels=\(inChannels), out_channels=\(outChannels), kernel_size=\(ReprFormat.pair(kernelSize))")
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        self.outputPadding = outputPadding
        self.dilation = dilation
        self.groups = groups
        weight = try Tensor.zeros([inChannels, outChannels / groups, kernelSize.0, kernelSize.1]).setRequiresGrad()
        self.bias = bias ? try Tensor.zeros([outChannels]).setRequiresGrad() : nil
        super.init()
        // PyTorch computes fan_in from weight dim 1 * kh * kw for transposed convs too.
        try Init.defaultConv(weight: weight, bias: self.bias)
    }

    public override var ownParameters: [(String, Tensor)] { [("weight", weight)] + (bias.map { [("bias", $0)] } ?? []) }

    public override var extraRepr: String {
        var s = "\(inChannels), \(outChannels), kernel_size=\(ReprFormat.pair(kernelSize)), stride=\(ReprFormat.pair(stride))"
        if padding != (0, 0) { s += ", padding=\(ReprFormat.pair(padding))" }
        if outputPadding != (0, 0) { s += ", output_padding=\(ReprFormat.pair(outputPadding))" }
        if dilation != (1, 1) { s += ", dilation=\(ReprFormat.pair(dilation))" }
        if groups != 1 { s += ", groups=\(groups)" }
        if bias == nil { s += ", bias=false" }
        return s
    }

    public override var hyperParameters: [(String, HyperValue)] {
        [("in_channels", .int(inChannels)), ("out_channels", .int(outChannels)), ("kernel_size", .ints([kernelSize.0, kernelSize.1])),
         ("stride", .ints([stride.0, stride.1])), ("padding", .ints([padding.0, padding.1]))]
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        try Functional.convTranspose2d(x, weight: weight, bias: bias, stride: stride, padding: padding,
                                       outputPadding: outputPadding, dilation: dilation, groups: groups)
    }
}
