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
    /// Names of own buffers left out of the state dict (`register_buffer(..., persistent=false)`).
    var nonPersistentBuffers: Set<String> { get }
}

extension ModuleObject {
    /// Native layers keep every buffer in the state dict.
    public var nonPersistentBuffers: Set<String> { [] }
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

    /// Visits each module of the tree once, as PyTorch's `named_modules(memo)` does:
    /// a module met again under another name (a backbone stored in two fields) is
    /// skipped with its whole subtree. With `removeDuplicate: false`, every occurrence
    /// is visited (only cycles are cut).
    public func walkUnique(removeDuplicate: Bool = true, _ enter: (ModuleVisit) throws -> Void) rethrows {
        var seen = Set<ObjectIdentifier>()
        // Wrappers of native layers are made on demand and may be freed once visited;
        // keeping every visited one alive means no later wrapper reuses its address
        // (which would look like a module seen before).
        var visited: [ModuleObject] = []
        var duplicate = false
        try walkTree(enter: { v in
            visited.append(v.module)
            duplicate = removeDuplicate && !seen.insert(Self.identity(v.module)).inserted
            if !duplicate { try enter(v) }
        }, descend: { _ in !duplicate })
        withExtendedLifetime(visited) {}
    }

    /// What makes two modules the same one: the native layer a wrapper stands for, or
    /// the object itself.
    static func identity(_ m: ModuleObject) -> ObjectIdentifier {
        if let n = m as? NativeModule { return ObjectIdentifier(n.module) }
        return ObjectIdentifier(m)
    }

    /// Named tensors from `own` of every module, each module and each tensor once
    /// unless `removeDuplicate` is false (PyTorch's `_named_members`).
    func namedMembers(prefix: String, removeDuplicate: Bool, _ own: (ModuleObject) -> [(String, Tensor)]) -> [(String, Tensor)] {
        var out: [(String, Tensor)] = []
        var seen = Set<ObjectIdentifier>()
        walkUnique(removeDuplicate: removeDuplicate) { v in
            for (n, t) in own(v.module) where !removeDuplicate || seen.insert(ObjectIdentifier(t)).inserted {
                out.append((prefix + v.prefix + n, t))
            }
        }
        return out
    }

    /// Every parameter with its dotted name, depth first in registration order; a
    /// parameter (or module) held twice is listed once under its first name, as
    /// PyTorch's `named_parameters(remove_duplicate=True)`, so an optimizer takes it once.
    public func namedParameters(prefix: String = "", removeDuplicate: Bool = true) -> [(String, Tensor)] {
        namedMembers(prefix: prefix, removeDuplicate: removeDuplicate) { $0.ownParameters }
    }

    /// Every buffer with its dotted name, each once (as `namedParameters`).
    public func namedBuffers(prefix: String = "", removeDuplicate: Bool = true) -> [(String, Tensor)] {
        namedMembers(prefix: prefix, removeDuplicate: removeDuplicate) { $0.ownBuffers }
    }

    /// The direct children, each module once under its first name (PyTorch's
    /// `named_children`).
    public var uniqueChildren: [(String, ModuleObject)] {
        var seen = Set<ObjectIdentifier>()
        return childModules.filter { seen.insert(Self.identity($0.1)).inserted }
    }

    /// Parameters and buffers by name, PyTorch's `state_dict()` order (each module's
    /// parameters, then its buffers, then its children). Not de-duplicated: a module
    /// or tensor held under two names has both keys, as in PyTorch.
    public func stateEntries(prefix: String = "") -> [(String, Tensor)] {
        var out: [(String, Tensor)] = []
        walkTree { v in
            for (n, t) in v.module.ownParameters { out.append((prefix + v.prefix + n, t)) }
            let skip = v.module.nonPersistentBuffers
            for (n, t) in v.module.ownBuffers where !skip.contains(n) { out.append((prefix + v.prefix + n, t)) }
        }
        return out
    }

    /// Every module with its dotted name ("" for this one), each module once (a module
    /// registered twice keeps its first name), as PyTorch's `named_modules()`.
    public func namedModules(prefix: String = "", removeDuplicate: Bool = true) -> [(String, ModuleObject)] {
        var out: [(String, ModuleObject)] = []
        walkUnique(removeDuplicate: removeDuplicate) { v in
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
        /// `recurse=false` lists the module's own tensors only.
        func members(_ a: BoundArguments, _ own: @escaping (ModuleObject) -> [(String, Tensor)], prefix: String = "", removeDuplicate: Bool = true) throws -> [(String, Tensor)] {
            let m = try module(a)
            if try a.bool("recurse") { return m.namedMembers(prefix: prefix, removeDuplicate: removeDuplicate, own) }
            var seen = Set<ObjectIdentifier>()
            return own(m).filter { !removeDuplicate || seen.insert(ObjectIdentifier($0.1)).inserted }.map { (prefix + $0.0, $0.1) }
        }
        let recurse = Param("recurse", .bool, default: .bool(true))
        let named = [Param("prefix", .string, default: .string("")), recurse, Param("remove_duplicate", .bool, default: .bool(true))]
        /// PyTorch's prefix joins with a dot: prefix "net" names "net.fc.weight".
        func dotted(_ a: BoundArguments) throws -> String { let p = try a.string("prefix"); return p.isEmpty ? "" : p + "." }
        t.method("parameters", [recurse], "m.parameters(recurse=true): every parameter tensor of the module and its children (only its own with recurse=false), in registration order, each once even when two fields hold it (what an optimizer takes).\n  opt = SGD(net.parameters(), lr=0.1)") { a, _ in
            .list(ListBox(try members(a, { $0.ownParameters }).map { .tensor($0.1) }))
        }
        t.method("named_parameters", named, "m.named_parameters(prefix=\"\", recurse=true, remove_duplicate=true): (name, tensor) pairs with PyTorch's dotted names (features.0.weight); a parameter or module held twice keeps its first name unless remove_duplicate is false.\n  for name, p in net.named_parameters() { print(name, p.shape) }") { a, _ in
            .list(ListBox(try members(a, { $0.ownParameters }, prefix: dotted(a), removeDuplicate: a.bool("remove_duplicate")).map { .tuple([.string($0.0), .tensor($0.1)]) }))
        }
        t.method("buffers", [recurse], "m.buffers(recurse=true): the buffers (batch norm running statistics) of the module and its children, each once.") { a, _ in
            .list(ListBox(try members(a, { $0.ownBuffers }).map { .tensor($0.1) }))
        }
        t.method("named_buffers", named, "m.named_buffers(prefix=\"\", recurse=true, remove_duplicate=true): (name, tensor) pairs of the buffers (bn.running_mean).\n  for name, b in net.named_buffers() { print(name) }") { a, _ in
            .list(ListBox(try members(a, { $0.ownBuffers }, prefix: dotted(a), removeDuplicate: a.bool("remove_duplicate")).map { .tuple([.string($0.0), .tensor($0.1)]) }))
        }
        t.method("children", [], "m.children(): the direct child modules, in order, each once.") { a, _ in
            .list(ListBox(try module(a).uniqueChildren.map { .object($0.1) }))
        }
        t.method("named_children", [], "m.named_children(): (name, module) pairs of the direct children, each module once under its first name.") { a, _ in
            .list(ListBox(try module(a).uniqueChildren.map { .tuple([.string($0.0), .object($0.1)]) }))
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
        t.method("zero_grad", [Param("set_to_none", .bool, default: .bool(true))], "m.zero_grad(set_to_none=true): clears the gradient of every parameter: sets it to none, or with set_to_none=false fills it with zeros in place (PyTorch's defaults).\n  net.zero_grad()") { a, _ in
            let toNone = try a.bool("set_to_none")
            for (_, p) in try module(a).namedParameters() {
                guard let g = p.grad else { continue }
                if toNone { p.grad = nil } else { try withNoGrad { try g.fill(0) } }
            }
            return .none
        }
        t.method("requires_grad_", [Param("requires_grad", .bool, default: .bool(true))], "m.requires_grad_(requires_grad=true): sets requires_grad on every parameter (freezing the module with false); returns the module.\n  backbone.requires_grad_(false)") { a, _ in
            let m = try module(a)
            let on = try a.bool("requires_grad")
            for (_, p) in m.namedParameters() { try p.setRequiresGrad(on) }
            return .object(m)
        }
        t.method("apply", [Param("fn", .callable)], "m.apply(fn): calls fn on every child (children first, recursively), then on the module itself; returns the module.\n  net.apply(init_weights)") { a, rt in
            let m = try module(a)
            try m.walkTree(enter: { _ in }, leave: { v in _ = try rt.call(a["fn"], [.object(v.module)], keywords: []) })
            return .object(m)
        }
        t.method("state_dict", [Param("prefix", .string, default: .string("")), Param("keep_vars", .bool, default: .bool(false))],
                 "m.state_dict(prefix=\"\", keep_vars=false): a dict of every parameter and persistent buffer by PyTorch's key names, detached (the tensors themselves with keep_vars=true); a module held under two names has both keys, as in PyTorch.\n  sd = net.state_dict()") { a, _ in
            let keep = try a.bool("keep_vars")
            let prefix = try a.string("prefix")
            // An uninitialised parameter stays itself (detaching would give an empty
            // tensor that saves silently); PyTorch also returns it as it is.
            return .dict(DictBox(try module(a).stateEntries(prefix: prefix).map { (.string($0.0), .tensor(keep || $0.1.isUninitialized ? $0.1 : $0.1.detach())) }))
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
            let params = try module(a).namedParameters()
            // A lazy layer's uninitialised parameter has no size yet (PyTorch's numel() refuses it too).
            if let (name, t) = params.first(where: { $0.1.isUninitialized }) { throw UninitializedParameterError.make(t, "num_params: \(name)") }
            return .int(params.filter { !only || $0.1.requiresGrad }.reduce(0) { $0 + $1.1.count })
        }
        t.method("cpu", [], "m.cpu(): the module itself (vis runs on the CPU).") { a, _ in a["self"] }
        t.method("cuda", [Param("device", default: Value.none)], "m.cuda(device=none): an error: vis runs on the CPU only.") { _, _ in
            throw NativeError("cuda: vis runs on the CPU only (use model.to(device) with device \"cpu\")")
        }
        ModuleDTypeMembers.add(to: t)
        ModuleRegistration.add(to: t)
        ModuleHooks.add(to: t)
        return t
    }()
}
