import Foundation
import XCTest
import VisNN
import VisTensor

/// cross_entropy: gradients for every option against finite differences, values by
/// hand, edge cases, and the exact error for each misuse. (PyTorch's values for the
/// same grid are in LossReferenceTests.)
final class CrossEntropyTests: XCTestCase {
    typealias F = Functional

    func testValueByHand() throws {
        // Two equal logits: -log(1/2); smoothing 0.5 with 2 classes gives the same.
        let x = try Tensor([0, 0, 0, 2], shape: [2, 2])
        let y = try LossTest.labels([0, 1], [2])
        let logistic = Float(Foundation.log(1 + Foundation.exp(-2.0)))
        LossTest.assertValues(try F.crossEntropy(x, y, reduction: .none), [2], [Float(Foundation.log(2.0)), logistic])
        LossTest.assertValues(try F.crossEntropy(x, y), [], [(Float(Foundation.log(2.0)) + logistic) / 2])
        LossTest.assertValues(try F.crossEntropy(x, y, reduction: .sum), [], [Float(Foundation.log(2.0)) + logistic])
        // Weighted mean divides by the weights of the targets: (w0 l0 + w1 l1) / (w0 + w1).
        let w = Tensor([3, 1])
        let expected = (3 * Float(Foundation.log(2.0)) + logistic) / 4
        LossTest.assertValues(try F.crossEntropy(x, y, weight: w), [], [expected])
    }

    func testGradientsWithClassIndices() throws {
        let weight = Tensor([0.5, 1.5, 2.0, 0.8])
        let flat = try LossTest.labels([0, 3, -100, 1, 2], [5])
        let withOne = try LossTest.labels([0, 3, 1, 1, 2], [5])
        for reduction in F.Reduction.allCases {
            for smoothing in [0.0, 0.1] {
                for w in [nil, weight] {
                    for (target, ignore) in [(flat, -100), (withOne, 1)] {
                        NNGradCheck.assertGradients([LossTest.random([5, 4], seed: 1)]) {
                            try F.crossEntropy($0[0], target, weight: w, ignoreIndex: ignore,
                                               labelSmoothing: smoothing, reduction: reduction)
                        }
                    }
                }
            }
        }
    }

    func testGradientsPerPixelAndUnbatched() throws {
        // [N, C, H, W] with [N, H, W], some pixels ignored (255, as segmentation masks do).
        let target = try LossTest.labels([0, 1, 2, 255, 2, 1, 0, 0, 1, 255, 2, 2], [2, 3, 2])
        for reduction in F.Reduction.allCases {
            NNGradCheck.assertGradients([LossTest.random([2, 3, 3, 2], seed: 2)]) {
                try F.crossEntropy($0[0], target, weight: Tensor([1, 2, 0.5]), ignoreIndex: 255,
                                   labelSmoothing: 0.2, reduction: reduction)
            }
            NNGradCheck.assertGradients([LossTest.random([4], seed: 3)]) {
                try F.crossEntropy($0[0], LossTest.labels([2], []), labelSmoothing: 0.1, reduction: reduction)
            }
        }
    }

    func testGradientsWithProbabilityTargets() throws {
        for reduction in F.Reduction.allCases {
            for w in [nil, Tensor([0.5, 1.5, 2.0, 0.8])] {
                for smoothing in [0.0, 0.25] {
                    NNGradCheck.assertGradients([LossTest.random([3, 4], seed: 4),
                                                   try LossTest.probabilities([3, 4], seed: 5)]) {
                        try F.crossEntropy($0[0], $0[1], weight: w, labelSmoothing: smoothing, reduction: reduction)
                    }
                }
            }
            NNGradCheck.assertGradients([LossTest.random([2, 3, 2, 2], seed: 6),
                                           try LossTest.probabilities([2, 3, 2, 2], seed: 7)]) {
                try F.crossEntropy($0[0], $0[1], reduction: reduction)
            }
        }
    }

    /// Images large enough for several blocks per image and several parallel chunks
    /// (see ClassLayout): the fused kernel against the same loss composed from
    /// log_softmax, gather and mean.
    func testLargePerPixelMatchesComposedOps() throws {
        let x = try LossTest.random([3, 4, 40, 50], seed: 12).setRequiresGrad()
        let y = try Tensor.randint(0, 4, [3, 40, 50], generator: Generator(seed: 13))
        let p = try LossTest.probabilities([3, 4, 40, 50], seed: 14)
        let e = 0.1
        try F.crossEntropy(x, y, labelSmoothing: e).backward()
        let fused = try XCTUnwrap(x.grad).toFloatArray()
        x.grad = nil
        let lp = try x.logSoftmax(dim: 1)
        let picked = try lp.gather(dim: 1, index: y.unsqueeze(1)).mean()
        let composed = try picked.mul(1 - e).add(lp.sum(dim: 1).mean().mul(e / 4)).neg()
        XCTAssertEqual(try F.crossEntropy(x, y, labelSmoothing: e).item(), try composed.item(), accuracy: 1e-5)
        try composed.backward()
        let reference = try XCTUnwrap(x.grad).toFloatArray()
        for i in 0..<fused.count { XCTAssertEqual(fused[i], reference[i], accuracy: 1e-8) }

        x.grad = nil
        try F.crossEntropy(x, p).backward()
        let fusedSoft = try XCTUnwrap(x.grad).toFloatArray()
        x.grad = nil
        let soft = try x.logSoftmax(dim: 1).mul(p).sum(dim: 1).mean().neg()
        XCTAssertEqual(try F.crossEntropy(x, p).item(), try soft.item(), accuracy: 1e-5)
        try soft.backward()
        let referenceSoft = try XCTUnwrap(x.grad).toFloatArray()
        for i in 0..<fusedSoft.count { XCTAssertEqual(fusedSoft[i], referenceSoft[i], accuracy: 1e-8) }
    }

    func testOneHotProbabilitiesEqualClassIndices() throws {
        let x = LossTest.random([4, 3], seed: 8)
        let y = try LossTest.labels([2, 0, 1, 1], [4])
        let oneHot = try y.oneHot(numClasses: 3).float()
        let a = try F.crossEntropy(x, y, labelSmoothing: 0.1).item()
        let b = try F.crossEntropy(x, oneHot, labelSmoothing: 0.1).item()
        XCTAssertEqual(a, b, accuracy: 1e-6)
    }

    func testNonContiguousInputAndStableForLargeLogits() throws {
        // [C, N] transposed to [N, C]: a strided view.
        let base = LossTest.random([3, 4], seed: 9)
        let y = try LossTest.labels([0, 2, 1, 2], [4])
        let strided = try F.crossEntropy(base.t(), y, reduction: .none).toFloatArray()
        let copied = try F.crossEntropy(base.t().contiguous(), y, reduction: .none).toFloatArray()
        XCTAssertEqual(strided, copied)
        NNGradCheck.assertGradients([base]) { try F.crossEntropy($0[0].t(), y, labelSmoothing: 0.1) }

        let huge = try Tensor([1000, -1000, 0, 0, 500, -500], shape: [2, 3])
        let l = try F.crossEntropy(huge, LossTest.labels([1, 0], [2]), reduction: .none).toFloatArray()
        XCTAssertEqual(l, [2000, 500])
    }

    func testIgnoredTargetsAndEmptyBatches() throws {
        let x = try LossTest.random([3, 4], seed: 10).setRequiresGrad()
        let allIgnored = try LossTest.labels([-100, -100, -100], [3])
        let loss = try F.crossEntropy(x, allIgnored)
        XCTAssertTrue(try loss.item().isNaN, "0 / 0, as in PyTorch")
        XCTAssertEqual(try F.crossEntropy(x, allIgnored, reduction: .sum).item(), 0)
        XCTAssertEqual(try F.crossEntropy(x, allIgnored, reduction: .none).toFloatArray(), [0, 0, 0])
        try F.crossEntropy(x, allIgnored, reduction: .sum).backward()
        XCTAssertEqual(x.grad?.toFloatArray(), [Float](repeating: 0, count: 12))

        let empty = try F.crossEntropy(Tensor.zeros([0, 4]), Tensor.zeros([0], dtype: .int64))
        XCTAssertTrue(try empty.item().isNaN)
        XCTAssertEqual(try F.crossEntropy(Tensor.zeros([0, 4]), Tensor.zeros([0], dtype: .int64), reduction: .none).shape, [0])
        // No classes at all: only ignored targets are valid.
        let noClasses = try Tensor.zeros([2, 0])
        XCTAssertEqual(try F.crossEntropy(noClasses, LossTest.labels([-100, -100], [2]), reduction: .sum).item(), 0)
        LossTest.assertThrows("cross_entropy: target 0 is out of range for 0 classes (no class index is valid, or ignore_index -100)") {
            try F.crossEntropy(noClasses, LossTest.labels([0, -100], [2]))
        }
        XCTAssertEqual(try F.crossEntropy(noClasses, Tensor.zeros([2, 0]), reduction: .none).toFloatArray(), [0, 0])
    }

    func testRecordsAGraphOnlyWhenNeeded() throws {
        let x = LossTest.random([2, 3], seed: 11)
        let y = try LossTest.labels([0, 1], [2])
        XCTAssertFalse(try F.crossEntropy(x, y).requiresGrad)
        try x.setRequiresGrad()
        XCTAssertEqual(try F.crossEntropy(x, y).gradFnName, "cross_entropy")
        XCTAssertFalse(try withNoGrad { try F.crossEntropy(x, y) }.requiresGrad)
    }

    func testErrors() throws {
        let x = try Tensor.zeros([8, 10])
        LossTest.assertThrows("cross_entropy: input [8, 10] and target [4] disagree on the batch size") {
            try F.crossEntropy(x, Tensor.zeros([4], dtype: .int64))
        }
        LossTest.assertThrows("cross_entropy: target must be int64 class indices (use .long()), got float32") {
            try F.crossEntropy(x, Tensor.zeros([8]))
        }
        LossTest.assertThrows("cross_entropy: a target of the input's shape [8, 10] holds class probabilities and must be float32 (use .float()), got int64; class indices have shape [8]") {
            try F.crossEntropy(x, Tensor.zeros([8, 10], dtype: .int64))
        }
        LossTest.assertThrows("cross_entropy: target 10 is out of range for 10 classes (expected 0...9, or ignore_index -100)") {
            try F.crossEntropy(x, LossTest.labels([0, 1, 2, 10, 4, 5, 6, 7], [8]))
        }
        LossTest.assertThrows("cross_entropy: target -1 is out of range for 10 classes (expected 0...9, or ignore_index -100)") {
            try F.crossEntropy(x, LossTest.labels([0, 1, 2, 3, 4, 5, 6, -1], [8]))
        }
        LossTest.assertThrows("cross_entropy: input [8, 10] and target [8, 1] have incompatible shapes: class-index targets have the input's shape without dimension 1, [8]; class-probability targets have the input's shape") {
            try F.crossEntropy(x, Tensor.zeros([8, 1], dtype: .int64))
        }
        LossTest.assertThrows("cross_entropy: input [2, 3, 4, 4] and target [2, 4, 5] disagree on the spatial size: the target should be [2, 4, 4]") {
            try F.crossEntropy(Tensor.zeros([2, 3, 4, 4]), Tensor.zeros([2, 4, 5], dtype: .int64))
        }
        LossTest.assertThrows("cross_entropy: weight must be a float32 tensor with one weight per class, shape [10], got float32 [3]") {
            try F.crossEntropy(x, Tensor.zeros([8], dtype: .int64), weight: Tensor([1, 2, 3]))
        }
        LossTest.assertThrows("cross_entropy: label_smoothing must be between 0.0 and 1.0, got 1.5") {
            try F.crossEntropy(x, Tensor.zeros([8], dtype: .int64), labelSmoothing: 1.5)
        }
        LossTest.assertThrows("cross_entropy: ignore_index is not supported with class-probability targets (got ignore_index=3)") {
            try F.crossEntropy(x, Tensor.zeros([8, 10]), ignoreIndex: 3)
        }
        LossTest.assertThrows("cross_entropy: input must be a float32 or float64 tensor of class scores (logits), got int64 (use .float())") {
            try F.crossEntropy(Tensor.zeros([8, 10], dtype: .int64), Tensor.zeros([8], dtype: .int64))
        }
        LossTest.assertThrows("cross_entropy: input must have a class dimension ([C], [N, C] or [N, C, d1, ...]), got a scalar") {
            try F.crossEntropy(Tensor.scalar(1), Tensor.scalar(0, dtype: .int64))
        }
        LossTest.assertThrows("mse_loss: reduction must be 'none', 'mean' or 'sum', got 'avg'") {
            try F.Reduction.parse("avg", op: "mse_loss")
        }
    }
}
