import Foundation
import XCTest

/// The `vis` command line run as a process: a script piped to standard input (no
/// prompts, no line editing), `-e`, a file, `run --cell`, `test [--update]`, and the
/// exit statuses (0 success, 1 vis error, 2 usage error).
final class CommandLineTests: XCTestCase {
    var base = ""
    var work = ""

    override func setUpWithError() throws {
        base = FileManager.default.temporaryDirectory.appendingPathComponent("vis-cli-\(UUID().uuidString)").path
        work = base + "/work"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: base + "/home", withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: base)
    }

    /// What one run of `vis` gave.
    struct Result {
        let status: Int32
        let out: String
        let err: String
    }

    /// Runs the `vis` binary with `arguments` in `cwd`, `stdin` on its standard input
    /// (an empty pipe when nil), capturing both outputs through files (no pipe to fill).
    static func runVis(_ arguments: [String], stdin: String? = nil, cwd: String, home: String,
                       interruptAfter: String? = nil) throws -> Result {
        let child = try VisChild(arguments, cwd: cwd, home: home, stdin: stdin ?? "")
        defer { child.removeFiles() }
        if let marker = interruptAfter {
            // Ctrl-C once the script has shown it is running.
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline, !child.out.contains(marker) { usleep(20_000) }
            child.process.interrupt()
        }
        try child.wait()
        return Result(status: child.process.terminationStatus, out: child.out, err: child.err)
    }

    func vis(_ arguments: [String], stdin: String? = nil, interruptAfter: String? = nil) throws -> Result {
        try CommandLineTests.runVis(arguments, stdin: stdin, cwd: work, home: base + "/home", interruptAfter: interruptAfter)
    }

    /// Writes a file under `work`.
    func write(_ text: String, to name: String) throws {
        try text.write(toFile: work + "/" + name, atomically: true, encoding: .utf8)
    }

    func read(_ name: String) throws -> String {
        try String(contentsOfFile: work + "/" + name, encoding: .utf8)
    }

    // MARK: Scripts

    func testPipedScriptRunsWithoutPrompts() throws {
        let r = try vis([], stdin: "ones(2).sum()\n")
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.out, "tensor(2.)\n")
        XCTAssertEqual(r.err, "")
    }

    func testPipedMultiLineScript() throws {
        let r = try vis([], stdin: "fn f(a) {\n  return a + 1\n}\nx = f(1)\nprint(\"x is\", x)\nx * 10\n")
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.out, "x is 2\n20\n")
    }

    func testPipedScriptErrorStopsWithStatusOne() throws {
        let r = try vis([], stdin: "print(\"before\")\nnope + 1\nprint(\"after\")\n")
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.out, "before\n")
        XCTAssertEqual(r.err, "<stdin>:2:1: error: name 'nope' is not defined (did you mean 'none'?)\n    nope + 1\n    ^~~~\n")
    }

    /// `:` commands at the start of a statement line run as at the prompt.
    func testPipedHelpAndCommands() throws {
        let help = try vis([], stdin: ":help Conv2d\n")
        XCTAssertEqual(help.status, 0, help.err)
        XCTAssertTrue(help.out.hasPrefix("Conv2d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=true, padding_mode=\"zeros\")\n2-D convolution"), help.out)
        XCTAssertEqual(help.err, "")
        let r = try vis([], stdin: "x = ones(2, 3)\n  :vars\n:time x.sum()\n:help :save\nxs = [1, 2, 3][1\n:3]\nprint(xs)\n:help nosuch_thing\n:help Conv2dd\nhelp(\"for\")\n")
        XCTAssertEqual(r.status, 0, r.err)
        let lines = r.out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(lines[0], "x: tensor [2, 3] float32")
        XCTAssertEqual(lines[1], "tensor(6.)")
        XCTAssertTrue(lines[2].hasPrefix("time: ") && lines[2].hasSuffix(" ms"), lines[2])
        XCTAssertEqual(Array(lines[3...8]), [":save FILE (REPL command)", "write this session as a notebook with #> expectations", "[2, 3]",
                                             "no help for 'nosuch_thing'", "no help for 'Conv2dd' (did you mean 'Conv2d'?)", "for (keyword)"])
        let crlf = try vis([], stdin: "x = 1\r\n:help pi\r\nprint(x)\r\n")
        XCTAssertEqual(crlf.status, 0, crlf.err)
        XCTAssertTrue(crlf.out.hasPrefix("pi = 3.141592653589793 (constant, a float)\n"), crlf.out)
        XCTAssertTrue(crlf.out.hasSuffix("\n1\n"), crlf.out)
        let list = try vis([], stdin: ":help\n")
        XCTAssertTrue(list.out.hasPrefix(":help [name]"), list.out)
        XCTAssertTrue(list.out.contains("\n:save FILE "), list.out)
    }

    /// A piped script with commands still parses whole before running and stops at its
    /// first error with status 1; errors keep the input's line numbers; `:quit` ends it.
    func testPipedCommandsKeepTheScriptContract() throws {
        let bad = try vis([], stdin: "print(\"before\")\n:help print\nnope + 1\nprint(\"after\")\n")
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.out.hasPrefix("before\nprint("), bad.out)
        XCTAssertFalse(bad.out.contains("after"), bad.out)
        XCTAssertEqual(bad.err, "<stdin>:3:1: error: name 'nope' is not defined (did you mean 'none'?)\n    nope + 1\n    ^~~~\n")
        let syntax = try vis([], stdin: "print(\"before\")\n:vars\nprint(2 +)\n")
        XCTAssertEqual(syntax.status, 1)
        XCTAssertEqual(syntax.out, "")
        XCTAssertTrue(syntax.err.hasPrefix("<stdin>:3:10: error: expected an expression"), syntax.err)
        let timed = try vis([], stdin: "x = 1\n:time  nope + 1\nprint(\"after\")\n")
        XCTAssertEqual(timed.status, 1)
        XCTAssertTrue(timed.err.hasPrefix("<stdin>:2:8: error: name 'nope' is not defined"), timed.err)
        XCTAssertFalse(timed.out.contains("after"), timed.out)
        let quit = try vis([], stdin: "print(1)\n:quit\nprint(2)\n")
        XCTAssertEqual(quit.status, 0)
        XCTAssertEqual(quit.out, "1\n")
        let unknown = try vis([], stdin: ":hlep\nprint(1)\n")
        XCTAssertEqual(unknown.out, "unknown command :hlep (did you mean ':help'?); :help lists the commands\n1\n")
    }

    /// `help()` is a builtin, so `-e` and files get the same text as `:help`.
    func testHelpBuiltinInScripts() throws {
        let r = try vis(["-e", "help(\"tensor.sum\")\nx = ones(2)\nhelp(x.sum)\nhelp(\":q\")"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.out, "tensor.sum(dim=none, keepdim=false)\nsum over all elements, a dim or a list of dims.\n"
                       + "tensor.sum(dim=none, keepdim=false)\nsum over all elements, a dim or a list of dims.\n"
                       + ":quit (REPL command; also :q, :exit)\nleave (Ctrl-D also does)\n")
    }

    func testDashERunsCode() throws {
        let r = try vis(["-e", "x = 20\nx * 2 + 2"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.out, "42\n")
        let bad = try vis(["-e", "ones(2) @ ones(3)"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.err.hasPrefix("<-e>:1:1: error: matmul: shapes [2] and [3]"), bad.err)
        XCTAssertTrue(bad.err.contains("\n    ^~~~"), bad.err)
    }

    func testFileArgumentRunsTheNotebook() throws {
        try write("# %% One\nx = 2\nprint(\"one\")\n# %% Two\nx * 21\n", to: "nb.vis")
        let r = try vis(["nb.vis"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.out, "one\n42\n")
        let run = try vis(["run", "nb.vis"])
        XCTAssertEqual(run.out, "one\n42\n")
    }

    func testRunCellRunsCellsOneToN() throws {
        try write("# %% One\nx = 1\nprint(\"cell 1\")\n# %% Two\nx = x + 1\nprint(\"cell 2\", x)\n# %% Three\nprint(\"cell 3\")\n", to: "nb.vis")
        let one = try vis(["run", "nb.vis", "--cell", "1"])
        XCTAssertEqual(one.status, 0, one.err)
        XCTAssertEqual(one.out, "cell 1\n")
        let two = try vis(["run", "--cell", "2", "nb.vis"])
        XCTAssertEqual(two.status, 0, two.err)
        XCTAssertEqual(two.out, "cell 1\ncell 2 2\n")
        let missing = try vis(["run", "nb.vis", "--cell", "4"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.err.contains("there is no cell 4"), missing.err)
        XCTAssertEqual(try vis(["run", "nb.vis", "--cell"]).status, 2)
        XCTAssertEqual(try vis(["run", "nb.vis", "--cell", "two"]).status, 2)
    }

    func testErrorInAFileNamesFileLineAndColumn() throws {
        try write("x = 1\nprint(\"ok\")\ny = x + missing\nprint(\"not reached\")\n", to: "bad.vis")
        let r = try vis(["bad.vis"])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.out, "ok\n")
        XCTAssertEqual(r.err, "bad.vis:3:9: error: name 'missing' is not defined\n    y = x + missing\n            ^~~~~~~\n")
    }

    func testErrorInAFunctionPrintsATraceback() throws {
        try write("fn scale(x) {\n  return x * factor\n}\nfn run() {\n  return scale(2)\n}\nprint(\"ok\")\nrun()\n", to: "tb.vis")
        let r = try vis(["tb.vis"])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.out, "ok\n")
        XCTAssertEqual(r.err, """
        traceback (most recent call last):
          tb.vis:8:1 in <top level>
            run()
          tb.vis:5:10 in run
            return scale(2)
          tb.vis:2:14 in scale
            return x * factor
        tb.vis:2:14: error: name 'factor' is not defined
              return x * factor
                         ^~~~~~

        """)
        // -e and piped input print the same form.
        let e = try vis(["-e", "fn f() { return 1 / 0 }\nf()"])
        XCTAssertEqual(e.status, 1)
        XCTAssertTrue(e.err.hasPrefix("traceback (most recent call last):\n  <-e>:2:1 in <top level>\n    f()\n  <-e>:1:17 in f\n"), e.err)
        let piped = try vis([], stdin: "fn f() { return 1 / 0 }\nf()\n")
        XCTAssertEqual(piped.status, 1)
        XCTAssertTrue(piped.err.hasPrefix("traceback (most recent call last):\n  <stdin>:2:1 in <top level>\n"), piped.err)
        // vis test: an unexpected error shows the traceback; an expected one keeps the one-line form.
        try write("fn f() { return 1 / 0 }\nf()\n#> error: division by zero (line 1, column 17)\n", to: "expected.vis")
        XCTAssertEqual(try vis(["test", "expected.vis"]).status, 0)
        try write("fn f() { return 1 / 0 }\nf()\n", to: "unexpected.vis")
        let t = try vis(["test", "unexpected.vis"])
        XCTAssertEqual(t.status, 1)
        XCTAssertTrue(t.out.contains("traceback (most recent call last):\n  unexpected.vis:2:1 in <top level>\n"), t.out)
    }

    func testExitStatuses() throws {
        XCTAssertEqual(try vis(["-e", "1"]).status, 0)
        XCTAssertEqual(try vis(["-e", "exit(3)"]).status, 3)
        XCTAssertEqual(try vis(["missing.vis"]).status, 1)
        for usage in [["--bogus"], ["-e"], ["-e", "1", "2"], ["test"], ["test", "--bogus", "x.vis"], ["run"], ["run", "--cell", "1"]] {
            let r = try vis(usage)
            XCTAssertEqual(r.status, 2, "vis \(usage.joined(separator: " "))")
            XCTAssertTrue(r.err.contains("usage: vis"), "vis \(usage.joined(separator: " ")): \(r.err)")
        }
        XCTAssertTrue(try vis(["--version"]).out.hasPrefix("vis "))
        XCTAssertEqual(try vis(["--help"]).status, 0)
    }

    func testCtrlCStopsAScriptWithStatus130() throws {
        let r = try vis(["-e", "print(\"started\")\nwhile true { }"], interruptAfter: "started")
        XCTAssertEqual(r.status, 130)
        XCTAssertTrue(r.err.hasPrefix("<-e>:2:1: error: interrupted"), r.err)
    }

    // MARK: vis test

    func testPassingAndFailingNotebooks() throws {
        try write("x = tensor([[1.0, 2.0], [3.0, 4.0]])\nx.sum()\n#> tensor(10.)\nx @ ones(3)\n#> error: matmul: ... (line 4, column 1)\nprint(\"a\"); print(\"b\")\n#> a\n#> ...\n", to: "good.vis")
        try write("1 + 1\n#> 3\n2 + 2\n#> 4\n", to: "bad.vis")
        let good = try vis(["test", "good.vis"])
        XCTAssertEqual(good.status, 0, good.out)
        XCTAssertEqual(good.out.split(separator: "\n").last, "1 passed, 0 failed")
        let bad = try vis(["test", "bad.vis"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.out.contains("bad.vis:2: output does not match"), bad.out)
        XCTAssertTrue(bad.out.contains("- 3\n"), bad.out)
        XCTAssertTrue(bad.out.contains("+ 2\n"), bad.out)
        XCTAssertEqual(bad.out.split(separator: "\n").last, "0 passed, 1 failed")
        let both = try vis(["test", "."])
        XCTAssertEqual(both.status, 1)
        XCTAssertEqual(both.out.split(separator: "\n").last, "1 passed, 1 failed")
    }

    func testUpdateRewritesOnlyExpectationLines() throws {
        let before = """
        # %% Setup
        x = 20   # a comment stays
        x + 1
        #> 0
        #> stale second line

        # just a comment
        print("p"); print("q")
        #> wrong
        x / 0.5
        ones(2) @ ones(3)
        #> error: old message
        last = x
        """
        try write(before + "\n", to: "nb.vis")
        XCTAssertEqual(try vis(["test", "nb.vis"]).status, 1)
        let update = try vis(["test", "--update", "nb.vis"])
        XCTAssertEqual(update.status, 0, update.out)
        let after = try read("nb.vis")
        // Every line that is not a #> line is left exactly as it was.
        func code(_ text: String) -> [Substring] { text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("#>") } }
        XCTAssertEqual(code(after), code(before + "\n"))
        XCTAssertTrue(after.contains("x + 1\n#> 21\n\n"), after)
        XCTAssertTrue(after.contains("print(\"p\"); print(\"q\")\n#> p\n#> q\nx / 0.5\n"), after)
        let error = after.split(separator: "\n").first { $0.hasPrefix("#> error") } ?? ""
        XCTAssertTrue(error.hasPrefix("#> error: matmul: shapes [2] and [3]") && error.hasSuffix("(line 11, column 1)"), after)
        let rerun = try vis(["test", "nb.vis"])
        XCTAssertEqual(rerun.status, 0, rerun.out)
        XCTAssertEqual(rerun.out.split(separator: "\n").last, "1 passed, 0 failed")
    }

    // MARK: Script arguments

    func testScriptArgumentsReachSysArgv() throws {
        try write("print(sys.argv)\n", to: "args.vis")
        let r = try vis(["args.vis", "--epochs", "5", "--lr", "0.01"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.out, "[\"args.vis\", \"--epochs\", \"5\", \"--lr\", \"0.01\"]\n")
        XCTAssertEqual(try vis(["run", "args.vis", "a", "-b"]).out, "[\"args.vis\", \"a\", \"-b\"]\n")
        // --cell right after the file is vis's; later arguments are the script's, even --cell.
        try write("# %% One\nprint(sys.argv)\n# %% Two\nprint(\"two\")\n", to: "cells.vis")
        XCTAssertEqual(try vis(["run", "cells.vis", "--cell", "1", "x", "--cell", "2"]).out, "[\"cells.vis\", \"x\", \"--cell\", \"2\"]\n")
        XCTAssertEqual(try vis(["run", "--cell", "1", "cells.vis", "y"]).out, "[\"cells.vis\", \"y\"]\n")
        XCTAssertEqual(try vis(["-e", "print(sys.argv)"]).out, "[\"\"]\n")
    }

    static let trainScript = """
        parser = argparse.ArgumentParser(description="Train a small CNN.")
        parser.add_argument("--epochs", type=int, default=10, help="passes over the data")
        parser.add_argument("--lr", type=float, default=0.01, help="learning rate")
        parser.add_argument("--no-cuda", action="store_true")
        args = parser.parse_args()
        print(args.epochs, args.lr, args.no_cuda)

        """

    func testArgparseParsesScriptArguments() throws {
        try write(Self.trainScript, to: "train.vis")
        let r = try vis(["train.vis", "--epochs", "5", "--lr=0.001", "--no-cuda"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.out, "5 0.001 true\n")
        XCTAssertEqual(try vis(["train.vis"]).out, "10 0.01 false\n")
    }

    func testArgparseHelpPrintsUsageAndExitsZero() throws {
        try write(Self.trainScript, to: "train.vis")
        let r = try vis(["train.vis", "--help"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.out, """
            usage: train.vis [-h] [--epochs EPOCHS] [--lr LR] [--no-cuda]

            Train a small CNN.

            options:
              -h, --help       show this help message and exit
              --epochs EPOCHS  passes over the data
              --lr LR          learning rate
              --no-cuda

            """)
        XCTAssertEqual(r.err, "")
        XCTAssertEqual(try vis(["train.vis", "-h"]).status, 0)
        try write("p = argparse.ArgumentParser()\np.add_argument(\"--version\", action=\"version\", version=\"%(prog)s 1.2\")\np.parse_args()\nprint(\"not reached\")\n", to: "ver.vis")
        let version = try vis(["ver.vis", "--version"])
        XCTAssertEqual(version.status, 0, version.err)
        XCTAssertEqual(version.out, "ver.vis 1.2\n")
    }

    func testArgparseErrorsPrintUsageAndExitTwo() throws {
        try write(Self.trainScript, to: "train.vis")
        let r = try vis(["train.vis", "--epochs", "five"])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.out, "")
        XCTAssertEqual(r.err, "usage: train.vis [-h] [--epochs EPOCHS] [--lr LR] [--no-cuda]\ntrain.vis: error: argument --epochs: invalid int value: 'five'\n")
        let unknown = try vis(["train.vis", "--bogus"])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.err.hasSuffix("train.vis: error: unrecognized arguments: --bogus\n"), unknown.err)
    }

    func testAFileNeverClosedIsWrittenWhenTheScriptEnds() throws {
        try write("f = open(\"out.txt\", \"w\")\nn = f.write(\"kept\\n\")\ng = open(\"early.txt\", \"w\")\nn = g.write(\"also\")\nexit(3)\n", to: "unclosed.vis")
        let r = try vis(["unclosed.vis"])
        XCTAssertEqual(r.status, 3, r.err)
        XCTAssertEqual(try read("out.txt"), "kept\n")
        XCTAssertEqual(try read("early.txt"), "also")
    }

    func testSysExit() throws {
        XCTAssertEqual(try vis(["-e", "sys.exit(4)"]).status, 4)
        XCTAssertEqual(try vis(["-e", "sys.exit()"]).status, 0)
        let message = try vis(["-e", "sys.exit(\"bad config\")"])
        XCTAssertEqual(message.status, 1)
        XCTAssertEqual(message.err, "bad config\n")
    }
}
