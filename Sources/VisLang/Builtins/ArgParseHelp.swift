import Foundation

/// The usage line and `--help` text of an `argparse.ArgumentParser`, laid out as
/// Python's argparse does.
extension ArgumentParser {
    /// Text width as Python's HelpFormatter uses it (80 columns less 2).
    static let width = 78

    /// An action's part of the usage line (`[--epochs EPOCHS]`).
    func usagePart(_ a: ArgAction) -> String {
        if a.isPositional { return a.valuesForm }
        let flag = a.flags[0]
        if a.kind == .booleanOptional { return (a.required ? "(" : "[") + a.flags.joined(separator: " | ") + (a.required ? ")" : "]") }
        let form = a.nargs == .none ? flag : flag + " " + a.valuesForm
        return a.required ? form : "[\(form)]"
    }

    /// `usage: prog [-h] [--epochs EPOCHS] data`, wrapped as Python wraps long usage.
    func usage() -> String {
        var optionals: [String] = []
        var shownGroups = Set<Int>()
        for a in actions where !a.isPositional {
            guard let g = a.exclusive else { optionals.append(usagePart(a)); continue }
            // Options that exclude each other show together: [-v | -q], or (--train | --eval) when one is required.
            guard shownGroups.insert(g).inserted else { continue }
            let inner = actions.filter { $0.exclusive == g && !$0.isPositional }.map { $0.nargs == .none ? $0.flags[0] : $0.flags[0] + " " + $0.valuesForm }
            optionals.append(exclusiveGroups[g] ? "(" + inner.joined(separator: " | ") + ")" : "[" + inner.joined(separator: " | ") + "]")
        }
        let positionals = actions.filter(\.isPositional).map(usagePart).filter { !$0.isEmpty }
        let prefix = "usage: "
        let one = ([prog] + optionals + positionals).joined(separator: " ")
        guard prefix.count + one.count > Self.width else { return prefix + one }
        func lines(_ parts: [String], indent: String, prefix: String?) -> [String] {
            var out: [String] = [], line: [String] = []
            var length = (prefix?.count ?? indent.count) - 1
            for p in parts {
                if length + 1 + p.count > Self.width, !line.isEmpty {
                    out.append(indent + line.joined(separator: " "))
                    line = []
                    length = indent.count - 1
                }
                line.append(p)
                length += p.count + 1
            }
            if !line.isEmpty { out.append(indent + line.joined(separator: " ")) }
            if prefix != nil, !out.isEmpty { out[0] = String(out[0].dropFirst(indent.count)) }
            return out
        }
        let indent = String(repeating: " ", count: prefix.count + prog.count + 1)
        var out: [String]
        if Double(prefix.count + prog.count) <= 0.75 * Double(Self.width) {
            out = optionals.isEmpty ? lines([prog] + positionals, indent: indent, prefix: prefix)
                : lines([prog] + optionals, indent: indent, prefix: prefix) + lines(positionals, indent: indent, prefix: nil)
        } else {
            let small = String(repeating: " ", count: prefix.count)
            out = [prog] + lines(optionals, indent: small, prefix: nil) + lines(positionals, indent: small, prefix: nil)
        }
        return prefix + out.joined(separator: "\n")
    }

    /// An action's left column in the help (`-e, --epochs EPOCHS`, as Python 3.13 writes it).
    func invocation(_ a: ArgAction) -> String {
        if a.isPositional { return a.metavar ?? a.dest }
        let flags = a.flags.joined(separator: ", ")
        return a.nargs == .none ? flags : flags + " " + a.valuesForm
    }

    /// Words of `text` filled into lines of at most `width` characters.
    static func wrap(_ text: String, _ width: Int) -> [String] {
        var lines: [String] = [], line = ""
        for w in text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }) {
            if line.isEmpty { line = String(w) } else if line.count + 1 + w.count <= width { line += " " + w } else { lines.append(line); line = String(w) }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    /// The help string with `%(default)s`, `%(prog)s`, `%(dest)s`, `%(choices)s` filled in.
    func expandedHelp(_ a: ArgAction) -> String? {
        guard var h = a.help else { return nil }
        if showDefaults, !h.contains("%(default)"), a.kind != .help, !a.isPositional || a.nargs == .optional || a.nargs == .zeroOrMore {
            h += " (default: %(default)s)"
        }
        h = h.replacingOccurrences(of: "%(default)s", with: Repr.str(a.defaultValue))
            .replacingOccurrences(of: "%(default)r", with: Repr.repr(a.defaultValue))
            .replacingOccurrences(of: "%(prog)s", with: prog)
            .replacingOccurrences(of: "%(dest)s", with: a.dest)
            .replacingOccurrences(of: "%(choices)s", with: a.choices.map { $0.map(Repr.str).joined(separator: ", ") } ?? "none")
            .replacingOccurrences(of: "%%", with: "%")
        return h
    }

    /// The `--help` text laid out as Python's HelpFormatter does.
    func helpText() -> String {
        var out = usage() + "\n"
        if let description { out += "\n" + Self.wrap(description, Self.width).joined(separator: "\n") + "\n" }
        let maxInvocation = actions.map { invocation($0).count }.max() ?? 0
        let helpPosition = Swift.min(maxInvocation + 4, 24)
        let helpWidth = Swift.max(Self.width - helpPosition, 11)
        let actionWidth = helpPosition - 2 - 2
        func section(_ title: String, _ list: [ArgAction]) {
            guard !list.isEmpty else { return }
            out += title.isEmpty ? "\n" : "\n\(title):\n"  // an empty title: the group's description came first
            for a in list {
                let inv = invocation(a)
                guard let help = expandedHelp(a), !help.isEmpty else { out += "  \(inv)\n"; continue }
                let lines = Self.wrap(help, helpWidth)
                let pad = String(repeating: " ", count: helpPosition)
                if inv.count <= actionWidth {
                    out += "  " + inv + String(repeating: " ", count: actionWidth - inv.count) + "  " + (lines.first ?? "") + "\n"
                } else {
                    out += "  \(inv)\n" + pad + (lines.first ?? "") + "\n"
                }
                for l in lines.dropFirst() { out += pad + l + "\n" }
            }
        }
        section("positional arguments", actions.filter { $0.isPositional && $0.group == nil })
        section("options", actions.filter { !$0.isPositional && $0.group == nil })
        for (g, (title, description)) in groups.enumerated() {
            let members = actions.filter { $0.group == g }
            guard !members.isEmpty || description != nil else { continue }
            if let description {
                out += "\n\(title):\n" + Self.wrap(description, Self.width - 2).map { "  " + $0 }.joined(separator: "\n") + "\n"
                section("", members)
            } else {
                section(title, members)
            }
        }
        if let epilog { out += "\n" + Self.wrap(epilog, Self.width).joined(separator: "\n") + "\n" }
        return out
    }
}
