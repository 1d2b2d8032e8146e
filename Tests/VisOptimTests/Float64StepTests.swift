import XCTest
@testable import VisOptim
import VisTensor

/// Optimizers on float64 parameters: the step and the state in double, groups mixing
/// float32 and float64, half refused, the gradient dtype checked, and gradient clipping
/// on float64 gradients. (reference/optim64.vis checks every optimizer against PyTorch.)
final class Float64StepTests: XCTestCase {
    /// A float64 leaf that requires grad.
    func param64(_ values: [Double]) throws -> Tensor {
        let t = Tensor(uninitialized: [values.count], dtype: .float64)
        for (i, v) in values.enumerated() { t.doublePointer[i] = v }
        try t.setRequiresGrad()
        return t
    }

    /// A float64 tensor (a gradient).
    func double(_ values: [Double]) -> Tensor {
        let t = Tensor(uninitialized: [values.count], dtype: .float64)
        for (i, v) in values.enumerated() { t.doublePointer[i] = v }
        return t
    }

    func values(_ t: Tensor) -> [Double] { t.toDoubleArray() }

    func testSGDMomentumStepsInDouble() throws {
        let p = try param64([0.1, 0.2])
        let opt = try SGD([p], lr: 0.1, momentum: 0.9)
        let g: [Double] = [0.3, -0.7]
        p.grad = double(g)
        try opt.step()
        p.grad = double(g)
        try opt.step()
        // Double arithmetic: a float32 step would miss these by ~1e-8.
        let b1 = g, b2 = [0.9 * b1[0] + g[0], 0.9 * b1[1] + g[1]]
        let expected = [0.1 - 0.1 * b1[0] - 0.1 * b2[0], 0.2 - 0.1 * b1[1] - 0.1 * b2[1]]
        XCTAssertEqual(p.dtype, .float64)
        for (x, e) in zip(values(p), expected) { XCTAssertEqual(x, e, accuracy: 1e-15) }
        let buffer = try XCTUnwrap(opt.state(for: p)?.buffers["momentum_buffer"])
        XCTAssertEqual(buffer.dtype, .float64)
        for (x, e) in zip(values(buffer), b2) { XCTAssertEqual(x, e, accuracy: 1e-15) }
    }

    func testAdamFirstStepInDouble() throws {
        let p = try param64([0.1, -0.3])
        let opt = try Adam([p], lr: 0.01)
        let g: [Double] = [0.3, -0.7]
        p.grad = double(g)
        try opt.step()
        // Step 1: m̂ = g, v̂ = g², so θ ← θ − lr·g / (|g| + eps).
        let expected = [0.1 - 0.01 * g[0] / (abs(g[0]) + 1e-8), -0.3 - 0.01 * g[1] / (abs(g[1]) + 1e-8)]
        for (x, e) in zip(values(p), expected) { XCTAssertEqual(x, e, accuracy: 1e-15) }
        XCTAssertEqual(opt.state(for: p)?.buffers["exp_avg_sq"]?.dtype, .float64)
    }

    func testGroupMixingFloat32AndFloat64StepsEachInItsDtype() throws {
        let a = try param([0.5, 1.5]), b = try param64([0.1, 0.2])
        let opt = try SGD([a, b], lr: 0.1)
        a.grad = try Tensor([0.3, 0.7] as [Float], shape: [2])
        b.grad = double([0.3, 0.7])
        try opt.step()
        XCTAssertEqual(a.dtype, .float32)
        XCTAssertEqual(b.dtype, .float64)
        XCTAssertEqual(a.toFloatArray(), [Float(0.5) - Float(0.1) * Float(0.3), Float(1.5) - Float(0.1) * Float(0.7)])
        XCTAssertEqual(values(b)[0], 0.1 - 0.1 * 0.3, accuracy: 1e-16)
        XCTAssertEqual(values(b)[1], 0.2 - 0.1 * 0.7, accuracy: 1e-16)
    }

    func testHalfParametersAndMismatchedGradientsAreErrors() throws {
        let h = try Tensor([1, 2] as [Float], shape: [2]).cast(.float16)
        try h.setRequiresGrad()
        assertThrowsMessage("Adam: can only optimize float32 and float64 tensors, but parameter 0 is float16 (PyTorch steps float16 parameters in float16 arithmetic, which vis does not reproduce; train in float32 and convert afterwards)") {
            try Adam([h])
        }
        let p = try param64([1, 2])
        let opt = try SGD([p], lr: 0.1)
        p.grad = try Tensor([1, 1] as [Float], shape: [2])
        assertThrowsMessage("SGD: the gradient of parameter 0 of parameter group 0 is float32 [2], but the parameter is float64 [2]") {
            try opt.step()
        }
        XCTAssertEqual(values(p), [1, 2])
    }

    func testClipGradNormAndValueOnFloat64() throws {
        let p = try param64([0, 0])
        p.grad = double([3, 4])
        let total = try clipGradNorm([p], maxNorm: 1)
        XCTAssertEqual(total, 5)
        let coef = 1 / (5 + 1e-6)
        XCTAssertEqual(values(try XCTUnwrap(p.grad)), [3 * coef, 4 * coef])
        XCTAssertEqual(p.grad?.dtype, .float64)
        p.grad = double([0.25, -3])
        try clipGradValue([p], clipValue: 0.1)
        XCTAssertEqual(values(try XCTUnwrap(p.grad)), [0.1, -0.1])
    }
}
