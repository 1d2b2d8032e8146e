import VisNN
import VisTensor

/// What every module shares, whether written as a `model` block or native (layers):
/// named parameters and buffers, children in order, train/eval mode, and a printed
/// tree. State dict keys follow PyTorch (`features.0.weight`, `bn.running_mean`).
public protocol ModuleObject: NativeObject {
    /// Parameters directly owned by this module (not its children), in order.
    var ownParameters: [(String, Tensor)] { get }
    /// Buffers directly owned (running statistics), in order.
    var ownBuffers: [(String, Tensor)] { get }
    /// Child modules in registration order.
    var childModules: [(String, ModuleObject)] { get }
    /// Training mode of this module alone (set recursively through `setTraining`).
    var isTraining: Bool { get set }
    /// The constructor arguments shown in the printed tree (`3, 16, kernel_size=(3, 3)`).
    var extraRepr: String { get }
}

extension ModuleObject {
    /// Every parameter with its dotted name, depth first in registration order.
    public func namedParameters(prefix: String = "") -> [(String, Tensor)] {
        var out = ownParameters.map { (prefix + $0.0, $0.1) }
        for (name, child) in childModules { out += child.namedParameters(prefix: prefix + name + ".") }
        return out
    }

    /// Every buffer with its dotted name.
    public func namedBuffers(prefix: String = "") -> [(String, Tensor)] {
        var out = ownBuffers.map { (prefix + $0.0, $0.1) }
        for (name, child) in childModules { out += child.namedBuffers(prefix: prefix + name + ".") }
        return out
    }

    /// Parameters and buffers by name, PyTorch's `state_dict()` order (each module's
    /// parameters, then its buffers, then its children).
    public func stateEntries(prefix: String = "") -> [(String, Tensor)] {
        var out = ownParameters.map { (prefix + $0.0, $0.1) } + ownBuffers.map { (prefix + $0.0, $0.1) }
        for (name, child) in childModules { out += child.stateEntries(prefix: prefix + name + ".") }
        return out
    }

    /// Sets training mode here and in every descendant.
    public func setTraining(_ on: Bool) {
        isTraining = on
        for (_, c) in childModules { c.setTraining(on) }
    }

    /// The PyTorch-style printed tree.
    public var moduleTree: String {
        Module.formatTree(typeName: typeName, extraRepr: extraRepr, children: childModules.map { ($0.0, $0.1.moduleTree) })
    }

    /// Loads named tensors into this module's parameters and buffers (lazy layers
    /// first take their sizes from the entries). Checks everything before changing
    /// anything; see `StateDict.load`.
    @discardableResult
    public func loadState(_ entries: [(String, Tensor)], strict: Bool) throws -> LoadReport {
        try materializeLazy(Dictionary(entries, uniquingKeysWith: { _, last in last }), prefix: "")
        return try StateDict.load(into: stateEntries(), from: entries, strict: strict, owner: typeName)
    }

    /// Gives native lazy layers anywhere in the tree their sizes from `entries`.
    func materializeLazy(_ entries: [String: Tensor], prefix: String) throws {
        if let n = self as? NativeModule {
            try n.module.materializeLazy(from: entries, prefix: prefix)
            return
        }
        for (name, c) in childModules { try c.materializeLazy(entries, prefix: prefix + name + ".") }
    }
}

extension ModuleObject {
    /// Every module, native or written as a `model`, has the members of `Module`.
    public var members: MemberTable? { ModuleMembers.table }
}

/// The members every module shares (`parameters()`, `train()`, `state_dict()`...),
/// declared once as the `Module` member table.
enum ModuleMembers {
    /// The names of the shared members, in declaration order.
    static var names: [String] { table.names }

    /// A shared member bound to `m`, or nil.
    static func member(_ m: ModuleObject, _ name: String) -> Value? { try? table.member(of: m, name) }

    static func module(_ a: BoundArguments) throws -> ModuleObject { try a.object("self", ModuleObject.self) }

    static let table: MemberTable = {
        let t = MemberTable("Module")
        t.attribute("training", of: ModuleObject.self, "m.training: true in training mode (dropout on, batch norm updating its statistics), false after eval().",
                    get: { .bool($0.isTraining) },
                    set: { m, v in
                        guard case .bool(let b) = v else { throw NativeError("training must be true or false, got \(v.typeName)") }
                        var module = m
                        module.isTraining = b
                    })
        t.method("parameters", [], "m.parameters(): every parameter tensor of the module and its children, in registration order (what an optimizer takes).") { a, _ in
            .list(ListBox(try module(a).namedParameters().map { .tensor($0.1) }))
        }
        t.method("named_parameters", [], "m.named_parameters(): (name, tensor) pairs with PyTorch's dotted names (features.0.weight).") { a, _ in
            .list(ListBox(try module(a).namedParameters().map { .tuple([.string($0.0), .tensor($0.1)]) }))
        }
        t.method("buffers", [], "m.buffers(): the buffers (batch norm running statistics) of the module and its children.") { a, _ in
            .list(ListBox(try module(a).namedBuffers().map { .tensor($0.1) }))
        }
        t.method("children", [], "m.children(): the direct child modules, in order.") { a, _ in
            .list(ListBox(try module(a).childModules.map { .object($0.1) }))
        }
        t.method("named_children", [], "m.named_children(): (name, module) pairs of the direct children.") { a, _ in
            .list(ListBox(try module(a).childModules.map { .tuple([.string($0.0), .object($0.1)]) }))
        }
        t.method("modules", [], "m.modules(): the module itself and every descendant, depth first.") { a, _ in
            var out: [Value] = []
            func walk(_ x: ModuleObject) { out.append(.object(x)); x.childModules.forEach { walk($0.1) } }
            walk(try module(a))
            return .list(ListBox(out))
        }
        t.method("train", [Param("mode", .bool, default: .bool(true))], "m.train(mode=true): sets training mode here and in every child; returns the module.") { a, _ in
            let m = try module(a)
            m.setTraining(try a.bool("mode"))
            return .object(m)
        }
        t.method("eval", [], "m.eval(): sets evaluation mode (dropout off, batch norm using its running statistics); returns the module.") { a, _ in
            let m = try module(a)
            m.setTraining(false)
            return .object(m)
        }
        t.method("zero_grad", [], "m.zero_grad(): clears the gradient of every parameter (sets it to none).") { a, _ in
            for (_, p) in try module(a).namedParameters() { p.grad = nil }
            return .none
        }
        t.method("apply", [Param("fn", .callable)], "m.apply(fn): calls fn on every child (children first, recursively), then on the module itself; returns the module.\n  net.apply(init_weights)") { a, rt in
            let m = try module(a)
            func walk(_ x: ModuleObject) throws {
                for (_, c) in x.childModules { try walk(c) }
                _ = try rt.call(a["fn"], [.object(x)], keywords: [])
            }
            try walk(m)
            return .object(m)
        }
        t.method("state_dict", [], "m.state_dict(): a dict of every parameter and buffer by PyTorch's key names, detached.") { a, _ in
            .dict(DictBox(try module(a).stateEntries().map { (.string($0.0), .tensor($0.1.detach())) }))
        }
        t.method("load_state_dict", [Param("state_dict"), Param("strict", .bool, default: .bool(true))],
                 "m.load_state_dict(state_dict, strict=true): copies the tensors in; with strict, every name, shape and dtype must match and nothing changes otherwise. Returns {missing_keys, unexpected_keys, mismatched_keys}.") { a, _ in
            let m = try module(a)
            guard case .dict(let d) = a["state_dict"] else { throw NativeError("load_state_dict: expected a dict of tensors, got \(a["state_dict"].typeName)") }
            let entries = try d.pairs.map { k, v -> (String, Tensor) in
                guard case .tensor(let t) = v else { throw NativeError("load_state_dict: entry \(k) is \(v.typeNameWithArticle), not a tensor") }
                return (Repr.str(k.value), t)
            }
            let r = try m.loadState(entries, strict: a.bool("strict"))
            let report = DictBox()
            report[string: "missing_keys"] = .list(ListBox(r.missing.map { .string($0) }))
            report[string: "unexpected_keys"] = .list(ListBox(r.unexpected.map { .string($0) }))
            report[string: "mismatched_keys"] = .list(ListBox(r.mismatched.map { .string($0) }))
            return .dict(report)
        }
        t.method("num_params", [Param("trainable", .bool, default: .bool(false))],
                 "m.num_params(trainable=false): the number of parameter elements (only those that require grad with trainable=true).") { a, _ in
            let only = try a.bool("trainable")
            return .int(try module(a).namedParameters().filter { !only || $0.1.requiresGrad }.reduce(0) { $0 + $1.1.count })
        }
        t.method("to", [Param("device", .string)], "m.to(device): the module itself; vis runs on the CPU, so \"cpu\" is the only device.\n  model.to(device)") { a, _ in
            try Device.check(a.string("device"), "to")
            return a["self"]
        }
        t.method("cpu", [], "m.cpu(): the module itself (vis runs on the CPU).") { a, _ in a["self"] }
        t.method("cuda", [Param("device", default: Value.none)], "m.cuda(device=none): an error: vis runs on the CPU only.") { _, _ in
            throw NativeError("cuda: vis runs on the CPU only (use model.to(device) with device \"cpu\")")
        }
        return t
    }()
}
