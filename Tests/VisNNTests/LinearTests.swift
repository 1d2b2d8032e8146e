import XCTest
import VisNN
import VisTensor

/// linear: gradients against finite differences for 1-D, 2-D and batched inputs, with
/// and without bias, strided operands (a transposed weight, a sliced input), and errors.
final class LinearTests: XCTestCase {
    typealias G = NNGradCheck

    func testValues() throws {
        let x = try Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let w = try Tensor([1, 0, -1, 0.5, 0.5, 0.5], shape: [2, 3])
        let b = try Tensor([10, 20], shape: [2])
        let y = try Functional.linear(x, weight: w, bias: b)
        XCTAssertEqual(y.shape, [2, 2])
        XCTAssertEqual(y.toFloatArray(), [8, 23, 8, 27.5])
    }

    func testGradients2D() {
        let x = ConvTest.leaf([4, 5], seed: 1), w = ConvTest.leaf([3, 5], seed: 2), b = ConvTest.leaf([3], seed: 3)
        G.assertGradients([x, w, b]) { try Functional.linear($0[0], weight: $0[1], bias: $0[2]) }
    }

    func testGradientsBatchedWithoutBias() throws {
        let x = ConvTest.leaf([2, 3, 4], seed: 4), w = ConvTest.leaf([5, 4], seed: 5)
        XCTAssertEqual(try Functional.linear(x, weight: w).shape, [2, 3, 5])
        G.assertGradients([x, w]) { try Functional.linear($0[0], weight: $0[1]) }
    }

    func testGradients1D() throws {
        let x = ConvTest.leaf([4], seed: 6), w = ConvTest.leaf([3, 4], seed: 7), b = ConvTest.leaf([3], seed: 8)
        XCTAssertEqual(try Functional.linear(x, weight: w, bias: b).shape, [3])
        G.assertGradients([x, w, b]) { try Functional.linear($0[0], weight: $0[1], bias: $0[2]) }
    }

    func testGradientsStridedOperands() {
        // A transposed weight (column-major [out, in]), a column slice of x, and a
        // permuted 3-D input: BLAS reads the first two in place, the last is copied.
        let wt = ConvTest.leaf([4, 3], seed: 9), x = ConvTest.leaf([5, 6], seed: 10), b = ConvTest.leaf([3], seed: 11)
        G.assertGradients([x, wt, b]) { try Functional.linear($0[0].narrow(1, 1, 4), weight: $0[1].t(), bias: $0[2]) }
        let x3 = ConvTest.leaf([4, 2, 3], seed: 12), w = ConvTest.leaf([2, 4], seed: 13)
        G.assertGradients([x3, w]) { try Functional.linear($0[0].permute([1, 2, 0]), weight: $0[1]) }
    }

    func testGradientsOfOneInputAtATime() {
        let xData = ConvTest.leaf([3, 4], seed: 14, requiresGrad: false), w = ConvTest.leaf([2, 4], seed: 15)
        G.assertGradients([w]) { try Functional.linear(xData, weight: $0[0]) }
        let x = ConvTest.leaf([3, 4], seed: 16), wFrozen = ConvTest.leaf([2, 4], seed: 17, requiresGrad: false)
        let b = ConvTest.leaf([2], seed: 18)
        G.assertGradients([x, b]) { try Functional.linear($0[0], weight: wFrozen, bias: $0[1]) }
    }

    func testEmptyBatchAndZeroFeatures() throws {
        let w = ConvTest.leaf([3, 4], seed: 19)
        XCTAssertEqual(try Functional.linear(Tensor.zeros([0, 4]), weight: w).shape, [0, 3])
        let b = ConvTest.leaf([2], seed: 20, requiresGrad: false)
        let y = try Functional.linear(Tensor.zeros([3, 0]), weight: Tensor.zeros([2, 0]), bias: b)
        XCTAssertEqual(y.shape, [3, 2])
        XCTAssertEqual(y.toFloatArray(), b.toFloatArray() + b.toFloatArray() + b.toFloatArray())
    }

    func testErrors() {
        let w = ConvTest.leaf([512, 4096], seed: 21, requiresGrad: false)
        ConvTest.assertThrows("linear: input has 3136 features (shape [64, 3136]) but weight expects 4096 (weight [512, 4096])") {
            try Functional.linear(Tensor.zeros([64, 3136]), weight: w)
        }
        ConvTest.assertThrows("linear: expected weight [out_features, in_features], got [4096]") {
            try Functional.linear(Tensor.zeros([2, 4096]), weight: Tensor.zeros([4096]))
        }
        ConvTest.assertThrows("linear: expected bias [512] for weight [512, 4096], got [4096]") {
            try Functional.linear(Tensor.zeros([2, 4096]), weight: w, bias: Tensor.zeros([4096]))
        }
        ConvTest.assertThrows("linear: expected input [*, 4096], got a scalar") {
            try Functional.linear(Tensor.scalar(1), weight: w)
        }
    }
}
