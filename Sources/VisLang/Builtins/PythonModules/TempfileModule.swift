import Foundation

/// Python's `tempfile`: a fresh private folder for scratch files (a notebook that writes a
/// small dataset first), so two runs never share one fixed path under /tmp.
enum TempfileModule {
    /// The folder temporary files go in: $TMPDIR when set, else /tmp, as Python picks.
    static func tempDirectory() -> String {
        let env = ProcessInfo.processInfo.environment["TMPDIR"] ?? ""
        return env.isEmpty ? "/tmp" : env
    }

    /// Creates a new folder `dir/prefix + 8 random characters + suffix` with mode 0700
    /// (mkdir fails on an existing name, so the folder is always new and only ours).
    static func makeFolder(suffix: String, prefix: String, dir: String?) throws -> String {
        let parent = dir ?? tempDirectory()
        let letters = Array("abcdefghijklmnopqrstuvwxyz0123456789_")
        for _ in 0..<100 {
            let name = String((0..<8).map { _ in letters.randomElement()! })
            let path = OSModule.join([parent, prefix + name + suffix])
            if mkdir(path, 0o700) == 0 { return path }
            guard errno == EEXIST else {
                throw NativeError("tempfile.mkdtemp: cannot create a folder in '\(parent)' (\(String(cString: strerror(errno))))",
                                  kind: errno == ENOENT ? .fileNotFoundError : .osError)
            }
        }
        throw NativeError("tempfile.mkdtemp: no free name in '\(parent)' after 100 tries", kind: .osError)
    }

    static func make() -> NamespaceObject {
        var m = ModuleBuilder("tempfile")
        m.function("gettempdir", [], "tempfile.gettempdir(): the folder for temporary files ($TMPDIR, else /tmp).\n  tempfile.gettempdir()") { _, _ in
            .string(tempDirectory())
        }
        m.function("mkdtemp", [Param("suffix", .string, default: .string("")), Param("prefix", .string, default: .string("tmp")),
                               Param("dir", .optional(.string), default: Value.none)],
                   "tempfile.mkdtemp(suffix=\"\", prefix=\"tmp\", dir=none): creates a new, empty folder only you can read (mode 0700) and returns its path; delete it with shutil.rmtree.\n  root = tempfile.mkdtemp(prefix=\"data-\")") { a, _ in
            .string(try makeFolder(suffix: a.string("suffix"), prefix: a.string("prefix"), dir: a.optionalString("dir")))
        }
        return m.make()
    }
}
