import Foundation
import XCTest
@testable import VisREPL
import VisTensor

/// The REPL history file (issue 15): read with a size limit, written atomically, and a
/// link or a device at its path left alone (as root, a history linked to /dev/null used
/// to turn /dev/null into mode 0600; a huge history was read whole before the prompt).
final class HistoryFileTests: XCTestCase {

    /// glibc's makedev (a macro Swift does not import).
    static func device(major: UInt32, minor: UInt32) -> dev_t {
        let ma = dev_t(major), mi = dev_t(minor)
        return (mi & 0xff) | ((ma & 0xfff) << 8) | ((mi & ~0xff) << 12) | ((ma & ~0xfff) << 32)
    }
    var base = ""
    var home = ""

    override func setUpWithError() throws {
        base = FileManager.default.temporaryDirectory.appendingPathComponent("vis-history-\(UUID().uuidString)").path
        home = base + "/home"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: base)
    }

    var historyPath: String { home + "/.vis_history" }

    func status(_ path: String) -> stat? {
        var s = stat()
        return lstat(path, &s) == 0 ? s : nil
    }

    /// Makes a private character device (1, 3 is /dev/null, 1, 5 /dev/zero); skips
    /// the test when not root.
    func makeDevice(_ path: String, minor: UInt32, mode: mode_t = 0o644) throws {
        if geteuid() != 0 { throw XCTSkip("needs root to make a device node with mknod; these tests run as root here") }
        guard mknod(path, S_IFCHR | mode, HistoryFileTests.device(major: 1, minor: minor)) == 0 else {
            throw XCTSkip("mknod failed here (\(String(cString: strerror(errno))))")
        }
        chmod(path, mode)
    }

    /// Starts the REPL in a pty and waits for its prompt.
    func start(file: StaticString = #filePath, line: UInt = #line) throws -> PseudoTerminal {
        let t = try PseudoTerminal(home: home, cwd: base, file: file, line: line)
        t.expect(">>> ", file: file, line: line)
        return t
    }

    /// The most memory the process `pid` has used (VmHWM), in bytes.
    func peakMemory(_ pid: pid_t) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kb = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") else { return nil }
        return kb * 1024
    }

    // MARK: The format

    /// Lines libedit's write_history wrote (strvis with VIS_WHITE, C.UTF-8 locale) and
    /// the entries they hold: this version reads them and writes the same lines.
    static let libeditLines: [(line: String, entry: String)] = [
        ("a\\011b\\134c\\040d", "a\tb\\c d"),
        ("x\\040=\\040\"héllo\\040😀\"", "x = \"héllo 😀\""),
        ("line1\\012line2", "line1\nline2"),
        ("ctl\\^A\\^[\\040end\\^?", "ctl\u{1}\u{1b} end\u{7f}"),
        ("nbsp\u{a0}x", "nbsp\u{a0}x"),
        ("1\\040+\\0401", "1 + 1"),
    ]

    func testEntriesAreEncodedAsLibeditDoes() {
        for (line, entry) in HistoryFileTests.libeditLines {
            XCTAssertEqual(HistoryFile.encode(entry), line)
            XCTAssertEqual(HistoryFile.decode(Array(line.utf8)), entry)
        }
    }

    /// Every escape strunvis knows decodes (other vis encoders write them).
    func testOtherStrvisEscapesDecode() {
        let cases: [(String, String)] = [
            ("\\M-C\\M-)", "é"), ("\\n\\t\\s\\\\", "\n\t \\"), ("a\\$b", "ab"), ("\\E", "\u{1b}"),
            ("\\7", "\u{7}"), ("\\1012", "A2"), ("\\M^?", "\u{fffd}"), ("trailing\\", "trailing\\"), ("\\q", "\\q"),
        ]
        for (line, entry) in cases { XCTAssertEqual(HistoryFile.decode(Array(line.utf8)), entry, line) }
    }

    func testSaveThenLoadRoundTrips() throws {
        let entries = HistoryFileTests.libeditLines.map(\.entry) + ["fn f(x) {\n  return x\n}"]
        try HistoryFile.save(entries, to: historyPath)
        XCTAssertEqual(status(historyPath).map { $0.st_mode & 0o777 }, 0o600)
        let text = try String(contentsOfFile: historyPath, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("_HiStOrY_V2_\n"))
        XCTAssertEqual(HistoryFile.load(path: historyPath, limit: 1000), .init(entries: entries, canSave: true, warning: nil))
        XCTAssertEqual(HistoryFile.load(path: historyPath, limit: 2).entries, Array(entries.suffix(2)))
        // An existing history keeps its mode.
        chmod(historyPath, 0o640)
        try HistoryFile.save(["1"], to: historyPath)
        XCTAssertEqual(status(historyPath).map { $0.st_mode & 0o777 }, 0o640)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: home), [".vis_history"])
    }

    /// Saving keeps the newest entries that fit in the size read back: all of them load.
    func testSaveKeepsOnlyWhatTheNextSessionReads() throws {
        let big = String(repeating: "x", count: 1 << 20)
        let entries = (0..<6).map { "\($0)" + big }
        try HistoryFile.save(entries, to: historyPath)
        let size = try XCTUnwrap(status(historyPath)).st_size
        XCTAssertLessThanOrEqual(Int(size), HistoryFile.maxBytes)
        let loaded = HistoryFile.load(path: historyPath, limit: 1000).entries
        XCTAssertEqual(loaded, Array(entries.suffix(3)))
    }

    // MARK: What is left alone

    func testLinkIsNeitherReadNorSaved() throws {
        let target = base + "/target"
        try "_HiStOrY_V2_\nsecret\n".write(toFile: target, atomically: false, encoding: .utf8)
        chmod(target, 0o644)
        XCTAssertEqual(symlink(target, historyPath), 0)
        let loaded = HistoryFile.load(path: historyPath, limit: 1000)
        XCTAssertEqual(loaded.entries, [])
        XCTAssertFalse(loaded.canSave)
        XCTAssertEqual(loaded.warning, "vis: the history file \(historyPath) is a symbolic link; it is left as it is and this session's history is not saved")
        XCTAssertThrowsError(try HistoryFile.save(["x"], to: historyPath))
        XCTAssertEqual(try String(contentsOfFile: target, encoding: .utf8), "_HiStOrY_V2_\nsecret\n")
        XCTAssertEqual(status(target).map { $0.st_mode & 0o777 }, 0o644)
    }

    func testFifoAndForeignFileAreLeftAlone() throws {
        XCTAssertEqual(mkfifo(historyPath, 0o644), 0)
        let start = Date()
        let fifo = HistoryFile.load(path: historyPath, limit: 1000)
        XCTAssertLessThan(Date().timeIntervalSince(start), 1)
        XCTAssertFalse(fifo.canSave)
        XCTAssertEqual(fifo.warning, "vis: the history file \(historyPath) is a fifo, not a regular file; it is left as it is and this session's history is not saved")
        unlink(historyPath)
        try "my notes\n".write(toFile: historyPath, atomically: false, encoding: .utf8)
        let foreign = HistoryFile.load(path: historyPath, limit: 1000)
        XCTAssertFalse(foreign.canSave)
        XCTAssertEqual(foreign.warning, "vis: the history file \(historyPath) is not a vis history (its first line is not _HiStOrY_V2_); it is left as it is and this session's history is not saved")
        // Missing and empty files are fine.
        unlink(historyPath)
        XCTAssertEqual(HistoryFile.load(path: historyPath, limit: 1000), .init(entries: [], canSave: true, warning: nil))
        FileManager.default.createFile(atPath: historyPath, contents: nil)
        XCTAssertEqual(HistoryFile.load(path: historyPath, limit: 1000), .init(entries: [], canSave: true, warning: nil))
    }

    /// A history of 8 GB (sparse) and one of 3 million entries load in well under a
    /// second with memory proportional to the 4 MB read, keeping the last entries.
    func testHugeHistoryIsReadWithABound() throws {
        let fd = open(historyPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        XCTAssertGreaterThanOrEqual(fd, 0)
        _ = "_HiStOrY_V2_\n".withCString { write(fd, $0, 13) }
        XCTAssertEqual(ftruncate(fd, 8 << 30), 0)
        close(fd)
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        let peakBefore = usage.ru_maxrss
        var start = Date()
        let sparse = HistoryFile.load(path: historyPath, limit: 1000)
        XCTAssertLessThan(Date().timeIntervalSince(start), 2)
        XCTAssertTrue(sparse.canSave)
        XCTAssertLessThanOrEqual(sparse.entries.count, 1000)

        var text = "_HiStOrY_V2_\n"
        text.reserveCapacity(40_000_000)
        for i in 0..<3_000_000 { text += "entry\\040\(i)\n" }
        try text.write(toFile: historyPath, atomically: false, encoding: .utf8)
        text = ""
        start = Date()
        let many = HistoryFile.load(path: historyPath, limit: 1000)
        XCTAssertLessThan(Date().timeIntervalSince(start), 2)
        XCTAssertEqual(many.entries.count, 1000)
        XCTAssertEqual(many.entries.first, "entry 2999000")
        XCTAssertEqual(many.entries.last, "entry 2999999")
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        // ru_maxrss is in kilobytes: the peak grew by less than 200 MB (the 40 MB test
        // text included), where reading the whole sparse file would take 8 GB.
        XCTAssertLessThan(usage.ru_maxrss - peakBefore, 200 * 1024)
    }

    // MARK: The REPL, as root, in a terminal

    /// As root, ~/.vis_history a link to a private /dev/null node: the REPL warns once,
    /// runs, and leaves the node's mode and owner as they were (libedit's write_history
    /// chmod'ed it to 0600).
    func testREPLLeavesAHistoryLinkedToADeviceAlone() throws {
        let node = base + "/null"
        try makeDevice(node, minor: 3, mode: 0o666)
        XCTAssertEqual(symlink(node, historyPath), 0)
        let before = try XCTUnwrap(status(node))
        let t = try start()
        XCTAssertTrue(t.transcript.contains("is a symbolic link; it is left as it is and this session's history is not saved"), t.transcript)
        t.clear()
        t.type("a = 41\r")
        t.expect(">>> ")
        t.type("a + 1\r")
        t.expect("42")
        t.type("\u{4}")
        XCTAssertEqual(t.waitForExit(), 0)
        let after = try XCTUnwrap(status(node))
        XCTAssertEqual(after.st_mode, before.st_mode, "mode changed to \(String(after.st_mode & 0o7777, radix: 8))")
        XCTAssertEqual(after.st_uid, before.st_uid)
        XCTAssertEqual(after.st_gid, before.st_gid)
        XCTAssertEqual(after.st_rdev, before.st_rdev)
        XCTAssertEqual(status(historyPath).map { $0.st_mode & S_IFMT }, S_IFLNK)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: historyPath), node)
    }

    /// As root, ~/.vis_history a private /dev/zero node: the prompt comes at once with
    /// small memory (it used to read without end), and the node is unchanged.
    func testREPLStartsPromptlyWithAZeroDeviceHistory() throws {
        try makeDevice(historyPath, minor: 5, mode: 0o644)
        let before = try XCTUnwrap(status(historyPath))
        let start = Date()
        let t = try PseudoTerminal(home: home, cwd: base)
        XCTAssertTrue(t.expect(">>> ", timeout: 5))
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
        XCTAssertTrue(t.transcript.contains("is a character device, not a regular file"), t.transcript)
        XCTAssertLessThan(peakMemory(t.pid) ?? 0, 1 << 30)
        t.type("\u{4}")
        XCTAssertEqual(t.waitForExit(), 0)
        let after = try XCTUnwrap(status(historyPath))
        XCTAssertEqual(after.st_mode, before.st_mode)
        XCTAssertEqual(after.st_rdev, before.st_rdev)
    }

    /// A sparse 8 GB history: the prompt comes within seconds with small memory, and
    /// leaving saves a small history in its place.
    func testREPLStartsPromptlyWithAHugeHistory() throws {
        let fd = open(historyPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        _ = "_HiStOrY_V2_\nold\\040entry\n".withCString { write(fd, $0, 23) }
        XCTAssertEqual(ftruncate(fd, 8 << 30), 0)
        close(fd)
        let start = Date()
        let t = try PseudoTerminal(home: home, cwd: base)
        XCTAssertTrue(t.expect(">>> ", timeout: 5))
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
        XCTAssertLessThan(peakMemory(t.pid) ?? 0, 1 << 30)
        t.type("b = 2\r")
        // The prompt after the statement: a ^D typed before it could be dropped when the
        // line editor takes the terminal back.
        XCTAssertTrue(t.expect(">>> ", occurrences: 2))
        t.type("\u{4}")
        XCTAssertEqual(t.waitForExit(), 0)
        XCTAssertEqual(try String(contentsOfFile: historyPath, encoding: .utf8), "_HiStOrY_V2_\nb\\040=\\0402\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: home), [".vis_history"])
    }
}
