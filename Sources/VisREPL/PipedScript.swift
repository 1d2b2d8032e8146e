import Foundation
import VisLang

/// A script read from a pipe (`echo ':help Conv2d' | vis`, `vis < script.vis`): its
/// statements run as a script does (the whole input parsed first, the first error
/// stops it with status 1), and a line starting with `:` where a statement may start
/// runs as the REPL's command of that name (`:help`, `:vars`, `:time` ...).
public enum PipedScript {
    /// One piece of the input, in order.
    enum Piece {
        /// Statements, parsed from the input with the other lines blanked (so errors
        /// keep the input's line numbers).
        case code([Stmt])
        /// A command line (trimmed) and its 1-based line and column.
        case command(String, line: Int, column: Int)
    }

    /// Splits `text` into code and command lines. A line whose first character (after
    /// spaces) is `:` is a command when the code since the previous command is
    /// complete; inside an unfinished statement (an open bracket) it is code. Throws
    /// the first syntax error, before anything runs.
    static func pieces(_ text: String, name: String, session: Session) throws -> [Piece] {
        // Lines split at "\n" bytes, as the lexer counts them (a Character split would
        // keep "\r\n" whole, one grapheme).
        let lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        var pieces: [Piece] = []
        var start = 0
        /// The lines `start..<end` as a source file with every other line blank.
        func segment(_ end: Int) -> SourceFile {
            if start == 0 && end == lines.count { return SourceFile(name: name, text: text) }
            let kept = lines.indices.map { start <= $0 && $0 < end ? lines[$0] : "" }
            return SourceFile(name: name, text: kept.joined(separator: "\n"))
        }
        for (i, line) in lines.enumerated() {
            let indent = line.prefix(while: { $0 == " " || $0 == "\t" })
            guard line.dropFirst(indent.count).first == ":" else { continue }
            if i > start {
                do {
                    _ = try session.parse(segment(i))
                } catch let e as ParseError where e.unexpectedEndOfInput {
                    continue
                } catch let e as LexError where e.incomplete {
                    continue
                } catch {
                    // A genuine error: reported below, when the segment is parsed for good.
                }
                pieces.append(.code(try session.parse(segment(i))))
            }
            // Trimmed of a CRLF file's `\r` too.
            let command = line.trimmingCharacters(in: .whitespacesAndNewlines)
            pieces.append(.command(command, line: i + 1, column: indent.count + 1))
            start = i + 1
        }
        if start < lines.count { pieces.append(.code(try session.parse(segment(lines.count)))) }
        return pieces
    }

    /// Runs `text` in `session`; returns the exit status (0, 1 after an error, 130 after
    /// Ctrl-C, or the code given to `exit` or `:quit`). Output goes to `write`, errors to `writeError`.
    public static func run(_ text: String, name: String, session: Session,
                           write: @escaping (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) },
                           writeError: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) },
                           reload: @escaping (Session) -> Void = { _ in }) -> Int32 {
        let plainOutput = session.output
        /// The stdlib's globals, which `:vars` leaves out.
        let libraryNames = Set(session.globalNames)
        /// The REPL that runs commands, made at the first one; its output hook is on
        /// only while a command runs (it records output for `:save`).
        var repl: REPL?
        var replOutput: ((String) -> Void)?
        do {
            for piece in try pieces(text, name: name, session: session) {
                switch piece {
                case .code(let statements):
                    for s in statements { try session.runStatement(s) }
                case .command(let line, let number, let column):
                    if repl == nil {
                        let made = REPL(session: session, reader: NoInput(), write: write, writeError: writeError, reload: reload)
                        made.libraryNames = libraryNames
                        replOutput = session.output
                        repl = made
                    }
                    guard let repl, let replOutput else { continue }
                    session.output = replOutput
                    // The argument ends the (trimmed) line, so its column follows from its length.
                    let parts = line.split(separator: " ", maxSplits: 1)
                    let argument = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
                    let argumentColumn = column + line.count - argument.count
                    repl.commandPosition = (name, number, argumentColumn)
                    repl.command(line)
                    repl.commandPosition = nil
                    repl.captured = ""
                    session.output = plainOutput
                    if !repl.atLineStart {
                        write("\n")
                        repl.atLineStart = true
                    }
                    if repl.failed { return 1 }
                    if repl.finished { return repl.exitCode ?? 0 }
                }
            }
            return 0
        } catch let e as VisError {
            writeError(Diagnostic.render(e) + "\n")
            // Ctrl-C ends a piped script as it ends a script file: 130 (128 + SIGINT).
            return (e as? RuntimeError)?.interrupted == true ? 130 : 1
        } catch let e as ExitRequest {
            return e.code
        } catch {
            writeError("vis: \(error)\n")
            return 1
        }
    }

    /// The line reader of a REPL that only runs commands: there is nothing to read.
    final class NoInput: LineReader {
        func readLine(prompt: String) -> LineInput { .endOfInput }
    }
}
