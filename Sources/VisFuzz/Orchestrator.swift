import Foundation
import VisFuzzKit

/// Runs the generator campaigns in child processes and summarises them (see Driver).
final class Orchestrator {
    let env = Driver.env
    /// Where findings, progress files and children's error output go.
    let out: URL
    /// The figures of one campaign.
    struct Tally {
        /// Cases that ran to their end.
        var cases = 0
        /// Cases by outcome, and by generator / callee / format.
        var outcomes: [String: Int] = [:]
        var kinds: [String: Int] = [:]
        /// Summary lines of the findings, and of the cases the watchdog interrupted.
        var crashes: [String] = []
        var hangs: [String] = []
        var problems: [String] = []
        var slow: [String] = []
    }

    init() {
        out = URL(fileURLWithPath: Driver.env["VIS_FUZZ_OUT"] ?? ".build-fuzz/findings")
        try? FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    }

    func run() throws -> Int32 {
        let seconds = Double(env["VIS_FUZZ_SECONDS"] ?? "") ?? 60
        let names = (env["VIS_FUZZ_CAMPAIGNS"] ?? "programs,builtins,files").split(separator: ",").map(String.init)
        var failures = 0
        for name in names {
            guard let mode = Campaign.Mode(rawValue: name) else { print("unknown campaign \(name)"); return 2 }
            let tally = try campaign(mode, seconds: seconds)
            failures += tally.crashes.count + tally.hangs.count + tally.problems.count
            report(mode, tally)
        }
        return failures == 0 ? 0 : 1
    }

    /// Runs one campaign for `seconds`, restarting a child after each crash or hang.
    func campaign(_ mode: Campaign.Mode, seconds: Double) throws -> Tally {
        let campaign = try Campaign(mode, seed: Driver.seed, root: Driver.root, extended: true)
        if mode == .builtins, let calls = campaign.calls {
            print("builtins: \(calls.callees.count) callees; skipped on purpose: \(calls.skipped.joined(separator: ", ")); methods of \(calls.uncovered.isEmpty ? "every type are called" : calls.uncovered.joined(separator: ", ") + " are not called (no receiver expression in BuiltinCalls.receivers)")")
        }
        let deadline = Date().timeIntervalSince1970 + seconds
        var tally = Tally()
        var start = Int(env["VIS_FUZZ_START"] ?? "") ?? 0
        let progress = out.appendingPathComponent("progress-\(mode.rawValue).txt")
        let log = out.appendingPathComponent("stderr-\(mode.rawValue).txt")
        while Date().timeIntervalSince1970 < deadline {
            _ = FileManager.default.createFile(atPath: progress.path, contents: nil)
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            let status = try spawn(["VIS_FUZZ_MODE": "child", "VIS_FUZZ_KIND": mode.rawValue, "VIS_FUZZ_START": String(start),
                                    "VIS_FUZZ_DEADLINE": String(deadline), "VIS_FUZZ_PROGRESS": progress.path],
                                   stderr: log, limit: deadline + 60 - Date().timeIntervalSince1970)
            // Tally what the child did.
            var last: Int?, finished: Int?
            let text = (try? String(contentsOf: progress, encoding: .utf8)) ?? ""
            for line in text.split(separator: "\n") {
                let f = line.split(separator: " ", maxSplits: 3).map(String.init)
                guard f.count >= 3, let i = Int(f[1]) else { continue }
                switch f[0] {
                case "C": last = i; tally.kinds[f[2], default: 0] += 1
                case "R":
                    finished = i
                    tally.cases += 1
                    tally.outcomes[f[2].replacingOccurrences(of: "_", with: " "), default: 0] += 1
                    if f[2] == "slow" { tally.slow.append("\(i) (\(f.count > 3 ? f[3] : "?") s): \(oneLine(campaign.input(i).text))") }
                case "P": tally.problems.append(record(campaign, i, "problem: \(f[2...].joined(separator: " "))", stderr: nil))
                default: break
                }
            }
            guard status != 0 else { break }
            // The child died in case `last`: a crash (a signal) or a hang (status 86 or killed).
            guard let i = last, i != finished else {
                tally.problems.append("child exited with status \(status) between cases after case \(last ?? -1)")
                break
            }
            let stderr = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            let what = status == 86 || status == -9 ? "hang" : "crash (status \(status))"
            let entry = record(campaign, i, what, stderr: stderr)
            if what == "hang" { tally.hangs.append(entry) } else { tally.crashes.append(entry) }
            start = i + 1
        }
        return tally
    }

    /// Writes case `i`'s reproducer to the findings folder (minimised when it crashes
    /// alone) and returns its summary line.
    func record(_ campaign: Campaign, _ i: Int, _ what: String, stderr: String?) -> String {
        let (kind, text) = campaign.input(i)
        let name = "\(campaign.mode.rawValue)-\(i)"
        let file = out.appendingPathComponent(name + ".vis")
        try? Data(text.utf8).write(to: file)
        var files = ""
        if campaign.mode == .files {
            let dir = out.appendingPathComponent(name)
            try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            for (path, bytes) in campaign.caseFiles(i) {
                let url = dir.appendingPathComponent(path)
                try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try? Data(bytes).write(to: url)
            }
            files = " (files in \(dir.path))"
        }
        var minimal = text
        if let stderr, what.hasPrefix("crash") && campaign.mode != .files {
            minimal = minimise(text, at: Orchestrator.frame(stderr))
            try? Data(minimal.utf8).write(to: out.appendingPathComponent(name + ".min.vis"))
        }
        let location = stderr.map(Orchestrator.location) ?? ""
        return "\(what) in \(campaign.mode.rawValue) case \(i) (\(kind))\(location.isEmpty ? "" : " at \(location)"): \(oneLine(minimal))\(files)\n    replay: VIS_FUZZ_MODE=replay VIS_FUZZ_KIND=\(campaign.mode.rawValue) VIS_FUZZ_SEED=\(Driver.seed) VIS_FUZZ_CASE=\(i) .build-fuzz/release/VisFuzz; saved as \(file.path)"
    }

    /// The innermost file:line of the project's sources in a crash's report ("" if none).
    static func frame(_ stderr: String) -> String {
        location(stderr).components(separatedBy: " -- ").first.flatMap { $0.hasPrefix("Sources/") ? $0 : nil } ?? ""
    }

    /// The first source location of the project in a crash's report (the Swift runtime's
    /// "Fatal error ... file:line" line or the backtrace), and the message.
    static func location(_ stderr: String) -> String {
        let lines = stderr.split(separator: "\n").map(String.init)
        let fatal = lines.first { $0.contains("Fatal error") || $0.contains("fatal error") || $0.contains("runtime failure") || $0.contains("vis-fuzz: ") }
            .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " *")) } ?? ""
        // The innermost frame in the project's sources, not the fuzzer's own.
        let pattern = "Sources/[A-Za-z]+/[A-Za-z0-9_/]*\\.swift:[0-9]+"
        let at = lines.lazy.compactMap { l in l.range(of: pattern, options: .regularExpression).map { String(l[$0]) } }
            .first { !$0.hasPrefix("Sources/VisFuzz") } ?? ""
        return [at, String(fatal.prefix(300))].filter { !$0.isEmpty }.joined(separator: " -- ")
    }

    /// Removes lines, whole arguments, then ever smaller runs of characters, while the
    /// program still crashes at the same place (`at`, a file:line; any place when empty).
    func minimise(_ text: String, at: String) -> String {
        var best = text
        var budget = Int(env["VIS_FUZZ_MINIMISE_RUNS"] ?? "") ?? 60
        func crashes(_ candidate: String) -> Bool {
            budget -= 1
            let file = out.appendingPathComponent("candidate.vis")
            let log = out.appendingPathComponent("candidate-stderr.txt")
            try? Data(candidate.utf8).write(to: file)
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            let status = (try? spawn(["VIS_FUZZ_MODE": "program", "VIS_FUZZ_FILE": file.path], stderr: log, limit: 60)) ?? 0
            // 0: ran; 2: the driver's own error; 3: a broken property without a signal;
            // -9: killed by the time limit. A crash elsewhere is another bug.
            guard ![0, 2, Driver.problemStatus, -9].contains(status) else { return false }
            return at.isEmpty || Orchestrator.frame((try? String(contentsOf: log, encoding: .utf8)) ?? "") == at
        }
        var lines = best.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var i = 0
        while i < lines.count && budget > 0 && lines.count > 1 {
            var candidate = lines
            candidate.remove(at: i)
            if crashes(candidate.joined(separator: "\n")) { lines = candidate } else { i += 1 }
        }
        best = lines.joined(separator: "\n")
        // Whole arguments: `, name=value` and `, value` items without brackets inside.
        for pattern in [",\\s*[A-Za-z_]+=[^,()\\[\\]]*", ",\\s*[^,()\\[\\]]+"] {
            var changed = true
            while changed && budget > 0 {
                changed = false
                var ranges: [Range<String.Index>] = []
                var from = best.startIndex
                while let r = best.range(of: pattern, options: .regularExpression, range: from..<best.endIndex) {
                    ranges.append(r)
                    from = r.upperBound
                }
                for r in ranges.reversed() where budget > 0 {
                    var candidate = best
                    candidate.removeSubrange(r)
                    if crashes(candidate) { best = candidate; changed = true; break }
                }
            }
        }
        var chunk = max(1, best.count / 4)
        while chunk >= 1 && budget > 0 {
            var at = 0
            while at < best.count && budget > 0 {
                var chars = Array(best)
                chars.removeSubrange(at..<min(chars.count, at + chunk))
                let candidate = String(chars)
                if crashes(candidate) { best = candidate } else { at += chunk }
            }
            chunk /= 2
        }
        return best
    }

    /// Runs this binary with `vars` added to the environment; returns its exit status
    /// (the negated signal when one ended it), killing it after `limit` seconds.
    func spawn(_ vars: [String: String], stderr: URL?, limit: Double) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var environment = env
        for (k, v) in vars { environment[k] = v }
        // Every frame (the default hides some), for the crash site.
        environment["SWIFT_BACKTRACE"] = "enable=yes,interactive=no,color=no,preset=full"
        p.environment = environment
        p.standardOutput = FileHandle.nullDevice
        p.standardError = stderr.flatMap { try? FileHandle(forWritingTo: $0) } ?? FileHandle.nullDevice
        try p.run()
        let end = Date().timeIntervalSince1970 + max(limit, 5)
        while p.isRunning {
            usleep(20_000)
            if Date().timeIntervalSince1970 > end {
                kill(p.processIdentifier, SIGKILL)
                p.waitUntilExit()
                return -9
            }
        }
        return p.terminationReason == .uncaughtSignal ? -p.terminationStatus : p.terminationStatus
    }

    /// The case number in a finding's line.
    static func caseNumber(_ line: String) -> String? {
        line.range(of: " case [0-9]+", options: .regularExpression).map { String(line[$0].dropFirst(6)) }
    }

    func oneLine(_ text: String) -> String {
        let s = text.replacingOccurrences(of: "\n", with: "; ")
        return s.count > 300 ? String(s.prefix(300)) + "..." : s
    }

    func report(_ mode: Campaign.Mode, _ t: Tally) {
        let outcomes = t.outcomes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        print("\(mode.rawValue): \(t.cases) cases; outcomes: \(outcomes)")
        if mode == .files {
            print("files per format: " + t.kinds.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        if mode == .builtins {
            print("builtin callees called: \(t.kinds.count)")
        }
        print("\(mode.rawValue): \(t.crashes.count) crashes, \(t.hangs.count) hangs, \(t.problems.count) other problems, \(t.slow.count) slow but interruptible")
        // Findings grouped by what went wrong (numbers aside), the first of each shown.
        var groups: [(String, [String])] = []
        for line in t.crashes + t.hangs + t.problems {
            let what = line.components(separatedBy: " in \(mode.rawValue) case ").first ?? line
            // The same kind of finding at the same source line (when the report had one).
            let site = line.range(of: " at Sources/[A-Za-z0-9_/]+\\.swift:[0-9]+", options: .regularExpression).map { String(line[$0]) } ?? ""
            let key = what.replacingOccurrences(of: "[0-9]+", with: "#", options: .regularExpression) + site
            if let g = groups.firstIndex(where: { $0.0 == key }) { groups[g].1.append(line) } else { groups.append((key, [line])) }
        }
        for (_, lines) in groups {
            print("  " + lines[0] + (lines.count > 1 ? "\n    (and \(lines.count - 1) more like it: cases \(lines.dropFirst().prefix(20).compactMap(Orchestrator.caseNumber).joined(separator: ", ")))" : ""))
        }
        for line in t.slow.prefix(10) { print("  slow (interrupted by the watchdog, then stopped): case " + line) }
    }
}
