import Foundation
import XCTest
@testable import VisREPL

/// The REPL driven through a pseudo-terminal, keys in and screen out, as a user sees it:
/// line editing, completion, history, Ctrl-C / Ctrl-D and the `:` commands. Each test
/// starts `vis` with HOME in a fresh folder (its own ~/.vis_history) and its working
/// folder in another.
final class REPLTerminalTests: FreshFoldersTestCase {
    override class var folderPrefix: String { "vis-repl" }

    // MARK: Helpers

    /// Starts the REPL in `work` and waits for its first prompt.
    func start(file: StaticString = #filePath, line: UInt = #line) throws -> PseudoTerminal {
        let t = try PseudoTerminal(home: home, cwd: work, file: file, line: line)
        t.expect(">>> ", file: file, line: line)
        return t
    }

    /// Types `keys` and waits until what the screen shows from then on contains `shows`.
    func enter(_ t: PseudoTerminal, _ keys: String, shows: String, file: StaticString = #filePath, line: UInt = #line) {
        t.clear()
        t.type(keys)
        t.expect(shows, file: file, line: line)
    }

    /// Types `keys` (a Tab, an arrow) and waits until the input line reads `line`.
    func edit(_ t: PseudoTerminal, _ keys: String, line: String, file: StaticString = #filePath, line fileLine: UInt = #line) {
        t.clear()
        t.type(keys)
        t.expectLine(line, file: file, line: fileLine)
    }

    /// Writes a file under `work`.
    func write(_ text: String, to name: String) throws {
        let url = URL(fileURLWithPath: work + "/" + name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    // MARK: Input and output

    func testTypedExpressionShowsItsValue() throws {
        let t = try start()
        enter(t, "1 + 2\r", shows: "1 + 2\n3\n>>> ")
        enter(t, "x = 20\r", shows: "x = 20\n>>> ")
        enter(t, "x * 2 + 2\r", shows: "\n42\n>>> ")
    }

    func testMultiLineFunctionUsesTheContinuationPrompt() throws {
        let t = try start()
        enter(t, "fn twice(a) {\r", shows: "fn twice(a) {\n... ")
        enter(t, "  return a * 2\r", shows: "return a * 2\n... ")
        enter(t, "}\r", shows: "}\n>>> ")
        enter(t, "twice(21)\r", shows: "twice(21)\n42\n>>> ")
        // An open bracket and a trailing operator continue too.
        enter(t, "[1,\r", shows: "\n... ")
        enter(t, " 2] + \r", shows: "\n... ")
        enter(t, "[3]\r", shows: "\n[1, 2, 3]\n>>> ")
    }

    func testPrintWithoutNewlineDoesNotRunIntoThePrompt() throws {
        let t = try start()
        enter(t, "print(\"abc\", end=\"\")\r", shows: "\nabc\n>>> ")
        enter(t, "print(\"a\"); print(\"b\")\r", shows: "\na\nb\n>>> ")
    }

    // MARK: Completion

    func testTabCompletesVariablesBuiltinsAndKeywords() throws {
        let t = try start()
        enter(t, "my_long_variable = 5\r", shows: ">>> ")
        edit(t, "my_lo\t", line: ">>> my_long_variable")
        enter(t, " + 1\r", shows: "\n6\n>>> ")
        edit(t, "pri\t", line: ">>> print")
        enter(t, "(\"hello\")\r", shows: "\nhello\n>>> ")
        edit(t, "no_gr\t", line: ">>> no_grad")
        enter(t, " { z = 1 }\r", shows: ">>> ")
        enter(t, "z\r", shows: "\n1\n>>> ")
        edit(t, "whi\t", line: ">>> while")
        enter(t, " false { }\r", shows: ">>> ")
        // At the start of a line (a continuation line too) Tab indents.
        edit(t, "\t7", line: ">>>   7")
        enter(t, " * 6\r", shows: "\n42\n>>> ")
        XCTAssertFalse(t.screen.text.contains("error"), t.screen.text)
    }

    func testTabCompletesTensorMethodsAndModelFields() throws {
        let t = try start()
        enter(t, "x = ones(2, 3)\r", shows: ">>> ")
        // Two candidates: the first Tab beeps, the second lists them.
        enter(t, "x.su\t\t", shows: "x.sub")
        t.expect("x.sum")
        t.expectLine(">>> x.su")
        enter(t, "m()\r", shows: "\ntensor(6.)\n>>> ")
        edit(t, "x.resh\t", line: ">>> x.reshape")
        enter(t, "(3, 2).shape\r", shows: "\n[3, 2]\n>>> ")
        enter(t, "model Net() {\r", shows: "... ")
        enter(t, "  w = ones(2, 2)\r", shows: "... ")
        enter(t, "  bias_term = zeros(2)\r", shows: "... ")
        enter(t, "  fn forward(v) { return v @ w + bias_term }\r", shows: "... ")
        enter(t, "}\r", shows: ">>> ")
        enter(t, "net = Net()\r", shows: ">>> ")
        edit(t, "net.bi\t", line: ">>> net.bias_term")
        enter(t, "\r", shows: "\ntensor([0., 0.])\n>>> ")
        enter(t, "net.w.su\t\t", shows: "net.w.sum")
        t.expectLine(">>> net.w.su")
        enter(t, "m()\r", shows: "\ntensor(4.)\n>>> ")
    }

    func testTabCompletesPathsInsideStringsAndAfterLoad() throws {
        try write("", to: "data/train.png")
        try write("", to: "data/test.png")
        try write("x = 1\n", to: "notes.vis")
        let t = try start()
        edit(t, "p = \"da\t", line: ">>> p = \"data/")
        edit(t, "tr\t", line: ">>> p = \"data/train.png")
        enter(t, "\"\r", shows: ">>> ")
        enter(t, "p\r", shows: "\"data/train.png\"\n>>> ")
        // Several files: the second Tab lists them.
        enter(t, "q = \"data/t\t\t", shows: "test.png  train.png")
        t.expectLine(">>> q = \"data/t")
        XCTAssertFalse(PseudoTerminal.plain(t.transcript).contains("notes.vis"))
        enter(t, "\u{3}", shows: "^C\n>>> ")
        edit(t, ":load no\t", line: ">>> :load notes.vis")
        enter(t, "\r", shows: ">>> ")
        enter(t, "x\r", shows: "\n1\n>>> ")
        edit(t, ":he\t", line: ">>> :help")
        enter(t, "\u{3}", shows: "^C\n>>> ")
        // A command's argument completes as Command.table declares it.
        edit(t, ":help :sa\t", line: ">>> :help :save")
        enter(t, "\r", shows: ":save FILE (REPL command)\nwrite this session")
        t.expect(">>> ")
        edit(t, ":help tensor.argm\t", line: ">>> :help tensor.argm")
        enter(t, "\u{3}", shows: "^C\n>>> ")
    }

    /// libedit runs completion inside its own read loop (S4TF's REPL died in el_wgets
    /// there): Tab in odd places must never take the REPL down.
    func testTabInOddPlacesNeverCrashes() throws {
        let t = try start()
        let odd = [
            "", "\t", "print(", "((([[{", "\"unclosed string ", "\"\\", "1.", "1.5.", "x.", "undefined.name.",
            ":", ":load ", ":run ", ":help pri", ":help :", ":help tensor.", ":time x.", ":time \"da", "f\"{ones(2).su", "f\"text {", "fn f() {\r", "a.b.c.d.e.f.g.",
            String(repeating: "é", count: 40), String(repeating: "é", count: 600),
            String(repeating: "a", count: 1019), String(repeating: "b", count: 1021), String(repeating: "c", count: 2045),
            "abc def\u{1b}[D\u{1b}[D\u{1b}[D",
        ]
        for (i, text) in odd.enumerated() {
            t.clear()
            // Three Tabs (complete, list, answer a "Display all?" question), then Ctrl-E
            // and a marker at the end of the line: once it shows, libedit has handled
            // the Tabs.
            t.type(text + "\t\t\t" + "\u{5}#mark\(i)")
            t.expect("mark\(i)", timeout: 20)
            t.type("\u{3}")
            t.expect("^C\n>>> ")
        }
        enter(t, "1 + 1\r", shows: "1 + 1\n2\n>>> ")
    }

    /// Ctrl-C while libedit asks whether to list many completions, the question
    /// answered afterwards, and a window resize (SIGWINCH) while it waits for a key.
    func testCtrlCAtTheListQuestionAndAWindowResize() throws {
        let t = try start()
        enter(t, "print(\t\t", shows: "possibilities? (y or n)")
        enter(t, "\u{3}", shows: "^C\n>>> ")
        enter(t, "print(\t\t", shows: "possibilities? (y or n)")
        enter(t, "y", shows: "zeros_like")
        t.expectLine(">>> print(")
        enter(t, "\u{3}", shows: "^C\n>>> ")
        enter(t, "1 +", shows: "1 +")
        t.resize(columns: 120, rows: 40)
        enter(t, " 1\r", shows: "\n2\n>>> ")
    }

    /// Window resizes racing with the end of a line (libedit's own resize handler once
    /// crashed here when the signal landed on another thread).
    func testResizesWhileLinesFinish() throws {
        let t = try start()
        for i in 0..<20 {
            t.clear()
            t.type("\(i) +")
            t.resize(columns: i % 2 == 0 ? 120 : 80, rows: 40)
            t.type(" 1\r")
            guard t.expect("\n\(i + 1)\n>>> ") else { return }  // a crash fails once, not 20 times
        }
    }

    /// Ctrl-Z hands the terminal back (here, in a process group no shell can resume,
    /// the kernel does not stop it) and SIGCONT redraws the line; editing goes on.
    func testCtrlZAndContinueKeepTheLine() throws {
        let t = try start()
        enter(t, "x = 41", shows: "x = 41")
        t.type("\u{1a}")
        t.clear()
        kill(t.pid, SIGCONT)
        t.expect("x = 41")
        enter(t, " + 1\r", shows: ">>> ")
        enter(t, "x\r", shows: "42\n>>> ")
    }

    // MARK: History

    func testUpArrowRecallsEarlierInput() throws {
        let t = try start()
        enter(t, "a = 7\r", shows: ">>> ")
        enter(t, "a * 6\r", shows: "\n42\n>>> ")
        edit(t, "\u{1b}[A", line: ">>> a * 6")
        enter(t, "\r", shows: "\n42\n>>> ")
        enter(t, "a = 1\r", shows: ">>> ")
        edit(t, "\u{1b}[A\u{1b}[A\u{1b}[A", line: ">>> a = 7")
        enter(t, "\r", shows: ">>> ")
        enter(t, "a\r", shows: "\n7\n>>> ")
        // A multi-line statement comes back whole.
        enter(t, "fn g(v) {\r", shows: "... ")
        enter(t, "  return v + 100\r", shows: "... ")
        enter(t, "}\r", shows: ">>> ")
        enter(t, "fn g(v) { return 0 }\r", shows: ">>> ")
        enter(t, "\u{1b}[A\u{1b}[A", shows: "return v + 100")
        enter(t, "\r", shows: ">>> ")
        enter(t, "g(1)\r", shows: "\n101\n>>> ")
    }

    func testHistoryPersistsAcrossSessions() throws {
        let first = try start()
        enter(first, "hist_marker = 99\r", shows: ">>> ")
        first.type("\u{4}")
        XCTAssertEqual(first.waitForExit(), 0)
        let saved = try String(contentsOfFile: home + "/.vis_history", encoding: .utf8)
        XCTAssertTrue(saved.contains("hist_marker"), saved)

        let second = try start()
        edit(second, "\u{1b}[A", line: ">>> hist_marker = 99")
        enter(second, "\r", shows: ">>> ")
        enter(second, "hist_marker + 1\r", shows: "\n100\n>>> ")
        second.type("\u{4}")
        XCTAssertEqual(second.waitForExit(), 0)
    }

    func testHistoryFileIsCapped() throws {
        let limit = EditLineReader.historyLimit
        let old = (1...(limit + 500)).map { "old_\($0)" }
        try (["_HiStOrY_V2_"] + old).joined(separator: "\n").appending("\n")
            .write(toFile: home + "/.vis_history", atomically: true, encoding: .utf8)
        let t = try start()
        edit(t, "\u{1b}[A", line: ">>> old_\(limit + 500)")
        enter(t, "\u{3}", shows: ">>> ")
        enter(t, "1 + 1\r", shows: "\n2\n>>> ")
        t.type("\u{4}")
        XCTAssertEqual(t.waitForExit(), 0)
        let lines = try String(contentsOfFile: home + "/.vis_history", encoding: .utf8)
            .split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "_HiStOrY_V2_")
        XCTAssertEqual(lines.count - 1, limit)
        XCTAssertEqual(lines.last, "1\\040+\\0401")
        XCTAssertEqual(lines.dropFirst().first, "old_\(500 + 2)")
    }

    /// libedit binds Ctrl-R to em-inc-search-prev: a `bck:` line below the prompt, the
    /// newest match shown as the input line, Enter runs it. (Its search is quirky: some
    /// patterns stop extending, e.g. `zz * 7` beeps at the `7` though the line holds
    /// it, and an arrow key ends the search and inserts the rest of its sequence.)
    func testCtrlRSearchesHistoryBackwards() throws {
        let t = try start()
        enter(t, "unique_name_zz = 3\r", shows: ">>> ")
        enter(t, "unique_name_zz * 7\r", shows: "\n21\n>>> ")
        enter(t, "1 + 1\r", shows: "\n2\n>>> ")
        enter(t, "\u{12}", shows: "bck:")
        t.type("name_z")
        t.expectScreen(">>> unique_name_zz * 7")
        t.expectScreen("bck:name_z")
        enter(t, "\r", shows: "\n21\n>>> ")
    }

    // MARK: Ctrl-C and Ctrl-D

    func testCtrlCCancelsThePartialLine() throws {
        let t = try start()
        enter(t, "zz = 1 +", shows: "zz = 1 +")
        enter(t, "\u{3}", shows: "^C\n>>> ")
        enter(t, "1 + 2\r", shows: "1 + 2\n3\n>>> ")
        // Also on a continuation line: the whole unfinished statement goes.
        enter(t, "fn f() {\r", shows: "... ")
        enter(t, "\u{3}", shows: "^C\n>>> ")
        enter(t, "2 * 3\r", shows: "2 * 3\n6\n>>> ")
        enter(t, "zz\r", shows: "name 'zz' is not defined")
        t.expect(">>> ")
    }

    func testCtrlCInterruptsAnInfiniteLoopKeepingVariables() throws {
        let t = try start()
        enter(t, "x = 41\r", shows: ">>> ")
        enter(t, "print(\"looping\"); while true { }\r", shows: "\nlooping\n")
        // Placed at the statement Ctrl-C stopped, as in a script.
        enter(t, "\u{3}", shows: "<repl>:1:19: error: interrupted\n")
        t.expect(">>> ")
        enter(t, "x + 1\r", shows: "x + 1\n42\n>>> ")
    }

    func testCtrlCInterruptsLongNativeWork() throws {
        let t = try start()
        enter(t, "x = 41\r", shows: ">>> ")
        enter(t, "a = randn(256, 256)\r", shows: ">>> ")
        // "working" shows once the first product is done, so `b` exists when Ctrl-C comes.
        enter(t, "for i in range(1000000) { b = a @ a; if i == 0 { print(\"working\") } }\r", shows: "\nworking\n")
        enter(t, "\u{3}", shows: "error: interrupted\n")
        t.expect(">>> ")
        enter(t, "x + 1\r", shows: "x + 1\n42\n>>> ")
        enter(t, "b.shape\r", shows: "\n[256, 256]\n>>> ")
    }

    func testCtrlDExitsWithStatusZero() throws {
        let t = try start()
        enter(t, "1\r", shows: ">>> ")
        t.type("\u{4}")
        XCTAssertEqual(t.waitForExit(), 0)
    }

    // MARK: Errors

    func testErrorsShowTheDiagnosticAndTheREPLGoesOn() throws {
        let t = try start()
        enter(t, "y = 1\r", shows: ">>> ")
        enter(t, "y + undefined_name\r",
              shows: "\n<repl>:1:5: error: name 'undefined_name' is not defined\n    y + undefined_name\n        ^~~~~~~~~~~~~~\n>>> ")
        enter(t, "y + 1\r", shows: "y + 1\n2\n>>> ")
        // An error from a function defined in an earlier entry: its traceback, then the error.
        enter(t, "fn f() { return y + undefined_name }\r", shows: ">>> ")
        enter(t, "f()\r", shows: "\ntraceback (most recent call last):\n  <repl>:1:1 in <top level>\n    f()\n"
              + "  <repl>:1:21 in f\n    fn f() { return y + undefined_name }\n<repl>:1:21: error: name 'undefined_name' is not defined\n")
        t.expect(">>> ")
        enter(t, "ones(2) @ ones(3)\r", shows: "<repl>:1:1: error: matmul: shapes [2] and [3]")
        t.expect(">>> ")
        enter(t, "1 +* 2\r", shows: "<repl>:1:4: error: ")
        t.expect("\n       ^\n>>> ")
        enter(t, "y\r", shows: "\n1\n>>> ")
    }

    // MARK: Commands

    func testHelpVarsAndTime() throws {
        let t = try start()
        enter(t, ":help\r", shows: ":vars")
        t.expect(">>> ")
        // The generated signature once, then the doc without its hand-written one.
        enter(t, ":help print\r", shows: ":help print\nprint(*values, sep=\" \", end=\"\\n\", file=none, flush=false)\nwrites")
        t.expect(">>> ")
        enter(t, ":help nosuch_thing\r", shows: "no help for 'nosuch_thing'")
        enter(t, "t = ones(2, 3)\r", shows: ">>> ")
        enter(t, "s = \"hi\"\r", shows: ">>> ")
        // Only the session's own variables, not the stdlib's.
        enter(t, ":vars\r", shows: ":vars\nt: tensor [2, 3] float32\ns: string\n>>> ")
        enter(t, ":time t.sum()\r", shows: "\ntensor(6.)\ntime: ")
        t.expect(" ms\n>>> ")
        enter(t, ":time\r", shows: ":time needs a statement")
        enter(t, ":time for i in range(2) {\r", shows: ":time needs a complete statement")
        t.expect(">>> ")
        // A comment typed right before a function is its doc, as in a file.
        enter(t, "# Doubles x.\r", shows: ">>> ")
        enter(t, "fn double(x) {\r", shows: "... ")
        enter(t, "return 2 * x }\r", shows: ">>> ")
        enter(t, ":help double\r", shows: ":help double\ndouble(x)\nDoubles x.\n(defined at <repl>:2)\n>>> ")
        enter(t, ":help for\r", shows: "for (keyword)\nLoops over any iterable")
    }

    func testLoadCellsAndRunSeeEditsOnDisk() throws {
        try write("# %% Setup\ncounter = 10\n# %% Step\ncounter = counter + 1\nprint(f\"counter {counter}\")\n", to: "nb.vis")
        let t = try start()
        enter(t, ":load nb.vis\r", shows: "\ncounter 11\n>>> ")
        enter(t, ":cells\r", shows: "1  Setup")
        t.expect("2  Step")
        enter(t, ":run 2\r", shows: "\ncounter 12\n>>> ")
        // Edit cell 2 on disk: :run sees the new code, and the session keeps its state.
        try write("# %% Setup\ncounter = 10\n# %% Step\ncounter = counter + 100\nprint(f\"now {counter}\")\n", to: "nb.vis")
        enter(t, ":run 2\r", shows: "\nnow 112\n>>> ")
        enter(t, ":run 1\r", shows: ">>> ")
        enter(t, ":run 2\r", shows: "\nnow 110\n>>> ")
        enter(t, ":run 7\r", shows: "there is no cell 7")
        enter(t, ":load missing.vis\r", shows: "cannot read missing.vis")
    }

    func testSaveWritesANotebookThatVisTestPasses() throws {
        let t = try start()
        enter(t, "a = 2\r", shows: ">>> ")
        enter(t, "a * 21\r", shows: "\n42\n>>> ")
        enter(t, "print(\"hi\"); b = a + 1\r", shows: "\nhi\n>>> ")
        enter(t, "ones(2) @ ones(3)\r", shows: "error: matmul")
        enter(t, "fn f() {\r", shows: "... ")
        enter(t, "  return missing_name\r", shows: "... ")
        enter(t, "}\r", shows: ">>> ")
        enter(t, "f()\r", shows: "error: name 'missing_name'")
        enter(t, "1 +* 2\r", shows: "error: expected an expression")
        enter(t, "b\r", shows: "\n3\n>>> ")
        enter(t, ":save saved.vis\r", shows: "saved 8 statements to saved.vis\n>>> ")
        let text = try String(contentsOfFile: work + "/saved.vis", encoding: .utf8)
        XCTAssertTrue(text.contains("a * 21\n#> 42\n"), text)
        XCTAssertTrue(text.contains("print(\"hi\")\n#> hi\nb = a + 1\n"), text)
        XCTAssertTrue(text.contains("#> error: name 'missing_name' is not defined (line 10, column 10)"), text)
        XCTAssertFalse(text.contains("+*"), "a line that does not parse is left out:\n\(text)")

        let result = try CommandLineTests.runVis(["test", "saved.vis"], cwd: work, home: home)
        XCTAssertEqual(result.status, 0, result.out + result.err)
        XCTAssertEqual(result.out.split(separator: "\n").last, "1 passed, 0 failed")
    }

    func testResetForgetsVariables() throws {
        let t = try start()
        enter(t, "q = 5\r", shows: ">>> ")
        enter(t, ":reset\r", shows: "session reset\n>>> ")
        enter(t, "q\r", shows: "name 'q' is not defined")
        enter(t, "ones(2).sum()\r", shows: "\ntensor(2.)\n>>> ")
    }

    func testQuitExitsWithStatusZero() throws {
        let t = try start()
        t.type(":quit\r")
        XCTAssertEqual(t.waitForExit(), 0)
    }

    func testUnknownCommandSuggestsTheClosestOne() throws {
        let t = try start()
        enter(t, ":hlep\r", shows: "unknown command :hlep (did you mean ':help'?)")
        t.expect(">>> ")
    }
}
