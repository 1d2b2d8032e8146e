import Foundation
import VisLang
import VisFuzzKit
import VisTensor
import XCTest

/// Feeds generated and mutated programs through the lexer, the parser and the
/// interpreter, and checks that nothing crashes or hangs and that every failure is a
/// vis error (or an `exit` request).
///
/// `VIS_FUZZ_CASES` sets the number of cases (6,000 by default, a CI-sized run;
/// scripts/fuzz runs the same generators (Sources/VisFuzzKit) for a time budget in a
/// release build, in child processes), `VIS_FUZZ_SEED` the seed (fixed by default, so a
/// run is reproducible), and `VIS_FUZZ_CASE` replays the one case of that index.
final class FuzzTests: XCTestCase {
    static let environment = ProcessInfo.processInfo.environment
    static let cases = Int(environment["VIS_FUZZ_CASES"] ?? "") ?? 6_000
    static let seed = UInt64(environment["VIS_FUZZ_SEED"] ?? "") ?? 0x5EED_F00D
    static let onlyCase = Int(environment["VIS_FUZZ_CASE"] ?? "")

    /// Statements, loop iterations and native loop steps each program may take.
    static let stepBudget = 10_000

    /// The runner of every case (one: its watchdog thread lives as long as the process).
    static let runner: Runner = {
        let r = Runner()
        r.stepBudget = stepBudget
        return r
    }()

    /// One failed case: how to replay it and what went wrong.
    struct Failure: CustomStringConvertible {
        let index: Int
        let generator: String
        let input: String
        let problem: String
        var description: String {
            "case \(index) (\(generator); replay with VIS_FUZZ_SEED=\(FuzzTests.seed) VIS_FUZZ_CASE=\(index)): \(problem)\ninput: \(input.debugDescription.prefix(2_000))"
        }
    }

    // MARK: The run

    func testGeneratedProgramsNeverCrash() throws {
        let corpus = try Corpus.load(root: TestPaths.root)
        XCTAssertGreaterThan(corpus.notebooks.count, 10)
        let indices = FuzzTests.onlyCase.map { [$0] } ?? Array(0..<FuzzTests.cases)
        let started = Date()
        // Keep generated programs small: a program that builds a huge tensor or list
        // gets an error instead of taking the machine's memory.
        let (savedElements, savedLength) = (Shape.maxElements, Arith.maxLength)
        Runner.lowerLimits()
        // Programs that write files write them in a temporary folder.
        let restore = Campaign.enterTemporaryFolder()
        defer { restore() }
        defer { (Shape.maxElements, Arith.maxLength) = (savedElements, savedLength) }
        let (failures, stats) = onThread { () -> ([Failure], [String: Int]) in
            var failures: [Failure] = []
            var stats: [String: Int] = [:]
            for index in indices {
                var rng = SplitMix64(seed: FuzzTests.seed, index: index)
                let (generator, input) = Generators.make(&rng, corpus: corpus)
                let (outcome, problem) = FuzzTests.check(input)
                stats[outcome, default: 0] += 1
                if let problem {
                    failures.append(Failure(index: index, generator: generator, input: input, problem: problem))
                    if failures.count >= 20 { break }
                }
            }
            return (failures, stats)
        }
        let seconds = Date().timeIntervalSince(started)
        print("fuzz: \(indices.count) cases, seed \(FuzzTests.seed), \(String(format: "%.1f", seconds)) s; outcomes: \(stats.sorted { $0.key < $1.key })")
        XCTAssertEqual(failures.count, 0, failures.map(\.description).joined(separator: "\n\n"))
        // The generators must reach every stage, or the run proves little.
        if FuzzTests.onlyCase == nil {
            for stage in ["lex error", "parse error", "runtime error", "ran"] {
                XCTAssertGreaterThan(stats[stage] ?? 0, indices.count / 50, "too few cases ended in \(stage): \(stats)")
            }
        }
    }

    /// Runs one input through every stage; returns how it ended, and a problem if any.
    static func check(_ input: String) -> (String, String?) {
        let result = runner.check(input)
        return (result.outcome, result.problem)
    }

    // MARK: Self-checks of the harness

    func testGeneratorsAreReproducible() throws {
        let corpus = try Corpus.load(root: TestPaths.root)
        for index in [0, 1, 17, 4_242] {
            var a = SplitMix64(seed: 99 ^ UInt64(index)), b = SplitMix64(seed: 99 ^ UInt64(index))
            let x = Generators.make(&a, corpus: corpus), y = Generators.make(&b, corpus: corpus)
            XCTAssertEqual(x.0, y.0)
            XCTAssertEqual(x.1, y.1)
        }
    }

    func testCheckFlagsNothingOnRealNotebooks() throws {
        for (name, text) in try Corpus.load(root: TestPaths.root).notebooks {
            let (_, problem) = onThread { FuzzTests.check(text) }
            XCTAssertNil(problem, name)
        }
    }

    func testHangingProgramsStopAtTheStepBudget() {
        for program in ["while true { }", "for i in range(1000000000) { }", "x = list(range(1000000000))",
                        "fn f() { while true { } }\nf()", "sorted(range(100000000))"] {
            let (outcome, problem) = onThread { FuzzTests.check(program) }
            XCTAssertNil(problem)
            XCTAssertEqual(outcome, "runtime error", program)
        }
    }
}

