import XCTest
import VisNN
import VisTensor

/// dice_loss in mask mode and class mode: gradients, values by hand, and errors.
final class DiceLossTests: XCTestCase {
    typealias F = Functional

    func testGradients() throws {
        for smooth in [1.0, 1e-6] {
            // Mask mode: [N, 1, H, W] probabilities with an [N, H, W] mask; gradients
            // reach both (a soft target from another network may require them).
            LossGradCheck.assertGradients([LossTest.random([2, 1, 3, 3], seed: 61, in: 0...1),
                                           LossTest.random([2, 3, 3], seed: 62, in: 0...1)]) {
                try F.diceLoss($0[0], $0[1], smooth: smooth)
            }
            // Class mode: softmax over C = 3 and int64 labels.
            let labels = try LossTest.labels([0, 1, 2, 2, 1, 0, 0, 0, 1, 1, 2, 0], [2, 2, 3])
            LossGradCheck.assertGradients([LossTest.random([2, 3, 2, 3], seed: 63, in: 0...1)]) {
                try F.diceLoss($0[0], labels, smooth: smooth)
            }
        }
    }

    func testValuesByHand() throws {
        // Mask mode: p = [1, 0.5, 0, 0], t = [1, 1, 0, 0]: (2 * 1.5 + 1) / (1.5 + 2 + 1).
        let p = try Tensor([1, 0.5, 0, 0], shape: [1, 1, 2, 2])
        let t = try Tensor([1, 1, 0, 0], shape: [1, 2, 2])
        LossTest.assertValues(try F.diceLoss(p, t), [], [1 - 4 / 4.5])
        LossTest.assertValues(try F.diceLoss(p, t, smooth: 0), [], [1 - 3 / 3.5])
        // int64 and bool masks are read as 0/1.
        LossTest.assertValues(try F.diceLoss(p, t.long()), [], [1 - 4 / 4.5])
        LossTest.assertValues(try F.diceLoss(p, t.bool()), [], [1 - 4 / 4.5])
        // Empty prediction and empty mask: 1 - smooth / smooth = 0.
        LossTest.assertValues(try F.diceLoss(Tensor.zeros([4]), Tensor.zeros([4])), [], [0])

        // Class mode, a perfect one-hot prediction of labels [[0, 1], [1, 1]] with
        // 3 classes: classes 0 and 1 give D = 1; class 2 is absent from both
        // (D = smooth / smooth = 1); the loss is 0.
        let labels = try LossTest.labels([0, 1, 1, 1], [1, 2, 2])
        let perfect = try labels.oneHot(numClasses: 3).permute([0, 3, 1, 2]).float()
        LossTest.assertValues(try F.diceLoss(perfect, labels), [], [0])
        // Uniform probabilities 1/3: D_0 = (2/3 + 1) / (4/3 + 1 + 1), D_1 = (2 + 1) / (4/3 + 3 + 1),
        // D_2 = 1 / (4/3 + 1).
        let uniform = Tensor.full([1, 3, 2, 2], 1.0 / 3)
        let d: [Float] = [(2.0 / 3 + 1) / (4.0 / 3 + 2), 3 / (4.0 / 3 + 4), 1 / (4.0 / 3 + 1)]
        LossTest.assertValues(try F.diceLoss(uniform, labels), [], [1 - (d[0] + d[1] + d[2]) / 3])
    }

    func testErrors() throws {
        LossTest.assertThrows("dice_loss: probs [2, 3, 4, 4] and target [2, 4, 5] do not match: a mask needs as many elements as probs (96, got 40); int64 class indices would have shape [2, 4, 4]") {
            try F.diceLoss(Tensor.zeros([2, 3, 4, 4]), Tensor.zeros([2, 4, 5], dtype: .int64))
        }
        LossTest.assertThrows("dice_loss: target 3 is out of range for 3 classes (expected 0...2)") {
            try F.diceLoss(Tensor.zeros([1, 3, 1, 2]), LossTest.labels([0, 3], [1, 1, 2]))
        }
        LossTest.assertThrows("dice_loss: probs must be a float32 tensor of probabilities, got int64 (use .float())") {
            try F.diceLoss(Tensor.zeros([4], dtype: .int64), Tensor.zeros([4]))
        }
        LossTest.assertThrows("dice_loss: smooth must be non-negative, got -1.0") {
            try F.diceLoss(Tensor.zeros([4]), Tensor.zeros([4]), smooth: -1)
        }
    }
}
