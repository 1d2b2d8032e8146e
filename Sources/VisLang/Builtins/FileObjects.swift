import Foundation
import VisTensor

/// A text file opened by `open(path, mode)`: Python's file object (read, readline,
/// readlines, write, writelines, close, iteration over lines, `with open(p) as f { }`).
/// Reading loads the file when opened. Writing ("w", "x") is atomic (`AtomicFile`): the
/// text goes to a temporary file in the same folder that replaces the path on close, so
/// a crash never leaves half a file and a symlink at the path is replaced, never written
/// through. Appending ("a") writes in place on close, refusing a symlink or a file that
/// is not a regular file.
public final class FileObject: IterableObject, ContextManagerObject {
    /// The path as given.
    public let name: String
    /// The mode as given ("r", "w", "a", "x", with an optional "+" refused).
    public let mode: String
    /// The text still to read (read mode), as code points: Python's read(n) counts code
    /// points, and a "\r\n" pair must be splittable when newline="\r".
    fileprivate var pending = Substring("").unicodeScalars
    /// The whole text read at open, for `seek(0)`.
    fileprivate var contents = Substring("").unicodeScalars
    /// Python's `newline` argument: nil translates "\r\n" and "\r" to "\n" on reading;
    /// "" keeps line endings and splits lines at any of them; "\n", "\r", "\r\n" split
    /// lines only there and, when writing, replace each "\n" written.
    public let newline: String?
    /// The text encoding (`FileObject.encodings`).
    public let encoding: String
    /// The text written so far (write modes), stored on close.
    private var written = ""
    /// True after close.
    public private(set) var closed = false
    private let reading: Bool

    /// The encodings vis reads and writes, by Python's names (case and "-" / "_" ignored).
    static let encodings: [String: String.Encoding] = [
        "utf8": .utf8, "utf-8": .utf8, "utf-8-sig": .utf8, "utf8-sig": .utf8, "ascii": .ascii, "us-ascii": .ascii,
        "latin-1": .isoLatin1, "latin1": .isoLatin1, "iso-8859-1": .isoLatin1, "iso8859-1": .isoLatin1,
    ]

    /// The canonical spelling of a Python encoding name, or nil when vis lacks it.
    static func encodingName(_ e: String) -> String? {
        let key = e.lowercased().replacingOccurrences(of: "_", with: "-")
        return encodings[key] != nil ? key : nil
    }

    init(path: String, mode: String, encoding: String = "utf-8", newline: String? = nil) throws {
        name = path
        self.mode = mode
        self.encoding = encoding
        guard newline == nil || ["", "\n", "\r", "\r\n"].contains(newline!) else {
            throw NativeError("open: illegal newline value: \(Repr.quote(newline!)) (none, \"\", \"\\n\", \"\\r\" or \"\\r\\n\")", kind: .valueError)
        }
        self.newline = newline
        let plain = mode.replacingOccurrences(of: "t", with: "")
        guard ["r", "w", "a", "x"].contains(plain) else {
            if mode.contains("b") { throw NativeError("open: binary mode '\(mode)' is not supported (vis files are text; use load_npy, read_image or load for binary data)") }
            if mode.contains("+") { throw NativeError("open: mode '\(mode)' (read and write) is not supported; open the file twice, once to read and once to write") }
            throw NativeError("open: invalid mode '\(mode)' (expected \"r\", \"w\", \"a\" or \"x\")")
        }
        reading = plain == "r"
        var isLink = false
        var s = stat()
        let exists = lstat(path, &s) == 0
        if exists { isLink = s.st_mode & S_IFMT == S_IFLNK }
        switch plain {
        case "r":
            contents = Substring(try FileObject.readText(path, encoding: encoding, translate: newline == nil)).unicodeScalars
            pending = contents
        case "x":
            guard !exists else { throw NativeError("open: '\(path)' already exists (mode \"x\" creates a new file only)") }
            try FileObject.checkFolder(path)
        case "a":
            guard !isLink else { throw NativeError("open: '\(path)' is a symbolic link; vis does not append through links") }
            try FileObject.checkFolder(path)
        default:
            try FileObject.checkFolder(path)
        }
        if !reading { OpenFiles.track(self) }
    }

    /// The text of the file at `path`, decoded; with `translate`, "\r\n" and "\r" become
    /// "\n" (Python's universal newlines). Errors name the path and the reason.
    static func readText(_ path: String, encoding: String, translate: Bool) throws -> String {
        var s = stat()
        guard stat(path, &s) == 0 else {
            let reason = errno
            if reason == ENOENT { throw NativeError("open: no such file '\(path)'", kind: .fileNotFoundError) }
            throw NativeError("open: cannot read '\(path)': \(String(cString: strerror(reason)))", kind: .osError)
        }
        if s.st_mode & S_IFMT == S_IFDIR { throw NativeError("open: '\(path)' is a folder", kind: .osError) }
        // A fifo or device could be read without end.
        guard s.st_mode & S_IFMT == S_IFREG else {
            throw NativeError("open: '\(path)' is \(AtomicFile.kindName(s.st_mode)), not a regular file (vis reads regular files only)", kind: .osError)
        }
        guard access(path, R_OK) == 0 else {
            throw NativeError("open: cannot read '\(path)': permission denied", kind: .osError)
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw NativeError("open: cannot read '\(path)'", kind: .osError) }
        let enc = encodings[encoding] ?? .utf8
        // Foundation drops a leading byte order mark when decoding UTF-8; Python keeps it
        // (as "\u{feff}") unless the encoding is utf-8-sig, so valid UTF-8 is decoded as is.
        guard var text = enc == .utf8 ? String(data: data, encoding: enc).map({ _ in String(decoding: data, as: UTF8.self) }) : String(data: data, encoding: enc) else {
            throw NativeError("open: '\(path)' is not valid \(encoding) text (pass encoding=\"latin-1\" for 8-bit text)", kind: .valueError)
        }
        if encoding.hasSuffix("-sig"), text.unicodeScalars.first == "\u{FEFF}" { text.unicodeScalars.removeFirst() }
        if translate && text.unicodeScalars.contains("\r") {
            var out = String.UnicodeScalarView()
            var previousCR = false
            for u in text.unicodeScalars {
                if u == "\n" && previousCR { previousCR = false; continue }
                previousCR = u == "\r"
                out.append(previousCR ? "\n" : u)
            }
            text = String(out)
        }
        return text
    }

    /// Fails early (at open, as Python does) when the folder to write in does not exist
    /// or the path is a folder, a device or a fifo.
    static func checkFolder(_ path: String) throws {
        let folder = OSModule.split(path).0
        var s = stat()
        guard folder.isEmpty || (stat(folder, &s) == 0 && s.st_mode & S_IFMT == S_IFDIR) else {
            throw NativeError("open: no such folder '\(folder)' for '\(path)'")
        }
        var d = stat()
        if stat(path, &d) == 0, d.st_mode & S_IFMT == S_IFDIR { throw NativeError("open: '\(path)' is a folder") }
        // A device or fifo is refused now rather than at close: vis writes only regular
        // files (see AtomicFile), so "/dev/null" is never replaced or chmod'ed.
        if lstat(path, &d) == 0, ![S_IFREG, S_IFLNK, S_IFDIR].contains(d.st_mode & S_IFMT) {
            throw NativeError("open: '\(path)' is \(AtomicFile.kindName(d.st_mode)), not a regular file (vis writes only regular files)", kind: .osError)
        }
    }

    deinit {
        // An unclosed file is stored when dropped, as CPython flushes it.
        if !closed && !reading { try? commit() }
        OpenFiles.untrack(ObjectIdentifier(self))
    }

    public var typeName: String { "file" }
    public var repr: String { "<file \(Repr.quote(name)) mode \(Repr.quote(mode))\(closed ? " closed" : "")>" }

    fileprivate func open(_ what: String, reading wantRead: Bool) throws {
        guard !closed else { throw NativeError("\(what): I/O operation on closed file '\(name)'") }
        guard wantRead == reading else { throw NativeError("\(what): file '\(name)' is not open for \(wantRead ? "reading" : "writing") (mode \"\(mode)\")") }
    }

    /// Up to `size` code points (all for a negative size).
    public func read(_ size: Int, _ what: String = "read") throws -> String {
        try open(what, reading: true)
        let n = size < 0 ? pending.count : Swift.min(size, pending.count)
        let out = pending.prefix(n)
        pending = pending.dropFirst(n)
        return String(String.UnicodeScalarView(out))
    }

    /// The next line with its line ending (at most `limit` code points when not
    /// negative), or "" at the end. Lines end as `newline` says.
    public func readline(_ limit: Int = -1) throws -> String {
        try open("readline", reading: true)
        var end = pending.startIndex, taken = 0
        while end < pending.endIndex, limit < 0 || taken < limit {
            let u = pending[end]
            end = pending.index(after: end); taken += 1
            switch newline {
            case nil, "\n"?: if u == "\n" { break } else { continue }
            case "\r"?: if u == "\r" { break } else { continue }
            case "\r\n"?:
                if u == "\r", end < pending.endIndex, pending[end] == "\n", limit < 0 || taken < limit { end = pending.index(after: end); break }
                continue
            default:  // "": any of \n, \r, \r\n
                if u == "\r", end < pending.endIndex, pending[end] == "\n", limit < 0 || taken < limit { end = pending.index(after: end); break }
                if u == "\n" || u == "\r" { break } else { continue }
            }
            break
        }
        let out = pending[..<end]
        pending = pending[end...]
        return String(String.UnicodeScalarView(out))
    }

    /// Adds text to the file.
    public func write(_ text: String, _ what: String = "write") throws {
        try open(what, reading: false)
        if let nl = newline, nl == "\r" || nl == "\r\n", text.unicodeScalars.contains("\n") {
            var out = String.UnicodeScalarView()
            for u in text.unicodeScalars { if u == "\n" { out.append(contentsOf: nl.unicodeScalars) } else { out.append(u) } }
            written += String(out)
        } else { written += text }
    }

    /// The bytes to store: `written` in the file's encoding (a character the encoding
    /// lacks is an error naming it, as Python's UnicodeEncodeError).
    private func encoded() throws -> [UInt8] {
        let enc = FileObject.encodings[encoding] ?? .utf8
        if enc == .utf8 { return (encoding.hasSuffix("-sig") && !mode.hasPrefix("a") ? [0xEF, 0xBB, 0xBF] : []) + Array(written.utf8) }
        guard let data = written.data(using: enc) else {
            let bad = written.unicodeScalars.first { String($0).data(using: enc) == nil }.map { String($0) } ?? "?"
            throw NativeError("close: '\(name)': \(encoding) cannot encode the character \(Repr.quote(bad)); nothing was written", kind: .valueError)
        }
        return [UInt8](data)
    }

    /// Stores what was written: through `AtomicFile` (a temporary file renamed over the
    /// path; for "x" linked to it, so an existing file is never replaced), or an append.
    private func commit() throws {
        let bytes = try encoded()
        if mode.hasPrefix("a") { return try FileObject.append(bytes, to: name) }
        do {
            // Not interruptible: a file closed while Ctrl-C is pending (or at exit after one)
            // is still stored, as CPython flushes it.
            try AtomicFile.write(bytes, to: name, op: "close", mustCreate: mode.hasPrefix("x"), interruptible: false)
        } catch let e as TensorError {
            throw NativeError(e.message, kind: e.reason.lowercased().contains("no such file") ? .fileNotFoundError : .osError)
        }
    }

    /// Appends `text` to the regular file at `path` (created when missing), in place as
    /// Python's mode "a" does: opened with O_NOFOLLOW (never through a link) and
    /// O_NONBLOCK (a fifo cannot hang it), and refused unless it is a regular file, so
    /// no other file's content or mode is ever changed.
    static func append(_ text: [UInt8], to path: String) throws {
        func failure(_ reason: String) -> NativeError { NativeError("close: cannot append to '\(path)': \(reason)", kind: .osError) }
        let fd = Foundation.open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0o666)
        guard fd >= 0 else {
            throw failure(errno == ELOOP ? "it is a symbolic link (vis does not append through links)" : String(cString: strerror(errno)))
        }
        defer { Foundation.close(fd) }
        var s = stat()
        guard fstat(fd, &s) == 0, s.st_mode & S_IFMT == S_IFREG else { throw failure("it is not a regular file") }
        var bytes = text[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress!, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw failure(String(cString: strerror(n < 0 ? errno : EIO))) }
            bytes = bytes.dropFirst(n)
        }
    }

    /// Closes the file, storing what was written (a second close does nothing).
    public func close() throws {
        guard !closed else { return }
        closed = true
        OpenFiles.untrack(ObjectIdentifier(self))
        if !reading { try commit() }
    }

    public func makeIterator() throws -> ValueIterator { LineIterator(file: self) }

    /// Lines with their newlines, as iterating a Python file gives.
    final class LineIterator: ValueIterator {
        let file: FileObject
        init(file: FileObject) { self.file = file }
        func next() throws -> Value? {
            let line = try file.readline()
            return line.isEmpty ? nil : .string(line)
        }
    }

    public func enter(_ runtime: Runtime) throws -> Value { .object(self) }

    public func exit(_ error: Error?, _ runtime: Runtime) throws -> Bool {
        try close()
        return false
    }

    public func member(_ name: String) throws -> Value? { nil }
    public var memberNames: [String] { [] }
    public var members: MemberTable? { FileObject.table }

    static func of(_ a: BoundArguments) throws -> FileObject { try a.object("self", FileObject.self) }

    /// A file object's members, as Python's text files have them.
    static let table: MemberTable = {
        let t = MemberTable("file")
        t.attribute("name", of: FileObject.self, "f.name: the path it was opened with.", get: { .string($0.name) })
        t.attribute("mode", of: FileObject.self, "f.mode: the mode it was opened with.", get: { .string($0.mode) })
        t.attribute("closed", of: FileObject.self, "f.closed: true after close().", get: { .bool($0.closed) })
        t.method("read", [Param("size", .int, default: .int(-1))], "f.read(size=-1): up to size characters, or the rest of the file.") { a, _ in
            .string(try of(a).read(a.int("size")))
        }
        t.method("readline", [Param("size", .int, default: .int(-1))], "f.readline(size=-1): the next line with its newline (\"\" at the end), at most size characters when size is not negative.\n  header = f.readline()") { a, _ in .string(try of(a).readline(a.int("size"))) }
        t.method("readlines", [], "f.readlines(): the remaining lines, each with its newline.") { a, _ in
            let f = try of(a)
            var lines: [Value] = []
            while case let line = try f.readline(), !line.isEmpty { lines.append(.string(line)) }
            return .list(ListBox(lines))
        }
        t.method("write", [Param("s", .string)], "f.write(s): writes the string s; returns its length.") { a, _ in
            let s = try a.string("s")
            try of(a).write(s)
            return .int(s.unicodeScalars.count)
        }
        t.method("writelines", [Param("lines")], "f.writelines(lines): writes each string (no newlines are added).") { a, _ in
            let f = try of(a)
            for v in try Iteration.elements(a["lines"]) {
                guard case .string(let s) = v else { throw NativeError("file.writelines: expected strings, got \(v.typeName)") }
                try f.write(s, "writelines")
            }
            return .none
        }
        t.method("close", [], "f.close(): stores what was written and closes the file.") { a, _ in try of(a).close(); return .none }
        t.method("flush", [], "f.flush(): accepted so Python code ports; what was written is stored (atomically) at close, not before.\n  f.flush()") { a, _ in
            let f = try of(a)
            guard !f.closed else { throw NativeError("flush: I/O operation on closed file '\(f.name)'", kind: .valueError) }
            return .none
        }
        t.method("seek", [Param("offset", .int), Param("whence", .int, default: .int(0))],
                 "f.seek(offset, whence=0): back to the start of a file opened to read (seek(0), to read it again); other positions are refused (vis text files have no byte positions).\n  f.seek(0)") { a, _ in
            let f = try of(a)
            try f.open("seek", reading: true)
            guard try a.int("offset") == 0, try a.int("whence") == 0 else {
                throw NativeError("seek: vis text files seek only to the start (f.seek(0)); got seek(\(try a.int("offset")), \(try a.int("whence")))", kind: .valueError)
            }
            f.pending = f.contents
            return .int(0)
        }
        t.method("readable", [], "f.readable(): true for a file opened to read.") { a, _ in .bool(try of(a).reading) }
        t.method("writable", [], "f.writable(): true for a file opened to write or append.") { a, _ in .bool(try !of(a).reading) }
        t.attribute("encoding", of: FileObject.self, "f.encoding: the text encoding (\"utf-8\" unless given).", get: { .string($0.encoding) })
        t.attribute("newlines", of: FileObject.self, "f.newline: the newline argument it was opened with.", get: { $0.newline.map { .string($0) } ?? .none })
        t.method("__enter__", [], "f.__enter__(): the file itself (what `with open(p) as f` binds).") { a, _ in a["self"] }
        t.method("__exit__", [Param("exc_type", default: Value.none), Param("exc", default: Value.none), Param("tb", default: Value.none)],
                 "f.__exit__(exc_type, exc, tb): closes the file.") { a, _ in try of(a).close(); return .bool(false) }
        return t
    }()

    static func add(to t: inout BuiltinTable) {
        t.memberTables.append(table)
        t.function("open", [Param("file", .string), Param("mode", .string, default: .string("r")), Param("buffering", .int, default: .int(-1)),
                            Param("encoding", .optional(.string), default: Value.none), Param("errors", .optional(.string), default: Value.none),
                            Param("newline", .optional(.string), default: Value.none)],
                   "open(file, mode=\"r\", buffering=-1, encoding=none, errors=none, newline=none): a text file object; modes \"r\" (read), \"w\" (write, replacing), \"x\" (create a new file), \"a\" (append). Encodings utf-8 (the default), utf-8-sig, ascii, latin-1; newline as Python's (none: \"\\r\\n\" read as \"\\n\"; \"\": line endings kept, as csv wants). Written text is stored on close, atomically for \"w\" and \"x\".\n  with open(\"log.txt\", \"w\") as f { f.write(\"done\\n\") }") { a, _ in
            var encoding = "utf-8"
            if let enc = try a.optionalString("encoding") {
                guard let e = FileObject.encodingName(enc) else {
                    throw NativeError("open: encoding '\(enc)' is not supported (vis reads and writes utf-8, utf-8-sig, ascii and latin-1)", kind: .lookupError)
                }
                encoding = e
            }
            if let errors = try a.optionalString("errors"), errors != "strict" {
                throw NativeError("open: errors='\(errors)' is not supported (vis decodes strictly: a file that is not valid \(encoding) is an error)", kind: .valueError)
            }
            return .object(try FileObject(path: a.string("file"), mode: a.string("mode"), encoding: encoding, newline: a.optionalString("newline")))
        }
    }
}

/// The files open for writing, stored when the process exits (a script that never
/// closes a file still writes it, as CPython flushes open files at exit).
enum OpenFiles {
    /// A file held without keeping it alive.
    final class Entry { weak var file: FileObject?; init(_ f: FileObject) { file = f } }
    private static let lock = NSLock()
    nonisolated(unsafe) private static var files: [ObjectIdentifier: Entry] = [:]
    nonisolated(unsafe) private static var installed = false

    static func track(_ f: FileObject) {
        lock.lock()
        defer { lock.unlock() }
        files[ObjectIdentifier(f)] = Entry(f)
        if !installed {
            installed = true
            atexit { OpenFiles.closeAll() }
        }
    }

    static func untrack(_ id: ObjectIdentifier) {
        lock.lock()
        files[id] = nil
        lock.unlock()
    }

    /// Closes (stores) every file still open for writing.
    static func closeAll() {
        lock.lock()
        let open = files.values.compactMap(\.file)
        lock.unlock()
        for f in open { try? f.close() }
    }
}
