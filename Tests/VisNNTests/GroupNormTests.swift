import XCTest
@testable import VisNN
import VisTensor

/// Functional.groupNorm: PyTorch reference values, gradient checks, errors.
final class GroupNormTests: XCTestCase {
    /// Reference cases from make_norm_reference.py: name, groups.
    let cases: [(String, Int)] = [("gn_affine", 3), ("gn_plain", 2), ("gn_one_group", 1), ("gn_instance", 4)]

    /// Outputs and gradients of sum(out * R) against PyTorch (float64 on the same float32
    /// inputs), tolerance 1e-5 relative + 1e-5 absolute.
    func testMatchesPyTorch() throws {
        for (name, groups) in cases {
            let x = try NormTest.fixtureLeaf(name, "x")
            let r = try NormTest.fixture(name, "r")
            let affine = NormTest.hasFixture(name, "w")
            let w = affine ? try NormTest.fixtureLeaf(name, "w") : nil
            let b = affine ? try NormTest.fixtureLeaf(name, "b") : nil
            let out = try Functional.groupNorm(x, groups: groups, weight: w, bias: b)
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
        let x = NormTest.leaf([2, 4, 3, 2], seed: 31, in: -3...3)
        let w = NormTest.leaf([4], seed: 32, in: 0.5...1.5), b = NormTest.leaf([4], seed: 33)
        for groups in [1, 2, 4] {
            NNGradCheck.assertGradients([x, w, b]) { t in
                try Functional.groupNorm(t[0], groups: groups, weight: t[1], bias: t[2])
            }
        }
        NNGradCheck.assertGradients([x]) { t in try Functional.groupNorm(t[0], groups: 2) }
        NNGradCheck.assertGradients([x, w]) { t in try Functional.groupNorm(t[0], groups: 2, weight: t[1]) }
        NNGradCheck.assertGradients([x, b]) { t in try Functional.groupNorm(t[0], groups: 2, bias: t[1]) }
        // [N, C] input: each group is cg channels of one sample.
        let x2 = NormTest.leaf([3, 6], seed: 34, in: -3...3)
        NNGradCheck.assertGradients([x2]) { t in try Functional.groupNorm(t[0], groups: 2, eps: 0.1) }
    }

    func testParametersOnlyAndNonContiguous() throws {
        let base = NormTest.leaf([2, 5, 4], seed: 35, in: -3...3, requiresGrad: false)
        let x = try base.permute([0, 2, 1])   // [2, 4, 5], channels not contiguous
        XCTAssertFalse(x.isContiguous)
        let w = NormTest.leaf([4], seed: 36, in: 0.5...1.5), b = NormTest.leaf([4], seed: 37)
        NNGradCheck.assertGradients([w, b]) { t in try Functional.groupNorm(x, groups: 2, weight: t[0], bias: t[1]) }
        let a = try Functional.groupNorm(x, groups: 2)
        NormTest.assertClose(a, try Functional.groupNorm(x.contiguous(), groups: 2), rtol: 0, atol: 0, "permuted")
    }

    /// One group per sample equals layer norm over [C, ...] without affine parameters.
    func testOneGroupIsLayerNorm() throws {
        let x = NormTest.leaf([3, 4, 5], seed: 38, in: -3...3, requiresGrad: false)
        let g = try Functional.groupNorm(x, groups: 1)
        let l = try Functional.layerNorm(x, normalizedShape: [4, 5])
        NormTest.assertClose(g, l, rtol: 1e-6, atol: 1e-6, "groups=1")
    }

    func testEmptySpatial() throws {
        let x = try Tensor.zeros([2, 4, 0]).setRequiresGrad()
        let w = NormTest.leaf([4], seed: 39)
        let y = try Functional.groupNorm(x, groups: 2, weight: w)
        XCTAssertEqual(y.shape, [2, 4, 0])
        try y.sum().backward()
        XCTAssertEqual(w.grad?.toFloatArray(), [0, 0, 0, 0])
    }

    func testErrors() {
        let x = NormTest.leaf([2, 6, 4], seed: 40, requiresGrad: false)
        NormTest.assertThrows("group_norm: Expected number of channels in input to be divisible by num_groups, but got input of shape [2, 6, 4] and num_groups=4") {
            try Functional.groupNorm(x, groups: 4)
        }
        NormTest.assertThrows("group_norm: Expected weight to be a vector of size equal to the number of channels in input, but got weight of shape [4] and input of shape [2, 6, 4]") {
            try Functional.groupNorm(x, groups: 3, weight: Tensor.full([4], 1))
        }
        NormTest.assertThrows("group_norm: Expected bias to be a vector of size equal to the number of channels in input, but got bias of shape [2, 3] and input of shape [2, 6, 4]") {
            try Functional.groupNorm(x, groups: 3, bias: Tensor.full([2, 3], 1))
        }
        NormTest.assertThrows("group_norm: Expected at least 2 dimensions for input tensor but received 1") {
            try Functional.groupNorm(Tensor.full([6], 1), groups: 3)
        }
        NormTest.assertThrows("group_norm: num_groups must be positive, got 0") { try Functional.groupNorm(x, groups: 0) }
        NormTest.assertThrows("group_norm: expected a float32 or float64 tensor, got int64 (convert with .float())") {
            try Functional.groupNorm(Tensor.full([2, 6], 1, dtype: .int64), groups: 3)
        }
    }
}
