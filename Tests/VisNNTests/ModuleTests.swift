import XCTest
@testable import VisNN
import VisTensor

/// The module base class: names and order of parameters, state dicts, modes, printing.
final class ModuleTests: XCTestCase {
    final class Leaf: Module {
        let w = Tensor.full([2], 1)
        let running = Tensor.full([2], 0)
        override var ownParameters: [(String, Tensor)] { [("weight", w)] }
        override var ownBuffers: [(String, Tensor)] { [("running_mean", running)] }
        override var extraRepr: String { "2" }
    }

    final class Pair: Module {
        let a = Leaf(), b = Leaf()
        override var children: [(String, Module)] { [("a", a), ("b", b)] }
    }

    func testNamesOrderModesAndTree() {
        let m = Pair()
        XCTAssertEqual(m.namedParameters().map(\.0), ["a.weight", "b.weight"])
        XCTAssertEqual(m.stateDict().map(\.0), ["a.weight", "a.running_mean", "b.weight", "b.running_mean"])
        m.eval()
        XCTAssertFalse(m.a.training)
        XCTAssertFalse(m.b.training)
        m.train()
        XCTAssertTrue(m.b.training)
        XCTAssertEqual(m.tree, "Pair(\n  (a): Leaf(2)\n  (b): Leaf(2)\n)")
        XCTAssertThrowsError(try m(Tensor([1]))) { XCTAssertEqual("\($0)", "Pair: this module does not take a single tensor input") }
    }
}
