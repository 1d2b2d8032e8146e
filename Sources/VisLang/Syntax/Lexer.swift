/// Turns source bytes into tokens. Newlines end statements, except inside `(` `)` and
/// `[` `]` (the innermost open bracket decides: blocks and dict literals in `{ }` see
/// them, and the parser skips them inside dict literals) and after a binary operator
/// or comma at the end of a line, where the statement continues.
public struct Lexer {
    let file: SourceFile
    let bytes: [UInt8]
    var pos: Int
    let limit: Int
    /// Open brackets, innermost last.
    var brackets: [(UInt8, Int)] = []

    /// A lexer over `file`, or over the byte range `start..<end` of it (f-string parts).
    public init(_ file: SourceFile, start: Int = 0, end: Int? = nil) {
        self.file = file
        self.bytes = file.bytes
        self.pos = start
        self.limit = end ?? file.bytes.count
    }

    static let operators: [String] = ["...", "//=", "**=", "<<=", ">>=", "**", "//", "<<", ">>", "==", "!=", "<=", ">=", "+=", "-=", "*=", "/=", "%=", "@=",
                                      "&=", "|=", "^=", "=>",
                                      "+", "-", "*", "/", "%", "@", "<", ">", "=", "&", "|", "^", "~", "(", ")", "[", "]", "{", "}", ",", ":", ";", "."]
    /// The operators with their bytes, longest first where one is a prefix of another.
    static let operatorBytes: [(String, [UInt8])] = operators.map { ($0, Array($0.utf8)) }
    /// Tokens after which a line break does not end the statement.
    static let continuing: Set<String> = ["+", "-", "*", "/", "//", "%", "**", "@", "==", "!=", "<", "<=", ">", ">=", "=", ",", "=>",
                                           "+=", "-=", "*=", "/=", "//=", "%=", "**=", "@=", ".", "(", "[", "{",
                                           "&", "|", "^", "~", "<<", ">>", "&=", "|=", "^=", "<<=", ">>="]

    func range(_ s: Int, _ e: Int) -> SourceRange { SourceRange(file, s, e) }

    /// All tokens, ending with `.eof`.
    public mutating func tokenize() throws -> [Token] {
        var tokens: [Token] = []
        while true {
            let t = try next(after: tokens.last)
            if t.kind == .newline {
                // Collapse blank lines; drop breaks after an operator or comma, or
                // inside parentheses and square brackets.
                if let last = tokens.last {
                    if last.kind == .newline { continue }
                    if case .op(let o) = last.kind, Lexer.continuing.contains(o) { continue }
                    if case .keyword(let k) = last.kind, k == .and || k == .or || k == .not || k == .in || k == .is { continue }
                } else {
                    continue
                }
                if let (b, _) = brackets.last, b != UInt8(ascii: "{") { continue }
            }
            tokens.append(t)
            if t.kind == .eof { return tokens }
        }
    }

    @inline(__always) func peek(_ k: Int = 0) -> UInt8 { pos + k < limit ? bytes[pos + k] : 0 }

    mutating func next(after previous: Token?) throws -> Token {
        // Skip spaces, comments and line continuations by backslash.
        while pos < limit {
            let c = bytes[pos]
            if c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\r") { pos += 1; continue }
            if c == UInt8(ascii: "#") {
                while pos < limit && bytes[pos] != UInt8(ascii: "\n") { pos += 1 }
                continue
            }
            if c == UInt8(ascii: "\\") && peek(1) == UInt8(ascii: "\n") { pos += 2; continue }
            break
        }
        let start = pos
        guard pos < limit else { return Token(kind: .eof, start: limit, end: limit) }
        let c = bytes[pos]
        if c == UInt8(ascii: "\n") {
            pos += 1
            return Token(kind: .newline, start: start, end: pos)
        }
        if isDigit(c) || (c == UInt8(ascii: ".") && isDigit(peek(1))) { return try number() }
        if c == UInt8(ascii: "f") && (peek(1) == UInt8(ascii: "\"") || peek(1) == UInt8(ascii: "'")) {
            pos += 1
            return try string(start: start, formatted: true)
        }
        if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") { return try string(start: start, formatted: false) }
        if isIdentStart(c) {
            while pos < limit && (isIdentStart(bytes[pos]) || isDigit(bytes[pos])) { pos += 1 }
            let text = String(decoding: bytes[start..<pos], as: UTF8.self)
            if let k = Keyword(rawValue: text) { return Token(kind: .keyword(k), start: start, end: pos) }
            return Token(kind: .name(text), start: start, end: pos)
        }
        for (op, spelling) in Lexer.operatorBytes where spelling[0] == c && matches(spelling) {
            pos += spelling.count
            try track(op, start)
            return Token(kind: .op(op), start: start, end: pos)
        }
        if c >= 0x80 {
            // Skip the whole UTF-8 sequence so the error shows one character.
            pos += 1
            while pos < limit && bytes[pos] & 0xC0 == 0x80 { pos += 1 }
        } else {
            pos += 1
        }
        let ch = String(decoding: bytes[start..<pos], as: UTF8.self)
        throw LexError("unexpected character '\(ch)'", range(start, pos))
    }

    mutating func track(_ op: String, _ start: Int) throws {
        switch op {
        case "(", "[", "{": brackets.append((op.utf8.first ?? 0, start))
        case ")", "]", "}":
            let open: UInt8 = op == ")" ? UInt8(ascii: "(") : op == "]" ? UInt8(ascii: "[") : UInt8(ascii: "{")
            if let (b, _) = brackets.last, b == open { brackets.removeLast() }
            // A mismatch is left for the parser to report with both positions.
        default: break
        }
    }

    func matches(_ spelling: [UInt8]) -> Bool {
        guard pos + spelling.count <= limit else { return false }
        for (k, b) in spelling.enumerated() where bytes[pos + k] != b { return false }
        return true
    }

    @inline(__always) func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    @inline(__always) func isIdentStart(_ c: UInt8) -> Bool {
        (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95
    }

    mutating func number() throws -> Token {
        let start = pos
        var isFloat = false
        func digits() { while pos < limit && (isDigit(bytes[pos]) || (bytes[pos] == UInt8(ascii: "_") && isDigit(peek(1)))) { pos += 1 } }
        digits()
        if peek() == UInt8(ascii: ".") && !(peek(1) == UInt8(ascii: ".")) && !isIdentStart(peek(1)) {
            isFloat = true
            pos += 1
            digits()
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            let save = pos
            pos += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { pos += 1 }
            if isDigit(peek()) { isFloat = true; digits() } else { pos = save }
        }
        if isIdentStart(peek()) {
            while pos < limit && (isIdentStart(bytes[pos]) || isDigit(bytes[pos])) { pos += 1 }
            throw LexError("invalid number '\(String(decoding: bytes[start..<pos], as: UTF8.self))'", range(start, pos))
        }
        let text = String(decoding: bytes[start..<pos], as: UTF8.self).replacingOccurrences(of: "_", with: "")
        if isFloat {
            guard let d = Double(text) else { throw LexError("invalid number '\(text)'", range(start, pos)) }
            return Token(kind: .float(d), start: start, end: pos)
        }
        guard let i = Int(text) else { throw LexError("integer literal \(text) is too large (the limit is \(Int.max))", range(start, pos)) }
        return Token(kind: .int(i), start: start, end: pos)
    }

    /// A string or f-string (single line; `\n \t \r \0 \" \' \\` escapes; in f-strings
    /// `{expr}` / `{expr:spec}` and `{{` `}}`).
    mutating func string(start: Int, formatted: Bool) throws -> Token {
        let quote = bytes[pos]
        pos += 1
        var pieces: [FStringPiece] = []
        var buffer: [UInt8] = []
        func flush() {
            if !buffer.isEmpty { pieces.append(.text(String(decoding: buffer, as: UTF8.self))); buffer = [] }
        }
        while true {
            guard pos < limit, bytes[pos] != UInt8(ascii: "\n") else {
                throw LexError("unterminated string (strings end on the line they start; close it with \(quote == UInt8(ascii: "\"") ? "\"" : "'"))", range(start, pos))
            }
            let c = bytes[pos]
            if c == quote { pos += 1; break }
            if c == UInt8(ascii: "\\") {
                let e = peek(1)
                // A backslash at the end of the line (or input) leaves the string open.
                guard pos + 1 < limit, e != UInt8(ascii: "\n") else { pos += 1; continue }
                switch e {
                case UInt8(ascii: "n"): buffer.append(10)
                case UInt8(ascii: "t"): buffer.append(9)
                case UInt8(ascii: "r"): buffer.append(13)
                case UInt8(ascii: "0"): buffer.append(0)
                case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "\\"), UInt8(ascii: "{"), UInt8(ascii: "}"): buffer.append(e)
                default:
                    // Show the whole character after the backslash, even a multi-byte one.
                    var end = pos + 2
                    while end < limit && bytes[end] & 0xC0 == 0x80 { end += 1 }
                    let ch = String(decoding: bytes[(pos + 1)..<end], as: UTF8.self)
                    throw LexError("unknown escape '\\\(ch)' in string (use \\\\ for a backslash)", range(pos, end))
                }
                pos += 2
                continue
            }
            if formatted && c == UInt8(ascii: "{") {
                if peek(1) == UInt8(ascii: "{") { buffer.append(c); pos += 2; continue }
                flush()
                pos += 1
                let exprStart = pos
                var depth = 0
                var specStart: Int? = nil
                while pos < limit {
                    let d = bytes[pos]
                    if d == UInt8(ascii: "\n") || d == quote && depth == 0 && specStart == nil { break }
                    if d == UInt8(ascii: "(") || d == UInt8(ascii: "[") || d == UInt8(ascii: "{") { depth += 1 }
                    if d == UInt8(ascii: ")") || d == UInt8(ascii: "]") { depth -= 1 }
                    if d == UInt8(ascii: "}") {
                        if depth == 0 { break }
                        depth -= 1
                    }
                    if d == UInt8(ascii: ":") && depth == 0 && specStart == nil { specStart = pos }
                    if d == UInt8(ascii: "!") && depth == 0 && specStart == nil && "rsa".utf8.contains(peek(1))
                        && (peek(2) == UInt8(ascii: "}") || peek(2) == UInt8(ascii: ":")) {
                        let c = String(decoding: [peek(1)], as: UTF8.self)
                        throw LexError("f-string: conversions like '!\(c)' are not supported; write {\(c == "r" ? "repr" : "str")(x)} instead", range(pos, pos + 2))
                    }
                    pos += 1
                }
                guard pos < limit, bytes[pos] == UInt8(ascii: "}") else {
                    throw LexError("f-string: '{' is not closed by '}'", range(exprStart - 1, pos))
                }
                let exprEnd = specStart ?? pos
                let spec = specStart.map { String(decoding: bytes[($0 + 1)..<pos], as: UTF8.self) } ?? ""
                if String(decoding: bytes[exprStart..<exprEnd], as: UTF8.self).allSatisfy({ $0 == " " }) {
                    throw LexError("f-string: empty expression in '{}'", range(exprStart - 1, pos + 1))
                }
                pieces.append(.expr(start: exprStart, end: exprEnd, spec: spec))
                pos += 1
                continue
            }
            if formatted && c == UInt8(ascii: "}") {
                if peek(1) == UInt8(ascii: "}") { buffer.append(c); pos += 2; continue }
                throw LexError("f-string: single '}' is not allowed (write '}}')", range(pos, pos + 1))
            }
            buffer.append(c)
            pos += 1
        }
        if formatted {
            flush()
            return Token(kind: .fstring(pieces), start: start, end: pos)
        }
        return Token(kind: .string(String(decoding: buffer, as: UTF8.self)), start: start, end: pos)
    }
}
