import Foundation
import VisLang
import VisTensor

/// The interactive loop: reads statements (asking for more lines while one is
/// unfinished), runs them, shows values and errors, and keeps the session's state after
/// any error or Ctrl-C. Every statement run and its output are recorded for `:save`.
public final class REPL {
    /// The session statements run in.
    public let session: Session
    let reader: LineReader
    /// Writes to the terminal.
    let write: (String) -> Void
    /// Writes error reports (the terminal too, standard error for a piped script).
    let writeError: (String) -> Void
    /// True once a statement run by a command failed (a piped script then stops).
    var failed = false
    /// Where the command running now stands in a piped script (file name, line,
    /// column of its argument), so its errors point there; nil at the prompt.
    var commandPosition: (name: String, line: Int, column: Int)?
    /// The statements run so far and what they printed, in order, for `:save`.
    var transcript: [Entry] = []
    /// Output of the statement running now.
    var captured = ""
    /// False while the last text written by running code did not end its line.
    var atLineStart = true
    /// The notebook `:load` last ran, for `:cells` and `:run`.
    var notebookPath: String?
    /// Runs before `:reset` finishes (reloads the stdlib).
    let reload: (Session) -> Void
    /// Globals the stdlib defined, which `:vars` leaves out.
    var libraryNames: Set<String>
    var finished = false

    /// One statement of the session, as `:save` writes it.
    struct Entry {
        /// The statement's source text.
        let input: String
        /// The lines it printed (its displayed value included).
        let output: [String]
        /// The error it raised, if any.
        let error: VisError?
        /// Where the statement came from (to place error positions in the saved file).
        let range: SourceRange
    }

    /// The prompt for a new statement.
    public static let prompt = ">>> "
    /// The prompt for the next line of an unfinished statement.
    public static let continuation = "... "

    /// A REPL running statements in `session` (whose globals so far count as the
    /// library's), reading from `reader`, writing with `write` and errors with
    /// `writeError` (`write` when nil).
    public init(session: Session, reader: LineReader, write: @escaping (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) },
                writeError: ((String) -> Void)? = nil, reload: @escaping (Session) -> Void = { _ in }) {
        self.session = session
        self.reader = reader
        self.write = write
        self.writeError = writeError ?? write
        self.reload = reload
        self.libraryNames = Set(session.globalNames)
        // `:help :save` and `help(":save")` find the commands through the registry.
        session.interpreter.registry.add(Command.helpTable())
        session.output = { [unowned self] text in
            self.captured += text
            if let last = text.last { self.atLineStart = last == "\n" }
            self.write(text)
        }
    }

    /// Runs until Ctrl-D or `:quit`; returns the exit status.
    public func run() -> Int32 {
        Interrupt.installHandler()
        var buffer = ""
        while !finished {
            let input = reader.readLine(prompt: buffer.isEmpty ? REPL.prompt : REPL.continuation)
            switch input {
            case .endOfInput:
                finished = true
            case .interrupted:
                buffer = ""
                pendingComment = []
            case .line(let line):
                if buffer.isEmpty && line.trimmingCharacters(in: .whitespaces).hasPrefix(":") {
                    reader.addHistory(line)
                    command(line.trimmingCharacters(in: .whitespaces))
                } else if buffer.isEmpty && line.trimmingCharacters(in: .whitespaces).hasPrefix("#") {
                    // A comment typed before a `fn` or `model` is its doc for :help, as in
                    // a file: kept and run as the first lines of the next input.
                    reader.addHistory(line)
                    pendingComment.append(line)
                } else {
                    buffer += buffer.isEmpty ? line : "\n" + line
                    if buffer.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { buffer = ""; pendingComment = []; continue }
                    if submit(buffer, leading: pendingComment) {
                        buffer = ""
                        pendingComment = []
                    }
                }
                // Output that did not end its line would run into the prompt.
                if !atLineStart {
                    write("\n")
                    atLineStart = true
                }
            }
        }
        reader.saveHistory()
        return exitCode ?? 0
    }

    var exitCode: Int32?

    /// Writes an error report and remembers that something failed.
    func report(_ text: String) {
        failed = true
        writeError(text)
    }

    /// Comment lines typed at the prompt since the last input, which lead the next one
    /// (so `:help` finds a function's comment block, as in a file).
    var pendingComment: [String] = []

    /// Tries to run `text` (as `file` when given: the text placed where it stands in a
    /// script; after the `leading` comment lines otherwise); returns false when it is
    /// unfinished and more lines are needed.
    func submit(_ text: String, file given: SourceFile? = nil, leading: [String] = []) -> Bool {
        let file = given ?? SourceFile(name: "<repl>", text: (leading + [text]).joined(separator: "\n"))
        let program: [Stmt]
        do {
            program = try session.parse(file)
        } catch let e as ParseError where e.unexpectedEndOfInput {
            return false
        } catch let e as LexError where e.incomplete {
            return false
        } catch let e as VisError {
            // Not recorded for :save: a notebook that does not parse cannot be a test.
            reader.addHistory(text)
            report(Diagnostic.render(e) + "\n")
            return true
        } catch {
            report("error: \(error)\n")
            return true
        }
        reader.addHistory(text)
        runStatements(program, in: file, stopAtError: false)
        return true
    }

    /// Runs parsed statements one by one, showing errors and recording each statement
    /// with its output. An interrupt always stops; an error stops when `stopAtError`.
    func runStatements(_ program: [Stmt], in file: SourceFile, stopAtError: Bool) {
        for s in program {
            captured = ""
            var failure: VisError?
            do {
                try session.runStatement(s)
            } catch let e as RuntimeError where e.interrupted {
                // Not recorded: a run that was cut short cannot be replayed as a test.
                // Placed, as in a script: the statement Ctrl-C stopped.
                report(Diagnostic.render(e) + "\n")
                return
            } catch let e as VisError {
                report(Diagnostic.render(e) + "\n")
                failure = e
            } catch let e as ExitRequest {
                exitCode = e.code
                finished = true
                return
            } catch {
                report("error: \(error)\n")
                failure = Interpreter.placed(error, at: s.range) as? VisError ?? RuntimeError("\(error)", s.range)
            }
            var out = captured.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if out.last == "" { out.removeLast() }
            transcript.append(Entry(input: sourceText(of: s, in: file), output: out, error: failure, range: s.range))
            if failure != nil && stopAtError { return }
        }
    }

    func sourceText(of s: Stmt, in file: SourceFile) -> String {
        let bytes = file.bytes[s.range.start..<Swift.min(s.range.end, file.bytes.count)]
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The session so far as a notebook: each statement followed by its output as `#>`
    /// lines. Errors name the line and column where their code sits in this notebook,
    /// so `vis test` on it reports them at the same places.
    public func notebookText() -> String {
        var out: [String] = []
        /// Where each statement starts in its source and in the notebook.
        var placed: [(range: SourceRange, line: Int)] = []
        for entry in transcript {
            placed.append((entry.range, out.count + 1))
            out += entry.input.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            var lines = entry.output
            if let e = entry.error { lines.append(REPL.oneLine(e, placed: placed)) }
            out += Expectations.markerLines(lines)
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// `Diagnostic.oneLine` for an error, its position moved to where the statement
    /// holding it sits in the notebook (errors in other files keep their own).
    static func oneLine(_ e: VisError, placed: [(range: SourceRange, line: Int)]) -> String {
        let r = e.range
        guard let home = placed.last(where: { $0.range.file === r.file && $0.range.start <= r.start && r.start <= $0.range.end }) else {
            return Diagnostic.oneLine(e)
        }
        let (statementLine, statementColumn) = home.range.startPosition
        let (line, column) = r.startPosition
        let movedColumn = line == statementLine ? column - statementColumn + 1 : column
        return "error: \(e.message) (line \(home.line + line - statementLine), column \(movedColumn))"
    }
}
