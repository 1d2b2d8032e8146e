/// A lexical token: its kind and where it is in the source.
public struct Token {
    public let kind: TokenKind
    public let start: Int
    public let end: Int
}

/// The kinds of tokens.
public enum TokenKind: Equatable {
    case int(Int)
    case float(Double)
    case string(String)
    /// An f-string: its pieces, with embedded expressions as byte ranges of the source.
    case fstring([FStringPiece])
    case name(String)
    case keyword(Keyword)
    /// An operator or punctuation, by its spelling (`"+"`, `"//="`, `"=>"`, `"..."`).
    case op(String)
    case newline
    case eof

    /// How the token is described in errors.
    public var display: String {
        switch self {
        case .int(let i): return "number \(i)"
        case .float(let d): return "number \(d)"
        case .string: return "string"
        case .fstring: return "f-string"
        case .name(let n): return "name '\(n)'"
        case .keyword(let k): return "'\(k.rawValue)'"
        case .op(let o): return "'\(o)'"
        case .newline: return "end of line"
        case .eof: return "end of input"
        }
    }
}

/// A piece of an f-string as lexed: literal text, or an embedded expression's byte
/// range in the source and its format spec.
public enum FStringPiece: Equatable {
    case text(String)
    case expr(start: Int, end: Int, spec: String)
}

/// The reserved words of LANGUAGE.md.
public enum Keyword: String, CaseIterable {
    case fn, `return`, `if`, `else`, `for`, `in`, `while`, `break`, `continue`, model
    case `true`, `false`, none, and, or, not, global, no_grad, assert
    /// Python spellings: `lambda x: e`, `a is b`, `elif`, `pass`, `del x`.
    case lambda, `is`, elif, pass, del
    case with, `as`, `try`, except, finally, raise, `import`, from
}
