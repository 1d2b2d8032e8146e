import Foundation
import VisLang

/// The real programs that mutations start from: the notebooks, the example notebooks
/// and the stdlib of a checkout.
public struct Corpus {
    /// (file name, text) of each program.
    public var notebooks: [(String, String)]
    /// Every line of every program, for splicing.
    public var lines: [String]

    /// A corpus of (name, text) programs.
    public init(notebooks: [(String, String)]) {
        self.notebooks = notebooks
        lines = notebooks.flatMap { $0.1.split(separator: "\n").map(String.init) }
    }

    /// The checkout whose sources are running: `VIS_ROOT`, else the first folder from
    /// the working directory up that has a Package.swift and Tests/notebooks.
    public static func checkout() -> URL {
        if let root = ProcessInfo.processInfo.environment["VIS_ROOT"] { return URL(fileURLWithPath: root) }
        var dir = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        while dir.path != "/" {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Tests/notebooks").path) { return dir }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }

    /// The notebooks of `root`. `extended: false` is the fixed corpus of the CI run
    /// (the top-level Tests/notebooks and stdlib files, so its seeded cases stay the
    /// same); `extended: true` adds every notebook below Tests/notebooks and the example
    /// notebooks of scripts/examples.
    public static func load(root: URL, extended: Bool = false) throws -> Corpus {
        var files: [URL] = []
        let notebooks = root.appendingPathComponent("Tests/notebooks")
        for dir in [notebooks, root.appendingPathComponent("stdlib")] + (extended ? [root.appendingPathComponent("scripts/examples")] : []) {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { continue }
            files += names.sorted().filter { $0.hasSuffix(".vis") }.map { dir.appendingPathComponent($0) }
        }
        if extended, let walk = FileManager.default.enumerator(atPath: notebooks.path) {
            let nested = walk.compactMap { $0 as? String }.filter { $0.contains("/") && $0.hasSuffix(".vis") }.sorted()
            files += nested.map { notebooks.appendingPathComponent($0) }
        }
        var programs: [(String, String)] = []
        for file in files {
            // The system builtins notebook writes to the file system: leave it out.
            if file.lastPathComponent == "builtins_system.vis" { continue }
            var text = try String(contentsOf: file, encoding: .utf8)
            // Lines with long digit runs are there to test limits; mutated, they could
            // become merely large and slow.
            text = text.split(separator: "\n", omittingEmptySubsequences: false)
                .filter { $0.range(of: "[0-9_]{7,}", options: .regularExpression) == nil }
                .joined(separator: "\n")
            // Absolute paths (notebooks write scratch folders under /tmp, other tests'
            // files): mutated, they would create and change files that are not the
            // fuzzer's. Made relative, they land in the case's temporary folder.
            text = text.replacingOccurrences(of: "\"/tmp", with: "\"fuzz-tmp")
                .replacingOccurrences(of: "getenv(\"TMPDIR\"", with: "str(\"TMPDIR\"")
            programs.append((file.lastPathComponent, text))
        }
        return Corpus(notebooks: programs)
    }

    /// Seeds for a coverage-guided fuzzer: each whole program, and each top-level
    /// statement of it on its own (the parser finds their extent), so the fuzzer starts
    /// from small inputs that already reach every statement form.
    public func seeds() -> [String] {
        var out: [String] = []
        var seen = Set<String>()
        for (name, text) in notebooks {
            if seen.insert(text).inserted { out.append(text) }
            let file = SourceFile(name: name, text: text)
            var parser = Parser(file)
            guard let program = try? parser.parseProgram() else { continue }
            let bytes = Array(text.utf8)
            for s in program where s.range.start < s.range.end && s.range.end <= bytes.count {
                let piece = String(decoding: bytes[s.range.start..<s.range.end], as: UTF8.self)
                if seen.insert(piece).inserted { out.append(piece) }
            }
        }
        return out
    }
}
