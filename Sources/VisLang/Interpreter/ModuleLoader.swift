import Foundation
import VisNN

/// Loads `.vis` files as modules for `import models` / `from models import ResNet`
/// (`import a.b` loads `a/b.vis`), and gives the built-in modules for `import torch.nn`,
/// `import math` and the like. A module is found next to the importing file first,
/// then on the search path (which includes the stdlib folder). It runs once, in its own
/// interpreter that shares the importer's builtins and output and has the stdlib
/// loaded, and its value is a module whose members are the file's own globals. Modules
/// are cached by absolute path and loaded again when the file changed on disk, so
/// re-running a notebook cell re-imports what was edited. An import cycle is an error
/// naming the chain; errors inside a module point into its file.
public final class ModuleLoader {
    /// Folders searched after the importing file's own, in order.
    public var searchPath: [String]
    /// The stdlib folder whose `.vis` files every module's interpreter loads first (nil: none).
    public var stdlib: String?
    /// Called with each module's new interpreter before the module runs (to route its own
    /// `import` statements to this loader).
    public var configure: ((Interpreter) -> Void)?

    /// A loaded module and the modification date of its file when it ran.
    private struct Entry {
        let module: Value
        let modified: Date?
    }
    private var cache: [String: Entry] = [:]
    /// Absolute paths of the modules being loaded now, outermost first (cycle detection).
    private var loading: [String] = []
    /// The stdlib files, parsed once.
    private var stdlibFiles: [SourceFile]?

    public init(searchPath: [String] = [], stdlib: String? = nil) {
        self.searchPath = searchPath
        self.stdlib = stdlib
    }

    /// The module `dotted` (`["models"]`, `["a", "b"]`) as imported from `importer`.
    public func load(_ dotted: [String], importer: SourceFile, interpreter: Interpreter) throws -> Value {
        let dottedName = dotted.joined(separator: ".")
        guard !dotted.isEmpty, dotted.allSatisfy({ !$0.isEmpty && !$0.contains("/") && $0 != "." && $0 != ".." }) else {
            throw NativeError("import: invalid module name '\(dottedName)'", kind: .moduleNotFoundError)
        }
        if let builtin = try builtinModule(dotted, registry: interpreter.registry) { return builtin }
        let relative = dotted.joined(separator: "/") + ".vis"
        let folders = [importerFolder(importer)] + userPath(interpreter.registry) + searchPath
        guard let path = folders.lazy.map({ OSModule.normpath(OSModule.join([$0, relative])) }).first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw NativeError("import: no module named '\(dottedName)' (looked for \(relative) in \(folders.map { "'\($0)'" }.joined(separator: ", ")))", kind: .moduleNotFoundError)
        }
        let absolute = OSModule.normpath(path.hasPrefix("/") ? path : OSModule.join([FileManager.default.currentDirectoryPath, path]))
        if let i = loading.firstIndex(of: absolute) {
            let chain = (loading[i...] + [absolute]).map { OSModule.split($0).1 }.joined(separator: " -> ")
            throw NativeError("import: cycle: \(chain) (a module imports itself through this chain)", kind: .importError)
        }
        let modified = (try? FileManager.default.attributesOfItem(atPath: absolute))?[.modificationDate] as? Date
        if let entry = cache[absolute], entry.modified == modified { return entry.module }
        loading.append(absolute)
        defer { loading.removeLast() }
        let module = try run(absolute, name: dottedName, displayPath: path, interpreter: interpreter)
        cache[absolute] = Entry(module: module, modified: modified)
        return module
    }

    /// Python's module names that are built in (`import torch.nn as nn`, `import math`,
    /// `from torch.utils.data import DataLoader`); they win over files of the same name.
    /// vis's short aliases (`nn`, `F`, `transforms`, `models`) are not importable names,
    /// as in Python, so `import models` loads `models.vis`.
    public static let builtinRoots: Set<String> = ["torch", "torchvision", "math", "random", "time", "os", "json", "sys", "argparse", "shutil", "glob", "tempfile"]

    /// The built-in module `dotted` names, nil when its first part is not a built-in root.
    func builtinModule(_ dotted: [String], registry: BuiltinRegistry) throws -> Value? {
        guard let root = dotted.first, Self.builtinRoots.contains(root), case .object(var module as NamespaceObject)? = registry.globals[root] else { return nil }
        for (i, part) in dotted.enumerated().dropFirst() {
            guard case .object(let next as NamespaceObject)? = module.lookup(part) else {
                let prefix = dotted[..<i].joined(separator: ".")
                let what = module.lookup(part) == nil ? "" : "; '\(prefix).\(part)' is not a module (write: from \(prefix) import \(part))"
                throw NativeError("import: no module named '\(dotted[...i].joined(separator: "."))'\(what)", kind: .moduleNotFoundError)
            }
            module = next
        }
        return .object(module)
    }

    /// The folders a script added to `sys.path` (strings only), in order.
    func userPath(_ registry: BuiltinRegistry) -> [String] {
        guard case .object(let sys as NamespaceObject)? = registry.globals["sys"], case .list(let l)? = sys.lookup("path") else { return [] }
        return l.items.compactMap { if case .string(let s) = $0 { return s } else { return nil } }
    }

    /// The folder of the importing file (the current folder for `<stdin>`, `<-e>`, the REPL).
    func importerFolder(_ importer: SourceFile) -> String {
        let name = importer.name
        guard !name.hasPrefix("<") else { return FileManager.default.currentDirectoryPath }
        let folder = OSModule.split(name).0
        return folder.isEmpty ? "." : folder
    }

    /// Runs the file in a fresh interpreter and wraps its globals as a module.
    private func run(_ absolute: String, name: String, displayPath: String, interpreter: Interpreter) throws -> Value {
        guard let text = try? String(contentsOfFile: absolute, encoding: .utf8) else {
            throw NativeError("import: cannot read '\(displayPath)' as UTF-8 text")
        }
        let sub = Interpreter(registry: interpreter.registry, output: { [weak interpreter] in interpreter?.output($0) })
        sub.isTerminal = interpreter.isTerminal
        configure?(sub)
        try runFiles(try stdlibSources(), in: sub)
        let before = Dictionary(sub.globals.defined.compactMap { n in sub.globals.value(n).map { (n, $0) } }, uniquingKeysWith: { a, _ in a })
        try runFiles([SourceFile(name: displayPath, text: text)], in: sub)
        // The module's members are its own globals: stdlib names count only when the file rebinds them.
        // The closures hold the module's interpreter: its functions run in it after the load.
        func own(_ n: String) -> Value? {
            guard let v = sub.globals.value(n) else { return nil }
            if let old = before[n], Self.same(old, v) { return nil }
            return v
        }
        return .object(NamespaceObject(name, dynamic: (lookup: own, names: { sub.globals.defined.filter { own($0) != nil } })))
    }

    /// True when two values are the same object (functions, models) or equal scalars.
    static func same(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.function(let x), .function(let y)): return x === y
        case (.object(let x), .object(let y)): return x === y
        case (.tensor(let x), .tensor(let y)): return x === y
        case (.list(let x), .list(let y)): return x === y
        case (.dict(let x), .dict(let y)): return x === y
        default: return (try? ValueOps.equal(a, b)) ?? false
        }
    }

    private func stdlibSources() throws -> [SourceFile] {
        if let stdlibFiles { return stdlibFiles }
        var files: [SourceFile] = []
        if let stdlib {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: stdlib)) ?? []).sorted().filter { $0.hasSuffix(".vis") }
            for n in names {
                let path = OSModule.join([stdlib, n])
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw NativeError("import: cannot read the stdlib file '\(path)'") }
                files.append(SourceFile(name: path, text: text, isLibrary: true))
            }
        }
        stdlibFiles = files
        return files
    }

    /// Runs whole files at the top level of `interpreter`.
    private func runFiles(_ files: [SourceFile], in interpreter: Interpreter) throws {
        for file in files {
            var parser = Parser(file)
            for s in try parser.parseProgram() {
                do {
                    switch try interpreter.execTop([s]) {
                    case .normal: break
                    case .breakLoop, .continueLoop: throw RuntimeError("'break' or 'continue' outside a loop", s.range)
                    case .returned: throw RuntimeError("'return' outside a function", s.range)
                    }
                } catch let e as LayerError {
                    throw RuntimeError(e.description, s.range)
                }
            }
        }
    }
}
