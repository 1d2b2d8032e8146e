import CEditLine
import Foundation

/// The terminal signals that arrive while a line is being edited: window resizes,
/// Ctrl-Z and the `fg` after it, and hang-up / terminate / quit.
///
/// libedit can catch these itself, but its handlers work on a global editor pointer
/// from whichever thread the kernel delivers the signal to; vis edits on one thread
/// while others exist (the main thread, BLAS workers), and a resize handled on another
/// thread while the line was finishing crashed libedit. So libedit's handling is off
/// (`rl_catch_signals = 0`) and these handlers only set flags and wake the reading
/// thread; `EditLineReader` acts on the flags between keys, on its own thread.
///
/// The handlers are installed for the duration of one `readline` call: while code runs,
/// the terminal is in its normal mode and the default actions are right.
enum TerminalSignals {
    /// Set by the handlers; read and cleared by the reader thread.
    nonisolated(unsafe) static let resized: UnsafeMutablePointer<sig_atomic_t> = flag()
    nonisolated(unsafe) static let continued: UnsafeMutablePointer<sig_atomic_t> = flag()
    nonisolated(unsafe) static let stopRequested: UnsafeMutablePointer<sig_atomic_t> = flag()
    /// The thread inside `readline`, which the handlers wake with the same signal.
    nonisolated(unsafe) static let reader: UnsafeMutablePointer<pthread_t> = {
        let p = UnsafeMutablePointer<pthread_t>.allocate(capacity: 1)
        p.initialize(to: 0)
        return p
    }()
    /// The terminal's normal (cooked) settings, restored before stopping or dying.
    nonisolated(unsafe) static let cooked: UnsafeMutablePointer<termios> = .allocate(capacity: 1)
    nonisolated(unsafe) static let haveCooked: UnsafeMutablePointer<sig_atomic_t> = flag()

    static func flag() -> UnsafeMutablePointer<sig_atomic_t> {
        let p = UnsafeMutablePointer<sig_atomic_t>.allocate(capacity: 1)
        p.initialize(to: 0)
        return p
    }

    /// The signals handled while editing.
    static let handled: [Int32] = [SIGWINCH, SIGCONT, SIGTSTP, SIGHUP, SIGTERM, SIGQUIT]

    /// Wakes the reader thread if the signal landed on another one (its read then
    /// returns EINTR and the reader looks at the flags).
    static let wakeReader: @convention(c) (Int32) -> Void = { signo in
        let reader = TerminalSignals.reader.pointee
        if reader != 0 && pthread_equal(pthread_self(), reader) == 0 { pthread_kill(reader, signo) }
    }

    static let handler: @convention(c) (Int32) -> Void = { signo in
        switch signo {
        case SIGWINCH:
            TerminalSignals.resized.pointee = 1
            TerminalSignals.wakeReader(signo)
        case SIGTSTP:
            TerminalSignals.stopRequested.pointee = 1
            TerminalSignals.wakeReader(signo)
        case SIGCONT:
            TerminalSignals.continued.pointee = 1
            TerminalSignals.wakeReader(signo)
        default:
            // Hang-up, terminate, quit: leave the terminal as the shell expects it, then
            // end the process the default way.
            if TerminalSignals.haveCooked.pointee != 0 { tcsetattr(STDIN_FILENO, TCSANOW, TerminalSignals.cooked) }
            signal(signo, SIG_DFL)
            raise(signo)  // delivered when this handler returns
        }
    }

    /// Installs the handler for `signo` (no SA_RESTART, so a blocked read returns).
    static func install(_ signo: Int32) {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = handler
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(signo, &action, nil)
    }

    /// Called on the reading thread before `readline`: remembers the normal terminal
    /// settings and installs the handlers. Returns what to restore afterwards.
    static func begin() -> [sigaction] {
        reader.pointee = pthread_self()
        haveCooked.pointee = tcgetattr(STDIN_FILENO, cooked) == 0 ? 1 : 0
        resized.pointee = 0
        continued.pointee = 0
        stopRequested.pointee = 0
        return handled.map { signo in
            var old = sigaction()
            sigaction(signo, nil, &old)
            install(signo)
            return old
        }
    }

    /// Called after `readline`: puts back the handlers `begin` replaced.
    static func end(_ saved: [sigaction]) {
        for (signo, old) in zip(handled, saved) {
            var action = old
            sigaction(signo, &action, nil)
        }
        reader.pointee = 0
    }

    /// Acts on the flags the handlers set (on the reader thread, between keys): re-reads
    /// the window size; for Ctrl-Z puts the terminal in its normal mode and stops the
    /// process (a process group with no shell to resume it is not stopped: the kernel
    /// discards the signal); after `fg` restores the editor's terminal mode and redraws
    /// the line.
    static func handlePending() {
        if resized.pointee != 0 {
            resized.pointee = 0
            rl_resize_terminal()
        }
        if stopRequested.pointee != 0 {
            stopRequested.pointee = 0
            rl_deprep_terminal()
            signal(SIGTSTP, SIG_DFL)
            raise(SIGTSTP)  // returns once the process is continued (or at once, see above)
            install(SIGTSTP)
            continued.pointee = 1
        }
        if continued.pointee != 0 {
            continued.pointee = 0
            rl_prep_terminal(1)
            rl_forced_update_display()
        }
    }
}
