import Foundation
import VisLang
import VisTensor

/// The interactive loop: reads statements (asking for more lines while one is
/// unfinished), runs them, shows values and errors, and keeps the session's state after
/// any error or Ctrl-C. Every input and its output are recorded for `:save`.
public final class REPL {
    public let session: Session
    let reader: LineReader
    /// Writes to the terminal.
    let write: (String) -> Void
    /// What was typed and what it printed, in order, for `:save`.
    var transcript: [(input: String, output: [String])] = []
    /// Output of the statement running now.
    var captured = ""
    /// The notebook `:load` last ran, for `:cells` and `:run`.
    var notebookPath: String?
    /// Runs before `:reset` finishes (reloads the stdlib).
    let reload: (Session) -> Void
    var finished = false

    public static let prompt = ">>> "
    public static let continuation = "... "

    public init(session: Session, reader: LineReader, write: @escaping (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) },
                reload: @escaping (Session) -> Void = { _ in }) {
        self.session = session
        self.reader = reader
        self.write = write
        self.reload = reload
        session.output = { [unowned self] text in
            self.captured += text
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
                if !buffer.isEmpty { write("\n") }
                finished = true
            case .interrupted:
                buffer = ""
            case .line(let line):
                if buffer.isEmpty && line.trimmingCharacters(in: .whitespaces).hasPrefix(":") {
                    reader.addHistory(line)
                    command(line.trimmingCharacters(in: .whitespaces))
                    continue
                }
                buffer += buffer.isEmpty ? line : "\n" + line
                if buffer.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { buffer = ""; continue }
                if submit(buffer) { buffer = "" }
            }
        }
        reader.saveHistory()
        return exitCode ?? 0
    }

    var exitCode: Int32?

    /// Tries to run `text`; returns false when it is unfinished and more lines are needed.
    func submit(_ text: String) -> Bool {
        let file = SourceFile(name: "<repl>", text: text)
        let program: [Stmt]
        do {
            program = try session.parse(file)
        } catch let e as ParseError where e.unexpectedEndOfInput {
            return false
        } catch let e as LexError where e.incomplete {
            return false
        } catch let e as VisError {
            reader.addHistory(text)
            write(Diagnostic.render(e) + "\n")
            transcript.append((text, [Diagnostic.oneLine(e)]))
            return true
        } catch {
            write("error: \(error)\n")
            return true
        }
        reader.addHistory(text)
        for s in program {
            captured = ""
            var lines: [String] = []
            do {
                try session.runStatement(s)
            } catch let e as RuntimeError where e.interrupted {
                write("interrupted\n")
                lines.append(Diagnostic.oneLine(e))
            } catch let e as VisError {
                write(Diagnostic.render(e) + "\n")
                lines.append(Diagnostic.oneLine(e))
            } catch let e as ExitRequest {
                exitCode = e.code
                finished = true
            } catch {
                write("error: \(error)\n")
            }
            var out = captured.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if out.last == "" { out.removeLast() }
            let source = sourceText(of: s, in: file)
            transcript.append((source, out + lines))
            if finished { break }
        }
        return true
    }

    func sourceText(of s: Stmt, in file: SourceFile) -> String {
        let bytes = file.bytes[s.range.start..<Swift.min(s.range.end, file.bytes.count)]
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The session so far as a notebook: each input followed by its output as `#>` lines.
    public func notebookText() -> String {
        var out: [String] = []
        for (input, output) in transcript {
            out.append(input)
            out += Expectations.markerLines(output)
        }
        return out.joined(separator: "\n") + "\n"
    }
}
