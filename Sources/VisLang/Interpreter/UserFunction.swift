/// A function written in .vis: its declaration, default values (evaluated once, when
/// the function is defined, as in Python), the frame it closes over, and for methods
/// the model instance it is bound to.
public final class UserFunction: Callable {
    let decl: FunctionDecl
    let defaults: [Value?]
    let parent: Frame
    let instance: ModelInstance?
    unowned let interpreter: Interpreter

    init(decl: FunctionDecl, defaults: [Value?], parent: Frame, instance: ModelInstance?, interpreter: Interpreter) {
        self.decl = decl
        self.defaults = defaults
        self.parent = parent
        self.instance = instance
        self.interpreter = interpreter
    }

    public var name: String { decl.name }

    /// The parameter list as `:help` shows it: `f(a, b=…, *args, c, **kwargs)`.
    public var signature: String {
        var parts: [String] = []
        var starred = false
        for p in decl.params {
            switch p.kind {
            case .positional: parts.append(p.defaultValue == nil ? p.name : "\(p.name)=…")
            case .varPositional: parts.append("*\(p.name)"); starred = true
            case .keywordOnly:
                if !starred { parts.append("*"); starred = true }
                parts.append(p.defaultValue == nil ? p.name : "\(p.name)=…")
            case .varKeyword: parts.append("**\(p.name)")
            }
        }
        return "\(decl.name)(" + parts.joined(separator: ", ") + ")"
    }

    /// How call arguments bind to the parameters: Python's rules, by the one binder
    /// natives use too (`Signature`), with the defaults this definition evaluated.
    lazy var binding = Signature(forUser: (instance.map { $0.typeName + "." } ?? "") + decl.name, decl.params, defaults)

    /// The binding of this function as a method of `instance`'s model (errors call it
    /// `Net.forward()`), made once and shared by every bound copy: a method is bound
    /// anew at each `m.forward` access.
    private var methodBinding: Signature?

    /// The same function bound to a model instance (a method).
    func bound(to instance: ModelInstance) -> UserFunction {
        let method = UserFunction(decl: decl, defaults: defaults, parent: parent, instance: instance, interpreter: interpreter)
        if methodBinding == nil { methodBinding = Signature(forUser: instance.typeName + "." + decl.name, decl.params, defaults) }
        if let methodBinding { method.binding = methodBinding }
        return method
    }

    public func call(_ args: Arguments, _ runtime: Runtime) throws -> Value {
        Resolver.resolve(decl)
        let frame = Frame(function: decl, parent: parent, instance: instance)
        // A method written as in Python, `fn forward(self, x)`, gets its instance as `self`.
        if let instance, decl.takesSelf {
            var withSelf = args
            withSelf.positional.insert(.object(instance), at: 0)
            try bind(withSelf, frame)
        } else {
            try bind(args, frame)
        }
        interpreter.depth += 1
        defer { interpreter.depth -= 1 }
        guard interpreter.depth <= Interpreter.maxDepth else {
            throw NativeError("maximum recursion depth (\(Interpreter.maxDepth)) exceeded in \(decl.name)()", kind: .resourceLimit)
        }
        guard interpreter.stackGuard.hasRoom() else {
            throw NativeError("maximum recursion depth exceeded in \(decl.name)() (the stack is full after \(interpreter.depth) nested calls)", kind: .resourceLimit)
        }
        switch try interpreter.execFrame(decl.body, frame) {
        case .returned(let v): return v
        default: return .none
        }
    }

    /// Binds the arguments into the frame: parameters come first among the locals, in
    /// order (see Resolver.resolve).
    @inline(__always)
    func bind(_ args: Arguments, _ frame: Frame) throws {
        try binding.bind(args, into: &frame.slots)
    }
}

extension Signature {
    /// The signature of a user function or model: parameters of any type, named as
    /// declared, with the default values the definition evaluated; errors call it `f()`.
    init(forUser name: String, _ decls: [ParamDecl], _ defaults: [Value?]) {
        self.init(name: name + "()", params: zip(decls, defaults).map { d, v in
            Param(d.name, .any, default: v, variadic: d.kind == .varPositional, keywords: d.kind == .varKeyword, keywordOnly: d.kind == .keywordOnly)
        })
    }
}

extension FunctionDecl {
    /// True for a method written with Python's explicit `self` first parameter.
    var takesSelf: Bool { params.first.map { $0.name == "self" && $0.kind == .positional } ?? false }
}
