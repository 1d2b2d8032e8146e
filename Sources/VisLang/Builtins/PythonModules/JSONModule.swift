import Foundation

/// Python's `json`: `dumps` / `loads` with Python's output format (", " and ": "
/// separators, `indent`, `sort_keys`, non-ASCII escaped), and `dump` / `load` with file
/// objects from `open`.
enum JSONModule {
    /// The JSON text of a value, as Python's json.dumps writes it.
    static func encode(_ v: Value, indent: Int?, sortKeys: Bool, ascii: Bool = true, level: Int = 0, open: inout Set<ObjectIdentifier>) throws -> String {
        // The text is bounded like any string (`Arith.maxLength`): an indent of 2**62, or
        // a long list at a wide indent, is an error before the text is built.
        func tooLong(_ what: String) -> NativeError {
            NativeError("json.dumps: the text would be longer than the limit of \(Arith.maxLength) characters (\(what))")
        }
        func spaces(_ depth: Int) throws -> String {
            guard let indent else { return "" }
            let (width, overflow) = indent.multipliedReportingOverflow(by: depth)
            guard !overflow, width < Arith.maxLength else { throw tooLong("indent \(indent) at depth \(depth)") }
            return "\n" + String(repeating: " ", count: width)
        }
        let newline = indent == nil ? nil : try spaces(level + 1)
        let close = try spaces(level)
        let itemSep = indent == nil ? ", " : ","
        func items(_ parts: [String], _ l: String, _ r: String) throws -> String {
            guard !parts.isEmpty else { return l + r }
            let separator = itemSep + (newline ?? "")
            var total = separator.utf8.count.multipliedReportingOverflow(by: parts.count)
            for p in parts where !total.overflow { total = total.partialValue.addingReportingOverflow(p.utf8.count) }
            guard !total.overflow, total.partialValue < Arith.maxLength else { throw tooLong("\(parts.count) items") }
            guard let newline else { return l + parts.joined(separator: itemSep) + r }
            return l + newline + parts.joined(separator: separator) + close + r
        }
        switch v {
        case .none: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .float(let d):
            if d.isNaN { return "NaN" }
            if d.isInfinite { return d > 0 ? "Infinity" : "-Infinity" }
            return Repr.float(d)
        case .string(let s): return quote(s, ascii: ascii)
        case .list(let l):
            guard open.insert(ObjectIdentifier(l)).inserted else { throw NativeError("json.dumps: circular reference (a list contains itself)") }
            defer { open.remove(ObjectIdentifier(l)) }
            return try items(try l.items.map { try encode($0, indent: indent, sortKeys: sortKeys, ascii: ascii, level: level + 1, open: &open) }, "[", "]")
        case .tuple(let t):
            return try items(try t.map { try encode($0, indent: indent, sortKeys: sortKeys, ascii: ascii, level: level + 1, open: &open) }, "[", "]")
        case .dict(let d):
            guard open.insert(ObjectIdentifier(d)).inserted else { throw NativeError("json.dumps: circular reference (a dict contains itself)") }
            defer { open.remove(ObjectIdentifier(d)) }
            var pairs = d.pairs.map { (k, v) -> (String, Value) in
                switch k {
                case .string(let s): return (s, v)
                case .int(let i): return (String(i), v)  // Python writes int keys as strings
                }
            }
            if sortKeys { pairs.sort { $0.0 < $1.0 } }
            return try items(try pairs.map { quote($0.0, ascii: ascii) + ": " + (try encode($0.1, indent: indent, sortKeys: sortKeys, ascii: ascii, level: level + 1, open: &open)) }, "{", "}")
        default:
            throw NativeError("json.dumps: a \(v.typeName) is not JSON serializable (convert tensors with .tolist() or .item())")
        }
    }

    /// A JSON string literal with Python's escapes; with `ascii` (ensure_ascii) every
    /// character outside ASCII is written as \uXXXX, without it only control characters are.
    static func quote(_ s: String, ascii: Bool = true) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u.value {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x08: out += "\\b"
            case 0x0C: out += "\\f"
            case 0x20..<0x7F: out.unicodeScalars.append(u)
            case 0x7F... where !ascii: out.unicodeScalars.append(u)
            // Outside the 16-bit plane: a UTF-16 surrogate pair, as Python writes it.
            default: for unit in String(u).utf16 { out += String(format: "\\u%04x", unit) }
            }
        }
        return out + "\""
    }

    /// A recursive-descent JSON reader giving vis values (ints stay ints; Python's
    /// NaN / Infinity extensions accepted, as json.loads does).
    struct Reader {
        let bytes: [UInt8]
        var i = 0
        var depth = 0

        init(_ text: String) { bytes = Array(text.utf8) }

        func fail(_ what: String) -> NativeError {
            let line = bytes[..<Swift.min(i, bytes.count)].filter { $0 == 0x0A }.count + 1
            let column = i - (bytes[..<Swift.min(i, bytes.count)].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0) + 1
            return NativeError("json.loads: \(what): line \(line) column \(column) (char \(i))")
        }

        mutating func skipSpace() { while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 } }

        mutating func literal(_ word: String, _ v: Value) throws -> Value {
            let w = Array(word.utf8)
            guard i + w.count <= bytes.count, Array(bytes[i..<(i + w.count)]) == w else { throw fail("Expecting value") }
            i += w.count
            return v
        }

        mutating func document() throws -> Value {
            skipSpace()
            let v = try value()
            skipSpace()
            guard i == bytes.count else { throw fail("Extra data") }
            return v
        }

        mutating func value() throws -> Value {
            skipSpace()
            guard i < bytes.count else { throw fail("Expecting value") }
            depth += 1
            defer { depth -= 1 }
            guard depth < 500 else { throw fail("nesting too deep") }
            switch bytes[i] {
            case UInt8(ascii: "{"):
                i += 1
                let d = DictBox()
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .dict(d) }
                while true {
                    skipSpace()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("Expecting property name enclosed in double quotes") }
                    let key = try string()
                    skipSpace()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("Expecting ':' delimiter") }
                    i += 1
                    d[string: key] = try value()
                    skipSpace()
                    guard i < bytes.count else { throw fail("Expecting ',' delimiter") }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    if bytes[i] == UInt8(ascii: "}") { i += 1; return .dict(d) }
                    throw fail("Expecting ',' delimiter")
                }
            case UInt8(ascii: "["):
                i += 1
                var items: [Value] = []
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .list(ListBox(items)) }
                while true {
                    items.append(try value())
                    skipSpace()
                    guard i < bytes.count else { throw fail("Expecting ',' delimiter") }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    if bytes[i] == UInt8(ascii: "]") { i += 1; return .list(ListBox(items)) }
                    throw fail("Expecting ',' delimiter")
                }
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): return try literal("true", .bool(true))
            case UInt8(ascii: "f"): return try literal("false", .bool(false))
            case UInt8(ascii: "n"): return try literal("null", .none)
            case UInt8(ascii: "N"): return try literal("NaN", .float(.nan))
            case UInt8(ascii: "I"): return try literal("Infinity", .float(.infinity))
            default: return try number()
            }
        }

        mutating func number() throws -> Value {
            let start = i
            if i < bytes.count, bytes[i] == UInt8(ascii: "-") {
                i += 1
                if i < bytes.count, bytes[i] == UInt8(ascii: "I") { _ = try literal("Infinity", .none); return .float(-.infinity) }
            }
            func digits() -> Int { let s = i; while i < bytes.count, (0x30...0x39).contains(bytes[i]) { i += 1 }; return i - s }
            guard digits() > 0 else { i = start; throw fail("Expecting value") }
            var isFloat = false
            if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
                i += 1
                isFloat = true
                guard digits() > 0 else { throw fail("Expecting digits after '.'") }
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
                i += 1
                isFloat = true
                if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
                guard digits() > 0 else { throw fail("Expecting exponent digits") }
            }
            let text = String(decoding: bytes[start..<i], as: UTF8.self)
            if !isFloat {
                guard let n = Int(text) else { throw fail("integer \(text) does not fit in 64 bits") }
                return .int(n)
            }
            guard let d = Double(text) else { throw fail("Invalid number") }
            return .float(d)
        }

        mutating func string() throws -> String {
            i += 1  // the opening quote
            var scalars = String.UnicodeScalarView()
            var run = i
            func flush() { scalars.append(contentsOf: String(decoding: bytes[run..<i], as: UTF8.self).unicodeScalars) }
            while true {
                guard i < bytes.count else { throw fail("Unterminated string starting at") }
                let b = bytes[i]
                if b == UInt8(ascii: "\"") { flush(); i += 1; return String(scalars) }
                if b < 0x20 { throw fail("Invalid control character at") }
                guard b == UInt8(ascii: "\\") else { i += 1; continue }
                flush()
                i += 1
                guard i < bytes.count else { throw fail("Unterminated string starting at") }
                let e = bytes[i]
                i += 1
                switch e {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "b"): scalars.append("\u{8}")
                case UInt8(ascii: "f"): scalars.append("\u{c}")
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800..<0xDC00).contains(code), i + 6 <= bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") {
                        let save = i
                        i += 2
                        let low = try hex4()
                        if (0xDC00..<0xE000).contains(low) { code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00) } else { i = save }
                    }
                    scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                default: throw fail("Invalid \\escape")
                }
                run = i
            }
        }

        mutating func hex4() throws -> UInt32 {
            guard i + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[i..<(i + 4)], as: UTF8.self), radix: 16) else { throw fail("Invalid \\uXXXX escape") }
            i += 4
            return v
        }
    }

    static let dumpParams = [Param("indent", .optional(.int), default: Value.none), Param("sort_keys", .bool, default: .bool(false)),
                             Param("ensure_ascii", .bool, default: .bool(true))]

    static func dumps(_ a: BoundArguments) throws -> String {
        var open = Set<ObjectIdentifier>()
        let indent = try a.optionalInt("indent")
        guard (indent ?? 0) >= 0 else { throw NativeError("json.dumps: indent must be non-negative") }
        return try encode(a["obj"], indent: indent, sortKeys: a.bool("sort_keys"), ascii: a.bool("ensure_ascii"), open: &open)
    }

    static func make() -> NamespaceObject {
        var m = ModuleBuilder("json")
        m.function("dumps", [Param("obj")] + dumpParams,
                   "json.dumps(obj, indent=none, sort_keys=false, ensure_ascii=true): obj (none, bools, numbers, strings, lists, tuples, dicts) as JSON text.\n  json.dumps({\"lr\": 0.01, \"epochs\": 5}, indent=2)") { a, _ in
            .string(try dumps(a))
        }
        m.function("loads", [Param("s", .string)], "json.loads(s): the value of JSON text s (objects become dicts, arrays lists).\n  cfg = json.loads(text)") { a, _ in
            var r = Reader(try a.string("s"))
            return try r.document()
        }
        m.function("dump", [Param("obj"), Param("fp")] + dumpParams,
                   "json.dump(obj, fp, indent=none, sort_keys=false, ensure_ascii=true): writes obj as JSON to the file object fp (or sys.stdout, or anything with a write method).\n  with open(\"cfg.json\", \"w\") as f { json.dump(cfg, f, indent=2) }") { a, rt in
            let write = try TextSink.writer(a["fp"], "json.dump", rt)
            try write(try dumps(a))
            return .none
        }
        m.function("load", [Param("fp")], "json.load(fp): the value of the JSON text in the file object fp.\n  with open(\"cfg.json\") as f { cfg = json.load(f) }") { a, _ in
            guard case .object(let f as FileObject) = a["fp"] else { throw NativeError("json.load: fp must be a file object from open(path), got \(a["fp"].typeName)") }
            var r = Reader(try f.read(-1, "json.load"))
            do { return try r.document() } catch let e as NativeError { throw NativeError(e.message.replacingOccurrences(of: "json.loads:", with: "json.load:")) }
        }
        return m.make()
    }
}
