import Foundation
import VisLang
import VisTensor

/// What a REPL command's argument is, so Tab completion offers the right things.
public enum CommandArgument {
    /// No argument, or one that cannot be completed (a cell number).
    case none
    /// A file path (`:load`, `:save`).
    case filePath
    /// A help topic: a name, keyword, `type.method` or command (`:help`).
    case helpTopic
    /// A statement, completed as code (`:time`).
    case code
}

/// One REPL command: its name and aliases, what its argument is, a one-line help and
/// the code that runs it. `Command.table` is the only list of commands: `:help` lists
/// it, the completer reads names and argument kinds from it, and `:help :save` (or
/// `help(":save")`) shows an entry.
public struct Command {
    /// The name with its colon (`:help`).
    public let name: String
    /// Other spellings (`:h`).
    public let aliases: [String]
    /// How the argument is written in the listing (`[name]`, `FILE`), empty for none.
    public let argumentName: String
    /// What the argument is, for completion.
    public let argument: CommandArgument
    /// One line: what the command does.
    public let help: String
    /// Runs the command in a REPL with the text after the name (trimmed).
    let run: (REPL, String) -> Void

    /// The name and argument as typed (`:load FILE`).
    public var usage: String { argumentName.isEmpty ? name : name + " " + argumentName }

    /// Every spelling of the command.
    public var spellings: [String] { [name] + aliases }

    /// The command that `spelling` names, if any.
    public static func named(_ spelling: String) -> Command? {
        table.first { $0.spellings.contains(spelling) }
    }

    /// Every command spelling, for completion and did-you-mean hints.
    public static var allSpellings: [String] { table.flatMap(\.spellings) }

    /// The listing `:help` prints: one line per command.
    public static var listing: String {
        let width = table.map(\.usage.count).max() ?? 0
        return table.map { c in
            c.usage.padding(toLength: width + 3, withPad: " ", startingAt: 0) + c.help
                + (c.aliases.isEmpty ? "" : " (also \(c.aliases.joined(separator: ", ")))")
        }.joined(separator: "\n")
    }

    /// The commands as help topics (`:help :save`), for the session's registry.
    public static func helpTable() -> BuiltinTable {
        var t = BuiltinTable()
        for c in table {
            let text = c.usage + " (REPL command" + (c.aliases.isEmpty ? "" : "; also \(c.aliases.joined(separator: ", "))") + ")\n" + c.help
            for s in c.spellings { t.topics.append((s, text)) }
        }
        return t
    }

    /// The REPL's commands, in the order `:help` lists them.
    public static let table: [Command] = [
        Command(name: ":help", aliases: [":h"], argumentName: "[name]", argument: .helpTopic,
                help: "help for a builtin, method, keyword, function, model or command (or this list)") { repl, arg in
            if arg.isEmpty {
                repl.write(Command.listing + "\nType :help NAME for a builtin, keyword or command, e.g. :help Conv2d, :help tensor.sum, :help for, :help :save.\n")
            } else {
                repl.write(Help(repl.session.interpreter).answer(forName: arg) + "\n")
            }
        },
        Command(name: ":vars", aliases: [], argumentName: "", argument: .none,
                help: "variables with their types and shapes") { repl, _ in
            for n in repl.session.globalNames where !repl.libraryNames.contains(n) {
                guard let v = repl.session.value(of: n) else { continue }
                var line = "\(n): \(v.typeName)"
                if case .tensor(let t) = v { line += " \(shapeString(t.shape)) \(t.dtype)" }
                if case .list(let l) = v { line += " (\(l.items.count) items)" }
                repl.write(line + "\n")
            }
        },
        Command(name: ":time", aliases: [], argumentName: "STMT", argument: .code,
                help: "run a statement and report how long it took") { repl, arg in
            repl.time(arg)
        },
        Command(name: ":load", aliases: [], argumentName: "FILE", argument: .filePath,
                help: "run a notebook into the session (and remember it for :cells / :run)") { repl, arg in
            guard !arg.isEmpty else { repl.write(":load needs a file name\n"); return }
            repl.notebookPath = arg
            repl.runFile(arg, cell: nil)
        },
        Command(name: ":cells", aliases: [], argumentName: "", argument: .none,
                help: "list the cells of the loaded notebook") { repl, _ in
            guard let path = repl.notebookPath, let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                repl.write("no notebook loaded (use :load FILE)\n")
                return
            }
            for c in Cells.split(text) {
                repl.write("\(c.number)  \(c.title.isEmpty ? "(untitled)" : c.title)  lines \(c.firstLine)-\(c.lastLine)\n")
            }
        },
        Command(name: ":run", aliases: [], argumentName: "N", argument: .none,
                help: "re-run cell N of the loaded notebook as it is on disk now") { repl, arg in
            guard let path = repl.notebookPath else { repl.write("no notebook loaded (use :load FILE)\n"); return }
            guard let n = Int(arg) else { repl.write(":run needs a cell number\n"); return }
            repl.runFile(path, cell: n)
        },
        Command(name: ":save", aliases: [], argumentName: "FILE", argument: .filePath,
                help: "write this session as a notebook with #> expectations") { repl, arg in
            guard !arg.isEmpty else { repl.write(":save needs a file name\n"); return }
            do {
                try AtomicFile.write(repl.notebookText(), to: arg, op: ":save")
                repl.write("saved \(repl.transcript.count) statement\(repl.transcript.count == 1 ? "" : "s") to \(arg)\n")
            } catch {
                repl.report("error: \(error)\n")
            }
        },
        Command(name: ":reset", aliases: [], argumentName: "", argument: .none,
                help: "forget every variable") { repl, _ in
            repl.session.reset()
            repl.reload(repl.session)
            repl.libraryNames = Set(repl.session.globalNames)
            repl.transcript.removeAll()
            repl.write("session reset\n")
        },
        Command(name: ":quit", aliases: [":q", ":exit"], argumentName: "", argument: .none,
                help: "leave (Ctrl-D also does)") { repl, _ in
            repl.finished = true
        },
    ]
}

/// The REPL's `:` commands.
extension REPL {
    /// Runs a command line (`:help Conv2d`), as the table declares it.
    func command(_ line: String) {
        let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
        let name = parts[0], arg = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        guard let c = Command.named(name) else {
            let hint = Suggestions.closest(to: name, in: Command.allSpellings).map { " (did you mean '\($0)'?)" } ?? ""
            write("unknown command \(name)\(hint); :help lists the commands\n")
            return
        }
        c.run(self, arg)
    }

    /// `:time STMT`: runs one statement and reports how long it took. In a piped script
    /// the statement keeps its line and column in the input (`commandPosition`).
    func time(_ arg: String) {
        guard !arg.isEmpty else { write(":time needs a statement, e.g. :time x @ x\n"); return }
        var file: SourceFile?
        if let at = commandPosition {
            // Blank lines and spaces put the statement where it stands in the input.
            file = SourceFile(name: at.name, text: String(repeating: "\n", count: at.line - 1) + String(repeating: " ", count: at.column - 1) + arg)
        }
        let start = DispatchTime.now().uptimeNanoseconds
        guard submit(arg, file: file) else { write(":time needs a complete statement on one line\n"); return }
        let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        if !atLineStart {
            write("\n")
            atLineStart = true
        }
        write(ms < 1000 ? String(format: "time: %.3f ms\n", ms) : String(format: "time: %.3f s\n", ms / 1000))
    }

    /// Runs a notebook file (or only cell `cell`, read from disk now) in this session,
    /// stopping at the first error; its statements join the transcript.
    func runFile(_ path: String, cell: Int?) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            report("error: cannot read \(path)\n")
            return
        }
        var source = text
        if let cell {
            let cells = Cells.split(text)
            guard let c = cells.first(where: { $0.number == cell }) else {
                report("error: \(path) has \(cells.count) cell\(cells.count == 1 ? "" : "s"); there is no cell \(cell)\n")
                return
            }
            source = Notebook.mask(text, keeping: c.firstLine...Swift.max(c.firstLine, c.lastLine))
        }
        let file = SourceFile(name: path, text: source)
        do {
            runStatements(try session.parse(file), in: file, stopAtError: true)
        } catch let e as VisError {
            report(Diagnostic.render(e) + "\n")
        } catch {
            report("error: \(error)\n")
        }
    }
}

/// Helpers for running parts of notebooks with their original line numbers.
public enum Notebook {
    /// `text` with every line outside `lines` (1-based) blanked, so errors in the kept
    /// part still report the file's own line numbers.
    public static func mask(_ text: String, keeping lines: ClosedRange<Int>) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            .map { lines.contains($0.offset + 1) ? String($0.element) : "" }
            .joined(separator: "\n")
    }
}
