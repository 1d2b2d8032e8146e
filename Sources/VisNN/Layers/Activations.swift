import VisTensor

/// The activation functions as modules (nn.ReLU, nn.LeakyReLU, nn.GELU, nn.SiLU,
/// nn.Sigmoid, nn.Tanh, nn.Softmax, nn.LogSoftmax), for use inside Sequential.
public final class Activation: Module {
    /// Which function.
    public enum Kind: String {
        case relu = "ReLU", leakyRelu = "LeakyReLU", gelu = "GELU", silu = "SiLU", sigmoid = "Sigmoid", tanh = "Tanh"
        case softmax = "Softmax", logSoftmax = "LogSoftmax"
    }
    public let kind: Kind
    /// The slope of LeakyReLU, or the dim of Softmax / LogSoftmax.
    public let slope: Double
    public let dim: Int?
    /// PyTorch's `inplace=True` (ReLU, LeakyReLU, SiLU): the result is written into the
    /// input, with PyTorch's in-place rules, and the input returned.
    public let inplace: Bool

    public init(_ kind: Kind, negativeSlope: Double = 0.01, dim: Int? = nil, inplace: Bool = false) {
        self.kind = kind
        self.slope = negativeSlope
        self.dim = dim
        self.inplace = inplace
    }

    public override var typeName: String { kind.rawValue }

    public override var extraRepr: String {
        let flag = inplace ? "inplace=true" : ""
        switch kind {
        case .leakyRelu: return "negative_slope=\(ReprFormat.float(slope))" + (inplace ? ", " + flag : "")
        case .gelu: return "approximate='none'"
        case .softmax, .logSoftmax: return "dim=\(dim.map(String.init) ?? "none")"
        default: return flag
        }
    }

    /// The constructor's arguments as PyTorch's attributes (`leaky.negative_slope`, `relu.inplace`).
    public override var hyperParameters: [(String, HyperValue)] {
        switch kind {
        case .relu, .silu: return [("inplace", .bool(inplace))]
        case .leakyRelu: return [("negative_slope", .double(slope)), ("inplace", .bool(inplace))]
        case .gelu: return [("approximate", .string("none"))]
        case .softmax, .logSoftmax: return [("dim", dim.map { .int($0) } ?? .none)]
        case .sigmoid, .tanh: return []
        }
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        if inplace {
            return try x.writeInPlace(kind == .leakyRelu ? "leaky_relu_" : kind == .silu ? "silu_" : "relu_", savesSelf: true) { try self.apply($0) }
        }
        return try apply(x)
    }

    /// The function, out of place.
    func apply(_ x: Tensor) throws -> Tensor {
        switch kind {
        case .relu: return try x.relu()
        case .leakyRelu: return try x.leakyRelu(slope)
        case .gelu: return try x.gelu()
        case .silu: return try x.silu()
        case .sigmoid: return try x.sigmoid()
        case .tanh: return try x.tanh()
        // PyTorch's implicit dim for dim=None: 0 for 0-, 1- and 3-D inputs, else 1.
        case .softmax: return try x.softmax(dim: dim ?? ([0, 1, 3].contains(x.ndim) ? 0 : 1))
        case .logSoftmax: return try x.logSoftmax(dim: dim ?? ([0, 1, 3].contains(x.ndim) ? 0 : 1))
        }
    }
}

/// Flattens dimensions start_dim..end_dim (PyTorch's nn.Flatten, default 1..-1).
public final class Flatten: Module {
    public let startDim: Int, endDim: Int
    public init(startDim: Int = 1, endDim: Int = -1) {
        self.startDim = startDim
        self.endDim = endDim
    }
    public override var extraRepr: String { "start_dim=\(startDim), end_dim=\(endDim)" }
    public override func forward(_ x: Tensor) throws -> Tensor { try x.flatten(startDim, endDim) }
}

/// Passes its input through (PyTorch's nn.Identity).
public final class Identity: Module {
    public override func forward(_ x: Tensor) throws -> Tensor { x }
}

/// Resizes [N, C, H, W] by a scale factor or to a size (PyTorch's nn.Upsample).
public final class Upsample: Module {
    public let size: (Int, Int)?, scaleFactor: (Double, Double)?
    public let mode: InterpolationMode
    public let alignCorners: Bool?

    public init(size: (Int, Int)? = nil, scaleFactor: (Double, Double)? = nil, mode: InterpolationMode = .nearest, alignCorners: Bool? = nil) throws {
        guard (size == nil) != (scaleFactor == nil) else { throw TensorError("Upsample", "give either size or scale_factor, not both or neither") }
        self.size = size
        self.scaleFactor = scaleFactor
        self.mode = mode
        self.alignCorners = alignCorners
    }

    public override var extraRepr: String {
        var parts: [String] = []
        if let s = size { parts.append("size=\(ReprFormat.pair(s))") }
        if let f = scaleFactor { parts.append("scale_factor=" + (f.0 == f.1 ? ReprFormat.float(f.0) : "(\(ReprFormat.float(f.0)), \(ReprFormat.float(f.1)))")) }
        parts.append("mode='\(mode.rawValue)'")
        if let a = alignCorners { parts.append("align_corners=\(ReprFormat.bool(a))") }
        return parts.joined(separator: ", ")
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        try Functional.interpolate(x, size: size, scaleFactor: scaleFactor, mode: mode, alignCorners: alignCorners)
    }
}
