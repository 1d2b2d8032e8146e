import Foundation
import VisLang
import XCTest

/// Syntax errors with their exact rendered diagnostics, the REPL's "unexpected end of
/// input" flag, the grammar's shapes (precedence, targets, blocks), and the limits
/// that keep hostile input from crashing the parser or the interpreter.
final class ParserTests: XCTestCase {
    /// Asserts that `source` fails to parse with exactly `rendered` (file t.vis).
    func assertSyntaxError(_ source: String, _ rendered: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let e = syntaxError(source) else { return XCTFail("no syntax error in \(source.debugDescription)", file: file, line: line) }
        XCTAssertEqual(Diagnostic.render(e), rendered, file: file, line: line)
    }

    /// The program's statements as the interpreter would display its last expression.
    func value(_ source: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        let r = runVis(source)
        if let e = r.error { XCTFail("\(source) failed: \(e)", file: file, line: line) }
        return r.output.trimmingCharacters(in: .newlines)
    }

    // MARK: Rendered diagnostics

    func testStructureErrorsRenderWithLineColumnSourceAndCaret() {
        assertSyntaxError("fn f(a, a) { }", """
        t.vis:1:9: error: duplicate parameter 'a'
            fn f(a, a) { }
                    ^
        """)
        assertSyntaxError("fn f(a=1, b) { }", """
        t.vis:1:11: error: parameter 'b' without a default follows one with a default
            fn f(a=1, b) { }
                      ^
        """)
        assertSyntaxError("f(a=1, 2)", """
        t.vis:1:8: error: positional argument follows keyword argument
            f(a=1, 2)
                   ^
        """)
        assertSyntaxError("f(a=1, a=2)", """
        t.vis:1:8: error: keyword argument 'a' given twice
            f(a=1, a=2)
                   ^
        """)
        assertSyntaxError("f() = 1", """
        t.vis:1:1: error: cannot assign to a function call
            f() = 1
            ^~~
        """)
        assertSyntaxError("1 = x", """
        t.vis:1:1: error: cannot assign to this expression
            1 = x
            ^
        """)
        assertSyntaxError("x, y += 1", """
        t.vis:1:1: error: augmented assignment needs a single target
            x, y += 1
            ^~~~
        """)
        assertSyntaxError("else { }", """
        t.vis:1:1: error: 'else' without a matching 'if'
            else { }
            ^~~~
        """)
        assertSyntaxError("}", """
        t.vis:1:1: error: unexpected '}'
            }
            ^
        """)
        assertSyntaxError("x = [1, 2)", """
        t.vis:1:10: error: expected ']' to close '[' at line 1, column 5, found ')'
            x = [1, 2)
                     ^
        """)
        assertSyntaxError("x[]", """
        t.vis:1:3: error: expected an index inside '[ ]'
            x[]
              ^
        """)
        assertSyntaxError("a b", """
        t.vis:1:3: error: expected the end of the statement, found name 'b'
            a b
              ^
        """)
        assertSyntaxError("x = 1 if y", """
        t.vis:1:7: error: expected 'else' in the conditional expression 'a if condition else b'
            x = 1 if y
                  ^~
        """)
        assertSyntaxError("y = ...", """
        t.vis:1:5: error: '...' is only allowed inside [ ] indexing
            y = ...
                ^~~
        """)
        assertSyntaxError("for 1 in x { }", """
        t.vis:1:5: error: cannot assign to this expression
            for 1 in x { }
                ^
        """)
        assertSyntaxError("for x y { }", """
        t.vis:1:7: error: expected 'in' after the for variables, found name 'y'
            for x y { }
                  ^
        """)
        assertSyntaxError("fn 1() { }", """
        t.vis:1:4: error: expected a name after 'fn', found number 1
            fn 1() { }
               ^
        """)
        assertSyntaxError("model { }", """
        t.vis:1:7: error: expected a name after 'model', found '{'
            model { }
                  ^
        """)
        assertSyntaxError("global 1", """
        t.vis:1:8: error: expected a name after 'global', found number 1
            global 1
                   ^
        """)
        assertSyntaxError("no_grad x", """
        t.vis:1:9: error: expected '{' after no_grad, found name 'x'
            no_grad x
                    ^
        """)
        assertSyntaxError("if x y", """
        t.vis:1:6: error: expected '{' after the if condition, found name 'y'
            if x y
                 ^
        """)
    }

    func testBreakContinueAndReturnNeedALoopOrFunction() {
        assertSyntaxError("break", """
        t.vis:1:1: error: 'break' outside a loop
            break
            ^~~~~
        """)
        assertSyntaxError("x = 1\ncontinue", """
        t.vis:2:1: error: 'continue' outside a loop
            continue
            ^~~~~~~~
        """)
        assertSyntaxError("return 1", """
        t.vis:1:1: error: 'return' outside a function
            return 1
            ^~~~~~
        """)
        // A function body is not inside the loop around its definition.
        assertSyntaxError("while true { fn g() { continue } }", """
        t.vis:1:23: error: 'continue' outside a loop
            while true { fn g() { continue } }
                                  ^~~~~~~~
        """)
        assertSyntaxError("fn f() { if true { break } }", """
        t.vis:1:20: error: 'break' outside a loop
            fn f() { if true { break } }
                               ^~~~~
        """)
        // A model body runs once per instance: no return there.
        assertSyntaxError("model M() { return 1 }", """
        t.vis:1:13: error: 'return' outside a function
            model M() { return 1 }
                        ^~~~~~
        """)
        XCTAssertNil(syntaxError("for i in range(3) { if i { break } else { continue } }"))
        XCTAssertNil(syntaxError("fn f() { for i in [1] { return i } }"))
        XCTAssertNil(syntaxError("while true { no_grad { break } }"))
        XCTAssertNil(syntaxError("model M() { fn forward(x) { return x } }"))
        XCTAssertNil(syntaxError("for i in [1] { g = fn() => i; h = fn() { return 1 } }"))
    }

    func testComprehensionsAndGenerators() {
        XCTAssertEqual(value("[x * y for x in range(3) if x for y in [10, 20]]"), "[10, 20, 20, 40]")
        XCTAssertEqual(value("[(i, a + b) for i, (a, b) in enumerate([(1, 2), (3, 4)])]"), "[(0, 3), (1, 7)]")
        XCTAssertEqual(value("{k: v for k, v in {\"a\": 1, \"b\": 2}.items() if v > 1}"), "{\"b\": 2}")
        XCTAssertEqual(value("sum(x * x for x in range(4))"), "14")
        XCTAssertEqual(value("max((x for x in [3, -5, 2]), key=abs)"), "-5")
        // The loop variables do not leak; the first iterable is read outside.
        XCTAssertEqual(value("x = 7\nys = [x for x in range(x)]\n[x, len(ys)]"), "[7, 7]")
        XCTAssertEqual(value("fs = [lambda: i for i in range(3)]\n[f() for f in fs]"), "[2, 2, 2]")
        XCTAssertEqual(value("fn f(n) { k = 10; return [k * i for i in range(n)] }\nf(3)"), "[0, 10, 20]")
        assertSyntaxError("sum(x for x in y, 1)", """
        t.vis:1:5: error: a generator expression must be in parentheses when it is not the only argument
            sum(x for x in y, 1)
                ^~~~~~~~~~~~
        """)
        assertSyntaxError("[x for x in y if a else b]", """
        t.vis:1:20: error: expected ']' to close '[' at line 1, column 1, found 'else'
            [x for x in y if a else b]
                               ^~~~
        """)
        XCTAssertNotNil(syntaxError("{x for x in y}"))
        XCTAssertNotNil(syntaxError("[*x for x in y]"))
    }

    func testPythonFormsParse() {
        XCTAssertEqual(value("f = lambda x, y=1: x + y\nf(2) + f(2, y=3)"), "8")
        XCTAssertEqual(value("(lambda: 5)()"), "5")
        XCTAssertEqual(value("(lambda *a, **k: [a, k])(1, z=2)"), "[(1,), {\"z\": 2}]")
        XCTAssertEqual(value("1 | 2 ^ 3 & 4 << 1"), "3")  // 1 | (2 ^ (3 & (4 << 1)))
        XCTAssertEqual(value("1 + 2 << 3"), "24")
        XCTAssertEqual(value("1 | 2 == 3"), "true")  // bitwise binds tighter than comparisons
        XCTAssertEqual(value("~1 ** 2"), "-2")
        XCTAssertEqual(value("x = none\n[x is none, x is not none, 1 not in [2]]"), "[true, false, true]")
        XCTAssertEqual(value("x = 6\nx &= 3; x |= 8; x ^= 1; x <<= 2; x >>= 1\nx"), "22")
        XCTAssertEqual(value("r = 0\nif false { r = 1 } elif true { r = 2 } else { r = 3 }\nr"), "2")
        XCTAssertEqual(value("if true { pass }\n1"), "1")
        XCTAssertEqual(value("fn f(a, *r, k, **kw) => [a, r, k, kw]\nf(*[1, 2], k=3, **{\"z\": 4})"), "[1, (2,), 3, {\"z\": 4}]")
        XCTAssertEqual(value("[*[1], *(2, 3), 4]"), "[1, 2, 3, 4]")
        XCTAssertEqual(value("xs = [1, 2, 3, 4]\ndel xs[0], xs[1:]\nxs"), "[2]")
        assertSyntaxError("fn f(*) { }", """
        t.vis:1:6: error: a bare '*' must be followed by a keyword-only parameter
            fn f(*) { }
                 ^
        """)
        XCTAssertNotNil(syntaxError("fn f(**k, a) { }"))
        XCTAssertNotNil(syntaxError("f(**k, *a)"))
        XCTAssertNotNil(syntaxError("f(**k, a)"))
        XCTAssertNotNil(syntaxError("del f()"))
        XCTAssertNotNil(syntaxError("elif true { }"))
        XCTAssertNil(syntaxError("fn f(a, *, b) { }"))
        XCTAssertNil(syntaxError("fn f(a=1, *, b, c=2) { }"))
    }

    func testLexErrorsRender() {
        assertSyntaxError("x = $", """
        t.vis:1:5: error: unexpected character '$'
            x = $
                ^
        """)
        // Columns count characters, not bytes.
        assertSyntaxError("s = \"é\" + é", """
        t.vis:1:11: error: unexpected character 'é'
            s = "é" + é
                      ^
        """)
        assertSyntaxError("x = \"abc", """
        t.vis:1:5: error: unterminated string (strings end on the line they start; close it with ")
            x = "abc
                ^~~~
        """)
        assertSyntaxError("x = 'a\nb'", """
        t.vis:1:5: error: unterminated string (strings end on the line they start; close it with ')
            x = 'a
                ^~
        """)
        assertSyntaxError("\"ends with a backslash\\", """
        t.vis:1:1: error: unterminated string (strings end on the line they start; close it with ")
            "ends with a backslash\\
            ^~~~~~~~~~~~~~~~~~~~~~~
        """)
        assertSyntaxError("\"\\q\"", """
        t.vis:1:2: error: unknown escape '\\q' in string (use \\\\ for a backslash)
            "\\q"
             ^~
        """)
        assertSyntaxError("12abc", """
        t.vis:1:1: error: invalid number '12abc'
            12abc
            ^~~~~
        """)
        assertSyntaxError("f\"{}\"", """
        t.vis:1:3: error: f-string: empty expression in '{}'
            f"{}"
              ^~
        """)
        assertSyntaxError("f\"{x\"", """
        t.vis:1:3: error: f-string: '{' is not closed by '}'
            f"{x"
              ^~
        """)
        assertSyntaxError("f\"}\"", """
        t.vis:1:3: error: f-string: single '}' is not allowed (write '}}')
            f"}"
              ^
        """)
        assertSyntaxError("f\"{x!r}\"", """
        t.vis:1:5: error: f-string: conversions like '!r' are not supported; write {repr(x)} instead
            f"{x!r}"
                ^~
        """)
        assertSyntaxError("f\"{1 +}\"", """
        t.vis:1:7: error: f-string: incomplete expression (expected an expression)
            f"{1 +}"
                  ^
        """)
    }

    func testErrorsPointIntoTheRightLineOfMultiLineInput() {
        assertSyntaxError("a = 1\nb = (2 +\n  3 +\n  * 4)", """
        t.vis:4:3: error: expected an expression, found '*'
              * 4)
              ^
        """)
        assertSyntaxError("fn f() {\n  x = 1\n  y = = 2\n}", """
        t.vis:3:7: error: expected an expression, found '='
              y = = 2
                  ^
        """)
    }

    func testHugeIntLiteralIsAnError() {
        assertSyntaxError("x = 99999999999999999999", """
        t.vis:1:5: error: integer literal 99999999999999999999 is too large (the limit is 9223372036854775807)
            x = 99999999999999999999
                ^~~~~~~~~~~~~~~~~~~~
        """)
        assertSyntaxError("9223372036854775808", """
        t.vis:1:1: error: integer literal 9223372036854775808 is too large (the limit is 9223372036854775807)
            9223372036854775808
            ^~~~~~~~~~~~~~~~~~~
        """)
        XCTAssertNil(syntaxError("9223372036854775807"))
        XCTAssertNil(syntaxError("x = 1e999"))  // a float literal overflows to inf, as in Python
        XCTAssertEqual(value("1e999"), "inf")
    }

    // MARK: Incomplete input (the REPL asks for another line)

    func testIncompleteInputIsFlagged() {
        let incomplete = [
            "fn f() {", "x = (1 +", "[1, 2,", "if x {", "x = 1 +", "while true {", "for x in y {",
            "model M() {", "model M", "d = {", "d = {\"a\":", "f(1,", "f(1, 2", "x = [", "if x { } else {",
            "if x { } else", "if x { } else if", "fn f(", "fn f(a", "fn f(a=", "no_grad {", "x.", "not",
            "a and", "-", "x =", "fn f() { return", "assert x,", "global", "fn(x) =>", "x[1:", "x[1",
            "for", "for x", "for x in", "fn f() {\n  x = 1\n", "if a {\n  if b {\n  }\n", "x = (\n  1,\n  2,\n",
            "print(f\"{1}\",", "a = 1; b = (", "model M() {\n  fn forward(x) {\n    return x\n  }\n",
        ]
        for source in incomplete {
            XCTAssertTrue(isIncomplete(source), "should ask for more input: \(source.debugDescription) gave \(String(describing: syntaxError(source)?.message))")
        }
    }

    func testGenuineErrorsAreNotFlaggedIncomplete() {
        let genuine = [
            "x = )", "1 + * 2", "fn f() { break }", "}", "x = [1, 2)", "a b", "\"unterminated", "x = $",
            "f(a=1, 2)", "if x { } else }", "1 = 2", "for 1 in x {", "x = 1 if y\n", "return",
            "x = 99999999999999999999", "f\"{x\"", String(repeating: "(", count: 10_000), "f\"{1 +}\"",
            "print(f\"{(}\")", "for x, 2 in y {",
        ]
        for source in genuine {
            guard let e = syntaxError(source) else { XCTFail("\(source.debugDescription) parsed"); continue }
            XCTAssertFalse((e as? ParseError)?.unexpectedEndOfInput ?? false, "\(source.debugDescription): \(e.message)")
            XCTAssertFalse((e as? LexError)?.incomplete ?? false, "\(source.debugDescription): \(e.message)")
        }
    }

    // MARK: Limits: nothing the user types crashes the parser or the interpreter

    func testDeepNestingIsAnErrorNotACrash() {
        let message = "expression nested too deeply (more than \(Parser.maxDepth) levels)"
        // These run on XCTest's own thread: the parser's recursion is bounded.
        let deep = [
            String(repeating: "(", count: 10_000),
            String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000),
            String(repeating: "[", count: 10_000),
            "x = " + String(repeating: "{\"k\": ", count: 5_000),
            String(repeating: "-", count: 10_000) + "1",
            String(repeating: "not ", count: 10_000) + "x",
            "x" + String(repeating: ".a", count: 10_000),
            "f" + String(repeating: "(1)", count: 10_000),
            "x" + String(repeating: "[0]", count: 10_000),
            "1" + String(repeating: " + 1", count: 10_000),
            "1" + String(repeating: " * 1", count: 10_000),
            "2" + String(repeating: " ** 2", count: 10_000),
            "true" + String(repeating: " and true", count: 10_000),
            "true" + String(repeating: " or true", count: 10_000),
            String(repeating: "fn() => ", count: 10_000) + "1",
            "x = 1\n" + String(repeating: "if x {", count: 10_000),
            String(repeating: "while true {", count: 10_000),
            String(repeating: "1 if x else ", count: 10_000) + "1",
        ]
        for source in deep {
            guard let e = syntaxError(source) else { XCTFail("\(source.prefix(20))... parsed"); continue }
            XCTAssertEqual(e.message, message, "\(source.prefix(20))...")
            XCTAssertFalse((e as? ParseError)?.unexpectedEndOfInput ?? true)
        }
        // Moderate nesting within the limit parses and runs.
        XCTAssertEqual(value(String(repeating: "(", count: 60) + "1" + String(repeating: ")", count: 60)), "1")
        XCTAssertEqual(value("1" + String(repeating: " + 1", count: 150)), "151")
        let lists = String(repeating: "[", count: 50) + String(repeating: "]", count: 50)
        XCTAssertEqual(value(lists), lists)
    }

    func testLongFlatInputIsFine() {
        // Many statements, long lists and long strings are not nesting.
        let statements = (0..<5_000).map { "v\($0) = \($0)" }.joined(separator: "\n") + "\nv4999"
        XCTAssertEqual(value(statements), "4999")
        XCTAssertEqual(value("len([" + Array(repeating: "1", count: 20_000).joined(separator: ", ") + "])"), "20000")
        XCTAssertEqual(value("len(\"" + String(repeating: "x", count: 100_000) + "\")"), "100000")
    }

    func testRunawayRecursionIsAnError() {
        let r = runVis("fn f(n) { return f(n + 1) }\nf(0)")
        // The traceback collapses the repeated frame (see TracebackTests), then the error.
        XCTAssertTrue(r.rendered?.contains("  [previous line repeated \(Interpreter.maxDepth - 3) more times]\n") ?? false, r.rendered ?? "")
        XCTAssertTrue(r.rendered?.hasSuffix("""

        t.vis:1:18: error: maximum recursion depth (\(Interpreter.maxDepth)) exceeded in f()
            fn f(n) { return f(n + 1) }
                             ^~~~~~~~
        """) ?? false, r.rendered ?? "")
        // Through a model's forward and through a native calling back into vis.
        XCTAssertEqual((runVis("model M() { fn forward(x) { return self(x) } }\nM()(1)").error as? VisError)?.message,
                       "maximum recursion depth (\(Interpreter.maxDepth)) exceeded in forward()")
        XCTAssertEqual((runVis("fn k(v) { return sorted([1, 2], key=k) }\nk(0)").error as? VisError)?.message,
                       "maximum recursion depth (\(Interpreter.maxDepth)) exceeded in k()")
        XCTAssertEqual((runVis("model R() { r = R() }\nR()").error as? VisError)?.message, "maximum recursion depth exceeded building R")
        // The session stays usable after the error.
        XCTAssertNil(runVis("fn f(n) { return 0 if n == 0 else f(n - 1) }\nf(300)").error)
    }

    func testRecursionStopsBeforeTheStackRunsOutEvenOnASmallStack() {
        // Each call sits under a deeply nested expression, on a 16 MiB stack: the stack
        // guard stops the recursion with an error long before 400 calls.
        let body = String(repeating: "- ", count: 150) + "f(n + 1)"
        let r = runVis("fn f(n) { return \(body) }\nf(0)", stackSize: 16 << 20)
        let message = (r.error as? VisError)?.message ?? "no error"
        XCTAssertTrue(message.hasPrefix("maximum recursion depth exceeded in f() (the stack is full after "), message)
        // Plain recursion on the same small stack still reaches the call limit.
        XCTAssertEqual((runVis("fn g(n) { return g(n + 1) }\ng(0)", stackSize: 16 << 20).error as? VisError)?.message,
                       "maximum recursion depth (\(Interpreter.maxDepth)) exceeded in g()")
    }

    func testIntDivisionByZeroIsAnError() {
        XCTAssertEqual(runVis("x = 7\ny = x // 0").rendered, """
        t.vis:2:5: error: integer division by zero
            y = x // 0
                ^~~~~~
        """)
        XCTAssertEqual((runVis("7 % 0").error as? VisError)?.message, "integer modulo by zero")
        XCTAssertEqual((runVis("7 / 0").error as? VisError)?.message, "division by zero")
        XCTAssertEqual((runVis("(-9223372036854775807 - 1) // -1").error as? VisError)?.message,
                       "integer overflow in -9223372036854775808 // -1")
    }

    // MARK: Grammar shapes

    func testPrecedenceAndAssociativity() {
        XCTAssertEqual(value("-2 ** 2"), "-4")
        XCTAssertEqual(value("2 ** -1"), "0.5")
        XCTAssertEqual(value("2 ** 3 ** 2"), "512")
        XCTAssertEqual(value("10 - 4 - 3"), "3")
        XCTAssertEqual(value("100 / 10 / 5"), "2.0")
        XCTAssertEqual(value("2 + 3 * 4 ** 2 // 5 % 7"), "4")
        XCTAssertEqual(value("not 1 < 2 and 3"), "false")
        XCTAssertEqual(value("1 or 0 and 0"), "1")
        XCTAssertEqual(value("1 if 0 else 2 if 1 else 3"), "2")
        XCTAssertEqual(value("x = 1 if false else 2\nx"), "2")
        XCTAssertEqual(value("1 < 2 < 3 == 3 != 4"), "true")
        XCTAssertEqual(value("2 in [1, 2] == true"), "false")  // chained: (2 in [1,2]) and ([1,2] == true)
        XCTAssertEqual(value("not 3 in [1]"), "true")
        XCTAssertEqual(value("[1][0] + {\"a\": 2}[\"a\"] * -(3)"), "-5")
    }

    func testAssignmentTargets() {
        XCTAssertEqual(value("a = b = c = 1\na + b + c"), "3")
        XCTAssertEqual(value("a, b = 1, 2\na, b = b, a\n[a, b]"), "[2, 1]")
        XCTAssertEqual(value("(a, b), [c, d] = (1, 2), [3, 4]\na + b + c + d"), "10")
        XCTAssertEqual(value("x = [0, 0]\nx[0], x[1] = 5, 6\nx"), "[5, 6]")
        XCTAssertEqual(value("d = {}\nd[\"k\"] = d[\"j\"] = 1\nd"), "{\"k\": 1, \"j\": 1}")
        XCTAssertEqual(value("t = 1,; t"), "(1,)")
        // A comma at the end of a line continues the statement (LANGUAGE.md).
        XCTAssertEqual(value("t = 1,\n  2\nt"), "(1, 2)")
        XCTAssertEqual(value("model M() { v = 1 }\nm = M()\nm.v += 2\nm.v"), "3")
    }

    func testFunctionForms() {
        XCTAssertEqual(value("fn f(a, b=2,) => a * b\nf(3)"), "6")
        XCTAssertEqual(value("g = fn(x) {\n  y = x + 1\n  return y\n}\ng(1)"), "2")
        XCTAssertEqual(value("(fn() => fn() => 7)()()"), "7")
        XCTAssertEqual(value("fn f() {}\nf() == none"), "true")
        XCTAssertEqual(value("fn f() { return }\nf() == none"), "true")
    }

    func testParsedStatementsCarryTheirRanges() throws {
        var parser = Parser(SourceFile(name: "t.vis", text: "x = 1\nif x {\n  y = 2\n}\nprint(x); print(y)"))
        let program = try parser.parseProgram()
        XCTAssertEqual(program.count, 4)
        XCTAssertEqual(program.map { $0.range.startPosition.line }, [1, 2, 5, 5])
        XCTAssertEqual(program.map { $0.range.endLine }, [1, 4, 5, 5])
        XCTAssertEqual(program.map { $0.range.startPosition.column }, [1, 1, 1, 11])
    }
}
