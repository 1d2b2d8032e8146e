import Foundation
import VisLang
import VisTensor

/// How one fuzz case ended, and what was wrong with it (nil when nothing was).
public struct CaseResult {
    /// "lex error", "parse error", "runtime error", "ran", "exit", "slow" (stopped by the
    /// watchdog's interrupt: a hang candidate that Ctrl-C could stop) or "problem" (the
    /// property broken without a signal: see `problem`).
    public var outcome: String
    /// What broke the property (a non-vis error, a badly placed error, an error that does
    /// not name the file, memory past the limit), or nil.
    public var problem: String?
    /// Wall-clock seconds the case took.
    public var seconds: Double
}

/// Runs fuzz inputs through the lexer, the parser and the interpreter with the limits
/// lowered, a step budget, a memory check and a watchdog, and judges the outcome.
public final class Runner {
    /// Statements, loop iterations and native loop steps each input may take.
    public var stepBudget = 10_000
    /// Seconds after which the watchdog requests an interrupt (the case is "slow").
    public var softSeconds = 3.0
    /// Seconds after which an interrupted case that still runs is a hang: the
    /// watchdog reports it and ends the process (status 86), since nothing can stop it.
    public var hardSeconds = 20.0
    /// Peak resident memory, in MB, past which a case is reported: with the limits
    /// lowered no input should come near it.
    public var memoryLimitMB = 3_000
    /// Called (on the watchdog thread) before the process ends on a hang, with the
    /// case's label (libFuzzer's target aborts there, so libFuzzer keeps the input).
    public var onHang: (String) -> Void = { _ in }

    /// The size limits while fuzzing: 2^20 elements per tensor, 2^20 items or
    /// characters per list or string, so a generated program that builds something huge
    /// gets an error instead of the machine's memory.
    public static func lowerLimits() {
        Shape.maxElements = 1 << 20
        Arith.maxLength = 1 << 20
    }

    let watchdog = Watchdog()

    public init() {}

    /// Runs `input` as a program named `name` in a fresh session. When `nameInErrors` is
    /// given, an error from any of the first `namedStatements` statements must contain
    /// it (the readers' errors name the file they read).
    public func check(_ input: String, name: String = "fuzz.vis", label: String = "",
                      nameInErrors: String? = nil, namedStatements: Int = 0) -> CaseResult {
        let started = DispatchTime.now().uptimeNanoseconds
        let peakBefore = Runner.peakMemoryMB()
        watchdog.arm(label: label.isEmpty ? input : label, soft: softSeconds, hard: hardSeconds, onHang: onHang)
        Interrupt.clear()
        var result = run(input, name: name, nameInErrors: nameInErrors, namedStatements: namedStatements)
        let fired = watchdog.disarm()
        Interrupt.clear()
        result.seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        if fired && result.problem == nil { result.outcome = "slow" }
        let peak = Runner.peakMemoryMB()
        if result.problem == nil, peakBefore <= memoryLimitMB, peak > memoryLimitMB {
            result.problem = "peak memory rose to \(peak) MB (limit \(memoryLimitMB) MB) with the size limits lowered"
        }
        return result
    }

    func run(_ input: String, name: String, nameInErrors: String?, namedStatements: Int) -> CaseResult {
        func result(_ outcome: String, _ problem: String? = nil) -> CaseResult { CaseResult(outcome: outcome, problem: problem, seconds: 0) }
        let file = SourceFile(name: name, text: input)
        var lexer = Lexer(file)
        do {
            _ = try lexer.tokenize()
        } catch let e as LexError {
            return result("lex error", Runner.rendering(e))
        } catch {
            return result("problem", "the lexer threw \(type(of: error)): \(error)")
        }
        let program: [Stmt]
        do {
            var parser = Parser(file)
            program = try parser.parseProgram()
        } catch let e as VisError {
            return result("parse error", Runner.rendering(e))
        } catch {
            return result("problem", "the parser threw \(type(of: error)): \(error)")
        }
        let session = Session(output: { _ in })
        session.interpreter.stepBudget = stepBudget
        var outcome = "ran"
        for (i, statement) in program.enumerated() {
            if watchdog.fired { break }
            do {
                try session.runStatement(statement, display: true)
            } catch let e as VisError {
                outcome = "runtime error"
                if let problem = Runner.rendering(e) { return result("problem", problem) }
                if let needed = nameInErrors, i < namedStatements, !e.message.contains(needed),
                   !((e as? RuntimeError)?.interrupted ?? false) {
                    return result("problem", "the error does not name '\(needed)': \(Diagnostic.oneLine(e))")
                }
            } catch is ExitRequest {
                outcome = "exit"
            } catch {
                return result("problem", "running threw \(type(of: error)), not a vis error: \(error)")
            }
        }
        return result(outcome)
    }

    /// Checks that an error renders in both forms and points into the source.
    public static func rendering(_ e: VisError) -> String? {
        let full = Diagnostic.render(e), one = Diagnostic.oneLine(e)
        guard full.contains("error: "), one.hasPrefix("error: "), !e.message.isEmpty else {
            return "badly rendered error: \(full.debugDescription)"
        }
        let (line, column) = e.range.startPosition
        guard line >= 1, line <= e.range.file.lineCount, column >= 1 else {
            return "error position \(line):\(column) is outside the source: \(full)"
        }
        return nil
    }

    /// The process's peak resident memory so far, in MB.
    public static func peakMemoryMB() -> Int {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return usage.ru_maxrss / 1024
    }
}

/// A thread that watches the running case: past the soft limit it requests an
/// interrupt (as Ctrl-C would); past the hard limit the case did not stop for it, and the
/// watchdog reports the hang and ends the process, as nothing else can end the case.
final class Watchdog: @unchecked Sendable {
    private let lock = NSLock()
    private var armedAt: UInt64?
    private var soft = 3.0, hard = 20.0
    private var label = ""
    private var hangHandler: (String) -> Void = { _ in }
    private var didFire = false
    private var thread: Thread?

    /// True when the watchdog interrupted the running case.
    var fired: Bool { lock.lock(); defer { lock.unlock() }; return didFire }

    func arm(label: String, soft: Double, hard: Double, onHang: @escaping (String) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        armedAt = DispatchTime.now().uptimeNanoseconds
        (self.label, self.soft, self.hard, hangHandler, didFire) = (label, soft, hard, onHang, false)
        if thread == nil {
            let t = Thread { [self] in self.watch() }
            t.stackSize = 1 << 20
            thread = t
            t.start()
        }
    }

    /// Stops watching; returns whether the case was interrupted.
    func disarm() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        armedAt = nil
        return didFire
    }

    private func watch() {
        while true {
            usleep(50_000)
            lock.lock()
            guard let t = armedAt else { lock.unlock(); continue }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - t) / 1e9
            if elapsed > hard {
                let (label, handler) = (self.label, hangHandler)
                lock.unlock()
                let text = "vis-fuzz: HANG: the case ran \(Int(elapsed)) s and did not stop \(Int(elapsed - soft)) s after an interrupt:\n\(label.prefix(4_000))\n"
                FileHandle.standardError.write(Data(text.utf8))
                handler(label)
                _exit(86)
            }
            if elapsed > soft && !didFire {
                didFire = true
                Interrupt.request()
            }
            lock.unlock()
        }
    }
}

/// A thread with a large stack (as the `vis` command runs code on: the interpreter
/// recurses) that runs the bodies it is given, one at a time.
public final class BigStackWorker: @unchecked Sendable {
    private let jobs = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    private var job: (() -> Void)?

    public init(stackSize: Int = 512 << 20) {
        // The worker lives as long as the process: it holds itself.
        let t = Thread { [self] in
            while true {
                self.jobs.wait()
                self.job?()
                self.job = nil
                self.done.signal()
            }
        }
        t.stackSize = stackSize
        t.start()
    }

    /// Runs `body` on the worker and waits for its value.
    public func run<T>(_ body: @escaping () -> T) -> T {
        var value: T?
        job = { value = body() }
        jobs.signal()
        done.wait()
        return value!
    }
}
