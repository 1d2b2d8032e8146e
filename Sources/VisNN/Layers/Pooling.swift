import VisTensor

/// Max pooling over 2-D windows (PyTorch's nn.MaxPool2d); stride defaults to the
/// kernel size.
public final class MaxPool2d: Module {
    public let kernelSize: (Int, Int), stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int)
    public let ceilMode: Bool
    let shownAsInts: Bool

    public init(kernelSize: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1),
                ceilMode: Bool = false, shownAsInts: Bool = false) {
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
        self.dilation = dilation
        self.ceilMode = ceilMode
        self.shownAsInts = shownAsInts
    }

    public override var extraRepr: String {
        func f(_ p: (Int, Int)) -> String { shownAsInts && p.0 == p.1 ? "\(p.0)" : ReprFormat.pair(p) }
        return "kernel_size=\(f(kernelSize)), stride=\(f(stride)), padding=\(f(padding)), dilation=\(f(dilation)), ceil_mode=\(ReprFormat.bool(ceilMode))"
    }

    public override var hyperParameters: [(String, HyperValue)] {
        [("kernel_size", .ints([kernelSize.0, kernelSize.1])), ("stride", .ints([stride.0, stride.1]))]
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        try Functional.maxPool2d(x, kernel: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
    }
}

/// Average pooling over 2-D windows (PyTorch's nn.AvgPool2d).
public final class AvgPool2d: Module {
    public let kernelSize: (Int, Int), stride: (Int, Int), padding: (Int, Int)
    public let ceilMode: Bool, countIncludePad: Bool
    let shownAsInts: Bool

    public init(kernelSize: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0), ceilMode: Bool = false,
                countIncludePad: Bool = true, shownAsInts: Bool = false) {
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
        self.ceilMode = ceilMode
        self.countIncludePad = countIncludePad
        self.shownAsInts = shownAsInts
    }

    public override var extraRepr: String {
        func f(_ p: (Int, Int)) -> String { shownAsInts && p.0 == p.1 ? "\(p.0)" : ReprFormat.pair(p) }
        return "kernel_size=\(f(kernelSize)), stride=\(f(stride)), padding=\(f(padding))"
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        try Functional.avgPool2d(x, kernel: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode, countIncludePad: countIncludePad)
    }
}

/// Average pooling to a fixed output size (PyTorch's nn.AdaptiveAvgPool2d).
public final class AdaptiveAvgPool2d: Module {
    public let outputSize: (Int, Int)
    let shownAsInt: Bool
    public init(outputSize: (Int, Int), shownAsInt: Bool = false) {
        self.outputSize = outputSize
        self.shownAsInt = shownAsInt
    }
    public override var extraRepr: String { "output_size=" + (shownAsInt ? "\(outputSize.0)" : ReprFormat.pair(outputSize)) }
    public override func forward(_ x: Tensor) throws -> Tensor { try Functional.adaptiveAvgPool2d(x, outputSize: outputSize) }
}

/// Max pooling to a fixed output size (PyTorch's nn.AdaptiveMaxPool2d).
public final class AdaptiveMaxPool2d: Module {
    public let outputSize: (Int, Int)
    let shownAsInt: Bool
    public init(outputSize: (Int, Int), shownAsInt: Bool = false) {
        self.outputSize = outputSize
        self.shownAsInt = shownAsInt
    }
    public override var extraRepr: String { "output_size=" + (shownAsInt ? "\(outputSize.0)" : ReprFormat.pair(outputSize)) }
    public override func forward(_ x: Tensor) throws -> Tensor { try Functional.adaptiveMaxPool2d(x, outputSize: outputSize) }
}
