import VisLang

/// What every vis session has besides the language's own builtins: the report
/// builtins (plot, show, progress bars) and the stdlib. The command line, the REPL,
/// `vis test` and the tests all set sessions up through here, so they see the same
/// names.
public enum StandardSession {
    /// Adds the report builtins and the REPL commands' help (`help(":save")` works in
    /// scripts too), and loads the `.vis` files of `stdlib` (if given).
    public static func prepare(_ session: Session, stdlib: String?) throws {
        session.interpreter.registry.add(ReportBuiltins.table())
        session.interpreter.registry.add(Command.helpTable())
        if let stdlib { try session.loadLibrary(stdlib) }
    }
}
