import Foundation

/// Finds the stdlib folder (`.vis` files loaded at start-up) from wherever the binary
/// runs: $VIS_STDLIB, then `stdlib/` next to the binary or up to three folders above it
/// (so `.build/release/vis` in a checkout finds the checkout's stdlib).
enum Stdlib {
    static var directory: String? {
        if let env = ProcessInfo.processInfo.environment["VIS_STDLIB"], !env.isEmpty { return env }
        let exe = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
        var dir = exe.deletingLastPathComponent()
        for _ in 0..<5 {
            let candidate = dir.appendingPathComponent("stdlib")
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path + "/prelude.vis", isDirectory: &isDir) { return candidate.path }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }
}
