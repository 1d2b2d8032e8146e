import Foundation
import XCTest
import VisNN
import VisTensor

/// kl_div: gradients in input and target for every reduction and log_target, the
/// 0 log 0 convention, the seed's distillation loss, and errors.
final class KLDivTests: XCTestCase {
    typealias F = Functional

    func testGradients() throws {
        for reduction in F.KLDivReduction.allCases {
            for logTarget in [false, true] {
                // Target probabilities in [0.15, 0.35] (the rows need not sum to 1): the
                // target gradient log t + 1 - x curves like 1 / t, so a finite difference
                // with step 1e-2 needs t well away from 0.
                let target = logTarget
                    ? try LossTest.random([3, 4], seed: 52, in: 0.15...0.35).log().detach()
                    : LossTest.random([3, 4], seed: 52, in: 0.15...0.35)
                NNGradCheck.assertGradients([try LossTest.probabilities([3, 4], seed: 51).log().detach(), target]) {
                    try F.klDiv($0[0], $0[1], reduction: reduction, logTarget: logTarget)
                }
            }
        }
    }

    func testValuesAndZeroTargets() throws {
        // KL(t || q) = sum t log(t / q); t = [0.5, 0.5, 0], q = [0.25, 0.25, 0.5].
        let logQ = try Tensor([0.25, 0.25, 0.5]).log().reshape([1, 3])
        let t = try Tensor([0.5, 0.5, 0], shape: [1, 3])
        let kl = Float(Foundation.log(2.0))
        LossTest.assertValues(try F.klDiv(logQ, t, reduction: .batchmean), [], [kl])
        LossTest.assertValues(try F.klDiv(logQ, t, reduction: .sum), [], [kl])
        LossTest.assertValues(try F.klDiv(logQ, t), [], [kl / 3])
        LossTest.assertValues(try F.klDiv(logQ, t, reduction: .none), [1, 3], [kl / 2, kl / 2, 0])
        // The same with the target as log-probabilities; a log target of -inf (log 0)
        // gives e^-inf * (-inf - x) = NaN, as in PyTorch.
        let logT = try Tensor([0.5, 0.5, 1e-30], shape: [1, 3]).log()
        LossTest.assertValues(try F.klDiv(logQ, logT, reduction: .sum, logTarget: true), [], [kl])
        XCTAssertTrue(try F.klDiv(logQ, t.log(), reduction: .sum, logTarget: true).item().isNaN)
        // The input gradient is -t: finite where t = 0.
        let x = try logQ.detach().setRequiresGrad()
        try F.klDiv(x, t, reduction: .sum).backward()
        XCTAssertEqual(x.grad?.toFloatArray(), [-0.5, -0.5, 0])
    }

    func testDistillationWithTemperature() throws {
        // Seed 002: KLDivLoss()(log(softmax(s / T)), softmax(t / T)) * T^2, and the
        // usual batchmean form with log_softmax; gradients reach the student only.
        let teacher = LossTest.random([4, 5], seed: 53)
        let T = 2.0
        NNGradCheck.assertGradients([LossTest.random([4, 5], seed: 54)]) {
            try F.klDiv($0[0].div(T).logSoftmax(dim: 1), teacher.div(T).softmax(dim: 1), reduction: .batchmean).mul(T * T)
        }
        let s = LossTest.random([4, 5], seed: 54)
        let a = try F.klDiv(s.div(T).softmax(dim: 1).log(), teacher.div(T).softmax(dim: 1)).item()
        let b = try F.klDiv(s.div(T).logSoftmax(dim: 1), teacher.div(T).softmax(dim: 1), reduction: .sum).item() / 20
        XCTAssertEqual(a, b, accuracy: 1e-6)
    }

    func testErrors() throws {
        LossTest.assertThrows("kl_div: reduction must be 'none', 'mean', 'batchmean' or 'sum', got 'average'") {
            try F.KLDivReduction.parse("average")
        }
        LossTest.assertThrows("kl_div: input [2, 3] and target [2, 4] cannot be broadcast together") {
            try F.klDiv(Tensor.zeros([2, 3]), Tensor.zeros([2, 4]))
        }
        LossTest.assertThrows("kl_div: target must be a floating-point tensor of probabilities, got int64 (use .float())") {
            try F.klDiv(Tensor.zeros([2, 3]), Tensor.zeros([2, 3], dtype: .int64))
        }
        LossTest.assertThrows("kl_div: input must be a floating-point tensor of log-probabilities, got int64 (use .float())") {
            try F.klDiv(Tensor.zeros([2, 3], dtype: .int64), Tensor.zeros([2, 3]))
        }
    }
}
