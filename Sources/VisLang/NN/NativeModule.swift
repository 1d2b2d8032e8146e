import VisNN
import VisTensor

/// A native layer (a VisNN `Module`) as a .vis value: its parameters, buffers,
/// children and constructor arguments as members, the shared module members
/// (`parameters()`, `train()`, `state_dict()`...), and calling runs its forward.
public final class NativeModule: ModuleObject, CallableObject, IndexableObject {
    /// The wrapped layer.
    public let module: Module

    /// One wrapper per layer, so a child seen twice is the same value (identity matters
    /// for `is` checks and optimizers' parameter lists).
    nonisolated(unsafe) static var wrappers: [ObjectIdentifier: WeakWrapper] = [:]
    final class WeakWrapper { weak var value: NativeModule?; init(_ v: NativeModule) { value = v } }

    /// The wrapper of `module` (model instances embedded in native containers come back as themselves).
    public static func wrap(_ module: Module) -> ModuleObject {
        if let adapter = module as? ModelModule { return adapter.instance }
        let id = ObjectIdentifier(module)
        if let w = wrappers[id]?.value { return w }
        let w = NativeModule(module)
        wrappers[id] = WeakWrapper(w)
        return w
    }

    init(_ module: Module) { self.module = module }

    public var typeName: String { module.typeName }
    public var ownParameters: [(String, Tensor)] { module.ownParameters }
    public var ownBuffers: [(String, Tensor)] { module.ownBuffers }
    public var childModules: [(String, ModuleObject)] { module.children.map { ($0.0, NativeModule.wrap($0.1)) } }
    public var isTraining: Bool {
        get { module.training }
        set { module.training = newValue }
    }
    public var extraRepr: String { module.extraRepr }
    public var repr: String { moduleTree }

    public func member(_ name: String) throws -> Value? {
        if let (_, t) = module.ownParameters.first(where: { $0.0 == name }) { return .tensor(t) }
        if let (_, t) = module.ownBuffers.first(where: { $0.0 == name }) { return .tensor(t) }
        if let (_, c) = module.children.first(where: { $0.0 == name }) { return .object(NativeModule.wrap(c)) }
        if let (_, h) = module.hyperParameters.first(where: { $0.0 == name }) { return NativeModule.value(h) }
        if name == "bias" || name == "weight" { return Value.none }
        if let m = ModuleMembers.member(self, name) { return m }
        if let m = ModuleContainers.member(module, name, { [unowned self] in .object(self) }) { return m }
        return nil
    }

    public var memberNames: [String] {
        module.ownParameters.map(\.0) + module.ownBuffers.map(\.0) + module.children.map(\.0)
            + module.hyperParameters.map(\.0) + ModuleMembers.names
    }

    static func value(_ h: HyperValue) -> Value {
        switch h {
        case .int(let i): return .int(i)
        case .double(let d): return .float(d)
        case .bool(let b): return .bool(b)
        case .string(let s): return .string(s)
        case .ints(let xs): return .tuple(xs.map { .int($0) })
        case .none: return .none
        }
    }

    /// Containers index and iterate over their children (`seq[0]`, `for m in layers`;
    /// a ModuleDict iterates over its keys, as a dict does).
    public var length: Int { module.children.count }

    public func element(at index: Int) throws -> Value {
        let (name, child) = module.children[index]
        return module is ModuleDict ? .string(name) : .object(NativeModule.wrap(child))
    }

    public func call(_ args: Arguments, _ runtime: Runtime) throws -> Value {
        if let lstm = module as? LSTM { return try callLSTM(lstm, args) }
        if let gru = module as? GRU { return try callGRU(gru, args) }
        if let result = try callNewLayer(args) { return result }
        guard args.positional.count == 1, args.keywords.isEmpty else {
            throw NativeError("\(typeName) takes one input tensor, got \(args.positional.count) positional and \(args.keywords.count) keyword arguments")
        }
        let x = try Convert.tensor(args.positional[0], context: "\(typeName) input")
        return .tensor(try module(x))
    }
}

extension NativeModule {
    /// `lstm(x)` or `lstm(x, (h0, c0))`: `(output, (h, c))` as in PyTorch.
    func callLSTM(_ lstm: LSTM, _ args: Arguments) throws -> Value {
        guard (1...2).contains(args.positional.count), args.keywords.isEmpty else {
            throw NativeError("LSTM takes (input) or (input, (h0, c0)), got \(args.positional.count) arguments")
        }
        let x = try Convert.tensor(args.positional[0], context: "LSTM input")
        var h0: Tensor? = nil, c0: Tensor? = nil
        if args.positional.count == 2, !args.positional[1].isNone {
            let states = try Iteration.elements(args.positional[1])
            guard states.count == 2 else { throw NativeError("LSTM: the initial state must be a pair (h0, c0)") }
            h0 = try Convert.tensor(states[0], context: "LSTM h0")
            c0 = try Convert.tensor(states[1], context: "LSTM c0")
        }
        do {
            let r = try lstm.forward(x, h0: h0, c0: c0)
            return .tuple([.tensor(r.output), .tuple([.tensor(r.h), .tensor(r.c)])])
        } catch let e as TensorError {
            throw LayerError(layerType: "LSTM", message: e.message)
        }
    }

    /// `gru(x)` or `gru(x, h0)`: `(output, h)` as in PyTorch.
    func callGRU(_ gru: GRU, _ args: Arguments) throws -> Value {
        guard (1...2).contains(args.positional.count), args.keywords.isEmpty else {
            throw NativeError("GRU takes (input) or (input, h0), got \(args.positional.count) arguments")
        }
        let x = try Convert.tensor(args.positional[0], context: "GRU input")
        let h0 = args.positional.count == 2 && !args.positional[1].isNone ? try Convert.tensor(args.positional[1], context: "GRU h0") : nil
        do {
            let r = try gru.forward(x, h0: h0)
            return .tuple([.tensor(r.output), .tensor(r.h)])
        } catch let e as TensorError {
            throw LayerError(layerType: "GRU", message: e.message)
        }
    }
}

/// A `model` instance placed inside a native container (`Sequential(MyBlock(), ...)`):
/// a VisNN module whose forward calls the instance's .vis forward.
public final class ModelModule: Module {
    let instance: ModelInstance
    unowned let runtime: Runtime

    init(_ instance: ModelInstance, runtime: Runtime) {
        self.instance = instance
        self.runtime = runtime
    }

    public override var typeName: String { instance.typeName }
    public override var ownParameters: [(String, Tensor)] { instance.ownParameters }
    public override var ownBuffers: [(String, Tensor)] { instance.ownBuffers.filter { !instance.nonPersistentBuffers.contains($0.0) } }
    public override var children: [(String, Module)] {
        instance.childModules.map { ($0.0, NNBuiltins.nativeModule($0.1, runtime: runtime)) }
    }
    public override func forward(_ x: Tensor) throws -> Tensor {
        let out = try instance.call(Arguments([.tensor(x)]), runtime)
        guard case .tensor(let t) = out else {
            throw NativeError("\(instance.typeName).forward returned a \(out.typeName), but the container expects a tensor")
        }
        return t
    }
}
