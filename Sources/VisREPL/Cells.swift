import Foundation

/// The cells of a notebook: `# %%` lines (the Jupytext "percent" convention) split a
/// file; text before the first marker is a cell of its own when it holds code.
public struct NotebookCell {
    /// 1-based cell number.
    public let number: Int
    /// The title after `# %%`, if any.
    public let title: String
    /// 1-based first and last line of the cell's code (marker excluded).
    public let firstLine: Int
    public let lastLine: Int
    /// The cell's source text.
    public let text: String
}

public enum Cells {
    /// True for a cell marker line.
    public static func isMarker(_ line: String) -> Bool {
        line.trimmingSpaces.hasPrefix("# %%")
    }

    /// Splits `text` into cells.
    public static func split(_ text: String) -> [NotebookCell] {
        let lines = text.notebookLines
        var cells: [NotebookCell] = []
        var start = 0, title = ""
        func close(_ end: Int) {
            guard start < end || start == 0 else { return }
            let body = lines[start..<Swift.max(start, end)]
            let isCode = body.contains { l in
                let t = l.trimmingSpaces
                return !t.isEmpty && !t.hasPrefix("#")
            }
            if isCode || !(title.isEmpty && cells.isEmpty) {
                cells.append(NotebookCell(number: cells.count + 1, title: title, firstLine: start + 1,
                                          lastLine: Swift.max(start, end), text: body.joined(separator: "\n")))
            }
        }
        for (i, l) in lines.enumerated() where isMarker(l) {
            close(i)
            title = String(String(l.trimmingSpaces.dropFirst(4)).trimmingSpaces).trimmingCharacters(in: .whitespacesAndNewlines)
            start = i + 1
        }
        close(lines.count)
        return cells
    }
}

extension String {
    /// The lines of a notebook, split at "\n" only: Swift's `split(separator: "\n")` would
    /// not split "\r\n" (one Character), and line numbers must agree with the source
    /// positions errors report, in CRLF files too. A "\r" stays at the end of its line.
    public var notebookLines: [String] {
        utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }
}
