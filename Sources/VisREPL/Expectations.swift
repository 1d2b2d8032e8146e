/// The `#>` expectation lines of a notebook and how actual output is matched against
/// them: `...` inside a line matches any text, a line that is only `...` matches any
/// number of lines.
public enum Expectations {
    /// The marker that starts an expectation line.
    public static let marker = "#>"

    /// The expected text of one `#>` line (`#> text` gives `text`; `#>` alone an empty
    /// line; the "\r" of a CRLF line ending is not part of it).
    public static func text(ofMarkerLine line: String) -> String? {
        let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
        guard trimmed.hasPrefix(marker) else { return nil }
        var rest = trimmed.dropFirst(marker.count)
        if rest.first == " " { rest = rest.dropFirst() }
        if rest.unicodeScalars.last == "\r" { rest = Substring(rest.unicodeScalars.dropLast()) }
        return String(rest)
    }

    /// The `#>` block right after line `lastLine` (0-based index of the statement's last
    /// line): the indices of its lines and their texts, or nil when there is none.
    public static func block(after lastLine: Int, in lines: [String]) -> (range: Range<Int>, expected: [String])? {
        var i = lastLine + 1
        var expected: [String] = []
        while i < lines.count, let t = text(ofMarkerLine: lines[i]) {
            expected.append(t)
            i += 1
        }
        return expected.isEmpty ? nil : (lastLine + 1..<i, expected)
    }

    /// True when `actual` matches the `expected` pattern lines.
    public static func matches(expected: [String], actual: [String]) -> Bool {
        matchLines(expected[...], actual[...])
    }

    private static func matchLines(_ e: ArraySlice<String>, _ a: ArraySlice<String>) -> Bool {
        guard let first = e.first else { return a.isEmpty }
        if first.trimmingSpaces == "..." {
            let rest = e.dropFirst()
            if rest.isEmpty { return true }
            var k = a.startIndex
            while k <= a.endIndex {
                if matchLines(rest, a[k...]) { return true }
                k += 1
            }
            return false
        }
        guard let line = a.first, matchLine(first, line) else { return false }
        return matchLines(e.dropFirst(), a.dropFirst())
    }

    /// One line against a pattern in which `...` matches any text.
    public static func matchLine(_ pattern: String, _ line: String) -> Bool {
        let parts = pattern.components(separatedBy: "...")
        if parts.count == 1 { return pattern == line }
        var rest = Substring(line)
        guard let head = parts.first, rest.hasPrefix(head) else { return false }
        rest = rest.dropFirst(head.count)
        for (i, part) in parts.enumerated().dropFirst() {
            if i == parts.count - 1 { return part.isEmpty || rest.hasSuffix(part) && rest.count >= part.count }
            guard let r = rest.range(of: part) else { return false }
            rest = rest[r.upperBound...]
        }
        return true
    }

    /// A unified-diff style body: `-` expected lines, `+` actual lines, and matched
    /// lines (including those a `...` line stands for) with two spaces.
    public static func diff(expected: [String], actual: [String]) -> [String] {
        // Longest common subsequence on lines (notebook blocks are short), where a `...`
        // line may match any number of actual lines.
        let n = expected.count, m = actual.count
        let wildcard = expected.map { $0.trimmingSpaces == "..." }
        var lcs = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m, through: 0, by: -1) {
                var best = lcs[i + 1][j]
                if j < m {
                    best = Swift.max(best, lcs[i][j + 1])
                    if wildcard[i] { best = Swift.max(best, lcs[i][j + 1] + 1) }
                    if matchLine(expected[i], actual[j]) { best = Swift.max(best, lcs[i + 1][j + 1] + 1) }
                }
                lcs[i][j] = best
            }
        }
        var out: [String] = []
        var i = 0, j = 0
        while i < n || j < m {
            if i < n && j < m && wildcard[i] && lcs[i][j] == lcs[i][j + 1] + 1 {
                out.append("  " + actual[j]); j += 1
            } else if i < n && wildcard[i] && lcs[i][j] == lcs[i + 1][j] {
                i += 1  // the wildcard has matched all it can
            } else if i < n && j < m && !wildcard[i] && matchLine(expected[i], actual[j]) && lcs[i][j] == lcs[i + 1][j + 1] + 1 {
                out.append("  " + actual[j]); i += 1; j += 1
            } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
                out.append("- " + expected[i]); i += 1
            } else {
                out.append("+ " + actual[j]); j += 1
            }
        }
        return out
    }

    /// The lines of an actual output as `#>` lines.
    public static func markerLines(_ actual: [String]) -> [String] {
        actual.map { $0.isEmpty ? marker : marker + " " + $0 }
    }
}

extension String {
    var trimmingSpaces: Substring {
        let s = drop(while: { $0 == " " || $0 == "\t" })
        var e = s.endIndex
        while e > s.startIndex, s[s.index(before: e)] == " " || s[s.index(before: e)] == "\t" { e = s.index(before: e) }
        return s[..<e]
    }
}
