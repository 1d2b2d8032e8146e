import XCTest
@testable import VisNN
import VisTensor

/// Functional.layerNorm: PyTorch reference values, gradient checks, errors.
final class LayerNormTests: XCTestCase {
    /// Reference cases from make_norm_reference.py: name, normalized_shape, eps.
    let cases: [(String, [Int], Double)] = [
        ("ln_affine", [4, 5], 1e-5), ("ln_plain", [8], 1e-5), ("ln_eps", [6], 1e-2),
    ]

    /// Outputs and gradients of sum(out * R) against PyTorch (float64 on the same float32
    /// inputs), tolerance 1e-5 relative + 1e-5 absolute.
    func testMatchesPyTorch() throws {
        for (name, normalized, eps) in cases {
            let x = try NormTest.fixtureLeaf(name, "x")
            let r = try NormTest.fixture(name, "r")
            let affine = NormTest.hasFixture(name, "w")
            let w = affine ? try NormTest.fixtureLeaf(name, "w") : nil
            let b = affine ? try NormTest.fixtureLeaf(name, "b") : nil
            let out = try Functional.layerNorm(x, normalizedShape: normalized, weight: w, bias: b, eps: eps)
            try NormTest.backward(out, weights: r)
            NormTest.assertClose(out, try NormTest.fixture(name, "out"), "\(name) out")
            NormTest.assertClose(x.grad, try NormTest.fixture(name, "dx"), "\(name) dx")
            if let w, let b {
                NormTest.assertClose(w.grad, try NormTest.fixture(name, "dw"), "\(name) dweight")
                NormTest.assertClose(b.grad, try NormTest.fixture(name, "db"), "\(name) dbias")
            }
        }
    }

    func testGradients() {
        let x = NormTest.leaf([3, 2, 5], seed: 21, in: -3...3)
        let w = NormTest.leaf([2, 5], seed: 22, in: 0.5...1.5), b = NormTest.leaf([2, 5], seed: 23)
        NNGradCheck.assertGradients([x, w, b]) { t in
            try Functional.layerNorm(t[0], normalizedShape: [2, 5], weight: t[1], bias: t[2])
        }
        let w1 = NormTest.leaf([5], seed: 24, in: 0.5...1.5), b1 = NormTest.leaf([5], seed: 25)
        NNGradCheck.assertGradients([x]) { t in try Functional.layerNorm(t[0], normalizedShape: [5]) }
        NNGradCheck.assertGradients([x, w1]) { t in try Functional.layerNorm(t[0], normalizedShape: [5], weight: t[1]) }
        NNGradCheck.assertGradients([x, b1]) { t in try Functional.layerNorm(t[0], normalizedShape: [5], bias: t[1]) }
        // The whole tensor as one row, and a large eps.
        NNGradCheck.assertGradients([x]) { t in try Functional.layerNorm(t[0], normalizedShape: [3, 2, 5], eps: 0.5) }
    }

    /// Only the parameters require grad; and a non-contiguous input.
    func testParametersOnlyAndNonContiguous() throws {
        let base = NormTest.leaf([4, 6], seed: 26, in: -3...3, requiresGrad: false)
        let x = try base.t()
        XCTAssertFalse(x.isContiguous)
        let w = NormTest.leaf([4], seed: 27, in: 0.5...1.5), b = NormTest.leaf([4], seed: 28)
        NNGradCheck.assertGradients([w, b]) { t in
            try Functional.layerNorm(x, normalizedShape: [4], weight: t[0], bias: t[1])
        }
        let a = try Functional.layerNorm(x, normalizedShape: [4])
        NormTest.assertClose(a, try Functional.layerNorm(x.contiguous(), normalizedShape: [4]), rtol: 0, atol: 0, "transposed")
        XCTAssertNil(base.grad)
    }

    /// Each row comes out with mean 0 and (biased) variance 1 / (1 + eps / var).
    func testRowStatistics() throws {
        let x = try Tensor([1, 2, 3, 4, 10, 20, 30, 40], shape: [2, 4])
        let y = try Functional.layerNorm(x, normalizedShape: [4], eps: 0)
        let expected: [Float] = [-1.3416408, -0.4472136, 0.4472136, 1.3416408]
        NormTest.assertClose(y, try Tensor(expected + expected, shape: [2, 4]), rtol: 1e-6, atol: 1e-6, "rows")
        XCTAssertEqual(y.gradFnName, nil)
    }

    func testErrors() {
        let x = NormTest.leaf([2, 3], seed: 29, requiresGrad: false)
        NormTest.assertThrows("layer_norm: Given normalized_shape=[4], expected input with shape [*, 4], but got input of size[2, 3]") {
            try Functional.layerNorm(x, normalizedShape: [4])
        }
        NormTest.assertThrows("layer_norm: Given normalized_shape=[1, 2, 3], expected input with shape [*, 1, 2, 3], but got input of size[2, 3]") {
            try Functional.layerNorm(x, normalizedShape: [1, 2, 3])
        }
        NormTest.assertThrows("layer_norm: Expected weight to be of same shape as normalized_shape, but got weight of shape [4] and normalized_shape = [3]") {
            try Functional.layerNorm(x, normalizedShape: [3], weight: Tensor.full([4], 1))
        }
        NormTest.assertThrows("layer_norm: Expected bias to be of same shape as normalized_shape, but got bias of shape [1, 3] and normalized_shape = [3]") {
            try Functional.layerNorm(x, normalizedShape: [3], bias: Tensor.full([1, 3], 1))
        }
        NormTest.assertThrows("layer_norm: Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one element, but got normalized_shape = []") {
            try Functional.layerNorm(x, normalizedShape: [])
        }
        NormTest.assertThrows("layer_norm: expected a float32 or float64 tensor, got bool (convert with .float())") {
            try Functional.layerNorm(Tensor.full([2, 3], 1, dtype: .bool), normalizedShape: [3])
        }
    }
}
