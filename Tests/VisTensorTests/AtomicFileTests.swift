import Foundation
import XCTest
@testable import VisTensor

/// The one writer every file vis writes goes through: modes, links, devices, and no
/// temporary file left after any failure (issue 15).
final class AtomicFileTests: XCTestCase {

    /// glibc's makedev (a macro Swift does not import).
    static func device(major: UInt32, minor: UInt32) -> dev_t {
        let ma = dev_t(major), mi = dev_t(minor)
        return (mi & 0xff) | ((ma & 0xfff) << 8) | ((mi & ~0xff) << 12) | ((ma & ~0xfff) << 32)
    }
    var dir = ""

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("vis-atomic-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        chmod(dir, 0o755)
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// The file's status without following a link.
    func status(_ path: String) -> stat? {
        var s = stat()
        return lstat(path, &s) == 0 ? s : nil
    }

    func contents(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

    /// Every name in the test folder (a leftover temporary file would show here).
    func names() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted() }

    /// Skips a test that needs root (mknod, chown).
    func requireRoot() throws {
        if geteuid() != 0 { throw XCTSkip("needs root (mknod / chown); these tests run as root here") }
    }

    /// Makes a private character device like /dev/null (1, 3) with `mode`.
    func makeNullDevice(_ path: String, mode: mode_t = 0o644) throws {
        guard mknod(path, S_IFCHR | mode, AtomicFileTests.device(major: 1, minor: 3)) == 0 else {
            throw XCTSkip("mknod failed here (\(String(cString: strerror(errno))))")
        }
        chmod(path, mode)
    }

    func testNewFileGetsTheModeAPlainCreateGives() throws {
        let old = umask(0o027)
        defer { umask(old) }
        try AtomicFile.write("hello", to: dir + "/a.txt")
        XCTAssertEqual(contents(dir + "/a.txt"), "hello")
        XCTAssertEqual(status(dir + "/a.txt").map { $0.st_mode & 0o7777 }, 0o640)
        try AtomicFile.write("private", to: dir + "/b.txt", newFileMode: 0o600)
        XCTAssertEqual(status(dir + "/b.txt").map { $0.st_mode & 0o7777 }, 0o600)
        XCTAssertEqual(names(), ["a.txt", "b.txt"])
    }

    func testExistingFileKeepsItsModeAndOwner() throws {
        let path = dir + "/kept.txt"
        try AtomicFile.write("old", to: path)
        chmod(path, 0o604)
        let owned = geteuid() == 0 && chown(path, 1234, 5678) == 0
        try AtomicFile.write("new", to: path)
        XCTAssertEqual(contents(path), "new")
        let s = try XCTUnwrap(status(path))
        XCTAssertEqual(s.st_mode & 0o7777, 0o604)
        if owned {
            XCTAssertEqual(s.st_uid, 1234)
            XCTAssertEqual(s.st_gid, 5678)
        }
        XCTAssertEqual(names(), ["kept.txt"])
    }

    /// A symlink at the destination is replaced by the new file; its target keeps its
    /// content and mode (Python's open() would write through it: vis does not).
    func testSymlinkIsReplacedAndItsTargetIsUntouched() throws {
        let target = dir + "/target.txt", link = dir + "/link.txt"
        try "precious".write(toFile: target, atomically: false, encoding: .utf8)
        chmod(target, 0o640)
        XCTAssertEqual(symlink(target, link), 0)
        try AtomicFile.write("new", to: link)
        XCTAssertEqual(contents(target), "precious")
        XCTAssertEqual(status(target).map { $0.st_mode & 0o7777 }, 0o640)
        XCTAssertEqual(status(link).map { $0.st_mode & S_IFMT }, S_IFREG)
        XCTAssertEqual(contents(link), "new")
        XCTAssertEqual(names(), ["link.txt", "target.txt"])
    }

    func testLinkPolicyRefuseLeavesTheLinkAlone() throws {
        let target = dir + "/target.txt", link = dir + "/link.txt"
        try "precious".write(toFile: target, atomically: false, encoding: .utf8)
        XCTAssertEqual(symlink(target, link), 0)
        XCTAssertThrowsError(try AtomicFile.write("new", to: link, op: "history", links: .refuse)) {
            XCTAssertTrue("\($0)".contains("symbolic link"), "\($0)")
        }
        XCTAssertEqual(status(link).map { $0.st_mode & S_IFMT }, S_IFLNK)
        XCTAssertEqual(contents(target), "precious")
        XCTAssertEqual(names(), ["link.txt", "target.txt"])
    }

    /// As root, a link to a device node: the node keeps its mode, owner and kind.
    func testSymlinkToADeviceNodeLeavesTheNodeAlone() throws {
        try requireRoot()
        let node = dir + "/null", link = dir + "/link"
        try makeNullDevice(node)
        let before = try XCTUnwrap(status(node))
        XCTAssertEqual(symlink(node, link), 0)
        try AtomicFile.write([1, 2, 3], to: link, op: "save_npy")
        let after = try XCTUnwrap(status(node))
        XCTAssertEqual(after.st_mode, before.st_mode)
        XCTAssertEqual(after.st_uid, before.st_uid)
        XCTAssertEqual(after.st_rdev, before.st_rdev)
        XCTAssertEqual(status(link).map { $0.st_mode & S_IFMT }, S_IFREG)
    }

    /// A device at the destination itself is refused: renaming over it would replace it.
    func testDeviceDestinationIsRefused() throws {
        try requireRoot()
        let node = dir + "/null"
        try makeNullDevice(node, mode: 0o666)
        let before = try XCTUnwrap(status(node))
        XCTAssertThrowsError(try AtomicFile.write([1], to: node, op: "save_npy")) {
            XCTAssertEqual("\($0)", "save_npy: cannot write '\(node)': it is a character device, not a regular file (vis replaces only regular files)")
        }
        let after = try XCTUnwrap(status(node))
        XCTAssertEqual(after.st_mode, before.st_mode)
        XCTAssertEqual(after.st_rdev, before.st_rdev)
        XCTAssertEqual(names(), ["null"])
    }

    /// A fifo is refused at once (no open that would wait for a reader).
    func testFifoDestinationIsRefusedWithoutBlocking() throws {
        let fifo = dir + "/fifo"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let start = Date()
        XCTAssertThrowsError(try AtomicFile.write("x", to: fifo)) { XCTAssertTrue("\($0)".contains("a fifo"), "\($0)") }
        XCTAssertLessThan(Date().timeIntervalSince(start), 1)
        XCTAssertEqual(status(fifo).map { $0.st_mode & S_IFMT }, S_IFIFO)
        XCTAssertEqual(names(), ["fifo"])
    }

    func testMissingFolderAndFolderDestinationsAreErrors() throws {
        XCTAssertThrowsError(try AtomicFile.write("x", to: dir + "/missing/a.txt", op: "save")) {
            XCTAssertEqual("\($0)", "save: cannot write '\(dir)/missing/a.txt': no such folder '\(dir)/missing' (No such file or directory)")
        }
        try AtomicFile.write("x", to: dir + "/file")
        XCTAssertThrowsError(try AtomicFile.write("x", to: dir + "/file/a.txt")) { XCTAssertTrue("\($0)".contains("no such folder"), "\($0)") }
        XCTAssertThrowsError(try AtomicFile.write("x", to: dir)) { XCTAssertTrue("\($0)".contains("it is a folder"), "\($0)") }
        XCTAssertThrowsError(try AtomicFile.write("x", to: dir + "/")) { XCTAssertTrue("\($0)".contains("it is a folder"), "\($0)") }
        XCTAssertEqual(names(), ["file"])
    }

    /// A folder vis may not write in: a read-only one (for a user other than root) and
    /// /proc (read-only even for root). Nothing is created.
    func testReadOnlyFolderIsAnErrorAndLeavesNothing() throws {
        if geteuid() != 0 {
            let ro = dir + "/ro"
            try FileManager.default.createDirectory(atPath: ro, withIntermediateDirectories: false)
            chmod(ro, 0o555)
            XCTAssertThrowsError(try AtomicFile.write("x", to: ro + "/a.txt")) { XCTAssertTrue("\($0)".contains("Permission denied"), "\($0)") }
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: ro), [])
        }
        XCTAssertThrowsError(try AtomicFile.write("x", to: "/proc/vis-atomic-test.txt"))
        XCTAssertEqual(AtomicFile.leftovers(of: "/proc/vis-atomic-test.txt"), [])
    }

    /// A write that fails half way (the file size limit stands in for a full disk) keeps
    /// the old content and removes the temporary file.
    func testFailedWriteKeepsTheOldFileAndLeavesNoTemporaryFile() throws {
        let path = dir + "/big.bin"
        try AtomicFile.write("old", to: path)
        let oldHandler = signal(SIGXFSZ, SIG_IGN)
        var saved = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &saved)
        var small = saved
        small.rlim_cur = 4096
        XCTAssertEqual(setrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &small), 0)
        defer {
            setrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &saved)
            signal(SIGXFSZ, oldHandler)
        }
        XCTAssertThrowsError(try AtomicFile.write([UInt8](repeating: 7, count: 65536), to: path, op: "save")) {
            XCTAssertEqual("\($0)", "save: cannot write '\(path)': File too large")
        }
        XCTAssertEqual(contents(path), "old")
        XCTAssertEqual(names(), ["big.bin"])
        XCTAssertEqual(AtomicFile.leftovers(of: path), [])
    }

    /// Ctrl-C during a write of several chunks stops it: the old file stays, nothing is
    /// left, and the interrupt is consumed as `Interrupt.check()` does.
    func testInterruptedWriteKeepsTheOldFileAndLeavesNoTemporaryFile() throws {
        let path = dir + "/ckpt.bin"
        try AtomicFile.write("old", to: path)
        let bytes = [UInt8](repeating: 1, count: AtomicFile.chunkSize * 2 + 5)
        Interrupt.request()
        defer { Interrupt.clear() }
        XCTAssertThrowsError(try AtomicFile.write(bytes, to: path, op: "save")) { XCTAssertTrue($0 is InterruptError, "\($0)") }
        XCTAssertFalse(Interrupt.requested)
        XCTAssertEqual(contents(path), "old")
        XCTAssertEqual(names(), ["ckpt.bin"])
        // Not interruptible (the history, files stored at exit): the write completes.
        Interrupt.request()
        try AtomicFile.write(bytes, to: path, op: "save", interruptible: false)
        XCTAssertTrue(Interrupt.requested)
        XCTAssertEqual(status(path).map { Int($0.st_size) }, bytes.count)
        XCTAssertEqual(names(), ["ckpt.bin"])
    }

    /// A file without write permission is refused (for root every file is writable).
    func testReadOnlyFileIsRefused() throws {
        let path = dir + "/ro.txt"
        try AtomicFile.write("old", to: path)
        chmod(path, 0o444)
        if geteuid() == 0 {
            try AtomicFile.write("new", to: path)
            XCTAssertEqual(contents(path), "new")
            XCTAssertEqual(status(path).map { $0.st_mode & 0o777 }, 0o444)
        } else {
            XCTAssertThrowsError(try AtomicFile.write("new", to: path)) { XCTAssertTrue("\($0)".contains("Permission denied"), "\($0)") }
            XCTAssertEqual(contents(path), "old")
        }
        XCTAssertEqual(names(), ["ro.txt"])
    }

    func testMustCreateNeverReplaces() throws {
        let path = dir + "/new.txt"
        try AtomicFile.write("first", to: path, mustCreate: true)
        XCTAssertThrowsError(try AtomicFile.write("second", to: path, op: "close", mustCreate: true)) {
            XCTAssertEqual("\($0)", "close: cannot write '\(path)': it already exists")
        }
        XCTAssertEqual(contents(path), "first")
        XCTAssertEqual(names(), ["new.txt"])
    }

    /// The temporary name stays under the 255-byte limit for the longest names.
    func testLongNamesAndEmptyContent() throws {
        let name = String(repeating: "n", count: 250)
        try AtomicFile.write("x", to: dir + "/" + name)
        XCTAssertEqual(contents(dir + "/" + name), "x")
        try AtomicFile.write([], to: dir + "/empty", op: "save_npy")
        XCTAssertEqual(status(dir + "/empty").map { Int($0.st_size) }, 0)
        XCTAssertEqual(names(), ["empty", name])
    }

    /// A relative path writes in the working folder.
    func testRelativePath() throws {
        let cwd = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(dir))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(cwd) }
        try AtomicFile.write("rel", to: "r.txt")
        XCTAssertEqual(contents(dir + "/r.txt"), "rel")
        XCTAssertEqual(names(), ["r.txt"])
    }
}
