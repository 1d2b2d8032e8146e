import XCTest
@testable import VisNN
import VisTensor

/// Functional.batchNorm: PyTorch reference values (train and eval, 2-D to 4-D), gradient
/// checks for every option, running statistics, and errors.
final class BatchNormTests: XCTestCase {
    /// Reference cases from make_norm_reference.py: name, training, momentum, eps.
    let cases: [(String, Bool, Double, Double)] = [
        ("bn2d_train", true, 0.1, 1e-5), ("bn2d_eval", false, 0.1, 1e-5),
        ("bn3d_train", true, 0.3, 1e-5), ("bn3d_train_plain", true, 0.1, 1e-5),
        ("bn4d_train", true, 0.1, 1e-5), ("bn4d_eval", false, 0.1, 1e-3),
        ("bn4d_eval_plain", false, 0.1, 1e-5),
    ]

    /// Outputs, gradients of sum(out * R) and updated running stats against PyTorch
    /// (float64 on the same float32 inputs). Tolerance 1e-5 relative + 1e-5 absolute:
    /// float32 statistics are accurate to ~1e-7 relative and dx's cancelling terms to a
    /// few 1e-7 at the sizes used, well inside it.
    func testMatchesPyTorch() throws {
        for (name, training, momentum, eps) in cases {
            let x = try NormTest.fixtureLeaf(name, "x")
            let r = try NormTest.fixture(name, "r")
            let affine = NormTest.hasFixture(name, "w")
            let w = affine ? try NormTest.fixtureLeaf(name, "w") : nil
            let b = affine ? try NormTest.fixtureLeaf(name, "b") : nil
            let running = NormTest.hasFixture(name, "rm")
            let rm = running ? try NormTest.fixture(name, "rm").clone() : nil
            let rv = running ? try NormTest.fixture(name, "rv").clone() : nil
            let out = try Functional.batchNorm(x, runningMean: rm, runningVar: rv, weight: w, bias: b,
                                               training: training, momentum: momentum, eps: eps)
            try NormTest.backward(out, weights: r)
            NormTest.assertClose(out, try NormTest.fixture(name, "out"), "\(name) out")
            NormTest.assertClose(x.grad, try NormTest.fixture(name, "dx"), "\(name) dx")
            if let w, let b {
                NormTest.assertClose(w.grad, try NormTest.fixture(name, "dw"), "\(name) dweight")
                NormTest.assertClose(b.grad, try NormTest.fixture(name, "db"), "\(name) dbias")
            }
            if let rm, let rv {
                NormTest.assertClose(rm, try NormTest.fixture(name, "rm_new"), "\(name) running_mean")
                NormTest.assertClose(rv, try NormTest.fixture(name, "rv_new"), "\(name) running_var")
            }
        }
    }

    func testGradientsTraining() {
        let running = { (c: Int) in (Tensor.full([c], 0), Tensor.full([c], 1)) }
        for shape in [[5, 3], [3, 2, 4], [2, 3, 3, 2]] {
            let c = shape[1]
            let x = NormTest.leaf(shape, seed: 1, in: -3...3)
            let w = NormTest.leaf([c], seed: 2, in: 0.5...1.5), b = NormTest.leaf([c], seed: 3)
            let (rm, rv) = running(c)
            NNGradCheck.assertGradients([x, w, b]) { t in
                try Functional.batchNorm(t[0], runningMean: rm, runningVar: rv, weight: t[1], bias: t[2], training: true)
            }
            // No affine parameters and no running statistics.
            NNGradCheck.assertGradients([x]) { t in
                try Functional.batchNorm(t[0], runningMean: nil, runningVar: nil, weight: nil, bias: nil, training: true)
            }
            // Weight only, bias only.
            NNGradCheck.assertGradients([x, w]) { t in
                try Functional.batchNorm(t[0], runningMean: nil, runningVar: nil, weight: t[1], bias: nil, training: true)
            }
            NNGradCheck.assertGradients([x, b]) { t in
                try Functional.batchNorm(t[0], runningMean: nil, runningVar: nil, weight: nil, bias: t[1], training: true, eps: 0.1)
            }
        }
    }

    func testGradientsEval() {
        let x = NormTest.leaf([3, 2, 2, 3], seed: 4, in: -3...3)
        let w = NormTest.leaf([2], seed: 5, in: 0.5...1.5), b = NormTest.leaf([2], seed: 6)
        let rm = (try? Tensor([0.3, -0.2])) ?? Tensor.full([2], 0), rv = (try? Tensor([1.5, 0.7])) ?? Tensor.full([2], 1)
        NNGradCheck.assertGradients([x, w, b]) { t in
            try Functional.batchNorm(t[0], runningMean: rm, runningVar: rv, weight: t[1], bias: t[2], training: false)
        }
        NNGradCheck.assertGradients([x]) { t in
            try Functional.batchNorm(t[0], runningMean: rm, runningVar: rv, weight: nil, bias: nil, training: false)
        }
    }

    /// Only the parameters require grad: dx is not computed, dweight and dbias are.
    func testGradientsForParametersOnly() throws {
        let x = NormTest.leaf([4, 3], seed: 7, requiresGrad: false)
        let w = NormTest.leaf([3], seed: 8), b = NormTest.leaf([3], seed: 9)
        NNGradCheck.assertGradients([w, b]) { t in
            try Functional.batchNorm(x, runningMean: nil, runningVar: nil, weight: t[0], bias: t[1], training: true)
        }
        XCTAssertNil(x.grad)
    }

    /// Running statistics: updated in place (same storage), with the unbiased variance,
    /// outside autograd; untouched in eval mode.
    func testRunningStatistics() throws {
        // Channel 0 holds 1, 2, 3, 4 (mean 2.5, unbiased var 5/3); channel 1 holds 0, 0, 2, 2 (mean 1, var 4/3).
        let x = try Tensor([1, 0, 2, 0, 3, 2, 4, 2], shape: [4, 2])
        let rm = try Tensor([1, 1]), rv = try Tensor([2, 2])
        let storage = rm.storage
        let out = try Functional.batchNorm(x, runningMean: rm, runningVar: rv, weight: nil, bias: nil,
                                           training: true, momentum: 0.25)
        XCTAssertTrue(rm.storage === storage)
        let expectedMean: [Float] = [0.75 * 1 + 0.25 * 2.5, 0.75 * 1 + 0.25 * 1]
        XCTAssertEqual(rm.toFloatArray(), expectedMean)
        let expectedVar: [Float] = [0.75 * 2 + 0.25 * 5.0 / 3, 0.75 * 2 + 0.25 * 4.0 / 3]
        for (a, e) in zip(rv.toFloatArray(), expectedVar) { XCTAssertEqual(a, e, accuracy: 1e-6) }
        XCTAssertFalse(rm.requiresGrad)
        // Normalised with the biased variance: channel 0 is (x - 2.5) / sqrt(1.25 + eps).
        XCTAssertEqual(out.toFloatArray()[0], Float(-1.5 / (1.25 + 1e-5).squareRoot()), accuracy: 1e-6)

        let before = rm.toFloatArray() + rv.toFloatArray()
        let eval = try Functional.batchNorm(x, runningMean: rm, runningVar: rv, weight: nil, bias: nil, training: false)
        XCTAssertEqual(rm.toFloatArray() + rv.toFloatArray(), before)
        let runningMean0 = Double(before[0]), runningVar0 = Double(before[2])
        let expected = (1 - runningMean0) / (runningVar0 + 1e-5).squareRoot()
        XCTAssertEqual(eval.toFloatArray()[0], Float(expected), accuracy: 1e-6)
    }

    /// A permuted (non-contiguous) input and a non-contiguous gradient give the same
    /// results as their contiguous copies.
    func testNonContiguousInputAndGradient() throws {
        let base = NormTest.leaf([3, 2, 4, 5], seed: 10, requiresGrad: false)
        let xt = try base.permute([0, 1, 3, 2])
        XCTAssertFalse(xt.isContiguous)
        let a = try Functional.batchNorm(xt, runningMean: nil, runningVar: nil, weight: nil, bias: nil, training: true)
        let b = try Functional.batchNorm(xt.contiguous(), runningMean: nil, runningVar: nil, weight: nil, bias: nil, training: true)
        NormTest.assertClose(a, b, rtol: 0, atol: 0, "permuted input")

        // sum() sends back an expanded (stride 0) gradient.
        let x = NormTest.leaf([4, 3], seed: 11)
        try Functional.batchNorm(x, runningMean: nil, runningVar: nil, weight: nil, bias: nil, training: true).sum().backward()
        // Normalised outputs sum to zero per channel whatever x is: the gradient is ~0.
        NormTest.assertClose(x.grad, Tensor.full([4, 3], 0), rtol: 0, atol: 1e-6, "dx of sum")
    }

    func testRecordsOnlyWhenNeeded() throws {
        let x = NormTest.leaf([4, 3], seed: 12)
        let y = try Functional.batchNorm(x, runningMean: nil, runningVar: nil, weight: nil, bias: nil, training: true)
        XCTAssertEqual(y.gradFnName, "batch_norm")
        let z = try withNoGrad {
            try Functional.batchNorm(x, runningMean: nil, runningVar: nil, weight: nil, bias: nil, training: true)
        }
        XCTAssertFalse(z.requiresGrad)
        let plain = NormTest.leaf([4, 3], seed: 12, requiresGrad: false)
        XCTAssertFalse(try Functional.batchNorm(plain, runningMean: nil, runningVar: nil, weight: nil, bias: nil, training: true).requiresGrad)
    }

    func testEmptyBatch() throws {
        let x = try Tensor.zeros([0, 3]).setRequiresGrad()
        let rm = Tensor.full([3], 0.5), rv = Tensor.full([3], 2)
        let w = NormTest.leaf([3], seed: 13)
        let y = try Functional.batchNorm(x, runningMean: rm, runningVar: rv, weight: w, bias: nil, training: true)
        XCTAssertEqual(y.shape, [0, 3])
        XCTAssertEqual(rm.toFloatArray(), [0.5, 0.5, 0.5])
        XCTAssertEqual(rv.toFloatArray(), [2, 2, 2])
        try y.sum().backward()
        XCTAssertEqual(w.grad?.toFloatArray(), [0, 0, 0])
    }

    func testErrors() throws {
        let x = NormTest.leaf([4, 3], seed: 14, requiresGrad: false)
        let three = Tensor.full([3], 1), four = Tensor.full([4], 1)
        func bn(_ x: Tensor, rm: Tensor? = nil, rv: Tensor? = nil, w: Tensor? = nil, b: Tensor? = nil,
                training: Bool = true, eps: Double = 1e-5) throws -> Tensor {
            try Functional.batchNorm(x, runningMean: rm, runningVar: rv, weight: w, bias: b, training: training, eps: eps)
        }
        NormTest.assertThrows("batch_norm: running_mean should contain 3 elements not 4") { try bn(x, rm: four, rv: three) }
        NormTest.assertThrows("batch_norm: running_var should contain 3 elements not 4") { try bn(x, rm: three, rv: four) }
        NormTest.assertThrows("batch_norm: weight should contain 3 elements not 4") { try bn(x, w: four) }
        NormTest.assertThrows("batch_norm: bias should contain 3 elements not 4") { try bn(x, b: four) }
        NormTest.assertThrows("batch_norm: running_mean and running_var must either both be nil or both be given") {
            try bn(x, rm: three)
        }
        NormTest.assertThrows("batch_norm: Expected more than 1 value per channel when training, got input size [1, 3]") {
            try bn(Tensor.full([1, 3], 1))
        }
        NormTest.assertThrows("batch_norm: Expected more than 1 value per channel when training, got input size [1, 3, 1, 1]") {
            try bn(Tensor.full([1, 3, 1, 1], 1))
        }
        // One sample is fine in eval mode, and with several positions per channel.
        XCTAssertNoThrow(try bn(Tensor.full([1, 3], 1), rm: three, rv: three, training: false))
        XCTAssertNoThrow(try bn(Tensor.full([1, 3, 2], 1)))
        NormTest.assertThrows("batch_norm: running_mean must be defined in evaluation mode") { try bn(x, training: false) }
        NormTest.assertThrows("batch_norm: eps must be positive during training, but got 0.0") { try bn(x, eps: 0) }
        NormTest.assertThrows("batch_norm: expected an input of shape [N, C, ...] with at least 2 dimensions, got [3]") {
            try bn(three)
        }
        NormTest.assertThrows("batch_norm: expected a float32 or float64 tensor, got int64 (convert with .float())") {
            try bn(Tensor.full([4, 3], 1, dtype: .int64))
        }
        NormTest.assertThrows("batch_norm: weight must be a float32 or float64 tensor, got int64") {
            try bn(x, w: Tensor.full([3], 1, dtype: .int64))
        }
    }
}
