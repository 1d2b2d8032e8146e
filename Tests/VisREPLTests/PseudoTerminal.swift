import Foundation
import XCTest

/// Runs the vis binary in a pseudo-terminal so tests can type keys and read the screen
/// the way a user does: libedit sees a real terminal.
final class PseudoTerminal {
    let pid: pid_t
    let master: Int32
    /// Everything read since the last `clear()`, as bytes (a read may end inside a
    /// UTF-8 sequence).
    private var received: [UInt8] = []
    /// Everything read since the last `clear()`.
    var transcript: String { String(decoding: received, as: UTF8.self) }
    /// Everything read since the start, for the screen.
    private var everything: [UInt8] = []
    static let columns = 100, rows = 30

    /// The screen as the output so far leaves it.
    var screen: TerminalScreen {
        var screen = TerminalScreen(columns: PseudoTerminal.columns, rows: PseudoTerminal.rows)
        screen.feed(String(decoding: everything, as: UTF8.self))
        return screen
    }

    /// The `vis` executable next to the test bundle (both live in the build folder). On
    /// Linux the bundle is the folder holding the test executable, elsewhere a
    /// `.xctest` folder inside the build folder: both places are looked at.
    static var visExecutable: String {
        let bundle = Bundle(for: PseudoTerminal.self).bundleURL
        let candidates = [bundle.appendingPathComponent("vis"), bundle.deletingLastPathComponent().appendingPathComponent("vis")]
        return (candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[1]).path
    }

    /// Starts `vis` with `arguments`, HOME set to `home` (so history stays in the test's
    /// own folder), in the folder `cwd` (the test's own when nil) and a fixed 100x30
    /// window.
    init(arguments: [String] = [], home: String, cwd: String? = nil, file: StaticString = #filePath, line: UInt = #line) throws {
        var master: Int32 = 0
        var size = winsize(ws_row: UInt16(PseudoTerminal.rows), ws_col: UInt16(PseudoTerminal.columns), ws_xpixel: 0, ws_ypixel: 0)
        let path = PseudoTerminal.visExecutable
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw NSError(domain: "pty", code: 1, userInfo: [NSLocalizedDescriptionKey: "vis binary not found at \(path); build it first"])
        }
        // Prepared before the fork: the child only makes async-signal-safe calls.
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        let environment = ["HOME=\(home)", "TERM=xterm", "PATH=/usr/bin:/bin", "LANG=C.UTF-8"]
        let env: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        let directory: UnsafeMutablePointer<CChar>? = cwd.flatMap { strdup($0) }
        let pid = forkpty(&master, nil, nil, &size)
        if pid == 0 {
            if let directory, chdir(directory) != 0 { _exit(126) }
            execve(path, argv, env)
            _exit(127)
        }
        for p in argv + env { free(p) }
        free(directory)
        guard pid > 0 else { throw NSError(domain: "pty", code: 2, userInfo: [NSLocalizedDescriptionKey: "forkpty failed"]) }
        self.pid = pid
        self.master = master
    }

    deinit {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        close(master)
    }

    /// Types `text` (escape sequences allowed: "\t" Tab, "\u{3}" Ctrl-C, "\u{4}" Ctrl-D,
    /// "\u{1b}[A" Up). Long text goes in pieces, reading the echo in between, so
    /// neither side of the terminal fills up and blocks.
    func type(_ text: String) {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let piece = Swift.min(256, bytes.count - sent)
            let n = bytes[sent..<(sent + piece)].withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
            if n > 0 { sent += n } else if errno != EINTR && errno != EAGAIN { return }
            if sent < bytes.count { read(for: 0.02) }
        }
    }

    /// Reads what is available for up to `timeout` seconds into the transcript.
    @discardableResult
    func read(for timeout: Double) -> String {
        var got: [UInt8] = []
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            var fds = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            let ready = poll(&fds, 1, 50)
            if ready > 0 {
                let n = buffer.withUnsafeMutableBytes { Foundation.read(master, $0.baseAddress, 4096) }
                if n <= 0 { break }
                got += buffer[0..<n]
            }
        }
        received += got
        everything += got
        return String(decoding: got, as: UTF8.self)
    }

    /// Waits until the screen text (escape sequences removed) contains `needle` at least
    /// `occurrences` times (a second prompt is the second `>>> `), or fails the test after
    /// `timeout` seconds.
    @discardableResult
    func expect(_ needle: String, occurrences: Int = 1, timeout: Double = 10, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if PseudoTerminal.plain(transcript).components(separatedBy: needle).count > occurrences { return true }
            read(for: 0.1)
        }
        XCTFail("timed out waiting for \(needle.debugDescription) (\(processState)); screen so far:\n\(PseudoTerminal.plain(transcript).debugDescription)", file: file, line: line)
        return false
    }

    /// Whether vis still runs, for failure messages: a test that times out may have
    /// met a hang, a stop or an exit.
    var processState: String {
        var status: Int32 = 0
        let r = waitpid(pid, &status, WNOHANG | WUNTRACED)
        if r == 0 { return "vis is running" }
        if r != pid { return "vis is gone" }
        if (status & 0xff) == 0x7f { return "vis is stopped by signal \((status >> 8) & 0xff)" }
        if (status & 0x7f) == 0 { return "vis exited with status \((status >> 8) & 0xff)" }
        return "vis was killed by signal \(status & 0x7f)"
    }

    /// Waits until the cursor's line on the screen reads `text` (trailing blanks aside):
    /// what the line editor shows, however it redrew it.
    @discardableResult
    func expectLine(_ text: String, timeout: Double = 10, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if screen.currentLine == text { return true }
            read(for: 0.1)
        }
        let screen = self.screen
        XCTFail("timed out waiting for the line \(text.debugDescription); the cursor's line is \(screen.currentLine.debugDescription); screen:\n\(screen.text.split(separator: "\n").suffix(PseudoTerminal.rows).joined(separator: "\n"))",
                file: file, line: line)
        return false
    }

    /// Waits until the screen's last `rows` lines contain `needle`.
    @discardableResult
    func expectScreen(_ needle: String, timeout: Double = 10, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        func visible() -> String { screen.text.split(separator: "\n", omittingEmptySubsequences: false).suffix(PseudoTerminal.rows).joined(separator: "\n") }
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if visible().contains(needle) { return true }
            read(for: 0.1)
        }
        XCTFail("timed out waiting for \(needle.debugDescription) on the screen:\n\(visible())", file: file, line: line)
        return false
    }

    /// Forgets the transcript so far (so `expect` only sees new output).
    func clear() { received = [] }

    /// Changes the window size, as a terminal does when its window is resized: the
    /// program gets SIGWINCH.
    func resize(columns: Int, rows: Int) {
        var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
    }

    /// Waits for the process to exit and returns its status, or nil on timeout.
    func waitForExit(timeout: Double = 10) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        while Date() < deadline {
            read(for: 0.05)
            if waitpid(pid, &status, WNOHANG) == pid {
                return (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
            }
        }
        return nil
    }

    /// Text with ANSI escape sequences and carriage returns removed.
    static func plain(_ s: String) -> String {
        var out = ""
        var it = s.unicodeScalars.makeIterator()
        while let c = it.next() {
            if c == "\u{1b}" {
                guard let n = it.next() else { break }
                if n == "[" {
                    while let k = it.next(), !(k.value >= 0x40 && k.value <= 0x7e) {}
                }
                continue
            }
            if c == "\r" || c == "\u{7}" || c == "\u{8}" { continue }
            out.unicodeScalars.append(c)
        }
        return out
    }
}
