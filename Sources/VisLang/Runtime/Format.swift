import Foundation

/// Python's format-spec mini-language for f-strings and `"...".format(...)`:
/// `[[fill]align][sign][0][width][,|_][.precision][type]` with types
/// `d f F e E g G % s b o x X` (`{loss:.4f}`, `{n:>8}`, `{acc:.1%}`, `{i:03d}`).
public enum Format {
    /// The largest width or precision a format spec may ask for.
    static let maxWidth = 10_000

    /// `value` formatted by `spec`.
    public static func apply(_ value: Value, _ spec: String) throws -> String {
        if spec.isEmpty { return try Repr.userStr(value) }
        // A 0-d tensor formats as its value, as in PyTorch: f"{loss:.4f}", f"{n:,}".
        if case .tensor(let t) = value, t.ndim == 0 {
            return try apply(try Convert.itemValue(t), spec)
        }
        var chars = Array(spec)
        var fill: Character = " ", align: Character? = nil
        if chars.count >= 2, "<>^=".contains(chars[1]) {
            fill = chars[0]; align = chars[1]; chars.removeFirst(2)
        } else if let c = chars.first, "<>^=".contains(c) {
            align = c; chars.removeFirst()
        }
        var sign: Character = "-"
        if let c = chars.first, "+- ".contains(c) { sign = c; chars.removeFirst() }
        var alternate = false
        if chars.first == "#" { alternate = true; chars.removeFirst() }
        if chars.first == "0" {
            if align == nil { fill = "0"; align = "=" }
            chars.removeFirst()
        }
        var width = 0
        while let c = chars.first, let d = c.wholeNumberValue {
            width = width * 10 + d
            chars.removeFirst()
            guard width <= maxWidth else { throw NativeError("format spec '\(spec)': width is too large (the limit is \(maxWidth))") }
        }
        var grouping: Character? = nil
        if let c = chars.first, c == "," || c == "_" { grouping = c; chars.removeFirst() }
        var precision: Int? = nil
        if chars.first == "." {
            chars.removeFirst()
            var p = 0, any = false
            while let c = chars.first, let d = c.wholeNumberValue {
                p = p * 10 + d
                any = true
                chars.removeFirst()
                guard p <= maxWidth else { throw NativeError("format spec '\(spec)': precision is too large (the limit is \(maxWidth))") }
            }
            guard any else { throw NativeError("format spec '\(spec)': precision missing after '.'") }
            precision = p
        }
        let type = chars.first
        if chars.count > 1 { throw NativeError("invalid format spec '\(spec)'") }

        var body: String
        var negative = false
        /// `0x`, `0o`, `0b` with `#`: after the sign, before any zero padding.
        var prefix = ""
        func number() throws -> Double {
            switch value {
            case .tensor(let t) where t.count == 1: return try t.item()
            default:
                guard let d = value.asDouble else { throw NativeError("format spec '\(spec)' needs a number, got \(value.typeName)") }
                return d
            }
        }
        switch type {
        case "d", "b", "o", "x", "X":
            let n: Int
            if let i = value.asInt { n = i } else if case .tensor(let t) = value, t.count == 1, !t.dtype.isFloatingPoint { n = try Convert.intItem(t) } else {
                throw NativeError("format spec '\(spec)' needs an int, got \(value.typeName)")
            }
            negative = n < 0
            let radix = type == "d" ? 10 : type == "b" ? 2 : type == "o" ? 8 : 16
            body = String(n.magnitude, radix: radix, uppercase: type == "X")
            if alternate && radix != 10 { prefix = "0" + String(type ?? "x") }
            if let g = grouping, type == "d" { body = group(body, g) }
        case "f", "F", "e", "E", "g", "G", "%":
            var x = try number()
            if type == "%" { x *= 100 }
            negative = x < 0 || (x == 0 && x.sign == .minus)
            let p = precision ?? 6
            let m = Swift.abs(x)
            if m.isNaN { body = type == "F" || type == "E" || type == "G" ? "NAN" : "nan" } else if m.isInfinite { body = type == "F" || type == "E" || type == "G" ? "INF" : "inf" } else {
                switch type {
                case "e", "E": body = String(format: "%.\(p)\(type == "e" ? "e" : "E")", m)
                case "g", "G": body = String(format: "%.\(Swift.max(p, 1))\(type == "g" ? "g" : "G")", m)
                default: body = String(format: "%.\(p)f", m)
                }
            }
            if let g = grouping, body.first?.isNumber == true {
                let dot = body.firstIndex(of: ".") ?? body.endIndex
                body = group(String(body[..<dot]), g) + body[dot...]
            }
            if type == "%" { body += "%" }
        case nil:
            if case .bool(let flag) = value {
                body = flag ? "true" : "false"  // spelled as vis spells bools, not as 1 / 0
            } else if let p = precision, let x = value.asDouble, !(value.asInt != nil && !Arith.isFloat(value)) {
                negative = x < 0
                body = String(format: "%.\(Swift.max(p, 1))g", Swift.abs(x))
            } else if let p = precision, case .string(let s) = value {
                body = String(s.prefix(p))
            } else if value.asInt != nil && !Arith.isFloat(value), let n = value.asInt {
                negative = n < 0
                body = String(n.magnitude)
                if let g = grouping { body = group(body, g) }
            } else if case .float(let d) = value {
                negative = d < 0
                body = Repr.float(Swift.abs(d))
            } else {
                body = try Repr.userStr(value)
            }
        case "s":
            body = try Repr.userStr(value)
            if let p = precision { body = String(body.prefix(p)) }
        default:
            throw NativeError("unknown format code '\(type.map(String.init) ?? "")' in spec '\(spec)'")
        }
        let signText = (negative ? "-" : (sign == "+" ? "+" : (sign == " " ? " " : ""))) + prefix
        // Python aligns numbers right and everything else left by default.
        let isString: Bool
        if case .string = value { isString = true } else { isString = false }
        let numeric = !isString && type != "s" && (type != nil || value.asDouble != nil || { if case .tensor = value { return true } else { return false } }())
        let a = align ?? (numeric ? ">" : "<")
        let content = signText + body
        let pad = Swift.max(0, width - content.count)
        switch a {
        case "<": return content + String(repeating: fill, count: pad)
        case "^": return String(repeating: fill, count: pad / 2) + content + String(repeating: fill, count: pad - pad / 2)
        case "=": return signText + String(repeating: fill, count: pad) + body
        default: return String(repeating: fill, count: pad) + content
        }
    }

    /// Inserts a thousands separator into a string of digits.
    static func group(_ digits: String, _ sep: Character) -> String {
        var out: [Character] = []
        for (i, c) in digits.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(sep) }
            out.append(c)
        }
        return String(out.reversed())
    }

    /// Old-style `"%d items, %.2f s" % (n, t)`.
    public static func percent(_ format: String, _ args: Value) throws -> String {
        let values: [Value]
        if case .tuple(let t) = args { values = t } else { values = [args] }
        var out = "", i = 0
        var chars = format[...]
        while let c = chars.first {
            chars = chars.dropFirst()
            guard c == "%" else { out.append(c); continue }
            if chars.first == "%" { out.append("%"); chars = chars.dropFirst(); continue }
            var spec = ""
            while let s = chars.first, !"dfsegxr".contains(s) { spec.append(s); chars = chars.dropFirst() }
            guard let t = chars.first else { throw NativeError("incomplete format in '\(format)'") }
            chars = chars.dropFirst()
            guard i < values.count else { throw NativeError("not enough arguments for format string '\(format)'") }
            let v = values[i]
            i += 1
            // printf flags: `-` aligns left; otherwise a width aligns right, strings too.
            var flags = spec
            if flags.hasPrefix("-") { flags = "<" + flags.dropFirst() } else if t == "s" || t == "r", !flags.isEmpty { flags = ">" + flags }
            let piece = t == "r" ? try apply(.string(Repr.userRepr(v)), flags) : try apply(v, flags + (t == "s" ? "" : String(t)))
            try TextBuilding.checkSize(TextBuilding.sum(out.utf8.count, piece.utf8.count), "%")
            out += piece
        }
        guard i == values.count else { throw NativeError("not all arguments converted during string formatting") }
        return out
    }
}
