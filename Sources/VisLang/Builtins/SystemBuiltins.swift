import Foundation

/// Time, files and the process: time, clock, exists, listdir, mkdir, getenv, exit.
enum SystemBuiltins {
    static func add(to t: inout BuiltinTable) {
        t.function("time", [], "time(): monotonic seconds as a float, for measuring durations.") { _, _ in
            .float(Double(DispatchTime.now().uptimeNanoseconds) * 1e-9)
        }
        t.function("clock", [], "clock(): the wall-clock date and time as a string (YYYY-MM-DD HH:MM:SS).") { _, _ in
            let f = DateFormatter()
            f.dateFormat = "yyyy-MM-dd HH:mm:ss"
            return .string(f.string(from: Date()))
        }
        t.function("exists", [Param("path", .string)], "exists(path): true when a file or folder exists at path.") { a, _ in
            .bool(FileManager.default.fileExists(atPath: try a.string("path")))
        }
        t.function("listdir", [Param("path", .string, default: .string("."))], "listdir(path=\".\"): the sorted names in a folder.") { a, _ in
            let path = try a.string("path")
            do {
                let names = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
                return .list(ListBox(names.map { .string($0) }))
            } catch {
                throw NativeError("listdir: cannot read folder '\(path)'")
            }
        }
        t.function("mkdir", [Param("path", .string)], "mkdir(path): creates a folder and any missing parents (no error if it exists).") { a, _ in
            let path = try a.string("path")
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw NativeError("mkdir: cannot create folder '\(path)'")
            }
            return .none
        }
        t.function("getenv", [Param("name", .string), Param("default", default: Value.none)], "getenv(name, default=none): an environment variable's value.") { a, _ in
            if let v = ProcessInfo.processInfo.environment[try a.string("name")] { return .string(v) }
            return a["default"]
        }
        t.function("exit", [Param("code", .int, default: .int(0))], "exit(code=0): ends the script with an exit status (in the REPL: leaves it).") { a, _ in
            throw ExitRequest(code: Int32(truncatingIfNeeded: try a.int("code")))
        }
    }
}
