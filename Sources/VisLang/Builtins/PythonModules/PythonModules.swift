/// Python's everyday modules as module values (`math`, `random`, `time`, `os`, `os.path`,
/// `json`, `sys`, `argparse`, `shutil`, `glob`, `tempfile`) and `open`, for data and training scripts ported from Python.
public enum PythonModules {
    /// The modules as global constants, and `open` as a global function.
    static func table(registry: BuiltinRegistry) -> BuiltinTable {
        var t = BuiltinTable()
        let sys = SysModule.make()
        t.constants = [("math", .object(MathModule.make())), ("random", .object(RandomModule.make())),
                       ("time", .object(TimeModule.make())), ("os", .object(OSModule.make())),
                       ("json", .object(JSONModule.make())), ("sys", .object(sys)),
                       ("argparse", .object(ArgParse.make(sys: sys))), ("shutil", .object(OSModule.makeShutil())),
                       ("glob", .object(GlobModule.make())), ("csv", .object(CSVModule.make())),
                       ("tempfile", .object(TempfileModule.make()))]
        FileObject.add(to: &t)
        HistoryBuiltins.add(to: &t)
        return t
    }

    /// Sets `sys.argv` (the script's path, then its arguments) in the
    /// registry's `sys` module; the command line calls it before running a script.
    public static func setArguments(_ argv: [String], in registry: BuiltinRegistry) {
        guard case .object(let sys as NamespaceObject)? = registry.globals["sys"] else { return }
        sys.set("argv", .list(ListBox(argv.map { .string($0) })))
    }
}

/// Declares a module's functions (named `module.name` in errors and `:help`) and constants.
struct ModuleBuilder {
    /// The module path (`math`, `os.path`).
    let path: String
    /// The members declared so far.
    var members: [String: Value] = [:]

    init(_ path: String) { self.path = path }

    /// Declares `path.name(params)`; the doc's first line is its signature and summary.
    mutating func function(_ name: String, _ params: [Param], _ doc: String,
                           _ body: @escaping (BoundArguments, Runtime) throws -> Value) {
        members[name] = .function(NativeFunction(path + "." + name, params, doc: doc, body))
    }

    /// Declares a constant member.
    mutating func constant(_ name: String, _ value: Value) { members[name] = value }

    /// The module value.
    func make() -> NamespaceObject { NamespaceObject(path, fixed: members) }
}
