import XCTest
@testable import VisNN
import VisTensor

/// Sequential's fused BatchNorm2d -> ReLU (-> MaxPool2d(k)) run against the same layers
/// called one by one (which are checked against PyTorch and finite differences
/// elsewhere): outputs and running statistics bit for bit, gradients within 1e-5.
final class FusedNormReLUPoolTests: XCTestCase {
    /// A BatchNorm2d with weights of both signs (a negative scale flips which tap wins)
    /// and a non-zero bias, so ReLU zeroes some windows entirely and not others.
    func makeNorm(_ c: Int, affine: Bool = true) throws -> BatchNorm {
        let bn = try BatchNorm(c, spatialDims: 2, affine: affine)
        if let w = bn.weight, let b = bn.bias {
            try withNoGrad {
                try w.assign(NormTest.leaf([c], seed: 11, in: -1.5...1.5, requiresGrad: false))
                try b.assign(NormTest.leaf([c], seed: 12, in: -0.5...0.5, requiresGrad: false))
            }
        }
        return bn
    }

    /// Input with repeated values inside windows (ties pick the first tap).
    func input(_ shape: [Int], seed: UInt64, requiresGrad: Bool = true) throws -> Tensor {
        let x = NormTest.leaf(shape, seed: seed, in: -3...3, requiresGrad: false)
        let p = x.floatPointer
        for i in stride(from: 0, to: x.count - 1, by: 7) { p[i + 1] = p[i] }
        return requiresGrad ? try x.setRequiresGrad() : x
    }

    func bits(_ t: Tensor) -> [UInt32] { t.toFloatArray().map(\.bitPattern) }

    /// Runs `layers` fused in a Sequential and one by one on copies of the same input and
    /// the same parameters, in `training` mode, and compares everything.
    func assertFusedMatches(_ shape: [Int], pool: MaxPool2d?, training: Bool, affine: Bool = true,
                            inputGrad: Bool = true, file: StaticString = #filePath, line: UInt = #line) throws {
        let c = shape[1]
        let fusedNorm = try makeNorm(c, affine: affine), plainNorm = try makeNorm(c, affine: affine)
        if !training {
            for bn in [fusedNorm, plainNorm] {
                try bn.runningMean?.assign(NormTest.leaf([c], seed: 13, in: -0.5...0.5, requiresGrad: false))
                try bn.runningVar?.assign(NormTest.leaf([c], seed: 14, in: 0.5...2, requiresGrad: false))
            }
        }
        let fused = Sequential([fusedNorm, Activation(.relu)] + (pool.map { [$0] } ?? []))
        fused.train(training)
        plainNorm.train(training)
        let x1 = try input(shape, seed: 21, requiresGrad: inputGrad), x2 = try input(shape, seed: 21, requiresGrad: inputGrad)

        let y1 = try fused(x1)
        var y2 = try Activation(.relu)(plainNorm(x2))
        if let pool { y2 = try pool(y2) }
        XCTAssertEqual(y1.shape, y2.shape, "output shape", file: file, line: line)
        XCTAssertEqual(bits(y1), bits(y2), "outputs bit for bit", file: file, line: line)
        XCTAssertEqual(y1.gradFnName, "batch_norm_relu_max_pool2d", "the run was fused", file: file, line: line)

        let r = NormTest.leaf(y1.shape, seed: 31, requiresGrad: false)
        try (y1 * r).sum().backward()
        try (y2 * r).sum().backward()
        if inputGrad {
            NormTest.assertClose(x1.grad, try XCTUnwrap(x2.grad), rtol: 1e-5, atol: 1e-5, "dx", file: file, line: line)
        } else {
            XCTAssertNil(x1.grad, file: file, line: line)
        }
        if affine {
            NormTest.assertClose(fusedNorm.weight?.grad, try XCTUnwrap(plainNorm.weight?.grad), "dweight", file: file, line: line)
            NormTest.assertClose(fusedNorm.bias?.grad, try XCTUnwrap(plainNorm.bias?.grad), "dbias", file: file, line: line)
        }
        for (a, b) in zip(fusedNorm.ownBuffers, plainNorm.ownBuffers) {
            XCTAssertEqual(a.1.toDoubleArray(), b.1.toDoubleArray(), a.0, file: file, line: line)
        }
    }

    /// MaxPool2d(2) on every SIMD path: 8-lane blocks with an overlapping last block
    /// (W 28), 4-lane blocks (W 14, 8), scalar rows (W 6), odd sizes dropped by floor
    /// mode (7 x 9), in training and eval mode, with and without affine parameters and
    /// an input gradient.
    func testWindowTwoMatchesLayersOneByOne() throws {
        for shape in [[2, 3, 6, 28], [3, 2, 14, 14], [2, 2, 8, 8], [2, 3, 6, 6], [3, 2, 7, 9], [1, 2, 2, 34]] {
            for training in [true, false] {
                try assertFusedMatches(shape, pool: MaxPool2d(kernelSize: (2, 2)), training: training)
            }
        }
        try assertFusedMatches([2, 3, 6, 28], pool: MaxPool2d(kernelSize: (2, 2)), training: true, affine: false)
        try assertFusedMatches([2, 3, 6, 28], pool: MaxPool2d(kernelSize: (2, 2)), training: true, inputGrad: false)
    }

    func testOtherWindowsAndNoPool() throws {
        try assertFusedMatches([2, 3, 9, 10], pool: MaxPool2d(kernelSize: (3, 3)), training: true)
        try assertFusedMatches([2, 2, 16, 16], pool: MaxPool2d(kernelSize: (4, 4), stride: (4, 4)), training: false)
        for training in [true, false] {
            try assertFusedMatches([2, 3, 5, 7], pool: nil, training: training)
        }
    }

    /// Writing to the pooled output after the forward (as `y.zero_()` under no_grad
    /// does) leaves the gradient as the layers one by one give it: the backward keeps
    /// its own copy of the output it masks with.
    func testWritingToTheOutputLeavesTheGradient() throws {
        let fusedNorm = try makeNorm(3), plainNorm = try makeNorm(3)
        let x1 = try input([2, 3, 8, 8], seed: 5), x2 = try input([2, 3, 8, 8], seed: 5)
        let y1 = try Sequential([fusedNorm, Activation(.relu), MaxPool2d(kernelSize: (2, 2))])(x1)
        let y2 = try MaxPool2d(kernelSize: (2, 2))(Activation(.relu)(plainNorm(x2)))
        for y in [y1, y2] { y.floatPointer.update(repeating: 0, count: y.count) }
        let r = NormTest.leaf(y1.shape, seed: 6, requiresGrad: false)
        try y1.backward(r)
        try y2.backward(r)
        NormTest.assertClose(x1.grad, try XCTUnwrap(x2.grad), "dx")
    }

    /// Runs that the fused op does not take go layer by layer: overlapping or padded
    /// pools, and a tracer watching every layer (summary, the NaN tripwire).
    func testRunsNotFused() throws {
        let x = try input([2, 3, 8, 8], seed: 1)
        for pool in [MaxPool2d(kernelSize: (3, 3), stride: (2, 2)), MaxPool2d(kernelSize: (2, 2), padding: (1, 1))] {
            let y = try Sequential([try makeNorm(3), Activation(.relu), pool])(x)
            XCTAssertEqual(y.gradFnName, "max_pool2d")
        }
        var seen: [String] = []
        Module.tracer = { m, _ in seen.append(m.typeName) }
        defer { Module.tracer = nil }
        let y = try Sequential([try makeNorm(3), Activation(.relu), MaxPool2d(kernelSize: (2, 2))])(x)
        XCTAssertEqual(y.gradFnName, "max_pool2d")
        XCTAssertEqual(seen, ["BatchNorm2d", "ReLU", "MaxPool2d", "Sequential"])
    }

    /// Inputs the fused op does not take raise the layers' own errors, with their paths.
    func testErrorsNameTheLayer() throws {
        let net = Sequential([try makeNorm(3), Activation(.relu), MaxPool2d(kernelSize: (2, 2))])
        let cases: [([Int], String)] = [
            ([2, 4, 8, 8], "0 (BatchNorm2d): batch_norm: running_mean should contain 4 elements not 3"),
            ([2, 3, 8], "0 (BatchNorm2d): expected a 4-D input [N, C, H, W], got shape [2, 3, 8]"),
            ([2, 3, 1, 8], "2 (MaxPool2d)"),
        ]
        for (shape, message) in cases {
            XCTAssertThrowsError(try net(Tensor.zeros(shape)), "\(shape)") { e in
                XCTAssertTrue("\(e)".hasPrefix(message), "\(shape): \(e)")
            }
        }
        // One value per channel in training: batch norm's own error.
        XCTAssertThrowsError(try net(Tensor.zeros([1, 3, 1, 1]))) { e in
            XCTAssertTrue("\(e)".hasPrefix("0 (BatchNorm2d): batch_norm: Expected more than 1 value per channel"), "\(e)")
        }
    }
}
