import XCTest
import VisLang
import VisTensor

/// The parser side of `with`, `try`, `raise` and `import`, the hints for Python
/// spellings, and the errors no `except` may catch (the notebook
/// Tests/notebooks/python_statements.vis covers the runtime behaviour).
final class PythonStatementTests: XCTestCase {
    func message(_ source: String) -> String? { syntaxError(source)?.message }

    func testFormsParse() {
        for source in [
            "with no_grad() { }", "with m as x { }", "with a as x, b as y { }", "with a, b { }", "with m as (a, b) { }",
            "with torch.no_grad() { }", "no_grad { }", "ctx = no_grad()",
            "try { } except { }", "try { } except ValueError { }", "try { } except ValueError as e { }",
            "try { } except (KeyError, IndexError) as e { } except { } else { } finally { }",
            "try { } finally { }", "try {\n} except E {\n}\nelse {\n}\nfinally {\n}",
            "raise", "raise ValueError", "raise ValueError(\"m\")", "fn f() { raise }",
            "import a", "import a.b", "import a.b as c", "import a, b.c as d", "import torch.nn.functional as F",
            "from a.b import x", "from a import x as y, z", "from a import (\n  x,\n  y as z,\n)",
        ] {
            XCTAssertNil(syntaxError(source), source)
        }
    }

    func testPythonSpellingsGetHints() {
        XCTAssertEqual(message("def f(x):\n  return x"), "Python's 'def' is 'fn' in vis: write fn f(...) { ... }")
        XCTAssertEqual(message("class Net(nn.Module):"),
                       "Python classes are models in vis: write model Net(...) { ... } (the body sets fields as __init__ does; methods are fn inside it, forward among them)")
        XCTAssertEqual(message("fn f() { nonlocal count }"),
                       "'nonlocal' is not supported: a vis function reads the variables of the functions around it but cannot rebind them; keep the shared value in a list, dict or model field (or declare a top-level name global)")
        XCTAssertEqual(message("if x:\n  y = 1"),
                       "expected '{' after the if condition, found ':' (vis blocks are in braces, not after ':' and indented: write `if cond { ... }`)")
        XCTAssertEqual(message("for x in xs:"),
                       "expected '{' after the for clause, found ':' (vis blocks are in braces, not after ':' and indented: write `for x in xs { ... }`)")
        XCTAssertEqual(message("while true:"),
                       "expected '{' after the while condition, found ':' (vis blocks are in braces, not after ':' and indented: write `while cond { ... }`)")
        XCTAssertEqual(message("if x { } else:"),
                       "expected '{' after else, found ':' (vis blocks are in braces, not after ':' and indented: write `else { ... }`)")
        XCTAssertEqual(message("try:"),
                       "expected '{' after try, found ':' (vis blocks are in braces, not after ':' and indented: write `try { ... }`)")
        XCTAssertEqual(message("with open(p) as f:"),
                       "expected '{' after the with items, found ':' (vis blocks are in braces, not after ':' and indented: write `with m as x { ... }`)")
        // The words stay usable as names where no Python statement follows.
        XCTAssertNil(syntaxError("def = 1\nclass = def + 1\nnonlocal = [class]"))
    }

    func testMalformedStatements() {
        XCTAssertEqual(message("try { } x = 1"), "expected 'except' or 'finally' after the try block, found name 'x'")
        XCTAssertEqual(message("try { } except { } except E { }"), "a bare 'except' must be the last except clause")
        XCTAssertEqual(message("try { } else { }"), "'else' after 'try' needs an 'except' clause before it")
        XCTAssertEqual(message("except E { }"), "'except' without a matching 'try'")
        XCTAssertEqual(message("finally { }"), "'finally' without a matching 'try'")
        XCTAssertEqual(message("raise E from e"),
                       "'raise ... from ...' (exception chaining) is not supported; raise the new error alone, with the old one's text in its message: raise K(f\"...: {e}\")")
        XCTAssertEqual(message("from a import *"), "'from a import *' is not supported; name what you use: from a import a, b")
        XCTAssertEqual(message("from . import x"), "relative imports ('from . import x') are not supported; name the module: from a.b import x")
        XCTAssertEqual(message("import a.b as c.d"), "expected the end of the statement, found '.'")
        XCTAssertEqual(message("with 1 as 2 { }"), "cannot assign to this expression")
    }

    func testIncompleteInputIsFlagged() {
        for source in ["try {", "try { }", "try { } except", "try { } except E {", "try { } finally {", "with m {",
                       "with m as", "import", "from a import", "from a import (x,"] {
            XCTAssertTrue(isIncomplete(source), source)
        }
    }

    func testResourceLimitsAreNeverCaught() {
        let recursion = runVis("fn f(n) { return f(n + 1) }\ntry { f(0) } except { print(\"caught\") }")
        XCTAssertEqual(recursion.output, "")
        XCTAssertTrue(recursion.rendered?.contains("maximum recursion depth") ?? false, "\(String(describing: recursion.rendered))")

        let output = onThread { () -> (String, Error?) in
            var out = ""
            let session = Session(output: { out += $0 })
            session.interpreter.stepBudget = 1_000
            do {
                try session.run(source: "try { while true { } } except { print(\"caught\") } finally { print(\"finally\") }", name: "t.vis")
                return (out, nil)
            } catch {
                return (out, error)
            }
        }
        XCTAssertFalse(output.0.contains("caught"))
        XCTAssertEqual((output.1 as? RuntimeError)?.message, "step budget exhausted")
    }

    func testGradModeIsRestoredAfterAnUncaughtErrorInWith() {
        let r = runVis("with no_grad() { with enable_grad() { 1 / 0 } }")
        XCTAssertEqual((r.error as? RuntimeError)?.kind, .zeroDivisionError)
        XCTAssertTrue(GradMode.isEnabled)
    }
}
