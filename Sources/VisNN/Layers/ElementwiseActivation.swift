import VisTensor

/// The parameter-free activation layers of torch.nn beyond Activation's (nn.ReLU6,
/// nn.ELU, nn.SELU, nn.CELU, nn.Hardtanh, nn.Hardswish, nn.Hardsigmoid, nn.Mish,
/// nn.LogSigmoid, nn.Softsign, nn.Softmin, nn.Tanhshrink, nn.Hardshrink, nn.Softshrink,
/// nn.Threshold, nn.GELU, nn.GLU, nn.Softplus): each calls its Functional form with the
/// constructor's arguments, kept as given (an int stays an int) because PyTorch's repr
/// prints them as given (`Hardtanh(min_val=-2, max_val=3)`, `ELU(alpha=1.0)`).
public final class ElementwiseActivation: Module {
    /// Which function, named as PyTorch's class.
    public enum Function: String, CaseIterable {
        case relu6 = "ReLU6", elu = "ELU", selu = "SELU", celu = "CELU", hardtanh = "Hardtanh"
        case hardswish = "Hardswish", hardsigmoid = "Hardsigmoid", mish = "Mish", logSigmoid = "LogSigmoid"
        case softsign = "Softsign", softmin = "Softmin", tanhshrink = "Tanhshrink", hardshrink = "Hardshrink"
        case softshrink = "Softshrink", threshold = "Threshold", gelu = "GELU", glu = "GLU", softplus = "Softplus"
    }

    public let function: Function
    /// The constructor's arguments in PyTorch's order, as given (without `inplace`).
    public let arguments: [(String, HyperValue)]
    /// PyTorch's `inplace=True`: the layer writes its result into its input.
    public let inplace: Bool

    public init(_ function: Function, arguments: [(String, HyperValue)] = [], inplace: Bool = false) throws {
        self.function = function
        self.arguments = arguments
        self.inplace = inplace
        super.init()
        if function == .hardtanh, try number("min_val") > number("max_val") {
            throw TensorError("Hardtanh", "min_val cannot be greater than max_val (min_val=\(try number("min_val")), max_val=\(try number("max_val")))")
        }
        if function == .gelu, case .string(let s) = argument("approximate"), s != "none" && s != "tanh" {
            throw TensorError("GELU", "approximate argument must be either none or tanh, got '\(s)'")
        }
    }

    public override var typeName: String { function.rawValue }

    /// The argument called `name`, or `.none`.
    func argument(_ name: String) -> HyperValue { arguments.first { $0.0 == name }?.1 ?? .none }

    /// A numeric argument as a Double.
    func number(_ name: String) throws -> Double {
        switch argument(name) {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: throw TensorError(function.rawValue, "argument '\(name)' must be a number")
        }
    }

    public override var hyperParameters: [(String, HyperValue)] {
        arguments + (Self.takesInplace.contains(function) ? [("inplace", .bool(inplace))] : [])
    }

    /// The layers with an `inplace` flag in PyTorch.
    static let takesInplace: Set<Function> = [.relu6, .elu, .selu, .celu, .hardtanh, .hardswish, .hardsigmoid, .mish, .threshold]

    public override var extraRepr: String {
        func show(_ v: HyperValue) -> String {
            switch v {
            case .int(let i): return String(i)
            case .double(let d): return ReprFormat.float(d)
            case .bool(let b): return ReprFormat.bool(b)
            case .string(let s): return "'\(s)'"
            case .ints(let xs): return "(" + xs.map(String.init).joined(separator: ", ") + ")"
            case .none: return "none"
            }
        }
        switch function {
        // PyTorch's Hardswish and Hardsigmoid print nothing, inplace or not.
        case .hardswish, .hardsigmoid: return ""
        // Hardshrink(0.5), Softshrink(0.5): the bare value.
        case .hardshrink, .softshrink: return show(argument("lambd"))
        default:
            var parts = arguments.map { "\($0.0)=\(show($0.1))" }
            if inplace { parts.append("inplace=true") }
            return parts.joined(separator: ", ")
        }
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        switch function {
        case .relu6: return try Functional.relu6(x, inplace: inplace)
        case .elu: return try Functional.elu(x, alpha: number("alpha"), inplace: inplace)
        case .selu: return try Functional.selu(x, inplace: inplace)
        case .celu: return try Functional.celu(x, alpha: number("alpha"), inplace: inplace)
        case .hardtanh: return try Functional.hardtanh(x, minVal: number("min_val"), maxVal: number("max_val"), inplace: inplace)
        case .hardswish: return try Functional.hardswish(x, inplace: inplace)
        case .hardsigmoid: return try Functional.hardsigmoid(x, inplace: inplace)
        case .mish: return try Functional.mish(x, inplace: inplace)
        case .logSigmoid: return try Functional.logsigmoid(x)
        case .softsign: return try Functional.softsign(x)
        case .softmin:
            if case .int(let d) = argument("dim") { return try Functional.softmin(x, dim: d) }
            return try Functional.softmin(x, dim: nil)
        case .tanhshrink: return try Functional.tanhshrink(x)
        case .hardshrink: return try Functional.hardshrink(x, lambd: number("lambd"))
        case .softshrink: return try Functional.softshrink(x, lambd: number("lambd"))
        case .threshold: return try Functional.threshold(x, threshold: number("threshold"), value: number("value"), inplace: inplace)
        case .gelu:
            if case .string(let s) = argument("approximate") { return try Functional.gelu(x, approximate: s) }
            return try x.gelu()
        case .glu:
            if case .int(let d) = argument("dim") { return try Functional.glu(x, dim: d) }
            return try Functional.glu(x)
        case .softplus: return try Functional.softplus(x, beta: number("beta"), threshold: number("threshold"))
        }
    }
}
