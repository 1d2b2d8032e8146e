import Foundation
import VisLang

/// The input generators.
public enum Generators {
    /// One input: the generator's name and the text.
    public static func make(_ rng: inout SplitMix64, corpus: Corpus) -> (String, String) {
        switch Int.random(in: 0..<100, using: &rng) {
        case 0..<20: return ("tokens", tokenSoup(&rng))
        case 20..<45:
            var generator = ProgramGenerator()
            return ("grammar", generator.program(&rng))
        case 45..<55: return ("truncation", truncation(&rng, corpus))
        case 55..<75: return ("mutation", mutation(&rng, corpus))
        case 75..<83: return ("splice", splice(&rng, corpus))
        case 83..<92: return ("nesting", nesting(&rng))
        default: return ("literal", hugeLiteral(&rng))
        }
    }

    static func pick<T>(_ xs: [T], _ rng: inout SplitMix64) -> T { xs[Int.random(in: 0..<xs.count, using: &rng)] }

    public static let vocabulary: [String] = Keyword.allCases.map(\.rawValue) + [
        "x", "y", "z", "f", "g", "m", "xs", "d", "i", "n", "s", "t", "self", "forward", "M", "print", "len", "range",
        "tensor", "ones", "zeros", "arange", "randn", "sum", "max", "min", "sorted", "list", "dict", "str", "int", "float",
        "bool", "enumerate", "zip", "abs", "round", "type", "isinstance", "repr", "softmax", "relu", "exp", "cat", "stack",
        "append", "pop", "keys", "items", "shape", "sum", "mean", "reshape", "backward", "grad", "item", "T", "seed",
        "0", "1", "2", "3", "-1", "10", "0.5", "1e-3", "2.5", "100", "\"a\"", "'b'", "\"\"", "f\"{x}\"", "f\"{x:.2f}\"",
        "\"%d\"", "f\"{\"", "\"{}\"",
        "+", "-", "*", "/", "//", "%", "**", "@", "==", "!=", "<", "<=", ">", ">=", "=", "+=", "-=", "*=", "/=", "//=",
        "%=", "**=", "@=", "=>", "(", ")", "[", "]", "{", "}", ",", ":", ";", ".", "...", "\n", "\n", "\n", "#", "# %%",
        "\\", "\"", "'", "$", "!", "é",
        "&", "|", "^", "~", "<<", ">>", "&=", "|=", "^=", "<<=", ">>=", "*xs", "**d", "lambda x:", "is not", "for x in",
        "any", "all",
    ]

    /// Random tokens from the language's vocabulary.
    static func tokenSoup(_ rng: inout SplitMix64) -> String {
        let n = Int.random(in: 1...60, using: &rng)
        var out = ""
        for _ in 0..<n {
            out += pick(vocabulary, &rng)
            out += pick([" ", " ", " ", "", "\n"], &rng)
        }
        return out
    }

    static func source(_ rng: inout SplitMix64, _ corpus: Corpus) -> [UInt8] {
        Array(pick(corpus.notebooks, &rng).1.utf8)
    }

    /// A prefix or a slice of a real notebook, cut at any byte (UTF-8 included).
    static func truncation(_ rng: inout SplitMix64, _ corpus: Corpus) -> String {
        let bytes = source(&rng, corpus)
        guard !bytes.isEmpty else { return "" }
        let a = Bool.random(using: &rng) ? 0 : Int.random(in: 0..<bytes.count, using: &rng)
        let b = Int.random(in: a...bytes.count, using: &rng)
        return String(decoding: bytes[a..<b], as: UTF8.self)
    }

    static let interesting: [[UInt8]] = ["(", ")", "[", "]", "{", "}", "\"", "'", "f\"", "\\", "\n", "#", "#>", "# %%", ":",
                                         ",", ".", "=", "-", "*", "**", "/", "//", "0", "9", "1e", "_", "x", " ", "\t",
                                         "fn", "=>", "if", "else", "for", "in", "return", "break", "model", "global",
                                         "no_grad", "...", ";", "é", "lambda", "&", "|", "~", "<<", ">>", "elif", "del", "pass",
                                         " is ", " for x in ", "*", "**"].map { Array($0.utf8) } + [[0xFF], [0xC3], [0x00], [0x80]]

    /// A real notebook with a few random byte edits.
    static func mutation(_ rng: inout SplitMix64, _ corpus: Corpus) -> String {
        var bytes = source(&rng, corpus)
        for _ in 0..<Int.random(in: 1...8, using: &rng) {
            let at = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<5, using: &rng) {
            case 0: bytes.insert(contentsOf: pick(interesting, &rng), at: at)
            case 1: bytes.removeSubrange(at..<Swift.min(bytes.count, at + Int.random(in: 1...5, using: &rng)))
            case 2: if !bytes.isEmpty { bytes[at] = pick(interesting, &rng).first ?? 0 }
            case 3:
                let end = Swift.min(bytes.count, at + Int.random(in: 1...40, using: &rng))
                bytes.insert(contentsOf: Array(bytes[at..<end]), at: Int.random(in: 0...bytes.count, using: &rng))
            default: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: at)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Lines of different notebooks put together, so names meet unexpected values.
    static func splice(_ rng: inout SplitMix64, _ corpus: Corpus) -> String {
        (0..<Int.random(in: 1...30, using: &rng)).map { _ in pick(corpus.lines, &rng) }.joined(separator: "\n")
    }

    /// Deeply nested input of every bracketing kind, closed or not.
    static func nesting(_ rng: inout SplitMix64) -> String {
        let (open, close) = pick([("(", ")"), ("[", "]"), ("-", ""), ("not ", ""), ("{\"k\": ", "}"), ("fn() => ", ""),
                                  ("if x { ", " }"), ("f(", ")"), ("x.", ""), ("2 ** ", ""), ("[1, ", "]"), ("1 + (", ")"),
                                  ("while x { ", " }"), ("fn g() { return ", " }"), ("f\"{", "}\""), ("x[", "]"),
                                  ("1 if x else ", ""), ("model M() { ", " }"), ("no_grad { ", " }"),
                                  ("[x for x in ", "]"), ("(y for y in ", ")"), ("{k: 1 for k in ", "}"), ("lambda: ", ""),
                                  ("~", ""), ("1 | ", ""), ("1 << ", ""), ("f(*", ")"), ("[*", "]"), ("{**", "}")], &rng)
        let depth = Int(pow(2.0, Double.random(in: 0...11, using: &rng)))
        let core = pick(["1", "x", "", "a = 1", "ones(2)"], &rng)
        let closing = Bool.random(using: &rng) ? String(repeating: close, count: depth) : ""
        return "x = 1\n" + String(repeating: open, count: depth) + core + closing
    }

    /// Literals at and past every limit, in several contexts.
    static func hugeLiteral(_ rng: inout SplitMix64) -> String {
        let k = Int.random(in: 1...200, using: &rng)
        let literal = pick([
            String(repeating: "9", count: k), "1" + String(repeating: "0", count: k), "1e" + String(k * 10),
            "0." + String(repeating: "0", count: k) + "1", "1" + String(repeating: "_1", count: k),
            String(repeating: "9", count: k) + "." + String(repeating: "9", count: k), "9223372036854775807",
            "9223372036854775808", "-9223372036854775808", "1e308 * 10", "\"" + String(repeating: "x", count: k * 100) + "\"",
            String(repeating: "x", count: k * 10), "-" + String(repeating: "9", count: k),
            "(-9223372036854775807 - 1)", "4611686018427387904", "9007199254740993", "1e308", "-0.0", "nan", "inf",
            String(k), String(k * 1000), "-" + String(k),
        ], &rng)
        let context = pick(["x = L", "L", "[1][L]", "L + 1", "L * L", "-L", "L // 3", "range(L)", "str(L)", "int(L)",
                            "float(L)", "f\"{L:,}\"", "round(L, 2)", "[L]", "{L: 1}", "tensor(L)", "x = L\nx ** 2",
                            "abs(L)", "f\"{1:L}\"", "f\"{1.5:.L}\"", "round(1.5, L)", "\"ab\" * L", "[0] * L", "arange(L)",
                            "zeros(L)", "ones(4).reshape(L, -1)", "[1, 2, 3][L:L:L]", "range(L)[L]", "range(0, L, L)",
                            "tensor([L], dtype=\"int64\").tolist()", "tensor([L, 1], dtype=\"int64\")",
                            "x = arange(2)\nx[0] = L\nx", "randint(0, L, [2])", "L in range(L)", "len(range(-L, L))",
                            "full([2], L, dtype=\"int64\")", "eye(L)", "linspace(0, 1, L)", "ones(2)[L]", "one_hot(arange(2), L)",
                            "x = [1]\nx.insert(L, 2)\nx.pop(L)", "\"%d\" % L", "\"{:L}\".format(1)", "sorted([L, 1])"], &rng)
        return context.replacingOccurrences(of: "L", with: literal)
    }
}

/// Builds random programs from the grammar: mostly valid code, so runs get past the
/// parser into the interpreter and its runtime errors. Values stay small.
public struct ProgramGenerator {
    public init() {}
    var names = ["a", "b", "c", "xs", "d", "t", "s"]
    var depth = 0

    func pick<T>(_ xs: [T], _ rng: inout SplitMix64) -> T { Generators.pick(xs, &rng) }
    func chance(_ p: Double, _ rng: inout SplitMix64) -> Bool { Double.random(in: 0..<1, using: &rng) < p }

    public mutating func program(_ rng: inout SplitMix64) -> String {
        var lines = ["a = 1", "b = 2.5", "xs = [1, 2, 3]", "d = {\"k\": 1}", "t = ones(2, 3)", "s = \"text\""]
        for _ in 0..<Int.random(in: 1...12, using: &rng) { lines.append(statement(&rng, loop: false, function: false)) }
        return lines.joined(separator: pick(["\n", "\n", "; "], &rng))
    }

    mutating func block(_ rng: inout SplitMix64, loop: Bool, function: Bool) -> String {
        depth += 1
        defer { depth -= 1 }
        let body = (0..<Int.random(in: 0...3, using: &rng)).map { _ in statement(&rng, loop: loop, function: function) }
        return "{ " + body.joined(separator: "; ") + " }"
    }

    mutating func statement(_ rng: inout SplitMix64, loop: Bool, function: Bool) -> String {
        let name = pick(names, &rng)
        let simple = depth > 2
        switch Int.random(in: 0..<(simple ? 6 : 22), using: &rng) {
        case 0, 1: return "\(name) = \(expression(&rng))"
        case 2: return "\(name) \(pick(["+=", "-=", "*=", "//=", "%="], &rng)) \(expression(&rng))"
        case 3: return "print(\(expression(&rng)))"
        case 4: return expression(&rng)
        case 5:
            if loop { return pick(["break", "continue"], &rng) }
            return function ? "return \(expression(&rng))" : "\(name)[\(small(&rng))] = \(expression(&rng))"
        case 6: return "if \(expression(&rng)) \(block(&rng, loop: loop, function: function)) else \(block(&rng, loop: loop, function: function))"
        case 7: return "for \(name) in \(pick(["range(\(small(&rng)))", "xs", "s", "t", "d", "enumerate(xs)", expression(&rng)], &rng)) \(block(&rng, loop: true, function: function))"
        case 8: return "while \(expression(&rng)) \(block(&rng, loop: true, function: function))"
        case 9:
            let fname = pick(["f", "g", "h"], &rng)
            return "fn \(fname)(p, q=\(small(&rng))) \(block(&rng, loop: false, function: true))"
        case 10: return "\(name) = \(pick(["f", "g", "h", "fn(p) => p", "len", "M"], &rng))(\(expression(&rng)))"
        case 11: return "no_grad \(block(&rng, loop: loop, function: function))"
        case 12: return "assert \(expression(&rng)), \"failed\""
        case 13:
            return "model M(w=\(small(&rng))) { v = ones(w, requires_grad=true); fn forward(x) { return x * v.sum() + \(expression(&rng)) } }"
        case 14: return function ? "global \(name); \(name) = \(expression(&rng))" : "\(name), b = \(expression(&rng)), 1"
        case 15: return "\(name) = M()(\(expression(&rng)))"
        // The Python forms: elif / pass / del, bitwise augmented assignment, *args / **kwargs.
        case 16: return "if \(expression(&rng)) \(block(&rng, loop: loop, function: function)) elif \(expression(&rng)) \(block(&rng, loop: loop, function: function))"
        case 17: return pick(["del \(name)", "del xs[\(small(&rng))]", "del xs[\(small(&rng)):]", "del d[\"k\"]", "pass"], &rng)
        case 18: return "\(name) \(pick(["&=", "|=", "^=", "<<=", ">>="], &rng)) \(expression(&rng))"
        case 19:
            let fname = pick(["f", "g", "h"], &rng)
            return "fn \(fname)(p, *r, k=\(small(&rng)), **kw) \(block(&rng, loop: false, function: true))"
        case 20: return "model M(*sizes, **kw) { v = [p * 2 for p in sizes]; fn forward(x) { return x if \(expression(&rng)) else sizes } }"
        default: return "\(name) = \(pick(["f", "g", "h", "lambda p, *r: p", "print", "M", "max"], &rng))(\(pick(["*", "", "**"], &rng))\(expression(&rng)))"
        }
    }

    func small(_ rng: inout SplitMix64) -> String { String(Int.random(in: -2...5, using: &rng)) }

    mutating func expression(_ rng: inout SplitMix64) -> String {
        depth += 1
        defer { depth -= 1 }
        if depth > 4 { return atom(&rng) }
        switch Int.random(in: 0..<20, using: &rng) {
        case 0, 1, 2: return atom(&rng)
        case 3: return "\(expression(&rng)) \(pick(["+", "-", "*", "/", "//", "%", "@", "==", "!=", "<", ">=", "and", "or", "in", "not in"], &rng)) \(expression(&rng))"
        case 4: return "\(pick(["-", "not ", "+"], &rng))\(expression(&rng))"
        case 5: return "\(pick(["len", "str", "int", "float", "bool", "abs", "sorted", "list", "sum", "max", "repr", "type", "round", "tensor", "relu", "exp", "softmax"], &rng))(\(expression(&rng)))"
        case 6: return "[\(expression(&rng)), \(expression(&rng))]"
        case 7: return "{\(pick(["\"k\"", "1", "a"], &rng)): \(expression(&rng))}"
        case 8: return "\(atom(&rng))[\(pick([small(&rng), "1:", "::-1", "0, 1", "..., 0", "\"k\"", "-1"], &rng))]"
        case 9: return "\(atom(&rng)).\(pick(["sum()", "mean(dim=0)", "append(1)", "pop()", "keys()", "shape", "T", "item()", "reshape(-1)", "upper()", "split()", "backward()", "grad", "tolist()", "max(dim=1)"], &rng))"
        case 10: return "(\(expression(&rng)) if \(expression(&rng)) else \(expression(&rng)))"
        case 11: return "(fn(p) => \(expression(&rng)))(\(expression(&rng)))"
        case 12: return "f\"{\(expression(&rng)):\(pick(["", ".2f", ">4", "d", ",", ".1%"], &rng))}\""
        case 14: return "\(expression(&rng)) \(pick(["&", "|", "^", "<<", ">>", "is", "is not"], &rng)) \(expression(&rng))"
        case 15: return "~\(expression(&rng))"
        case 16: return "[\(expression(&rng)) for \(pick(["p", "p, q", "i, (p, q)"], &rng)) in \(expression(&rng))\(pick(["", " if p", " for z in xs", " if \(expression(&rng))"], &rng))]"
        case 17: return "\(pick(["sum", "any", "all", "list", "max"], &rng))(\(expression(&rng)) for p in \(expression(&rng)))"
        case 18: return "{\(pick(["p", "str(p)", "1"], &rng)): \(expression(&rng)) for p in \(expression(&rng))}"
        case 19: return "[*\(expression(&rng)), \(pick(["*xs", "1", "*s"], &rng))]"
        default: return "\(pick(["ones", "zeros", "randn", "arange"], &rng))(\(Int.random(in: 1...3, using: &rng)), \(Int.random(in: 1...3, using: &rng)))"
        }
    }

    func atom(_ rng: inout SplitMix64) -> String {
        pick(names + [small(&rng), "0.5", "-1.5", "true", "false", "none", "\"s\"", "[]", "{}", "(1, 2)", "range(3)",
                      "ones(2)", "tensor([1., 2.], requires_grad=true)", "inf", "nan"], &rng)
    }
}
