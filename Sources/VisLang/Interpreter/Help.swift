import Foundation

/// The help text of every name and value a user can ask about: builtins (functions,
/// methods, constants), keywords, stdlib and session functions (their `#` comment
/// block), model classes and instances, and extra topics such as the REPL's commands.
/// `:help NAME` in the REPL and the `help(x)` builtin both print what this returns, so
/// scripts, pipes and the terminal see one text.
///
/// A signature is stated once: it is generated from the declaration (all parameters,
/// with defaults), and a hand-written signature that opens a doc string is not shown.
public struct Help {
    /// The interpreter whose globals and builtins are looked up.
    let interpreter: Interpreter

    /// Help over `interpreter`'s globals and registry.
    public init(_ interpreter: Interpreter) {
        self.interpreter = interpreter
    }

    var registry: BuiltinRegistry { interpreter.registry }

    /// The receiver types with builtin methods, as `:help TYPE.method` names them.
    static let methodTypes = ["tensor", "string", "list", "dict"]

    // MARK: Lookup by name

    /// The help for `name` (`Conv2d`, `fit`, `tensor.sum`, `x.sum`, `for`, `:save`,
    /// a session variable), or nil when nothing of that name is known.
    public func text(forName raw: String) -> String? {
        let name = raw.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { return nil }
        if let topic = registry.topics[name] { return topic }
        if let k = KeywordHelp.entries[name] { return "\(name) (keyword)\n\(k)" }
        // Session globals first: they shadow builtins, as lookup does.
        if let v = interpreter.globals.value(name) { return text(for: v, named: name) }
        if let f = registry.docs[name], registry.globals[name] != nil { return Help.text(of: f, receiverType: nil) }
        if let v = registry.globals[name] { return text(for: v, named: name) }
        guard let dot = name.lastIndex(of: ".") else { return nil }
        let base = String(name[..<dot]), member = String(name[name.index(after: dot)...])
        // `Tensor.sum` and `torch.Tensor.sum` as PyTorch's docs name the methods, `str.split` as Python's.
        let type = ["Tensor": "tensor", "torch.Tensor": "tensor", "str": "string"][base] ?? base
        if Help.methodTypes.contains(type), let f = registry.methods[type]?[member] {
            return Help.text(of: f, receiverType: type)
        }
        // Members of native types: `SGD.step`, `Module.train`, `ReduceLROnPlateau.step`.
        if let t = registry.memberTables[base]?.help(member) { return t }
        guard let receiver = value(ofPath: base) else { return nil }
        if case .object(let o) = receiver, let t = o.members?.help(member) { return t }
        if let f = registry.methods[Members.methodTable(receiver)]?[member] {
            return Help.text(of: f, receiverType: Members.methodTable(receiver))
        }
        guard let v = try? Members.get(receiver, member, registry: registry) else { return nil }
        return text(for: v, named: name)
    }

    /// The closest known name to `name`, for a did-you-mean hint when it has no help.
    public func suggestion(for name: String) -> String? {
        // Edit distance costs length times length: a huge string gets no hint.
        guard name.count <= 100 else { return nil }
        var names = Array(registry.docs.keys) + Array(registry.globals.keys) + Array(registry.topics.keys)
        names += Array(KeywordHelp.entries.keys) + interpreter.globals.defined
        // The stdlib's private helpers (`_forward`) are hinted only to who types a `_`.
        if !name.hasPrefix("_") { names = names.filter { !$0.hasPrefix("_") } }
        return Suggestions.closest(to: name, in: names)
    }

    /// What `:help NAME` and `help("NAME")` print: the help, or that there is none with
    /// a did-you-mean hint.
    public func answer(forName name: String) -> String {
        if let t = text(forName: name) { return t }
        let hint = suggestion(for: name).map { " (did you mean '\($0)'?)" } ?? ""
        return "no help for '\(name)'\(hint)"
    }

    /// The value a dotted path names (`net.head`), following names and attributes only
    /// (no code runs).
    func value(ofPath path: String) -> Value? {
        let parts = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let first = parts.first, var v = interpreter.globals.value(first) ?? registry.globals[first] else { return nil }
        for p in parts.dropFirst() {
            guard let next = try? Members.get(v, p, registry: registry) else { return nil }
            v = next
        }
        return v
    }

    // MARK: Help for a value

    /// The help for a value (`help(Conv2d)`, `help(net)`, `help(x.sum)`); `name` is how
    /// the user wrote it, when known.
    public func text(for value: Value, named name: String? = nil) -> String {
        switch value {
        case .function(let f as NativeFunction):
            if let (type, _) = registry.methods.first(where: { $0.value[f.name] === f }) { return Help.text(of: f, receiverType: type) }
            return Help.text(of: f, receiverType: nil)
        case .function(let m as BoundMethod):
            return Help.text(of: m.function, receiverType: Members.methodTable(m.receiver))
        case .function(let f as UserFunction):
            return Help.text(of: f)
        case .function(let c as ModelClass):
            return Help.text(of: c)
        case .function(let f):
            return "\(f.name): a function"
        case .object(let m as ModelInstance):
            let cls = interpreter.globals.value(m.typeName).flatMap { v -> ModelClass? in
                if case .function(let c as ModelClass) = v { return c }
                return nil
            }
            let head = (name.map { "\($0): " } ?? "") + "an instance of model \(m.typeName)"
            if let cls { return head + "\n" + Help.text(of: cls) }
            return head + "\nmembers: " + m.memberNames.sorted().joined(separator: ", ")
        case .object(let o):
            var out = (name.map { "\($0): " } ?? "") + (o.typeName.first.map { "AEIOU".contains($0) } == true ? "an " : "a ") + o.typeName
            if let f = registry.docs[o.typeName], registry.globals[o.typeName] != nil { out += "\n" + Help.text(of: f, receiverType: nil) }
            let members = o.memberNames.filter { !$0.hasPrefix("_") }
            if !members.isEmpty { out += "\nmembers: " + Array(Set(members)).sorted().joined(separator: ", ") }
            return out
        default:
            if let name, registry.globals[name] != nil, interpreter.globals.value(name) == nil {
                // A builtin constant: its value and what it is for.
                return "\(name) = \(Repr.repr(value)) (constant, \(value.typeNameWithArticle))" + (Help.constantNotes[name].map { "\n" + $0 } ?? "")
            }
            var out = (name.map { "\($0): " } ?? "") + value.typeNameWithArticle
            if case .tensor(let t) = value {
                out += " of shape \(Repr.repr(.list(ListBox(t.shape.map { .int($0) })))), \(t.dtype)"
            } else {
                // The value itself, cut short: help is about the type, not a big list.
                let shown = Repr.repr(value)
                out += " = " + (shown.count > 200 ? String(shown.prefix(200)) + " ..." : shown)
            }
            if let methods = registry.methods[Members.methodTable(value)], !methods.isEmpty {
                out += "\nmethods (:help \(Members.methodTable(value)).NAME): " + methods.keys.sorted().joined(separator: ", ")
            }
            return out
        }
    }

    /// What the builtin constants are for (their value is shown from the registry).
    static let constantNotes: [String: String] = [
        "pi": "The ratio of a circle's circumference to its diameter, as Python's math.pi.\n  area = pi * r ** 2",
        "inf": "Positive infinity, as Python's math.inf.\n  best = inf",
        "nan": "Not a number, as Python's math.nan (nan != nan).\n  x = nan",
        "float32": "The float32 dtype's name, for dtype= arguments (torch.float32).\n  zeros(2, dtype=float32)",
        "int64": "The int64 dtype's name, for dtype= arguments (torch.int64).\n  zeros(2, dtype=int64)",
        "long": "The int64 dtype's name under PyTorch's other spelling (torch.long).\n  tensor([0, 2], dtype=long)",
        "bool_": "The bool dtype's name, for dtype= arguments (torch.bool; bool is the conversion builtin).\n  zeros(2, dtype=bool_)",
    ]

    // MARK: Natives

    /// The generated signature of a native: every parameter with its default; a method
    /// shows its receiver type instead of the `self` parameter (`tensor.sum(dim=none)`).
    public static func signature(of f: NativeFunction, receiverType: String?) -> String {
        guard let type = receiverType else { return f.signature.description }
        // A class method of a builtin class (`Embedding.from_pretrained`, under the
        // class's capitalised name) has no receiver to hide.
        let params = type.first?.isUppercase == true ? f.signature.params : Array(f.signature.params.dropFirst())
        return type + "." + Signature(name: f.name, params: params).description
    }

    /// A native's help: the generated signature, then its doc without a hand-written
    /// signature at its start.
    public static func text(of f: NativeFunction, receiverType: String?) -> String {
        let doc = HandWrittenSignature.strip(f.doc)
        let sig = signature(of: f, receiverType: receiverType)
        return doc.isEmpty ? sig : sig + "\n" + doc
    }

    // MARK: Functions and models written in .vis

    /// The parameter list of a .vis declaration, defaults as written in the source.
    static func parameters(_ params: [ParamDecl]) -> String {
        params.map { p in
            guard let d = p.defaultValue else { return p.name }
            return p.name + "=" + sourceText(d.range)
        }.joined(separator: ", ")
    }

    /// The source text of a range (one line's worth is enough for defaults).
    static func sourceText(_ r: SourceRange) -> String {
        let bytes = r.file.bytes[Swift.min(r.start, r.file.bytes.count)..<Swift.min(r.end, r.file.bytes.count)]
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A .vis function's help: its signature, then the `#` comment block right above
    /// its `fn` line (the stdlib documents `fit` and friends that way).
    static func text(of f: UserFunction) -> String {
        let owner = f.instance.map { $0.typeName + "." } ?? ""
        let sig = "\(owner)\(f.decl.name)(\(parameters(f.decl.params)))"
        let comment = commentAbove(f.decl.range)
        let file = f.decl.range.file
        let short = file.name.split(separator: "/").last.map(String.init) ?? file.name
        let origin = file.isLibrary ? "defined in the stdlib, \(short)" : "defined at \(short):\(f.decl.range.startPosition.line)"
        return sig + "\n" + (comment.isEmpty ? "" : comment + "\n") + "(\(origin))"
    }

    /// A model class's help: `model Name(params)`, its comment block, and its methods
    /// with their signatures.
    static func text(of c: ModelClass) -> String {
        var out = "model \(c.decl.name)(\(parameters(c.decl.params)))"
        let comment = commentAbove(c.decl.range)
        if !comment.isEmpty { out += "\n" + comment }
        let methods = c.decl.body.compactMap { s -> FunctionDecl? in
            if case .function(let f) = s.kind { return f }
            return nil
        }
        if !methods.isEmpty {
            out += "\nmethods:"
            for m in methods {
                out += "\n  \(m.name)(\(parameters(m.params)))"
                if let first = commentAbove(m.range).split(separator: "\n").first { out += "  # " + first }
            }
        }
        out += "\nmodule members: " + ModuleMembers.names.joined(separator: ", ")
        return out
    }

    /// The comment lines directly above the line where `range` starts, without their
    /// `#` (a blank line, code, a cell marker or an expectation line ends the block).
    public static func commentAbove(_ range: SourceRange) -> String {
        let file = range.file
        var line = range.startPosition.line - 1
        var lines: [String] = []
        while line >= 1 {
            let text = file.line(line).trimmingCharacters(in: .whitespaces)
            guard text.hasPrefix("#"), !text.hasPrefix("#>"), !text.hasPrefix("# %%") else { break }
            var body = text.dropFirst()
            if body.first == " " { body = body.dropFirst() }
            lines.append(String(body))
            line -= 1
        }
        return lines.reversed().joined(separator: "\n")
    }
}
