import Foundation
import VisLang
import XCTest

/// Where the test sources, the notebooks and the stdlib live, found from this file.
enum TestPaths {
    /// Tests/VisLangTests.
    static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    /// Tests/notebooks.
    static let notebooks = here.deletingLastPathComponent().appendingPathComponent("notebooks")
    /// The checkout's stdlib/ folder (loaded before every notebook, as `vis test` does).
    static let stdlib = here.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("stdlib")
}

/// Runs `body` on a thread with a `stackSize`-byte stack and waits for it, as the `vis`
/// command does: the interpreter recurses, and XCTest's own thread has a small stack.
func onThread<T>(stackSize: Int = 512 << 20, _ body: @escaping () -> T) -> T {
    let box = ThreadBox(body)
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        box.value = box.body()
        done.signal()
    }
    thread.stackSize = stackSize
    thread.start()
    done.wait()
    guard let value = box.value else { preconditionFailure("the thread produced no value") }
    return value
}

/// Carries a body to another thread and its result back.
final class ThreadBox<T>: @unchecked Sendable {
    var value: T?
    let body: () -> T
    init(_ body: @escaping () -> T) { self.body = body }
}

/// The outcome of running source text in a fresh session: what it printed and
/// displayed, and the error that stopped it (nil when it ran to the end).
struct RunResult {
    var output: String
    var error: Error?

    /// The error as `vis` prints it (file:line:col, source line, caret), or nil.
    var rendered: String? { (error as? VisError).map(Diagnostic.render) }
}

/// Parses and runs `source` as a script named `name` in a fresh session, on a large stack.
func runVis(_ source: String, name: String = "t.vis", stackSize: Int = 512 << 20) -> RunResult {
    onThread(stackSize: stackSize) {
        var output = ""
        let session = Session(output: { output += $0 })
        do {
            try session.run(source: source, name: name)
            return RunResult(output: output, error: nil)
        } catch {
            return RunResult(output: output, error: error)
        }
    }
}

/// The first lex or parse error of `source`, or nil when it parses.
func syntaxError(_ source: String, name: String = "t.vis") -> VisError? {
    var parser = Parser(SourceFile(name: name, text: source))
    do {
        _ = try parser.parseProgram()
        return nil
    } catch let e as VisError {
        return e
    } catch {
        XCTFail("parsing threw a non-vis error: \(error)")
        return nil
    }
}

/// True when the parser reports that `source` ended before its statement did.
func isIncomplete(_ source: String) -> Bool {
    (syntaxError(source) as? ParseError)?.unexpectedEndOfInput ?? false
}
