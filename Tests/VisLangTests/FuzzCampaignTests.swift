import Foundation
import VisFuzzKit
import VisLang
import VisTensor
import XCTest

extension TestPaths {
    /// The checkout's root folder.
    static let root = stdlib.deletingLastPathComponent()
}

/// Short runs of the builtin-call and the corrupted-file campaigns (scripts/fuzz runs
/// them long, in child processes), the fuzz regressions, and checks of the harness.
/// `VIS_FUZZ_BUILTIN_CASES` and `VIS_FUZZ_FILE_CASES` set the counts,
/// `VIS_FUZZ_SEED` the seed; `VIS_FUZZ_SHOW=OUTCOME` prints the cases that ended so.
final class FuzzCampaignTests: XCTestCase {
    static let environment = ProcessInfo.processInfo.environment
    static let seed = UInt64(environment["VIS_FUZZ_SEED"] ?? "") ?? 0x5EED_F00D

    /// Runs `count` cases of `campaign` in a temporary folder with the limits lowered;
    /// returns the outcome counts and the failures (with how to replay each).
    func run(_ campaign: Campaign, count: Int) -> ([String: Int], [String]) {
        let (savedElements, savedLength) = (Shape.maxElements, Arith.maxLength)
        Runner.lowerLimits()
        defer { (Shape.maxElements, Arith.maxLength) = (savedElements, savedLength) }
        let restore = Campaign.enterTemporaryFolder()
        defer { restore() }
        return onThread { () -> ([String: Int], [String]) in
            var outcomes: [String: Int] = [:], failures: [String] = []
            for index in 0..<count {
                let (kind, text, result) = campaign.run(index)
                outcomes[result.outcome, default: 0] += 1
                if FuzzCampaignTests.environment["VIS_FUZZ_SHOW"] == result.outcome { print("case \(index) (\(kind)): \(text)") }
                if let problem = result.problem {
                    failures.append("\(campaign.mode.rawValue) case \(index) (\(kind); replay: VIS_FUZZ_MODE=replay VIS_FUZZ_KIND=\(campaign.mode.rawValue) VIS_FUZZ_SEED=\(campaign.seed) VIS_FUZZ_CASE=\(index) with scripts/fuzz's binary): \(problem)\n\(text)")
                }
            }
            return (outcomes, failures)
        }
    }

    func testEveryBuiltinCallGivesAValueOrAVisError() throws {
        let campaign = try Campaign(.builtins, seed: FuzzCampaignTests.seed, root: TestPaths.root)
        let calls = try XCTUnwrap(campaign.calls)
        // The signatures drive the calls: every function, method and member-table method
        // is found, and every type with methods has receivers to call them on.
        XCTAssertGreaterThan(calls.callees.count, 300)
        XCTAssertEqual(calls.uncovered, [], "types whose methods are not called: add receivers to BuiltinCalls.receivers")
        for name in ["conv2d", "tensor.sum", "string.split", "Optimizer.step", "Module.load_state_dict", "read_image"] {
            XCTAssertTrue(calls.callees.contains { $0.name == name }, name)
        }
        let count = Int(FuzzCampaignTests.environment["VIS_FUZZ_BUILTIN_CASES"] ?? "") ?? calls.callees.count * 2
        let (outcomes, failures) = run(campaign, count: count)
        print("fuzz builtins: \(count) calls of \(calls.callees.count) callees, seed \(campaign.seed); outcomes: \(outcomes.sorted { $0.key < $1.key })")
        XCTAssertEqual(failures.count, 0, failures.prefix(20).joined(separator: "\n\n"))
        // Boundary arguments must not all fail at binding: many calls run.
        XCTAssertGreaterThan(outcomes["ran"] ?? 0, count / 5, "\(outcomes)")
    }

    func testCorruptedFilesGiveAValueOrAnErrorNamingTheFile() throws {
        let campaign = try Campaign(.files, seed: FuzzCampaignTests.seed, root: TestPaths.root)
        let count = Int(FuzzCampaignTests.environment["VIS_FUZZ_FILE_CASES"] ?? "") ?? 900
        let (outcomes, failures) = run(campaign, count: count)
        print("fuzz files: \(count) corrupted files, seed \(campaign.seed); outcomes: \(outcomes.sorted { $0.key < $1.key })")
        XCTAssertEqual(failures.count, 0, failures.prefix(20).joined(separator: "\n\n"))
        XCTAssertGreaterThan(outcomes["runtime error"] ?? 0, count / 10, "\(outcomes)")
        XCTAssertGreaterThan(outcomes["ran"] ?? 0, count / 20, "\(outcomes)")
    }

    /// The unmutated seed files read without error, so the reading programs are right
    /// and the mutations start from files the readers accept.
    func testSeedFilesReadCleanly() throws {
        let fuzzer = try FileFuzzer(root: TestPaths.root)
        let restore = Campaign.enterTemporaryFolder()
        defer { restore() }
        let runner = Runner()
        for format in FileFuzzer.Format.allCases {
            let seeds = try XCTUnwrap(fuzzer.seeds[format])
            XCTAssertFalse(seeds.isEmpty, format.rawValue)
            for (i, bytes) in seeds.enumerated() where format != .idx || i == 0 {
                let c = fuzzer.unmutatedCase(format, seed: i)
                try c.write()
                let result = onThread { runner.check(c.program) }
                // npy fixtures include formats vis refuses (complex, Fortran order, big-endian): an error naming the file.
                XCTAssertNil(result.problem, "\(format) seed \(i)")
                if format != .npy { XCTAssertEqual(result.outcome, "ran", "\(format) seed \(i) (\(bytes.count) bytes)") }
            }
        }
    }

    /// Found by the file fuzzer: the readers' size checks and MNIST's shape check named
    /// no file (`load_npy: shape [99999999999] is too large`).
    func testReaderSizeErrorsNameTheFile() throws {
        let (savedElements, savedLength) = (Shape.maxElements, Arith.maxLength)
        Runner.lowerLimits()
        defer { (Shape.maxElements, Arith.maxLength) = (savedElements, savedLength) }
        let restore = Campaign.enterTemporaryFolder()
        defer { restore() }
        func le(_ v: Int, _ n: Int) -> [UInt8] { (0..<n).map { UInt8((v >> (8 * $0)) & 0xFF) } }
        func be32(_ v: Int) -> [UInt8] { (0..<4).reversed().map { UInt8((v >> (8 * $0)) & 0xFF) } }
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999,), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        let npy: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0] + le(header.utf8.count, 2) + Array(header.utf8) + [0, 0, 0, 0]
        let json = "{\"w\":{\"dtype\":\"F32\",\"shape\":[99999999999],\"data_offsets\":[0,4]}}"
        let safetensors = le(json.utf8.count, 8) + Array(json.utf8) + [0, 0, 0, 0]
        let images: [UInt8] = [0, 0, 8, 3] + be32(2) + be32(28) + be32(28) + [UInt8](repeating: 7, count: 2 * 28 * 28)
        let cases: [(files: [(String, [UInt8])], program: String, name: String)] = [
            ([("big.npy", npy)], "load_npy(\"big.npy\")", "big.npy"),
            ([("big.safetensors", safetensors)], "load_state_dict(\"big.safetensors\")", "big.safetensors"),
            ([("m1/train-images-idx3-ubyte", images), ("m1/train-labels-idx1-ubyte", [0, 0, 8, 1] + be32(1 << 24))],
             "MNIST(root=\"m1\")", "m1/train-labels-idx1-ubyte"),
            ([("m2/train-images-idx3-ubyte", images), ("m2/train-labels-idx1-ubyte", [0, 0, 8, 1] + be32(3) + [1, 2, 3])],
             "MNIST(root=\"m2\")", "m2/train-labels-idx1-ubyte"),
        ]
        let runner = Runner()
        for c in cases {
            for (path, bytes) in c.files {
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try Data(bytes).write(to: URL(fileURLWithPath: path))
            }
            let result = onThread { runner.check(c.program, nameInErrors: c.name, namedStatements: 1) }
            XCTAssertEqual(result.outcome, "runtime error", c.program)
            XCTAssertNil(result.problem, c.program)
        }
    }

    /// A case still running past the soft limit is interrupted (outcome "slow"), and the
    /// run goes on.
    func testWatchdogInterruptsASlowCase() {
        let runner = Runner()
        runner.stepBudget = Int.max
        runner.softSeconds = 0.3
        let result = onThread { runner.check("x = 0\nwhile true { x += 1 }") }
        XCTAssertEqual(result.outcome, "slow")
        XCTAssertNil(result.problem)
        XCTAssertLessThan(result.seconds, 5)
        XCTAssertFalse(Interrupt.requested)
        XCTAssertEqual(onThread { runner.check("1 + 1") }.outcome, "ran")
    }

    /// Inputs the fuzzers found that crashed or hung: each must now be a value or a vis error.
    func testFuzzRegressions() throws {
        let dir = TestPaths.root.appendingPathComponent("Tests/fuzz/regressions")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".vis") }.sorted()
        let restore = Campaign.enterTemporaryFolder()
        defer { restore() }
        let (savedElements, savedLength) = (Shape.maxElements, Arith.maxLength)
        Runner.lowerLimits()
        defer { (Shape.maxElements, Arith.maxLength) = (savedElements, savedLength) }
        let runner = Runner()
        for name in names {
            let text = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
            let result = onThread { runner.check(text, name: name) }
            XCTAssertNil(result.problem, name)
            XCTAssertNotEqual(result.outcome, "slow", name)
        }
    }
}
