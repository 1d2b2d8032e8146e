import VisTensor

/// Which dtype a layer or loss computes in, decided once at its entry from its floating
/// tensors, with PyTorch's rules:
///
/// - all float32: the float32 kernels (the caller's own path; `route` returns nil);
/// - all float64: the float64 path (composites of the float64 tensor ops, whose
///   gradients are float64);
/// - all float16 or all bfloat16: the float32 kernels on float32 copies, the result
///   converted back, as PyTorch's CPU computes half layers in float32 and returns half;
/// - a mix of floating dtypes: PyTorch's dtype-mismatch error for the op (`message`).
///
/// Non-floating inputs are left to the caller's float32 checks, which name them.
enum LayerDType {
    /// Routes an op whose floating tensors are `tensors` (the input first; nil entries are
    /// absent optional arguments). Returns nil when the caller's float32 path should run.
    /// `float32` is the caller itself on float32 tensors (used for half inputs): it is
    /// given the conversion to apply to each of its tensors (`{ f in try op(f(x), ...) }`);
    /// `float64` computes the op in float64.
    static func route(_ op: String, _ tensors: [Tensor?],
                      mismatch message: (_ first: DType, _ other: DType) -> String,
                      float32: (_ toFloat32: (Tensor) throws -> Tensor) throws -> Tensor,
                      float64: () throws -> Tensor) throws -> Tensor? {
        guard let dt = try common(op, tensors, mismatch: message) else { return nil }
        if dt == .float64 { return try float64() }
        return try float32 { try $0.to(.float32) }.to(dt)
    }

    /// The dtype the op computes in, nil for float32 (or a non-floating input, which the
    /// float32 checks refuse by name); throws `message` when floating dtypes differ.
    static func common(_ op: String, _ tensors: [Tensor?],
                       mismatch message: (_ first: DType, _ other: DType) -> String) throws -> DType? {
        guard let first = tensors.first??.dtype, first.isFloatingPoint else { return nil }
        for case let t? in tensors.dropFirst() where t.dtype != first && t.dtype.isFloatingPoint {
            throw TensorError(op, message(first, t.dtype))
        }
        return first == .float32 ? nil : first
    }

    /// True for a float16 or bfloat16 tensor, which the layers compute in float32.
    static func isHalf(_ t: Tensor) -> Bool { t.dtype == .float16 || t.dtype == .bfloat16 }

    /// PyTorch's C++ name of a dtype in its messages (`Double`, `Float`, `Half`).
    static func scalarName(_ dt: DType) -> String {
        switch dt {
        case .float64: return "Double"
        case .float32: return "Float"
        case .float16: return "Half"
        case .bfloat16: return "BFloat16"
        case .int64: return "Long"
        default: return "\(dt)"
        }
    }

    /// PyTorch's lower-case C type name of a dtype (`double`, `float`, `c10::Half`).
    static func cName(_ dt: DType) -> String {
        switch dt {
        case .float64: return "double"
        case .float32: return "float"
        case .float16: return "c10::Half"
        case .bfloat16: return "c10::BFloat16"
        default: return "\(dt)"
        }
    }

    /// PyTorch's legacy tensor type name (`DoubleTensor`).
    static func tensorTypeName(_ dt: DType) -> String {
        switch dt {
        case .float64: return "DoubleTensor"
        case .float32: return "FloatTensor"
        case .float16: return "HalfTensor"
        case .bfloat16: return "BFloat16Tensor"
        default: return "\(dt)"
        }
    }

    /// PyTorch's CPU convolution messages for an input of `input` dtype with a weight of
    /// `weight` dtype, or (same weight dtype) a bias of `other` dtype.
    static func convMismatch(input: DType, weight: DType) -> (DType, DType) -> String {
        { a, b in
            if weight == input { return "Input type (\(cName(a))) and bias type (\(cName(b))) should be the same" }
            if a == .float32 {
                return "Input type (torch.\(tensorTypeName(a))) and weight type (torch.\(tensorTypeName(b))) should be the same or input should be a MKLDNN tensor and weight is a dense tensor"
            }
            return "expected scalar type \(scalarName(a)) but found \(scalarName(b))"
        }
    }

    /// The message of PyTorch's CPU normalisation kernels for mixed dtypes.
    static func mixedNorm(_: DType, _: DType) -> String {
        "mixed dtype (CPU): all inputs must share same datatype."
    }
}
