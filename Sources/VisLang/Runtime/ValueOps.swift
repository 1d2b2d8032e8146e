import VisTensor

/// Equality and ordering of non-tensor values, shared by the interpreter's `==` / `<`
/// and natives such as `sorted`, `min`, `list.index`.
public enum ValueOps {
    /// How deeply nested containers may be compared (deeper, or cyclic, is an error
    /// rather than a stack overflow).
    public static let maxDepth = 1000

    static func tooDeep() -> NativeError {
        NativeError("comparison nested too deeply (more than \(maxDepth) levels; does a list or dict contain itself?)")
    }

    /// Python `==` for non-tensor values (numbers compare across int/float/bool).
    public static func equal(_ a: Value, _ b: Value, depth: Int = 0) throws -> Bool {
        guard depth < maxDepth else { throw tooDeep() }
        func same(_ x: Value, _ y: Value) throws -> Bool { try equal(x, y, depth: depth + 1) }
        switch (a, b) {
        case (.none, .none): return true
        case (.string(let x), .string(let y)): return x == y
        case (.list(let x), .list(let y)): return try x === y || (x.items.count == y.items.count && zip(x.items, y.items).allSatisfy(same))
        case (.tuple(let x), .tuple(let y)): return try x.count == y.count && zip(x, y).allSatisfy(same)
        case (.dict(let x), .dict(let y)):
            return try x === y || (x.count == y.count && x.pairs.allSatisfy { k, v in try y[k].map { try same(v, $0) } ?? false })
        case (.range(let x), .range(let y)): return x.start == y.start && x.stop == y.stop && x.step == y.step
        case (.function(let x), .function(let y)): return x === y
        case (.object(let x), .object(let y)): return x === y
        case (.tensor(let x), .tensor(let y)): return x === y
        case (.int(let x), .int(let y)): return x == y
        default:
            if let x = a.asDouble, let y = b.asDouble { return x == y }
            return false
        }
    }

    /// Python ordering: -1, 0 or 1 for numbers, strings, and lists/tuples compared
    /// element by element; other pairs cannot be ordered.
    public static func compare(_ a: Value, _ b: Value, depth: Int = 0) throws -> Int {
        guard depth < maxDepth else { throw tooDeep() }
        switch (a, b) {
        case (.int(let x), .int(let y)): return x < y ? -1 : (x > y ? 1 : 0)
        case (.string(let x), .string(let y)): return x < y ? -1 : (x > y ? 1 : 0)
        case (.list, .list), (.tuple, .tuple), (.list, .tuple), (.tuple, .list):
            let xs = try Iteration.elements(a), ys = try Iteration.elements(b)
            for (x, y) in zip(xs, ys) {
                // Python orders sequences by their first unequal elements.
                if try equal(x, y, depth: depth + 1) { continue }
                return try compare(x, y, depth: depth + 1)
            }
            return xs.count < ys.count ? -1 : (xs.count > ys.count ? 1 : 0)
        case (.tensor(let t), _) where t.count == 1:
            return try compare(.float(t.item()), b)
        case (_, .tensor(let t)) where t.count == 1:
            return try compare(a, .float(t.item()))
        default:
            if let x = a.asDouble, let y = b.asDouble {
                if x.isNaN || y.isNaN { return 0 }
                return x < y ? -1 : (x > y ? 1 : 0)
            }
            throw NativeError("cannot compare \(a.typeName) with \(b.typeName)")
        }
    }
}
