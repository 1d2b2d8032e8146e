import Foundation
import XCTest
import VisTensor

/// The REPL's and `vis test`'s own writes (`:save`, `--update`) go through the atomic
/// writer: a link is replaced and its target left alone, a device is refused, a missing
/// folder is an error, an existing file keeps its mode, no temporary file is left.
final class SavedFilesTests: XCTestCase {
    var base = ""
    var work = ""
    var home: String { base + "/home" }

    override func setUpWithError() throws {
        base = FileManager.default.temporaryDirectory.appendingPathComponent("vis-saved-\(UUID().uuidString)").path
        work = base + "/work"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: base)
    }

    func status(_ path: String) -> stat? {
        var s = stat()
        return lstat(path, &s) == 0 ? s : nil
    }

    func names() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: work)) ?? []).sorted() }

    func testSaveCommandReplacesALinkAndRefusesADevice() throws {
        let target = base + "/target.vis"
        try "precious\n".write(toFile: target, atomically: false, encoding: .utf8)
        chmod(target, 0o640)
        XCTAssertEqual(symlink(target, work + "/s.vis"), 0)
        let devnull = try XCTUnwrap(status("/dev/null"))
        // A piped script stops at a failed command: one run each.
        func save(_ path: String) throws -> String {
            let r = try CommandLineTests.runVis([], stdin: "x = 1\n:save \(path)\n", cwd: work, home: home)
            return r.out + r.err
        }
        var out = try save("s.vis")
        XCTAssertTrue(out.contains("to s.vis"), out)
        out = try save("/dev/null")
        XCTAssertTrue(out.contains("error: :save: cannot write '/dev/null': it is a character device, not a regular file"), out)
        out = try save("missing/s.vis")
        XCTAssertTrue(out.contains("error: :save: cannot write 'missing/s.vis': no such folder 'missing'"), out)
        XCTAssertEqual(try String(contentsOfFile: target, encoding: .utf8), "precious\n")
        XCTAssertEqual(status(target).map { $0.st_mode & 0o777 }, 0o640)
        XCTAssertEqual(status(work + "/s.vis").map { $0.st_mode & S_IFMT }, S_IFREG)
        let after = try XCTUnwrap(status("/dev/null"))
        XCTAssertEqual(after.st_mode, devnull.st_mode)
        XCTAssertEqual(after.st_rdev, devnull.st_rdev)
        XCTAssertEqual(names(), ["s.vis"])
    }

    func testUpdateKeepsTheNotebooksModeAndLeavesNoTemporaryFile() throws {
        let nb = work + "/nb.vis"
        try "1 + 1\n#> 3\n".write(toFile: nb, atomically: false, encoding: .utf8)
        chmod(nb, 0o604)
        let r = try CommandLineTests.runVis(["test", "--update", "nb.vis"], cwd: work, home: home)
        XCTAssertEqual(r.status, 0, r.out + r.err)
        XCTAssertEqual(try String(contentsOfFile: nb, encoding: .utf8), "1 + 1\n#> 2\n")
        XCTAssertEqual(status(nb).map { $0.st_mode & 0o777 }, 0o604)
        XCTAssertEqual(names(), ["nb.vis"])
    }

    /// Ctrl-C while a script saves a 64 MB tensor over and over: wherever it lands (in a
    /// write, between chunks, between statements), the file is a whole .npy and no
    /// temporary file is left.
    func testInterruptedSavesLeaveAWholeFileAndNoTemporaryFile() throws {
        let script = "big = ones(4096, 4096)\nsave_npy(big, \"big.npy\")\nprint(\"go\")\nfor i in range(200) { save_npy(big * i, \"big.npy\") }\n"
        let r = try CommandLineTests.runVis([], stdin: script, cwd: work, home: home, interruptAfter: "go")
        XCTAssertNotEqual(r.status, 0, r.out + r.err)
        XCTAssertTrue(r.err.contains("interrupted"), r.err)
        XCTAssertEqual(names(), ["big.npy"])
        let t = try Tensor.loadNPY(path: work + "/big.npy")
        XCTAssertEqual(t.shape, [4096, 4096])
    }
}
