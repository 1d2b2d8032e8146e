import Foundation

/// Python's `argparse` for script arguments (`vis train.vis --epochs 5`): an
/// `ArgumentParser` with `add_argument` (positionals and `-f` / `--flag` options, type,
/// default, the store / store_true / store_false / store_const / append / count actions,
/// choices, required, nargs, dest, metavar, help) and `parse_args` giving a namespace
/// object. `--help` prints Python's help text (Python 3.13's layout) and ends the script
/// with status 0; a bad argument prints the usage and `PROG: error: ...` to standard
/// error and ends it with status 2, as Python does (with `exit_on_error=false`, it is a
/// vis error instead).
enum ArgParse {
    /// `argparse.ArgumentDefaultsHelpFormatter`: help lines end with the default.
    static let defaultsFormatter = "ArgumentDefaultsHelpFormatter"

    /// A string as Python's repr writes it in argparse's messages: 'x'.
    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'" }

    /// A value in argparse's messages: strings single-quoted, as Python prints them.
    static func pyRepr(_ v: Value) -> String {
        if case .string(let s) = v { return quote(s) }
        return Repr.repr(v)
    }

    static func make(sys: NamespaceObject) -> NamespaceObject {
        var m = ModuleBuilder("argparse")
        m.function("ArgumentParser", [Param("prog", .optional(.string), default: Value.none), Param("description", .optional(.string), default: Value.none),
                                      Param("epilog", .optional(.string), default: Value.none), Param("formatter_class", default: Value.none),
                                      Param("add_help", .bool, default: .bool(true)), Param("exit_on_error", .bool, default: .bool(true))],
                   "argparse.ArgumentParser(prog=none, description=none, epilog=none, formatter_class=none, add_help=true, exit_on_error=true): a parser of the script's arguments (sys.argv).\n  parser = argparse.ArgumentParser(description=\"Train\")") { a, _ in
            let prog: String
            if let p = try a.optionalString("prog") { prog = p } else if case .list(let argv)? = sys.lookup("argv"), case .string(let s)? = argv.items.first, !s.isEmpty {
                prog = OSModule.split(s).1
            } else {
                prog = "vis"
            }
            var showDefaults = false
            if case .string(let f) = a["formatter_class"] { showDefaults = f == defaultsFormatter }
            return .object(ArgumentParser(prog: prog, description: try a.optionalString("description"), epilog: try a.optionalString("epilog"),
                                          addHelp: try a.bool("add_help"), exitOnError: try a.bool("exit_on_error"), showDefaults: showDefaults, sys: sys))
        }
        m.constant("ArgumentDefaultsHelpFormatter", .string(defaultsFormatter))
        m.constant("HelpFormatter", .string("HelpFormatter"))
        m.constant("BooleanOptionalAction", .string("BooleanOptionalAction"))
        m.function("Namespace", [], "argparse.Namespace(): an empty namespace object (what parse_args returns).") { _, _ in .object(ArgsNamespace()) }
        return m.make()
    }
}

/// What `parse_args` returns: attributes by dest (`args.epochs`), settable.
public final class ArgsNamespace: NativeObject {
    /// The attributes in the order the arguments were added.
    var values = DictBox()
    public var typeName: String { "Namespace" }
    public func member(_ name: String) throws -> Value? {
        if let v = values[string: name] { return v }
        let hint = Suggestions.closest(to: name, in: memberNames).map { " (did you mean '\($0)'?)" } ?? ""
        throw NativeError("Namespace has no attribute '\(name)'\(hint)")
    }
    public func setMember(_ name: String, _ value: Value) throws -> Bool {
        values[string: name] = value
        return true
    }
    public var memberNames: [String] { values.keys.compactMap { if case .string(let s) = $0 { return s } else { return nil } } }
    public var repr: String {
        "Namespace(" + values.pairs.map { "\(Repr.str($0.0.value))=\(Repr.repr($0.1))" }.joined(separator: ", ") + ")"
    }
}

/// A parse error: the message Python prints after `PROG: error: `.
struct ArgumentError: Error { let message: String }

/// One `add_argument` declaration.
final class ArgAction {
    enum Kind: String {
        case store, storeConst = "store_const", storeTrue = "store_true", storeFalse = "store_false", append, appendConst = "append_const", count, help
        case extend, version, booleanOptional = "BooleanOptionalAction"
    }
    /// How many values: nil (exactly one), "?", "*", "+" or a count.
    enum Nargs: Equatable { case one, optional, zeroOrMore, oneOrMore, exactly(Int), none }

    let flags: [String]
    let dest: String
    let kind: Kind
    let nargs: Nargs
    let const: Value
    let defaultValue: Value
    let type: Value
    let choices: [Value]?
    let required: Bool
    let help: String?
    let metavar: String?

    init(flags: [String], dest: String, kind: Kind, nargs: Nargs, const: Value, defaultValue: Value, type: Value,
         choices: [Value]?, required: Bool, help: String?, metavar: String?) {
        self.flags = flags; self.dest = dest; self.kind = kind; self.nargs = nargs; self.const = const
        self.defaultValue = defaultValue; self.type = type; self.choices = choices; self.required = required
        self.help = help; self.metavar = metavar
    }

    /// The text `action="version"` prints.
    var version: String?
    /// The argument group (`add_argument_group`) whose help section lists it, if any.
    var group: Int?
    /// The mutually exclusive group it belongs to, if any.
    var exclusive: Int?

    var isPositional: Bool { flags.isEmpty }

    /// The name in errors: the flags joined with '/', or the metavar / dest of a positional.
    var displayName: String { isPositional ? (metavar ?? dest) : flags.joined(separator: "/") }

    /// The metavar shown for values: given, or `{a,b}` for choices, or the dest (upper-cased for options).
    var shownMetavar: String {
        if let metavar { return metavar }
        if let choices { return "{" + choices.map(Repr.str).joined(separator: ",") + "}" }
        return isPositional ? dest : dest.uppercased()
    }

    /// The values part of usage and help (`EPOCHS`, `[X ...]`).
    var valuesForm: String {
        let m = shownMetavar
        switch nargs {
        case .none: return ""
        case .one: return m
        case .optional: return "[\(m)]"
        case .zeroOrMore: return isPositional && metavar == nil && choices == nil ? "[\(m) ...]" : "[\(m) ...]"
        case .oneOrMore: return "\(m) [\(m) ...]"
        case .exactly(let n): return Array(repeating: m, count: n).joined(separator: " ")
        }
    }
}

/// `argparse.ArgumentParser`.
final class ArgumentParser: NativeObject {
    let prog: String
    let description: String?
    let epilog: String?
    let exitOnError: Bool
    let showDefaults: Bool
    let sys: NamespaceObject
    var actions: [ArgAction] = []
    /// `add_argument_group` sections: title and description.
    var groups: [(title: String, description: String?)] = []
    /// `add_mutually_exclusive_group` groups: whether one of them is required.
    var exclusiveGroups: [Bool] = []

    init(prog: String, description: String?, epilog: String?, addHelp: Bool, exitOnError: Bool, showDefaults: Bool, sys: NamespaceObject) {
        self.prog = prog; self.description = description; self.epilog = epilog
        self.exitOnError = exitOnError; self.showDefaults = showDefaults; self.sys = sys
        if addHelp {
            actions.append(ArgAction(flags: ["-h", "--help"], dest: "help", kind: .help, nargs: .none, const: .none, defaultValue: .none,
                                     type: .none, choices: nil, required: false, help: "show this help message and exit", metavar: nil))
        }
    }

    var typeName: String { "ArgumentParser" }
    var repr: String { "ArgumentParser(prog=\(Repr.quote(prog)), description=\(description.map(Repr.quote) ?? "none"))" }
    var memberNames: [String] { ["add_argument", "add_argument_group", "add_mutually_exclusive_group", "description", "epilog", "error", "format_help", "format_usage", "parse_args", "parse_known_args", "print_help", "print_usage", "prog"] }

    /// `add_argument`'s parameters (shared by the parser and its groups).
    static let addArgumentParams = [Param("name_or_flags", .string, variadic: true), Param("action", .string, default: .string("store")), Param("nargs", .optional(.oneOf([.int, .string])), default: Value.none),
                                    Param("const", default: Value.none), Param("default", default: Value.none), Param("type", default: Value.none),
                                    Param("choices", default: Value.none), Param("required", .optional(.bool), default: Value.none), Param("help", .optional(.string), default: Value.none),
                                    Param("metavar", .optional(.string), default: Value.none), Param("dest", .optional(.string), default: Value.none),
                                    Param("version", .optional(.string), default: Value.none)]

    /// `add_argument`'s doc.
    static let addArgumentDoc = "parser.add_argument(*name_or_flags, action=\"store\", nargs=none, const=none, default=none, type=none, choices=none, required=none, help=none, metavar=none, dest=none): declares a positional argument (\"data\") or an option (\"-e\", \"--epochs\").\n  parser.add_argument(\"--epochs\", type=int, default=10, help=\"passes over the data\")"

    /// The strings of a parse_args / parse_known_args `args` argument, or sys.argv[1:].
    func strings(_ v: Value) throws -> [String] {
        if v.isNone {
            guard case .list(let argv)? = sys.lookup("argv") else { throw NativeError("parse_args: sys.argv is not a list") }
            return try argv.items.dropFirst().map { v in guard case .string(let s) = v else { throw NativeError("parse_args: sys.argv holds \(v.typeName) values") }; return s }
        }
        return try Iteration.elements(v).map { v in guard case .string(let s) = v else { throw NativeError("parse_args: args must be strings, got \(v.typeName)") }; return s }
    }

    func member(_ name: String) throws -> Value? {
        func method(_ params: [Param], _ doc: String, _ body: @escaping (BoundArguments, Runtime) throws -> Value) -> Value {
            .function(NativeFunction("ArgumentParser." + name, params, doc: doc, body))
        }
        switch name {
        case "prog": return .string(prog)
        case "description": return description.map { .string($0) } ?? Value.none
        case "epilog": return epilog.map { .string($0) } ?? Value.none
        case "add_argument":
            return method(Self.addArgumentParams, Self.addArgumentDoc) { a, rt in
                try self.addArgument(a, rt)
                return .none
            }
        case "add_argument_group":
            return method([Param("title", .optional(.string), default: Value.none), Param("description", .optional(.string), default: Value.none)],
                          "parser.add_argument_group(title=none, description=none): a group whose add_argument lists its arguments under their own heading in --help.\n  train = parser.add_argument_group(\"training\")") { a, _ in
                self.groups.append((try a.optionalString("title") ?? "", try a.optionalString("description")))
                return .object(ArgGroup(parser: self, group: self.groups.count - 1, exclusive: nil))
            }
        case "add_mutually_exclusive_group":
            return method([Param("required", .bool, default: .bool(false))],
                          "parser.add_mutually_exclusive_group(required=false): a group whose options cannot be given together (with required=true, one must be).\n  g = parser.add_mutually_exclusive_group()") { a, _ in
                self.exclusiveGroups.append(try a.bool("required"))
                return .object(ArgGroup(parser: self, group: nil, exclusive: self.exclusiveGroups.count - 1))
            }
        case "parse_known_args":
            return method([Param("args", default: Value.none), Param("namespace", default: Value.none)],
                          "parser.parse_known_args(args=none): the pair (namespace, the strings no argument took), without an error for unknown ones.\n  args, rest = parser.parse_known_args()") { a, rt in
                var target = ArgsNamespace()
                if case .object(let ns as ArgsNamespace) = a["namespace"] { target = ns }
                let extras = try self.parse(try self.strings(a["args"]), into: target, rt, known: true)
                return .tuple([.object(target), .list(ListBox(extras.map { .string($0) }))])
            }
        case "parse_args":
            return method([Param("args", .optional(.list), default: Value.none), Param("namespace", default: Value.none)],
                          "parser.parse_args(args=none): the arguments (default sys.argv[1:]) as a namespace object: args.epochs.\n  args = parser.parse_args()") { a, rt in
                var target = ArgsNamespace()
                if case .object(let ns as ArgsNamespace) = a["namespace"] { target = ns }
                _ = try self.parse(try self.strings(a["args"]), into: target, rt, known: false)
                return .object(target)
            }
        case "format_usage": return method([], "parser.format_usage(): the usage line.") { _, _ in .string(self.usage() + "\n") }
        case "format_help": return method([], "parser.format_help(): the --help text.") { _, _ in .string(self.helpText()) }
        case "print_usage": return method([], "parser.print_usage(): prints the usage line.") { _, rt in rt.write(self.usage() + "\n"); return .none }
        case "print_help": return method([], "parser.print_help(): prints the --help text.") { _, rt in rt.write(self.helpText()); return .none }
        case "error": return method([Param("message", .string)], "parser.error(message): prints the usage and the message, and ends the script with status 2.") { a, _ in
            try self.fail(ArgumentError(message: try a.string("message")))
        }
        default: return nil
        }
    }

    // MARK: Declaring

    func addArgument(_ a: BoundArguments, _ rt: Runtime, group: Int? = nil, exclusive: Int? = nil) throws {
        let names = try a.list("name_or_flags").map { v -> String in if case .string(let s) = v { return s }; return "" }
        guard !names.isEmpty else { throw NativeError("add_argument: give a name (\"data\") or flags (\"-e\", \"--epochs\")") }
        let isOption = names[0].hasPrefix("-")
        guard names.allSatisfy({ $0.hasPrefix("-") == isOption }) else {
            throw NativeError("add_argument: invalid option string \(Repr.quote(names.first { !$0.hasPrefix("-") } ?? "")): must start with a character '-'")
        }
        if !isOption, names.count > 1 { throw NativeError("add_argument: a positional argument takes one name, got \(names.count)") }
        if isOption, let bad = names.first(where: { $0 == "-" || $0 == "--" }) { throw NativeError("add_argument: invalid option string \(Repr.quote(bad))") }
        let dest: String
        if let d = try a.optionalString("dest") { dest = d } else if isOption {
            let long = names.first { $0.hasPrefix("--") } ?? names[0]
            dest = String(long.drop { $0 == "-" }).replacingOccurrences(of: "-", with: "_")
        } else {
            dest = names[0]
        }
        if !isOption, !a["required"].isNone { throw NativeError("add_argument: 'required' is an invalid argument for positionals") }
        for n in names where isOption {
            if actions.contains(where: { $0.flags.contains(n) }) { throw NativeError("add_argument: conflicting option string: \(n)") }
        }
        let actionName = try a.string("action")
        guard let kind = ArgAction.Kind(rawValue: actionName), kind != .help else {
            throw NativeError("add_argument: unknown action \(Repr.quote(actionName)) (store, store_const, store_true, store_false, append, append_const, extend, count, version, argparse.BooleanOptionalAction)")
        }
        var nargs: ArgAction.Nargs
        switch a["nargs"] {
        case .none:
            if kind == .extend { throw NativeError("add_argument: action \"extend\" needs nargs=\"+\", \"*\" or a number (Python would split a single string into its characters)") }
            nargs = [.store, .append].contains(kind) ? .one : .none
        case .int(let n):
            guard n > 0 else { throw NativeError("add_argument: nargs for store actions must be > 0 (got \(n)); use store_true / store_const for flags") }
            nargs = .exactly(n)
        case .string("?"): nargs = .optional
        case .string("*"): nargs = .zeroOrMore
        case .string("+"): nargs = .oneOrMore
        case let v: throw NativeError("add_argument: invalid nargs \(Repr.repr(v)) (an int, \"?\", \"*\" or \"+\")")
        }
        if ![.store, .append, .extend].contains(kind), !a["nargs"].isNone { throw NativeError("add_argument: action \(Repr.quote(actionName)) takes no nargs") }
        if !isOption, [.storeTrue, .storeFalse, .storeConst, .count, .appendConst, .version, .booleanOptional].contains(kind) {
            throw NativeError("add_argument: action \(Repr.quote(actionName)) needs an option (\"--flag\"), not a positional")
        }
        var defaultValue = a["default"]
        switch kind {
        case .storeTrue: if defaultValue.isNone { defaultValue = .bool(false) }
        case .storeFalse: if defaultValue.isNone { defaultValue = .bool(true) }
        default: break
        }
        let const: Value = kind == .storeTrue ? .bool(true) : (kind == .storeFalse ? .bool(false) : a["const"])
        var choices: [Value]? = nil
        if !a["choices"].isNone { choices = try Iteration.elements(a["choices"], runtime: rt) }
        let type = a["type"]
        if !type.isNone {
            guard case .function = type else { throw NativeError("add_argument: type must be a function such as int, float or str, got \(type.typeName)") }
        }
        let required = try a["required"].isNone ? (!isOption && nargs != .optional && nargs != .zeroOrMore) : a.bool("required")
        if exclusive != nil, required { throw NativeError("add_argument: mutually exclusive arguments must be optional") }
        var flags = isOption ? names : []
        if kind == .booleanOptional {
            // --flag also gets --no-flag, as Python's BooleanOptionalAction adds it.
            guard flags.allSatisfy({ $0.hasPrefix("--") }) else { throw NativeError("add_argument: BooleanOptionalAction needs long options (\"--flag\")") }
            flags = flags.flatMap { [$0, "--no-" + $0.dropFirst(2)] }
        }
        var help = try a.optionalString("help")
        if kind == .version {
            guard !a["version"].isNone else { throw NativeError("add_argument: action \"version\" needs version=\"...\"") }
            if help == nil { help = "show program's version number and exit" }
        }
        let action = ArgAction(flags: flags, dest: dest, kind: kind, nargs: nargs, const: const, defaultValue: defaultValue,
                               type: type, choices: choices, required: required, help: help, metavar: try a.optionalString("metavar"))
        action.version = try a.optionalString("version")
        action.group = group
        action.exclusive = exclusive
        actions.append(action)
    }

    // MARK: Parsing

    /// Ends the script as Python does (usage and message on standard error, status 2),
    /// or throws a vis error when exit_on_error is false.
    func fail(_ e: ArgumentError) throws -> Never {
        guard exitOnError else { throw NativeError(e.message) }
        FileHandle.standardError.write(Data((usage() + "\n\(prog): error: \(e.message)\n").utf8))
        throw ExitRequest(code: 2)
    }

    /// Converts one string by the action's type and checks its choices.
    func convert(_ s: String, _ action: ArgAction, _ rt: Runtime) throws -> Value {
        var v: Value = .string(s)
        if case .function(let f) = action.type {
            let typeName = f.name
            switch typeName {
            case "int":
                // Python's int(): an optional sign, digits and underscores, surrounding spaces.
                let t = s.trimmingCharacters(in: .whitespaces)
                guard let n = Int(t.replacingOccurrences(of: "_", with: "")), !t.hasPrefix("_"), !t.hasSuffix("_"), !t.contains("__") else {
                    throw ArgumentError(message: "argument \(action.displayName): invalid int value: \(ArgParse.quote(s))")
                }
                v = .int(n)
            case "float":
                let t = s.trimmingCharacters(in: .whitespaces).lowercased()
                let special: [String: Double] = ["inf": .infinity, "+inf": .infinity, "-inf": -.infinity, "infinity": .infinity, "-infinity": -.infinity, "nan": .nan, "+nan": .nan, "-nan": .nan]
                guard let d = special[t] ?? (t.contains(where: { $0.isLetter && $0 != "e" }) ? nil : Double(t)) else {
                    throw ArgumentError(message: "argument \(action.displayName): invalid float value: \(ArgParse.quote(s))")
                }
                v = .float(d)
            case "str": break
            default:
                do {
                    v = try rt.call(action.type, [.string(s)], keywords: [])
                } catch is ExitRequest {
                    throw ExitRequest(code: 2)
                } catch {
                    throw ArgumentError(message: "argument \(action.displayName): invalid \(typeName) value: \(ArgParse.quote(s))")
                }
            }
        }
        if let choices = action.choices, !choices.contains(where: { (try? ValueOps.equal($0, v)) ?? false }) {
            throw ArgumentError(message: "argument \(action.displayName): invalid choice: \(ArgParse.pyRepr(v)) (choose from \(choices.map(ArgParse.pyRepr).joined(separator: ", ")))")
        }
        return v
    }

    /// True for a string that names an option rather than a value (negative numbers are values).
    func looksLikeOption(_ s: String) -> Bool {
        guard s.hasPrefix("-"), s != "-" else { return false }
        if Double(s) != nil { return false }
        return true
    }

    /// The option action for `flag` (exact, or a unique prefix of a long option).
    func findOption(_ flag: String) throws -> ArgAction? {
        if let a = actions.first(where: { $0.flags.contains(flag) }) { return a }
        guard flag.hasPrefix("--") else { return nil }
        let matches = actions.flatMap { a in a.flags.filter { $0.hasPrefix(flag) }.map { (a, $0) } }
        if matches.count > 1 {
            throw ArgumentError(message: "ambiguous option: \(flag) could match \(matches.map(\.1).joined(separator: ", "))")
        }
        return matches.first?.0
    }

    /// Parses `args` into `ns`; returns the strings no argument took (an error unless `known`).
    func parse(_ args: [String], into ns: ArgsNamespace, _ rt: Runtime, known: Bool) throws -> [String] {
        do {
            return try parseUnchecked(args, into: ns, rt, known: known)
        } catch let e as ArgumentError {
            try fail(e)
        }
    }

    func parseUnchecked(_ args: [String], into ns: ArgsNamespace, _ rt: Runtime, known: Bool) throws -> [String] {
        var seen = Set<ObjectIdentifier>()
        // Defaults first, in declaration order (string defaults go through type, as in Python).
        for action in actions where action.kind != .help && action.kind != .version {
            guard ns.values[string: action.dest] == nil else { continue }
            var d = action.defaultValue
            if case .string(let s) = d, !action.type.isNone, action.kind == .store || action.kind == .append {
                d = try convert(s, action, rt)
            }
            ns.values[string: action.dest] = d
        }
        var positionals: [String] = []
        var positionalIndex: [Int] = []  // where each positional string stood, to report extras in order
        var extras: [(Int, String)] = []
        var i = 0
        var onlyPositionals = false
        func store(_ action: ArgAction, _ values: [String], flag: String = "") throws {
            if let g = action.exclusive, let other = actions.first(where: { $0 !== action && $0.exclusive == g && seen.contains(ObjectIdentifier($0)) }) {
                throw ArgumentError(message: "argument \(action.displayName): not allowed with argument \(other.displayName)")
            }
            seen.insert(ObjectIdentifier(action))
            switch action.kind {
            case .help:
                rt.write(helpText())
                throw ExitRequest(code: 0)
            case .version:
                rt.write((action.version ?? "").replacingOccurrences(of: "%(prog)s", with: prog) + "\n")
                throw ExitRequest(code: 0)
            case .booleanOptional:
                ns.values[string: action.dest] = .bool(!flag.hasPrefix("--no-"))
            case .extend:
                let items = try values.map { try convert($0, action, rt) }
                if case .list(let l)? = ns.values[string: action.dest], seen.contains(ObjectIdentifier(l)) {
                    l.items += items
                } else {
                    var old: [Value] = []
                    if case .list(let d) = action.defaultValue { old = d.items }
                    let l = ListBox(old + items)
                    seen.insert(ObjectIdentifier(l))
                    ns.values[string: action.dest] = .list(l)
                }
            case .storeTrue, .storeFalse, .storeConst:
                ns.values[string: action.dest] = action.const
            case .count:
                let old = ns.values[string: action.dest]?.asInt ?? 0
                ns.values[string: action.dest] = .int(old + 1)
            case .appendConst, .append:
                let item: Value = action.kind == .appendConst ? action.const : try collected(action, values, rt)
                if case .list(let l)? = ns.values[string: action.dest], seen.contains(ObjectIdentifier(l)) {
                    l.items.append(item)
                } else {
                    // A fresh list: appending never changes the default's list, as Python copies it.
                    var items: [Value] = []
                    if case .list(let d) = action.defaultValue { items = d.items }
                    let l = ListBox(items + [item])
                    seen.insert(ObjectIdentifier(l))
                    ns.values[string: action.dest] = .list(l)
                }
            case .store:
                ns.values[string: action.dest] = try collected(action, values, rt)
            }
        }
        while i < args.count {
            let arg = args[i]
            i += 1
            if onlyPositionals || !looksLikeOption(arg) { positionals.append(arg); positionalIndex.append(i - 1); continue }
            if arg == "--" { onlyPositionals = true; continue }
            var flag = arg
            var attached: String? = nil
            if arg.hasPrefix("--"), let eq = arg.firstIndex(of: "=") {
                flag = String(arg[..<eq])
                attached = String(arg[arg.index(after: eq)...])
            } else if !arg.hasPrefix("--"), arg.count > 2, try findOption(arg) == nil {
                // -e5 (a value attached to a short option) or -vv (short flags together).
                flag = String(arg.prefix(2))
                attached = String(arg.dropFirst(2))
                if attached?.hasPrefix("=") == true { attached = String(attached!.dropFirst()) }
            }
            guard let action = try findOption(flag) else {
                extras.append((i - 1, arg))  // reported after the required check, as Python orders them
                continue
            }
            if action.nargs == .none {
                if let rest = attached, !arg.hasPrefix("--"), !rest.isEmpty {
                    // Flags together: -vv counts twice, -vq sets both.
                    try store(action, [])
                    var chars = rest
                    while let c = chars.first {
                        guard let next = try findOption("-" + String(c)), next.nargs == .none else {
                            throw ArgumentError(message: "argument \(action.displayName): ignored explicit argument \(ArgParse.quote(chars))")
                        }
                        try store(next, [])
                        chars.removeFirst()
                    }
                    continue
                }
                if let attached { throw ArgumentError(message: "argument \(action.displayName): ignored explicit argument \(ArgParse.quote(attached))") }
                try store(action, [], flag: action.flags.first { $0 == flag } ?? action.flags.first { $0.hasPrefix(flag) } ?? flag)
                continue
            }
            var values: [String] = []
            if let attached { values = [attached] } else {
                var available: [String] = []
                var j = i
                while j < args.count, !looksLikeOption(args[j]), args[j] != "--" { available.append(args[j]); j += 1 }
                switch action.nargs {
                case .one, .optional: values = Array(available.prefix(1))
                case .zeroOrMore, .oneOrMore: values = available
                case .exactly(let n): values = Array(available.prefix(n))
                case .none: break
                }
                i += values.count
            }
            switch action.nargs {
            case .one where values.count != 1: throw ArgumentError(message: "argument \(action.displayName): expected one argument")
            case .oneOrMore where values.isEmpty: throw ArgumentError(message: "argument \(action.displayName): expected at least one argument")
            case .exactly(let n) where values.count != n: throw ArgumentError(message: "argument \(action.displayName): expected \(n) arguments")
            default: break
            }
            try store(action, values)
        }
        // Positionals take the strings in order, each leaving enough for those after it.
        let positionalActions = actions.filter(\.isPositional)
        var k = 0
        for (index, action) in positionalActions.enumerated() {
            let needLater = positionalActions[(index + 1)...].reduce(0) { n, a in
                switch a.nargs { case .one: return n + 1; case .oneOrMore: return n + 1; case .exactly(let c): return n + c; default: return n }
            }
            let left = Swift.max(0, positionals.count - k - needLater)
            let take: Int
            switch action.nargs {
            case .one: take = Swift.min(1, positionals.count - k)
            case .optional: take = Swift.min(1, left)
            case .zeroOrMore, .oneOrMore: take = left
            case .exactly(let n): take = Swift.min(n, positionals.count - k)
            case .none: take = 0
            }
            let values = Array(positionals[k..<(k + take)])
            let enough: Bool
            switch action.nargs {
            case .one: enough = take == 1
            case .oneOrMore: enough = take >= 1
            case .exactly(let n): enough = take == n
            default: enough = true
            }
            guard enough else { continue }  // reported below as a missing required argument
            k += take
            if values.isEmpty, action.nargs == .optional || action.nargs == .zeroOrMore {
                seen.insert(ObjectIdentifier(action))
                if action.nargs == .optional, !action.defaultValue.isNone { continue }
                if action.nargs == .zeroOrMore {
                    if !action.defaultValue.isNone { continue }
                    ns.values[string: action.dest] = .list(ListBox([]))
                    continue
                }
                ns.values[string: action.dest] = try collected(action, values, rt)
                continue
            }
            try store(action, values)
        }
        let missing = actions.filter { $0.required && !seen.contains(ObjectIdentifier($0)) }
        if !missing.isEmpty {
            throw ArgumentError(message: "the following arguments are required: \(missing.map { $0.isPositional ? $0.displayName : $0.flags.joined(separator: "/") }.joined(separator: ", "))")
        }
        for (g, required) in exclusiveGroups.enumerated() where required {
            let members = actions.filter { $0.exclusive == g }
            if !members.contains(where: { seen.contains(ObjectIdentifier($0)) }) {
                throw ArgumentError(message: "one of the arguments \(members.map(\.displayName).joined(separator: " ")) is required")
            }
        }
        extras += zip(positionalIndex[k...], positionals[k...]).map { ($0, $1) }
        let left = extras.sorted { $0.0 < $1.0 }.map(\.1)
        if !left.isEmpty, !known { throw ArgumentError(message: "unrecognized arguments: \(left.joined(separator: " "))") }
        return left
    }

    /// The value an action stores for its strings: one value, or a list for nargs that collect.
    func collected(_ action: ArgAction, _ values: [String], _ rt: Runtime) throws -> Value {
        switch action.nargs {
        case .one: return try convert(values[0], action, rt)
        case .optional:
            guard let v = values.first else { return action.isPositional ? action.defaultValue : action.const }
            return try convert(v, action, rt)
        default: return .list(ListBox(try values.map { try convert($0, action, rt) }))
        }
    }

}

/// What `add_argument_group` and `add_mutually_exclusive_group` return: `add_argument`
/// adds to the parser, marked with the group.
final class ArgGroup: NativeObject {
    let parser: ArgumentParser
    let group: Int?
    let exclusive: Int?
    init(parser: ArgumentParser, group: Int?, exclusive: Int?) {
        self.parser = parser
        self.group = group
        self.exclusive = exclusive
    }
    var typeName: String { exclusive == nil ? "_ArgumentGroup" : "_MutuallyExclusiveGroup" }
    var memberNames: [String] { ["add_argument"] }
    func member(_ name: String) throws -> Value? {
        guard name == "add_argument" else { return nil }
        return .function(NativeFunction("add_argument", ArgumentParser.addArgumentParams, doc: ArgumentParser.addArgumentDoc) { [self] a, rt in
            try parser.addArgument(a, rt, group: group, exclusive: exclusive)
            return .none
        })
    }
}
