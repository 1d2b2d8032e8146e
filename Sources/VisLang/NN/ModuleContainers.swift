import VisNN
import VisTensor

/// Editing PyTorch's containers as PyTorch does: `Sequential` and `ModuleList`
/// indexed with ints (negative from the end) and slices (a container of the same
/// type sharing the modules; a Sequential slice keeps its layers' names), item
/// assignment (`model.classifier[6] = Linear(4096, 3)`), `del seq[i]` / `del seq[a:b]`
/// (the rest numbered 0, 1, ... again), `append`, `extend`, `insert`, `pop`, `len`,
/// iteration and `in`; `ModuleDict` by key with `keys`, `values`, `items`, `update`,
/// `pop`, `clear`, iterating over its keys. Other layers cannot be indexed.
enum ModuleContainers {
    /// `'Linear' object is not subscriptable`, PyTorch's TypeError for a layer that is no container.
    static func notSubscriptable(_ m: Module) -> NativeError {
        NativeError("'\(m.typeName)' object is not subscriptable", kind: .typeError)
    }

    /// A position in a container of `count` from an int index (negative from the end).
    static func position(_ v: Value, count: Int, _ kind: String) throws -> Int {
        guard let i = try Subscript.indexInt(v) else {
            throw NativeError("'\(v.typeName)' object cannot be interpreted as an integer (\(kind) indices are ints or slices)", kind: .typeError)
        }
        let j = i < 0 ? i + count : i
        guard j >= 0 && j < count else { throw NativeError("\(kind): index \(i) is out of range (length \(count))", kind: .indexError) }
        return j
    }

    /// A ModuleDict key.
    static func key(_ v: Value) throws -> String {
        guard case .string(let s) = v else { throw NativeError("ModuleDict keys are strings, got \(v.typeName)", kind: .typeError) }
        return s
    }

    /// PyTorch's KeyError for a missing ModuleDict key, with the keys there are.
    static func missing(_ d: ModuleDict, _ k: String) -> NativeError {
        NativeError("ModuleDict has no key '\(k)' (keys: \(d.entries.map { "'\($0.0)'" }.joined(separator: ", ")))", kind: .keyError)
    }

    /// A module value as a native module, with PyTorch's error for anything else.
    static func child(_ v: Value, _ name: String) throws -> Module {
        switch v {
        case .object(let n as NativeModule): return n.module
        // A model block runs its forward through its own interpreter.
        case .object(let i as ModelInstance): return ModelModule(i, runtime: i.interpreter)
        default: throw NativeError("cannot assign '\(v.typeName)' as child module '\(name)' (nn.Module expected)", kind: .typeError)
        }
    }

    /// `m[part]`.
    static func get(_ m: Module, _ part: SubscriptPart) throws -> Value {
        switch (m, part) {
        case (let s as Sequential, .value(let v)):
            return NNBuiltins.value(s.layers[try position(v, count: s.layers.count, "Sequential")])
        case (let s as Sequential, .slice(let a, let b, let c)):
            let idx = try Subscript.sliceIndices(a, b, c, count: s.layers.count)
            return NNBuiltins.value(Sequential(idx.map { s.layers[$0] }, names: idx.map { s.names[$0] }))
        case (let l as ModuleList, .value(let v)):
            return NNBuiltins.value(l.items[try position(v, count: l.items.count, "ModuleList")])
        case (let l as ModuleList, .slice(let a, let b, let c)):
            return NNBuiltins.value(ModuleList(try Subscript.sliceIndices(a, b, c, count: l.items.count).map { l.items[$0] }))
        case (let d as ModuleDict, .value(let v)):
            let k = try key(v)
            guard let c = d.get(k) else { throw missing(d, k) }
            return NNBuiltins.value(c)
        case (is ModuleDict, _): throw NativeError("ModuleDict keys are strings, not slices", kind: .typeError)
        case (is Sequential, .ellipsis), (is ModuleList, .ellipsis): throw NativeError("\(m.typeName) indices are ints or slices, not ...", kind: .typeError)
        default: throw notSubscriptable(m)
        }
    }

    /// `m[part] = value`.
    static func set(_ m: Module, _ part: SubscriptPart, _ value: Value) throws {
        switch (m, part) {
        case (let s as Sequential, .value(let v)):
            let i = try position(v, count: s.layers.count, "Sequential")
            s.replace(at: i, with: try child(value, s.names[i]))
        case (let l as ModuleList, .value(let v)):
            let i = try position(v, count: l.items.count, "ModuleList")
            l.replace(at: i, with: try child(value, String(i)))
        case (let d as ModuleDict, .value(let v)):
            let k = try key(v)
            d.set(k, try child(value, k))
        case (is Sequential, _), (is ModuleList, _), (is ModuleDict, _):
            throw NativeError("\(m.typeName) takes one module at an int index (or a string key); assign slices one by one", kind: .typeError)
        default:
            throw NativeError("'\(m.typeName)' object does not support item assignment", kind: .typeError)
        }
    }

    /// `del m[part]`.
    static func delete(_ m: Module, _ part: SubscriptPart) throws {
        switch (m, part) {
        case (let s as Sequential, .value(let v)): s.remove(at: [try position(v, count: s.layers.count, "Sequential")])
        case (let s as Sequential, .slice(let a, let b, let c)): s.remove(at: Set(try Subscript.sliceIndices(a, b, c, count: s.layers.count)))
        case (let l as ModuleList, .value(let v)): l.remove(at: [try position(v, count: l.items.count, "ModuleList")])
        case (let l as ModuleList, .slice(let a, let b, let c)): l.remove(at: Set(try Subscript.sliceIndices(a, b, c, count: l.items.count)))
        case (let d as ModuleDict, .value(let v)):
            let k = try key(v)
            guard d.remove(k) != nil else { throw missing(d, k) }
        default:
            throw NativeError("'\(m.typeName)' object doesn't support item deletion", kind: .typeError)
        }
    }

    /// `x in m`: a module among a Sequential's or ModuleList's children (by identity,
    /// as PyTorch's modules compare), a key of a ModuleDict.
    static func contains(_ m: Module, _ x: Value) throws -> Bool {
        switch m {
        case let d as ModuleDict:
            guard case .string(let k) = x else { return false }
            return d.get(k) != nil
        case is Sequential, is ModuleList:
            switch x {
            case .object(let n as NativeModule): return m.children.contains { $0.1 === n.module }
            case .object(let i as ModelInstance): return m.children.contains { ($0.1 as? ModelModule)?.instance === i }
            default: return false
            }
        default:
            throw NativeError("argument of type '\(m.typeName)' is not iterable", kind: .typeError)
        }
    }

    /// The modules of an iterable value (for `extend` / `update`).
    static func modules(_ v: Value, _ fn: String, _ rt: Runtime) throws -> [Module] {
        try Iteration.elements(v).enumerated().map { try NNBuiltins.module($0.element, "\(fn): element \($0.offset)", runtime: rt) }
    }

    /// A bound container method, or nil where `m` has no method `name`.
    static func member(_ m: Module, _ name: String, _ selfValue: @escaping () -> Value) -> Value? {
        func method(_ params: [Param], _ doc: String, _ body: @escaping (BoundArguments, Runtime) throws -> Value) -> Value {
            .function(NativeFunction(name, params, doc: doc, body))
        }
        switch (m, name) {
        case (let s as Sequential, "append"):
            return method([Param("module")], "seq.append(module): adds a layer at the end; returns the Sequential.") { a, rt in
                s.append(try NNBuiltins.module(a["module"], "append: module", runtime: rt))
                return selfValue()
            }
        case (let l as ModuleList, "append"):
            return method([Param("module")], "list.append(module): adds a module at the end; returns the ModuleList.") { a, rt in
                l.append(try NNBuiltins.module(a["module"], "append: module", runtime: rt))
                return selfValue()
            }
        case (let s as Sequential, "extend"):
            return method([Param("sequential")], "seq.extend(modules): appends each module of an iterable; returns the Sequential.") { a, rt in
                for c in try modules(a["sequential"], "extend", rt) { s.append(c) }
                return selfValue()
            }
        case (let l as ModuleList, "extend"):
            return method([Param("modules")], "list.extend(modules): appends each module of an iterable; returns the ModuleList.") { a, rt in
                for c in try modules(a["modules"], "extend", rt) { l.append(c) }
                return selfValue()
            }
        case (let s as Sequential, "insert"):
            return method([Param("index", .int), Param("module")], "seq.insert(index, module): puts a layer before position index (negative from the end); returns the Sequential.") { a, rt in
                let n = s.layers.count, i = try a.int("index")
                guard -n <= i && i <= n else { throw NativeError("Index out of range: \(i)", kind: .indexError) }
                s.insert(try NNBuiltins.module(a["module"], "insert: module", runtime: rt), at: i < 0 ? i + n : i)
                return selfValue()
            }
        case (let l as ModuleList, "insert"):
            return method([Param("index", .int), Param("module")], "list.insert(index, module): puts a module before position index (0 <= index <= len).") { a, rt in
                let n = l.items.count, i = try a.int("index")
                // PyTorch's ModuleList.insert misplaces negative or too large indices; vis refuses them.
                guard 0 <= i && i <= n else { throw NativeError("ModuleList.insert: index must be in 0...\(n), got \(i)", kind: .indexError) }
                l.insert(try NNBuiltins.module(a["module"], "insert: module", runtime: rt), at: i)
                return .none
            }
        case (is Sequential, "pop"), (is ModuleList, "pop"):
            return method([Param("key")], "\(m.typeName == "Sequential" ? "seq" : "list").pop(key): removes the module at index key (negative from the end) and returns it; the rest are numbered 0, 1, ... again.") { a, _ in
                let part = SubscriptPart.value(a["key"])
                let v = try get(m, part)
                try delete(m, part)
                return v
            }
        case (let d as ModuleDict, "keys"):
            return method([], "d.keys(): the keys, in insertion order.") { _, _ in .list(ListBox(d.entries.map { .string($0.0) })) }
        case (let d as ModuleDict, "values"):
            return method([], "d.values(): the modules, in insertion order.") { _, _ in .list(ListBox(d.entries.map { NNBuiltins.value($0.1) })) }
        case (let d as ModuleDict, "items"):
            return method([], "d.items(): (key, module) pairs, in insertion order.") { _, _ in
                .list(ListBox(d.entries.map { .tuple([.string($0.0), NNBuiltins.value($0.1)]) }))
            }
        case (let d as ModuleDict, "pop"):
            return method([Param("key", .string)], "d.pop(key): removes key and returns its module.") { a, _ in
                let k = try a.string("key")
                guard let c = d.remove(k) else { throw missing(d, k) }
                return NNBuiltins.value(c)
            }
        case (let d as ModuleDict, "clear"):
            return method([], "d.clear(): removes every module.") { _, _ in d.clear(); return .none }
        case (let d as ModuleDict, "update"):
            return method([Param("modules")], "d.update(modules): sets every key of a dict (or (key, module) pairs) of modules.") { a, rt in
                for (k, v) in try pairs(a["modules"], "update") { d.set(k, try child(v, k)) }
                return .none
            }
        default: return nil
        }
    }

    /// (key, value) pairs of a dict or of an iterable of pairs.
    static func pairs(_ v: Value, _ fn: String) throws -> [(String, Value)] {
        if case .dict(let d) = v { return try d.pairs.map { (try key($0.0.value), $0.1) } }
        return try Iteration.elements(v).map { p in
            let kv = try Iteration.elements(p)
            guard kv.count == 2 else { throw NativeError("\(fn): expected (key, module) pairs, got an element of length \(kv.count)", kind: .valueError) }
            return (try key(kv[0]), kv[1])
        }
    }
}
