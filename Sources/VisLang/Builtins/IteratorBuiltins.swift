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
        t.function("map", [Param("function"), Param("iterables", .any, variadic: true)],
                   "map(function, *iterables): function applied to each element (to the elements of several iterables side by side, stopping at the shortest), lazily, as Python's.\n  sizes = list(map(len, names))") { a, rt in
            let f = a["function"], sources = try a.list("iterables")
            guard !sources.isEmpty else { throw NativeError("map: needs at least one iterable", kind: .typeError) }
            for s in sources { _ = try Iteration.iterator(s) }
            return .object(IteratorObject("map") {
                let rows = try Iteration.zipped(sources)
                return ClosureIterator {
                    guard case .tuple(let row)? = try rows.next() else { return nil }
                    return try rt.call(f, row, keywords: [])
                }
            })
        }
        t.function("filter", [Param("function"), Param("iterable")],
                   "filter(function, iterable): the elements for which function is true (the true elements themselves when function is none), lazily, as Python's.\n  evens = list(filter(lambda n: n % 2 == 0, range(10)))") { a, rt in
            let f = a["function"], source = a["iterable"]
            _ = try Iteration.iterator(source)
            return .object(IteratorObject("filter") {
                let it = try Iteration.iterator(source)
                return ClosureIterator {
                    while let x = try it.next() {
                        try rt.checkInterrupt()
                        let keep = f.isNone ? x : try rt.call(f, [x], keywords: [])
                        if try keep.truthy() { return x }
                    }
                    return nil
                }
            })
        }
        t.function("next", [Param("iterator"), Param("default", default: .object(NoDefault.shared))],
                   "next(iterator, default): the iterator's next element; at the end, default when given, else an error (Python's StopIteration).\n  first = next(iter(ds))") { a, _ in
            let it = a["iterator"], fallback = a["default"]
            let v: Value?
            switch it {
            case .object(let o as StatefulIterator): v = try o.iterator.next()
            // A native object that is its own iterator (csv.reader: `header = next(r)`).
            case .object(let o as ValueIterator): v = try o.next()
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
