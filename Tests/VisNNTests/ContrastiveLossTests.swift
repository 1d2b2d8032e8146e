import XCTest
import VisNN
import VisTensor

/// contrastive_loss: gradients in both embeddings, values by hand, label shapes and
/// dtypes, and errors.
final class ContrastiveLossTests: XCTestCase {
    typealias F = Functional

    func testGradients() throws {
        // Pairs 0, 2 are the same, 1, 3 different; with margin 2 the different pairs are
        // inside the margin (pushed apart), with margin 0.5 pair 3 is outside it.
        let same = Tensor([1, 0, 1, 0])
        for margin in [2.0, 0.5] {
            for reduction in F.Reduction.allCases {
                LossGradCheck.assertGradients([LossTest.random([4, 3], seed: 71, in: -0.5...0.5),
                                               LossTest.random([4, 3], seed: 72, in: -0.5...0.5)]) {
                    try F.contrastiveLoss($0[0], $0[1], same, margin: margin, reduction: reduction)
                }
            }
        }
    }

    func testValuesByHand() throws {
        // d = 5 (plus pairwise_distance's 1e-6 eps, far below float32's resolution here).
        let a = try Tensor([0, 0, 1, 1], shape: [2, 2]), b = try Tensor([3, 4, 1, 2], shape: [2, 2])
        // same pair at d = 5: 25; different pair at d = 1 with margin 2: (2 - 1)^2 = 1.
        LossTest.assertValues(try F.contrastiveLoss(a, b, Tensor([1, 0]), margin: 2, reduction: .none), [2], [25, 1], tol: 1e-4)
        LossTest.assertValues(try F.contrastiveLoss(a, b, Tensor([0, 1]), margin: 2), [], [0.5], tol: 1e-4)
        // Labels as [N, 1], int64 or bool give the same.
        let expected = try F.contrastiveLoss(a, b, Tensor([1, 0]), margin: 2).item()
        XCTAssertEqual(try F.contrastiveLoss(a, b, Tensor([1, 0], shape: [2, 1]), margin: 2).item(), expected)
        XCTAssertEqual(try F.contrastiveLoss(a, b, LossTest.labels([1, 0], [2]), margin: 2).item(), expected)
        XCTAssertEqual(try F.contrastiveLoss(a, b, Tensor(bools: [true, false], shape: [2]), margin: 2).item(), expected)
        // Identical embeddings: finite loss and gradient (the eps keeps d > 0).
        let x = try Tensor([0.3, 0.4], shape: [1, 2]).setRequiresGrad()
        let loss = try F.contrastiveLoss(x, x.detach(), Tensor([0]))
        XCTAssertEqual(try loss.item(), 1, accuracy: 1e-5)
        try loss.backward()
        XCTAssertTrue(x.grad?.toFloatArray().allSatisfy { $0.isFinite } ?? false)
    }

    func testErrors() throws {
        LossTest.assertThrows("contrastive_loss: a [4, 3] and b [4, 2] must be embeddings of the same shape, [N, D] or [D]") {
            try F.contrastiveLoss(Tensor.zeros([4, 3]), Tensor.zeros([4, 2]), Tensor.zeros([4]))
        }
        LossTest.assertThrows("contrastive_loss: same has 3 elements (shape [3]) but a and b [4, 3] hold 4 pairs") {
            try F.contrastiveLoss(Tensor.zeros([4, 3]), Tensor.zeros([4, 3]), Tensor.zeros([3]))
        }
        LossTest.assertThrows("contrastive_loss: a must be a float32 tensor of embeddings, got int64 (use .float())") {
            try F.contrastiveLoss(Tensor.zeros([4, 3], dtype: .int64), Tensor.zeros([4, 3]), Tensor.zeros([4]))
        }
    }
}
