import Foundation
import VisLang
import VisREPL
import VisTensor
import XCTest

/// Runs every notebook under Tests/notebooks through the runner `vis test` uses, and
/// checks the runner itself: mismatches fail with a diff naming file and line,
/// unexpected errors stop the file, and `update` rewrites only the `#>` blocks.
final class NotebookTests: XCTestCase {
    /// A tester that loads the checkout's stdlib into each session, as `vis test` does.
    func makeTester(report: @escaping (String) -> Void = { _ in }) -> NotebookTester {
        NotebookTester(report: report, prepare: { try StandardSession.prepare($0, stdlib: TestPaths.stdlib.path) })
    }

    /// Runs one notebook on a large stack, with denormals flushed to zero on that thread
    /// as the vis process has them (tensors_basics.vis checks it).
    func runNotebook(_ path: String, update: Bool = false) -> NotebookTester.FileResult {
        let tester = makeTester()
        return onThread {
            Denormals.flushToZero()
            return tester.run(path: path, update: update)
        }
    }

    /// A temporary notebook holding `text`; removed when the test ends.
    func temporaryNotebook(_ text: String, name: String = "scratch.vis") throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vis-notebook-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    // MARK: The notebooks

    func testEveryNotebookPasses() throws {
        let files = try NotebookTester.files(under: [TestPaths.notebooks.path])
        let names = Set(files.map { ($0 as NSString).lastPathComponent })
        for expected in ["literals_and_operators.vis", "strings_and_fstrings.vis", "lists_dicts_tuples.vis",
                         "indexing_and_slicing.vis", "control_flow.vis", "functions_and_closures.vis",
                         "scoping_global.vis", "models.vis", "tensors_basics.vis", "tensors_autograd.vis",
                         "errors_runtime.vis", "builtins_basics.vis", "builtins_system.vis", "lexical.vis",
                         "notebook_format.vis"] {
            XCTAssertTrue(names.contains(expected), "missing notebook \(expected) in \(TestPaths.notebooks.path)")
        }
        for file in files {
            let result = runNotebook(file)
            XCTAssertTrue(result.passed, "\(file) failed:\n" + result.failures.joined(separator: "\n"))
        }
    }

    func testNotebooksHoldManyCheckedStatements() throws {
        // Guards against a notebook silently losing its expectations. A generated reference
        // notebook (Tests/notebooks/reference) checks with torch.testing.assert_close lines,
        // which fail the file on a mismatch, so they count as checks too.
        for file in try NotebookTester.files(under: [TestPaths.notebooks.path]) {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            let markers = text.split(separator: "\n").filter {
                let line = $0.trimmingCharacters(in: .whitespaces)
                return line.hasPrefix("#>") || line.hasPrefix("torch.testing.assert_close(")
            }
            XCTAssertGreaterThanOrEqual(markers.count, 10, "\(file) has only \(markers.count) #> lines (or assert_close checks)")
        }
    }

    // MARK: Cells

    func testCellsSplitAtPercentMarkers() {
        let cells = Cells.split("x = 1\n# %% Data\ny = 2\n\n# %%\nz = 3\n#   %% not a marker\n")
        XCTAssertEqual(cells.map(\.number), [1, 2, 3])
        XCTAssertEqual(cells.map(\.title), ["", "Data", ""])
        XCTAssertEqual(cells.map(\.firstLine), [1, 3, 6])
        XCTAssertEqual(cells.map(\.text), ["x = 1", "y = 2\n", "z = 3\n#   %% not a marker\n"])
        // Comments alone before the first marker are not a cell; CRLF files split the same.
        let crlf = Cells.split("# header only\r\n# %% One\r\na = 1\r\n# %% Two\r\nb = 2")
        XCTAssertEqual(crlf.map(\.title), ["One", "Two"])
        XCTAssertEqual(crlf.map(\.firstLine), [3, 5])
    }

    // MARK: Failures are reported with file, line and a diff

    func testWrongExpectationFailsWithDiffNamingFileAndLine() throws {
        let path = try temporaryNotebook("""
        x = 1 + 1
        x
        #> 3
        print("fine")
        #> fine
        """)
        let result = runNotebook(path)
        XCTAssertFalse(result.passed)
        XCTAssertEqual(result.failures, ["""
        \(path):3: output does not match (- expected, + actual):
            - 3
            + 2
        """])
    }

    func testMismatchDiffKeepsMatchingLinesAndWildcards() throws {
        let path = try temporaryNotebook("""
        for i in range(4) { print(i) }
        #> 0
        #> one
        #> ...
        """)
        let result = runNotebook(path)
        XCTAssertFalse(result.passed)
        XCTAssertEqual(result.failures.first, """
        \(path):2: output does not match (- expected, + actual):
              0
            - one
              1
              2
              3
        """)
    }

    func testUnexpectedErrorStopsTheFile() throws {
        let path = try temporaryNotebook("""
        a = 1
        b = a / 0
        a
        #> 999
        """)
        let result = runNotebook(path)
        XCTAssertFalse(result.passed)
        // The run stops at the error: the wrong expectation after it is not reached.
        XCTAssertEqual(result.failures, ["""
        \(path): unexpected error (add `#> error: ...` under the statement if it is expected):
        \(path):2:5: error: division by zero
            b = a / 0
                ^~~~~
        """])
    }

    func testExpectedErrorThatDoesNotHappenFails() throws {
        let path = try temporaryNotebook("""
        1 + 1
        #> error: ...
        """)
        let result = runNotebook(path)
        XCTAssertFalse(result.passed)
        XCTAssertEqual(result.failures.first, """
        \(path):2: output does not match (- expected, + actual):
            - error: ...
            + 2
        """)
    }

    func testSyntaxErrorFailsTheWholeFile() throws {
        let path = try temporaryNotebook("""
        x = 1
        #> 1
        y = (2 +
        """)
        let result = runNotebook(path)
        XCTAssertFalse(result.passed)
        XCTAssertEqual(result.failures, ["""
        \(path):3:9: error: unexpected end of input: expected an expression
            y = (2 +
                    ^
        """])
    }

    func testExpectationsThatFollowNoStatementAreReported() throws {
        let path = try temporaryNotebook("""
        for i in range(2) {
          print(i)
          #> 0
        }
        """)
        let result = runNotebook(path)
        XCTAssertFalse(result.passed)
        XCTAssertEqual(result.failures, ["\(path):3: these #> lines follow no top-level statement, so nothing checks them (move them under one)"])
    }

    func testSummaryLineAndFailureCount() throws {
        let good = try temporaryNotebook("1\n#> 1\n", name: "good.vis")
        let bad = try temporaryNotebook("1\n#> 2\n", name: "bad.vis")
        var lines: [String] = []
        let tester = makeTester(report: { lines.append($0) })
        let failed = onThread { tester.run(paths: [good, bad]) }
        XCTAssertEqual(failed, 1)
        XCTAssertEqual(lines.first, "ok     \(good)")
        XCTAssertTrue(lines.contains("FAILED \(bad)"))
        XCTAssertEqual(lines.last, "1 passed, 1 failed")
    }

    // MARK: --update

    func testUpdateRewritesOnlyExpectationBlocks() throws {
        let original = """
        # A header comment stays as it is.
        # %% First cell

        x = 40 + 2   # trailing comment
        x
        #> stale
        #> lines
        print("a\\nb")
        #> one line
        fn f(v) {
          return v * 2
        }
        f(4)
        #> 0
        # Unchecked statements keep having no block:
        print("not recorded")
        1 / 0
        #> old error
        [1][5]
        #> error: list index 5 out of range (length 1) (line 1, column 1)
        y = 3; y
        #> ?
        \t
        # %% Second cell
        none
        """
        let path = try temporaryNotebook(original)
        let result = runNotebook(path, update: true)
        XCTAssertTrue(result.passed, result.failures.joined(separator: "\n"))
        let updated = try String(contentsOfFile: path, encoding: .utf8)
        // Error lines are given as in the rewritten file: the blocks above shrank.
        XCTAssertEqual(updated, """
        # A header comment stays as it is.
        # %% First cell

        x = 40 + 2   # trailing comment
        x
        #> 42
        print("a\\nb")
        #> a
        #> b
        fn f(v) {
          return v * 2
        }
        f(4)
        #> 8
        # Unchecked statements keep having no block:
        print("not recorded")
        1 / 0
        #> error: division by zero (line 17, column 1)
        [1][5]
        #> error: list index 5 out of range (length 1) (line 19, column 1)
        y = 3; y
        #> 3
        \t
        # %% Second cell
        none
        """)
        // The rewritten notebook passes as it is, and updating it again changes nothing.
        XCTAssertTrue(runNotebook(path).passed)
        XCTAssertTrue(runNotebook(path, update: true).passed)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), updated)
    }

    func testUpdateKeepsBlocksThatStillMatch() throws {
        let original = """
        print("loss 0.25 after 12 ms")
        #> loss ... after ...ms
        for i in range(3) { print(i) }
        #> 0
        #> ...
        print("changed")
        #> was ...
        1 / 0
        #> error: division by zero (line ..., column 1)
        """
        let path = try temporaryNotebook(original)
        XCTAssertTrue(runNotebook(path, update: true).passed)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), """
        print("loss 0.25 after 12 ms")
        #> loss ... after ...ms
        for i in range(3) { print(i) }
        #> 0
        #> ...
        print("changed")
        #> changed
        1 / 0
        #> error: division by zero (line ..., column 1)
        """)
    }

    func testUpdateKeepsEveryOtherByteIncludingCarriageReturnsAndNoFinalNewline() throws {
        let original = "a = 1\r\n# comment \t \r\na\r\n#> 2\r\n#> 3\r\n\n\n   \nb = [1,\n  2]\nb\n#> [0]"
        let path = try temporaryNotebook(original)
        XCTAssertTrue(runNotebook(path, update: true).passed)
        let updated = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertEqual(updated, "a = 1\r\n# comment \t \r\na\r\n#> 1\r\n\n\n   \nb = [1,\n  2]\nb\n#> [1, 2]")
        XCTAssertTrue(runNotebook(path).passed)
    }
}
