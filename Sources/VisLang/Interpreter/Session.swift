import Foundation
import VisNN
import VisTensor

/// A running vis session: the interpreter with its globals, the stdlib loaded, and the
/// entry points the command line, the REPL and the notebook runner use.
public final class Session {
    /// The interpreter (globals persist across runs).
    public let interpreter: Interpreter

    /// A session writing to `output` (standard output by default).
    public init(output: @escaping (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) }) {
        interpreter = Interpreter(output: output)
        let loader = ModuleLoader()
        loader.configure = { [unowned loader] sub in sub.moduleLoader = loader }
        interpreter.moduleLoader = loader
    }

    /// Where printed text and displayed values go.
    public var output: (String) -> Void {
        get { interpreter.output }
        set { interpreter.output = newValue }
    }

    /// What one top-level statement did.
    public struct StatementOutcome {
        /// The statement's source range.
        public let range: SourceRange
        /// The error it raised, if any.
        public let error: VisError?
    }

    /// Parses `file`, or throws the first lex or parse error.
    public func parse(_ file: SourceFile) throws -> [Stmt] {
        var parser = Parser(file)
        return try parser.parseProgram()
    }

    /// Runs a whole file, displaying the value of each top-level expression statement
    /// that is not none (as the REPL does). Throws the first error.
    public func run(_ file: SourceFile, display: Bool = true) throws {
        let program = try parse(file)
        for s in program {
            try runStatement(s, display: display)
        }
    }

    /// Runs already-parsed top-level statements one by one, reporting each; stops after
    /// a statement fails unless `shouldContinue` says otherwise.
    public func run(_ statements: [Stmt], display: Bool = true, _ shouldContinue: (StatementOutcome) -> Bool) {
        for s in statements {
            var failure: VisError?
            do {
                try runStatement(s, display: display)
            } catch let e as VisError {
                failure = e
            } catch let e as ExitRequest {
                failure = RuntimeError("exit(\(e.code)) called", s.range)
            } catch {
                failure = Interpreter.placed(error, at: s.range) as? VisError ?? RuntimeError("\(error)", s.range)
            }
            if !shouldContinue(StatementOutcome(range: s.range, error: failure)) { return }
        }
    }

    /// Runs one top-level statement; an expression statement's value is displayed.
    public func runStatement(_ s: Stmt, display: Bool = true) throws {
        do {
            try runStatementUnlocated(s, display: display)
        } catch let e as LayerError {
            throw Interpreter.placed(e, at: s.range)
        }
    }

    func runStatementUnlocated(_ s: Stmt, display: Bool) throws {
        if case .expr(let e) = s.kind {
            let v = try interpreter.eval(e, interpreter.globalFrame)
            // Ctrl-C during the expression: no display, the interrupt placed here.
            if Interrupt.requested { throw interpreter.interrupted(s.range) }
            if display, !v.isNone { interpreter.output(try interpreter.at(e.range) { try Repr.userRepr(v) } + "\n") }
            return
        }
        switch try interpreter.execTop([s]) {
        case .normal: break
        case .breakLoop, .continueLoop: throw RuntimeError("'break' or 'continue' outside a loop", s.range)
        case .returned: throw RuntimeError("'return' outside a function", s.range)
        }
    }

    /// Runs `text` as if typed at the prompt (used by `-e`, tests and `:time`).
    public func run(source text: String, name: String = "<input>", display: Bool = true) throws {
        try run(SourceFile(name: name, text: text), display: display)
    }

    /// Loads every `.vis` file of `directory` in name order (the stdlib), silently.
    public func loadLibrary(_ directory: String) throws {
        // Modules see the same stdlib, and `import` finds .vis files in it.
        if let loader = interpreter.moduleLoader {
            loader.stdlib = directory
            if !loader.searchPath.contains(directory) { loader.searchPath.append(directory) }
        }
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for f in files.sorted() where f.hasSuffix(".vis") {
            let path = (directory as NSString).appendingPathComponent(f)
            let text = try String(contentsOfFile: path, encoding: .utf8)
            try run(SourceFile(name: path, text: text, isLibrary: true), display: false)
        }
    }

    // MARK: Inspection (the REPL's :vars, completion, :help)

    /// Defined global names in definition order.
    public var globalNames: [String] { interpreter.globals.defined }

    /// Every name completion may offer: globals and builtins.
    public var visibleNames: [String] { globalNames + Array(interpreter.registry.globals.keys) }

    /// The value of a global (or builtin) name.
    public func value(of name: String) -> Value? {
        interpreter.globals.value(name) ?? interpreter.registry.globals[name]
    }

    /// Member names of the value a dotted path (`net.head`) names, without running code
    /// (only names and attributes are followed).
    public func members(ofPath path: String) -> [String] {
        let parts = path.split(separator: ".").map(String.init)
        guard let first = parts.first, var v = value(of: first) else { return [] }
        for p in parts.dropFirst() {
            guard let next = try? Members.get(v, p, registry: interpreter.registry) else { return [] }
            if case .function = next { return [] }
            v = next
        }
        return Members.names(of: v, registry: interpreter.registry)
    }

    /// The value a dotted path of names and module members names (`torch.nn.Conv2d`),
    /// without running code.
    public func value(atPath path: String) -> Value? {
        let parts = path.split(separator: ".").map(String.init)
        guard let first = parts.first, var v = value(of: first) else { return nil }
        for p in parts.dropFirst() {
            guard case .object(let o as NamespaceObject) = v, let next = o.lookup(p) else { return nil }
            v = next
        }
        return v
    }

    /// Forgets every global (`:reset`).
    public func reset() {
        for name in interpreter.globals.defined { interpreter.globals.values[interpreter.globals.slot(name)] = nil }
    }

    /// The help for a name (`print`, `Conv2d`, `tensor.sum`, `x.sum`, `for`, `fit`, a
    /// session variable), or nil when nothing of that name is known. The same text as
    /// the `help()` builtin prints (see `Help`).
    public func help(_ name: String) -> String? {
        Help(interpreter).text(forName: name)
    }
}
