import VisTensor

/// Python's special methods on `model` instances (LANGUAGE.md "Models"): a model that
/// defines `__len__`, `__getitem__`, `__setitem__`, `__iter__`, `__next__`,
/// `__contains__`, `__bool__`, `__repr__` or `__str__` works with `len`, indexing,
/// `for`, `in`, truth tests and printing the way a Python class does. The runtime
/// (Iteration, Subscript, Repr, Value.truthy, len) asks these hooks first.
extension ModelInstance {
    /// Calls the special method `name` with `args` when the model defines it; nil when not.
    func callSpecial(_ name: String, _ args: [Value]) throws -> Value? {
        guard let m = method(name) else { return nil }
        return try m.bound(to: self).call(Arguments(args), interpreter)
    }

    /// `len(x)`: `__len__`, which must return an int >= 0.
    func userLength(_ context: String = "len()") throws -> Int {
        guard let v = try callSpecial("__len__", []) else { throw NativeError("\(context): \(typeName) has no __len__") }
        guard case .int(let n) = v else { throw NativeError("\(context): \(typeName).__len__ returned \(v.typeNameWithArticle), not an int") }
        guard n >= 0 else { throw NativeError("\(context): \(typeName).__len__ returned \(n); a length must be >= 0") }
        return n
    }

    /// The key `__getitem__` / `__setitem__` receive for `x[parts]`: an int or any value
    /// as written, a `slice` object for `a:b:c`, a tuple for `x[i, j]` (as in Python).
    static func key(_ parts: [SubscriptPart]) throws -> Value {
        func one(_ p: SubscriptPart) throws -> Value {
            switch p {
            case .value(let v): return v
            case .slice(let a, let b, let c): return .object(SliceObject(start: a, stop: b, step: c))
            case .ellipsis: throw NativeError("... cannot index a model; pass a value or a slice")
            }
        }
        if parts.count == 1 { return try one(parts[0]) }
        return .tuple(try parts.map(one))
    }

    /// `x[key]`: `__getitem__(key)`.
    func userGetItem(_ parts: [SubscriptPart]) throws -> Value {
        guard hasMethod("__getitem__") else { throw NativeError("\(typeName) has no __getitem__, so it cannot be indexed") }
        return try callSpecial("__getitem__", [ModelInstance.key(parts)]) ?? .none
    }

    /// `x[key] = value`: `__setitem__(key, value)`.
    func userSetItem(_ parts: [SubscriptPart], _ value: Value) throws {
        guard hasMethod("__setitem__") else { throw NativeError("\(typeName) has no __setitem__, so it does not support item assignment") }
        _ = try callSpecial("__setitem__", [ModelInstance.key(parts), value])
    }

    /// How many `__iter__` calls are in progress, nested (see `userIterator`). The
    /// interpreter is single-threaded, so one counter suffices.
    nonisolated(unsafe) static var iterNesting = 0

    /// True when `for` can walk the model: it has `__iter__`, or `__getitem__` with `__len__`.
    var isUserIterable: Bool { hasMethod("__iter__") || (hasMethod("__getitem__") && hasMethod("__len__")) }

    /// An iterator for `for x in model`. `__iter__` may return any iterable (a list, a
    /// generator-like model, a DataLoader) or an iterator model with `__next__`, which
    /// ends the loop by raising `StopIteration`. Without `__iter__`, a model with
    /// `__getitem__` and `__len__` is walked by index 0..<len (a dataset).
    func userIterator() throws -> ValueIterator {
        // `__iter__` may return another model whose `__iter__` returns another...: bound
        // the chain, which recurses natively, so a cycle is an error and not a crash.
        ModelInstance.iterNesting += 1
        defer { ModelInstance.iterNesting -= 1 }
        guard ModelInstance.iterNesting <= 100 else { throw NativeError("\(typeName).__iter__: iterables returning iterables nest more than 100 deep") }
        if let it = try callSpecial("__iter__", []) {
            if case .object(let m as ModelInstance) = it, m.hasMethod("__next__") { return UserIterator(m) }
            if case .object(let m as ModelInstance) = it, m === self {
                throw NativeError("\(typeName).__iter__ returned the model itself, which has no __next__")
            }
            guard Iteration.isIterable(it) else { throw NativeError("\(typeName).__iter__ returned \(it.typeNameWithArticle), which is not iterable") }
            return try Iteration.iterator(it)
        }
        if hasMethod("__next__") { return UserIterator(self) }
        guard hasMethod("__getitem__") else { throw NativeError("\(typeName) is not iterable: it has no __iter__ (or __getitem__ and __len__)") }
        guard hasMethod("__len__") else { throw NativeError("\(typeName) is not iterable: it has __getitem__ but no __len__ to say where to stop") }
        let n = try userLength("iteration")
        var i = 0
        return ClosureIterator { [self] in
            guard i < n else { return nil }
            defer { i += 1 }
            return try self.callSpecial("__getitem__", [.int(i)]) ?? .none
        }
    }

    /// `x in model`: `__contains__`, else a walk comparing with `==`.
    func userContains(_ x: Value) throws -> Bool {
        if let v = try callSpecial("__contains__", [x]) { return try v.truthy() }
        guard isUserIterable else { throw NativeError("'in': \(typeName) has no __contains__ (nor __iter__, or __getitem__ and __len__)") }
        let it = try userIterator()
        while let y = try it.next() {
            try interpreter.checkInterrupt()
            if try ValueOps.equal(y, x) { return true }
        }
        return false
    }

    /// Truth: `__bool__` (which must return a bool), else `__len__() != 0`, else true.
    func userTruthy() throws -> Bool {
        if let v = try callSpecial("__bool__", []) {
            guard case .bool(let b) = v else { throw NativeError("\(typeName).__bool__ returned \(v.typeNameWithArticle), not a bool") }
            return b
        }
        if hasMethod("__len__") { return try userLength("truth value") != 0 }
        return true
    }

    /// The printed form: `__str__` for `print`/`str`/f-strings (falling back to
    /// `__repr__`), `__repr__` for display and containers; the module tree otherwise.
    func userRepr(str: Bool) throws -> String {
        for name in str ? ["__str__", "__repr__"] : ["__repr__"] {
            if let v = try callSpecial(name, []) {
                guard case .string(let s) = v else { throw NativeError("\(typeName).\(name) returned \(v.typeNameWithArticle), not a string") }
                return s
            }
        }
        return repr
    }
}

/// Walks an iterator model: `__next__()` until it raises `StopIteration`.
final class UserIterator: ValueIterator {
    let model: ModelInstance
    init(_ model: ModelInstance) { self.model = model }
    func next() throws -> Value? {
        try model.interpreter.checkInterrupt()
        return try UserIterator.advance(model)
    }

    /// The next value of an iterator model: its `__next__()`, or nil when that raises
    /// StopIteration, which ends the iteration as in Python.
    static func advance(_ model: ModelInstance) throws -> Value? {
        do {
            guard let v = try model.callSpecial("__next__", []) else { throw NativeError("\(model.typeName) has no __next__") }
            return v
        } catch let e as RuntimeError where e.kind == .stopIteration {
            return nil
        } catch let e as NativeError where e.kind == .stopIteration {
            return nil
        }
    }
}

/// `a:b:c` as `__getitem__` receives it (Python's slice object): `.start`, `.stop`,
/// `.step` (none where omitted) and `.indices(length)`, which gives the
/// `(start, stop, step)` the slice selects from a sequence of that length, as Python's.
public final class SliceObject: NativeObject {
    public let start: Value, stop: Value, step: Value
    public init(start: Value, stop: Value, step: Value) {
        self.start = start
        self.stop = stop
        self.step = step
    }
    public var typeName: String { "slice" }
    public func member(_ name: String) throws -> Value? { nil }
    public var memberNames: [String] { [] }
    public var members: MemberTable? { SliceObject.table }

    /// A slice's members: `start`, `stop`, `step`, `indices(length)`.
    static let table: MemberTable = {
        let t = MemberTable("slice")
        t.attribute("start", of: SliceObject.self, "s.start: the slice's start, or none.", get: { $0.start })
        t.attribute("stop", of: SliceObject.self, "s.stop: the slice's stop, or none.", get: { $0.stop })
        t.attribute("step", of: SliceObject.self, "s.step: the slice's step, or none.", get: { $0.step })
        t.method("indices", [Param("length", .int)],
                 "s.indices(length): (start, stop, step) of the slice clamped to a sequence of that length, as Python's.") { a, _ in
            try indices(a.object("self", SliceObject.self), length: a.int("length"))
        }
        return t
    }()
    public var repr: String { "slice(\(Repr.repr(start)), \(Repr.repr(stop)), \(Repr.repr(step)))" }

    /// `s.indices(length)`: `(start, stop, step)` clamped to a sequence of that length
    /// (CPython's PySlice_GetIndices), so `range(start, stop, step)` walks the positions.
    static func indices(_ s: SliceObject, length n: Int) throws -> Value {
        guard n >= 0 else { throw NativeError("indices: length should not be negative, got \(n)") }
        let step = try Subscript.int(s.step, "slice step") ?? 1
        guard step != 0 else { throw NativeError("slice step cannot be zero") }
        let lower = step < 0 ? -1 : 0, upper = step < 0 ? n - 1 : n
        func clamp(_ v: Value, _ dflt: Int, _ what: String) throws -> Int {
            guard var x = try Subscript.int(v, what) else { return dflt }
            if x < 0 { x = x < -n ? lower : x + n }  // no overflow: -n <= x < 0 here
            return Swift.min(Swift.max(x, lower), upper)
        }
        let start = try clamp(s.start, step < 0 ? upper : lower, "slice start")
        let stop = try clamp(s.stop, step < 0 ? lower : upper, "slice stop")
        return .tuple([.int(start), .int(stop), .int(step)])
    }
}
