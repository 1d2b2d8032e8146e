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
    public var signature: String {
        "\(decl.name)(" + decl.params.map { p in p.defaultValue == nil ? p.name : "\(p.name)=…" }.joined(separator: ", ") + ")"
    }

    /// The same function bound to a model instance (a method).
    func bound(to instance: ModelInstance) -> UserFunction {
        UserFunction(decl: decl, defaults: defaults, parent: parent, instance: instance, interpreter: interpreter)
    }

    public func call(_ args: Arguments, _ runtime: Runtime) throws -> Value {
        Resolver.resolve(decl)
        let frame = Frame(function: decl, parent: parent, instance: instance)
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
        interpreter.depth += 1
        defer { interpreter.depth -= 1 }
        guard interpreter.depth <= Interpreter.maxDepth else {
            throw NativeError("maximum recursion depth (\(Interpreter.maxDepth)) exceeded in \(decl.name)()", kind: .resourceLimit)
        }
        guard interpreter.stackGuard.hasRoom() else {
            throw NativeError("maximum recursion depth exceeded in \(decl.name)() (the stack is full after \(interpreter.depth) nested calls)", kind: .resourceLimit)
        }
        switch try interpreter.exec(decl.body, frame) {
        case .returned(let v): return v
        default: return .none
        }
    }
}
