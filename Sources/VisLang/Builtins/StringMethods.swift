import Foundation
import VisTensor

/// Python's string methods beyond split / join / replace / format (ValueMethods.swift):
/// searching (`find`, `rfind`, `index`, `rindex`, `count`, `startswith`, `endswith`),
/// splitting (`rsplit`, `partition`, `rpartition`, `splitlines`), padding (`zfill`,
/// `ljust`, `rjust`, `center`, `expandtabs`), stripping (`strip`, `lstrip`, `rstrip`
/// with chars, `removeprefix`, `removesuffix`), case (`title`, `capitalize`,
/// `swapcase`) and the `is...` tests, with Python's results.
///
/// Positions (the results of `find`, the `start` / `end` arguments) count characters,
/// as vis's `len` and indexing do, so `s[s.find(x):]` works; for text without combining
/// marks or "\r\n" pairs that is Python's count of code points. The `is...` tests and case
/// mappings look at every code point, as Python's do.
enum StringMethods {
    /// Python's `str.isspace` set (bidirectional classes WS, B, S and category Zs):
    /// wider than Foundation's whitespace (it has the separators \x1c-\x1f).
    static func isSpace(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    /// A character all of whose code points are Python whitespace ("\r\n" is one character).
    static func isSpace(_ c: Character) -> Bool { c.unicodeScalars.allSatisfy(isSpace) }

    /// The characters `str.splitlines` breaks at (Python's universal newlines and more).
    static let lineBreaks: Set<Character> = ["\n", "\r", "\r\n", "\u{0B}", "\u{0C}", "\u{1C}", "\u{1D}", "\u{1E}", "\u{85}", "\u{2028}", "\u{2029}"]

    /// Python's slice rule for `start` / `end` of find and count: negative counts from
    /// the end, then clamped to [0, n]; nil when start lies past the end (no match, even
    /// for an empty substring, as in Python).
    static func window(_ a: BoundArguments, _ n: Int) throws -> (Int, Int)? {
        func clamp(_ v: Int?, _ fallback: Int) -> Int {
            guard let v else { return fallback }
            return v < 0 ? Swift.max(v + n, 0) : Swift.min(v, n)
        }
        let rawStart = try a.optionalInt("start")
        let start = clamp(rawStart, 0), end = clamp(try a.optionalInt("end"), n)
        if let s = rawStart, s > n { return nil }
        return (start, end)
    }

    /// The first (or last) position of `sub` in `chars[start..<end]`, or nil.
    static func search(_ chars: [Character], _ sub: [Character], _ start: Int, _ end: Int, last: Bool) throws -> Int? {
        let m = sub.count
        guard end - start >= m else { return nil }
        let positions = last ? Array(stride(from: end - m, through: start, by: -1)) : Array(start...(end - m))
        var tried = 0
        for i in positions {
            tried &+= 1
            if tried & 0xFFFF == 0 { try Interrupt.check() }
            var j = 0
            while j < m && chars[i + j] == sub[j] { j += 1 }
            if j == m { return i }
        }
        return nil
    }

    /// Non-overlapping occurrences of `sub` in `chars[start..<end]` (empty: n + 1).
    static func count(_ chars: [Character], _ sub: [Character], _ start: Int, _ end: Int) throws -> Int {
        guard end >= start else { return 0 }
        guard !sub.isEmpty else { return end - start + 1 }
        var n = 0, i = start
        while let k = try search(chars, sub, i, end, last: false) { n += 1; i = k + sub.count }
        return n
    }

    /// `prefix` (a string or a tuple of strings) as the list of candidates.
    static func candidates(_ v: Value, _ fn: String) throws -> [String] {
        switch v {
        case .string(let s): return [s]
        case .tuple(let items):
            return try items.map {
                guard case .string(let s) = $0 else { throw NativeError("\(fn): tuple for \(fn) must only contain str, not \($0.typeName)", kind: .typeError) }
                return s
            }
        default: throw NativeError("\(fn): first arg must be str or a tuple of str, not \(v.typeName)", kind: .typeError)
        }
    }

    /// The one-character fill of ljust / rjust / center.
    static func fill(_ a: BoundArguments) throws -> Character {
        let f = try a.string("fillchar")
        guard f.count == 1, let c = f.first else {
            throw NativeError("\(a.function): the fill character must be exactly one character long, got \(Repr.quote(f))", kind: .typeError)
        }
        return c
    }

    /// `s` padded to `width` characters: `left` of the padding on the left.
    static func pad(_ s: String, _ width: Int, _ fill: Character, _ fn: String, left: (Int) -> Int) throws -> String {
        let n = s.count
        guard width > n else { return s }
        // The size in bytes, checked before anything is built (a fill may take several bytes).
        try TextBuilding.checkSize(TextBuilding.sum(TextBuilding.product(width - n, String(fill).utf8.count), s.utf8.count), fn)
        let l = left(width - n)
        return String(repeating: fill, count: l) + s + String(repeating: fill, count: width - n - l)
    }

    /// The strip set: nil (whitespace) or the characters of `chars`.
    static func stripSet(_ a: BoundArguments) throws -> (Character) -> Bool {
        guard let chars = try a.optionalString("chars") else { return isSpace }
        let set = Set(chars)
        return { set.contains($0) }
    }

    /// Python's `rsplit(sep, maxsplit)`: pieces found from the right.
    static func rsplit(_ s: String, sep: String?, maxsplit: Int) throws -> [Value] {
        let chars = Array(s)
        var pieces: [String] = []
        var end = chars.count
        if let sep {
            let sub = Array(sep)
            var splits = 0
            while maxsplit < 0 || splits < maxsplit, let k = try search(chars, sub, 0, end, last: true) {
                pieces.append(String(chars[(k + sub.count)..<end]))
                end = k
                splits += 1
            }
            pieces.append(String(chars[0..<end]))
        } else {
            // Runs of whitespace separate; leading and trailing whitespace gives no piece,
            // and the last piece (the left rest) keeps its inner whitespace.
            while true {
                while end > 0, isSpace(chars[end - 1]) { end -= 1 }
                guard end > 0 else { break }
                if maxsplit >= 0 && pieces.count == maxsplit { pieces.append(String(chars[0..<end])); break }
                var start = end
                while start > 0, !isSpace(chars[start - 1]) { start -= 1 }
                pieces.append(String(chars[start..<end]))
                end = start
                if pieces.count % TextBuilding.chunk == 0 { try Interrupt.check() }
            }
        }
        return pieces.reversed().map { .string($0) }
    }

    /// Python's `str.title`: a letter after a cased letter is lowered, any other is
    /// title-cased ("they're" gives "They'Re", as in Python).
    static func title(_ s: String) -> String {
        var out = "", previousCased = false
        for u in s.unicodeScalars {
            out += previousCased ? u.properties.lowercaseMapping : u.properties.titlecaseMapping
            previousCased = u.properties.isCased
        }
        return out
    }

    /// Python's case tests: at least one cased code point and none of the other case
    /// (a title-case letter fails both).
    static func caseTest(_ s: String, upper: Bool) -> Bool {
        var cased = false
        for u in s.unicodeScalars {
            let p = u.properties
            let title = p.generalCategory == .titlecaseLetter
            if title || (upper ? p.isLowercase : p.isUppercase) { return false }
            if upper ? p.isUppercase : p.isLowercase { cased = true }
        }
        return cased
    }

    /// Python's `istitle`: uppercase / titlecase letters only after uncased ones,
    /// lowercase ones only after cased ones, and at least one cased letter.
    static func isTitle(_ s: String) -> Bool {
        var cased = false, previousCased = false
        for u in s.unicodeScalars {
            let p = u.properties
            if p.isUppercase || p.generalCategory == .titlecaseLetter {
                if previousCased { return false }
                previousCased = true; cased = true
            } else if p.isLowercase {
                if !previousCased { return false }
                previousCased = true; cased = true
            } else { previousCased = false }
        }
        return cased
    }

    /// A test over every code point; an empty string is false, as in Python.
    static func every(_ s: String, _ test: (Unicode.Scalar.Properties) -> Bool) -> Bool {
        !s.isEmpty && s.unicodeScalars.allSatisfy { test($0.properties) }
    }

    static func isDecimal(_ p: Unicode.Scalar.Properties) -> Bool { p.numericType == .decimal }
    static func isDigit(_ p: Unicode.Scalar.Properties) -> Bool { p.numericType == .decimal || p.numericType == .digit }
    static func isNumeric(_ p: Unicode.Scalar.Properties) -> Bool { p.numericType != nil }
    static func isAlpha(_ p: Unicode.Scalar.Properties) -> Bool {
        [.uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter].contains(p.generalCategory)
    }

    static func add(to t: inout BuiltinTable) {
        func s(_ a: BoundArguments) throws -> String { try a.string("self") }
        let windowParams: [Param] = [Param("start", .optional(.int), default: Value.none), Param("end", .optional(.int), default: Value.none)]
        let sub = [Param("sub", .string)] + windowParams

        // MARK: searching
        t.method("find", on: "string", sub, "s.find(sub, start=none, end=none): the lowest position of sub in s[start:end], or -1.\n  \"a,b,c\".find(\",\", 2)  # 3") { a, _ in
            let chars = Array(try s(a))
            guard let (lo, hi) = try window(a, chars.count) else { return .int(-1) }
            return .int(try search(chars, Array(a.string("sub")), lo, hi, last: false) ?? -1)
        }
        t.method("rfind", on: "string", sub, "s.rfind(sub, start=none, end=none): the highest position of sub in s[start:end], or -1.\n  \"a/b/c.png\".rfind(\"/\")  # 3") { a, _ in
            let chars = Array(try s(a))
            guard let (lo, hi) = try window(a, chars.count) else { return .int(-1) }
            return .int(try search(chars, Array(a.string("sub")), lo, hi, last: true) ?? -1)
        }
        t.method("index", on: "string", sub, "s.index(sub, start=none, end=none): like find, but a missing sub is a ValueError.\n  \"key=value\".index(\"=\")  # 3") { a, _ in
            let chars = Array(try s(a))
            guard let (lo, hi) = try window(a, chars.count), let i = try search(chars, Array(a.string("sub")), lo, hi, last: false) else {
                throw NativeError("index: substring \(Repr.quote(try a.string("sub"))) not found", kind: .valueError)
            }
            return .int(i)
        }
        t.method("rindex", on: "string", sub, "s.rindex(sub, start=none, end=none): like rfind, but a missing sub is a ValueError.\n  \"a.b.c\".rindex(\".\")  # 3") { a, _ in
            let chars = Array(try s(a))
            guard let (lo, hi) = try window(a, chars.count), let i = try search(chars, Array(a.string("sub")), lo, hi, last: true) else {
                throw NativeError("rindex: substring \(Repr.quote(try a.string("sub"))) not found", kind: .valueError)
            }
            return .int(i)
        }
        t.method("count", on: "string", sub, "s.count(sub, start=none, end=none): how many non-overlapping sub are in s[start:end] (an empty sub: len + 1).\n  \"a,b,,c\".count(\",\")  # 3") { a, _ in
            let chars = Array(try s(a))
            guard let (lo, hi) = try window(a, chars.count) else { return .int(0) }
            return .int(try count(chars, Array(a.string("sub")), lo, hi))
        }
        for (name, isPrefix) in [("startswith", true), ("endswith", false)] {
            let example = isPrefix ? "name.startswith((\"img\", \"pic\"))" : "path.endswith((\".png\", \".jpg\"))"
            t.method(name, on: "string", [Param(isPrefix ? "prefix" : "suffix")] + windowParams,
                     "s.\(name)(\(isPrefix ? "prefix" : "suffix"), start=none, end=none): true when s[start:end] \(isPrefix ? "begins" : "ends") with it (a tuple: with any of them).\n  \(example)") { a, _ in
                let chars = Array(try s(a))
                let options = try candidates(a[isPrefix ? "prefix" : "suffix"], name)
                guard let (lo, hi) = try window(a, chars.count) else { return .bool(false) }
                for o in options.map(Array.init) where hi - lo >= o.count {
                    let at = isPrefix ? lo : hi - o.count
                    if Array(chars[at..<(at + o.count)]) == o { return .bool(true) }
                }
                return .bool(false)
            }
        }

        // MARK: splitting
        t.method("rsplit", on: "string", [Param("sep", .optional(.string), default: Value.none), Param("maxsplit", .int, default: .int(-1))],
                 "s.rsplit(sep=none, maxsplit=-1): like split, but the maxsplit splits are made from the right.\n  \"a/b/c.png\".rsplit(\"/\", 1)  # [\"a/b\", \"c.png\"]") { a, _ in
            let sep = try a.optionalString("sep")
            if sep == "" { throw NativeError("rsplit: empty separator", kind: .valueError) }
            return .list(ListBox(try rsplit(s(a), sep: sep, maxsplit: a.int("maxsplit"))))
        }
        for (name, last) in [("partition", false), ("rpartition", true)] {
            t.method(name, on: "string", [Param("sep", .string)],
                     "s.\(name)(sep): the tuple (before, sep, after) around the \(last ? "last" : "first") sep; (\(last ? "\"\", \"\", s" : "s, \"\", \"\"")) when it is missing.\n  key, _, value = \"lr=0.1\".\(name)(\"=\")") { a, _ in
                let str = try s(a), sep = try a.string("sep")
                guard !sep.isEmpty else { throw NativeError("\(name): empty separator", kind: .valueError) }
                let chars = Array(str), sub = Array(sep)
                guard let k = try search(chars, sub, 0, chars.count, last: last) else {
                    return .tuple(last ? [.string(""), .string(""), .string(str)] : [.string(str), .string(""), .string("")])
                }
                return .tuple([.string(String(chars[..<k])), .string(sep), .string(String(chars[(k + sub.count)...]))])
            }
        }
        t.method("splitlines", on: "string", [Param("keepends", .bool, default: .bool(false))],
                 "s.splitlines(keepends=false): the lines of s, split at \\n, \\r, \\r\\n and Python's other line breaks; keepends keeps them.\n  text.splitlines()") { a, _ in
            let keep = try a.bool("keepends")
            var lines: [Value] = [], line = ""
            for c in try s(a) {
                if lineBreaks.contains(c) {
                    if keep { line.append(c) }
                    lines.append(.string(line)); line = ""
                    if lines.count % TextBuilding.chunk == 0 { try Interrupt.check() }
                } else { line.append(c) }
            }
            if !line.isEmpty { lines.append(.string(line)) }
            return .list(ListBox(lines))
        }

        // MARK: padding
        t.method("zfill", on: "string", [Param("width", .int)], "s.zfill(width): s padded on the left with zeros to width, after a leading sign.\n  str(7).zfill(3)  # \"007\"") { a, _ in
            let str = try s(a), width = try a.int("width")
            guard width > str.count else { return .string(str) }
            try TextBuilding.checkSize(width, "zfill")
            let zeros = String(repeating: "0", count: width - str.count)
            if let first = str.first, first == "+" || first == "-" { return .string(String(first) + zeros + str.dropFirst()) }
            return .string(zeros + str)
        }
        let padParams = [Param("width", .int), Param("fillchar", .string, default: .string(" "))]
        t.method("ljust", on: "string", padParams, "s.ljust(width, fillchar=\" \"): s padded on the right to width characters.\n  name.ljust(12)") { a, _ in
            .string(try pad(s(a), a.int("width"), fill(a), "ljust") { _ in 0 })
        }
        t.method("rjust", on: "string", padParams, "s.rjust(width, fillchar=\" \"): s padded on the left to width characters.\n  str(n).rjust(5)") { a, _ in
            .string(try pad(s(a), a.int("width"), fill(a), "rjust") { $0 })
        }
        t.method("center", on: "string", padParams, "s.center(width, fillchar=\" \"): s centred in width characters (an odd margin puts the extra fill where Python does).\n  \"title\".center(20, \"=\")") { a, _ in
            let width = try a.int("width")
            // CPython's pad(): left = margin / 2 + (margin & width & 1).
            return .string(try pad(s(a), width, fill(a), "center") { $0 / 2 + ($0 & width & 1) })
        }
        t.method("expandtabs", on: "string", [Param("tabsize", .int, default: .int(8))],
                 "s.expandtabs(tabsize=8): tabs replaced by spaces up to the next multiple of tabsize (columns restart after \\n and \\r).\n  \"a\\tb\".expandtabs(4)") { a, _ in
            let size = try a.int("tabsize")
            var out = "", column = 0
            for c in try s(a) {
                if c == "\t" {
                    if size > 0 {
                        let n = size - column % size
                        try TextBuilding.checkSize(TextBuilding.sum(out.utf8.count, n), "expandtabs")
                        out += String(repeating: " ", count: n); column += n
                    }
                } else {
                    out.append(c)
                    column = (c == "\n" || c == "\r" || c == "\r\n") ? 0 : column + 1
                }
            }
            return .string(out)
        }

        // MARK: stripping
        let chars = [Param("chars", .optional(.string), default: Value.none)]
        t.method("strip", on: "string", chars, "s.strip(chars=none): s without leading and trailing whitespace (or characters in chars).\n  line.strip()") { a, _ in
            let str = try s(a), drop = try stripSet(a)
            guard let first = str.firstIndex(where: { !drop($0) }), let last = str.lastIndex(where: { !drop($0) }) else { return .string("") }
            return .string(String(str[first...last]))
        }
        t.method("lstrip", on: "string", chars, "s.lstrip(chars=none): s without leading whitespace (or characters in chars).\n  \"0042\".lstrip(\"0\")  # \"42\"") { a, _ in
            let str = try s(a), drop = try stripSet(a)
            return .string(String(str.drop(while: drop)))
        }
        t.method("rstrip", on: "string", chars, "s.rstrip(chars=none): s without trailing whitespace (or characters in chars).\n  line.rstrip(\"\\n\")") { a, _ in
            let str = try s(a), drop = try stripSet(a)
            guard let last = str.lastIndex(where: { !drop($0) }) else { return .string("") }
            return .string(String(str[...last]))
        }
        t.method("removeprefix", on: "string", [Param("prefix", .string)], "s.removeprefix(prefix): s without prefix when it starts with it, else s.\n  \"img_01\".removeprefix(\"img_\")  # \"01\"") { a, _ in
            let str = try s(a), p = try a.string("prefix")
            return .string(str.hasPrefix(p) ? String(str.dropFirst(p.count)) : str)
        }
        t.method("removesuffix", on: "string", [Param("suffix", .string)], "s.removesuffix(suffix): s without suffix when it ends with it, else s.\n  \"cat.png\".removesuffix(\".png\")  # \"cat\"") { a, _ in
            let str = try s(a), p = try a.string("suffix")
            return .string(str.hasSuffix(p) && !p.isEmpty ? String(str.dropLast(p.count)) : str)
        }

        // MARK: case
        t.method("title", on: "string", [], "s.title(): every word's first letter upper case, the rest lower case (a letter after a non-letter starts a word: \"they're\" gives \"They'Re\").\n  \"hello world\".title()") { a, _ in
            .string(title(try s(a)))
        }
        t.method("capitalize", on: "string", [], "s.capitalize(): the first character in title case, the rest lower case.\n  \"hELLO\".capitalize()  # \"Hello\"") { a, _ in
            let str = try s(a)
            guard let first = str.unicodeScalars.first else { return .string("") }
            return .string(first.properties.titlecaseMapping + String(String.UnicodeScalarView(str.unicodeScalars.dropFirst())).lowercased())
        }
        t.method("swapcase", on: "string", [], "s.swapcase(): upper case letters lowered and lower case ones raised.\n  \"Hello\".swapcase()  # \"hELLO\"") { a, _ in
            var out = ""
            for u in try s(a).unicodeScalars {
                let p = u.properties
                out += p.isUppercase ? p.lowercaseMapping : p.isLowercase ? p.uppercaseMapping : String(u)
            }
            return .string(out)
        }
        // MARK: tests
        let tests: [(String, String, (String) -> Bool)] = [
            ("isdigit", "every character is a digit (0-9 and other digits such as superscripts)", { every($0, isDigit) }),
            ("isdecimal", "every character is a decimal digit", { every($0, isDecimal) }),
            ("isnumeric", "every character is numeric (digits, fractions, numerals)", { every($0, isNumeric) }),
            ("isalpha", "every character is a letter", { every($0, isAlpha) }),
            ("isalnum", "every character is a letter or numeric", { every($0) { isAlpha($0) || isNumeric($0) } }),
            ("isspace", "every character is whitespace", { !$0.isEmpty && $0.unicodeScalars.allSatisfy(isSpace) }),
            ("isupper", "it has a cased letter and no lower case one", { caseTest($0, upper: true) }),
            ("islower", "it has a cased letter and no upper case one", { caseTest($0, upper: false) }),
            ("istitle", "it is title-cased (\"Hello World\")", isTitle),
            ("isascii", "every character is ASCII (true for \"\")", { $0.unicodeScalars.allSatisfy(\.isASCII) }),
            ("isidentifier", "it is a valid name", { str in
                guard let f = str.unicodeScalars.first, f == "_" || f.properties.isXIDStart else { return false }
                return str.unicodeScalars.dropFirst().allSatisfy { $0.properties.isXIDContinue }
            }),
        ]
        for (name, meaning, test) in tests {
            t.method(name, on: "string", [], "s.\(name)(): true when \(meaning); false for \"\"\(name == "isascii" ? " except isascii" : "").\n  \"42\".\(name)()") { a, _ in
                .bool(test(try s(a)))
            }
        }

        // MARK: code points
        t.function("ord", [Param("c", .string)], "ord(c): the Unicode code point of the one-character string c.\n  ord(\"A\")  # 65") { a, _ in
            let c = try a.string("c")
            guard c.unicodeScalars.count == 1, let u = c.unicodeScalars.first else {
                throw NativeError("ord: expected a character, but string of length \(c.unicodeScalars.count) found", kind: .typeError)
            }
            return .int(Int(u.value))
        }
        t.function("chr", [Param("i", .int)], "chr(i): the one-character string of code point i (0 to 0x10FFFF).\n  chr(65)  # \"A\"") { a, _ in
            let i = try a.int("i")
            guard (0..<0x110000).contains(i) else { throw NativeError("chr: arg not in range(0x110000), got \(i)", kind: .valueError) }
            // Swift strings hold valid Unicode only: a lone surrogate (which Python allows) is refused.
            guard let u = Unicode.Scalar(UInt32(i)) else { throw NativeError("chr: \(i) is a surrogate code point, which vis strings cannot hold", kind: .valueError) }
            return .string(String(u))
        }

        // MARK: refused
        t.method("encode", on: "string", [Param("encoding", .string, default: .string("utf-8")), Param("errors", .string, default: .string("strict"))],
                 "s.encode(encoding=\"utf-8\", errors=\"strict\"): refused: vis has no bytes type (files are text: open(p, \"w\").write(s); len(s) counts characters).\n  open(\"out.txt\", \"w\").write(s)") { _, _ in
            throw NativeError("encode: vis has no bytes type; write strings to text files with open(path, \"w\") (UTF-8), or use a tensor of ints for raw bytes", kind: .typeError)
        }
    }
}
