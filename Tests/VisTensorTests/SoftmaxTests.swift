import XCTest
@testable import VisTensor

/// softmax and log_softmax: gradients along every dimension (finite differences,
/// tolerances in GradCheck.swift), values, numerical stability and errors.
/// NumPy reference values are in ReferenceValueTests.
final class SoftmaxTests: XCTestCase {
    func testSoftmaxGradients() {
        let x = randomLeaf([2, 3, 4], seed: 401, in: -3...3)
        for dim in [0, 1, 2, -1, -3] {
            assertGradientsMatch([x]) { try $0[0].softmax(dim: dim) }
        }
        let v = randomLeaf([5], seed: 402, in: -3...3)
        assertGradientsMatch([v]) { try $0[0].softmax(dim: 0) }
    }

    func testLogSoftmaxGradients() {
        let x = randomLeaf([2, 3, 4], seed: 403, in: -3...3)
        for dim in [0, 1, 2, -1, -2] {
            assertGradientsMatch([x]) { try $0[0].logSoftmax(dim: dim) }
        }
        let v = randomLeaf([5], seed: 404, in: -3...3)
        assertGradientsMatch([v]) { try $0[0].logSoftmax(dim: -1) }
    }

    func testGradientsThroughNonContiguousInput() {
        let x = randomLeaf([3, 4], seed: 405, in: -3...3)
        assertGradientsMatch([x]) { try $0[0].t().softmax(dim: 1) }
        assertGradientsMatch([x]) { try $0[0].t().logSoftmax(dim: 0) }
        // Composed with other ops: a cross-entropy-like loss.
        assertGradientsMatch([x]) { try $0[0].logSoftmax(dim: 1).mul($0[0].softmax(dim: 0)) }
    }

    func testZeroDimensionalSoftmax() throws {
        let s = leaf([2.5], [])
        assertTensor(try s.softmax(dim: 0), [], [1])
        assertTensor(try s.logSoftmax(dim: -1), [], [0])
        assertGradientsMatch([s]) { try $0[0].softmax(dim: 0).mul($0[0]) }
        assertGradientsMatch([s]) { try $0[0].logSoftmax(dim: 0).add($0[0].mul($0[0])) }
    }

    func testValues() throws {
        let x = tensor([1, 2, 3], [3])
        // exp(i) / (e + e^2 + e^3); tol 1e-6 for float32.
        assertTensor(try x.softmax(dim: 0), [3], [0.09003057, 0.24472847, 0.66524096], tol: 1e-6)
        assertTensor(try x.logSoftmax(dim: 0), [3], [-2.40760596, -1.40760596, -0.40760596], tol: 1e-6)
        // Along dim 0 of a matrix: each column is normalised.
        let m = tensor([0, 1, 0, 1], [2, 2])
        assertTensor(try m.softmax(dim: 0), [2, 2], [0.5, 0.5, 0.5, 0.5])
        assertTensor(try m.softmax(dim: 1), [2, 2], [0.26894142, 0.73105858, 0.26894142, 0.73105858], tol: 1e-6)
    }

    func testRowsSumToOneAndLogSoftmaxMatchesLogOfSoftmax() throws {
        let x = try Tensor.randn([3, 4, 5], generator: Generator(seed: 406))
        for dim in 0..<3 {
            let s = try x.softmax(dim: dim)
            assertTensor(try s.sum(dim: dim), x.shape.enumerated().filter { $0.offset != dim }.map(\.element),
                         [Float](repeating: 1, count: 60 / x.shape[dim]), tol: 1e-6)
            // tol 1e-5: log of a float32 softmax vs a float32 log_softmax.
            let ls = try x.logSoftmax(dim: dim).toFloatArray()
            let logS = try s.log().toFloatArray()
            for i in 0..<ls.count { XCTAssertEqual(ls[i], logS[i], accuracy: 1e-5) }
        }
    }

    func testStabilityForLargeAndInfiniteInputs() throws {
        let big = tensor([1000, 1001, -1000], [3])
        assertTensor(try big.softmax(dim: 0), [3], [0.26894142, 0.73105858, 0], tol: 1e-6)
        assertTensor(try big.logSoftmax(dim: 0), [3], [-1.31326169, -0.31326169, -2001.31326169], tol: 1e-3)
        let inf = tensor([-.infinity, 0], [2])
        assertTensor(try inf.softmax(dim: 0), [2], [0, 1])
        XCTAssertEqual(try inf.logSoftmax(dim: 0).toFloatArray(), [-.infinity, 0])
    }

    func testErrors() {
        assertThrowsMessage("softmax: expected a float32 tensor, got int64") { try ints([1, 2]).softmax(dim: 0) }
        assertThrowsMessage("log_softmax: expected a float32 tensor, got bool") { try bools([true]).logSoftmax(dim: 0) }
        assertThrowsMessage("softmax: dimension 2 is out of range for a tensor with 2 dimensions (expected -2...1)") {
            try Tensor.full([2, 2], 0).softmax(dim: 2)
        }
        assertThrowsMessage("log_softmax: dimension -3 is out of range for a tensor with 2 dimensions (expected -2...1)") {
            try Tensor.full([2, 2], 0).logSoftmax(dim: -3)
        }
    }
}
