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
    /// A tensor, or a number or nested list converted as `tensor()` converts it (ints to
    /// int64, floats to float32, bools to bool).
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

/// One parameter of a callable: name, type, default (nil when required) and how it
/// takes its argument. A variadic parameter (`*args`) collects the remaining positional
/// arguments into a tuple; a keywords parameter (`**kwargs`) collects the keywords no
/// other parameter takes into a dict; a keyword-only parameter (after `*args` or a bare
/// `*`) is given by keyword only.
public struct Param {
    public let name: String
    public let type: ParamType
    public let defaultValue: Value?
    public let variadic: Bool
    public let keywords: Bool
    public let keywordOnly: Bool

    public init(_ name: String, _ type: ParamType = .any, default defaultValue: Value? = nil, variadic: Bool = false,
                keywords: Bool = false, keywordOnly: Bool = false) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.variadic = variadic
        self.keywords = keywords
        self.keywordOnly = keywordOnly
    }

    /// True for a parameter that takes one argument, by position or keyword.
    var isPlain: Bool { !variadic && !keywords && !keywordOnly }
    /// True for a parameter a keyword argument can name.
    var isNamed: Bool { !variadic && !keywords }
}

/// A parameter list and the binding of call arguments to it: Python's rules, the same
/// for natives, user functions, lambdas and model constructors (one binder, one
/// wording of its errors).
public struct Signature: CustomStringConvertible {
    /// How errors name the callable: `Conv2d` for natives, `f()` for user functions.
    public let name: String
    public let params: [Param]
    /// How many parameters take positional arguments (those before `*args`, `**kwargs`
    /// or the first keyword-only one).
    let positionalCount: Int
    /// True when every parameter is plain and of any type: a call with exactly that many
    /// positional arguments and no keywords binds them as given.
    let trivial: Bool

    public init(name: String, params: [Param]) {
        self.name = name
        self.params = params
        self.positionalCount = params.prefix(while: \.isPlain).count
        self.trivial = params.allSatisfy { p in
            guard p.isPlain, case .any = p.type else { return false }
            return true
        }
    }

    /// The form `:help` shows: `Conv2d(in_channels, out_channels, kernel_size, stride=1)`;
    /// a bare `*` marks keyword-only parameters that follow no `*args`.
    public var description: String {
        var parts: [String] = []
        var starred = false
        for p in params {
            if p.variadic { parts.append("*" + p.name); starred = true; continue }
            if p.keywords { parts.append("**" + p.name); continue }
            if p.keywordOnly && !starred { parts.append("*"); starred = true }
            if let d = p.defaultValue { parts.append("\(p.name)=\(Repr.repr(d))") } else { parts.append(p.name) }
        }
        return "\(name)(\(parts.joined(separator: ", ")))"
    }

    /// Matches positional and keyword arguments to parameters, checks types, fills
    /// defaults. Errors name the callable, the parameter and what was given.
    public func bind(_ args: Arguments) throws -> BoundArguments {
        if trivial, args.keywords.isEmpty, args.positional.count == params.count {
            return BoundArguments(function: name, params: params, values: args.positional)
        }
        var values = [Value?](repeating: nil, count: params.count)
        try bind(args, into: &values)
        return BoundArguments(function: name, params: params, values: values.map { $0 ?? .none })
    }

    /// The binding itself, written into `slots` (whose first `params.count` entries are
    /// nil on entry): user functions bind straight into their frame's local slots, with
    /// no array of their own.
    public func bind(_ args: Arguments, into slots: inout [Value?]) throws {
        let given = args.positional.count
        if trivial, args.keywords.isEmpty, given == params.count {
            for i in 0..<given { slots[i] = args.positional[i] }
            return
        }
        for i in 0..<Swift.min(given, positionalCount) {
            let v = args.positional[i]
            guard let a = params[i].type.accept(v) else { throw typeError(params[i], v) }
            slots[i] = a
        }
        if given > positionalCount {
            guard let vi = params.firstIndex(where: \.variadic) else {
                throw NativeError("\(name): takes at most \(positionalCount) positional argument\(positionalCount == 1 ? "" : "s") but \(given) were given", kind: .typeError)
            }
            slots[vi] = .tuple(try args.positional[positionalCount...].map { v in
                guard let a = params[vi].type.accept(v) else { throw typeError(params[vi], v) }
                return a
            })
        }
        var extra: [(DictKey, Value)] = []
        for (key, v) in args.keywords {
            guard let index = params.firstIndex(where: { $0.name == key && $0.isNamed }) else {
                if let r = params.firstIndex(where: \.keywords) {
                    guard !extra.contains(where: { $0.0 == .string(key) }) else {
                        throw NativeError("\(name): got multiple values for argument '\(key)'", kind: .typeError)
                    }
                    guard let a = params[r].type.accept(v) else { throw typeError(params[r], v) }
                    extra.append((.string(key), a))
                    continue
                }
                let names = params.filter(\.isNamed).map(\.name)
                let hint = Suggestions.closest(to: key, in: names).map { " (did you mean '\($0)'?)" } ?? ""
                throw NativeError("\(name): unknown keyword '\(key)'\(hint)", kind: .typeError)
            }
            guard slots[index] == nil else {
                throw NativeError("\(name): got multiple values for argument '\(key)'", kind: .typeError)
            }
            guard let a = params[index].type.accept(v) else { throw typeError(params[index], v) }
            slots[index] = a
        }
        for i in params.indices where slots[i] == nil {
            let p = params[i]
            if p.variadic { slots[i] = .tuple([]); continue }
            if p.keywords { slots[i] = .dict(DictBox(extra)); continue }
            guard let d = p.defaultValue else {
                throw NativeError("\(name): missing required \(p.keywordOnly ? "keyword-only " : "")argument '\(p.name)'", kind: .typeError)
            }
            slots[i] = d
        }
    }

    private func typeError(_ p: Param, _ v: Value) -> NativeError {
        NativeError("\(name): argument '\(p.name)' must be \(p.type), got \(v.typeName)\(Repr.briefValue(v))", kind: .typeError)
    }
}

/// Arguments after binding: one value per parameter, read by the parameter's name (never
/// by position, so reordering a declaration cannot silently rebind a body), with
/// converting accessors that produce clear errors naming the function and parameter.
public struct BoundArguments {
    public let function: String
    let params: [Param]
    public let values: [Value]

    /// The position of the parameter `name`. A name the declaration lacks is a bug in the
    /// binding, not a user error.
    @inline(__always)
    func index(_ name: String) -> Int {
        for i in params.indices where params[i].name == name { return i }
        preconditionFailure("\(function): no parameter named '\(name)' in the declaration")
    }

    /// The value of the parameter `name`.
    public subscript(name: String) -> Value { values[index(name)] }

    func fail(_ name: String, _ expected: String) -> NativeError {
        NativeError("\(function): argument '\(name)' must be \(expected), got \(self[name].typeName)", kind: .typeError)
    }

    /// An int argument.
    public func int(_ name: String) throws -> Int {
        guard let v = self[name].asInt else { throw fail(name, "an int") }
        return v
    }
    /// An int argument or nil for none.
    public func optionalInt(_ name: String) throws -> Int? { self[name].isNone ? nil : try int(name) }
    /// A number argument.
    public func double(_ name: String) throws -> Double {
        guard let v = self[name].asDouble else { throw fail(name, "a number") }
        return v
    }
    /// A number argument or nil for none.
    public func optionalDouble(_ name: String) throws -> Double? { self[name].isNone ? nil : try double(name) }
    /// A bool argument (Python truthiness is not applied: flags must be bools or ints).
    public func bool(_ name: String) throws -> Bool {
        switch self[name] {
        case .bool(let b): return b
        case .int(let n): return n != 0
        default: throw fail(name, "a bool")
        }
    }
    /// A string argument.
    public func string(_ name: String) throws -> String {
        guard case .string(let s) = self[name] else { throw fail(name, "a string") }
        return s
    }
    /// A string argument or nil for none.
    public func optionalString(_ name: String) throws -> String? { self[name].isNone ? nil : try string(name) }
    /// A tensor argument; numbers become scalar tensors (int64 for ints, float32 for
    /// floats) and nested lists become tensors as `tensor()` makes them.
    public func tensor(_ name: String) throws -> Tensor {
        try Convert.tensor(self[name], context: "\(function): argument '\(name)'")
    }
    /// A tensor argument or nil for none.
    public func optionalTensor(_ name: String) throws -> Tensor? { self[name].isNone ? nil : try tensor(name) }
    /// An int or list of ints as a list (a single int is repeated `count` times).
    public func ints(_ name: String, count: Int = 1) throws -> [Int] {
        switch self[name] {
        case .int(let n): return [Int](repeating: n, count: count)
        case .bool(let b): return [Int](repeating: b ? 1 : 0, count: count)
        case .list(let l): return try l.items.map { guard let n = $0.asInt else { throw fail(name, "a list of ints") }; return n }
        case .tuple(let t): return try t.map { guard let n = $0.asInt else { throw fail(name, "a list of ints") }; return n }
        default: throw fail(name, "an int or a list of ints")
        }
    }
    /// A dtype argument (`"float32"`, `"int64"`, `"bool"`), or nil for none.
    public func dtype(_ name: String) throws -> DType? {
        switch self[name] {
        case .none: return nil
        case .string(let s):
            guard let d = DType(name: s) else { throw NativeError("\(function): unknown dtype '\(s)' (expected one of \(DType.namesList))") }
            return d
        default: throw fail(name, "a dtype name")
        }
    }
    /// A native object argument of the Swift type `T` (a method's receiver `self`).
    public func object<T>(_ name: String, _ type: T.Type) throws -> T {
        guard case .object(let o) = self[name], let t = o as? T else { throw fail(name, "\(T.self)") }
        return t
    }
    /// The list elements of a list or tuple argument.
    public func list(_ name: String) throws -> [Value] {
        switch self[name] {
        case .list(let l): return l.items
        case .tuple(let t): return t
        default: throw fail(name, "a list")
        }
    }
}
