import VisNN
import VisTensor

/// PyTorch's ways of registering and finding a module's members by name:
/// `register_parameter`, `register_buffer(name, tensor, persistent=true)`,
/// `add_module` / `register_module`, `get_submodule`, `get_parameter`, `get_buffer`,
/// and `m.__class__` (the type name, as `type(m)` gives in vis). Errors are
/// PyTorch's, with their exception kinds.
enum ModuleRegistration {
    /// The checks PyTorch makes on a new member's name (`what` is "buffer",
    /// "parameter" or "module"): a string, not empty, without a dot.
    static func checkName(_ name: String, _ what: String) throws {
        guard !name.isEmpty else { throw NativeError("\(what) name can't be empty string \"\"", kind: .keyError) }
        guard !name.contains(".") else {
            throw NativeError(what == "module" ? "module name can't contain \".\", got: \(name)" : "\(what) name can't contain \".\"", kind: .keyError)
        }
    }

    /// The model block `m` is, or the error saying a native layer's members are fixed.
    static func model(_ m: ModuleObject, _ fn: String) throws -> ModelInstance {
        guard let inst = m as? ModelInstance else {
            throw NativeError("\(fn): vis's \(m.typeName) is a native layer with a fixed set of parameters and buffers; register it on a model block instead", kind: .typeError)
        }
        return inst
    }

    /// True when `name` is an attribute of `m` that is not of the kind being
    /// registered (PyTorch: "attribute 'x' already exists").
    static func exists(_ m: ModelInstance, _ name: String, except keep: (Value) -> Bool) -> Bool {
        if m.hasMethod(name) { return true }
        guard let v = m.field(name) else { return false }
        return !keep(v)
    }

    /// The child named `name` of `m`, if any.
    static func child(_ m: ModuleObject, _ name: String) -> ModuleObject? { m.childModules.first { $0.0 == name }?.1 }

    /// The module at a dotted path (`"features.0"`; `""` is `m` itself), with
    /// PyTorch's errors.
    static func submodule(_ m: ModuleObject, _ target: String) throws -> ModuleObject {
        if target.isEmpty { return m }
        var cur = m
        for atom in target.split(separator: ".", omittingEmptySubsequences: false).map(String.init) {
            if let c = child(cur, atom) { cur = c; continue }
            if (try? cur.member(atom)) ?? nil != nil { throw NativeError("`\(atom)` is not an nn.Module", kind: .attributeError) }
            throw NativeError("\(cur.typeName) has no attribute `\(atom)`", kind: .attributeError)
        }
        return cur
    }

    /// The tensor at a dotted path whose last part names a parameter (or buffer) of the
    /// module the rest names.
    static func tensor(_ m: ModuleObject, _ target: String, buffer: Bool) throws -> Tensor {
        let parts = target.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let owner = try submodule(m, parts.dropLast().joined(separator: "."))
        let name = parts.last ?? ""
        let own = buffer ? owner.ownBuffers : owner.ownParameters
        if let t = own.first(where: { $0.0 == name })?.1 { return t }
        if (try? owner.member(name)) ?? nil != nil { throw NativeError("`\(name)` is not \(buffer ? "a buffer" : "an nn.Parameter")", kind: .attributeError) }
        throw NativeError("\(owner.typeName) has no attribute `\(name)`", kind: .attributeError)
    }

    static func add(to t: MemberTable) {
        func module(_ a: BoundArguments) throws -> ModuleObject { try a.object("self", ModuleObject.self) }
        t.attribute("__class__", of: ModuleObject.self, "m.__class__: the module's type name, as type(m) gives it in vis (so m.__class__.__name__ is \"Conv2d\").",
                    get: { .string($0.typeName) })
        t.method("register_buffer", [Param("name", .string), Param("tensor"), Param("persistent", .bool, default: .bool(true))],
                 "m.register_buffer(name, tensor, persistent=true): registers a tensor (not a parameter) as the field name: it is in buffers() and, unless persistent is false, in state_dict().\n  self.register_buffer(\"running_mean\", torch.zeros(16))") { a, _ in
            let m = try model(module(a), "register_buffer")
            let name = try a.string("name")
            try checkName(name, "buffer")
            guard a["tensor"].isNone || { if case .tensor = a["tensor"] { return true } else { return false } }() else {
                throw NativeError("cannot assign '\(a["tensor"].typeName)' object to buffer '\(name)' (torch Tensor or None required)", kind: .typeError)
            }
            if exists(m, name, except: { _ in m.bufferNames.contains(name) }) {
                throw NativeError("attribute '\(name)' already exists", kind: .keyError)
            }
            m.registerBuffer(name, a["tensor"], persistent: try a.bool("persistent"))
            return .none
        }
        t.method("register_parameter", [Param("name", .string), Param("param")],
                 "m.register_parameter(name, param): registers a parameter (made by Parameter(...), or a leaf that requires grad) as the field name; none registers nothing.\n  self.register_parameter(\"scale\", nn.Parameter(torch.ones(1)))") { a, _ in
            let m = try model(module(a), "register_parameter")
            let name = try a.string("name")
            try checkName(name, "parameter")
            if exists(m, name, except: { if case .tensor = $0 { return !m.bufferNames.contains(name) } else { return $0.isNone } }) {
                throw NativeError("attribute '\(name)' already exists", kind: .keyError)
            }
            switch a["param"] {
            case .none: break
            case .tensor(let p) where p.isParameter || (p.requiresGrad && p.isLeaf): p.isParameter = true
            case .tensor(let p):
                throw NativeError("cannot assign '\(p.requiresGrad ? "non-leaf tensor" : "tensor")' object to parameter '\(name)' (nn.Parameter or none required)", kind: .typeError)
            default:
                throw NativeError("cannot assign '\(a["param"].typeName)' object to parameter '\(name)' (nn.Parameter or none required)", kind: .typeError)
            }
            try m.setField(name, a["param"])
            return .none
        }
        for fn in ["add_module", "register_module"] {
            t.method(fn, [Param("name", .string), Param("module")],
                     "m.\(fn)(name, module): adds a child module under name (replacing a child of that name); on a Sequential or ModuleDict, adds it at the end.\n  net.\(fn)(\"head\", nn.Linear(64, 10))") { a, rt in
                let m = try module(a)
                let name = try a.string("name")
                try checkName(name, "module")
                guard a["module"].isNone || { if case .object(is ModuleObject) = a["module"] { return true } else { return false } }() else {
                    throw NativeError("\(a["module"].typeName) is not a Module subclass", kind: .typeError)
                }
                if let n = m as? NativeModule {
                    guard case .object(let o as ModuleObject) = a["module"] else { throw NativeError("\(fn): vis's containers hold modules, not none", kind: .typeError) }
                    let child = NNBuiltins.nativeModule(o, runtime: rt)
                    switch n.module {
                    case let s as Sequential: s.addModule(name, child)
                    case let d as ModuleDict: d.set(name, child)
                    default: throw NativeError("\(fn): vis's \(n.typeName) is a native layer with a fixed set of children; add modules to a model block or a Sequential", kind: .typeError)
                    }
                    return .none
                }
                let inst = try model(m, fn)
                if exists(inst, name, except: { v in if case .object(is ModuleObject) = v { return true } else { return false } }) {
                    throw NativeError("attribute '\(name)' already exists", kind: .keyError)
                }
                try inst.setField(name, a["module"])
                return .none
            }
        }
        t.method("get_submodule", [Param("target", .string)],
                 "m.get_submodule(target): the module at a dotted path (\"features.0\"; \"\" is m itself).\n  conv = net.get_submodule(\"features.0\")") { a, _ in
            .object(try submodule(module(a), a.string("target")))
        }
        t.method("get_parameter", [Param("target", .string)],
                 "m.get_parameter(target): the parameter at a dotted path (\"features.0.weight\").\n  w = net.get_parameter(\"fc.weight\")") { a, _ in
            .tensor(try tensor(module(a), a.string("target"), buffer: false))
        }
        t.method("get_buffer", [Param("target", .string)],
                 "m.get_buffer(target): the buffer at a dotted path (\"bn.running_mean\").\n  rm = net.get_buffer(\"bn1.running_mean\")") { a, _ in
            .tensor(try tensor(module(a), a.string("target"), buffer: true))
        }
    }
}
