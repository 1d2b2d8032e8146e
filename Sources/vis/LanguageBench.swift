import Foundation
import VisLang
import VisTensor

/// The language benchmarks printed by `vis bench`: start-up time, a pure-int loop
/// against CPython running the same loop, and per-iteration cost of tensor ops in a
/// loop against the native op overhead.
enum LanguageBench {
    static func run(nativeAddMicros: Double) throws {
        // Start-up: the whole process, stdlib included, as a user sees it.
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var startups: [Double] = []
        for _ in 0..<11 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: exe)
            p.arguments = ["-e", "ones(2).sum()"]
            p.standardOutput = FileHandle.nullDevice
            let t0 = DispatchTime.now().uptimeNanoseconds
            try p.run()
            p.waitUntilExit()
            startups.append(Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-6)
        }
        startups.sort()
        TensorBench.line("vis -e 'ones(2).sum()' wall time", String(format: "%7.1f ms", startups[startups.count / 2]))

        // A million-iteration int loop, timed inside each language (start-up excluded).
        let session = Session(output: { _ in })
        let loop = "s = 0\nfor i in range(1000000) { s += i }"
        var visTimes: [Double] = []
        for _ in 0..<5 {
            let t0 = DispatchTime.now().uptimeNanoseconds
            try session.run(source: loop, display: false)
            visTimes.append(Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9)
        }
        visTimes.sort()
        let visLoop = visTimes[2]
        var line = String(format: "%7.1f ms", visLoop * 1e3)
        if let py = pythonLoopSeconds() {
            line += String(format: "  (CPython %.1f ms; vis/CPython = %.2f)", py * 1e3, visLoop / py)
        } else {
            line += "  (python3 not found: no comparison)"
        }
        TensorBench.line("loop: s += i, 1e6 iterations", line)

        // 100,000 one-element tensor adds in a vis loop.
        try session.run(source: "a = ones(1)\nb = ones(1)", display: false)
        var addTimes: [Double] = []
        for _ in 0..<5 {
            let t0 = DispatchTime.now().uptimeNanoseconds
            try session.run(source: "for i in range(100000) { c = a + b }", display: false)
            addTimes.append(Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9)
        }
        addTimes.sort()
        let perIteration = addTimes[2] / 100_000 * 1e6
        TensorBench.line("loop: c = a + b (1 element), per iteration",
                         String(format: "%7.3f us  (%.2fx the native op overhead)", perIteration, perIteration / nativeAddMicros))
    }

    /// Seconds CPython takes for the same loop (best of 5, timed inside Python).
    static func pythonLoopSeconds() -> Double? {
        let script = """
        import time
        best = 1e9
        for _ in range(5):
            t0 = time.perf_counter()
            s = 0
            for i in range(1000000):
                s += i
            best = min(best, time.perf_counter() - t0)
        print(best)
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { return nil }
        return Double(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
