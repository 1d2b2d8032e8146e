import Foundation

/// Python's `glob` and `os.walk`: finding files by pattern and walking folders. Names
/// come back sorted (Python's order is the file system's, which varies).
enum GlobModule {
    /// True when a path part holds a wildcard (`*`, `?`, `[`).
    static func hasMagic(_ s: Substring) -> Bool { s.contains { "*?[".contains($0) } }

    /// The sorted names in a folder ("" is the current folder), none when unreadable.
    static func names(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.isEmpty ? "." : folder)) ?? []).sorted()
    }

    static func isDir(_ path: String) -> Bool {
        OSModule.status(path.isEmpty ? "." : path).map { $0.st_mode & S_IFMT == S_IFDIR } ?? false
    }

    /// Every folder under `folder` (itself first), hidden ones left out as `**` does.
    static func subfolders(_ folder: String, _ runtime: Runtime) throws -> [String] {
        var out = [folder]
        for n in names(folder) where !n.hasPrefix(".") {
            try runtime.checkInterrupt()
            let p = folder.isEmpty ? n : OSModule.join([folder, n])
            var s = stat()
            // Links to folders are not followed, so a link cycle cannot loop.
            if lstat(p, &s) == 0, s.st_mode & S_IFMT == S_IFDIR { out += try subfolders(p, runtime) }
        }
        return out
    }

    /// The paths matching `pattern`, as Python's glob.glob gives them (sorted).
    static func glob(_ pattern: String, recursive: Bool, _ runtime: Runtime) throws -> [String] {
        guard !pattern.isEmpty else { return [] }
        let absolute = pattern.hasPrefix("/")
        let parts = pattern.split(separator: "/", omittingEmptySubsequences: true)
        var current = [absolute ? "/" : ""]
        for (i, part) in parts.enumerated() {
            let last = i == parts.count - 1
            var next: [String] = []
            for folder in current {
                if recursive && part == "**" {
                    let all = try subfolders(folder, runtime)
                    if last {
                        // A final ** matches the folder's files and folders, at any depth.
                        for f in all {
                            if !f.isEmpty && f != folder { next.append(f) }
                            // Python's final ** also matches zero folders: "train/**" gives "train/".
                            if f == folder && !folder.isEmpty { next.append(folder == "/" ? "/" : folder + "/") }
                            for n in names(f) where !n.hasPrefix(".") && !isDir(OSModule.join([f.isEmpty ? "." : f, n])) {
                                next.append(f.isEmpty ? n : OSModule.join([f, n]))
                            }
                        }
                    } else {
                        next += all
                    }
                    continue
                }
                if hasMagic(part) {
                    let p = String(part)
                    for n in names(folder) where fnmatch(p, n, 0) == 0 && (!n.hasPrefix(".") || part.hasPrefix(".")) {
                        let path = folder.isEmpty ? n : (folder == "/" ? "/" + n : OSModule.join([folder, n]))
                        if last || isDir(path) { next.append(path) }
                    }
                } else {
                    let path = folder.isEmpty ? String(part) : (folder == "/" ? "/" + part : OSModule.join([folder, String(part)]))
                    if last ? OSModule.status(path) != nil || (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) != nil : isDir(path) { next.append(path) }
                }
            }
            current = next
        }
        // A pattern ending in "/" matches folders only, each written with one final "/"
        // (the zero-folder match of "train/**/" is "train/", as in Python).
        if pattern.hasSuffix("/") { current = current.filter(isDir).map { $0.hasSuffix("/") ? $0 : $0 + "/" } }
        return Array(Set(current)).sorted()
    }

    static func make() -> NamespaceObject {
        var m = ModuleBuilder("glob")
        m.function("glob", [Param("pathname", .string), Param("recursive", .bool, default: .bool(false))],
                   "glob.glob(pathname, recursive=false): the paths matching a pattern with *, ? and [...] (** for any depth with recursive=true), sorted; names starting with '.' only when the pattern's part does.\n  glob.glob(os.path.join(root, \"*\", \"*.png\"))") { a, rt in
            .list(ListBox(try glob(a.string("pathname"), recursive: a.bool("recursive"), rt).map { .string($0) }))
        }
        m.function("iglob", [Param("pathname", .string), Param("recursive", .bool, default: .bool(false))],
                   "glob.iglob(pathname, recursive=false): an iterator over glob.glob's paths (found at once, sorted).\n  first = next(glob.iglob(\"runs/*/best.safetensors\"), none)") { a, rt in
            let paths = try glob(a.string("pathname"), recursive: a.bool("recursive"), rt).map { Value.string($0) }
            return .object(StatefulIterator(try Iteration.iterator(.list(ListBox(paths)))))
        }
        m.function("escape", [Param("pathname", .string)], "glob.escape(pathname): pathname with *, ? and [ made literal ([*], [?], [[]).\n  glob.glob(glob.escape(folder) + \"/*.png\")") { a, _ in
            var out = ""
            for c in try a.string("pathname") { out += "*?[".contains(c) ? "[\(c)]" : String(c) }
            return .string(out)
        }
        return m.make()
    }

    /// `os.walk(top)`: (folder, folder names, file names) for top and every folder below, top-down.
    static func walk(_ top: String, _ runtime: Runtime) throws -> [Value] {
        var out: [Value] = []
        var queue = [top]
        while let folder = queue.first {
            queue.removeFirst()
            try runtime.checkInterrupt()
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { continue }
            var dirs: [String] = [], files: [String] = []
            for n in entries.sorted() {
                if isDir(OSModule.join([folder, n])) { dirs.append(n) } else { files.append(n) }
            }
            out.append(.tuple([.string(folder), .list(ListBox(dirs.map { .string($0) })), .list(ListBox(files.map { .string($0) }))]))
            // Depth first, in name order, as Python's top-down walk; links to folders are not entered.
            let below = dirs.map { OSModule.join([folder, $0]) }.filter { p in var s = stat(); return lstat(p, &s) == 0 && s.st_mode & S_IFMT == S_IFDIR }
            queue.insert(contentsOf: below, at: 0)
        }
        return out
    }
}
