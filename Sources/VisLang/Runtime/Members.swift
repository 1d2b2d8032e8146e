import VisTensor

/// Member access on values (`x.shape`, `xs.append`, `model.fc`): attributes of tensors,
/// methods from the builtin tables, and native objects' own members.
public enum Members {
    /// Tensor attributes that are values rather than methods.
    static let tensorAttributes = ["shape", "ndim", "dtype", "requires_grad", "grad", "T", "is_leaf", "grad_fn", "data", "device", "is_cuda"]

    /// `value.name`, or an error naming the type and the closest member.
    public static func get(_ value: Value, _ name: String, registry: BuiltinRegistry) throws -> Value {
        if case .object(let o) = value {
            if let v = try o.member(name) { return v }
            if let v = try o.members?.member(of: o, name) { return v }
            throw unknown(value, name, candidates: names(of: value, registry: registry))
        }
        if case .tensor(let t) = value {
            if t.isUninitialized && !UninitializedParameterError.allowedMembers.contains(name) { throw UninitializedParameterError.make(t, name) }
            if let v = try tensorAttribute(t, name) { return v }
        }
        let type = methodTable(value)
        if let m = registry.methods[type]?[name] { return .function(m.bound(to: value)) }
        // Class methods of builtin classes (`Embedding.from_pretrained`), kept under the
        // class's name; checked last so other member lookups pay nothing for it.
        if case .function(let f) = value, f.name.first?.isUppercase == true, let m = registry.methods[f.name]?[name] { return .function(m) }
        // type(x) and x.__class__ give the type's name as a string in vis, so
        // `type(m).__name__` / `m.__class__.__name__` (PyTorch code) read it back as is.
        if name == "__name__" || name == "__qualname__", case .string = value { return value }
        throw unknown(value, name, candidates: names(of: value, registry: registry))
    }

    /// `value.name = newValue`.
    public static func set(_ value: Value, _ name: String, _ newValue: Value, registry: BuiltinRegistry) throws {
        switch value {
        case .object(let o):
            if try o.members?.set(o, name, newValue) == true { return }
            if try o.setMember(name, newValue) { return }
            throw NativeError("cannot set attribute '\(name)' of \(o.typeName)")
        case .tensor(let t):
            switch name {
            case "requires_grad":
                guard case .bool(let b) = newValue else { throw NativeError("requires_grad must be true or false, got \(newValue.typeName)") }
                try t.setRequiresGrad(b)
            case "grad":
                switch newValue {
                case .none: t.grad = nil
                case .tensor(let g):
                    guard g.shape == t.shape else { throw NativeError("grad: assigned gradient has shape \(shapeString(g.shape)) but the tensor has shape \(shapeString(t.shape))") }
                    t.grad = g
                default: throw NativeError("grad must be a tensor or none, got \(newValue.typeName)")
                }
            default:
                throw NativeError("cannot set attribute '\(name)' of a tensor (settable: requires_grad, grad)")
            }
        default:
            throw NativeError("cannot set attribute '\(name)' of \(value.typeNameWithArticle) value")
        }
    }

    static func tensorAttribute(_ t: Tensor, _ name: String) throws -> Value? {
        switch name {
        case "shape": return Convert.intList(t.shape)
        case "ndim": return .int(t.ndim)
        case "dtype": return .string(t.dtype.rawValue)
        case "requires_grad": return .bool(t.requiresGrad)
        case "grad": return t.grad.map { .tensor($0) } ?? Value.none  // Value.none: a bare .none would be Optional.none here
        case "T": return .tensor(t.ndim < 2 ? t : try t.permute(Array((0..<t.ndim).reversed())))
        case "is_leaf": return .bool(t.isLeaf)
        case "_version": return .int(t.version)  // in-place writes into its memory (PyTorch's version counter)
        case "grad_fn": return t.gradFnName.map { .string(Tensor.backwardName($0)) } ?? Value.none  // "MulBackward0", as printed
        case "data": return .tensor(t.dataAlias())
        case "device": return .string("cpu")
        case "is_cuda": return .bool(false)  // vis runs on the CPU
        default: return nil
        }
    }

    /// The builtin-table key of a value's methods.
    static func methodTable(_ v: Value) -> String {
        switch v {
        case .tensor: return "tensor"
        case .string: return "string"
        case .list: return "list"
        case .dict: return "dict"
        default: return v.typeName
        }
    }

    /// Every member name of a value (attributes and methods), for completion and hints.
    public static func names(of value: Value, registry: BuiltinRegistry) -> [String] {
        if case .object(let o) = value { return o.memberNames + (o.members?.names ?? []) }
        var names = Array((registry.methods[methodTable(value)] ?? [:]).keys)
        if case .tensor = value { names += tensorAttributes }
        return names.sorted()
    }

    static func unknown(_ value: Value, _ name: String, candidates: [String]) -> NativeError {
        let hint = Suggestions.closest(to: name, in: candidates).map { " (did you mean '\($0)'?)" } ?? ""
        return NativeError("\(value.typeName) has no attribute '\(name)'\(hint)", kind: .attributeError)
    }
}
