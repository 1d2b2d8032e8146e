import Foundation
import VisLang

/// Calls of every declared builtin and method with boundary arguments, generated from
/// the declared signatures (`BuiltinTable` functions and methods, namespace members,
/// the `MemberTable`s of native objects), so a new builtin is covered with no change
/// here. Case `i` calls callee `i % count` with arguments drawn from `(seed, i)`.
public struct BuiltinCalls {
    /// One callable: how users write it, the statements that make its receiver, and
    /// its parameters (without the receiver).
    public struct Callee {
        /// `conv2d`, `os.path.join`, `tensor.sum`, `Optimizer.step`.
        public let name: String
        /// The expression that names it in a call, after the setup has run.
        public let callee: String
        /// Receiver expressions; one is bound to `r` before the call (empty for functions).
        public let receivers: [String]
        /// Its declared parameters, without the receiver.
        public let params: [Param]
    }

    /// Every callee found in the registry, sorted by name.
    public private(set) var callees: [Callee] = []
    /// Method owners (types, member tables) with no receiver expression here, so their
    /// methods are not called: new native object types show up in this list.
    public private(set) var uncovered: [String] = []
    /// Callees left out on purpose (they end the process, block on the terminal or leave
    /// the temporary folder).
    public private(set) var skipped: [String] = []

    /// Builtins that end the process, wait for terminal input or change the process's
    /// working folder, which no case may do.
    public static let skip: Set<String> = ["exit", "quit", "input", "breakpoint", "sys.exit", "os._exit", "os.chdir", "os.system",
                                           "os.kill", "os.abort", "os.fork", "os.execv", "os.popen", "os.getpass", "getpass"]

    /// Object types that exist only inside a method (`super()`), so no top-level
    /// expression makes one; the notebooks and the program fuzzers cover them.
    public static let contextual: Set<String> = ["super"]

    /// Finds every callee of `registry`.
    public init(registry: BuiltinRegistry) {
        var seen = Set<ObjectIdentifier>()
        var out: [Callee] = []
        func add(_ name: String, _ callee: String, _ receivers: [String], _ f: NativeFunction, dropSelf: Bool) {
            if BuiltinCalls.skip.contains(name) || name.hasPrefix("subprocess.") { skipped.append(name); return }
            out.append(Callee(name: name, callee: callee, receivers: receivers, params: Array(f.signature.params.dropFirst(dropSelf ? 1 : 0))))
        }
        // Global functions, then functions reachable only through modules (os.path.join).
        var modules: [(String, NamespaceObject)] = []
        for (name, value) in registry.globals.sorted(by: { $0.key < $1.key }) {
            if case .function(let c) = value, let f = c as? NativeFunction, seen.insert(ObjectIdentifier(f)).inserted {
                add(name, name, [], f, dropSelf: false)
            } else if case .object(let o) = value, let ns = o as? NamespaceObject {
                modules.append((name, ns))
            }
        }
        var visited = Set<ObjectIdentifier>()
        while !modules.isEmpty {
            let (path, ns) = modules.removeFirst()
            guard visited.insert(ObjectIdentifier(ns)).inserted else { continue }
            for (member, value) in ns.fixed.sorted(by: { $0.key < $1.key }) {
                if case .function(let c) = value, let f = c as? NativeFunction, seen.insert(ObjectIdentifier(f)).inserted {
                    add(path + "." + member, path + "." + member, [], f, dropSelf: false)
                } else if case .object(let o) = value, let sub = o as? NamespaceObject {
                    modules.append((path + "." + member, sub))
                }
            }
        }
        // Methods of values (tensor, string, list, dict) and of native objects.
        for (type, methods) in registry.methods.sorted(by: { $0.key < $1.key }) {
            // Class methods of builtin classes (`Embedding.from_pretrained`) are called on
            // the class and take no receiver.
            if type.first?.isUppercase == true {
                for (name, f) in methods.sorted(by: { $0.key < $1.key }) { add(type + "." + name, type + "." + name, [], f, dropSelf: false) }
                continue
            }
            guard let receivers = BuiltinCalls.receivers[type] else { uncovered.append(type); continue }
            for (name, f) in methods.sorted(by: { $0.key < $1.key }) { add(type + "." + name, "r." + name, receivers, f, dropSelf: true) }
        }
        var tables = Set<ObjectIdentifier>()
        for (_, table) in registry.memberTables.sorted(by: { $0.key < $1.key }) where tables.insert(ObjectIdentifier(table)).inserted {
            if BuiltinCalls.contextual.contains(table.typeName) { skipped.append(table.typeName + ".*"); continue }
            guard let receivers = BuiltinCalls.receivers[table.typeName] else { uncovered.append(table.typeName); continue }
            for name in table.names {
                guard let f = table.methods[name] else { continue }
                add(table.typeName + "." + name, "r." + name, receivers, f, dropSelf: true)
            }
        }
        callees = out
    }

    /// The program of case `index`: the receiver's setup (if any) and one call.
    public func program(seed: UInt64, index: Int) -> (name: String, text: String) {
        let callee = callees[index % callees.count]
        var rng = SplitMix64(seed: seed, index: index)
        var lines: [String] = []
        if !callee.receivers.isEmpty { lines.append("r = " + rng.pick(callee.receivers)) }
        lines.append("\(callee.callee)(\(BuiltinCalls.arguments(callee.params, &rng)))")
        return (callee.name, lines.joined(separator: "\n"))
    }

    // MARK: Arguments

    /// An argument list for `params`: mostly well-typed boundary values, sometimes a
    /// wrong type, a missing or an extra argument.
    static func arguments(_ params: [Param], _ rng: inout SplitMix64) -> String {
        var parts: [String] = []
        var positional = true
        for p in params {
            if p.variadic {
                // Positional values: only while no keyword came before (else a parse error).
                let n = positional ? Int.random(in: 0...3, using: &rng) : 0
                for _ in 0..<n { parts.append(value(p, &rng)) }
                positional = false
                continue
            }
            if p.keywords {
                if rng.chance(0.2) { parts.append("junk=" + value(p, &rng)) }
                continue
            }
            let required = p.defaultValue == nil
            // A required argument left out now and then: the binder's error, not a crash.
            if required && rng.chance(0.03) { positional = false; continue }
            if !required && !rng.chance(0.45) { positional = false; continue }
            // A parameter named by a keyword of the language (`fn`) can only be passed by position.
            if positional && !p.keywordOnly && (rng.chance(0.85) || keywords.contains(p.name)) {
                parts.append(value(p, &rng))
            } else if keywords.contains(p.name) {
                positional = false
            } else {
                positional = false
                parts.append(p.name + "=" + value(p, &rng))
            }
        }
        // An extra argument in front, shifting the others (before any keyword argument).
        if rng.chance(0.03) { parts.insert(rng.pick(anything), at: 0) }
        return parts.joined(separator: ", ")
    }

    /// A value for `p`: from its type's and its name's boundary values, or (one time in
    /// five) anything at all.
    static func value(_ p: Param, _ rng: inout SplitMix64) -> String {
        if rng.chance(0.2) { return rng.pick(anything) }
        let name = p.name.lowercased()
        if ["path", "root", "file", "dir", "filename", "fname", "folder", "f"].contains(where: { name == $0 || name.hasSuffix("_" + $0) || name.hasPrefix($0 + "_") }) {
            return rng.pick(paths)
        }
        if name == "dim" || name == "axis" || name.hasSuffix("_dim") || name == "dims" { return rng.pick(ints + ["[0, 1]", "(0, -1)", "[]"]) }
        if ["size", "shape", "kernel_size", "stride", "padding", "dilation", "output_size", "sizes", "new_shape"].contains(name) {
            return rng.pick(ints + shapes)
        }
        return values(for: p.type, &rng)
    }

    /// A boundary value of the declared type.
    static func values(for type: ParamType, _ rng: inout SplitMix64) -> String {
        switch type {
        case .any: return rng.pick(anything)
        case .int: return rng.pick(ints)
        case .float: return rng.pick(floats + ["1", "0"])
        case .number: return rng.pick(ints + floats)
        case .bool: return rng.pick(["true", "false"])
        case .string: return rng.pick(strings)
        case .tensor: return rng.pick(tensors)
        case .tensorLike: return rng.pick(tensors + floats + ints + lists)
        case .list: return rng.pick(lists + ["(1, 2)", "()"])
        case .ints: return rng.pick(ints + shapes)
        case .callable: return rng.pick(callables)
        case .dtype: return rng.pick(["\"float32\"", "\"int64\"", "\"bool\"", "float32", "int64"])
        case .optional(let t): return rng.chance(0.3) ? "none" : values(for: t, &rng)
        case .oneOf(let ts): return ts.isEmpty ? rng.pick(anything) : values(for: rng.pick(ts), &rng)
        }
    }

    /// The language's keywords: a parameter so named cannot be given by keyword.
    static let keywords = Set(Keyword.allCases.map(\.rawValue))

    /// Boundary values by kind, as source text.
    static let ints = ["0", "-1", "1", "2", "3", "7", "2**62", "-2**62", "2**31", "-(2**63)", "2**63 - 1", "100000"]
    static let floats = ["0.0", "-0.0", "0.5", "-1.5", "1e-45", "1e308", "-1e308", "nan", "inf", "-inf"]
    static let tensors = ["tensor(1.5)", "tensor(3)", "ones(3)", "zeros(0)", "randn(2, 3)", "zeros(0, 3)", "zeros(3, 0)",
                          "randn(1, 3, 8, 8)", "randn(2, 1, 5, 5)", "randn(3, 8, 8)", "rand(3, 16, 16)", "arange(6)",
                          "arange(6).reshape(2, 3)", "tensor([nan, inf, -inf])", "ones(2, 3, 4, 5, 1)", "tensor([true, false])",
                          "ones(1).expand(1000)", "randn(3, requires_grad=true)", "randn(2, 3).T", "full([2, 2], nan)",
                          "tensor([-1, 0, 5])", "zeros(1, 0, 4, 4)", "randn(4, 4)[::2]"]
    static let shapes = ["[]", "[0]", "[-1]", "[2, 3]", "[2**62]", "[2**31, 2**31]", "[0, 2**62]", "[1, 1, 1, 1]", "(2, 3)",
                         "[3, -2]", "[1] * 40", "[4, 4]"]
    static let strings = ["\"\"", "\"a\"", "\"RGB\"", "\"L\"", "\"mean\"", "\"sum\"", "\"none\"", "\"x.png\"", "\"f.txt\"",
                          "\"float32\"", "\"%d%s\"", "\"{}\"", "\"{0:{1}}\"", "\"x\" * 10000", "\"é\"", "\"\\n\"", "\"bilinear\"",
                          "\"w\"", "\"r\"", "\"ij\"", "\"ij,jk->ik\""]
    static let lists = ["[]", "[1, 2, 3]", "[ones(2), ones(2)]", "[[1, 2], [3, 4]]", "[nan]", "[0.5, 0.5]", "[-1]", "[[]]",
                        "[2**62, 1]", "[\"a\", 1]", "[none]"]
    static let callables = ["fn(x) => x", "relu", "fn(*a) => none", "len", "fn() => 1", "print", "fn(x) => x.sum()"]
    static let paths = ["\"x.png\"", "\"g.jpg\"", "\"f.txt\"", "\"data.npy\"", "\"w.safetensors\"", "\"\"", "\"sub\"",
                        "\"nosuch/x.png\"", "\"new.png\"", "\"new.npy\"", "\"out.txt\"", "\".\"", "\"sub/\""]
    static let anything: [String] = ints + floats + tensors + strings + lists + callables.prefix(2) +
        ["none", "{}", "{\"a\": 1}", "(1, 2)", "range(3)", "Linear(2, 2)", "slice(0, 2)", "true"]

    /// Receiver expressions by method owner: value types and native object types.
    static let receivers: [String: [String]] = [
        "tensor": tensors,
        "string": ["\"\"", "\"abc\"", "\"a,b,,c\"", "\"é x y\"", "\"%s %d\"", "\"{} {x}\"", "\" 12 \"", "\"x\" * 10000"],
        "list": ["[]", "[1, 2, 3]", "[ones(2), ones(2)]", "[3, 1, 2]", "[\"b\", \"a\"]", "[[1, 2], [3, 4]]", "[nan, 1]"],
        "dict": ["{}", "{\"a\": 1, \"b\": ones(2)}", "{1: 2}"],
        "tuple": ["()", "(1, 2)", "(ones(2), 1)"],
        "range": ["range(3)", "range(0)", "range(-5, 2**62, 3)"],
        "int": ["0", "-1", "2**62"],
        "float": ["0.5", "nan", "-inf"],
        "Optimizer": ["SGD([randn(3, requires_grad=true)], lr=0.1)", "Adam(Linear(3, 2).parameters())",
                      "AdamW(Linear(3, 2).parameters(), lr=1e-3)", "RMSprop([randn(3, requires_grad=true)])"],
        "LRScheduler": ["StepLR(SGD([randn(3, requires_grad=true)], lr=0.1), 1)",
                        "CosineAnnealingLR(SGD([randn(3, requires_grad=true)], lr=0.1), 10)",
                        "ReduceLROnPlateau(SGD([randn(3, requires_grad=true)], lr=0.1))"],
        "param_group": ["SGD([randn(3, requires_grad=true)], lr=0.1).param_groups[0]"],
        "slice": ["slice(1, 5, 2)", "slice(none)", "slice(-1, none, -1)"],
        "Module": ["Linear(3, 2)", "Conv2d(3, 4, 3)", "Sequential(Linear(4, 3), ReLU())", "BatchNorm2d(3)", "LSTM(3, 4)",
                   "Dropout(0.5)", "Embedding(10, 3)"],
        "Dataset": ["TensorDataset(randn(4, 3), arange(4))", "TensorDataset(zeros(0, 3))"],
        "DataLoader": ["DataLoader(TensorDataset(randn(4, 3), arange(4)), batch_size=2)",
                       "DataLoader(TensorDataset(randn(5, 3)), batch_size=2, shuffle=true, drop_last=true)"],
        "file": ["open(\"f.txt\")", "open(\"out.txt\", \"w\")", "open(\"out.txt\", \"a+\")"],
        "ConfusionMatrix": ["ConfusionMatrix(3)", "ConfusionMatrix(1)"],
        "Generator": ["Generator()", "Generator().manual_seed(3)"],
    ]

    /// Files the cases' paths name, made fresh in the temporary folder before a run (and
    /// again now and then, since cases may delete them).
    public static let setupProgram = """
    write_image(rand(3, 8, 8), "x.png")
    write_image(rand(3, 8, 8), "g.jpg")
    save_npy(randn(2, 3), "data.npy")
    f = open("f.txt", "w")
    f.write("one\\ntwo\\n")
    f.close()
    save(Linear(2, 2), "w.safetensors")
    """
}
