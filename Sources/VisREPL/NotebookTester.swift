import Foundation
import VisLang
import VisTensor

/// `vis test`: runs notebooks and compares what each statement prints with its `#>`
/// lines (see LANGUAGE.md, "Notebooks as tests"), or rewrites them with `update`.
public final class NotebookTester {
    /// Prints the report (stdout by default, flushed line by line: a run Ctrl-C stops,
    /// or one piped to another program, shows each file's line as it finishes).
    let report: (String) -> Void
    /// Loads the stdlib into each fresh session.
    let prepare: (Session) throws -> Void

    public init(report: @escaping (String) -> Void = { print($0); fflush(stdout) }, prepare: @escaping (Session) throws -> Void = { _ in }) {
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
        /// The statement Ctrl-C stopped, when it stopped this notebook (the run then ends).
        public var interruption: VisError? = nil
    }

    /// True once Ctrl-C stopped a run: `run(paths:)` ran no notebook after it.
    public private(set) var interrupted = false

    /// Ends a run Ctrl-C stopped, saying how many files it did not run.
    private func stop(notRun left: Int) {
        interrupted = true
        Interrupt.clear()
        report("interrupted: \(left) file\(left == 1 ? "" : "s") not run")
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
        let lines = text.notebookLines
        var captured = ""
        // Each notebook starts as a fresh `vis` process would: the global generator at
        // its seed 0 and gradients on. `vis test dir/` runs every notebook in one
        // process, so a notebook's draws (or a plain set_grad_enabled(false)) would
        // otherwise change the numbers of the notebooks after it.
        Generator.seed(0)
        GradMode.set(true)
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
        var candidates: [(range: Range<Int>, expected: [String], output: [OutputLine])] = []
        // `#>` lines that follow no top-level statement would never be checked.
        let statementEnds = Set(program.map { $0.range.endLine - 1 })
        var covered = Set<Int>()
        for end in statementEnds { if let block = Expectations.block(after: end, in: lines) { covered.formUnion(block.range) } }
        for (i, line) in lines.enumerated() where Expectations.text(ofMarkerLine: line) != nil && !covered.contains(i) {
            if i > 0 && Expectations.text(ofMarkerLine: lines[i - 1]) != nil { continue }
            failures.append("\(path):\(i + 1): these #> lines follow no top-level statement, so nothing checks them (move them under one)")
        }
        var index = -1
        var output: [OutputLine] = []
        // A real Ctrl-C (the count moved) stops the notebook and the run; a `raise
        // KeyboardInterrupt` in the notebook is an error like any other.
        let signals = Interrupt.count
        var interruption: VisError?
        /// Moves the printed text so far into `output`, line by line.
        func flush() {
            var printed = captured.notebookLines
            if printed.last == "" { printed.removeLast() }
            output += printed.map { .text($0) }
            captured = ""
        }
        session.run(program) { outcome in
            index += 1
            if let e = outcome.error as? RuntimeError, e.interrupted, Interrupt.count != signals {
                interruption = e
                return false
            }
            if let e = outcome.error {
                flush()
                output.append(.error(e))
            }
            let lastLine = outcome.range.endLine - 1
            let block = Expectations.block(after: lastLine, in: lines)
            if block == nil, let e = outcome.error {
                failures.append("\(path): unexpected error (add `#> error: ...` under the statement if it is expected):\n" + Diagnostic.render(e))
                return false
            }
            // Statements that end on the same line (`a = 1; a`) share the block after it.
            if index + 1 < program.count, program[index + 1].range.endLine - 1 == lastLine { return true }
            flush()
            defer { output = [] }
            guard let block else { return true }
            if update {
                candidates.append((block.range, block.expected, output))
                return true
            }
            let actual = output.flatMap { $0.renderedLines(lineShift: 0) }
            if !Expectations.matches(expected: block.expected, actual: actual) {
                var msg = ["\(path):\(block.range.lowerBound + 1): output does not match (- expected, + actual):"]
                msg += Expectations.diff(expected: block.expected, actual: actual).map { "    " + $0 }
                failures.append(msg.joined(separator: "\n"))
            }
            return true
        }
        if let interruption {
            // Nothing is compared or rewritten: the statements after it did not run.
            return FileResult(path: path, passed: false, failures: [], interruption: interruption)
        }
        if update {
            // Blocks that still match stay as written (wildcards included); the others
            // are rewritten. Errors give their line as it will be in the rewritten file,
            // where the rewritten blocks above them may have grown or shrunk (an error
            // points at or above its statement, so only earlier decisions matter).
            var replacements: [(range: Range<Int>, lines: [String])] = []
            func shift(_ out: OutputLine) -> Int {
                guard case .error(let e) = out, e.range.file === file else { return 0 }
                let line = e.range.startPosition.line
                return replacements.filter { $0.range.upperBound <= line - 1 }.reduce(0) { $0 + $1.lines.count - $1.range.count }
            }
            for candidate in candidates {
                let actual = candidate.output.flatMap { $0.renderedLines(lineShift: shift($0)) }
                if Expectations.matches(expected: candidate.expected, actual: actual) { continue }
                // Keep CRLF line endings where the block had them.
                let ending = lines[candidate.range.lowerBound].hasSuffix("\r") ? "\r" : ""
                replacements.append((candidate.range, Expectations.markerLines(actual).map { $0 + ending }))
            }
            var newLines = lines
            for (range, block) in replacements.reversed() { newLines.replaceSubrange(range, with: block) }
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
        let signals = Interrupt.count
        for (i, f) in files.enumerated() {
            let r = run(path: f, update: update)
            if let e = r.interruption {
                // Ctrl-C stopped this notebook: where, what was not run, then the summary
                // of the files that ran to their end.
                report("INTERRUPTED \(f)")
                report(Diagnostic.render(e))
                stop(notRun: files.count - i - 1)
                break
            }
            if r.passed {
                passed += 1
                report("ok     \(f)\(update ? " (updated)" : "")")
            } else {
                failed += 1
                report("FAILED \(f)")
                for m in r.failures { report(m) }
            }
            // Ctrl-C between two statements' checks, or between two files.
            if Interrupt.count != signals {
                stop(notRun: files.count - i - 1)
                break
            }
        }
        report("\(passed) passed, \(failed) failed")
        return failed
    }
}

/// One line of what a statement produced: printed text, or the error it raised.
enum OutputLine {
    case text(String)
    case error(VisError)

    /// The line as `#>` lines record it, with an error's line number moved by `lineShift`.
    func rendered(lineShift: Int) -> String {
        switch self {
        case .text(let t): return t
        case .error(let e): return Diagnostic.oneLine(e, lineShift: lineShift)
        }
    }

    /// `rendered` as `#>` lines: an error whose message spans several lines (an
    /// `assert_close` report) is one expectation line per line of the message.
    func renderedLines(lineShift: Int) -> [String] {
        rendered(lineShift: lineShift).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }
}
