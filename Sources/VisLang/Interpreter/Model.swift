import VisTensor

/// A `model Name(params) { ... }` declaration as a value: calling it builds an instance.
public final class ModelClass: Callable {
    let decl: ModelDecl
    let defaults: [Value?]
    let definingFrame: Frame
    unowned let interpreter: Interpreter

    init(decl: ModelDecl, defaults: [Value?], definingFrame: Frame, interpreter: Interpreter) {
        self.decl = decl
        self.defaults = defaults
        self.definingFrame = definingFrame
        self.interpreter = interpreter
    }

    public var name: String { decl.name }

    /// Binds the arguments to the parameters, then runs the body once with the
    /// parameters as fields; every name the body assigns becomes a field, and every
    /// `fn` a method.
    /// How constructor arguments bind to the parameters (the binder natives and user
    /// functions share).
    lazy var binding = Signature(forUser: decl.name, decl.params, defaults)

    /// True when the body defines `__init__`: a model written as a PyTorch class
    /// (`model Net { fn __init__(self, classes=10) { ... } fn forward(self, x) { ... } }`).
    lazy var hasInit = decl.body.contains { if case .function(let f) = $0.kind { return f.name == "__init__" } else { return false } }

    public func call(_ args: Arguments, _ runtime: Runtime) throws -> Value {
        if hasInit && !decl.params.isEmpty {
            throw NativeError("\(decl.name): a model with __init__ takes its parameters there; remove them from the model line", kind: .typeError)
        }
        // With __init__, the arguments are its own (bound when it is called below).
        let values = hasInit ? [] : try binding.bind(args).values
        let instance = ModelInstance(typeName: decl.name, interpreter: interpreter)
        for (p, v) in zip(decl.params, values) {
            instance.setPlainField(p.name, v)
            instance.constructorArgs.append((p.name, v))
        }
        let frame = Frame(function: nil, parent: definingFrame, instance: instance, isModelBody: true)
        interpreter.depth += 1
        defer { interpreter.depth -= 1 }
        guard interpreter.depth <= Interpreter.maxDepth, interpreter.stackGuard.hasRoom() else {
            throw NativeError("maximum recursion depth exceeded building \(decl.name)", kind: .resourceLimit)
        }
        predefineMethods(instance, frame)
        _ = try interpreter.execFrame(decl.body, frame)
        if hasInit, case .function(let initializer)? = try instance.member("__init__") {
            let result = try initializer.call(args, interpreter)
            guard result.isNone else {
                throw NativeError("\(decl.name).__init__ should return none, not \(result.typeNameWithArticle)", kind: .typeError)
            }
        }
        return .object(instance)
    }

    /// Defines every `fn` at the top level of the body before any statement runs, as a
    /// Python class body defines its methods before `__init__` is called, so a line may
    /// call `self.init_weights()` written further down. A method whose default values
    /// cannot be evaluated yet (they read a field the body assigns later) is defined
    /// when its `fn` line runs instead; every `fn` line also redefines its method, so
    /// defaults that read fields see the values assigned above them.
    private func predefineMethods(_ instance: ModelInstance, _ frame: Frame) {
        for s in decl.body {
            guard case .function(let f) = s.kind, let fn = try? interpreter.makeFunction(f, frame) else { continue }
            instance.addMethod(f.name, fn)
        }
    }
}

/// An instance of a `model` block: ordered fields (modules among them are children),
/// methods, and the module members every module shares. Calling it calls `forward`.
public final class ModelInstance: ModuleObject, CallableObject {
    public let typeName: String
    unowned let interpreter: Interpreter
    private var fieldOrder: [String] = []
    private var fields: [String: Value] = [:]
    private var methods: [String: UserFunction] = [:]
    var constructorArgs: [(String, Value)] = []
    public var isTraining = true
    /// Fields registered as buffers by `register_buffer`, in registration order.
    private(set) var bufferNames: [String] = []
    /// Buffers left out of the state dict (`persistent=false`).
    public private(set) var nonPersistentBuffers: Set<String> = []
    /// Forward pre-hooks and hooks (`register_forward_pre_hook` / `register_forward_hook`)
    /// by handle id, in the order they run.
    var preHooks: [(id: Int, hook: Value)] = []
    var postHooks: [(id: Int, hook: Value)] = []

    /// Registers field `name` as a buffer holding `value` (a tensor or none).
    func registerBuffer(_ name: String, _ value: Value, persistent: Bool) {
        setPlainField(name, value)
        if !bufferNames.contains(name) { bufferNames.append(name) }
        if persistent { nonPersistentBuffers.remove(name) } else { nonPersistentBuffers.insert(name) }
    }

    init(typeName: String, interpreter: Interpreter) {
        self.typeName = typeName
        self.interpreter = interpreter
    }

    /// A field's value.
    func field(_ name: String) -> Value? { fields[name] }

    /// Names of fields, in order.
    var fieldNames: [String] { fieldOrder }

    func setPlainField(_ name: String, _ v: Value) {
        if fields.updateValue(v, forKey: name) == nil { fieldOrder.append(name) }
    }

    /// Assigns a field; module-valued fields become (or replace) children in place.
    func setField(_ name: String, _ v: Value) throws {
        if methods[name] != nil { throw NativeError("\(typeName): '\(name)' is a method and cannot be reassigned") }
        setPlainField(name, v)
    }

    func addMethod(_ name: String, _ f: UserFunction) { methods[name] = f }

    /// True when the model defines a method `name`.
    func hasMethod(_ name: String) -> Bool { methods[name] != nil }

    /// The method `name` (unbound), if the model defines it.
    func method(_ name: String) -> UserFunction? { methods[name] }

    // MARK: ModuleObject

    /// Tensor fields that are parameters: made by `Parameter(...)` (even frozen), or
    /// leaves that require grad; buffers are not.
    public var ownParameters: [(String, Tensor)] {
        fieldOrder.compactMap { n in
            if case .tensor(let t)? = fields[n], t.isParameter || (t.requiresGrad && t.isLeaf), !bufferNames.contains(n) { return (n, t) }
            return nil
        }
    }

    public var ownBuffers: [(String, Tensor)] {
        bufferNames.compactMap { n in
            if case .tensor(let t)? = fields[n] { return (n, t) }
            return nil
        }
    }

    public var childModules: [(String, ModuleObject)] {
        var out: [(String, ModuleObject)] = []
        for n in fieldOrder {
            switch fields[n] {
            case .object(let m as ModuleObject)?: out.append((n, m))
            case .list(let l)?:
                let mods = l.items.compactMap { v -> ModuleObject? in if case .object(let m as ModuleObject) = v { return m } else { return nil } }
                if !mods.isEmpty && mods.count == l.items.count { out.append((n, ModuleListView(mods))) }
            default: break
            }
        }
        return out
    }

    public var extraRepr: String { "" }

    // MARK: NativeObject

    public func member(_ name: String) throws -> Value? {
        if let v = fields[name] { return v }
        if let m = methods[name] { return .function(m.bound(to: self)) }
        return ModuleMembers.member(self, name)
    }

    public func setMember(_ name: String, _ value: Value) throws -> Bool {
        if name == "training" {
            guard case .bool(let b) = value else { throw NativeError("training must be true or false") }
            isTraining = b
            return true
        }
        try setField(name, value)
        return true
    }

    public var memberNames: [String] { fieldOrder + Array(methods.keys) + ModuleMembers.names }

    /// The module tree; `Repr` calls `__repr__` / `__str__` first where the model has them.
    public var repr: String { moduleTree }

    /// Calls `forward`, or `__call__` when the model has no `forward` (a hand-written
    /// transform or any callable object).
    public func call(_ args: Arguments, _ runtime: Runtime) throws -> Value {
        guard let method = methods["forward"] ?? methods["__call__"] else {
            throw NativeError("\(typeName) has no forward or __call__ method, so it cannot be called")
        }
        if preHooks.isEmpty && postHooks.isEmpty { return try method.bound(to: self).call(args, runtime) }
        // PyTorch's rules: a pre-hook gets (module, args) and may return new args (a
        // single value stands for a 1-tuple); a hook gets (module, args, output) and
        // may return a new output; none keeps what was there.
        var args = args
        for (_, h) in preHooks {
            let r = try runtime.call(h, [.object(self), .tuple(args.positional)], keywords: [])
            if case .tuple(let items) = r { args.positional = items } else if !r.isNone { args.positional = [r] }
        }
        var out = try method.bound(to: self).call(args, runtime)
        for (_, h) in postHooks {
            let r = try runtime.call(h, [.object(self), .tuple(args.positional), out], keywords: [])
            if !r.isNone { out = r }
        }
        return out
    }
}

/// A list of modules held in a field, seen as a container child (`layers.0.weight`),
/// as PyTorch's ModuleList registers them.
final class ModuleListView: ModuleObject {
    let items: [ModuleObject]
    init(_ items: [ModuleObject]) { self.items = items }
    var typeName: String { "ModuleList" }
    var ownParameters: [(String, Tensor)] { [] }
    var ownBuffers: [(String, Tensor)] { [] }
    var childModules: [(String, ModuleObject)] { items.enumerated().map { (String($0.offset), $0.element) } }
    var isTraining: Bool {
        get { items.first?.isTraining ?? true }
        set { }
    }
    var extraRepr: String { "" }
    func member(_ name: String) throws -> Value? { ModuleMembers.member(self, name) }
    var memberNames: [String] { ModuleMembers.names }
    var repr: String { moduleTree }
}
