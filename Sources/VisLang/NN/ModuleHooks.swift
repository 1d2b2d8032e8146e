import VisNN
import VisTensor

/// What `register_forward_hook` returns (PyTorch's `RemovableHandle`): `h.remove()`
/// unregisters the hook (again is harmless); `h.id` is its number.
final class RemovableHandle: NativeObject {
    let id: Int
    private var undo: (() -> Void)?
    init(id: Int, undo: @escaping () -> Void) {
        self.id = id
        self.undo = undo
    }
    var typeName: String { "RemovableHandle" }
    func member(_ name: String) throws -> Value? { nil }
    var memberNames: [String] { [] }
    var members: MemberTable? { RemovableHandle.table }
    var repr: String { "<RemovableHandle id=\(id)>" }

    /// Removes the hook once.
    func remove() {
        undo?()
        undo = nil
    }

    static let table: MemberTable = {
        let t = MemberTable("RemovableHandle")
        t.attribute("id", of: RemovableHandle.self, "h.id: the handle's number.", get: { .int($0.id) })
        t.method("remove", [], "h.remove(): unregisters the hook (removing it twice does nothing).\n  h = net.register_forward_hook(show); net(x); h.remove()") { a, _ in
            try a.object("self", RemovableHandle.self).remove()
            return .none
        }
        return t
    }()
}

/// `register_forward_pre_hook(hook)` and `register_forward_hook(hook)` on every
/// module, with PyTorch's calling convention: `hook(module, args)` before forward
/// (returning none, or new args: a tuple, or one value standing for a 1-tuple) and
/// `hook(module, args, output)` after it (returning none, or a new output). On a
/// native layer the hooks fire wherever it is called (also inside a Sequential),
/// with its one input tensor as args.
enum ModuleHooks {
    /// The native layer's hook list, made on first use.
    static func hooks(_ m: Module) -> ForwardHooks {
        if let h = m.forwardHooks { return h }
        let h = ForwardHooks()
        m.forwardHooks = h
        return h
    }

    /// The one tensor a native layer's pre-hook may return (a tensor or a 1-tuple of one).
    static func input(_ r: Value, _ layer: String) throws -> Tensor {
        if case .tuple(let items) = r {
            guard items.count == 1 else { throw NativeError("forward pre-hook of \(layer) returned \(items.count) inputs; vis's \(layer) takes one tensor") }
            return try Convert.tensor(items[0], context: "forward pre-hook of \(layer): the new input")
        }
        return try Convert.tensor(r, context: "forward pre-hook of \(layer): the new input")
    }

    /// The native layer whose calls the hooks watch; recurrent layers take a state
    /// besides the input and are called another way, so hooks on them are refused
    /// rather than silently never called.
    static func native(_ m: ModuleObject, _ fn: String) throws -> NativeModule {
        guard let n = m as? NativeModule else { throw NativeError("\(fn): \(m.typeName) is not called as one module (hook its layers instead)") }
        if n.module is LSTM || n.module is GRU { throw NativeError("\(fn): hooks on \(n.typeName) are not supported in vis (hook the layer that receives its output)") }
        return n
    }

    static func add(to t: MemberTable) {
        func module(_ a: BoundArguments) throws -> ModuleObject { try a.object("self", ModuleObject.self) }
        func noKwargs(_ a: BoundArguments, _ fn: String) throws {
            if try a.bool("with_kwargs") { throw NativeError("\(fn): with_kwargs=true is not supported in vis (hooks get the positional arguments only)") }
        }
        t.method("register_forward_pre_hook", [Param("hook", .callable), Param("prepend", .bool, default: .bool(false)), Param("with_kwargs", .bool, default: .bool(false))],
                 "m.register_forward_pre_hook(hook, prepend=false): calls hook(module, args) before every forward; a return other than none replaces the arguments (a tuple, or one value). Returns a handle whose remove() unregisters it.\n  h = net.register_forward_pre_hook(fn(m, args) { print(args[0].shape) })") { a, rt in
            try noKwargs(a, "register_forward_pre_hook")
            let m = try module(a), hook = a["hook"], prepend = try a.bool("prepend")
            if let inst = m as? ModelInstance {
                let id = ForwardHooks.makeID()
                if prepend { inst.preHooks.insert((id, hook), at: 0) } else { inst.preHooks.append((id, hook)) }
                return .object(RemovableHandle(id: id) { [weak inst] in inst?.preHooks.removeAll { $0.id == id } })
            }
            let n = try native(m, "register_forward_pre_hook")
            let list = hooks(n.module)
            let id = list.addPre(prepend: prepend) { [unowned rt] layer, x in
                let r = try rt.call(hook, [.object(NativeModule.wrap(layer)), .tuple([.tensor(x)])], keywords: [])
                return r.isNone ? nil : try input(r, layer.typeName)
            }
            return .object(RemovableHandle(id: id) { [weak list] in list?.remove(id) })
        }
        t.method("register_forward_hook", [Param("hook", .callable), Param("prepend", .bool, default: .bool(false)), Param("with_kwargs", .bool, default: .bool(false)),
                                           Param("always_call", .bool, default: .bool(false))],
                 "m.register_forward_hook(hook, prepend=false): calls hook(module, args, output) after every forward; a return other than none replaces the output. Returns a handle whose remove() unregisters it.\n  feats = {}; h = net.fc.register_forward_hook(fn(m, args, out) { feats[\"fc\"] = out })") { a, rt in
            try noKwargs(a, "register_forward_hook")
            if try a.bool("always_call") { throw NativeError("register_forward_hook: always_call=true is not supported in vis") }
            let m = try module(a), hook = a["hook"], prepend = try a.bool("prepend")
            if let inst = m as? ModelInstance {
                let id = ForwardHooks.makeID()
                if prepend { inst.postHooks.insert((id, hook), at: 0) } else { inst.postHooks.append((id, hook)) }
                return .object(RemovableHandle(id: id) { [weak inst] in inst?.postHooks.removeAll { $0.id == id } })
            }
            let n = try native(m, "register_forward_hook")
            let list = hooks(n.module)
            let id = list.addPost(prepend: prepend) { [unowned rt] layer, x, y in
                let r = try rt.call(hook, [.object(NativeModule.wrap(layer)), .tuple([.tensor(x)]), .tensor(y)], keywords: [])
                return r.isNone ? nil : try Convert.tensor(r, context: "forward hook of \(layer.typeName): the new output")
            }
            return .object(RemovableHandle(id: id) { [weak list] in list?.remove(id) })
        }
    }
}
