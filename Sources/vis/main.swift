import Foundation
import VisLang
import VisREPL
import VisTensor

/// The vis command line:
///   vis                     the REPL on a terminal; a script from standard input otherwise
///   vis FILE.vis ARGS...    run a notebook as a script, ARGS as its sys.argv (also `vis run FILE [--cell N] ARGS...`)
///   vis -e 'code'           run code given on the command line
///   vis test [--update] PATH...   run notebooks as tests
///   vis bench               the benchmarks
///   vis --version
/// Exit status: 0 on success, 1 for a vis error, 2 for a usage error, 130 when Ctrl-C
/// stopped the run (128 + SIGINT, as a shell reports a process SIGINT ended).
let version = "0.2.0"
let usage = """
usage: vis                          start the REPL (or run a script piped to standard input)
       vis FILE.vis [ARG...]        run a notebook as a script (ARGs: its sys.argv)
       vis run FILE.vis [--cell N] [ARG...]  run a notebook, or only its cells 1..N
       vis -e CODE                  run CODE
       vis test [--update] PATH...  run notebooks as tests (--update rewrites their #> lines)
       vis bench                    print the benchmarks (build with -c release)
       vis --version | --help
"""

// First, before any thread exists: threads inherit it (see Denormals).
Denormals.flushToZero()

/// The exit status of a run Ctrl-C stopped.
let interruptedStatus: Int32 = 130

func fail(_ message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(status)
}

/// Runs `body` on a thread with a large stack: deeply nested user code recurses in the
/// interpreter, and the recursion limit must trip long before the stack runs out.
/// The thread's Ctrl-C forwarding ends with it (see `Interrupt.installHandler`).
func onLargeStack(_ body: @escaping () -> Int32) -> Int32 {
    /// The status, written by the thread before it signals and read after the wait.
    final class Result: @unchecked Sendable { var status: Int32 = 0 }
    let result = Result()
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        result.status = body()
        Interrupt.forgetReader()
        done.signal()
    }
    thread.stackSize = 512 << 20
    thread.start()
    done.wait()
    return result.status
}

/// A session with the report builtins and the stdlib loaded.
func makeSession(terminal: Bool = isatty(1) != 0) -> Session {
    let session = Session()
    session.interpreter.isTerminal = terminal
    loadStdlib(session)
    return session
}

/// Adds the report builtins and loads the stdlib, or ends the process saying why not.
func loadStdlib(_ session: Session) {
    do {
        try StandardSession.prepare(session, stdlib: Stdlib.directory)
    } catch let e as VisError {
        fail("vis: the stdlib failed to load:\n" + Diagnostic.render(e), status: 1)
    } catch {
        fail("vis: the stdlib failed to load: \(error)", status: 1)
    }
}

/// Keeps a script's session alive until the process exits: the process ends right after
/// the script, and tearing the variables down first took seconds for a list of 10^8
/// values (after Ctrl-C too). Open files are still stored by their `atexit` hook.
func keptUntilExit(_ session: Session) -> Session {
    _ = Unmanaged.passRetained(session)
    return session
}

/// Runs source text as a script; returns the exit status. `argv` (the script's path and
/// arguments) becomes `sys.argv`.
func runScript(_ text: String, name: String, argv: [String]? = nil) -> Int32 {
    Interrupt.installHandler()
    let session = keptUntilExit(makeSession())
    if let argv { PythonModules.setArguments(argv, in: session.interpreter.registry) }
    do {
        try session.run(SourceFile(name: name, text: text))
        // Ctrl-C after the last statement's own check still ends the script as interrupted.
        if Interrupt.requested {
            Interrupt.clear()
            FileHandle.standardError.write(Data("\(name): error: interrupted\n".utf8))
            return interruptedStatus
        }
        return 0
    } catch let e as VisError {
        FileHandle.standardError.write(Data((Diagnostic.render(e) + "\n").utf8))
        return (e as? RuntimeError)?.interrupted == true ? interruptedStatus : 1
    } catch let e as ExitRequest {
        return e.code
    } catch {
        FileHandle.standardError.write(Data("vis: \(error)\n".utf8))
        return 1
    }
}

func runFile(_ path: String, cell: Int?, arguments: [String] = []) -> Int32 {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        fail("vis: cannot read \(path)", status: 1)
    }
    guard let cell else { return runScript(text, name: path, argv: [path] + arguments) }
    let cells = Cells.split(text)
    guard cell >= 1, let last = cells.first(where: { $0.number == cell }) else {
        fail("vis: \(path) has \(cells.count) cell\(cells.count == 1 ? "" : "s"); there is no cell \(cell)", status: 2)
    }
    return runScript(Notebook.mask(text, keeping: 1...Swift.max(1, last.lastLine)), name: path, argv: [path] + arguments)
}

func runREPL() -> Int32 {
    let session = makeSession()
    let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
    let completer = Completer(names: { session.visibleNames }, members: { session.members(ofPath: $0) })
    let reader = EditLineReader(historyPath: home + "/.vis_history", completer: completer)
    print("vis \(version) — :help for commands, Ctrl-D to leave")
    let repl = REPL(session: session, reader: reader, reload: loadStdlib)
    return repl.run()
}

var args = Array(CommandLine.arguments.dropFirst())
let status: Int32
switch args.first {
case nil:
    if isatty(0) != 0 {
        status = onLargeStack(runREPL)
    } else {
        // A piped script: `:` command lines run as at the prompt (see PipedScript).
        let data = FileHandle.standardInput.readDataToEndOfFile()
        status = onLargeStack {
            Interrupt.installHandler()
            return PipedScript.run(String(decoding: data, as: UTF8.self), name: "<stdin>", session: keptUntilExit(makeSession()), reload: loadStdlib)
        }
    }
case "--version", "-V":
    print("vis \(version)")
    status = 0
case "--help", "-h":
    print(usage)
    status = 0
case "bench":
    do {
        // `vis bench data training` runs only the named sections; no names runs all.
        let sections = Set(args.dropFirst())
        let known: Set = ["tensor", "language", "data", "training"]
        if let bad = sections.subtracting(known).first {
            fail("vis bench: unknown section '\(bad)' (sections: tensor, language, data, training)", status: 2)
        }
        let all = sections.isEmpty
        if all || sections.contains("tensor") || sections.contains("language") { try TensorBench.run() }
        if all || sections.contains("language") { try LanguageBench.run(nativeAddMicros: TensorBench.nativeAddMicros) }
        if all || sections.contains("data") { try DataBench.run() }
        if all || sections.contains("training") { try TrainingBench.run() }
        status = 0
    } catch {
        fail("vis bench: \(error)", status: 1)
    }
case "-e":
    guard args.count == 2 else { fail("vis: -e takes one argument, the code to run\n\(usage)", status: 2) }
    let code = args[1]
    status = onLargeStack { runScript(code, name: "<-e>") }
case "test":
    args.removeFirst()
    let update = args.contains("--update")
    let paths = args.filter { $0 != "--update" }
    if let bad = paths.first(where: { $0.hasPrefix("-") }) { fail("vis test: unknown option \(bad)\n\(usage)", status: 2) }
    guard !paths.isEmpty else { fail("vis test: give at least one file or folder\n\(usage)", status: 2) }
    status = onLargeStack {
        // Ctrl-C stops the run (see NotebookTester.interrupted) rather than killing it.
        Interrupt.installHandler()
        let tester = NotebookTester(prepare: { loadStdlib($0) })
        let failed = tester.run(paths: paths, update: update)
        return tester.interrupted ? interruptedStatus : failed == 0 ? 0 : 1
    }
case "run":
    args.removeFirst()
    // `--cell N` before the file or right after it is vis's; what follows is the script's (sys.argv).
    var cell: Int? = nil
    func takeCell() {
        guard args.first == "--cell" else { return }
        guard args.count >= 2, let n = Int(args[1]) else { fail("vis run: --cell needs a number\n\(usage)", status: 2) }
        cell = n
        args.removeFirst(2)
    }
    takeCell()
    guard let path = args.first, !path.hasPrefix("-") else { fail("vis run: give one file\n\(usage)", status: 2) }
    args.removeFirst()
    takeCell()
    let scriptArguments = args
    status = onLargeStack { runFile(path, cell: cell, arguments: scriptArguments) }
case let first? where first.hasPrefix("-"):
    fail("vis: unknown option \(first)\n\(usage)", status: 2)
case let path?:
    let scriptArguments = Array(args.dropFirst())  // sys.argv[1:], as `python train.py --epochs 5`
    status = onLargeStack { runFile(path, cell: nil, arguments: scriptArguments) }
}
exit(status)
