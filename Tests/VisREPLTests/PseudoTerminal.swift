import Foundation
import XCTest

/// Runs the vis binary in a pseudo-terminal so tests can type keys and read the screen
/// the way a user does: libedit sees a real terminal.
final class PseudoTerminal {
    let pid: pid_t
    let master: Int32
    private(set) var transcript = ""

    /// The `vis` executable next to the test bundle (both live in the build folder).
    static var visExecutable: String {
        let bundle = Bundle(for: PseudoTerminal.self).bundleURL
        return bundle.deletingLastPathComponent().appendingPathComponent("vis").path
    }

    /// Starts `vis` with `arguments`, HOME set to `home` (so history stays in the test's
    /// own folder) and a fixed 100x30 window.
    init(arguments: [String] = [], home: String, file: StaticString = #filePath, line: UInt = #line) throws {
        var master: Int32 = 0
        var size = winsize(ws_row: 30, ws_col: 100, ws_xpixel: 0, ws_ypixel: 0)
        let path = PseudoTerminal.visExecutable
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw NSError(domain: "pty", code: 1, userInfo: [NSLocalizedDescriptionKey: "vis binary not found at \(path); build it first"])
        }
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let env = ["HOME=\(home)", "TERM=xterm", "PATH=/usr/bin:/bin", "LANG=C.UTF-8"].map { strdup($0) } + [nil]
        let pid = forkpty(&master, nil, nil, &size)
        if pid == 0 {
            execve(path, argv, env)
            _exit(127)
        }
        guard pid > 0 else { throw NSError(domain: "pty", code: 2, userInfo: [NSLocalizedDescriptionKey: "forkpty failed"]) }
        for p in argv + env { free(p) }
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
    /// "\u{1b}[A" Up).
    func type(_ text: String) {
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { write(master, $0.baseAddress, $0.count) }
    }

    /// Reads what is available for up to `timeout` seconds into the transcript.
    @discardableResult
    func read(for timeout: Double) -> String {
        var got = ""
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            var fds = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            let ready = poll(&fds, 1, 50)
            if ready > 0 {
                let n = buffer.withUnsafeMutableBytes { Foundation.read(master, $0.baseAddress, 4096) }
                if n <= 0 { break }
                got += String(decoding: buffer[0..<n], as: UTF8.self)
            }
        }
        transcript += got
        return got
    }

    /// Waits until the screen text (escape sequences removed) since `mark` contains
    /// `needle`, or fails the test after `timeout` seconds.
    @discardableResult
    func expect(_ needle: String, timeout: Double = 10, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if PseudoTerminal.plain(transcript).contains(needle) { return true }
            read(for: 0.1)
        }
        XCTFail("timed out waiting for \(needle.debugDescription); screen so far:\n\(PseudoTerminal.plain(transcript))", file: file, line: line)
        return false
    }

    /// Forgets the transcript so far (so `expect` only sees new output).
    func clear() { transcript = "" }

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
