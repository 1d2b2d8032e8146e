#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Watches the native stack of the thread running the interpreter, so that deep
/// recursion ends in a vis error even where the call count is still under
/// `Interpreter.maxDepth` (each call may sit under a deeply nested expression, and
/// debug builds use large frames) or the thread's stack is small.
struct StackGuard {
    /// The thread the floor was measured for.
    private var thread: pthread_t?
    /// Calls are refused once the stack pointer gets below this address.
    private var floor: UInt = 0

    /// How much stack to keep in reserve below the last allowed call: enough for the
    /// deepest expression the parser accepts, plus native code, plus printing the error.
    static func reserve(stackSize: Int) -> UInt { UInt(Swift.min(8 << 20, stackSize / 4)) }

    /// True when the current thread has room for one more level of user calls.
    @inline(__always)
    mutating func hasRoom() -> Bool {
        var marker: UInt8 = 0
        let here = withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
        let me = pthread_self()
        if thread.map({ pthread_equal($0, me) == 0 }) ?? true {
            thread = me
            floor = StackGuard.floor(of: me) ?? 0
        }
        return here > floor
    }

    /// The lowest address calls may reach on `thread` (its stack's low end plus the
    /// reserve), or nil where the system does not say.
    static func floor(of thread: pthread_t) -> UInt? {
        #if os(Linux)
        var attr = pthread_attr_t()
        guard let getattr = getattrNP, getattr(thread, &attr) == 0 else { return nil }
        defer { pthread_attr_destroy(&attr) }
        var low: UnsafeMutableRawPointer?
        var size = 0
        guard pthread_attr_getstack(&attr, &low, &size) == 0, let low else { return nil }
        return UInt(bitPattern: low) + reserve(stackSize: size)
        #else
        let high = UInt(bitPattern: pthread_get_stackaddr_np(thread))
        let size = pthread_get_stacksize_np(thread)
        return high - UInt(size) + reserve(stackSize: size)
        #endif
    }

    #if os(Linux)
    /// glibc's `pthread_getattr_np`, which Swift's Glibc module does not import (it is
    /// declared only under _GNU_SOURCE): looked up once by name.
    private static let getattrNP: (@convention(c) (pthread_t, UnsafeMutablePointer<pthread_attr_t>) -> Int32)? = {
        guard let symbol = dlsym(nil, "pthread_getattr_np") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (pthread_t, UnsafeMutablePointer<pthread_attr_t>) -> Int32).self)
    }()
    #endif
}
