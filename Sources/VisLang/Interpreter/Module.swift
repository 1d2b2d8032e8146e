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

/// Where `ModuleObject.walkTree` is: the module, its depth (0 for the root), its name
/// in its parent ("" for the root) and the dotted prefix of its entries ("" for the
/// root, "features.0." below).
public struct ModuleVisit {
    public let module: ModuleObject
    public let depth: Int
    public let name: String
    public let prefix: String
}

/// A module whose children `walkTree` is visiting, and the next child.
private struct OpenModule {
    let visit: ModuleVisit
    let children: [(String, ModuleObject)]
    var next: Int
}

/// Stops `moduleTree` once the text is long enough.
private struct TreeCut: Error {}

extension ModuleObject {
    /// Visits this module and every descendant, depth first in registration order:
    /// `enter` before a module's children, `leave` after them. Iterative, with the
    /// dotted prefix kept on one growing string, so a Sequential nested 10,000 deep is
    /// walked in time linear in its size and does not overflow the native stack. A
    /// module met again inside itself (a cycle) is not entered again.
    /// Where `descend` says no, the module's children are not visited.
    public func walkTree(enter: (ModuleVisit) throws -> Void, leave: ((ModuleVisit) throws -> Void)? = nil,
                         descend: ((ModuleVisit) -> Bool)? = nil) rethrows {
        var prefix = ""
        var path: Set<ObjectIdentifier> = [ObjectIdentifier(self)]
        let root = ModuleVisit(module: self, depth: 0, name: "", prefix: "")
        try enter(root)
        var stack = [OpenModule(visit: root, children: descend?(root) == false ? [] : childModules, next: 0)]
        while let top = stack.last {
            if top.next == top.children.count {
                stack.removeLast()
                path.remove(ObjectIdentifier(top.visit.module))
                if top.visit.depth > 0 { prefix.removeLast(top.visit.name.count + 1) }
                try leave?(top.visit)
                continue
            }
            stack[stack.count - 1].next += 1
            let (name, child) = top.children[top.next]
            guard path.insert(ObjectIdentifier(child)).inserted else { continue }
            prefix += name + "."
            let visit = ModuleVisit(module: child, depth: stack.count, name: name, prefix: prefix)
            try enter(visit)
            stack.append(OpenModule(visit: visit, children: descend?(visit) == false ? [] : child.childModules, next: 0))
        }
    }

    /// Every parameter with its dotted name, depth first in registration order.
    public func namedParameters(prefix: String = "") -> [(String, Tensor)] {
        var out: [(String, Tensor)] = []
        walkTree { v in for (n, t) in v.module.ownParameters { out.append((prefix + v.prefix + n, t)) } }
        return out
    }

    /// Every buffer with its dotted name.
    public func namedBuffers(prefix: String = "") -> [(String, Tensor)] {
        var out: [(String, Tensor)] = []
        walkTree { v in for (n, t) in v.module.ownBuffers { out.append((prefix + v.prefix + n, t)) } }
        return out
    }

    /// Parameters and buffers by name, PyTorch's `state_dict()` order (each module's
    /// parameters, then its buffers, then its children).
    public func stateEntries(prefix: String = "") -> [(String, Tensor)] {
        var out: [(String, Tensor)] = []
        walkTree { v in
            for (n, t) in v.module.ownParameters { out.append((prefix + v.prefix + n, t)) }
            for (n, t) in v.module.ownBuffers { out.append((prefix + v.prefix + n, t)) }
        }
        return out
    }

    /// Every module with its dotted name ("" for this one), each module once (a module
    /// registered twice keeps its first name), as PyTorch's `named_modules()`.
    public func namedModules(prefix: String = "", removeDuplicate: Bool = true) -> [(String, ModuleObject)] {
        var out: [(String, ModuleObject)] = []
        var seen = Set<ObjectIdentifier>()
        walkTree { v in
            guard !removeDuplicate || seen.insert(ObjectIdentifier(v.module)).inserted else { return }
            let dotted = prefix.isEmpty ? String(v.prefix.dropLast()) : prefix + (v.prefix.isEmpty ? "" : "." + v.prefix.dropLast())
            out.append((dotted, v.module))
        }
        return out
    }

    /// Sets training mode here and in every descendant.
    public func setTraining(_ on: Bool) {
        walkTree { v in
            let m = v.module
            m.isTraining = on
        }
    }

    /// The PyTorch-style printed tree: `Name(args)` for a leaf, else `Name(` then each
    /// child as `(name): ...` two spaces further in, then `)`. Written in one pass
    /// (linear in the text); a tree longer than `Arith.maxLength` bytes, or one being
    /// printed when Ctrl-C is pressed, ends in a line `...`.
    public var moduleTree: String {
        var out = ""
        do {
            try walkTree(enter: { v in
                let indent = String(repeating: " ", count: 2 * v.depth)
                if v.depth > 0 { out += "\n" + indent + "(" + v.name + "): " }
                let leaf = v.module.childModules.isEmpty
                let header = v.module.typeName + "(" + v.module.extraRepr + (leaf ? ")" : "")
                out += header.contains("\n") ? header.replacingOccurrences(of: "\n", with: "\n" + indent) : header
                if out.utf8.count > Arith.maxLength || Interrupt.requested { throw TreeCut() }
            }, leave: { v in
                if !v.module.childModules.isEmpty { out += "\n" + String(repeating: " ", count: 2 * v.depth) + ")" }
            })
        } catch {
            out += "\n..."
        }
        return out
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
        // A native module materializes its own subtree; model blocks around it are walked.
        try walkTree(enter: { v in
            if let n = v.module as? NativeModule { try n.module.materializeLazy(from: entries, prefix: prefix + v.prefix) }
        }, descend: { !($0.module is NativeModule) })
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
        t.method("modules", [], "m.modules(): the module itself and every descendant, depth first, each once.") { a, _ in
            .list(ListBox(try module(a).namedModules().map { .object($0.1) }))
        }
        t.method("named_modules", [Param("memo", default: Value.none), Param("prefix", .string, default: .string("")), Param("remove_duplicate", .bool, default: .bool(true))],
                 "m.named_modules(memo=none, prefix=\"\", remove_duplicate=true): (name, module) pairs of the module (named prefix, \"\" by default) and every descendant, depth first, each module once unless remove_duplicate is false.\n  for name, layer in model.named_modules() { print(name) }") { a, _ in
            guard a["memo"].isNone else { throw NativeError("named_modules: memo is not supported (leave it none)") }
            return .list(ListBox(try module(a).namedModules(prefix: a.string("prefix"), removeDuplicate: a.bool("remove_duplicate"))
                .map { .tuple([.string($0.0), .object($0.1)]) }))
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
            try m.walkTree(enter: { _ in }, leave: { v in _ = try rt.call(a["fn"], [.object(v.module)], keywords: []) })
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
        t.method("cpu", [], "m.cpu(): the module itself (vis runs on the CPU).") { a, _ in a["self"] }
        t.method("cuda", [Param("device", default: Value.none)], "m.cuda(device=none): an error: vis runs on the CPU only.") { _, _ in
            throw NativeError("cuda: vis runs on the CPU only (use model.to(device) with device \"cpu\")")
        }
        ModuleDTypeMembers.add(to: t)
        return t
    }()
}
