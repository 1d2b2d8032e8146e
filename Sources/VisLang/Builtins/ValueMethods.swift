import Foundation
import VisTensor

/// Methods of strings, lists and dicts (Python's names and behaviour).
enum ValueMethods {
    /// Stable sort by `key` (a function or none), ascending unless `reverse`.
    static func sort(_ items: [Value], key: Value, reverse: Bool, _ rt: Runtime) throws -> [Value] {
        let keys = key.isNone ? items : try items.map { try rt.call(key, [$0], keywords: []) }
        // The identity permutation by a plain loop: `Array(items.indices)` is a generic
        // iteration that takes seconds for millions of items in a debug build, a stretch
        // no Ctrl-C check could reach.
        let n = items.count
        var order = [Int](unsafeUninitializedCapacity: n) { buffer, initialized in
            var i = 0
            while i < n { buffer[i] = i; i += 1 }
            initialized = n
        }
        // Swift's sort is stable and rethrows: an error from a comparison (or Ctrl-C)
        // ends it at once, with `order` still a permutation, dropped here.
        var compared = 0
        try order.sort { i, j in
            // A look at the Ctrl-C flag per 4096 comparisons (well under a millisecond).
            compared &+= 1
            if compared & 4095 == 0 { try Interrupt.check() }
            let c = try ValueOps.compare(keys[i], keys[j])
            return reverse ? c > 0 : c < 0
        }
        return order.map { items[$0] }
    }

    static func string(_ a: BoundArguments) throws -> String { try a.string("self") }
    static func listBox(_ a: BoundArguments) throws -> ListBox {
        guard case .list(let l) = a["self"] else { throw NativeError("\(a.function): expected a list") }
        return l
    }
    static func dictBox(_ a: BoundArguments) throws -> DictBox {
        guard case .dict(let d) = a["self"] else { throw NativeError("\(a.function): expected a dict") }
        return d
    }
    static func key(_ v: Value, _ fn: String) throws -> DictKey {
        guard let k = DictKey(v) else { throw NativeError("\(fn): dict keys must be strings or ints, got \(v.typeName)") }
        return k
    }
    static func index(_ i: Int, count: Int, _ fn: String) throws -> Int {
        let j = i < 0 ? i + count : i
        guard j >= 0 && j < count else { throw NativeError("\(fn): index \(i) out of range for a list of length \(count)", kind: .indexError) }
        return j
    }

    /// `s.split()`: the runs of non-whitespace, at most `maxsplit + 1` pieces (the last
    /// keeps the rest of the string, without its leading whitespace), as in Python.
    static func whitespaceSplit(_ s: String, maxsplit: Int) throws -> [Value] {
        var pieces: [Value] = []
        var i = s.startIndex
        while true {
            while i < s.endIndex, StringMethods.isSpace(s[i]) { i = s.index(after: i) }
            guard i < s.endIndex else { break }
            if maxsplit >= 0 && pieces.count == maxsplit {
                pieces.append(.string(String(s[i...])))
                break
            }
            var j = i
            while j < s.endIndex, !StringMethods.isSpace(s[j]) { j = s.index(after: j) }
            pieces.append(.string(String(s[i..<j])))
            if pieces.count % TextBuilding.chunk == 0 { try Interrupt.check() }
            i = j
        }
        return pieces
    }

    static func table() -> BuiltinTable {
        var t = BuiltinTable()
        // MARK: string
        t.method("split", on: "string", [Param("sep", .optional(.string), default: Value.none), Param("maxsplit", .int, default: .int(-1))],
                 "s.split(sep=none, maxsplit=-1): the pieces between separators (runs of whitespace when none), splitting at most maxsplit times when it is not -1.\n  \"a,b,c\".split(\",\", 1)") { a, _ in
            let s = try string(a), maxsplit = try a.int("maxsplit")
            if a["sep"].isNone { return .list(ListBox(try whitespaceSplit(s, maxsplit: maxsplit))) }
            let sep = try a.string("sep")
            guard !sep.isEmpty else { throw NativeError("split: empty separator", kind: .valueError) }
            return .list(ListBox(try TextBuilding.split(s, sep, maxsplit: maxsplit)))
        }
        t.method("join", on: "string", [Param("items")], "sep.join(items): the strings joined with sep between them.") { a, rt in
            let parts = try Iteration.elements(a["items"], runtime: rt).enumerated().map { i, v -> String in
                guard case .string(let s) = v else { throw NativeError("join: expected strings, found \(v.typeName)", kind: .typeError) }
                return s
            }
            return .string(try TextBuilding.join(parts, string(a)))
        }
        t.method("replace", on: "string", [Param("old", .string), Param("new", .string), Param("count", .int, default: .int(-1))],
                 "s.replace(old, new, count=-1): s with every old (or the first count) replaced by new.\n  \"a-b-c\".replace(\"-\", \"+\", 1)") { a, _ in
            .string(try TextBuilding.replace(string(a), a.string("old"), a.string("new"), count: a.int("count")))
        }
        t.method("lower", on: "string", [], "s.lower(): s with every letter in lower case.") { a, _ in .string(try string(a).lowercased()) }
        t.method("upper", on: "string", [], "s.upper(): s with every letter in upper case.") { a, _ in .string(try string(a).uppercased()) }
        t.method("format", on: "string", [Param("args", .any, variadic: true)], "s.format(*args): replaces {} / {0} / {:.2f} fields with the arguments.") { a, _ in
            let s = try string(a), args = try a.list("args")
            var out = "", auto = 0
            var chars = s[...]
            while let c = chars.first {
                chars = chars.dropFirst()
                if c == "{" && chars.first == "{" { out.append("{"); chars = chars.dropFirst(); continue }
                if c == "}" && chars.first == "}" { out.append("}"); chars = chars.dropFirst(); continue }
                guard c == "{" else { out.append(c); continue }
                guard let close = chars.firstIndex(of: "}") else { throw NativeError("format: unmatched '{' in \(Repr.quote(s))") }
                let field = chars[..<close]
                chars = chars[chars.index(after: close)...]
                let parts = field.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                let name = parts.first.map(String.init) ?? ""
                let i: Int
                if name.isEmpty { i = auto; auto += 1 } else if let n = Int(name), n >= 0 { i = n } else {
                    throw NativeError("format: only positional fields are supported, got '{\(name)}'")
                }
                guard i < args.count else { throw NativeError("format: field {\(i)} has no argument (\(args.count) given)") }
                let piece = try Format.apply(args[i], parts.count > 1 ? String(parts[1]) : "")
                try TextBuilding.checkSize(TextBuilding.sum(out.utf8.count, piece.utf8.count), "format")
                out += piece
            }
            return .string(out)
        }

        StringMethods.add(to: &t)

        // MARK: list
        t.method("append", on: "list", [Param("x")], "xs.append(x): adds x at the end.") { a, _ in try listBox(a).items.append(a["x"]); return .none }
        t.method("extend", on: "list", [Param("items")], "xs.extend(items): adds every element of items at the end.") { a, rt in
            let l = try listBox(a)
            let items = try Iteration.elements(a["items"], runtime: rt)
            try Arith.checkLength(l.items.count, items.count, "list")
            l.items += items
            return .none
        }
        t.method("pop", on: "list", [Param("index", .int, default: .int(-1))], "xs.pop(index=-1): removes and returns the element at index.") { a, _ in
            let l = try listBox(a)
            guard !l.items.isEmpty else { throw NativeError("pop: the list is empty") }
            return l.items.remove(at: try index(a.int("index"), count: l.items.count, "pop"))
        }
        t.method("insert", on: "list", [Param("index", .int), Param("x")], "xs.insert(index, x): inserts x before index.") { a, _ in
            let l = try listBox(a)
            let i = try a.int("index")
            let j = Swift.min(Swift.max(i < 0 ? i + l.items.count : i, 0), l.items.count)
            l.items.insert(a["x"], at: j)
            return .none
        }
        t.method("index", on: "list", [Param("x")], "xs.index(x): the position of the first element equal to x.") { a, _ in
            guard let i = try listBox(a).items.firstIndex(where: { try ValueOps.equal($0, a["x"]) }) else {
                throw NativeError("index: \(Repr.repr(a["x"])) is not in the list")
            }
            return .int(i)
        }
        t.method("remove", on: "list", [Param("x")], "xs.remove(x): removes the first element equal to x.") { a, _ in
            let l = try listBox(a)
            guard let i = try l.items.firstIndex(where: { try ValueOps.equal($0, a["x"]) }) else { throw NativeError("remove: \(Repr.repr(a["x"])) is not in the list") }
            l.items.remove(at: i)
            return .none
        }
        t.method("reverse", on: "list", [], "xs.reverse(): reverses the list in place.") { a, _ in try listBox(a).items.reverse(); return .none }
        t.method("sort", on: "list", [Param("key", .optional(.callable), default: Value.none), Param("reverse", .bool, default: .bool(false))],
                 "xs.sort(key=none, reverse=false): sorts the list in place (stable).") { a, rt in
            let l = try listBox(a)
            l.items = try sort(l.items, key: a["key"], reverse: a.bool("reverse"), rt)
            return .none
        }
        t.method("copy", on: "list", [], "xs.copy(): a shallow copy.") { a, _ in .list(ListBox(try listBox(a).items)) }
        t.method("clear", on: "list", [], "xs.clear(): removes every element.") { a, _ in try listBox(a).items.removeAll(); return .none }
        t.method("count", on: "list", [Param("x")], "xs.count(x): how many elements equal x.") { a, _ in
            .int(try listBox(a).items.filter { try ValueOps.equal($0, a["x"]) }.count)
        }

        // MARK: dict
        t.method("keys", on: "dict", [], "d.keys(): the keys in insertion order.") { a, _ in .list(ListBox(try dictBox(a).keys.map(\.value))) }
        t.method("values", on: "dict", [], "d.values(): the values in insertion order.") { a, _ in .list(ListBox(try dictBox(a).pairs.map(\.1))) }
        t.method("items", on: "dict", [], "d.items(): (key, value) pairs in insertion order.") { a, _ in
            .list(ListBox(try dictBox(a).pairs.map { .tuple([$0.0.value, $0.1]) }))
        }
        t.method("get", on: "dict", [Param("key"), Param("default", default: Value.none)], "d.get(key, default=none): the value for key, or default.") { a, _ in
            try dictBox(a)[key(a["key"], "get")] ?? a["default"]
        }
        t.method("pop", on: "dict", [Param("key"), Param("default", variadic: true)],
                 "d.pop(key, *default): removes key and returns its value; a missing key gives default, or an error when none is given.") { a, _ in
            let d = try dictBox(a), k = try key(a["key"], "pop")
            let fallback = try a.list("default")
            guard fallback.count <= 1 else { throw NativeError("pop: takes at most 2 arguments (key, default), got \(1 + fallback.count)") }
            guard let v = d[k] else {
                guard let f = fallback.first else { throw NativeError("pop: key \(k) not found in dict", kind: .keyError) }
                return f
            }
            d[k] = nil
            return v
        }
        t.method("update", on: "dict", [Param("other")], "d.update(other): copies every entry of another dict into d.") { a, _ in
            let d = try dictBox(a)
            guard case .dict(let o) = a["other"] else { throw NativeError("update: expected a dict, got \(a["other"].typeName)") }
            for (k, v) in o.pairs { d[k] = v }
            return .none
        }
        t.method("copy", on: "dict", [], "d.copy(): a shallow copy.") { a, _ in .dict(DictBox(try dictBox(a).pairs)) }
        return t
    }
}
