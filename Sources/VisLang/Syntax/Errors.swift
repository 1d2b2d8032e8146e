/// An error a user can cause, from any phase: it has a message in the user's terms and
/// the source range it is about. `Diagnostic.render` turns it into text in one place.
public protocol VisError: Error {
    var message: String { get }
    var range: SourceRange { get }
}

/// An error in the characters of the source (bad number, unterminated string).
public struct LexError: VisError {
    public let message: String
    public let range: SourceRange
    /// True when more input could complete the source (an open string or bracket).
    public let incomplete: Bool
    public init(_ message: String, _ range: SourceRange, incomplete: Bool = false) {
        self.message = message
        self.range = range
        self.incomplete = incomplete
    }
}

/// An error in the structure of the source.
public struct ParseError: VisError {
    public let message: String
    public let range: SourceRange
    /// True when the input ended before the statement did: the REPL asks for another line.
    public let unexpectedEndOfInput: Bool
    public init(_ message: String, _ range: SourceRange, unexpectedEndOfInput: Bool = false) {
        self.message = message
        self.range = range
        self.unexpectedEndOfInput = unexpectedEndOfInput
    }
}

/// An error while running: name, type, shape, value, file and data errors, interrupts.
public struct RuntimeError: VisError {
    public let message: String
    public let range: SourceRange
    /// True when the user interrupted the run (Ctrl-C).
    public let interrupted: Bool
    /// Its Python exception kind, which `except` clauses match (`KeyboardInterrupt` for
    /// interrupts, `RuntimeError` unless the maker said otherwise).
    public let kind: ErrorKind
    /// The exception value a `raise` threw (re-raised as the same value), or nil for
    /// errors vis made itself (`except ... as e` then makes one from kind and message).
    public let exception: ExceptionValue?
    /// The calls the error travelled out of, innermost first (see Traceback.swift): empty
    /// for an error raised where it is reported. Filled only while an error propagates,
    /// so calls that succeed record nothing.
    public internal(set) var traceback: [TraceFrame] = []
    /// The call site in the frame the error is now passing through (set by the first
    /// located call it passes after leaving a function; nil in the frame it was raised in).
    var callSite: SourceRange? = nil
    public init(_ message: String, _ range: SourceRange, interrupted: Bool = false, kind: ErrorKind? = nil,
                exception: ExceptionValue? = nil) {
        self.message = message
        self.range = range
        self.interrupted = interrupted
        self.kind = kind ?? (interrupted ? .keyboardInterrupt : .runtimeError)
        self.exception = exception
    }
}

/// Renders errors: `file:line:col: error: message`, the source line, a caret line.
public enum Diagnostic {
    /// The full form for terminals and scripts: the traceback of a runtime error that
    /// came out of calls (see `traceback(_:)`), then the three-line form.
    public static func render(_ e: VisError) -> String {
        guard let r = e as? RuntimeError, let trace = traceback(r) else { return threeLines(e) }
        return trace + threeLines(e)
    }

    /// `file:line:col: error: message`, the source line, a caret line.
    public static func threeLines(_ e: VisError) -> String {
        let (line, column) = e.range.startPosition
        let source = e.range.file.line(line)
        let endLine = e.range.endLine
        let width: Int
        if endLine == line {
            let endColumn = e.range.file.position(e.range.end).column
            width = Swift.max(1, endColumn - column)
        } else {
            width = Swift.max(1, source.count - column + 1)
        }
        let caret = String(repeating: " ", count: Swift.max(0, column - 1)) + "^" + String(repeating: "~", count: Swift.max(0, width - 1))
        return "\(e.range.file.name):\(line):\(column): error: \(e.message)\n    \(source)\n    \(caret)"
    }

    /// The one-line form notebooks record: `error: message (line L, column C)`, with the
    /// line moved by `lineShift` (`vis test --update` gives lines as in the rewritten file).
    public static func oneLine(_ e: VisError, lineShift: Int = 0) -> String {
        let (line, column) = e.range.startPosition
        return "error: \(e.message) (line \(line + lineShift), column \(column))"
    }
}
