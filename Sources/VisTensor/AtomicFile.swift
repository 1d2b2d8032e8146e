import Foundation

/// The one way vis writes a file (checkpoints, .npy, images, plots, text files from
/// `open()`, notebooks from `:save` and `vis test --update`, the REPL history, copies):
/// the bytes go to a new temporary file in the destination's folder, which is synced
/// and then renamed over the destination. So:
/// - a crash, a full disk or an interrupt never leaves half a file under the real name:
///   the destination holds either its old content or the new one;
/// - no temporary file is left behind when anything fails (the write, the sync, the
///   rename, an interrupt between chunks); only a kill -9 mid-write can leave one,
///   named `.NAME.vis-tmp-XXXXXXXX` next to the destination;
/// - the permissions or content of a file vis did not create are never changed
///   through a link: the temporary file is created with O_CREAT|O_EXCL|O_NOFOLLOW, and
///   `rename` replaces a symbolic link at the destination by the new file (the link's
///   target is left as it was; this differs from Python's `open(path, "w")`, which
///   writes through the link);
/// - a device, fifo or socket at the destination is refused (renaming over it would
///   replace, say, `/dev/null` with a regular file), and so is a folder;
/// - a regular file vis may not write (no write permission, as `open` would find) is
///   refused, though the folder would allow replacing it;
/// - a new file gets the mode a plain create gives (0666 less the umask, or
///   `newFileMode` less the umask), and an existing regular file keeps its mode (without
///   set-user/group-ID bits) and, where the process may set it, its owner and group.
public enum AtomicFile {
    /// What `write` does when the destination is a symbolic link.
    public enum LinkPolicy: Sendable {
        /// Replace the link itself with the new file; the link's target is untouched.
        case replace
        /// Refuse the write (the REPL history, which must never disturb a link).
        case refuse
    }

    /// Bytes written between two looks at the Ctrl-C flag.
    static let chunkSize = 8 << 20

    /// What follows the destination's name in a temporary file's name.
    public static let temporaryMarker = ".vis-tmp-"

    /// Writes `text` as UTF-8 to `path` atomically; errors are named by `op`.
    public static func write(_ text: String, to path: String, op: String = "write",
                             newFileMode: mode_t = 0o666, links: LinkPolicy = .replace, mustCreate: Bool = false, interruptible: Bool = true) throws {
        var text = text
        try text.withUTF8 {
            try write(UnsafeRawBufferPointer($0), to: path, op: op, newFileMode: newFileMode, links: links, mustCreate: mustCreate, interruptible: interruptible)
        }
    }

    /// Writes `bytes` to `path` atomically; errors are named by `op`.
    public static func write(_ bytes: [UInt8], to path: String, op: String,
                             newFileMode: mode_t = 0o666, links: LinkPolicy = .replace, mustCreate: Bool = false, interruptible: Bool = true) throws {
        try bytes.withUnsafeBytes {
            try write($0, to: path, op: op, newFileMode: newFileMode, links: links, mustCreate: mustCreate, interruptible: interruptible)
        }
    }

    /// Writes the bytes of `bytes` to `path` atomically (see the type's comment). Throws a
    /// `TensorError` named by `op` that says why (`save_npy: cannot write 'a/x.npy': no
    /// such folder 'a' (No such file or directory)`), or `InterruptError` when Ctrl-C
    /// was pressed during a write of more than one chunk and `interruptible` is set; the
    /// destination is then unchanged. With `mustCreate` the write fails when anything
    /// exists at `path` (Python's mode "x"), even if it appears while the bytes are written.
    public static func write(_ bytes: UnsafeRawBufferPointer, to path: String, op: String,
                             newFileMode: mode_t = 0o666, links: LinkPolicy = .replace, mustCreate: Bool = false, interruptible: Bool = true) throws {
        func failure(_ reason: String) -> TensorError { TensorError(op, "cannot write '\(path)': \(reason)") }
        let (folder, name) = split(path)
        guard !name.isEmpty, name != ".", name != ".." else { throw failure("it is a folder") }

        // What is at the destination now decides the new file's mode, or refuses.
        var existing = stat()
        var keep: stat?
        if lstat(path, &existing) == 0 {
            if mustCreate { throw failure("it already exists") }
            switch existing.st_mode & S_IFMT {
            case S_IFREG:
                // Python's open(path, "w") needs write permission on the file itself; rename
                // needs it only on the folder. Asking for it too keeps a read-only file, or
                // another user's file in a shared folder, as it is.
                guard faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) == 0 else { throw failure(String(cString: strerror(errno))) }
                keep = existing
            case S_IFLNK:
                if links == .refuse { throw failure("it is a symbolic link (vis does not write through or replace it here)") }
            case S_IFDIR: throw failure("it is a folder")
            default: throw failure("it is \(kindName(existing.st_mode)), not a regular file (vis replaces only regular files)")
            }
        }

        // The temporary file: new (O_EXCL), never a link (O_NOFOLLOW), in the same folder so
        // the rename stays on one file system.
        let dir = folder.isEmpty ? "." : folder
        let stem = String(decoding: Array(name.utf8.prefix(120)), as: UTF8.self)
        var fd: Int32 = -1
        var temp = ""
        for _ in 0..<16 {
            temp = (dir == "/" ? "" : dir) + "/." + stem + temporaryMarker + String(format: "%08x", UInt32.random(in: 0...UInt32.max))
            fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, keep == nil ? newFileMode : 0o600)
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else {
            let e = errno
            if e == ENOENT || e == ENOTDIR { throw failure("no such folder '\(dir)' (\(String(cString: strerror(ENOENT))))") }
            throw failure(String(cString: strerror(e)))
        }

        // From here on every failure removes the temporary file.
        var closed = false
        func abandon(_ error: Error) -> Error {
            if !closed { close(fd) }
            unlink(temp)
            return error
        }
        if let keep {
            // Python's open(path, "w") keeps the file's mode and owner; so does this.
            // Changing the owner needs privileges: without them the file is the writer's.
            if keep.st_uid != geteuid() || keep.st_gid != getegid() { _ = fchown(fd, keep.st_uid, keep.st_gid) }
            guard fchmod(fd, keep.st_mode & 0o777) == 0 else { throw abandon(failure(String(cString: strerror(errno)))) }
        }
        var written = 0
        while written < bytes.count {
            if interruptible && written > 0 {
                do { try Interrupt.check() } catch { throw abandon(error) }
            }
            let end = Swift.min(bytes.count, written + chunkSize)
            while written < end {
                let n = Foundation.write(fd, bytes.baseAddress! + written, end - written)
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw abandon(failure(String(cString: strerror(n < 0 ? errno : EIO)))) }
                written += n
            }
        }
        guard fsync(fd) == 0 else { throw abandon(failure(String(cString: strerror(errno)))) }
        closed = true
        guard close(fd) == 0 else { throw abandon(failure(String(cString: strerror(errno)))) }
        if mustCreate {
            // link(2) fails when the path appeared meanwhile, so this never replaces a file.
            guard link(temp, path) == 0 else {
                throw abandon(failure(errno == EEXIST ? "it already exists" : String(cString: strerror(errno))))
            }
            unlink(temp)
        } else {
            guard rename(temp, path) == 0 else { throw abandon(failure(String(cString: strerror(errno)))) }
        }
        syncFolder(dir)
    }

    /// Makes the rename itself durable (best effort: some file systems refuse).
    static func syncFolder(_ dir: String) {
        let d = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard d >= 0 else { return }
        _ = fsync(d)
        close(d)
    }

    /// The folder part and the last component of `path` ("" for no folder; "/" for the root).
    static func split(_ path: String) -> (folder: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return ("", path) }
        let name = String(path[path.index(after: slash)...])
        var folder = String(path[..<slash])
        while folder.hasSuffix("/") { folder.removeLast() }
        return (folder.isEmpty ? "/" : folder, name)
    }

    /// "a character device", "a fifo"...: the kind of a file that is not regular.
    public static func kindName(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFIFO: return "a fifo"
        case S_IFSOCK: return "a socket"
        case S_IFDIR: return "a folder"
        case S_IFLNK: return "a symbolic link"
        default: return "a special file"
        }
    }

    /// The temporary files a failed write would have left next to `path` (for tests and
    /// for tidying up after a kill): names `.NAME.vis-tmp-*` in its folder.
    public static func leftovers(of path: String) -> [String] {
        let (folder, name) = split(path)
        let dir = folder.isEmpty ? "." : folder
        let prefix = "." + String(decoding: Array(name.utf8.prefix(120)), as: UTF8.self) + temporaryMarker
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { $0.hasPrefix(prefix) }.map { (dir == "/" ? "" : dir) + "/" + $0 }
    }
}
