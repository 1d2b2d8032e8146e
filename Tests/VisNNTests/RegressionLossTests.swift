import XCTest
import VisNN
import VisTensor

/// mse_loss, l1_loss and smooth_l1_loss: gradients in input and target (with
/// broadcasting), values by hand, target dtypes, and errors.
final class RegressionLossTests: XCTestCase {
    typealias F = Functional

    func testGradients() throws {
        // Targets are kept 0.1 away from the inputs' grid of kinks: inputs in [-2, -0.5]
        // and [0.5, 2] against targets near 0, so x - t never crosses 0 or +-beta
        // within a finite-difference step.
        let x = LossTest.random([3, 4], seed: 31, avoiding: [-0.5, 0, 0.5, 1, -1], margin: 0.15)
        for reduction in F.Reduction.allCases {
            NNGradCheck.assertGradients([x, LossTest.random([3, 4], seed: 32, in: -0.05...0.05)]) {
                try F.mseLoss($0[0], $0[1], reduction: reduction)
            }
            NNGradCheck.assertGradients([x, LossTest.random([3, 4], seed: 33, in: -0.05...0.05)]) {
                try F.l1Loss($0[0], $0[1], reduction: reduction)
            }
            for beta in [1.0, 0.5, 0.0] {
                NNGradCheck.assertGradients([x, LossTest.random([3, 4], seed: 34, in: -0.05...0.05)]) {
                    try F.smoothL1Loss($0[0], $0[1], beta: beta, reduction: reduction)
                }
            }
        }
        // Broadcast target [3, 1]: its gradient is summed over the broadcast columns.
        NNGradCheck.assertGradients([LossTest.random([3, 4], seed: 35), LossTest.random([3, 1], seed: 36)]) {
            try F.mseLoss($0[0], $0[1])
        }
    }

    func testValuesByHand() throws {
        let x = Tensor([0, 1, 3]), t = Tensor([0.5, 1, 1])
        LossTest.assertValues(try F.mseLoss(x, t, reduction: .none), [3], [0.25, 0, 4])
        LossTest.assertValues(try F.l1Loss(x, t), [], [2.5 / 3])
        // smooth L1, beta 1: 0.5 * 0.25 / 1, 0, 2 - 0.5
        LossTest.assertValues(try F.smoothL1Loss(x, t, reduction: .none), [3], [0.125, 0, 1.5])
        LossTest.assertValues(try F.smoothL1Loss(x, t, beta: 0, reduction: .sum), [], [2.5])
        // l1's gradient at x == t is 0, as in PyTorch.
        let y = try Tensor([1, 2]).setRequiresGrad()
        try F.l1Loss(y, Tensor([1, 0]), reduction: .sum).backward()
        XCTAssertEqual(y.grad?.toFloatArray(), [0, 1])
    }

    func testIntegerTargetsAreReadAsFloat() throws {
        let x = Tensor([0.5, 2])
        LossTest.assertValues(try F.mseLoss(x, LossTest.labels([1, 2], [2]), reduction: .sum), [], [0.25])
        LossTest.assertValues(try F.l1Loss(x, Tensor(bools: [true, false], shape: [2]), reduction: .sum), [], [2.5])
    }

    func testErrors() throws {
        LossTest.assertThrows("mse_loss: input [3, 4] and target [3, 2] cannot be broadcast together") {
            try F.mseLoss(Tensor.zeros([3, 4]), Tensor.zeros([3, 2]))
        }
        LossTest.assertThrows("l1_loss: input must be a floating-point tensor of predictions, got int64 (use .float())") {
            try F.l1Loss(Tensor.zeros([3], dtype: .int64), Tensor.zeros([3]))
        }
        LossTest.assertThrows("smooth_l1_loss: beta must be non-negative, got -1.0") {
            try F.smoothL1Loss(Tensor.zeros([3]), Tensor.zeros([3]), beta: -1)
        }
    }
}
