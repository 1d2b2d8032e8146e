/// The element types a tensor can hold: float32 for compute, int64 for labels and
/// indices, bool for masks (the three dtypes vis users meet in PyTorch code).
public enum DType: String, Sendable, CaseIterable, CustomStringConvertible {
    case float32
    case int64
    case bool

    /// Bytes per element in storage.
    public var size: Int {
        switch self {
        case .float32: return 4
        case .int64: return 8
        case .bool: return 1
        }
    }

    /// True for dtypes that can hold gradients.
    public var isFloatingPoint: Bool { self == .float32 }

    public var description: String { rawValue }

    /// Parses a dtype name as users write it (`"float32"`, `"float"`, `"int64"`, `"long"`, `"bool"`).
    public init?(name: String) {
        switch name {
        case "float32", "float": self = .float32
        case "int64", "long": self = .int64
        case "bool": self = .bool
        default: return nil
        }
    }

    /// The dtype an arithmetic op on `a` and `b` computes in, following PyTorch's
    /// promotion for our three types: any float makes float32; otherwise int64
    /// (bools count as integers in arithmetic).
    public static func promote(_ a: DType, _ b: DType) -> DType {
        if a == .float32 || b == .float32 { return .float32 }
        return .int64
    }
}
