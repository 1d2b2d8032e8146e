/// The element types a tensor can hold, PyTorch's real dtypes: float32 (the default
/// for compute) and float64 compute fully; int64 holds labels and indices, bool masks;
/// float16, bfloat16, uint8, int8, int16 and int32 are storage dtypes (arithmetic on
/// them computes in float32 or int64 and converts the result, as PyTorch's CPU kernels
/// do for half precision).
public enum DType: String, Sendable, CaseIterable, CustomStringConvertible {
    case float32
    case int64
    case bool
    case float64
    case float16
    case bfloat16
    case uint8
    case int8
    case int16
    case int32

    /// Bytes per element in storage.
    public var size: Int {
        switch self {
        case .float64, .int64: return 8
        case .float32, .int32: return 4
        case .float16, .bfloat16, .int16: return 2
        case .bool, .uint8, .int8: return 1
        }
    }

    /// True for dtypes that can hold gradients (the floating-point ones).
    public var isFloatingPoint: Bool {
        switch self {
        case .float32, .float64, .float16, .bfloat16: return true
        default: return false
        }
    }

    /// True for the integer dtypes (not bool).
    public var isInteger: Bool {
        switch self {
        case .uint8, .int8, .int16, .int32, .int64: return true
        default: return false
        }
    }

    /// The dtype vis's kernels compute this one in: float16 and bfloat16 in float32,
    /// the narrow integers in int64; float32, float64, int64 and bool as themselves.
    public var computeDType: DType {
        switch self {
        case .float16, .bfloat16: return .float32
        case .uint8, .int8, .int16, .int32: return .int64
        default: return self
        }
    }

    public var description: String { rawValue }

    /// Parses a dtype name as users write it: PyTorch's names and aliases
    /// (`"float32"`/`"float"`, `"float64"`/`"double"`, `"float16"`/`"half"`, `"bfloat16"`,
    /// `"uint8"`/`"byte"`, `"int8"`/`"char"`, `"int16"`/`"short"`, `"int32"`/`"int"`,
    /// `"int64"`/`"long"`, `"bool"`), with or without a `torch.` prefix.
    public init?(name: String) {
        let n = name.hasPrefix("torch.") ? String(name.dropFirst(6)) : name
        switch n {
        case "float32", "float": self = .float32
        case "float64", "double": self = .float64
        case "float16", "half": self = .float16
        case "bfloat16": self = .bfloat16
        case "uint8", "byte": self = .uint8
        case "int8", "char": self = .int8
        case "int16", "short": self = .int16
        case "int32", "int": self = .int32
        case "int64", "long": self = .int64
        case "bool": self = .bool
        default: return nil
        }
    }

    /// The names `init(name:)` accepts, for error messages.
    public static let namesList = "float32 (float), float64 (double), float16 (half), bfloat16, uint8 (byte), int8 (char), int16 (short), int32 (int), int64 (long), bool"

    /// Rank of the integer dtypes by width, for promotion among signed integers.
    private var intRank: Int {
        switch self {
        case .int8: return 1
        case .int16: return 2
        case .int32: return 3
        case .int64: return 4
        default: return 0
        }
    }

    /// PyTorch's `torch.promote_types(a, b)`: bool loses to everything; any float beats
    /// any integer (keeping the float); float16 with bfloat16 is float32; otherwise the
    /// wider float; uint8 with a signed integer is the signed type at least int16 wide.
    public static func promote(_ a: DType, _ b: DType) -> DType {
        if a == b { return a }
        if a == .bool { return b }
        if b == .bool { return a }
        if a.isFloatingPoint || b.isFloatingPoint {
            if !b.isFloatingPoint { return a }
            if !a.isFloatingPoint { return b }
            if a == .float64 || b == .float64 { return .float64 }
            if a == .float32 || b == .float32 { return .float32 }
            return .float32  // float16 with bfloat16: neither holds the other
        }
        if a == .uint8 { return b == .int8 ? .int16 : b }
        if b == .uint8 { return a == .int8 ? .int16 : a }
        return a.intRank >= b.intRank ? a : b
    }

    /// The category order PyTorch's type promotion compares: bool < integer < float.
    private var category: Int { self == .bool ? 0 : (isFloatingPoint ? 2 : 1) }

    /// PyTorch's `torch.result_type` for operands of three priorities: tensors with
    /// dimensions, zero-dimensional tensors, and wrapped Python numbers (whose dtype is
    /// int64, float32 (the default dtype) or bool). A lower-priority operand changes the
    /// result only when its category (bool < integer < float) is higher: `int32 + 5` is
    /// int32, `int32 + 2.5` float32, `float16 + 2.5` float16.
    public static func resultType(dimensioned: [DType], zeroDim: [DType], wrapped: [DType]) -> DType? {
        func fold(_ ds: [DType]) -> DType? {
            var r: DType? = nil
            for d in ds { r = r.map { promote($0, d) } ?? d }
            return r
        }
        func combine(_ higher: DType?, _ lower: DType?) -> DType? {
            guard let h = higher else { return lower }
            guard let l = lower else { return h }
            return l.category > h.category ? promote(h, l) : h
        }
        return combine(fold(dimensioned), combine(fold(zeroDim), fold(wrapped)))
    }
}
