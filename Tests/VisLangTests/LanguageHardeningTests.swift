@testable import VisLang
import VisNN
import VisTensor
import XCTest

/// Issue 15 for the language: long native loops over lists and strings stop at Ctrl-C,
/// and deep structures are walked and released on a small stack. (The sizes and
/// messages are checked in Tests/notebooks/hardening/lang.vis; an interrupt arriving
/// in the middle of one native call cannot be written in a notebook.)
final class LanguageHardeningTests: XCTestCase {
    override func tearDown() {
        Interrupt.clear()
        super.tearDown()
    }

    /// Asserts that `body` stops with the interrupt error.
    func assertInterrupted<T>(_ what: String, _ body: () throws -> T) {
        Interrupt.request()
        XCTAssertThrowsError(try body(), what) { XCTAssertTrue($0 is InterruptError, "\(what): \($0)") }
        XCTAssertFalse(Interrupt.requested, "\(what): the interrupt is consumed")
    }

    func testTensorFromAListStopsAtCtrlC() {
        let list = Value.list(ListBox([Value](repeating: .int(1), count: 200_000)))
        assertInterrupted("tensor(list)") { try ListTensor.tensor(list, dtype: nil, context: "tensor") }
        // Without an interrupt the same list converts.
        XCTAssertEqual(try ListTensor.tensor(list, dtype: .int64, context: "tensor").shape, [200_000])
    }

    func testStringBuildersStopAtCtrlC() {
        let s = String(repeating: "ab", count: 100_000)
        assertInterrupted("replace") { try TextBuilding.replace(s, "a", "x", count: -1) }
        assertInterrupted("split") { try TextBuilding.split(s, "a", maxsplit: -1) }
        assertInterrupted("join") { try TextBuilding.join([String](repeating: "x", count: 100_000), ",") }
        assertInterrupted("list repetition") { try Arith.repeated([.int(1), .int(2)], 100_000) }
        XCTAssertEqual(try TextBuilding.replace(s, "a", "x", count: -1).utf8.count, 200_000)
    }

    func testTensorPrintingIsCutAtCtrlC() {
        let t = Tensor.full([1000, 1000], 1)  // summarised: short anyway
        XCTAssertFalse(t.description.hasSuffix(" ...])"))
        let tall = Tensor.full([3] + [Int](repeating: 2, count: 15), 1)  // no dimension long enough to summarise: 400 kB of text
        Interrupt.request()
        let text = tall.description
        XCTAssertTrue(Interrupt.requested, "printing leaves the interrupt for the interpreter to raise")
        Interrupt.clear()
        XCTAssertLessThan(text.utf8.count, 10_000, "printing stopped early")
        XCTAssertTrue(text.contains(" ..."))
    }

    /// The deep cases on a 16 MB stack (a secondary thread's size in many hosts is
    /// smaller still; the interpreter's own thread has 512 MB): errors and linear walks,
    /// never a stack overflow.
    func testDeepStructuresOnASmallStack() {
        let source = """
        x = []
        for i in range(300000) { x = [x] }
        print(len(str(x)))
        x = none
        s = Sequential(Linear(2, 2))
        for i in range(2000) { s = Sequential(s) }
        print(len(s.parameters()), len(s.state_dict()), len(s.named_modules()), len(str(s)) > 0)
        print(ones([1] * 20000).ndim)
        print("alive")
        """
        let r = runVis(source, stackSize: 16 << 20)
        XCTAssertNil(r.error, r.rendered ?? "")
        XCTAssertEqual(r.output, "1005\n2 2 2002 true\n20000\nalive\n")
        let recursion = runVis("fn forever(n) { return forever(n + 1) }\nforever(0)", stackSize: 16 << 20)
        XCTAssertTrue(recursion.rendered?.contains("maximum recursion depth") ?? false, recursion.rendered ?? "no error")
    }

    /// Deeply nested source is a parse error on a small stack.
    func testDeepSourceIsAnErrorOnASmallStack() {
        for source in ["x = " + String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000),
                       "x = " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000),
                       "x = " + Array(repeating: "1", count: 100_000).joined(separator: "+"),
                       String(repeating: "if true {\n", count: 10_000) + String(repeating: "}\n", count: 10_000)] {
            let r = runVis(source, stackSize: 16 << 20)
            XCTAssertTrue(r.rendered?.contains("nested too deeply") ?? false, r.rendered ?? "no error")
        }
    }

    /// A native module tree walked by VisNN's own methods (the Swift library API).
    func testNativeModuleWalksAreIterative() {
        var m: VisNN.Module = try! Linear(2, 2)
        for _ in 0..<5000 { m = Sequential([m]) }
        XCTAssertEqual(m.namedParameters().count, 2)
        XCTAssertEqual(m.stateDict().first?.0.count, 5000 * 2 + 6)
        m.eval()
        XCTAssertTrue(m.tree.hasPrefix("Sequential(\n  (0): Sequential(\n"))
    }
}
