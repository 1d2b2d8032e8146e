import Foundation

/// Python's `sys`: the script's arguments (`sys.argv`, set by the command line), `exit`,
/// `platform`, `version`.
enum SysModule {
    static func make() -> NamespaceObject {
        var m = ModuleBuilder("sys")
        // The REPL, -e and piped input have no script path, as Python's [''] .
        m.constant("argv", .list(ListBox([.string("")])))
        // Folders `import` searches after the importing file's own, before the stdlib;
        // scripts append to it as in Python (`sys.path.append("src")`).
        m.constant("path", .list(ListBox([])))
        #if os(macOS)
        m.constant("platform", .string("darwin"))
        #else
        m.constant("platform", .string("linux"))
        #endif
        m.constant("stdout", .object(StreamObject(error: false)))
        m.constant("stderr", .object(StreamObject(error: true)))
        m.constant("version", .string("vis (a PyTorch-like language; not CPython)"))
        m.function("exit", [Param("status", default: Value.none)],
                   "sys.exit(status=none): ends the script: status 0 for none, the int given, or 1 after printing a string to standard error.\n  sys.exit(1)") { a, rt in
            switch a["status"] {
            case .none: throw ExitRequest(code: 0)
            case .int(let n): throw ExitRequest(code: Int32(truncatingIfNeeded: n))
            case .bool(let b): throw ExitRequest(code: b ? 1 : 0)
            case let v:
                FileHandle.standardError.write(Data((Repr.str(v) + "\n").utf8))
                throw ExitRequest(code: 1)
            }
        }
        return m.make()
    }
}
