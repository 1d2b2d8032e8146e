import Foundation
import VisFuzzKit
import VisLang
import VisTensor

/// The generator campaigns (programs, builtins, files), run by scripts/fuzz through
/// `VIS_FUZZ_MODE`:
/// - `run`: for each campaign in `VIS_FUZZ_CAMPAIGNS` (all by default) for
///   `VIS_FUZZ_SECONDS` seconds each, runs cases in child processes of this binary, so a
///   crash (a signal) or a hang ends one child: the case is recorded, minimised, written
///   to `VIS_FUZZ_OUT`, and a new child goes on from the next case. Prints a summary.
/// - `child`: runs cases `VIS_FUZZ_START...` of campaign `VIS_FUZZ_KIND` until
///   `VIS_FUZZ_DEADLINE` (seconds since 1970), writing its progress to `VIS_FUZZ_PROGRESS`.
/// - `replay`: runs case `VIS_FUZZ_CASE` of `VIS_FUZZ_KIND` alone, printing it first.
/// - `program`: runs the program in file `VIS_FUZZ_FILE` as a case (minimisation).
/// - `seeds`: writes the libFuzzer seed corpus (notebooks and their statements) to
///   `VIS_FUZZ_OUT`, and a dictionary of tokens and builtin names to `VIS_FUZZ_DICT`.
enum Driver {
    static let env = ProcessInfo.processInfo.environment
    static let seed = UInt64(env["VIS_FUZZ_SEED"] ?? "") ?? 0x5EED_F00D
    static let root = Corpus.checkout()
    /// The exit status of `replay` and `program` when the property broke without a
    /// signal (1 is what the sanitizer runtime's handler exits with after a SEGV).
    static let problemStatus: Int32 = 3

    static func main(mode: String) -> Int32 {
        setvbuf(stdout, nil, _IOLBF, 0)
        Runner.lowerLimits()
        do {
            switch mode {
            case "run": return try Orchestrator().run()
            case "child": return try child()
            case "replay": return try replay()
            case "program": return try program()
            case "seeds": return try seeds()
            default:
                print("VIS_FUZZ_MODE must be run, child, replay, program or seeds, not '\(mode)'")
                return 2
            }
        } catch {
            print("vis-fuzz: \(error)")
            return 2
        }
    }

    static func campaign(_ name: String?) throws -> Campaign {
        guard let mode = Campaign.Mode(rawValue: name ?? "") else {
            throw NSError(domain: "vis-fuzz", code: 2, userInfo: [NSLocalizedDescriptionKey: "VIS_FUZZ_KIND must be programs, builtins or files"])
        }
        return try Campaign(mode, seed: seed, root: root, extended: true)
    }

    /// Runs cases from `VIS_FUZZ_START` until the deadline, noting each in the progress
    /// file before it runs ("C index kind") and after ("R index outcome seconds"), and
    /// any broken property ("P index problem").
    static func child() throws -> Int32 {
        let campaign = try campaign(env["VIS_FUZZ_KIND"])
        let start = Int(env["VIS_FUZZ_START"] ?? "") ?? 0
        let end = Int(env["VIS_FUZZ_END"] ?? "") ?? Int.max
        let deadline = Double(env["VIS_FUZZ_DEADLINE"] ?? "") ?? Date().timeIntervalSince1970 + 60
        guard let path = env["VIS_FUZZ_PROGRESS"], let progress = FileHandle(forWritingAtPath: path) else { return 2 }
        progress.seekToEndOfFile()
        func note(_ line: String) { progress.write(Data((line + "\n").utf8)) }
        let restore = Campaign.enterTemporaryFolder()
        defer { restore() }
        if campaign.mode == .builtins { Campaign.prepareFolder() }
        let worker = BigStackWorker()
        var index = start
        while index < end && Date().timeIntervalSince1970 < deadline {
            note("C \(index) \(campaign.input(index).kind.replacingOccurrences(of: " ", with: "_"))")
            let (_, _, result) = worker.run { campaign.run(index) }
            note("R \(index) \(result.outcome.replacingOccurrences(of: " ", with: "_")) \(String(format: "%.3f", result.seconds))")
            if let problem = result.problem { note("P \(index) \(problem.replacingOccurrences(of: "\n", with: "\\n"))") }
            index += 1
        }
        return 0
    }

    static func replay() throws -> Int32 {
        let campaign = try campaign(env["VIS_FUZZ_KIND"])
        guard let index = Int(env["VIS_FUZZ_CASE"] ?? "") else { print("set VIS_FUZZ_CASE"); return 2 }
        let restore = Campaign.enterTemporaryFolder()
        defer { restore() }
        if campaign.mode == .builtins { Campaign.prepareFolder() }
        let (kind, text) = campaign.input(index)
        print("\(campaign.mode.rawValue) case \(index) (\(kind)), seed \(seed):\n\(text)\n---")
        let result = BigStackWorker().run { campaign.run(index) }.result
        print("outcome: \(result.outcome)\(result.problem.map { "; problem: \($0)" } ?? "")")
        return result.problem == nil ? 0 : Driver.problemStatus
    }

    static func program() throws -> Int32 {
        guard let path = env["VIS_FUZZ_FILE"] else { print("set VIS_FUZZ_FILE"); return 2 }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        // In a temporary folder with the files the builtin calls name, as the cases ran.
        let restore = Campaign.enterTemporaryFolder()
        defer { restore() }
        Campaign.prepareFolder()
        let result = BigStackWorker().run { Runner().check(text) }
        print("outcome: \(result.outcome)\(result.problem.map { "; problem: \($0)" } ?? "")")
        return result.problem == nil ? 0 : Driver.problemStatus
    }

    static func seeds() throws -> Int32 {
        guard let out = env["VIS_FUZZ_OUT"] else { print("set VIS_FUZZ_OUT"); return 2 }
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let seeds = try Corpus.load(root: root, extended: true).seeds()
        for (i, s) in seeds.enumerated() {
            try Data(s.utf8).write(to: URL(fileURLWithPath: out).appendingPathComponent(String(format: "seed-%05d.vis", i)))
        }
        print("\(seeds.count) seeds in \(out)")
        // A libFuzzer dictionary: the language's tokens and every builtin's name.
        if let dict = env["VIS_FUZZ_DICT"] {
            let registry = Session(output: { _ in }).interpreter.registry
            let words = Set(Generators.vocabulary + registry.globals.keys + registry.methods.values.flatMap(\.keys).map { "." + $0 })
            let lines = words.sorted().map(dictionaryEntry)
            try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: dict))
        }
        return 0
    }

    /// A word as a libFuzzer dictionary line: quoted, with quotes, backslashes and
    /// bytes outside printable ASCII escaped.
    static func dictionaryEntry(_ word: String) -> String {
        var out = "\""
        for b in word.utf8 {
            if b == 0x22 || b == 0x5C {
                out += "\\" + String(UnicodeScalar(b))
            } else if b < 0x20 || b > 0x7E {
                out += String(format: "\\x%02X", b)
            } else {
                out += String(UnicodeScalar(b))
            }
        }
        return out + "\""
    }
}
