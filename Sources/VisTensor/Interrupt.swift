import Foundation

/// The error thrown when the user interrupts running code with Ctrl-C.
public struct InterruptError: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "interrupted" }
}

/// The Ctrl-C flag. A SIGINT handler sets it; the interpreter polls it between
/// statements and loop iterations, and long native loops poll it between chunks, so a
/// run stops at a safe point with every variable intact.
public enum Interrupt {
    /// Written from the signal handler: a plain C int is all a handler may touch.
    nonisolated(unsafe) static let flag: UnsafeMutablePointer<Int32> = {
        let p = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
        p.initialize(to: 0)
        return p
    }()

    /// True when Ctrl-C was pressed since the last `clear()`.
    @inline(__always) public static var requested: Bool { flag.pointee != 0 }

    /// Records an interrupt (what the SIGINT handler does; tests call it directly).
    public static func request() {
        flag.pointee = 1
        received.pointee &+= 1
    }

    /// How many interrupts arrived since the process started: never cleared, so a
    /// caller can tell a real Ctrl-C (the count moved) from a `raise KeyboardInterrupt`
    /// in user code, which also ends a statement as "interrupted" (`vis test` stops the
    /// whole run only for the former).
    nonisolated(unsafe) static let received: UnsafeMutablePointer<Int32> = {
        let p = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
        p.initialize(to: 0)
        return p
    }()

    /// The number of interrupts so far (see `received`).
    public static var count: Int32 { received.pointee }

    /// Forgets a pending interrupt.
    public static func clear() { flag.pointee = 0 }

    /// Throws `InterruptError` (and clears the flag) when an interrupt is pending.
    @inline(__always)
    public static func check() throws {
        if flag.pointee != 0 {
            flag.pointee = 0
            throw InterruptError()
        }
    }

    /// Elements between two polls of the flag in the selection, scatter and counting
    /// loops (about 64K: a load per block costs nothing, and a block takes well under a
    /// millisecond).
    public static let pollBlock = 1 << 16

    /// Runs `body(start, end)` over `0..<count` in blocks of `pollBlock` and stops
    /// (returning false) after a block when Ctrl-C is pending; the throwing op that runs
    /// it then calls `try Interrupt.check()`, discarding its half-made result.
    @inline(__always)
    @discardableResult
    public static func inBlocks(_ count: Int, _ body: (Int, Int) -> Void) -> Bool {
        var start = 0
        while start < count {
            let end = Swift.min(count, start + pollBlock)
            body(start, end)
            if flag.pointee != 0 { return false }
            start = end
        }
        return true
    }

    /// True when `i` (a loop counter) ends a block of `pollBlock` elements and Ctrl-C is
    /// pending: the poll of loops that cannot be split into blocks.
    @inline(__always)
    public static func due(_ i: Int) -> Bool { i & (pollBlock - 1) == pollBlock - 1 && flag.pointee != 0 }

    /// The thread that waits for input (0 until `installHandler` runs).
    nonisolated(unsafe) static let reader: UnsafeMutablePointer<pthread_t> = {
        let p = UnsafeMutablePointer<pthread_t>.allocate(capacity: 1)
        p.initialize(to: 0)
        return p
    }()

    /// Installs the SIGINT handler that sets the flag, on behalf of the calling thread
    /// (the one that reads input and runs code). Without SA_RESTART, so a blocking read
    /// (the line editor waiting for input) returns and sees it. The kernel may deliver
    /// the signal to any thread (the main thread, a BLAS worker); the handler then
    /// passes it on to the reader thread, so its read is interrupted all the same.
    public static func installHandler() {
        _ = flag
        _ = received
        reader.pointee = pthread_self()
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            Interrupt.flag.pointee = 1
            let reader = Interrupt.reader.pointee
            if reader != 0 && pthread_equal(pthread_self(), reader) == 0 {
                // Counted once, by the handler on the reader thread.
                pthread_kill(reader, SIGINT)
            } else {
                Interrupt.received.pointee &+= 1
            }
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
    }

    /// Stops passing SIGINT on to the thread that installed the handler (call it before
    /// that thread ends).
    public static func forgetReader() {
        reader.pointee = 0
    }
}
