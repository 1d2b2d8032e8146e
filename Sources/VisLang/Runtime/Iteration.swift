import VisTensor

/// A stream of values for `for` loops and the natives that consume iterables.
public protocol ValueIterator: AnyObject {
    /// The next value, or nil at the end.
    func next() throws -> Value?
}

/// A native object that can be iterated (datasets, loaders, enumerate/zip results).
public protocol IterableObject: NativeObject {
    /// A fresh iterator over the object.
    func makeIterator() throws -> ValueIterator
}

/// A native object with a length (`len(x)`) and indexing (`x[i]`), such as a dataset.
public protocol IndexableObject: NativeObject {
    var length: Int { get }
    func element(at index: Int) throws -> Value
}

/// A native object whose length is computed by code that may fail (a loader over a
/// dataset written in .vis asks its `__len__`): `len(x)`.
public protocol SizedObject: NativeObject {
    func size() throws -> Int
}

/// Iterators over the built-in value kinds.
public enum Iteration {
    /// An iterator over any iterable value: list, tuple, string (characters), dict
    /// (keys), range, tensor (along dim 0), iterable native objects, and models with
    /// `__iter__` (or `__getitem__` and `__len__`).
    public static func iterator(_ v: Value) throws -> ValueIterator {
        switch v {
        case .list(let l): return IndexIterator(count: { l.items.count }) { l.items[$0] }
        case .tuple(let t): return IndexIterator(count: { t.count }) { t[$0] }
        case .string(let s):
            let chars = s.map { Value.string(String($0)) }
            return IndexIterator(count: { chars.count }) { chars[$0] }
        case .dict(let d):
            let keys = d.keys
            return IndexIterator(count: { keys.count }) { keys[$0].value }
        case .range(let r): return IndexIterator(count: { r.count }) { .int(r.element($0)) }
        case .tensor(let t):
            guard t.ndim > 0 else { throw NativeError("iteration over a 0-d tensor (it has no dimension to iterate over)") }
            return IndexIterator(count: { t.shape[0] }) { .tensor(try t.select(0, $0)) }
        case .object(let m as ModelInstance): return try m.userIterator()
        case .object(let o as IterableObject): return try o.makeIterator()
        case .object(let o as IndexableObject): return IndexIterator(count: { o.length }) { try o.element(at: $0) }
        default: throw NativeError("\(v.typeNameWithArticle) value is not iterable")
        }
    }

    /// The elements of several iterables side by side, as tuples (zip's rows), stopping
    /// at the shortest; none at all for no iterables.
    public static func zipped(_ sources: [Value]) throws -> ValueIterator {
        let its = try sources.map(iterator)
        return ClosureIterator {
            var row: [Value] = []
            for it in its {
                guard let x = try it.next() else { return nil }
                row.append(x)
            }
            return its.isEmpty ? nil : .tuple(row)
        }
    }

    /// True for values `iterator` accepts.
    public static func isIterable(_ v: Value) -> Bool {
        switch v {
        case .list, .tuple, .string, .dict, .range, .tensor, .object(is IterableObject), .object(is IndexableObject): return true
        case .object(let m as ModelInstance): return m.isUserIterable || m.hasMethod("__next__")
        default: return false
        }
    }

    /// All elements of a finite iterable, at most `Arith.maxLength` of them: a longer
    /// range is refused before anything is built, and a generator that yields more is
    /// stopped with an error (`list(range(10**9))` must not fill the memory).
    public static func elements(_ v: Value, runtime: Runtime? = nil) throws -> [Value] {
        switch v {
        case .list(let l): return l.items
        case .tuple(let t): return t
        case .range(let r) where r.count > Arith.maxLength:
            throw NativeError("\(Repr.repr(v)) has \(r.count) elements, too many to hold in a list (the limit is \(Arith.maxLength))")
        default:
            let it = try iterator(v)
            var out: [Value] = []
            while let x = try it.next() {
                try runtime?.checkInterrupt()
                guard out.count < Arith.maxLength else {
                    throw NativeError("\(v.typeName) yields more than \(Arith.maxLength) elements, too many to hold in a list")
                }
                out.append(x)
            }
            return out
        }
    }
}

/// Iterates by index over something with a (possibly changing) count.
final class IndexIterator: ValueIterator {
    private var i = 0
    private let count: () -> Int
    private let at: (Int) throws -> Value
    init(count: @escaping () -> Int, _ at: @escaping (Int) throws -> Value) {
        self.count = count
        self.at = at
    }
    func next() throws -> Value? {
        guard i < count() else { return nil }
        defer { i += 1 }
        return try at(i)
    }
}

/// A lazy iterator wrapped as a value (what `enumerate`, `zip` and `iter` return), so
/// `for i, (x, y) in enumerate(loader)` streams instead of loading everything.
public final class IteratorObject: IterableObject {
    public let typeName: String
    private let make: () throws -> ValueIterator
    public init(_ typeName: String, _ make: @escaping () throws -> ValueIterator) {
        self.typeName = typeName
        self.make = make
    }
    public func member(_ name: String) throws -> Value? { nil }
    public var memberNames: [String] { [] }
    public func makeIterator() throws -> ValueIterator { try make() }
}

/// An iterator from a closure.
public final class ClosureIterator: ValueIterator {
    private let step: () throws -> Value?
    public init(_ step: @escaping () throws -> Value?) { self.step = step }
    public func next() throws -> Value? { try step() }
}
