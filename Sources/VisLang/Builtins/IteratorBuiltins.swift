/// `iter(x)` and `next(it, default)`: Python's explicit iteration, as in
/// `images, labels = next(iter(loader))`.
enum IteratorBuiltins {
    static func add(to t: inout BuiltinTable) {
        t.function("iter", [Param("x")],
                   "iter(x): an iterator over x that remembers its position; next(it) takes the next element, and for-loops over it continue from there.\n  images, labels = next(iter(loader))") { a, _ in
            let x = a["x"]
            if case .object(let o as StatefulIterator) = x { return .object(o) }  // iter(it) is it, as in Python
            if case .object(let m as ModelInstance) = x, !m.hasMethod("__iter__"), m.hasMethod("__next__") { return x }
            guard Iteration.isIterable(x) else { throw NativeError("iter(): \(x.typeNameWithArticle) value is not iterable") }
            return .object(StatefulIterator(try Iteration.iterator(x)))
        }
        t.function("next", [Param("iterator"), Param("default", default: .object(NoDefault.shared))],
                   "next(iterator, default): the iterator's next element; at the end, default when given, else an error (Python's StopIteration).\n  first = next(iter(ds))") { a, _ in
            let it = a["iterator"], fallback = a["default"]
            let v: Value?
            switch it {
            case .object(let o as StatefulIterator): v = try o.iterator.next()
            case .object(let m as ModelInstance) where m.hasMethod("__next__"):
                v = try UserIterator.advance(m)
            default:
                throw NativeError("next(): \(it.typeNameWithArticle) value is not an iterator (use iter(x) first)")
            }
            if let v { return v }
            guard !fallback.isNoDefault else { throw NativeError("next(): the iterator is exhausted", kind: .stopIteration) }
            return fallback
        }
    }
}

/// What `iter(x)` returns: an iterator with a position, shared by `next` and `for`.
final class StatefulIterator: IterableObject {
    let iterator: ValueIterator
    init(_ iterator: ValueIterator) { self.iterator = iterator }
    var typeName: String { "iterator" }
    func member(_ name: String) throws -> Value? { nil }
    var memberNames: [String] { [] }
    func makeIterator() throws -> ValueIterator { iterator }
}

/// The marker for `next`'s omitted default (none is a valid default).
final class NoDefault: NativeObject {
    static let shared = NoDefault()
    var typeName: String { "no default" }
    func member(_ name: String) throws -> Value? { nil }
    var memberNames: [String] { [] }
}

extension Value {
    /// True for `next`'s omitted-default marker.
    var isNoDefault: Bool { if case .object(is NoDefault) = self { return true } else { return false } }
}
