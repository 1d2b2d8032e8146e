/// `help(x)`: the REPL's `:help` as a builtin, so scripts, pipes and notebooks can ask
/// for the same text (`help("Conv2d")`, `help(Conv2d)`, `help(net)`, `help(x.sum)`).
enum HelpBuiltins {
    static func table() -> BuiltinTable {
        var t = BuiltinTable()
        t.function("help", [Param("obj", .any, default: Value.none)],
                   "prints the help of a name (a string), a builtin, function, model, or any value; with no argument, what help covers. The text is the one :help NAME shows.\n  help(\"Conv2d\"); help(Conv2d); help(net); help(x.sum); help(\"for\")") { a, rt in
            guard let interpreter = rt as? Interpreter else { throw NativeError("help: not available in this runtime") }
            let help = Help(interpreter)
            switch a["obj"] {
            case .none: rt.write(help.overview + "\n")
            case .string(let name): rt.write(help.answer(forName: name) + "\n")
            case let v: rt.write(help.text(for: v) + "\n")
            }
            return .none
        }
        return t
    }
}

extension Help {
    /// What `help()` prints: how to ask, the keywords, and the extra topics (the REPL's
    /// commands when the REPL's layer registered them).
    public var overview: String {
        var out = """
        help(NAME) or help(value) prints the documentation of a builtin, method, keyword,
        function, model or value (the REPL's :help NAME prints the same):
          help("Conv2d"); help(Conv2d); help(net); help(x.sum); help("tensor.sum"); help("for")
        keywords: \(Keyword.allCases.map(\.rawValue).joined(separator: " "))
        """
        let topics = registry.topics.keys.sorted()
        if !topics.isEmpty { out += "\ncommands: " + topics.joined(separator: " ") }
        return out
    }
}
