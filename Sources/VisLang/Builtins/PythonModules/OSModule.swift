import Foundation
import VisTensor

/// Python's `os` and `os.path`: the folder and file functions data scripts use.
enum OSModule {
    /// A failed file operation as Python words it: `os.remove: cannot remove 'p' (No such file or directory)`.
    static func failure(_ what: String, _ path: String, _ error: Error? = nil) -> NativeError {
        let reason = (error as NSError?).map { e -> String in
            if let posix = (e.userInfo[NSUnderlyingErrorKey] as? NSError), posix.domain == NSPOSIXErrorDomain {
                return String(cString: strerror(Int32(posix.code)))
            }
            // Foundation's own codes, worded as the POSIX errors Python reports.
            switch e.code {
            case NSFileReadNoSuchFileError, NSFileNoSuchFileError: return String(cString: strerror(ENOENT))
            case NSFileReadNoPermissionError, NSFileWriteNoPermissionError: return String(cString: strerror(EACCES))
            default: return e.localizedDescription
            }
        }
        let code = (error as NSError?)?.code
        let missing = ((error as NSError?)?.userInfo[NSUnderlyingErrorKey] as? NSError)?.code == Int(ENOENT) || code == NSFileReadNoSuchFileError || code == NSFileNoSuchFileError
        return NativeError("\(what) '\(path)'\(reason.map { " (\($0))" } ?? "")", kind: missing ? .fileNotFoundError : .osError)
    }

    /// The file status at `path`, following links as Python's `isdir` / `isfile` do.
    static func status(_ path: String) -> stat? {
        var s = stat()
        return stat(path, &s) == 0 ? s : nil
    }

    /// `os.path.join` with Python's rule: an absolute part discards what came before.
    static func join(_ parts: [String]) -> String {
        var out = ""
        for p in parts {
            if p.hasPrefix("/") { out = p } else if out.isEmpty || out.hasSuffix("/") { out += p } else { out += "/" + p }
        }
        return out
    }

    /// `os.path.normpath`: collapses `.`, `..` and repeated slashes.
    static func normpath(_ path: String) -> String {
        guard !path.isEmpty else { return "." }
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for c in path.split(separator: "/", omittingEmptySubsequences: true) {
            if c == "." { continue }
            if c == "..", let last = parts.last, last != ".." { parts.removeLast(); continue }
            if c == "..", absolute { continue }
            parts.append(c)
        }
        let joined = parts.joined(separator: "/")
        // POSIX keeps exactly two leading slashes (they may mean something else), as Python does.
        let root = path.hasPrefix("//") && !path.hasPrefix("///") ? "//" : "/"
        return absolute ? root + joined : (joined.isEmpty ? "." : joined)
    }

    /// `os.path.split`: (head, tail) around the last slash.
    static func split(_ path: String) -> (String, String) {
        guard let slash = path.lastIndex(of: "/") else { return ("", path) }
        var head = String(path[...slash])
        let tail = String(path[path.index(after: slash)...])
        if head.contains(where: { $0 != "/" }) { while head.hasSuffix("/") { head.removeLast() } }
        return (head, tail)
    }

    /// `os.path.splitext`: (root, ext) with a leading dot of the name not counted.
    static func splitext(_ path: String) -> (String, String) {
        let name = split(path).1
        guard let dot = name.lastIndex(of: "."), name[..<dot].contains(where: { $0 != "." }) else { return (path, "") }
        let ext = String(name[dot...])
        return (String(path.dropLast(ext.count)), ext)
    }

    static func makePath() -> NamespaceObject {
        var m = ModuleBuilder("os.path")
        let p = [Param("path", .string)]
        m.constant("sep", .string("/"))
        m.function("join", [Param("paths", .string, variadic: true)], "os.path.join(*paths): the parts joined with '/' (an absolute part starts over).\n  os.path.join(root, \"train\", name)") { a, _ in
            let parts = try a.list("paths").map { v -> String in if case .string(let s) = v { return s }; return "" }
            guard !parts.isEmpty else { throw NativeError("os.path.join: give at least one path") }
            return .string(join(parts))
        }
        m.function("exists", p, "os.path.exists(path): true when a file or folder exists at path.\n  os.path.exists(\"data\")") { a, _ in .bool(status(try a.string("path")) != nil) }
        m.function("isdir", p, "os.path.isdir(path): true when path is a folder.\n  os.path.isdir(\"data\")") { a, _ in
            .bool(status(try a.string("path")).map { $0.st_mode & S_IFMT == S_IFDIR } ?? false)
        }
        m.function("isfile", p, "os.path.isfile(path): true when path is a regular file.\n  os.path.isfile(\"model.safetensors\")") { a, _ in
            .bool(status(try a.string("path")).map { $0.st_mode & S_IFMT == S_IFREG } ?? false)
        }
        m.function("basename", p, "os.path.basename(path): the last part of path (after the last '/').\n  os.path.basename(\"a/b.png\")  # \"b.png\"") { a, _ in .string(split(try a.string("path")).1) }
        m.function("dirname", p, "os.path.dirname(path): path without its last part.\n  os.path.dirname(\"a/b.png\")  # \"a\"") { a, _ in .string(split(try a.string("path")).0) }
        m.function("split", p, "os.path.split(path): the pair (dirname, basename).\n  head, tail = os.path.split(path)") { a, _ in
            let (h, t) = split(try a.string("path"))
            return .tuple([.string(h), .string(t)])
        }
        m.function("splitext", p, "os.path.splitext(path): the pair (root, extension), the extension with its dot.\n  os.path.splitext(\"cat.jpg\")  # (\"cat\", \".jpg\")") { a, _ in
            let (r, e) = splitext(try a.string("path"))
            return .tuple([.string(r), .string(e)])
        }
        m.function("abspath", p, "os.path.abspath(path): the absolute, normalised path.\n  os.path.abspath(\".\")") { a, _ in
            let path = try a.string("path")
            return .string(normpath(path.hasPrefix("/") ? path : join([FileManager.default.currentDirectoryPath, path])))
        }
        m.function("normpath", p, "os.path.normpath(path): path with '.', '..' and doubled slashes collapsed.\n  os.path.normpath(\"a/./b/../c\")  # \"a/c\"") { a, _ in .string(normpath(try a.string("path"))) }
        m.function("getsize", p, "os.path.getsize(path): the size of a file in bytes.\n  os.path.getsize(\"model.safetensors\")") { a, _ in
            let path = try a.string("path")
            guard let s = status(path) else { throw NativeError("os.path.getsize: no such file '\(path)'", kind: .fileNotFoundError) }
            return .int(Int(s.st_size))
        }
        m.function("isabs", p, "os.path.isabs(path): true when path starts at the root ('/').\n  os.path.isabs(\"/data\")") { a, _ in .bool(try a.string("path").hasPrefix("/")) }
        m.function("getmtime", p, "os.path.getmtime(path): the time of the last change, in seconds since 1970.\n  os.path.getmtime(\"model.safetensors\")") { a, _ in
            let path = try a.string("path")
            guard let s = status(path) else { throw NativeError("os.path.getmtime: no such file '\(path)'", kind: .fileNotFoundError) }
            return .float(Double(s.st_mtim.tv_sec) + Double(s.st_mtim.tv_nsec) * 1e-9)
        }
        m.function("relpath", [Param("path", .string), Param("start", .string, default: .string("."))],
                   "os.path.relpath(path, start=\".\"): path relative to the folder start.\n  os.path.relpath(\"data/train/a.png\", \"data\")  # \"train/a.png\"") { a, _ in
            let cwd = FileManager.default.currentDirectoryPath
            func absolute(_ p: String) -> [Substring] { normpath(p.hasPrefix("/") ? p : join([cwd, p])).split(separator: "/") }
            let target = absolute(try a.string("path")), base = absolute(try a.string("start"))
            var common = 0
            while common < Swift.min(target.count, base.count), target[common] == base[common] { common += 1 }
            let parts = Array(repeating: "..", count: base.count - common) + target[common...].map(String.init)
            return .string(parts.isEmpty ? "." : parts.joined(separator: "/"))
        }
        m.function("expanduser", p, "os.path.expanduser(path): a leading ~ replaced by the home folder.\n  os.path.expanduser(\"~/data\")") { a, _ in
            let path = try a.string("path")
            guard path == "~" || path.hasPrefix("~/") else { return .string(path) }
            let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
            return .string(home + path.dropFirst())
        }
        m.function("islink", p, "os.path.islink(path): true when path is a symbolic link (not followed).\n  os.path.islink(\"latest\")") { a, _ in
            var s = stat()
            return .bool(lstat(try a.string("path"), &s) == 0 && s.st_mode & S_IFMT == S_IFLNK)
        }
        m.function("commonprefix", [Param("list")], "os.path.commonprefix(list): the longest string every path starts with (character by character, not by folder).\n  os.path.commonprefix([\"runs/a1\", \"runs/a2\"])  # \"runs/a\"") { a, rt in
            let paths = try CSVModule.strings(a["list"], "os.path.commonprefix", "paths", rt)
            guard var prefix = paths.min().map(Array.init), let last = paths.max().map(Array.init) else { return .string("") }
            // The smallest and largest strings bound the rest, as Python's implementation uses.
            var n = 0
            while n < prefix.count, n < last.count, prefix[n] == last[n] { n += 1 }
            prefix = Array(prefix[..<n])
            return .string(String(prefix))
        }
        m.function("commonpath", [Param("paths")], "os.path.commonpath(paths): the longest common folder path of the paths (all absolute or all relative).\n  os.path.commonpath([\"data/train/a.png\", \"data/val/b.png\"])  # \"data\"") { a, rt in
            let paths = try CSVModule.strings(a["paths"], "os.path.commonpath", "paths", rt)
            guard !paths.isEmpty else { throw NativeError("os.path.commonpath: arg is an empty sequence", kind: .valueError) }
            let absolute = paths[0].hasPrefix("/")
            guard paths.allSatisfy({ $0.hasPrefix("/") == absolute }) else {
                throw NativeError("os.path.commonpath: can't mix absolute and relative paths", kind: .valueError)
            }
            let split = paths.map { $0.split(separator: "/").filter { $0 != "." } }
            var common = split[0]
            for parts in split.dropFirst() {
                var n = 0
                while n < common.count, n < parts.count, common[n] == parts[n] { n += 1 }
                common = Array(common[..<n])
            }
            return .string((absolute ? "/" : "") + common.joined(separator: "/"))
        }
        m.function("expandvars", p, "os.path.expandvars(path): $name and ${name} replaced by environment variables; unknown ones are left as they are.\n  os.path.expandvars(\"$HOME/data\")") { a, _ in
            let path = Array(try a.string("path")), env = ProcessInfo.processInfo.environment
            var out = "", i = 0
            func isName(_ c: Character) -> Bool { c == "_" || (c.isASCII && (c.isLetter || c.isNumber)) }
            while i < path.count {
                guard path[i] == "$", i + 1 < path.count else { out.append(path[i]); i += 1; continue }
                var j = i + 1, name = ""
                if path[j] == "{" {
                    guard let close = path[(j + 1)...].firstIndex(of: "}") else { out.append(path[i]); i += 1; continue }
                    name = String(path[(j + 1)..<close]); j = close + 1
                } else {
                    while j < path.count, isName(path[j]) { name.append(path[j]); j += 1 }
                }
                if !name.isEmpty, let v = env[name] { out += v } else { out += String(path[i..<j]) }
                i = Swift.max(j, i + 1)
            }
            return .string(out)
        }
        return m.make()
    }

    static func make() -> NamespaceObject {
        var m = ModuleBuilder("os")
        let fm = FileManager.default
        m.constant("sep", .string("/"))
        m.constant("path", .object(makePath()))
        // A snapshot taken when the session starts, as Python's os.environ is at import.
        m.constant("environ", .dict(DictBox(ProcessInfo.processInfo.environment.sorted { $0.key < $1.key }.map { (.string($0.key), .string($0.value)) })))
        m.function("cpu_count", [], "os.cpu_count(): the number of CPU cores (for DataLoader's num_workers).\n  os.cpu_count()") { _, _ in .int(ProcessInfo.processInfo.activeProcessorCount) }
        m.function("getcwd", [], "os.getcwd(): the current folder.\n  os.getcwd()") { _, _ in .string(fm.currentDirectoryPath) }
        m.function("getenv", [Param("key", .string), Param("default", default: Value.none)], "os.getenv(key, default=none): an environment variable's value, or default.\n  os.getenv(\"HOME\")") { a, _ in
            ProcessInfo.processInfo.environment[try a.string("key")].map { .string($0) } ?? a["default"]
        }
        m.function("listdir", [Param("path", .string, default: .string("."))], "os.listdir(path=\".\"): the names in a folder, sorted (Python's order is arbitrary).\n  os.listdir(\"data\")") { a, _ in
            let path = try a.string("path")
            do {
                return .list(ListBox(try fm.contentsOfDirectory(atPath: path).sorted().map { .string($0) }))
            } catch {
                throw failure("os.listdir: cannot read folder", path, error)
            }
        }
        m.function("makedirs", [Param("name", .string), Param("exist_ok", .bool, default: .bool(false))],
                   "os.makedirs(name, exist_ok=false): creates a folder and its missing parents; an existing folder is an error unless exist_ok.\n  os.makedirs(\"runs/exp1\", exist_ok=true)") { a, _ in
            let path = try a.string("name")
            if let s = status(path) {
                guard try a.bool("exist_ok"), s.st_mode & S_IFMT == S_IFDIR else { throw NativeError("os.makedirs: '\(path)' already exists", kind: .osError) }
                return .none
            }
            do { try fm.createDirectory(atPath: path, withIntermediateDirectories: true) } catch { throw failure("os.makedirs: cannot create folder", path, error) }
            return .none
        }
        m.function("mkdir", [Param("path", .string)], "os.mkdir(path): creates one folder (its parent must exist; an existing path is an error).\n  os.mkdir(\"out\")") { a, _ in
            let path = try a.string("path")
            guard status(path) == nil else { throw NativeError("os.mkdir: '\(path)' already exists", kind: .osError) }
            guard Foundation.mkdir(path, 0o777) == 0 else { throw NativeError("os.mkdir: cannot create folder '\(path)' (\(String(cString: strerror(errno))))", kind: errno == ENOENT ? .fileNotFoundError : .osError) }
            return .none
        }
        m.function("remove", [Param("path", .string)], "os.remove(path): deletes a file (not a folder).\n  os.remove(\"tmp.txt\")") { a, _ in
            let path = try a.string("path")
            if let s = status(path), s.st_mode & S_IFMT == S_IFDIR { throw NativeError("os.remove: '\(path)' is a folder", kind: .osError) }
            guard unlink(path) == 0 else { throw NativeError("os.remove: cannot remove '\(path)' (\(String(cString: strerror(errno))))", kind: errno == ENOENT ? .fileNotFoundError : .osError) }
            return .none
        }
        m.function("unlink", [Param("path", .string)], "os.unlink(path): deletes a file, as os.remove.\n  os.unlink(\"tmp.txt\")") { a, _ in
            let path = try a.string("path")
            if let s = status(path), s.st_mode & S_IFMT == S_IFDIR { throw NativeError("os.unlink: '\(path)' is a folder", kind: .osError) }
            guard unlink(path) == 0 else { throw NativeError("os.unlink: cannot remove '\(path)' (\(String(cString: strerror(errno))))", kind: errno == ENOENT ? .fileNotFoundError : .osError) }
            return .none
        }
        m.function("replace", [Param("src", .string), Param("dst", .string)], "os.replace(src, dst): renames src to dst, replacing a file at dst (atomically, on one file system).\n  os.replace(\"run.tmp\", \"run.json\")") { a, _ in
            let src = try a.string("src"), dst = try a.string("dst")
            guard Foundation.rename(src, dst) == 0 else { throw NativeError("os.replace: cannot rename '\(src)' to '\(dst)' (\(String(cString: strerror(errno))))", kind: errno == ENOENT ? .fileNotFoundError : .osError) }
            return .none
        }
        m.function("walk", [Param("top", .string)],
                   "os.walk(top): a list of (folder, folder names, file names) for top and every folder below it, top-down, names sorted (links to folders are not entered; changing the names list does not prune the walk).\n  for root, dirs, files in os.walk(\"data\") { ... }") { a, rt in
            .list(ListBox(try GlobModule.walk(a.string("top"), rt)))
        }
        m.function("rmdir", [Param("path", .string)], "os.rmdir(path): deletes an empty folder.\n  os.rmdir(\"out\")") { a, _ in
            let path = try a.string("path")
            guard Foundation.rmdir(path) == 0 else { throw NativeError("os.rmdir: cannot remove folder '\(path)' (\(String(cString: strerror(errno))))", kind: errno == ENOENT ? .fileNotFoundError : .osError) }
            return .none
        }
        m.function("rename", [Param("src", .string), Param("dst", .string)], "os.rename(src, dst): renames or moves a file or folder (replacing a file at dst).\n  os.rename(\"a.txt\", \"b.txt\")") { a, _ in
            let src = try a.string("src"), dst = try a.string("dst")
            guard Foundation.rename(src, dst) == 0 else { throw NativeError("os.rename: cannot rename '\(src)' to '\(dst)' (\(String(cString: strerror(errno))))", kind: errno == ENOENT ? .fileNotFoundError : .osError) }
            return .none
        }
        return m.make()
    }

    /// Python's `shutil`: copying, moving and deleting whole trees.
    static func makeShutil() -> NamespaceObject {
        var m = ModuleBuilder("shutil")
        let fm = FileManager.default
        m.function("rmtree", [Param("path", .string)], "shutil.rmtree(path): deletes a folder and everything in it (a link is refused, as Python does).\n  shutil.rmtree(\"runs/old\")") { a, _ in
            let path = try a.string("path")
            var s = stat()
            guard lstat(path, &s) == 0 else { throw NativeError("shutil.rmtree: no such folder '\(path)'") }
            guard s.st_mode & S_IFMT == S_IFDIR else { throw NativeError("shutil.rmtree: '\(path)' is not a folder (a symbolic link or a file)") }
            do { try fm.removeItem(atPath: path) } catch { throw failure("shutil.rmtree: cannot remove", path, error) }
            return .none
        }
        m.function("copyfile", [Param("src", .string), Param("dst", .string)], "shutil.copyfile(src, dst): copies a file's contents to dst (replacing it); returns dst.\n  shutil.copyfile(\"best.safetensors\", \"final.safetensors\")") { a, _ in
            let src = try a.string("src"), dst = try a.string("dst")
            // A device or fifo would be read without end (Python raises SpecialFileError).
            if let s = status(src), s.st_mode & S_IFMT != S_IFREG {
                throw NativeError("shutil.copyfile: '\(src)' is \(AtomicFile.kindName(s.st_mode)), not a regular file", kind: .osError)
            }
            guard let data = fm.contents(atPath: src) else { throw NativeError("shutil.copyfile: cannot read '\(src)'") }
            do { try AtomicFile.write([UInt8](data), to: dst, op: "shutil.copyfile") } catch let e as TensorError {
                throw NativeError(e.message, kind: e.reason.lowercased().contains("no such file") ? .fileNotFoundError : .osError)
            }
            return .string(dst)
        }
        m.function("move", [Param("src", .string), Param("dst", .string)], "shutil.move(src, dst): moves a file or folder (into dst when dst is a folder); returns the new path.\n  shutil.move(\"a.txt\", \"archive\")") { a, _ in
            let src = try a.string("src")
            var dst = try a.string("dst")
            if let s = status(dst), s.st_mode & S_IFMT == S_IFDIR { dst = join([dst, split(src).1]) }
            do { try fm.moveItem(atPath: src, toPath: dst) } catch { throw failure("shutil.move: cannot move '\(src)' to", dst, error) }
            return .string(dst)
        }
        return m.make()
    }
}
