import Foundation
import VisLang
import VisTensor

/// The REPL's `:` commands.
extension REPL {
    static let commandHelp = """
    :help [name]   documentation for a builtin (or this list)
    :vars          variables with their types and shapes
    :time STMT     run a statement and report how long it took
    :load FILE     run a notebook into the session (and remember it for :cells / :run)
    :cells         list the cells of the loaded notebook
    :run N         re-run cell N of the loaded notebook as it is on disk now
    :save FILE     write this session as a notebook with #> expectations
    :reset         forget every variable
    :quit          leave (Ctrl-D also does)
    """

    func command(_ line: String) {
        let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
        let name = parts[0], arg = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        switch name {
        case ":help", ":h":
            if arg.isEmpty {
                write(REPL.commandHelp + "\nType :help NAME for a builtin, e.g. :help Conv2d or :help tensor.sum.\n")
            } else if let doc = session.help(arg) {
                write(REPL.withoutRepeatedSignature(doc) + "\n")
            } else {
                let hint = Suggestions.closest(to: arg, in: Array(session.interpreter.registry.docs.keys)).map { " (did you mean '\($0)'?)" } ?? ""
                write("no help for '\(arg)'\(hint)\n")
            }
        case ":vars":
            for n in session.globalNames where !libraryNames.contains(n) {
                guard let v = session.value(of: n) else { continue }
                var line = "\(n): \(v.typeName)"
                if case .tensor(let t) = v { line += " \(shapeString(t.shape)) \(t.dtype)" }
                if case .list(let l) = v { line += " (\(l.items.count) items)" }
                write(line + "\n")
            }
        case ":time":
            guard !arg.isEmpty else { write(":time needs a statement, e.g. :time x @ x\n"); return }
            let start = DispatchTime.now().uptimeNanoseconds
            guard submit(arg) else { write(":time needs a complete statement on one line\n"); return }
            let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
            if !atLineStart {
                write("\n")
                atLineStart = true
            }
            write(ms < 1000 ? String(format: "time: %.3f ms\n", ms) : String(format: "time: %.3f s\n", ms / 1000))
        case ":load":
            guard !arg.isEmpty else { write(":load needs a file name\n"); return }
            notebookPath = arg
            runFile(arg, cell: nil)
        case ":cells":
            guard let path = notebookPath, let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                write("no notebook loaded (use :load FILE)\n")
                return
            }
            for c in Cells.split(text) {
                write("\(c.number)  \(c.title.isEmpty ? "(untitled)" : c.title)  lines \(c.firstLine)-\(c.lastLine)\n")
            }
        case ":run":
            guard let path = notebookPath else { write("no notebook loaded (use :load FILE)\n"); return }
            guard let n = Int(arg) else { write(":run needs a cell number\n"); return }
            runFile(path, cell: n)
        case ":save":
            guard !arg.isEmpty else { write(":save needs a file name\n"); return }
            do {
                try AtomicFile.write(notebookText(), to: arg)
                write("saved \(transcript.count) statement\(transcript.count == 1 ? "" : "s") to \(arg)\n")
            } catch {
                write("error: \(error)\n")
            }
        case ":reset":
            session.reset()
            reload(session)
            libraryNames = Set(session.globalNames)
            transcript.removeAll()
            write("session reset\n")
        case ":quit", ":q", ":exit":
            finished = true
        default:
            let hint = Suggestions.closest(to: name, in: Completer.commands).map { " (did you mean '\($0)'?)" } ?? ""
            write("unknown command \(name)\(hint); :help lists the commands\n")
        }
    }

    /// Help text is the signature, a blank line and the doc; most docs open with the
    /// signature again (`print(*values, ...): writes ...`), shown once then.
    static func withoutRepeatedSignature(_ help: String) -> String {
        let lines = help.split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false)
        guard lines.count == 3, lines[1].isEmpty, lines[2].hasPrefix(lines[0]) else { return help }
        return String(lines[2])
    }

    /// Runs a notebook file (or only cell `cell`, read from disk now) in this session,
    /// stopping at the first error; its statements join the transcript.
    func runFile(_ path: String, cell: Int?) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            write("error: cannot read \(path)\n")
            return
        }
        var source = text
        if let cell {
            let cells = Cells.split(text)
            guard let c = cells.first(where: { $0.number == cell }) else {
                write("error: \(path) has \(cells.count) cell\(cells.count == 1 ? "" : "s"); there is no cell \(cell)\n")
                return
            }
            source = Notebook.mask(text, keeping: c.firstLine...Swift.max(c.firstLine, c.lastLine))
        }
        let file = SourceFile(name: path, text: source)
        do {
            runStatements(try session.parse(file), in: file, stopAtError: true)
        } catch let e as VisError {
            write(Diagnostic.render(e) + "\n")
        } catch {
            write("error: \(error)\n")
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
