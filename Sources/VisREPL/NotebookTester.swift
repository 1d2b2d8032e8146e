import Foundation
import VisLang

/// `vis test`: runs notebooks and compares what each statement prints with its `#>`
/// lines (see LANGUAGE.md, "Notebooks as tests"), or rewrites them with `update`.
public final class NotebookTester {
    /// Prints the report (stdout by default).
    let report: (String) -> Void
    /// Loads the stdlib into each fresh session.
    let prepare: (Session) throws -> Void

    public init(report: @escaping (String) -> Void = { print($0) }, prepare: @escaping (Session) throws -> Void = { _ in }) {
        self.report = report
        self.prepare = prepare
    }

    /// Every `.vis` file under the paths (files as given, folders recursively, sorted).
    public static func files(under paths: [String]) throws -> [String] {
        var out: [String] = []
        for p in paths {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: p, isDirectory: &isDir) else {
                throw NativeError("no such file or folder: \(p)")
            }
            if isDir.boolValue {
                let walker = FileManager.default.enumerator(atPath: p)
                var found: [String] = []
                while let rel = walker?.nextObject() as? String {
                    if rel.hasSuffix(".vis") && !rel.split(separator: "/").contains(where: { $0.hasPrefix(".") }) {
                        found.append((p as NSString).appendingPathComponent(rel))
                    }
                }
                out += found.sorted()
            } else {
                out.append(p)
            }
        }
        return out
    }

    /// The result of one notebook.
    public struct FileResult {
        public let path: String
        public let passed: Bool
        /// Mismatch reports (file:line, diff), empty when passed.
        public let failures: [String]
    }

    /// Runs (or updates) one notebook.
    public func run(path: String, update: Bool = false) -> FileResult {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            return FileResult(path: path, passed: false, failures: ["\(path): cannot read the file"])
        }
        let file = SourceFile(name: path, text: text)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var captured = ""
        let session = Session(output: { captured += $0 })
        do {
            try prepare(session)
        } catch {
            return FileResult(path: path, passed: false, failures: ["\(path): the stdlib failed to load: \(error)"])
        }
        let program: [Stmt]
        do {
            program = try session.parse(file)
        } catch let e as VisError {
            return FileResult(path: path, passed: false, failures: [Diagnostic.render(e)])
        } catch {
            return FileResult(path: path, passed: false, failures: ["\(path): \(error)"])
        }
        var failures: [String] = []
        var replacements: [(Range<Int>, [String])] = []
        // Statements ending on the same line (`a; b`) share the #> block after it: their
        // output is gathered and compared once the last of them has run.
        let lastLines = program.map { $0.range.endLine - 1 }
        var index = 0
        var actual: [String] = []
        session.run(program) { outcome in
            defer { index += 1 }
            var output = captured.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if output.last == "" { output.removeLast() }
            captured = ""
            if let e = outcome.error { output.append(Diagnostic.oneLine(e)) }
            actual += output
            let lastLine = lastLines[index]
            if let block = Expectations.block(after: lastLine, in: lines) {
                if index + 1 < lastLines.count && lastLines[index + 1] == lastLine { return true }
                defer { actual = [] }
                if update {
                    replacements.append((block.range, Expectations.markerLines(actual)))
                } else if !Expectations.matches(expected: block.expected, actual: actual) {
                    var msg = ["\(path):\(block.range.lowerBound + 1): output does not match (- expected, + actual):"]
                    msg += Expectations.diff(expected: block.expected, actual: actual).map { "    " + $0 }
                    failures.append(msg.joined(separator: "\n"))
                }
                return true
            }
            actual = []
            if let e = outcome.error {
                failures.append("\(path): unexpected error (add `#> error: ...` under the statement if it is expected):\n" + Diagnostic.render(e))
                return false
            }
            return true
        }
        if update {
            var newLines = lines
            for (range, replacement) in replacements.reversed() { newLines.replaceSubrange(range, with: replacement) }
            let newText = newLines.joined(separator: "\n")
            if newText != text {
                do { try AtomicFile.write(newText, to: path) } catch {
                    failures.append("\(path): cannot rewrite the file: \(error)")
                }
            }
        }
        return FileResult(path: path, passed: failures.isEmpty, failures: failures)
    }

    /// Runs every notebook under `paths`, reporting each failure and ending with the
    /// line `N passed, N failed`. Returns the number of failed files.
    public func run(paths: [String], update: Bool = false) -> Int {
        let files: [String]
        do {
            files = try NotebookTester.files(under: paths)
        } catch {
            report("vis test: \(error)")
            report("0 passed, 1 failed")
            return 1
        }
        var passed = 0, failed = 0
        for f in files {
            let r = run(path: f, update: update)
            if r.passed {
                passed += 1
                report("ok     \(f)\(update ? " (updated)" : "")")
            } else {
                failed += 1
                report("FAILED \(f)")
                for m in r.failures { report(m) }
            }
        }
        report("\(passed) passed, \(failed) failed")
        return failed
    }
}

/// Writes files atomically: a temporary file in the same folder, fsync, rename.
public enum AtomicFile {
    public static func write(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path
        let tmp = (dir.isEmpty ? "." : dir) + "/.\(url.lastPathComponent).tmp-\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw NativeError("cannot create \(tmp): \(String(cString: strerror(errno)))") }
        var ok = true
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
            if n <= 0 { ok = false; break }
            written += n
        }
        if fsync(fd) != 0 { ok = false }
        close(fd)
        guard ok, rename(tmp, path) == 0 else {
            unlink(tmp)
            throw NativeError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}
