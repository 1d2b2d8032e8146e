import Foundation
import VisTensor

/// The request `exit(code)` raises; the command line ends the process with `code`.
public struct ExitRequest: Error {
    public let code: Int32
}

/// Python's basics (LIBRARY.md "Basics"): print, len, range, conversions, iteration
/// helpers, and a few system functions.
public enum BasicBuiltins {
    static func length(_ v: Value) throws -> Int {
        switch v {
        case .string(let s): return s.count
        case .list(let l): return l.items.count
        case .tuple(let t): return t.count
        case .dict(let d): return d.count
        case .range(let r): return r.count
        case .tensor(let t):
            guard t.ndim > 0 else { throw NativeError("len() of a 0-d tensor") }
            return t.shape[0]
        case .object(let o as IndexableObject): return o.length
        case .object(let m as ModelInstance): return try m.userLength()
        case .object(let o as SizedObject): return try o.size()
        default: throw NativeError("len(): \(v.typeNameWithArticle) value has no length")
        }
    }

    /// `sum(range(...))` in closed form, n * start + step * n(n-1)/2, so a range of
    /// 10**12 ints sums at once; an int overflow is the error the loop would give.
    static func rangeSum(_ r: RangeValue) throws -> Value {
        let n = r.count
        guard n > 0 else { return .int(0) }
        // n(n-1)/2 without overflowing the product: halve the even factor first.
        let (a, b) = n % 2 == 0 ? (n / 2, n - 1) : (n, (n - 1) / 2)
        let pairs = a.multipliedReportingOverflow(by: b)
        let steps = pairs.partialValue.multipliedReportingOverflow(by: r.step)
        let base = n.multipliedReportingOverflow(by: r.start)
        let total = base.partialValue.addingReportingOverflow(steps.partialValue)
        guard !pairs.overflow, !steps.overflow, !base.overflow, !total.overflow else {
            throw NativeError("integer overflow in sum(\(Repr.repr(.range(r))))")
        }
        return .int(total.partialValue)
    }

    /// min/max over arguments or one iterable, with tensors dispatched to tensor reductions.
    static func extreme(_ a: BoundArguments, greater: Bool, _ runtime: Runtime) throws -> Value {
        let name = greater ? "max" : "min"
        var items = try a.list("values")
        if case .tensor(let t)? = items.first {
            // torch.max's forms: max(x), max(x, dim[, keepdim]) giving (values, indices),
            // and max(x, other) elementwise. A positional int is a dim, as in torch.
            var dim = a["dim"], keepdim = try a.bool("keepdim")
            if items.count >= 2, case .int = items[1] {
                guard dim.isNone else { throw NativeError("\(name): got multiple values for argument 'dim'") }
                dim = items[1]
                if items.count == 3 {
                    guard case .bool(let k) = items[2] else { throw NativeError("\(name): argument 'keepdim' must be bool, got \(items[2].typeName)") }
                    keepdim = k
                }
                guard items.count <= 3 else { throw NativeError("\(name): takes (input, dim, keepdim) with a tensor, got \(items.count) positional arguments") }
                return try TensorReductionBuiltins.extreme(t, dim, keepdim: keepdim, greater: greater)
            }
            if items.count == 1 { return try TensorReductionBuiltins.extreme(t, dim, keepdim: keepdim, greater: greater) }
            if items.count == 2 {
                guard dim.isNone else { throw NativeError("\(name): give either another tensor or dim=, not both") }
                return try TensorReductionBuiltins.extreme(t, items[1], keepdim: false, greater: greater)
            }
        }
        if items.count == 1 { items = try Iteration.elements(items[0], runtime: runtime) }
        guard var best = items.first else { throw NativeError("\(name)() of an empty sequence") }
        let key = a["key"]
        var bestKey = key.isNone ? best : try runtime.call(key, [best], keywords: [])
        for x in items.dropFirst() {
            let k = key.isNone ? x : try runtime.call(key, [x], keywords: [])
            let c = try ValueOps.compare(k, bestKey)
            if greater ? c > 0 : c < 0 { best = x; bestKey = k }
        }
        return best
    }

    public static func table() -> BuiltinTable {
        var t = BuiltinTable()
        t.constants = [("pi", .float(Double.pi)), ("inf", .float(Double.infinity)), ("nan", .float(Double.nan))]
        t.function("print", [Param("values", .any, variadic: true), Param("sep", .optional(.string), default: .string(" ")), Param("end", .optional(.string), default: .string("\n")),
                             Param("file", default: Value.none), Param("flush", .bool, default: .bool(false))],
                   "print(*values, sep=\" \", end=\"\\n\", file=none, flush=false): writes the values' str forms to the output, or to file (a file object, sys.stderr, or anything with a write method); flush is accepted (vis writes at once).\n  print(f\"epoch {e} loss {l:.4f}\", file=log)") { a, rt in
            // none for sep / end means the default, as in Python.
            let text = try a.list("values").map(Repr.userStr).joined(separator: a.optionalString("sep") ?? " ") + (a.optionalString("end") ?? "\n")
            if a["file"].isNone { rt.write(text) } else { try TextSink.writer(a["file"], "print", rt)(text) }
            return .none
        }
        t.function("len", [Param("x")], "len(x): number of elements of a list, tuple, string, dict, range, dataset, or a tensor's first dimension.") { a, _ in
            .int(try length(a["x"]))
        }
        t.function("range", [Param("start", .int), Param("stop", .optional(.int), default: Value.none), Param("step", .int, default: .int(1))],
                   "range(stop) / range(start, stop, step=1): the ints from start up to stop (exclusive).") { a, _ in
            let (start, stop) = a["stop"].isNone ? (0, try a.int("start")) : (try a.int("start"), try a.int("stop"))
            let step = try a.int("step")
            guard step != 0 else { throw NativeError("range: step must not be zero") }
            let r = RangeValue(start: start, stop: stop, step: step)
            guard !r.isTooLong else { throw NativeError("range: more than \(Int.max) elements") }
            return .range(r)
        }
        t.function("enumerate", [Param("iterable"), Param("start", .int, default: .int(0))],
                   "enumerate(iterable, start=0): pairs (index, x), lazily.\n  for i, (x, y) in enumerate(loader) { ... }") { a, _ in
            let src = a["iterable"], start = try a.int("start")
            _ = try Iteration.iterator(src)
            return .object(IteratorObject("enumerate") {
                let it = try Iteration.iterator(src)
                var i = start
                return ClosureIterator {
                    guard let x = try it.next() else { return nil }
                    defer { i += 1 }
                    return .tuple([.int(i), x])
                }
            })
        }
        t.function("zip", [Param("iterables", .any, variadic: true)], "zip(*iterables): tuples of corresponding elements, lazily; stops at the shortest.") { a, _ in
            let sources = try a.list("iterables")
            for s in sources { _ = try Iteration.iterator(s) }
            return .object(IteratorObject("zip") { try Iteration.zipped(sources) })
        }
        let extremeParams = [Param("values", .any, variadic: true), Param("dim", .any, default: Value.none), Param("keepdim", .bool, default: .bool(false)), Param("key", .optional(.callable), default: Value.none)]
        t.function("max", extremeParams, "max(a, b, ...) / max(iterable, key=none): the largest value. On a tensor: max(x), max(x, dim) giving (values, indices), max(x, y) elementwise.") { a, rt in
            try extreme(a, greater: true, rt)
        }
        t.function("min", extremeParams, "min(a, b, ...) / min(iterable, key=none): the smallest value; on tensors as max.") { a, rt in
            try extreme(a, greater: false, rt)
        }
        t.function("sum", [Param("values"), Param("dim", .any, default: Value.none), Param("keepdim", .bool, default: .bool(false))],
                   "sum(iterable) adds numbers (or tensors); sum(tensor, dim=none, keepdim=false) reduces a tensor.") { a, rt in
            if case .tensor(let x) = a["values"] {
                return .tensor(try x.sum(dims: a["dim"].isNone ? [] : a.ints("dim"), keepdim: a.bool("keepdim")))
            }
            if case .range(let r) = a["values"] { return try rangeSum(r) }
            // Lazily, so a long generator is never held whole and Ctrl-C stops the loop.
            var acc: Value = .int(0)
            let it = try Iteration.iterator(a["values"])
            while let x = try it.next() {
                try rt.checkInterrupt()
                acc = try Arith.add(acc, x)
            }
            return acc
        }
        for (name, isAny) in [("any", true), ("all", false)] {
            t.function(name, [Param("iterable"), Param("dim", .optional(.ints), default: Value.none), Param("keepdim", .bool, default: .bool(false))],
                       "\(name)(iterable, dim=none, keepdim=false): true when \(isAny ? "any element is" : "every element is (or the iterable is empty)") true, stopping at the first \(isAny ? "true" : "false") one; on a tensor, torch.\(name)(input, dim=none, keepdim=false) (a bool tensor).\n\(name)(x > 0 for x in xs)") { a, rt in
                let v = a["iterable"]
                if case .tensor(let x) = v {
                    return try TensorMathBuiltins.truth(x, isAny: isAny, dims: TensorBuiltins.dims(a, "dim"), keepdim: a.bool("keepdim"))
                }
                guard a["dim"].isNone else { throw NativeError("\(name)(): dim= is for tensors, got \(v.typeNameWithArticle) value") }
                // Lazily, so a generator stops being pulled at the deciding element.
                let it = try Iteration.iterator(v)
                while let x = try it.next() {
                    try rt.checkInterrupt()
                    if try x.truthy() == isAny { return .bool(isAny) }
                }
                return .bool(!isAny)
            }
        }
        t.function("abs", [Param("x")], "abs(x): absolute value of a number or tensor.") { a, _ in
            switch a["x"] {
            case .int(let i):
                guard i != Int.min else { throw NativeError("integer overflow in abs(\(i))") }
                return .int(Swift.abs(i))
            case .float(let d): return .float(Swift.abs(d))
            case .bool(let b): return .int(b ? 1 : 0)
            case .tensor(let x): return .tensor(try x.abs())
            default: throw NativeError("abs(): expected a number or tensor, got \(a["x"].typeName)")
            }
        }
        t.function("fail", [Param("message", .string)], "fail(message): stops with an error carrying message (for checks in library code).") { a, _ in
            let message = try a.string("message")
            throw NativeError(message.isEmpty ? "fail() was called (with an empty message)" : message)
        }
        t.function("isfinite", [Param("x")], "isfinite(x): true when a number is finite; on a tensor, torch.isfinite: the elementwise bool tensor (isfinite(t).all() asks about every element).\n  isfinite(1e308 * 10)") { a, _ in
            if case .tensor(let t) = a["x"] { return .tensor(try t.isfinite()) }
            guard let d = a["x"].asDouble else { throw NativeError("isfinite(): expected a number or tensor, got \(a["x"].typeName)") }
            return .bool(d.isFinite)
        }
        t.function("round", [Param("x"), Param("ndigits", .optional(.int), default: Value.none), Param("decimals", .optional(.int), default: Value.none, keywordOnly: true)],
                   "round(x, ndigits=none, *, decimals=none): rounds half to even, as Python does; an int without ndigits. On a tensor, torch.round(input, *, decimals=0) elementwise (ndigits counts as decimals).\n  round(2.675, 2)  round(tensor([0.5, 1.5]))") { a, _ in
            if case .tensor(let t) = a["x"] {
                guard a["ndigits"].isNone || a["decimals"].isNone else { throw NativeError("round(): give ndigits or decimals, not both") }
                return try TensorMathBuiltins.round(t, decimals: a.optionalInt("decimals") ?? a.optionalInt("ndigits") ?? 0)
            }
            guard a["decimals"].isNone else { throw NativeError("round(): decimals= is for tensors (numbers take ndigits)") }
            guard a["x"].asDouble != nil else { throw NativeError("round: argument 'x' must be a number or tensor, got \(a["x"].typeName)") }
            let x = try a.double("x")
            guard let n = try a.optionalInt("ndigits") else {
                let r = x.rounded(.toNearestOrEven)
                guard r.isFinite, Swift.abs(r) < 9.2e18 else { throw NativeError("round(): cannot convert \(Repr.float(x)) to an int") }
                return .int(Int(r))
            }
            guard x.isFinite else { return .float(x) }
            if n >= 0 {
                // printf rounds the exact binary value, as Python does: round(2.675, 2) == 2.67.
                guard n <= 325, let r = Double(String(format: "%.\(n)f", x)) else { return .float(x) }
                return .float(r)
            }
            guard n >= -308 else { return .float(x.sign == .minus ? -0.0 : 0.0) }
            let scale = Foundation.pow(10.0, Double(-n))
            return .float((x / scale).rounded(.toNearestOrEven) * scale)
        }
        t.function("sorted", [Param("iterable"), Param("key", .optional(.callable), default: Value.none), Param("reverse", .bool, default: .bool(false))],
                   "sorted(iterable, key=none, reverse=false): a new sorted list (stable).") { a, rt in
            try .list(ListBox(ValueMethods.sort(Iteration.elements(a["iterable"], runtime: rt), key: a["key"], reverse: a.bool("reverse"), rt)))
        }
        ConversionBuiltins.add(to: &t)
        SystemBuiltins.add(to: &t)
        SuperBuiltin.add(to: &t)
        AttributeBuiltins.add(to: &t)
        return t
    }
}
