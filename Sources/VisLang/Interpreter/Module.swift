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

/// The members every module has, as natives bound to the receiver.
enum ModuleMembers {
    static let names = ["parameters", "named_parameters", "children", "named_children", "train", "eval", "training",
                        "zero_grad", "apply", "state_dict", "load_state_dict", "num_params", "modules", "buffers"]

    static func member(_ m: ModuleObject, _ name: String) -> Value? {
        func fn(_ params: [Param], _ body: @escaping (BoundArguments, Runtime) throws -> Value) -> Value {
            .function(NativeFunction(name, params, doc: "", body))
        }
        switch name {
        case "training": return .bool(m.isTraining)
        case "parameters":
            return fn([]) { _, _ in .list(ListBox(m.namedParameters().map { .tensor($0.1) })) }
        case "buffers":
            return fn([]) { _, _ in .list(ListBox(m.namedBuffers().map { .tensor($0.1) })) }
        case "named_parameters":
            return fn([]) { _, _ in .list(ListBox(m.namedParameters().map { .tuple([.string($0.0), .tensor($0.1)]) })) }
        case "children":
            return fn([]) { _, _ in .list(ListBox(m.childModules.map { .object($0.1) })) }
        case "named_children":
            return fn([]) { _, _ in .list(ListBox(m.childModules.map { .tuple([.string($0.0), .object($0.1)]) })) }
        case "modules":
            return fn([]) { _, _ in
                var out: [Value] = []
                func walk(_ x: ModuleObject) { out.append(.object(x)); x.childModules.forEach { walk($0.1) } }
                walk(m)
                return .list(ListBox(out))
            }
        case "train":
            return fn([Param("mode", .bool, default: .bool(true))]) { a, _ in m.setTraining(try a.bool(0)); return .object(m) }
        case "eval":
            return fn([]) { _, _ in m.setTraining(false); return .object(m) }
        case "zero_grad":
            return fn([]) { _, _ in for (_, p) in m.namedParameters() { p.grad = nil }; return .none }
        case "apply":
            return fn([Param("fn", .callable)]) { a, rt in
                func walk(_ x: ModuleObject) throws {
                    for (_, c) in x.childModules { try walk(c) }
                    _ = try rt.call(a[0], [.object(x)], keywords: [])
                }
                try walk(m)
                return .object(m)
            }
        case "state_dict":
            return fn([]) { _, _ in .dict(DictBox(m.stateEntries().map { (.string($0.0), .tensor($0.1.detach())) })) }
        case "load_state_dict":
            return fn([Param("state_dict"), Param("strict", .bool, default: .bool(true))]) { a, _ in
                guard case .dict(let d) = a[0] else { throw NativeError("load_state_dict: expected a dict of tensors, got \(a[0].typeName)") }
                let entries = try d.pairs.map { k, v -> (String, Tensor) in
                    guard case .tensor(let t) = v else { throw NativeError("load_state_dict: entry \(k) is \(v.typeNameWithArticle), not a tensor") }
                    return (Repr.str(k.value), t)
                }
                let r = try m.loadState(entries, strict: a.bool(1))
                let report = DictBox()
                report[string: "missing_keys"] = .list(ListBox(r.missing.map { .string($0) }))
                report[string: "unexpected_keys"] = .list(ListBox(r.unexpected.map { .string($0) }))
                report[string: "mismatched_keys"] = .list(ListBox(r.mismatched.map { .string($0) }))
                return .dict(report)
            }
        case "num_params":
            return fn([Param("trainable", .bool, default: .bool(false))]) { a, _ in
                let only = try a.bool(0)
                return .int(m.namedParameters().filter { !only || $0.1.requiresGrad }.reduce(0) { $0 + $1.1.count })
            }
        default: return nil
        }
    }
}
