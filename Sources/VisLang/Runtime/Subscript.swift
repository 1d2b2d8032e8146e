import VisTensor

/// One component of a subscript as written: `i`, `a:b:c`, `...`, `none`, or a value
/// (int, tensor, list of ints) that indexes.
public enum SubscriptPart {
    case value(Value)
    case slice(start: Value, stop: Value, step: Value)
    case ellipsis
}

/// Indexing and slicing of values, read and write: lists, tuples, strings, dicts,
/// tensors (views, masks, index tensors) and indexable native objects.
public enum Subscript {
    static func int(_ v: Value, _ what: String) throws -> Int? {
        if v.isNone { return nil }
        guard let i = v.asInt else { throw NativeError("\(what) must be an int or none, got \(v.typeName)") }
        return i
    }

    /// Python slice bounds for a sequence of `count`: the indices it selects.
    static func sliceIndices(_ start: Value, _ stop: Value, _ step: Value, count: Int) throws -> [Int] {
        let st = try int(step, "slice step") ?? 1
        guard st != 0 else { throw NativeError("slice step cannot be zero") }
        func clamp(_ v: Int?, _ dflt: Int, lo: Int, hi: Int) -> Int {
            guard var x = v else { return dflt }
            if x < 0 { x += count }
            return Swift.min(Swift.max(x, lo), hi)
        }
        if st > 0 {
            let a = clamp(try int(start, "slice start"), 0, lo: 0, hi: count)
            let b = clamp(try int(stop, "slice stop"), count, lo: 0, hi: count)
            return a < b ? Array(stride(from: a, to: b, by: st)) : []
        }
        let a = clamp(try int(start, "slice start"), count - 1, lo: -1, hi: count - 1)
        let b = clamp(try int(stop, "slice stop"), -1, lo: -1, hi: count - 1)
        return a > b ? Array(stride(from: a, to: b, by: st)) : []
    }

    /// An index value as an Int: an int, a bool, or (as PyTorch's `__index__`) an
    /// integer tensor of one element, so `names[y[0]]` and `names[argmax(p)]` work.
    static func indexInt(_ v: Value) throws -> Int? {
        if let i = v.asInt { return i }
        guard case .tensor(let t) = v, t.count == 1, t.dtype == .int64 || t.dtype == .bool else { return nil }
        return try Convert.intItem(t)
    }

    static func position(_ v: Value, count: Int, _ kind: String) throws -> Int {
        guard let i = try indexInt(v) else {
            if case .tensor(let t) = v {
                throw NativeError("\(kind) indices must be ints or slices; a tensor index must be an integer tensor of one element, got \(t.dtype) of shape \(shapeString(t.shape))", kind: .typeError)
            }
            throw NativeError("\(kind) indices must be ints or slices, got \(v.typeName)")
        }
        let j = i < 0 ? i + count : i
        guard j >= 0 && j < count else { throw NativeError("\(kind) index \(i) out of range (length \(count))", kind: .indexError) }
        return j
    }

    /// `parts` with slice objects (what a model's `__getitem__` receives for `a:b`)
    /// turned back into slices, so `items[key]` inside `__getitem__` slices as written.
    static func unwrapSlices(_ parts: [SubscriptPart]) -> [SubscriptPart] {
        guard parts.contains(where: { if case .value(.object(is SliceObject)) = $0 { return true } else { return false } }) else { return parts }
        return parts.map { p in
            if case .value(.object(let s as SliceObject)) = p { return .slice(start: s.start, stop: s.stop, step: s.step) }
            return p
        }
    }

    /// `base[parts]`.
    public static func get(_ base: Value, _ rawParts: [SubscriptPart]) throws -> Value {
        let parts = unwrapSlices(rawParts)
        if case .tensor(let t) = base { return .tensor(try t.index(tensorIndices(parts))) }
        if case .object(let m as ModelInstance) = base { return try m.userGetItem(parts) }
        if case .object(let n as NativeModule) = base {
            guard parts.count == 1 else { throw NativeError("\(n.typeName) takes one index, got \(parts.count)") }
            return try ModuleContainers.get(n.module, parts[0])
        }
        guard parts.count == 1 else { throw NativeError("\(base.typeNameWithArticle) takes one index, got \(parts.count)") }
        let part = parts[0]
        if case .object(let o as MultiIndexObject) = base, let v = try o.multiIndex(part) { return v }
        switch (base, part) {
        case (.list(let l), .value(let v)): return l.items[try position(v, count: l.items.count, "list")]
        case (.list(let l), .slice(let a, let b, let c)): return .list(ListBox(try sliceIndices(a, b, c, count: l.items.count).map { l.items[$0] }))
        case (.tuple(let t), .value(let v)): return t[try position(v, count: t.count, "tuple")]
        case (.tuple(let t), .slice(let a, let b, let c)): return .tuple(try sliceIndices(a, b, c, count: t.count).map { t[$0] })
        case (.string(let s), .value(let v)):
            let chars = Array(s)
            return .string(String(chars[try position(v, count: chars.count, "string")]))
        case (.string(let s), .slice(let a, let b, let c)):
            let chars = Array(s)
            return .string(String(try sliceIndices(a, b, c, count: chars.count).map { chars[$0] }))
        case (.range(let r), .value(let v)): return .int(r.element(try position(v, count: r.count, "range")))
        case (.dict(let d), .value(let v)):
            guard let k = DictKey(v) else { throw NativeError("dict keys must be strings or ints, got \(v.typeName)") }
            guard let x = d[k] else { throw NativeError("key \(k) not found in dict", kind: .keyError) }
            return x
        case (.object(let o as KeyedObject), .value(let v)):
            return try o.item(v)
        case (.object(let o as IndexableObject), .value(let v)):
            return try o.element(at: position(v, count: o.length, o.typeName))
        default:
            throw NativeError("\(base.typeNameWithArticle) value cannot be indexed\(part.isSlice ? " with a slice" : "")")
        }
    }

    /// `base[parts] = value`.
    public static func set(_ base: Value, _ rawParts: [SubscriptPart], _ value: Value) throws {
        let parts = unwrapSlices(rawParts)
        switch base {
        case .object(let o as KeyedObject):
            guard parts.count == 1, case .value(let key) = parts[0] else { throw NativeError("\(o.typeName) takes one key") }
            try o.setItem(key, value)
        case .tensor(let t):
            try t.indexPut(tensorIndices(parts), Convert.tensor(value, context: "assigned value"))
        case .list(let l):
            guard parts.count == 1 else { throw NativeError("a list takes one index, got \(parts.count)") }
            switch parts[0] {
            case .value(let v): l.items[try position(v, count: l.items.count, "list")] = value
            case .slice(let a, let b, let c):
                let indices = try sliceIndices(a, b, c, count: l.items.count)
                let items = try Iteration.elements(value)
                if (try int(c, "slice step") ?? 1) == 1 {
                    let given = try int(a, "slice start") ?? 0
                    let lo = indices.first ?? Swift.min(Swift.max(given < 0 ? given + l.items.count : given, 0), l.items.count)
                    l.items.replaceSubrange(lo..<(lo + indices.count), with: items)
                } else {
                    guard items.count == indices.count else { throw NativeError("attempt to assign a sequence of size \(items.count) to an extended slice of size \(indices.count)") }
                    for (i, x) in zip(indices, items) { l.items[i] = x }
                }
            case .ellipsis: throw NativeError("a list cannot be indexed with ...")
            }
        case .dict(let d):
            guard parts.count == 1, case .value(let v) = parts[0] else { throw NativeError("a dict takes one key") }
            guard let k = DictKey(v) else { throw NativeError("dict keys must be strings or ints, got \(v.typeName)") }
            d[k] = value
        case .object(let m as ModelInstance):
            try m.userSetItem(parts, value)
        case .object(let n as NativeModule):
            guard parts.count == 1 else { throw NativeError("\(n.typeName) takes one index, got \(parts.count)") }
            try ModuleContainers.set(n.module, parts[0], value)
        default:
            throw NativeError("\(base.typeNameWithArticle) value does not support item assignment")
        }
    }

    /// The tensor index components for subscript parts.
    static func tensorIndices(_ parts: [SubscriptPart]) throws -> [TensorIndex] {
        try parts.map { part in
            switch part {
            case .ellipsis: return .ellipsis
            case .slice(let a, let b, let c):
                return .slice(start: try int(a, "slice start"), stop: try int(b, "slice stop"), step: try int(c, "slice step"))
            case .value(let v):
                switch v {
                case .none: return .newAxis
                case .int(let i): return .int(i)
                case .bool(let b): return .tensor(Tensor.scalar(b ? 1 : 0, dtype: .bool))
                case .tensor(let t): return .tensor(t)
                case .range(let r):
                    // x[range(a, b, c)] indexes with the list of its ints, as PyTorch does.
                    try Shape.validate([r.count], op: "index")
                    var ints = [Int64](repeating: 0, count: r.count)
                    for k in 0..<r.count {
                        if k & 0xFFFF == 0xFFFF { try Interrupt.check() }
                        ints[k] = Int64(r.element(k))
                    }
                    return .tensor(try Tensor(int64: ints))
                case .list, .tuple:
                    let t = try ListTensor.tensor(v, dtype: nil, context: "index")
                    return .tensor(t.dtype == .bool ? t : try t.to(.int64))
                default: throw NativeError("tensor indices must be ints, slices, ..., none, or int64/bool tensors, got \(v.typeName)")
                }
            }
        }
    }
}

extension SubscriptPart {
    var isSlice: Bool { if case .slice = self { return true } else { return false } }
}
