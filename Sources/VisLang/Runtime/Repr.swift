import VisTensor

/// How values print: `str` for `print` and f-strings, `repr` for display and inside
/// containers. Numbers follow Python (`0.1`, `1.0`, `1e-05`); `true`, `false` and
/// `none` are spelled as in the language; strings repr with double quotes.
public enum Repr {
    /// The `print` form, without running user code (for messages; a model prints as
    /// its module tree). `print`, `str` and f-strings use `userStr`.
    public static func str(_ v: Value) -> String {
        if case .string(let s) = v { return s }
        if case .object(let e as ExceptionValue) = v { return e.message }  // str(e) is the message, as Python's
        return repr(v)
    }

    /// The `print` form as `print`, `str()` and f-strings show it: a model's `__str__`
    /// (or `__repr__`) is called, and its errors propagate.
    public static func userStr(_ v: Value) throws -> String {
        switch v {
        case .string(let s): return s
        case .object(let e as ExceptionValue): return e.message  // str(e) is the message, as Python's
        case .object(let m as ModelInstance): return try m.userRepr(str: true)
        default: return try userRepr(v)
        }
    }

    /// The display form as the REPL, `repr()` and containers show it: a model's
    /// `__repr__` is called, and its errors propagate.
    public static func userRepr(_ v: Value) throws -> String {
        var open = Set<ObjectIdentifier>()
        return try repr(v, &open, depth: 0, user: true)
    }

    /// How deeply nested containers print before the rest shows as `[...]`.
    static let maxDepth = 500

    /// The display form. A list or dict that contains itself prints as `[...]` /
    /// `{...}` where it recurs, as in Python.
    public static func repr(_ v: Value) -> String {
        var open = Set<ObjectIdentifier>()
        // Without user code nothing here throws.
        return (try? repr(v, &open, depth: 0, user: false)) ?? "<\(v.typeName)>"
    }

    /// `repr` with the containers being printed (`open`), to cut cycles, and the depth,
    /// to cut very deep nesting; `user` runs models' `__repr__`.
    static func repr(_ v: Value, _ open: inout Set<ObjectIdentifier>, depth: Int, user: Bool) throws -> String {
        func items(_ xs: [Value], _ open: inout Set<ObjectIdentifier>) throws -> String {
            var parts: [String] = []
            for x in xs { parts.append(try repr(x, &open, depth: depth + 1, user: user)) }
            return parts.joined(separator: ", ")
        }
        switch v {
        case .none: return "none"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .float(let d): return float(d)
        case .string(let s): return quote(s)
        case .list(let l):
            let id = ObjectIdentifier(l)
            guard !open.contains(id), depth < maxDepth else { return "[...]" }
            open.insert(id)
            defer { open.remove(id) }
            return "[" + (try items(l.items, &open)) + "]"
        case .tuple(let t):
            guard depth < maxDepth else { return "(...)" }
            return t.count == 1 ? "(" + (try items(t, &open)) + ",)" : "(" + (try items(t, &open)) + ")"
        case .dict(let d):
            let id = ObjectIdentifier(d)
            guard !open.contains(id), depth < maxDepth else { return "{...}" }
            open.insert(id)
            defer { open.remove(id) }
            var parts: [String] = []
            for (k, x) in d.pairs { parts.append("\(k): \(try repr(x, &open, depth: depth + 1, user: user))") }
            return "{" + parts.joined(separator: ", ") + "}"
        case .range(let r): return r.step == 1 ? "range(\(r.start), \(r.stop))" : "range(\(r.start), \(r.stop), \(r.step))"
        case .function(let f):
            if f is ModelClass { return "<model \(f.name)>" }
            return f.name == "<fn>" ? "<fn>" : "<fn \(f.name)>"
        case .tensor(let t): return "\(t)"
        case .object(let m as ModelInstance) where user: return try m.userRepr(str: false)
        case .object(let o): return o.repr
        }
    }

    /// A float as Python prints it: shortest round-trip digits, `.0` on integral values.
    public static func float(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        return d.description
    }

    /// A string in double quotes with escapes.
    public static func quote(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default: out.unicodeScalars.append(c)
            }
        }
        return out + "\""
    }

    /// ` (value)` for short scalar values, to make type errors concrete; empty otherwise.
    static func briefValue(_ v: Value) -> String {
        switch v {
        case .int, .float, .bool: return " (\(repr(v)))"
        case .string(let s) where s.count <= 30: return " (\(quote(s)))"
        case .tensor(let t): return " of shape \(shapeString(t.shape))"
        default: return ""
        }
    }
}
