import CEditLine
import Foundation
import VisTensor

/// The terminal line editor: libedit through its readline-compatible interface (Emacs
/// keys, Ctrl-R search, history in ~/.vis_history, Tab completion).
public final class EditLineReader: LineReader {
    /// Longest history kept on disk and in memory.
    public static let historyLimit = 1000
    private let historyPath: String
    private var lastEntry: String?

    /// Sets up libedit with `completer` for Tab and loads the history file.
    public init(historyPath: String, completer: Completer) {
        self.historyPath = historyPath
        EditLineReader.completer = completer
        rl_readline_name = UnsafePointer(strdup("vis"))
        // "." and quotes are not word breaks, so `x.su` and `"data/tr` arrive whole.
        rl_completer_word_break_characters = strdup(" \t\n()[]{},;=+-*/%<>!&|@:")
        rl_attempted_completion_function = { text, start, end in
            EditLineReader.complete(text, start, end)
        }
        stifle_history(Int32(EditLineReader.historyLimit))
        _ = read_history(historyPath)
        rl_initialize()
    }

    nonisolated(unsafe) static var completer: Completer?
    nonisolated(unsafe) static var matches: [String] = []

    /// libedit's completion hook: computes the candidates once, then hands them out
    /// through `rl_completion_matches`, which frees what it gets (so each is strdup'ed).
    static func complete(_ text: UnsafePointer<CChar>?, _ start: Int32, _ end: Int32) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        rl_attempted_completion_over = 1
        guard let text, let completer else { return nil }
        let word = String(cString: text)
        let line = rl_line_buffer.map { String(cString: $0) } ?? word
        let prefixEnd = line.utf8.index(line.utf8.startIndex, offsetBy: Swift.min(Int(start), line.utf8.count))
        let before = String(line[..<prefixEnd])
        matches = completer.candidates(for: word, linePrefix: before)
        if matches.isEmpty { return nil }
        return rl_completion_matches(text) { _, state in
            let i = Int(state)
            guard i < EditLineReader.matches.count else { return nil }
            return strdup(EditLineReader.matches[i])
        }
    }

    public func readLine(prompt: String) -> LineInput {
        Interrupt.clear()
        guard let raw = readline(prompt) else {
            if Interrupt.requested {
                Interrupt.clear()
                print("")
                return .interrupted
            }
            return .endOfInput
        }
        defer { free(raw) }
        if Interrupt.requested {
            Interrupt.clear()
            return .interrupted
        }
        return .line(String(cString: raw))
    }

    public func addHistory(_ entry: String) {
        let trimmed = entry.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed != lastEntry else { return }
        lastEntry = trimmed
        _ = add_history(trimmed)
    }

    public func saveHistory() {
        _ = write_history(historyPath)
    }
}
