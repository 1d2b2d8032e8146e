import Foundation

/// Python's `time`. The module is also callable as vis's older `time()` builtin
/// (monotonic seconds), so scripts written before the module keep working.
enum TimeModule {
    /// Monotonic seconds (the older `time()` builtin's clock).
    static func monotonic() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }

    static func make() -> NamespaceObject {
        var m = ModuleBuilder("time")
        m.function("time", [], "time.time(): seconds since 1970-01-01 UTC (the wall clock), a float.\n  start = time.time()") { _, _ in
            .float(Date().timeIntervalSince1970)
        }
        m.function("perf_counter", [], "time.perf_counter(): a monotonic clock in seconds for measuring durations.\n  t0 = time.perf_counter()") { _, _ in .float(monotonic()) }
        m.function("monotonic", [], "time.monotonic(): a clock in seconds that never goes back.\n  t0 = time.monotonic()") { _, _ in .float(monotonic()) }
        m.function("sleep", [Param("secs", .float)], "time.sleep(secs): waits secs seconds (Ctrl-C stops it).\n  time.sleep(0.5)") { a, rt in
            let secs = try a.double("secs")
            guard secs >= 0, secs.isFinite else { throw NativeError("time.sleep: secs must be a finite non-negative number, got \(Repr.float(secs))") }
            let end = monotonic() + secs
            while true {
                try rt.checkInterrupt()
                let left = end - monotonic()
                if left <= 0 { break }
                Thread.sleep(forTimeInterval: Swift.min(left, 0.05))  // short naps so Ctrl-C is noticed quickly
            }
            return .none
        }
        m.function("strftime", [Param("format", .string), Param("t", .optional(.float), default: Value.none)],
                   "time.strftime(format, t=none): the local time t (seconds since 1970, default now) formatted with C's strftime codes.\n  time.strftime(\"%Y-%m-%d %H:%M:%S\")") { a, _ in
            let format = try a.string("format")
            let seconds = try a.optionalDouble("t") ?? Date().timeIntervalSince1970
            guard seconds.isFinite, Swift.abs(seconds) < 1e15 else { throw NativeError("time.strftime: t is out of range (\(Repr.float(seconds)))") }
            var raw = time_t(seconds.rounded(.down))
            var parts = tm()
            localtime_r(&raw, &parts)
            var buffer = [CChar](repeating: 0, count: 1024)
            let n = strftime(&buffer, buffer.count, format, &parts)
            guard n > 0 || format.isEmpty else { throw NativeError("time.strftime: the formatted time is empty or too long for format \(Repr.quote(format))") }
            return .string(String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        let callable = NativeFunction("time", [], doc: "time(): monotonic seconds as a float, for measuring durations (time.time() is the wall clock).") { _, _ in .float(monotonic()) }
        return CallableNamespaceObject("time", fixed: m.members, callAs: callable)
    }
}

/// A module that can also be called (`time()` beside `time.time()`).
public final class CallableNamespaceObject: NamespaceObject, CallableObject {
    /// What calling the module does.
    let callAs: NativeFunction
    init(_ path: String, fixed: [String: Value], callAs: NativeFunction) {
        self.callAs = callAs
        super.init(path, fixed: fixed)
    }
    public func call(_ args: Arguments, _ runtime: Runtime) throws -> Value { try callAs.call(args, runtime) }
}
