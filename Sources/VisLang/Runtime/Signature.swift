import VisTensor

/// The type a native parameter accepts; checked when arguments are bound.
public indirect enum ParamType: CustomStringConvertible {
    case any
    case int
    /// A float; ints are accepted and converted.
    case float
    /// An int or a float, kept as given (bools become ints).
    case number
    case bool
    case string
    case tensor
    /// A tensor, or a number or nested list converted to a float32 tensor.
    case tensorLike
    case list
    /// An int or a list of ints (kernel sizes, shapes).
    case ints
    case callable
    case dtype
    case optional(ParamType)
    /// One of several types.
    case oneOf([ParamType])

    public var description: String {
        switch self {
        case .any: return "any value"
        case .int: return "int"
        case .float: return "number"
        case .number: return "number"
        case .bool: return "bool"
        case .string: return "string"
        case .tensor: return "tensor"
        case .tensorLike: return "tensor or number"
        case .list: return "list"
        case .ints: return "int or list of ints"
        case .callable: return "function"
        case .dtype: return "dtype"
        case .optional(let t): return "\(t) or none"
        case .oneOf(let ts): return ts.map(\.description).joined(separator: " or ")
        }
    }

    /// The value converted to what a native body reads, or nil when it does not fit.
    func accept(_ v: Value) -> Value? {
        switch (self, v) {
        case (.any, _): return v
        case (.int, .int), (.bool, .bool), (.string, .string), (.tensor, .tensor), (.list, .list), (.list, .tuple): return v
        case (.int, .bool(let b)): return .int(b ? 1 : 0)
        case (.float, .float): return v
        case (.float, .int(let i)): return .float(Double(i))
        case (.float, .bool(let b)): return .float(b ? 1 : 0)
        case (.number, .int), (.number, .float): return v
        case (.number, .bool(let b)): return .int(b ? 1 : 0)
        case (.tensorLike, .tensor), (.tensorLike, .int), (.tensorLike, .float), (.tensorLike, .bool), (.tensorLike, .list), (.tensorLike, .tuple): return v
        case (.ints, .int), (.ints, .bool): return v
        case (.ints, .list(let l)): return l.items.allSatisfy { $0.asInt != nil } ? v : nil
        case (.ints, .tuple(let t)): return t.allSatisfy { $0.asInt != nil } ? v : nil
        case (.callable, .function): return v
        case (.dtype, .string(let s)): return DType(name: s) != nil ? v : nil
        case (.optional, .none): return v
        case (.optional(let t), _): return t.accept(v)
        case (.oneOf(let ts), _):
            for t in ts { if let a = t.accept(v) { return a } }
            return nil
        default: return nil
        }
    }
}

/// One parameter of a native: name, type, default (nil when required); a variadic
/// parameter collects the remaining positional arguments into a list.
public struct Param {
    public let name: String
    public let type: ParamType
    public let defaultValue: Value?
    public let variadic: Bool

    public init(_ name: String, _ type: ParamType = .any, default defaultValue: Value? = nil, variadic: Bool = false) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.variadic = variadic
    }
}

/// A native's parameter list, and the binding of call arguments to it.
public struct Signature: CustomStringConvertible {
    public let name: String
    public let params: [Param]

    /// The form `:help` shows: `Conv2d(in_channels, out_channels, kernel_size, stride=1)`.
    public var description: String {
        let ps = params.map { p -> String in
            if p.variadic { return "*" + p.name }
            if let d = p.defaultValue { return "\(p.name)=\(Repr.repr(d))" }
            return p.name
        }
        return "\(name)(\(ps.joined(separator: ", ")))"
    }

    /// Matches positional and keyword arguments to parameters, checks types, fills
    /// defaults. Errors name the function, the parameter and what was given.
    public func bind(_ args: Arguments) throws -> BoundArguments {
        var values = [Value?](repeating: nil, count: params.count)
        var pi = 0
        var positional = args.positional[...]
        while let v = positional.first {
            guard pi < params.count else {
                let accepted = params.filter { !$0.variadic }.count
                throw NativeError("\(name): takes at most \(accepted) positional argument\(accepted == 1 ? "" : "s") but \(args.positional.count) were given")
            }
            let p = params[pi]
            if p.variadic {
                var rest: [Value] = []
                for item in positional {
                    guard let a = p.type.accept(item) else { throw typeError(p, item) }
                    rest.append(a)
                }
                values[pi] = .list(ListBox(rest))
                positional = []
                pi += 1
                break
            }
            guard let a = p.type.accept(v) else { throw typeError(p, v) }
            values[pi] = a
            positional = positional.dropFirst()
            pi += 1
        }
        for (key, v) in args.keywords {
            guard let index = params.firstIndex(where: { $0.name == key && !$0.variadic }) else {
                let names = params.filter { !$0.variadic }.map(\.name)
                let hint = Suggestions.closest(to: key, in: names).map { " (did you mean '\($0)'?)" } ?? ""
                throw NativeError("\(name): unknown keyword '\(key)'\(hint)")
            }
            guard values[index] == nil else {
                throw NativeError("\(name): got multiple values for argument '\(key)'")
            }
            guard let a = params[index].type.accept(v) else { throw typeError(params[index], v) }
            values[index] = a
        }
        var filled: [Value] = []
        filled.reserveCapacity(params.count)
        for (i, p) in params.enumerated() {
            if let v = values[i] { filled.append(v); continue }
            if p.variadic { filled.append(.list(ListBox([]))); continue }
            guard let d = p.defaultValue else {
                throw NativeError("\(name): missing required argument '\(p.name)'")
            }
            filled.append(d)
        }
        return BoundArguments(function: name, params: params, values: filled)
    }

    private func typeError(_ p: Param, _ v: Value) -> NativeError {
        NativeError("\(name): argument '\(p.name)' must be \(p.type), got \(v.typeName)\(Repr.briefValue(v))")
    }
}

/// Arguments after binding: one value per parameter, read by index or name, with
/// converting accessors that produce clear errors.
public struct BoundArguments {
    public let function: String
    let params: [Param]
    public let values: [Value]

    /// The value of the parameter at `i`.
    public subscript(i: Int) -> Value { values[i] }

    /// The value of the parameter named `name` (none if there is no such parameter).
    public subscript(name: String) -> Value {
        guard let i = params.firstIndex(where: { $0.name == name }) else { return .none }
        return values[i]
    }

    /// The position of the parameter named `name`; a name the signature lacks is a
    /// programming error in the builtin, not a user error.
    private func index(_ name: String) -> Int {
        let i = params.firstIndex(where: { $0.name == name })
        precondition(i != nil, "\(function) has no parameter '\(name)'")
        return i ?? 0
    }

    /// The int argument named `name`.
    public func int(_ name: String) throws -> Int { try int(index(name)) }
    /// The optional int argument named `name`.
    public func optionalInt(_ name: String) throws -> Int? { try optionalInt(index(name)) }
    /// The bool argument named `name`.
    public func bool(_ name: String) throws -> Bool { try bool(index(name)) }
    /// The list argument named `name`.
    public func list(_ name: String) throws -> [Value] { try list(index(name)) }

    func fail(_ i: Int, _ expected: String) -> NativeError {
        NativeError("\(function): argument '\(params[i].name)' must be \(expected), got \(values[i].typeName)")
    }

    /// An int argument.
    public func int(_ i: Int) throws -> Int {
        guard let v = values[i].asInt else { throw fail(i, "an int") }
        return v
    }
    /// An int argument or nil for none.
    public func optionalInt(_ i: Int) throws -> Int? { values[i].isNone ? nil : try int(i) }
    /// A number argument.
    public func double(_ i: Int) throws -> Double {
        guard let v = values[i].asDouble else { throw fail(i, "a number") }
        return v
    }
    /// A number argument or nil for none.
    public func optionalDouble(_ i: Int) throws -> Double? { values[i].isNone ? nil : try double(i) }
    /// A bool argument (Python truthiness is not applied: flags must be bools or ints).
    public func bool(_ i: Int) throws -> Bool {
        switch values[i] {
        case .bool(let b): return b
        case .int(let n): return n != 0
        default: throw fail(i, "a bool")
        }
    }
    /// A string argument.
    public func string(_ i: Int) throws -> String {
        guard case .string(let s) = values[i] else { throw fail(i, "a string") }
        return s
    }
    /// A tensor argument; numbers become scalar tensors (int64 for ints, float32 for
    /// floats) and nested lists become tensors as `tensor()` makes them.
    public func tensor(_ i: Int) throws -> Tensor {
        try Convert.tensor(values[i], context: "\(function): argument '\(params[i].name)'")
    }
    /// A tensor argument or nil for none.
    public func optionalTensor(_ i: Int) throws -> Tensor? { values[i].isNone ? nil : try tensor(i) }
    /// An int or list of ints as a list (a single int is repeated `count` times).
    public func ints(_ i: Int, count: Int = 1) throws -> [Int] {
        switch values[i] {
        case .int(let n): return [Int](repeating: n, count: count)
        case .bool(let b): return [Int](repeating: b ? 1 : 0, count: count)
        case .list(let l): return try l.items.map { guard let n = $0.asInt else { throw fail(i, "a list of ints") }; return n }
        case .tuple(let t): return try t.map { guard let n = $0.asInt else { throw fail(i, "a list of ints") }; return n }
        default: throw fail(i, "an int or a list of ints")
        }
    }
    /// A dtype argument (`"float32"`, `"int64"`, `"bool"`), or nil for none.
    public func dtype(_ i: Int) throws -> DType? {
        switch values[i] {
        case .none: return nil
        case .string(let s):
            guard let d = DType(name: s) else { throw NativeError("\(function): unknown dtype '\(s)' (expected float32, int64 or bool)") }
            return d
        default: throw fail(i, "a dtype name")
        }
    }
    /// The list elements of a list or tuple argument.
    public func list(_ i: Int) throws -> [Value] {
        switch values[i] {
        case .list(let l): return l.items
        case .tuple(let t): return t
        default: throw fail(i, "a list")
        }
    }
}
