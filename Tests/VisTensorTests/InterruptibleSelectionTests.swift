import XCTest
@testable import VisTensor

/// Ctrl-C in the selection, scatter, index and counting loops and inside one huge row
/// of the order statistics and of the cumprod / logcumsumexp backward: with an
/// interrupt pending, each op throws `InterruptError` (its half-made result discarded)
/// and clears the flag; the next call computes normally. The inputs are a few blocks of
/// `Interrupt.pollBlock` elements, so a loop that never polled would run to the end
/// and the assertion would fail.
final class InterruptibleSelectionTests: XCTestCase {
    override func tearDown() { Interrupt.clear() }

    /// Elements per test input: two poll blocks.
    let n = 2 * Interrupt.pollBlock

    /// Runs `op` with an interrupt pending (it must throw InterruptError and clear the
    /// flag), then without (it must succeed).
    func assertInterruptible(_ name: String, _ op: () throws -> Any, file: StaticString = #filePath, line: UInt = #line) {
        Interrupt.request()
        XCTAssertThrowsError(try op(), name, file: file, line: line) {
            XCTAssertTrue($0 is InterruptError, "\(name): \($0)", file: file, line: line)
        }
        XCTAssertFalse(Interrupt.requested, "\(name) left the flag set", file: file, line: line)
        XCTAssertNoThrow(try op(), name, file: file, line: line)
    }

    /// An int64 index of `count` positions cycling through `0..<size`.
    func index(_ count: Int, size: Int) throws -> Tensor {
        try Tensor(int64: (0..<count).map { Int64($0 % size) }, shape: [count])
    }

    func testSelectionAndScatterStopWhenInterrupted() throws {
        let x = try Tensor.randn([n])
        let idx = try index(n, size: n)
        assertInterruptible("gather") { try x.gather(dim: 0, index: idx) }
        assertInterruptible("scatter_add") { try x.scatterAdd(dim: 0, index: idx, source: x) }
        assertInterruptible("scatter") { try x.scatter(dim: 0, index: idx, src: x) }
        assertInterruptible("scatter value") { try x.scatter(dim: 0, index: idx, value: 1) }
        assertInterruptible("scatter_reduce") { try x.scatterReduce(dim: 0, index: idx, src: x, reduce: "amax") }
        assertInterruptible("index_select") { try x.indexSelect(dim: 0, index: idx) }
        assertInterruptible("index_add") { try x.indexAdd(dim: 0, index: idx, source: x) }
        assertInterruptible("index_copy") { try x.indexCopy(dim: 0, index: idx, source: x) }
        assertInterruptible("index_fill") { try x.indexFill(dim: 0, index: idx, value: 0) }
        assertInterruptible("take_along_dim") { try x.takeAlongDim(idx, dim: 0) }
        let mask = try x.gt(0)
        assertInterruptible("masked_select") { try x.maskedSelect(mask) }
        assertInterruptible("nonzero") { try x.nonzero() }
        assertInterruptible("x[mask]") { try x.index([.tensor(mask)]) }
    }

    func testCountingAndOrderStopWhenInterrupted() throws {
        let x = try Tensor.randn([n])
        let ints = try index(n, size: 1000)
        let sorted = try x.sort().values
        assertInterruptible("unique") { try ints.unique().values }
        assertInterruptible("unique dim") { try ints.reshape([n, 1]).unique(dim: 0).values }
        assertInterruptible("searchsorted") { try sorted.searchsorted(x) }
        assertInterruptible("bincount") { try ints.bincount() }
        assertInterruptible("histc") { try x.histc(bins: 10) }
        assertInterruptible("sort") { try x.sort().values }
        assertInterruptible("median") { try x.median(dim: 0).values }
        assertInterruptible("quantile") {
            try x.quantile([0.5], scalarQ: true, dim: 0, keepdim: false, interpolation: .linear, skipNaN: false)
        }
    }

    func testOneRowBackwardStopsWhenInterrupted() throws {
        let x = try Tensor.rand([n]).add(0.5).setRequiresGrad()
        for op in ["cumprod", "logcumsumexp"] {
            let y = op == "cumprod" ? try x.cumprod(dim: 0) : try x.logcumsumexp(dim: 0)
            Interrupt.request()
            XCTAssertThrowsError(try y.sum().backward(retainGraph: true), op) { XCTAssertTrue($0 is InterruptError, "\(op): \($0)") }
            XCTAssertFalse(Interrupt.requested, "\(op) left the flag set")
            x.grad = nil
            XCTAssertNoThrow(try y.sum().backward(), op)
        }
    }
}
