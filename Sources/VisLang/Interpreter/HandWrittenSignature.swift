import Foundation

/// A signature written by hand at the start of a doc string
/// (`Conv2d(in_channels, out_channels, ...): 2-D convolution`, `x.sum(dim=none): ...`).
/// Help shows the signature generated from the declaration instead, so the hand-written
/// one is cut off at display; its parameter names are also what the tests compare with
/// the declaration, to catch docs that drifted from the code.
public struct HandWrittenSignature {
    /// The receiver written before the name (`x` in `x.sum(...)`), if any.
    public let receiver: String?
    /// The function name as written.
    public let name: String
    /// The parameter names as written, without `*`, `**` and defaults (`...` kept).
    public let parameters: [String]
    /// The doc after the signature and its `:` separator.
    public let rest: String

    /// Parses the signature that opens `doc`, or nil when the doc does not open with
    /// `name(...)` or `receiver.name(...)` followed by `:`, a newline or the end.
    public init?(_ doc: String) {
        let chars = Array(doc)
        var i = 0
        func identifier() -> String? {
            let start = i
            while i < chars.count, chars[i] == "_" || chars[i].isLetter || (i > start && chars[i].isNumber) { i += 1 }
            return i > start ? String(chars[start..<i]) : nil
        }
        guard var name = identifier() else { return nil }
        var receiver: String?
        if i < chars.count, chars[i] == "." {
            i += 1
            guard let member = identifier() else { return nil }
            receiver = name
            name = member
        }
        guard i < chars.count, chars[i] == "(" else { return nil }
        // The parameter list up to the matching parenthesis; commas split it only at
        // depth 1 and outside strings (`mode="nearest"|"bilinear"`, `betas=(0.9, 0.999)`).
        var depth = 0, quote: Character?, pieces: [String] = [], current = ""
        while i < chars.count {
            let c = chars[i]
            i += 1
            if let q = quote {
                if c == q { quote = nil }
                current.append(c)
                continue
            }
            if c == "\"" || c == "'" { quote = c; current.append(c); continue }
            if "([{".contains(c) {
                depth += 1
                if depth == 1 { continue }
            } else if ")]}".contains(c) {
                depth -= 1
                if depth == 0 { pieces.append(current); break }
            } else if c == ",", depth == 1 {
                pieces.append(current)
                current = ""
                continue
            }
            current.append(c)
        }
        guard depth == 0, quote == nil else { return nil }
        // What follows: `: text`, a newline, or the end of the doc.
        var rest = chars[i...]
        if rest.first == ":" {
            rest = rest.dropFirst()
        } else if let first = rest.first, first != "\n" {
            return nil
        }
        while let first = rest.first, first == " " || first == "\n" { rest = rest.dropFirst() }
        self.receiver = receiver
        self.name = name
        self.rest = String(rest)
        self.parameters = pieces.map { piece in
            var p = Substring(piece.trimmingCharacters(in: .whitespaces))
            while p.first == "*" { p = p.dropFirst() }
            if let eq = p.firstIndex(of: "=") { p = p[..<eq] }
            return p.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
    }

    /// `doc` without the hand-written signature it opens with (unchanged when it has
    /// none), so help shows the generated signature only.
    public static func strip(_ doc: String) -> String {
        guard let s = HandWrittenSignature(doc) else { return doc }
        return s.rest
    }

    /// How the hand-written signature disagrees with the declared parameters (`self`
    /// excluded): names it has that the declaration lacks, and declared names it omits.
    /// A `...` in the hand-written list stands for omitted parameters, so only names it
    /// lacks are reported then.
    public func mismatch(with declared: [String]) -> (unknown: [String], omitted: [String]) {
        let declared = declared.filter { $0 != "self" }
        let written = parameters.filter { $0 != "..." && $0 != "self" }
        let unknown = written.filter { !declared.contains($0) }
        let omitted = parameters.contains("...") ? [] : declared.filter { !written.contains($0) }
        return (unknown, omitted)
    }
}
