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

    /// The parameter list as `:help` shows it.
    public var signature: String { ParameterBinding.signature(decl.name, decl.params) }

    /// The same function bound to a model instance (a method).
    func bound(to instance: ModelInstance) -> UserFunction {
        UserFunction(decl: decl, defaults: defaults, parent: parent, instance: instance, interpreter: interpreter)
    }

    public func call(_ args: Arguments, _ runtime: Runtime) throws -> Value {
        Resolver.resolve(decl)
        let frame = Frame(function: decl, parent: parent, instance: instance)
        if decl.plainParameters {
            try bindPlain(args, frame)
        } else {
            try bindGeneral(args, frame)
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

    /// Binds arguments with `*args`, `**kwargs` or keyword-only parameters.
    @inline(never)
    func bindGeneral(_ args: Arguments, _ frame: Frame) throws {
        // Parameters come first among the locals, in order (see Resolver.resolve).
        for (i, v) in try ParameterBinding.bind(decl.name, decl.params, defaults, args).enumerated() { frame.slots[i] = v }
    }

    /// Binds arguments to plain parameters (no `*args`, `**kwargs` or keyword-only
    /// ones): the short path of every call.
    @inline(__always)
    func bindPlain(_ args: Arguments, _ frame: Frame) throws {
        let params = decl.params
        guard args.positional.count <= params.count else {
            throw NativeError("\(decl.name)() takes \(params.count) argument\(params.count == 1 ? "" : "s") but \(args.positional.count) were given")
        }
        var bound = [Bool](repeating: false, count: params.count)
        for (i, v) in args.positional.enumerated() {
            frame.slots[i] = v
            bound[i] = true
        }
        for (key, v) in args.keywords {
            guard let i = params.firstIndex(where: { $0.name == key }) else {
                let hint = Suggestions.closest(to: key, in: params.map(\.name)).map { " (did you mean '\($0)'?)" } ?? ""
                throw NativeError("\(decl.name)(): unknown keyword '\(key)'\(hint)")
            }
            guard !bound[i] else { throw NativeError("\(decl.name)(): got multiple values for argument '\(key)'") }
            frame.slots[i] = v
            bound[i] = true
        }
        for i in params.indices where !bound[i] {
            guard let d = defaults[i] else { throw NativeError("\(decl.name)(): missing required argument '\(params[i].name)'") }
            frame.slots[i] = d
        }
    }
}

/// Python's binding of call arguments to parameters, for user functions and model
/// constructors: positional arguments fill the plain parameters in order and the rest
/// go to `*args` (a tuple); keywords fill plain and keyword-only parameters by name
/// and the rest go to `**kwargs` (a dict); defaults fill what is left.
enum ParameterBinding {
    /// The value of every parameter, in declaration order.
    static func bind(_ name: String, _ params: [ParamDecl], _ defaults: [Value?], _ args: Arguments) throws -> [Value] {
        var values = [Value?](repeating: nil, count: params.count)
        // Plain parameters precede `*args`, keyword-only ones and `**kwargs`.
        let plain = params.prefix { $0.kind == .positional }.count
        let varPositional = params.firstIndex { $0.kind == .varPositional }
        let varKeyword = params.firstIndex { $0.kind == .varKeyword }
        if args.positional.count > plain {
            guard let vp = varPositional else {
                let what = plain == params.count ? "argument" : "positional argument"
                throw NativeError("\(name)() takes \(plain) \(what)\(plain == 1 ? "" : "s") but \(args.positional.count) were given")
            }
            values[vp] = .tuple(Array(args.positional[plain...]))
        }
        for (i, v) in args.positional.prefix(plain).enumerated() { values[i] = v }
        if let vp = varPositional, values[vp] == nil { values[vp] = .tuple([]) }
        let extra = DictBox()
        for (key, v) in args.keywords {
            if let i = params.firstIndex(where: { $0.name == key && ($0.kind == .positional || $0.kind == .keywordOnly) }) {
                guard values[i] == nil else { throw NativeError("\(name)(): got multiple values for argument '\(key)'") }
                values[i] = v
            } else if varKeyword != nil {
                guard extra[string: key] == nil else { throw NativeError("\(name)(): got multiple values for argument '\(key)'") }
                extra[string: key] = v
            } else {
                let names = params.filter { $0.kind == .positional || $0.kind == .keywordOnly }.map(\.name)
                let hint = Suggestions.closest(to: key, in: names).map { " (did you mean '\($0)'?)" } ?? ""
                throw NativeError("\(name)(): unknown keyword '\(key)'\(hint)")
            }
        }
        if let vk = varKeyword { values[vk] = .dict(extra) }
        return try params.indices.map { i in
            if let v = values[i] ?? defaults[i] { return v }
            let kind = params[i].kind == .keywordOnly ? "keyword-only argument" : "argument"
            throw NativeError("\(name)(): missing required \(kind) '\(params[i].name)'")
        }
    }

    /// The parameter list as `:help` shows it: `f(a, b=…, *args, c, **kwargs)`.
    static func signature(_ name: String, _ params: [ParamDecl]) -> String {
        var parts: [String] = []
        var starred = false
        for p in params {
            switch p.kind {
            case .positional: parts.append(p.defaultValue == nil ? p.name : "\(p.name)=…")
            case .varPositional: parts.append("*\(p.name)"); starred = true
            case .keywordOnly:
                if !starred { parts.append("*"); starred = true }
                parts.append(p.defaultValue == nil ? p.name : "\(p.name)=…")
            case .varKeyword: parts.append("**\(p.name)")
            }
        }
        return "\(name)(" + parts.joined(separator: ", ") + ")"
    }
}
