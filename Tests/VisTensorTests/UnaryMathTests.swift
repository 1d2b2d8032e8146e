import XCTest
@testable import VisTensor

/// Elementwise math and activations: gradients against finite differences (inputs kept
/// away from kinks; tolerances in GradCheck.swift), values against closed forms, dtype
/// handling and errors.
final class UnaryMathTests: XCTestCase {
    // MARK: Gradients

    func testAbsGradient() {
        let x = randomLeaf([3, 4], seed: 101, avoiding: [0])
        assertGradientsMatch([x]) { try $0[0].abs() }
    }

    func testExpLogSqrtGradients() {
        let x = randomLeaf([3, 4], seed: 102)
        assertGradientsMatch([x]) { try $0[0].exp() }
        let p = randomLeaf([3, 4], seed: 103, in: 0.5...3)
        assertGradientsMatch([p]) { try $0[0].log() }
        assertGradientsMatch([p]) { try $0[0].sqrt() }
    }

    func testClampGradient() {
        // Away from the bounds, where the derivative jumps between 0 and 1.
        let x = randomLeaf([4, 5], seed: 104, in: -2...2, avoiding: [-1, 1])
        assertGradientsMatch([x]) { try $0[0].clamp(min: -1, max: 1) }
        assertGradientsMatch([x]) { try $0[0].clamp(min: -1) }
        assertGradientsMatch([x]) { try $0[0].clamp(max: 1) }
    }

    func testReluAndLeakyReluGradients() {
        let x = randomLeaf([4, 5], seed: 105, avoiding: [0])
        assertGradientsMatch([x]) { try $0[0].relu() }
        assertGradientsMatch([x]) { try $0[0].leakyRelu() }
        assertGradientsMatch([x]) { try $0[0].leakyRelu(0.2) }
    }

    func testSmoothActivationGradients() {
        let x = randomLeaf([4, 5], seed: 106, in: -3...3)
        assertGradientsMatch([x]) { try $0[0].gelu() }
        assertGradientsMatch([x]) { try $0[0].silu() }
        assertGradientsMatch([x]) { try $0[0].sigmoid() }
        assertGradientsMatch([x]) { try $0[0].tanh() }
    }

    func testUnaryGradientsOnNonContiguousInput() {
        // The input is read through a transposed view and the gradient must land on the
        // right elements of the base.
        let x = randomLeaf([2, 3], seed: 107, in: 0.5...2)
        assertGradientsMatch([x]) { try $0[0].t().exp() }
        assertGradientsMatch([x]) { try $0[0].t().log() }
        assertGradientsMatch([x]) { try $0[0].slice(1, start: 0, end: 3, step: 2).tanh() }
    }

    func testChainedUnaryGradients() {
        let x = randomLeaf([3, 3], seed: 108, in: 0.5...2)
        assertGradientsMatch([x]) { try $0[0].exp().log().sqrt().sigmoid() }
    }

    // MARK: Values

    func testActivationValues() throws {
        let x = tensor([-1, 0, 1, 2], [4])
        // Closed forms: gelu(x) = x * Phi(x), silu(x) = x * sigmoid(x); tol 1e-6 (float32).
        assertTensor(try x.gelu(), [4], [-0.15865525, 0, 0.84134475, 1.9544997], tol: 1e-6)
        assertTensor(try x.sigmoid(), [4], [0.26894142, 0.5, 0.73105858, 0.88079708], tol: 1e-6)
        assertTensor(try x.silu(), [4], [-0.26894142, 0, 0.73105858, 1.76159416], tol: 1e-6)
        assertTensor(try x.tanh(), [4], [-0.76159416, 0, 0.76159416, 0.96402758], tol: 1e-6)
        assertTensor(try x.relu(), [4], [0, 0, 1, 2])
        assertTensor(try x.leakyRelu(0.1), [4], [-0.1, 0, 1, 2])
        assertTensor(try x.abs(), [4], [1, 0, 1, 2])
        assertTensor(try x.exp(), [4], [0.36787944, 1, 2.71828183, 7.3890561], tol: 1e-6)
        assertTensor(try tensor([1, 4, 0.25], [3]).sqrt(), [3], [1, 2, 0.5])
        assertTensor(try tensor([1, 2.718281828], [2]).log(), [2], [0, 1], tol: 1e-6)
    }

    func testSigmoidIsStableForLargeInputs() throws {
        let s = try tensor([-1000, -100, 100, 1000], [4]).sigmoid().toFloatArray()
        XCTAssertEqual(s[0], 0)
        XCTAssertTrue(s[1] >= 0 && s[1] < 1e-30, "sigmoid(-100) = \(s[1])")
        XCTAssertEqual(s[2], 1)
        XCTAssertEqual(s[3], 1)
    }

    func testClampValues() throws {
        assertTensor(try tensor([-2, 0.5, 3], [3]).clamp(min: -1, max: 1), [3], [-1, 0.5, 1])
        assertTensor(try tensor([-2, 0.5, 3], [3]).clamp(min: 0), [3], [0, 0.5, 3])
        assertTensor(try tensor([-2, 0.5, 3], [3]).clamp(max: 0), [3], [-2, 0, 0])
        // Integer tensors stay int64; fractional bounds round inwards.
        assertInt64(try ints([-5, 2, 7]).clamp(min: -1.5, max: 3.5), [3], [-1, 2, 3])
        assertThrowsMessage("clamp: at least one of min and max must be given") { try tensor([1], [1]).clamp() }
    }

    func testIntegerClampWithHugeOrMissingBounds() throws {
        // Bounds beyond the int64 range (or infinite) saturate instead of trapping.
        let x = ints([-5, 2, 7])
        assertInt64(try x.clamp(min: -1e30, max: 1e30), [3], [-5, 2, 7])
        assertInt64(try x.clamp(min: -.infinity, max: 3), [3], [-5, 2, 3])
        assertInt64(try x.clamp(min: 1e19), [3], [Int64.max, Int64.max, Int64.max])
        assertInt64(try x.clamp(max: .nan), [3], [-5, 2, 7])
    }

    func testIntegerInputs() throws {
        // Float functions of integers compute in float32; abs of int64 stays int64.
        let e = try ints([0, 1]).exp()
        XCTAssertEqual(e.dtype, .float32)
        assertTensor(e, [2], [1, 2.7182817], tol: 1e-6)
        assertInt64(try ints([-3, 4]).abs(), [2], [3, 4])
        XCTAssertFalse(try ints([1]).relu().requiresGrad)
    }

    /// As in PyTorch: exp, log, sigmoid (and the other float functions) read bool as
    /// 0 / 1 and give float32; relu, gelu, leaky_relu and abs refuse bool.
    func testBoolInputsFollowPyTorch() throws {
        let b = bools([true, false])
        assertTensor(try b.exp(), [2], [2.7182817, 1], tol: 1e-6)
        XCTAssertEqual(try b.log().toFloatArray(), [0, -.infinity])
        assertTensor(try b.sigmoid(), [2], [0.7310586, 0.5], tol: 1e-6)
        assertThrowsMessage("relu: expected a float32 tensor, got bool (convert with .float())") { try b.relu() }
        assertThrowsMessage("gelu: expected a float32 tensor, got bool (convert with .float())") { try b.gelu() }
        assertThrowsMessage("abs: expected a float32 tensor, got bool (convert with .float())") { try b.abs() }
    }
}
