/// A source text with its name and a line index, for turning byte offsets into
/// line:column positions and showing source lines under errors.
public final class SourceFile {
    /// The name shown in errors (a path, `<repl>`, `<-e>`).
    public let name: String
    public let text: String
    /// The text as UTF-8 bytes (what the lexer reads).
    public let bytes: [UInt8]
    /// Offset of the first byte of each line.
    let lineStarts: [Int]
    /// True for the stdlib's files: errors raised in them are reported at the user's
    /// call into the library (see `Interpreter.evalCall`).
    public let isLibrary: Bool

    public init(name: String, text: String, isLibrary: Bool = false) {
        self.name = name
        self.text = text
        self.isLibrary = isLibrary
        self.bytes = Array(text.utf8)
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") { starts.append(i + 1) }
        self.lineStarts = starts
    }

    /// 1-based line and column of a byte offset (columns count characters).
    public func position(_ offset: Int) -> (line: Int, column: Int) {
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        let start = lineStarts[lo]
        let end = Swift.min(Swift.max(offset, start), bytes.count)
        let column = String(decoding: bytes[start..<end], as: UTF8.self).count + 1
        return (lo + 1, column)
    }

    /// The text of 1-based line `n`, without its newline.
    public func line(_ n: Int) -> String {
        guard n >= 1 && n <= lineStarts.count else { return "" }
        let start = lineStarts[n - 1]
        var end = n < lineStarts.count ? lineStarts[n] - 1 : bytes.count
        if end > start && bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: bytes[start..<Swift.max(start, end)], as: UTF8.self)
    }

    /// Number of lines.
    public var lineCount: Int { lineStarts.count }
}

/// A span of source: byte offsets `start..<end` in `file`.
public struct SourceRange {
    public let file: SourceFile
    public let start: Int
    public let end: Int
    public init(_ file: SourceFile, _ start: Int, _ end: Int) {
        self.file = file
        self.start = start
        self.end = Swift.max(start, end)
    }

    /// A range covering both.
    public func to(_ other: SourceRange) -> SourceRange { SourceRange(file, Swift.min(start, other.start), Swift.max(end, other.end)) }

    /// 1-based line and column where the range starts.
    public var startPosition: (line: Int, column: Int) { file.position(start) }
    /// 1-based line where the range ends.
    public var endLine: Int { file.position(Swift.max(start, end - 1)).line }
}
