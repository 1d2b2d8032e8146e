import Foundation
import VisLang
import VisTensor

/// One kind of fuzzing run, case by case: generated and mutated programs, calls of every
/// builtin, or corrupted files. Cases are numbered; case `i` of a seed is always the same
/// input, so a failure is replayed from (mode, seed, index) alone.
public final class Campaign {
    /// The kinds of campaign.
    public enum Mode: String, CaseIterable {
        /// Generated and mutated programs (lexer, parser, interpreter).
        case programs
        /// Calls of every declared builtin and method with boundary arguments.
        case builtins
        /// Corrupted PNG, JPEG, .npy, safetensors, IDX and CIFAR files for the readers.
        case files
    }

    /// What this campaign generates.
    public let mode: Mode
    /// The seed every case derives from.
    public let seed: UInt64
    /// Runs and judges the cases.
    public let runner = Runner()
    /// The programs mutations start from (programs).
    let corpus: Corpus?
    /// The callees and their argument generator (builtins).
    public let calls: BuiltinCalls?
    /// The seed files and their mutations (files).
    let files: FileFuzzer?

    /// A campaign on the checkout at `root`; `extended` widens the programs' corpus to
    /// every notebook (the CI run keeps the fixed one).
    public init(_ mode: Mode, seed: UInt64, root: URL, extended: Bool = false) throws {
        self.mode = mode
        self.seed = seed
        corpus = mode == .programs ? try Corpus.load(root: root, extended: extended) : nil
        calls = mode == .builtins ? BuiltinCalls(registry: Session(output: { _ in }).interpreter.registry) : nil
        files = mode == .files ? try FileFuzzer(root: root) : nil
    }

    /// The input of case `index`: its generator (or callee, or format) and its text.
    public func input(_ index: Int) -> (kind: String, text: String) {
        switch mode {
        case .programs:
            var rng = SplitMix64(seed: seed, index: index)
            return Generators.make(&rng, corpus: corpus!)
        case .builtins:
            let p = calls!.program(seed: seed, index: index)
            return (p.name, p.text)
        case .files:
            let c = files!.makeCase(seed: seed, index: index)
            return (c.format.rawValue, c.program)
        }
    }

    /// Runs case `index` (in the working folder, which should be a temporary one for
    /// builtins and files) and judges it.
    public func run(_ index: Int) -> (kind: String, text: String, result: CaseResult) {
        switch mode {
        case .programs, .builtins:
            if mode == .builtins && index % 200 == 0 { Campaign.prepareFolder() }
            let (kind, text) = input(index)
            return (kind, text, runner.check(text, label: "\(mode.rawValue) case \(index) (\(kind)):\n\(text)"))
        case .files:
            let c = files!.makeCase(seed: seed, index: index)
            do {
                try c.write()
            } catch {
                return (c.format.rawValue, c.program, CaseResult(outcome: "problem", problem: "could not write the case's file: \(error)", seconds: 0))
            }
            let result = runner.check(c.program, label: "files case \(index) (\(c.format.rawValue))",
                                      nameInErrors: c.name, namedStatements: c.readingStatements)
            return (c.format.rawValue, c.program, result)
        }
    }

    /// The bytes of the files case `index` writes (file mode), to keep with a reproducer.
    public func caseFiles(_ index: Int) -> [(String, [UInt8])] {
        files.map { $0.makeCase(seed: seed, index: index).files } ?? []
    }

    /// Makes the files the builtins' path arguments name, fresh, in the working folder.
    public static func prepareFolder() {
        try? FileManager.default.createDirectory(atPath: "sub", withIntermediateDirectories: true)
        let session = Session(output: { _ in })
        try? session.run(source: BuiltinCalls.setupProgram, name: "setup.vis", display: false)
    }

    /// Makes a fresh temporary folder the working folder; returns the function that goes
    /// back and removes it. Builtin calls and file cases write only there.
    public static func enterTemporaryFolder() -> () -> Void {
        let fm = FileManager.default
        let old = fm.currentDirectoryPath
        let dir = fm.temporaryDirectory.appendingPathComponent("vis-fuzz-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try? fm.createDirectory(at: dir, withIntermediateDirectories: true)
        _ = fm.changeCurrentDirectoryPath(dir.path)
        return {
            _ = fm.changeCurrentDirectoryPath(old)
            try? fm.removeItem(at: dir)
        }
    }
}
