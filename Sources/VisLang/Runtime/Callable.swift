/// What natives can ask of the running interpreter: calling .vis values back (for
/// `Lambda(fn)`, `model.apply(fn)`, `sorted(key=)`), writing output, and polling for
/// Ctrl-C inside long loops.
public protocol Runtime: AnyObject {
    /// Calls `callee` with positional and keyword arguments.
    func call(_ callee: Value, _ positional: [Value], keywords: [(String, Value)]) throws -> Value
    /// Writes text to the session's output (stdout, or a capture under `vis test`).
    func write(_ text: String)
    /// Throws the interrupt error when the user pressed Ctrl-C.
    func checkInterrupt() throws
    /// True when output goes to a terminal (progress bars redraw in place, pictures
    /// draw inline); false for pipes, files and `vis test`.
    var isTerminal: Bool { get }
}

/// Arguments of one call as written: positional values, then keyword pairs.
public struct Arguments {
    public var positional: [Value]
    public var keywords: [(String, Value)]
    public init(_ positional: [Value], keywords: [(String, Value)] = []) {
        self.positional = positional
        self.keywords = keywords
    }
}

/// Anything callable from .vis: natives, user functions, bound methods, classes.
public protocol Callable: AnyObject {
    /// The name shown in errors and printing.
    var name: String { get }
    /// Calls it.
    func call(_ args: Arguments, _ runtime: Runtime) throws -> Value
}

/// A native function declared by a signature, a doc string and a body. The one
/// description drives argument checking, keyword handling, error messages, `:help` and
/// tab completion.
public final class NativeFunction: Callable {
    public let name: String
    /// Parameters, defaults and types.
    public let signature: Signature
    /// One paragraph and an example, shown by `:help`.
    public let doc: String
    let body: (BoundArguments, Runtime) throws -> Value

    public init(_ name: String, _ params: [Param], doc: String,
                _ body: @escaping (BoundArguments, Runtime) throws -> Value) {
        self.name = name
        self.signature = Signature(name: name, params: params)
        self.doc = doc
        self.body = body
    }

    public func call(_ args: Arguments, _ runtime: Runtime) throws -> Value {
        // A lazy layer's uninitialised parameter has no shape or values: any builtin
        // given one directly (torch.sum(w), w.mean()) refuses it, as PyTorch does,
        // instead of computing on its empty placeholder.
        for v in args.positional { if case .tensor(let t) = v, t.isUninitialized { try UninitializedParameterError.check(t, name) } }
        for (_, v) in args.keywords { if case .tensor(let t) = v, t.isUninitialized { try UninitializedParameterError.check(t, name) } }
        return try body(signature.bind(args), runtime)
    }

    /// The same function with `receiver` bound as its first argument (a method).
    public func bound(to receiver: Value) -> BoundMethod { BoundMethod(function: self, receiver: receiver) }
}

/// A native method bound to its receiver (`x.sum` before it is called).
public final class BoundMethod: Callable {
    public let function: NativeFunction
    public let receiver: Value
    public init(function: NativeFunction, receiver: Value) {
        self.function = function
        self.receiver = receiver
    }
    public var name: String { function.name }
    public func call(_ args: Arguments, _ runtime: Runtime) throws -> Value {
        var a = args
        a.positional.insert(receiver, at: 0)
        return try function.call(a, runtime)
    }
}

/// A native object (module, optimizer, dataset...): a type name, members, a printed form.
public protocol NativeObject: AnyObject {
    /// The type name users see (`Conv2d`, `Adam`).
    var typeName: String { get }
    /// An attribute or bound method, or nil when there is none of that name.
    func member(_ name: String) throws -> Value?
    /// Sets an attribute; returns false when the object has no settable attribute `name`.
    func setMember(_ name: String, _ value: Value) throws -> Bool
    /// Names offered by tab completion after `.`.
    var memberNames: [String] { get }
    /// The printed form (`repr`).
    var repr: String { get }
    /// The declared members of the object's type (methods and attributes every object of
    /// the type has); `member` and `memberNames` hold the object's own dynamic ones
    /// (a model's fields, a layer's parameters).
    var members: MemberTable? { get }
}

extension NativeObject {
    public func setMember(_ name: String, _ value: Value) throws -> Bool { false }
    public var repr: String { "<\(typeName)>" }
    public var members: MemberTable? { nil }
}
