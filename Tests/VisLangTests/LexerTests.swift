import VisLang
import XCTest

/// The lexer: numbers, strings and f-strings, names and keywords, operators (longest
/// match), where newlines end statements, and its errors.
final class LexerTests: XCTestCase {
    func tokens(_ source: String, file: StaticString = #filePath, line: UInt = #line) -> [Token] {
        var lexer = Lexer(SourceFile(name: "t.vis", text: source))
        do {
            return try lexer.tokenize()
        } catch {
            XCTFail("\(source.debugDescription) did not lex: \(error)", file: file, line: line)
            return []
        }
    }

    func kinds(_ source: String, file: StaticString = #filePath, line: UInt = #line) -> [TokenKind] {
        tokens(source, file: file, line: line).map(\.kind)
    }

    func lexError(_ source: String) -> LexError? {
        var lexer = Lexer(SourceFile(name: "t.vis", text: source))
        do {
            _ = try lexer.tokenize()
            return nil
        } catch {
            return error as? LexError
        }
    }

    // MARK: Numbers

    func testNumbers() {
        XCTAssertEqual(kinds("42 60_000 0 007"), [.int(42), .int(60000), .int(0), .int(7), .eof])
        XCTAssertEqual(kinds("3.14 1e-3 .5 1. 2E+3 1_0.2_5 1e999"),
                       [.float(3.14), .float(0.001), .float(0.5), .float(1), .float(2000), .float(10.25), .float(.infinity), .eof])
        // `1..2` is not a number, and `x.0`-style member access does not eat digits.
        XCTAssertEqual(kinds("1 ... 2"), [.int(1), .op("..."), .int(2), .eof])
        XCTAssertEqual(kinds("1.real"), [.int(1), .op("."), .name("real"), .eof])
        // An `e` without digits is not an exponent.
        XCTAssertEqual(lexError("1e")?.message, "invalid number '1e'")
        XCTAssertEqual(lexError("12abc")?.message, "invalid number '12abc'")
        XCTAssertEqual(lexError("9223372036854775808")?.message,
                       "integer literal 9223372036854775808 is too large (the limit is 9223372036854775807)")
        XCTAssertEqual(kinds("9223372036854775807"), [.int(Int.max), .eof])
    }

    // MARK: Strings

    func testStringsAndEscapes() {
        XCTAssertEqual(kinds(#""a\n\t\"\\\'b" 'c"d' '' "\{\}\0\r""#),
                       [.string("a\n\t\"\\'b"), .string("c\"d"), .string(""), .string("{}\0\r"), .eof])
        XCTAssertEqual(kinds("\"héllo ✓\""), [.string("héllo ✓"), .eof])
        XCTAssertEqual(lexError("\"a\\qb\"")?.message, "unknown escape '\\q' in string (use \\\\ for a backslash)")
        XCTAssertEqual(lexError("\"\\é\"")?.message, "unknown escape '\\é' in string (use \\\\ for a backslash)")
        let unterminated = lexError("x = \"abc\ny = 1")
        XCTAssertEqual(unterminated?.message, "unterminated string (strings end on the line they start; close it with \")")
        XCTAssertEqual(unterminated?.range.startPosition.line, 1)
        XCTAssertEqual(unterminated?.range.startPosition.column, 5)
        XCTAssertEqual(unterminated?.incomplete, false)
        XCTAssertEqual(lexError("'abc\\")?.message, "unterminated string (strings end on the line they start; close it with ')")
    }

    func testFStringPieces() {
        let source = "f\"loss {l:.4f} at {step}{{x}}\""
        guard case .fstring(let pieces)? = kinds(source).first else { return XCTFail("not an f-string") }
        let bytes = Array(source.utf8)
        func text(_ s: Int, _ e: Int) -> String { String(decoding: bytes[s..<e], as: UTF8.self) }
        XCTAssertEqual(pieces.count, 5)
        XCTAssertEqual(pieces[0], .text("loss "))
        guard case .expr(let s1, let e1, let spec1) = pieces[1], case .expr(let s2, let e2, let spec2) = pieces[3] else {
            return XCTFail("expected expression pieces: \(pieces)")
        }
        XCTAssertEqual([text(s1, e1), spec1, text(s2, e2), spec2], ["l", ".4f", "step", ""])
        XCTAssertEqual(pieces[2], .text(" at "))
        XCTAssertEqual(pieces[4], .text("{x}"))
        // Brackets and strings inside the expression do not end it; a `:` inside them
        // is not the format spec.
        guard case .fstring(let nested)? = kinds("f\"{d[\"a:b\"]:>5}\"").first, case .expr(_, _, let spec) = nested[0] else {
            return XCTFail("not an f-string")
        }
        XCTAssertEqual(spec, ">5")
        XCTAssertEqual(lexError("f\"{}\"")?.message, "f-string: empty expression in '{}'")
        XCTAssertEqual(lexError("f\"{x\"")?.message, "f-string: '{' is not closed by '}'")
        XCTAssertEqual(lexError("f\"a}b\"")?.message, "f-string: single '}' is not allowed (write '}}')")
        XCTAssertEqual(lexError("f\"{x!r}\"")?.message, "f-string: conversions like '!r' are not supported; write {repr(x)} instead")
        XCTAssertNil(lexError("f\"{x != y}\""))
    }

    // MARK: Names, keywords, operators

    func testNamesAndKeywords() {
        XCTAssertEqual(kinds("fn model no_grad none nonex _x x1 True"),
                       [.keyword(.fn), .keyword(.model), .keyword(.no_grad), .keyword(.none), .name("nonex"),
                        .name("_x"), .name("x1"), .name("True"), .eof])
        XCTAssertEqual(Set(Keyword.allCases.map(\.rawValue)),
                       ["fn", "return", "if", "else", "for", "in", "while", "break", "continue", "model", "true",
                        "false", "none", "and", "or", "not", "global", "no_grad", "assert",
                        "lambda", "is", "elif", "pass", "del",
                        "with", "as", "try", "except", "finally", "raise", "import", "from"])
        XCTAssertEqual(kinds("a <<= b >> c & d | e ^ ~f"),
                       [.name("a"), .op("<<="), .name("b"), .op(">>"), .name("c"), .op("&"), .name("d"), .op("|"),
                        .name("e"), .op("^"), .op("~"), .name("f"), .eof])
        // A line ending in a bitwise operator or `is` continues.
        XCTAssertEqual(kinds("a |\nb is\nc"), [.name("a"), .op("|"), .name("b"), .keyword(.is), .name("c"), .eof])
    }

    func testOperatorsTakeTheLongestMatch() {
        XCTAssertEqual(kinds("a //= b **= c ** d // e => f ... g == h != i <= j >= k @= l @ m"),
                       [.name("a"), .op("//="), .name("b"), .op("**="), .name("c"), .op("**"), .name("d"), .op("//"),
                        .name("e"), .op("=>"), .name("f"), .op("..."), .name("g"), .op("=="), .name("h"), .op("!="),
                        .name("i"), .op("<="), .name("j"), .op(">="), .name("k"), .op("@="), .name("l"), .op("@"),
                        .name("m"), .eof])
        XCTAssertEqual(lexError("a ! b")?.message, "unexpected character '!'")
        XCTAssertEqual(lexError("a ? b")?.message, "unexpected character '?'")
        let unicode = lexError("x = é + 1")
        XCTAssertEqual(unicode?.message, "unexpected character 'é'")
        XCTAssertEqual(unicode.map { $0.range.end - $0.range.start }, 2)  // the whole UTF-8 sequence
    }

    func testTokenPositions() {
        let ts = tokens("ab = 12\n  f(x)")
        XCTAssertEqual(ts.map(\.start), [0, 3, 5, 7, 10, 11, 12, 13, 14])
        XCTAssertEqual(ts.map(\.end), [2, 4, 7, 8, 11, 12, 13, 14, 14])
    }

    // MARK: Newlines

    func testNewlinesEndStatementsExceptWhereTheyContinue() {
        let nl = TokenKind.newline
        // Blank lines and comments collapse; leading newlines are dropped.
        XCTAssertEqual(kinds("\n\n# c\na\n\n  # comment\n\nb # trailing\n"), [.name("a"), nl, .name("b"), nl, .eof])
        // After a binary operator, comma, `=`, `.`, `=>`, `and`, `or`, `not`, `in`.
        for op in ["+", "-", "*", "/", "//", "%", "**", "@", "==", "!=", "<", "<=", ">", ">=", "=", ",", ".", "=>", "+="] {
            XCTAssertFalse(kinds("a \(op)\nb").contains(nl), "newline after \(op) should continue")
        }
        for word in ["and", "or", "not", "in"] {
            XCTAssertFalse(kinds("a \(word)\nb").contains(nl), "newline after \(word) should continue")
        }
        // Inside ( ) and [ ]; not inside { } (blocks), where the parser skips them in dicts.
        XCTAssertEqual(kinds("f(\n1,\n2\n)"), [.name("f"), .op("("), .int(1), .op(","), .int(2), .op(")"), .eof])
        XCTAssertEqual(kinds("[\n1\n]"), [.op("["), .int(1), .op("]"), .eof])
        XCTAssertEqual(kinds("{\na\nb\n}"), [.op("{"), .name("a"), nl, .name("b"), nl, .op("}"), .eof])
        // The innermost bracket decides.
        XCTAssertEqual(kinds("(fn() {\na\nb\n})"),
                       [.op("("), .keyword(.fn), .op("("), .op(")"), .op("{"), .name("a"), nl, .name("b"), nl, .op("}"), .op(")"), .eof])
        // A backslash at the end of a line joins it to the next.
        XCTAssertEqual(kinds("a \\\n b"), [.name("a"), .name("b"), .eof])
        // A line starting with an operator does not continue the previous one.
        XCTAssertEqual(kinds("a\n-b"), [.name("a"), nl, .op("-"), .name("b"), .eof])
        // Carriage returns are whitespace; `;` is a token of its own.
        XCTAssertEqual(kinds("a\r\nb;c"), [.name("a"), nl, .name("b"), .op(";"), .name("c"), .eof])
    }

    func testCellMarkersAndExpectationsAreComments() {
        XCTAssertEqual(kinds("# %% Cell title\nx\n#> 1\n# %%\n"), [.name("x"), .newline, .eof])
    }
}
