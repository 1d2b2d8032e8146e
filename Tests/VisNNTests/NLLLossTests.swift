import XCTest
import VisNN
import VisTensor

/// nll_loss: gradients for every option, agreement with cross_entropy, and errors.
final class NLLLossTests: XCTestCase {
    typealias F = Functional

    func testGradients() throws {
        let target = try LossTest.labels([0, 3, -100, 1, 2], [5])
        let pixels = try LossTest.labels([0, 1, 2, 255, 2, 1, 0, 0, 1, 255, 2, 2], [2, 3, 2])
        for reduction in F.Reduction.allCases {
            for w in [nil, Tensor([0.5, 1.5, 2.0, 0.8])] {
                NNGradCheck.assertGradients([LossTest.random([5, 4], seed: 21)]) {
                    try F.nllLoss($0[0], target, weight: w, reduction: reduction)
                }
            }
            NNGradCheck.assertGradients([LossTest.random([2, 3, 3, 2], seed: 22)]) {
                try F.nllLoss($0[0], pixels, weight: Tensor([1, 2, 0.5]), ignoreIndex: 255, reduction: reduction)
            }
            NNGradCheck.assertGradients([LossTest.random([4], seed: 23)]) {
                try F.nllLoss($0[0], LossTest.labels([3], []), reduction: reduction)
            }
        }
    }

    func testLogSoftmaxThenNLLIsCrossEntropy() throws {
        let x = LossTest.random([2, 4, 3], seed: 24)
        let y = try LossTest.labels([0, 3, 2, -100, 1, 1], [2, 3])
        let w = Tensor([1, 2, 3, 4])
        let a = try F.nllLoss(x.logSoftmax(dim: 1), y, weight: w, reduction: .none).toFloatArray()
        let b = try F.crossEntropy(x, y, weight: w, reduction: .none).toFloatArray()
        for (u, v) in zip(a, b) { XCTAssertEqual(u, v, accuracy: 1e-6) }
    }

    func testValueByHand() throws {
        let x = try Tensor([-1, -2, -3, -4, -5, -6], shape: [2, 3])
        let y = try LossTest.labels([2, 0], [2])
        LossTest.assertValues(try F.nllLoss(x, y, reduction: .none), [2], [3, 4])
        LossTest.assertValues(try F.nllLoss(x, y, weight: Tensor([1, 1, 3])), [], [(9 + 4) / 4.0])
        XCTAssertTrue(try F.nllLoss(x, LossTest.labels([-100, -100], [2])).item().isNaN)
    }

    func testErrors() throws {
        let x = try Tensor.zeros([4, 3])
        LossTest.assertThrows("nll_loss: input [4, 3] and target [4, 3] have incompatible shapes: class-index targets have the input's shape without dimension 1, [4]") {
            try F.nllLoss(x, Tensor.zeros([4, 3]))
        }
        LossTest.assertThrows("nll_loss: target must be int64 class indices (use .long()), got bool") {
            try F.nllLoss(x, Tensor.zeros([4], dtype: .bool))
        }
        LossTest.assertThrows("nll_loss: target 3 is out of range for 3 classes (expected 0...2, or ignore_index -100)") {
            try F.nllLoss(x, LossTest.labels([0, 1, 2, 3], [4]))
        }
        LossTest.assertThrows("nll_loss: input [4, 3] and target [2] disagree on the batch size") {
            try F.nllLoss(x, Tensor.zeros([2], dtype: .int64))
        }
        LossTest.assertThrows("nll_loss: input must be a float32 or float64 tensor of log-probabilities, got int64 (use .float())") {
            try F.nllLoss(Tensor.zeros([4, 3], dtype: .int64), Tensor.zeros([4], dtype: .int64))
        }
        LossTest.assertThrows("nll_loss: weight must be a float32 tensor with one weight per class, shape [3], got int64 [3]") {
            try F.nllLoss(x, Tensor.zeros([4], dtype: .int64), weight: Tensor.zeros([3], dtype: .int64))
        }
    }
}
