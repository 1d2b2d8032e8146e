import Foundation

/// Tab completion: given the word under the cursor and the line before it, the
/// candidates (each a full replacement for the word). Variables, builtins, keywords,
/// members after `.` and file paths inside strings.
public final class Completer {
    /// Names in scope (variables and builtins).
    let names: () -> [String]
    /// Member names of the value an expression names (`x` in `x.su`), if it has any.
    let members: (String) -> [String]
    /// Language keywords.
    static let keywords = ["fn", "return", "if", "else", "for", "in", "while", "break", "continue", "model",
                           "true", "false", "none", "and", "or", "not", "global", "no_grad", "assert"]
    /// REPL commands.
    static let commands = [":help", ":vars", ":time", ":load", ":cells", ":run", ":save", ":reset", ":quit"]

    public init(names: @escaping () -> [String], members: @escaping (String) -> [String]) {
        self.names = names
        self.members = members
    }

    /// Sorted, de-duplicated candidates for `word`.
    public func candidates(for word: String, linePrefix: String) -> [String] {
        if insideString(linePrefix) { return paths(word) }
        if linePrefix.isEmpty && word.hasPrefix(":") { return Completer.commands.filter { $0.hasPrefix(word) } }
        if let dot = word.lastIndex(of: ".") {
            let base = String(word[..<dot]), partial = String(word[word.index(after: dot)...])
            guard !base.isEmpty else { return [] }
            return Set(members(base).filter { $0.hasPrefix(partial) && !$0.hasPrefix("_") }).sorted().map { base + "." + $0 }
        }
        let all = names() + Completer.keywords
        return Set(all.filter { $0.hasPrefix(word) }).sorted()
    }

    /// True when the text before the word has an unclosed double quote.
    func insideString(_ prefix: String) -> Bool {
        var open = false, escaped = false
        for c in prefix {
            if escaped { escaped = false; continue }
            if c == "\\" { escaped = true; continue }
            if c == "\"" { open.toggle() }
        }
        return open
    }

    /// Files and folders starting with `partial` (folders get a trailing `/`).
    func paths(_ partial: String) -> [String] {
        let expanded = partial.hasPrefix("~/") ? NSHomeDirectory() + partial.dropFirst() : partial
        let dir: String, stem: String, shown: String
        if let slash = expanded.lastIndex(of: "/") {
            dir = String(expanded[...slash])
            stem = String(expanded[expanded.index(after: slash)...])
            shown = String(partial[...(partial.lastIndex(of: "/") ?? partial.startIndex)])
        } else {
            dir = ""; stem = expanded; shown = ""
        }
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: dir.isEmpty ? "." : dir) else { return [] }
        return entries.filter { $0.hasPrefix(stem) && (stem.hasPrefix(".") || !$0.hasPrefix(".")) }.sorted().map { name in
            var isDir: ObjCBool = false
            FileManager.default.fileExists(atPath: (dir.isEmpty ? "" : dir) + name, isDirectory: &isDir)
            return shown + name + (isDir.boolValue ? "/" : "")
        }
    }
}
