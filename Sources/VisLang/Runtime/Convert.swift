import VisTensor

/// Conversions between .vis values and tensors.
public enum Convert {
    /// A value as a tensor: tensors as they are, numbers as scalar tensors (int64 for
    /// ints, float32 for floats, bool for bools), nested lists via `literal`.
    public static func tensor(_ v: Value, context: String) throws -> Tensor {
        switch v {
        case .tensor(let t):
            if t.isUninitialized { throw UninitializedParameterError.make(t, context) }
            return t
        case .int(let i):
            // Doubles hold ints exactly only up to 2^53: larger ones go in as Int64.
            if i.magnitude <= 1 << 53 { return Tensor.scalar(Double(i), dtype: .int64) }
            return try Tensor(literal: .int(Int64(i)), dtype: .int64)
        case .float(let d): return Tensor.scalar(d)
        case .bool(let b): return Tensor.scalar(b ? 1 : 0, dtype: .bool)
        case .list, .tuple: return try ListTensor.tensor(v, dtype: nil, context: context)
        default: throw NativeError("\(context) must be a tensor or a number, got \(v.typeName)")
        }
    }

    /// A Python number as the other operand of a tensor op: a 0-d tensor marked as
    /// PyTorch's "wrapped number", which promotes with the lowest priority (`int32_tensor
    /// + 5` stays int32). A float beside a float64 tensor is held in float64, so that
    /// `x64 * 0.1` uses 0.1 exactly as PyTorch does, and in float32 otherwise.
    public static func wrappedNumber(_ v: Value, beside t: Tensor) throws -> Tensor {
        let w: Tensor
        if case .float(let d) = v {
            w = Tensor.scalar(d, dtype: t.dtype == .float64 ? .float64 : .float32)
        } else {
            w = try tensor(v, context: "operand")
        }
        w.isWrappedNumber = true
        return w
    }

    /// A nested list of numbers as a tensor literal; anything else is an error naming it.
    public static func literal(_ v: Value, context: String) throws -> TensorLiteral {
        var depth = 0
        func walk(_ v: Value) throws -> TensorLiteral {
            switch v {
            case .int(let i): return .int(Int64(i))
            case .float(let d): return .float(d)
            case .bool(let b): return .bool(b)
            case .tensor(let t) where t.count == 1 && t.ndim == 0:
                return t.dtype.isFloatingPoint ? .float(try t.item()) : (t.dtype == .bool ? .bool(try t.item() != 0) : .int(Int64(try intItem(t))))
            case .list(let l):
                depth += 1
                defer { depth -= 1 }
                guard depth < 64 else { throw NativeError("\(context): list nested too deeply") }
                return .list(try l.items.map(walk))
            case .tuple(let items):
                depth += 1
                defer { depth -= 1 }
                guard depth < 64 else { throw NativeError("\(context): list nested too deeply") }
                return .list(try items.map(walk))
            case .tensor(let t):
                return try tensorLiteral(t)
            default:
                throw NativeError("\(context): expected numbers in a nested list, found \(v.typeName)")
            }
        }
        return try walk(v)
    }

    /// The value of a one-element int64 or bool tensor as an Int, read exactly (a Double
    /// would round ints past 2^53).
    /// The value of a one-element tensor as a number value of its kind: float, int or bool.
    public static func itemValue(_ t: Tensor) throws -> Value {
        if t.dtype == .bool { return .bool(try t.item() != 0) }
        if t.dtype.isInteger { return .int(try intItem(t)) }
        return .float(try t.item())
    }

    public static func intItem(_ t: Tensor) throws -> Int {
        _ = try t.item()  // checks there is one element
        return t.dtype.isInteger ? Int(t.toInt64Array()[0]) : Int(try t.item())
    }

    /// A tensor's elements as a nested literal (used when lists mix tensors and numbers).
    static func tensorLiteral(_ t: Tensor) throws -> TensorLiteral {
        let values = t.toDoubleArray()
        let ints = t.dtype.isInteger ? t.toInt64Array() : []
        var index = 0
        func build(_ dim: Int) -> TensorLiteral {
            if dim == t.ndim {
                defer { index += 1 }
                let x = values[index]
                if t.dtype == .bool { return .bool(x != 0) }
                return t.dtype.isInteger ? .int(ints[index]) : .float(x)
            }
            return .list((0..<t.shape[dim]).map { _ in build(dim + 1) })
        }
        return build(0)
    }

    /// A tensor's elements as nested lists of ints, floats or bools (`.tolist()`).
    public static func toList(_ t: Tensor) -> Value {
        let values = t.toDoubleArray()
        let ints = t.dtype.isInteger ? t.toInt64Array() : []
        var index = 0
        func element(_ i: Int) -> Value {
            if t.dtype == .bool { return .bool(values[i] != 0) }
            return t.dtype.isInteger ? .int(Int(ints[i])) : .float(values[i])
        }
        func build(_ dim: Int) -> Value {
            if dim == t.ndim {
                defer { index += 1 }
                return element(index)
            }
            return .list(ListBox((0..<t.shape[dim]).map { _ in build(dim + 1) }))
        }
        return build(0)
    }

    /// A list of ints as a value.
    public static func intList(_ xs: [Int]) -> Value { .list(ListBox(xs.map { .int($0) })) }
}
