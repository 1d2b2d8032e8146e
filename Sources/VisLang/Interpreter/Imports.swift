/// `import a.b as c` and `from a.b import x as y`. Every import goes through
/// `importModule`, the single place that finds modules.
extension Interpreter {
    /// The module at a dotted path: the first component among the builtin globals, each
    /// later one a member of the one before. An unknown one is ModuleNotFoundError.
    func importModule(_ path: [String], range: SourceRange) throws -> Value {
        if let loader = moduleLoader {
            return try at(range) { try loader.load(path, importer: range.file, interpreter: self) }
        }
        guard let first = path.first, var module = registry.globals[first] else {
            throw RuntimeError("no module named '\(path.first ?? "")'", range, kind: .moduleNotFoundError)
        }
        for (i, name) in path.enumerated().dropFirst() {
            guard let next = try? Members.get(module, name, registry: registry) else {
                throw RuntimeError("no module named '\(path[...i].joined(separator: "."))'", range, kind: .moduleNotFoundError)
            }
            module = next
        }
        return module
    }

    /// import a.b [as c]: binds `c` to a.b, or, without `as`, `a` (as Python does).
    func execImport(_ modules: [([String], String?)], _ frame: Frame, _ range: SourceRange) throws {
        for (path, alias) in modules {
            let module = try importModule(path, range: range)
            if let alias {
                try bindImported(alias, module, frame, range)
            } else {
                try bindImported(path[0], path.count == 1 ? module : try packageRoot(path, range), frame, range)
            }
        }
    }

    /// from a.b import x [as y]: binds each name to the module's member (or submodule).
    func execFromImport(_ path: [String], _ names: [(String, String?)], _ frame: Frame, _ range: SourceRange) throws {
        let module = try importModule(path, range: range)
        for (name, alias) in names {
            let value: Value
            var reason = ""
            do {
                value = try Members.get(module, name, registry: registry)
            } catch {
                // The module's own reason (`torch has no attribute 'x' (PyTorch's torch.x is not in vis yet)`).
                if let e = error as? NativeError, e.message.contains("(") { reason = ": " + e.message }
                guard let submodule = try? importModule(path + [name], range: range) else {
                    throw RuntimeError("cannot import name '\(name)' from '\(path.joined(separator: "."))'\(reason)", range, kind: .importError)
                }
                value = submodule
            }
            try bindImported(alias ?? name, value, frame, range)
        }
    }

    /// What `import a.b` binds to `a`: the module `a` when there is one (`torch`, or an
    /// `a.vis`), else the folder `a` as a package whose members are its modules
    /// (`a/b.vis` as `a.b`), loaded when first used.
    func packageRoot(_ path: [String], _ range: SourceRange) throws -> Value {
        do {
            return try importModule([path[0]], range: range)
        } catch let e as RuntimeError where e.kind == .moduleNotFoundError {
            guard let loader = moduleLoader else { throw e }
            let root = path[0], file = range.file
            return .object(NamespaceObject(root, dynamic: (lookup: { [unowned self] name in
                try? loader.load([root, name], importer: file, interpreter: self)
            }, names: { [] })))
        }
    }

    /// Binds an imported name as an assignment in `frame` would.
    func bindImported(_ name: String, _ value: Value, _ frame: Frame, _ range: SourceRange) throws {
        try assign(.name(NameRef(name).resolved(like: frame, interpreter: self), range), value, frame)
    }
}
