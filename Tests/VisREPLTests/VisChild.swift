import Foundation

/// A `vis` child process started in `cwd` with HOME set, its standard output and error
/// written to files (no pipe to fill), so a test can read them while it runs.
final class VisChild {
    let process = Process()
    /// Where standard output and standard error go (inside `home`).
    let outPath: String, errPath: String
    private let outHandle: FileHandle, errHandle: FileHandle

    /// Starts `vis arguments`; `stdin` is written to its standard input and closed (nil:
    /// the null device).
    init(_ arguments: [String], cwd: String, home: String, stdin: String? = nil) throws {
        process.executableURL = URL(fileURLWithPath: PseudoTerminal.visExecutable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: cwd)
        process.environment = ["HOME": home, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"]
        outPath = home + "/.out-\(UUID().uuidString)"
        errPath = home + "/.err-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        outHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        errHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        process.standardOutput = outHandle
        process.standardError = errHandle
        guard let stdin else {
            process.standardInput = FileHandle.nullDevice
            try process.run()
            return
        }
        let input = Pipe()
        process.standardInput = input
        try process.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
    }

    /// What the child has written to standard output so far.
    var out: String { (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "" }
    /// What the child has written to standard error so far.
    var err: String { (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "" }

    /// Waits for the child to end and closes the output files (they stay for reading).
    func wait() throws {
        process.waitUntilExit()
        try outHandle.close()
        try errHandle.close()
    }

    /// Removes the output files.
    func removeFiles() {
        try? FileManager.default.removeItem(atPath: outPath)
        try? FileManager.default.removeItem(atPath: errPath)
    }
}
