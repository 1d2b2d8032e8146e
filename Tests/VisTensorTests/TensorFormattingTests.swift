import XCTest
@testable import VisTensor

/// Printing follows PyTorch's repr rules (torch/_tensor_str.py), with vis's spelling
/// of bools and the shape added to summaries.
final class TensorFormattingTests: XCTestCase {
    func check(_ t: Tensor, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(t.description, expected, file: file, line: line)
    }

    func testScalarsAndVectors() throws {
        check(Tensor.scalar(10), "tensor(10.)")
        check(Tensor.scalar(3.5), "tensor(3.5000)")
        check(Tensor([1, 2, 3]), "tensor([1., 2., 3.])")
        check(Tensor([1, -2.5, 3]), "tensor([ 1.0000, -2.5000,  3.0000])")
        check(try Tensor(int64: [1, -20, 300]), "tensor([  1, -20, 300])")
        check(try Tensor(bools: [true, false]), "tensor([ true, false])")
        check(Tensor([1e-5, 1]), "tensor([1.0000e-05, 1.0000e+00])")
        check(Tensor([Float.nan, 1, -Float.infinity]), "tensor([ nan,   1., -inf])")
    }

    func testMatricesAndBlocks() throws {
        check(try Tensor([[1, 2], [3, 4]]), "tensor([[1., 2.],\n        [3., 4.]])")
        check(try Tensor.arange(0, 8, dtype: .int64).reshape([2, 2, 2]),
              "tensor([[[0, 1],\n         [2, 3]],\n\n        [[4, 5],\n         [6, 7]]])")
    }

    func testEmptyTensors() throws {
        check(Tensor([Float]()), "tensor([])")
        check(try Tensor.zeros([0, 3]), "tensor([], size=(0, 3))")
        check(try Tensor(int64: []), "tensor([], dtype=int64)")
    }

    func testSummariesShowEdgesAndShape() throws {
        let t = try Tensor.arange(0, 2000, dtype: .int64)
        check(t, "tensor([   0,    1,    2,  ..., 1997, 1998, 1999], shape=[2000])")
        let m = try Tensor.arange(0, 1600, dtype: .int64).reshape([40, 40])
        let lines = m.description.split(separator: "\n")
        XCTAssertEqual(lines.count, 7)
        XCTAssertEqual(lines[0], "tensor([[   0,    1,    2,  ...,   37,   38,   39],")
        XCTAssertEqual(lines[3], "        ...,")
        XCTAssertTrue(lines[6].hasSuffix("]], shape=[40, 40])"))
    }

    func testLongRowsWrapAtEightyColumns() throws {
        let t = try Tensor.arange(0, 30).mul(1.5)
        for line in t.description.split(separator: "\n") { XCTAssertLessThanOrEqual(line.count, 80) }
        XCTAssertTrue(t.description.hasPrefix("tensor([ 0.0000,  1.5000,"))
    }

    func testAutogradSuffixes() throws {
        let x = try Tensor([1, 2]).setRequiresGrad()
        check(x, "tensor([1., 2.], requires_grad=true)")
        check(try x.mul(2), "tensor([2., 4.], grad_fn=<MulBackward0>)")
        check(try x.logSoftmax(dim: 0).sum(), "tensor(-1.6265, grad_fn=<SumBackward0>)")
        XCTAssertEqual(Tensor.backwardName("log_softmax"), "LogSoftmaxBackward0")
    }
}
