import Foundation

/// Tab completion: given the word under the cursor and the line before it, the
/// candidates (each a full replacement for the word). Variables, builtins, keywords,
/// members after `.`, REPL commands, and file paths inside strings and after `:load` /
/// `:save`.
///
/// The line editor splits words at operators, brackets, quotes and `/`; a path (inside
/// a string or after a command) is taken whole from the line, and its candidates are cut
/// back to replacements for the last word.
public final class Completer {
    /// Names in scope (variables and builtins).
    let names: () -> [String]
    /// Member names of the value an expression names (`x` in `x.su`), if it has any.
    let members: (String) -> [String]
    /// Language keywords.
    static let keywords = ["fn", "return", "if", "else", "for", "in", "while", "break", "continue", "model",
                           "true", "false", "none", "and", "or", "not", "global", "no_grad", "assert",
                           "lambda", "is", "elif", "pass", "del"]
    /// REPL commands.
    static let commands = [":help", ":vars", ":time", ":load", ":cells", ":run", ":save", ":reset", ":quit"]
    /// Commands whose argument is a file name.
    static let fileCommands: Set<String> = [":load", ":save"]
    /// What Tab inserts at the start of a line: an indent.
    public static let indent = "  "

    /// A completer over the names in scope and the members of values.
    public init(names: @escaping () -> [String], members: @escaping (String) -> [String]) {
        self.names = names
        self.members = members
    }

    /// Sorted, de-duplicated candidates for `word`, the text before it being `linePrefix`.
    public func candidates(for word: String, linePrefix: String) -> [String] {
        let lead = linePrefix.drop(while: { $0 == " " || $0 == "\t" })
        if lead.hasPrefix(":") { return commandCandidates(word, String(lead)) }
        if let quote = openQuote(linePrefix) {
            let inside = String(linePrefix[linePrefix.index(after: quote)...])
            let isFString = quote > linePrefix.startIndex && linePrefix[linePrefix.index(before: quote)] == "f"
            if !(isFString && insideBraces(inside)) { return pathCandidates(inside + word, word: word) }
        }
        if word.isEmpty && lead.isEmpty { return [Completer.indent] }
        if let dot = word.lastIndex(of: ".") {
            let base = String(word[..<dot]), partial = String(word[word.index(after: dot)...])
            guard !base.isEmpty else { return [] }
            return Set(members(base).filter { $0.hasPrefix(partial) && !$0.hasPrefix("_") }).sorted().map { base + "." + $0 }
        }
        let all = names() + Completer.keywords
        return Set(all.filter { $0.hasPrefix(word) }).sorted()
    }

    /// A command name (`:he`), or a command's argument: a path for `:load` and `:save`,
    /// a name for `:help`.
    func commandCandidates(_ word: String, _ lead: String) -> [String] {
        if lead == ":" { return Completer.commands.filter { $0.hasPrefix(":" + word) }.map { String($0.dropFirst()) }.sorted() }
        let parts = lead.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return [] }
        let command = String(parts[0]), argument = String(parts[1].drop(while: { $0 == " " }))
        if Completer.fileCommands.contains(command) { return pathCandidates(argument + word, word: word) }
        if command == ":help" || command == ":h" { return Set(names().filter { $0.hasPrefix(word) }).sorted() }
        return []
    }

    /// Paths completing `soFar`, each cut back to a replacement for `word`, its last part.
    func pathCandidates(_ soFar: String, word: String) -> [String] {
        let cut = soFar.count - word.count
        return paths(soFar).filter { $0.count >= cut }.map { String($0.dropFirst(cut)) }
    }

    /// The unclosed double quote in `prefix`, if any.
    func openQuote(_ prefix: String) -> String.Index? {
        var open: String.Index?
        var escaped = false
        for i in prefix.indices {
            let c = prefix[i]
            if escaped { escaped = false; continue }
            if c == "\\" && open != nil { escaped = true; continue }
            if c == "\"" { open = open == nil ? i : nil }
        }
        return open
    }

    /// True when the text of an f-string so far has an unclosed `{` (code, not text).
    func insideBraces(_ text: String) -> Bool {
        var depth = 0
        for c in text {
            if c == "{" { depth += 1 } else if c == "}" { depth = Swift.max(0, depth - 1) }
        }
        return depth > 0
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
            _ = FileManager.default.fileExists(atPath: (dir.isEmpty ? "" : dir) + name, isDirectory: &isDir)
            return shown + name + (isDir.boolValue ? "/" : "")
        }
    }
}
