import XCTest
@testable import VisNN
import VisTensor

/// Ctrl-C in the conv and pooling kernels: with an interrupt pending, each op throws
/// `InterruptError` (its half-made result discarded) and clears the flag; the next call
/// computes normally.
final class InterruptibleConvTests: XCTestCase {
    override func tearDown() { Interrupt.clear() }

    /// Runs `op` with an interrupt pending (it must throw InterruptError and clear the
    /// flag), then without (it must succeed).
    func assertInterruptible(_ name: String, _ op: () throws -> Tensor, file: StaticString = #filePath, line: UInt = #line) {
        Interrupt.request()
        XCTAssertThrowsError(try op(), name, file: file, line: line) {
            XCTAssertTrue($0 is InterruptError, "\(name): \($0)", file: file, line: line)
        }
        XCTAssertFalse(Interrupt.requested, "\(name) left the flag set", file: file, line: line)
        XCTAssertNoThrow(try op(), name, file: file, line: line)
    }

    func testConvAndPoolingStopWhenInterrupted() throws {
        let x = try Tensor.randn([4, 3, 16, 16]), w = try Tensor.randn([5, 3, 3, 3])
        assertInterruptible("conv2d") { try Functional.conv2d(x, weight: w) }
        assertInterruptible("conv2d, one image") { try Functional.conv2d(x.narrow(0, 0, 1), weight: w) }
        assertInterruptible("conv_transpose2d") { try Functional.convTranspose2d(x, weight: try Tensor.randn([3, 5, 3, 3])) }
        assertInterruptible("max_pool2d") { try Functional.maxPool2d(x, kernel: (2, 2)) }
        assertInterruptible("avg_pool2d") { try Functional.avgPool2d(x, kernel: (2, 2)) }
        assertInterruptible("adaptive_avg_pool2d") { try Functional.adaptiveAvgPool2d(x, outputSize: (3, 3)) }
        assertInterruptible("adaptive_max_pool2d") { try Functional.adaptiveMaxPool2d(x, outputSize: (3, 3)) }
        assertInterruptible("linear") { try Functional.linear(x.reshape([4, 768]), weight: try Tensor.randn([7, 768])) }
    }

    /// The backward pass of a convolution stops too (backward() then throws).
    func testConvBackwardStopsWhenInterrupted() throws {
        let x = try Tensor.randn([4, 3, 8, 8]).setRequiresGrad(), w = try Tensor.randn([5, 3, 3, 3]).setRequiresGrad()
        let y = try Functional.conv2d(x, weight: w).sum()
        Interrupt.request()
        XCTAssertThrowsError(try y.backward()) { XCTAssertTrue($0 is InterruptError, "\($0)") }
        XCTAssertFalse(Interrupt.requested)
    }
}
