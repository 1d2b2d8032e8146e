/// What reading one line of input gave.
public enum LineInput: Equatable {
    /// A line, without its newline.
    case line(String)
    /// Ctrl-C while editing: the REPL drops the pending input and prompts again.
    case interrupted
    /// Ctrl-D on an empty line, or the end of a piped input.
    case endOfInput
}

/// A source of input lines: libedit on a terminal, a plain reader for pipes and tests.
public protocol LineReader: AnyObject {
    /// Shows `prompt` (terminals only) and reads one line.
    func readLine(prompt: String) -> LineInput
    /// Records a complete statement in the history (no-op for plain readers).
    func addHistory(_ entry: String)
    /// Saves the history (no-op for plain readers).
    func saveHistory()
}

extension LineReader {
    public func addHistory(_ entry: String) {}
    public func saveHistory() {}
}

/// Reads lines from standard input (or any `FILE*`) with no prompt and no editing.
public final class PlainLineReader: LineReader {
    private let lines: () -> String?

    /// Reads from standard input.
    public init() { lines = { Swift.readLine(strippingNewline: true) } }

    /// Reads the given lines (for tests).
    public init(lines: [String]) {
        var rest = lines[...]
        self.lines = {
            guard let l = rest.first else { return nil }
            rest = rest.dropFirst()
            return l
        }
    }

    public func readLine(prompt: String) -> LineInput {
        guard let l = lines() else { return .endOfInput }
        return .line(l)
    }
}
