import VisTensor

/// 2-D convolution (PyTorch's nn.Conv2d): weight [out, in/groups, kh, kw], stride,
/// padding (numbers, `"same"` or `"valid"`), dilation, groups, optional bias;
/// initialised like PyTorch.
public final class Conv2d: Module {
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: (Int, Int)
    public let stride: (Int, Int)
    public let padding: ConvPadding
    public let dilation: (Int, Int)
    public let groups: Int
    public let weight: Tensor
    public let bias: Tensor?

    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: (Int, Int), stride: (Int, Int) = (1, 1),
                padding: ConvPadding = .explicit(0, 0), dilation: (Int, Int) = (1, 1), groups: Int = 1, bias: Bool = true) throws {
        guard inChannels > 0, outChannels > 0 else {
            throw TensorError("Conv2d", "in_channels and out_channels must be positive, got \(inChannels) and \(outChannels)")
        }
        guard groups > 0, inChannels % groups == 0, outChannels % groups == 0 else {
            throw TensorError("Conv2d", "groups=\(groups) must divide both in_channels (\(inChannels)) and out_channels (\(outChannels))")
        }
        guard kernelSize.0 > 0, kernelSize.1 > 0, stride.0 > 0, stride.1 > 0, dilation.0 > 0, dilation.1 > 0 else {
            throw TensorError("Conv2d", "kernel_size, stride and dilation must be positive")
        }
        if case .same = padding, stride != (1, 1) {
            throw TensorError("Conv2d", "padding=\"same\" needs stride 1 (got stride \(ReprFormat.pair(stride)))")
        }
        var sizes = [("in_channels", inChannels), ("out_channels", outChannels), ("kernel_size", kernelSize.0),
                     ("kernel_size", kernelSize.1), ("dilation", dilation.0), ("dilation", dilation.1)]
        if case .explicit(let ph, let pw) = padding {
            guard ph >= 0, pw >= 0 else { throw TensorError("Conv2d", "padding must be non-negative, got \(ReprFormat.pair((ph, pw)))") }
            sizes += [("padding", ph), ("padding", pw)]
        }
        try LayerSizeCheck.sizes("Conv2d", sizes)
        try LayerSizeCheck.parameter("Conv2d", "weight", [outChannels, inChannels / groups, kernelSize.0, kernelSize.1],
                                     from: "in_channels=\(inChannels), out_channels=\(outChannels), kernel_size=\(ReprFormat.pair(kernelSize))")
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
        weight = try Tensor.zeros([outChannels, inChannels / groups, kernelSize.0, kernelSize.1]).setRequiresGrad()
        self.bias = bias ? try Tensor.zeros([outChannels]).setRequiresGrad() : nil
        super.init()
        try Init.defaultConv(weight: weight, bias: self.bias)
    }

    public override var ownParameters: [(String, Tensor)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    public override var extraRepr: String {
        var s = "\(inChannels), \(outChannels), kernel_size=\(ReprFormat.pair(kernelSize)), stride=\(ReprFormat.pair(stride))"
        switch padding {
        case .explicit(let h, let w): if h != 0 || w != 0 { s += ", padding=\(ReprFormat.pair((h, w)))" }
        case .same: s += ", padding=same"
        case .valid: s += ", padding=valid"
        }
        if dilation != (1, 1) { s += ", dilation=\(ReprFormat.pair(dilation))" }
        if groups != 1 { s += ", groups=\(groups)" }
        if bias == nil { s += ", bias=false" }
        return s
    }

    public override var hyperParameters: [(String, HyperValue)] {
        var pad: HyperValue
        switch padding {
        case .explicit(let h, let w): pad = .ints([h, w])
        case .same: pad = .string("same")
        case .valid: pad = .string("valid")
        }
        return [("in_channels", .int(inChannels)), ("out_channels", .int(outChannels)),
                ("kernel_size", .ints([kernelSize.0, kernelSize.1])), ("stride", .ints([stride.0, stride.1])),
                ("padding", pad), ("dilation", .ints([dilation.0, dilation.1])), ("groups", .int(groups))]
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        try Functional.conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
    }
}

/// A Conv2d whose in_channels comes from the first input (PyTorch's nn.LazyConv2d).
public final class LazyConv2d: Module {
    let outChannels: Int
    let kernelSize: (Int, Int), stride: (Int, Int), padding: ConvPadding, dilation: (Int, Int), groups: Int, useBias: Bool
    /// The weight: uninitialised until the first forward, then [out, in/groups, kh, kw].
    public let weight: Tensor
    /// The bias (uninitialised until the first forward), or nil with bias=false.
    public let bias: Tensor?
    /// The materialised layer's sizes and printed form, after the first forward (its
    /// own tensors are not used: `weight` and `bias` took their values in place).
    public private(set) var inner: Conv2d?

    /// Like PyTorch's, the weight and bias exist from the start as uninitialised
    /// parameters, so an optimizer made before the first forward trains them.
    public init(_ outChannels: Int, kernelSize: (Int, Int), stride: (Int, Int) = (1, 1), padding: ConvPadding = .explicit(0, 0),
                dilation: (Int, Int) = (1, 1), groups: Int = 1, bias: Bool = true) {
        weight = Tensor.uninitializedParameter("LazyConv2d.weight")
        self.bias = bias ? Tensor.uninitializedParameter("LazyConv2d.bias") : nil
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
        self.useBias = bias
        super.init()
    }

    public override var typeName: String { inner == nil ? "LazyConv2d" : "Conv2d" }
    public override var ownParameters: [(String, Tensor)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }
    public override var extraRepr: String { inner?.extraRepr ?? "0, \(outChannels), kernel_size=\(ReprFormat.pair(kernelSize)), stride=\(ReprFormat.pair(stride))" }
    public override var hyperParameters: [(String, HyperValue)] { inner?.hyperParameters ?? [("out_channels", .int(outChannels))] }

    /// Creates the weights for `inChannels`: a Conv2d's initial values, moved into
    /// `weight` and `bias` in place.
    public func materialize(inChannels: Int) throws {
        guard inner == nil else { return }
        let layer = try Conv2d(inChannels, outChannels, kernelSize: kernelSize, stride: stride, padding: padding,
                               dilation: dilation, groups: groups, bias: useBias)
        try weight.materialize(layer.weight.detach())
        if let b = bias, let start = layer.bias { try b.materialize(start.detach()) }
        inner = layer
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        guard x.ndim == 4 || x.ndim == 3 else {
            throw TensorError("LazyConv2d", "expected input [N, C, H, W] or [C, H, W], got \(shapeString(x.shape))")
        }
        try materialize(inChannels: x.shape[x.ndim - 3])
        return try Functional.conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
    }
}
