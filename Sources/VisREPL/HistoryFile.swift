import Foundation
import VisTensor

/// The REPL history on disk (`~/.vis_history`), read and written by vis itself rather
/// than libedit's `read_history` / `write_history`: those read the whole file without
/// bound (a history that is `/dev/zero` or a huge file filled memory before the first
/// prompt), and write in place through a symlink, chmod'ing its target (a history linked
/// to `/dev/null` turned `/dev/null` into mode 0600 when root left the REPL).
///
/// The format stays libedit's, so histories written by older vis versions load and
/// older versions read this one: a first line `_HiStOrY_V2_`, then one entry per line,
/// oldest first, encoded as libedit's `strvis(VIS_WHITE)` does: space, tab, newline and
/// backslash as octal escapes (`\040`, `\011`, `\012`, `\134`), other control
/// characters as `\^X` (`\^?` for DEL), everything else (UTF-8 included) as it is.
/// Reading undoes every escape `strunvis` knows (octal, `\^X`, `\M-X`, `\M^X`, C style).
///
/// Limits: only the last `maxBytes` of the file are read, and of those the last `limit`
/// entries kept. A path that is a symbolic link, or not a regular file (a device, a
/// fifo), or a regular file that is not a vis history, is left alone entirely: nothing
/// is read from it, history is not saved, and one warning line says so. Saving goes
/// through `AtomicFile` (a temporary file renamed over the history), refusing links.
public enum HistoryFile {
    /// libedit's first line of a history file.
    public static let cookie = "_HiStOrY_V2_"
    /// The most bytes read from the end of the file (1,000 entries of 4 KB each).
    public static let maxBytes = 4 << 20

    /// What loading found: the entries (oldest first), whether the history may be saved
    /// to the path, and the warning to show when it may not.
    public struct Loaded: Equatable {
        public var entries: [String]
        public var canSave: Bool
        public var warning: String?
    }

    /// Reads the last `limit` entries of the history at `path` (see the type's comment).
    public static func load(path: String, limit: Int) -> Loaded {
        func refuse(_ why: String) -> Loaded {
            Loaded(entries: [], canSave: false, warning: "vis: the history file \(path) \(why); it is left as it is and this session's history is not saved")
        }
        var s = stat()
        if lstat(path, &s) != 0 {
            if errno == ENOENT { return Loaded(entries: [], canSave: true, warning: nil) }
            return refuse("cannot be read (\(String(cString: strerror(errno))))")
        }
        switch s.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFLNK: return refuse("is a symbolic link")
        default: return refuse("is \(AtomicFile.kindName(s.st_mode)), not a regular file")
        }
        // O_NOFOLLOW and O_NONBLOCK: if the path changed since lstat, a link is not
        // followed and a fifo does not block; fstat then checks what was opened.
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return refuse("cannot be read (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        guard fstat(fd, &s) == 0, s.st_mode & S_IFMT == S_IFREG else { return refuse("is not a regular file") }
        let size = Int(s.st_size)
        if size == 0 { return Loaded(entries: [], canSave: true, warning: nil) }
        let head = Array(cookie.utf8) + [0x0A]
        guard size >= head.count, read(fd, at: 0, count: head.count) == head else {
            return refuse("is not a vis history (its first line is not \(cookie))")
        }
        let start = Swift.max(head.count, size - maxBytes)
        var tail = read(fd, at: start, count: size - start)[...]
        // Reading from the middle: the first line is the end of an entry, dropped.
        if start > head.count {
            guard let nl = tail.firstIndex(of: 0x0A) else { return Loaded(entries: [], canSave: true, warning: nil) }
            tail = tail[(nl + 1)...]
        }
        let lines = tail.split(separator: 0x0A, omittingEmptySubsequences: true).suffix(limit)
        return Loaded(entries: lines.map { decode($0) }, canSave: true, warning: nil)
    }

    /// Up to `count` bytes of `fd` from `offset` (fewer at the end of the file).
    static func read(_ fd: Int32, at offset: Int, count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + got, count - got, off_t(offset + got)) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            got += n
        }
        return Array(out.prefix(got))
    }

    /// Writes `entries` (oldest first) to `path` atomically in libedit's format. A new
    /// file is private (0600, as libedit made it); an existing one keeps its mode. Throws
    /// when the path is a link or not a regular file, leaving it alone.
    /// Only the newest entries that fit in `maxBytes` are written: what the next session
    /// would read, so a history of huge pasted blocks does not grow the file without end.
    public static func save(_ entries: [String], to path: String) throws {
        var lines: [String] = []
        var size = cookie.utf8.count + 1
        for e in entries.reversed() {
            let line = encode(e) + "\n"
            size += line.utf8.count
            if size > maxBytes { break }
            lines.append(line)
        }
        let text = cookie + "\n" + lines.reversed().joined()
        try AtomicFile.write(text, to: path, op: "history", newFileMode: 0o600, links: .refuse, interruptible: false)
    }

    /// One entry as a line of the file (libedit's `strvis(VIS_WHITE)`).
    public static func encode(_ entry: String) -> String {
        var out = ""
        for u in entry.unicodeScalars {
            switch u.value {
            case 0x20, 0x09, 0x0A, 0x5C: out += "\\" + octal(UInt8(u.value))
            case 0x7F: out += "\\^?"
            case 0..<0x20: out += "\\^" + String(UnicodeScalar(UInt8(u.value) + 0x40))
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }

    /// A byte as three octal digits.
    static func octal(_ b: UInt8) -> String {
        String(b >> 6) + String((b >> 3) & 7) + String(b & 7)
    }

    /// One line of the file as its entry (libedit's `strunvis`); an escape `strunvis`
    /// would reject is kept as it is written.
    public static func decode<Bytes: Collection>(_ line: Bytes) -> String where Bytes.Element == UInt8 {
        let b = Array(line)
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        func at(_ k: Int) -> UInt8? { k < b.count ? b[k] : nil }
        func isOctal(_ c: UInt8?) -> Bool { c.map { (0x30...0x37).contains($0) } ?? false }
        /// `\^X` and `\M^X`'s control character.
        func control(_ c: UInt8) -> UInt8 { c == 0x3F ? 0x7F : c & 0x1F }
        while i < b.count {
            guard b[i] == 0x5C, let c = at(i + 1) else { out.append(b[i]); i += 1; continue }
            if isOctal(c) {
                var v = 0, k = i + 1
                while k < i + 4, isOctal(at(k)) { v = v * 8 + Int(b[k] - 0x30); k += 1 }
                out.append(UInt8(truncatingIfNeeded: v))
                i = k
                continue
            }
            switch c {
            case 0x5C: out.append(0x5C); i += 2
            case 0x5E:  // \^X
                guard let x = at(i + 2) else { out.append(contentsOf: b[i...]); i = b.count; continue }
                out.append(control(x)); i += 3
            case 0x4D:  // \M-X, \M^X
                if at(i + 2) == 0x2D, let x = at(i + 3) { out.append(x | 0x80); i += 4 }
                else if at(i + 2) == 0x5E, let x = at(i + 3) { out.append(control(x) | 0x80); i += 4 }
                else { out.append(b[i]); i += 1 }
            case 0x6E: out.append(0x0A); i += 2  // \n
            case 0x72: out.append(0x0D); i += 2  // \r
            case 0x62: out.append(0x08); i += 2  // \b
            case 0x61: out.append(0x07); i += 2  // \a
            case 0x76: out.append(0x0B); i += 2  // \v
            case 0x74: out.append(0x09); i += 2  // \t
            case 0x66: out.append(0x0C); i += 2  // \f
            case 0x73: out.append(0x20); i += 2  // \s
            case 0x45: out.append(0x1B); i += 2  // \E
            case 0x24, 0x0A: i += 2  // \$ and an escaped newline stand for nothing
            default: out.append(b[i]); i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
