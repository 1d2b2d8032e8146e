import Foundation
import XCTest
import VisNN
import VisTensor

/// binary_cross_entropy and binary_cross_entropy_with_logits: gradients in input and
/// target with weight and pos_weight, agreement with each other, stability at
/// extreme values, and errors.
final class BinaryCrossEntropyTests: XCTestCase {
    typealias F = Functional

    func testGradients() throws {
        let weight = Tensor([0.5, 2, 1])
        let posWeight = Tensor([3, 0.25, 1])
        for reduction in F.Reduction.allCases {
            for w in [nil, weight] {
                // Probabilities kept inside [0.1, 0.9]: a step of 1e-2 stays in [0, 1].
                NNGradCheck.assertGradients([LossTest.random([4, 3], seed: 41, in: 0.1...0.9),
                                               LossTest.random([4, 3], seed: 42, in: 0...1)]) {
                    try F.binaryCrossEntropy($0[0], $0[1], weight: w, reduction: reduction)
                }
                for pw in [nil, posWeight] {
                    NNGradCheck.assertGradients([LossTest.random([4, 3], seed: 43, in: -4...4),
                                                   LossTest.random([4, 3], seed: 44, in: 0...1)]) {
                        try F.binaryCrossEntropyWithLogits($0[0], $0[1], weight: w, posWeight: pw, reduction: reduction)
                    }
                }
            }
        }
    }

    func testLogitsFormEqualsSigmoidThenBCE() throws {
        let x = LossTest.random([5, 3], seed: 45, in: -5...5)
        let t = LossTest.random([5, 3], seed: 46, in: 0...1)
        let w = Tensor([1, 0.5, 2])
        let a = try F.binaryCrossEntropyWithLogits(x, t, weight: w, reduction: .none).toFloatArray()
        let b = try F.binaryCrossEntropy(x.sigmoid(), t, weight: w, reduction: .none).toFloatArray()
        for (u, v) in zip(a, b) { XCTAssertEqual(u, v, accuracy: 1e-5) }
        // pos_weight p scales the positive term: -(p t log s + (1 - t) log(1 - s)).
        let p: Float = 3
        let s = try x.sigmoid().toFloatArray(), tv = t.toFloatArray()
        let c = try F.binaryCrossEntropyWithLogits(x, t, posWeight: Tensor([p]), reduction: .none).toFloatArray()
        for i in 0..<c.count {
            let expected = -(p * tv[i] * Foundation.log(s[i]) + (1 - tv[i]) * Foundation.log(1 - s[i]))
            XCTAssertEqual(c[i], expected, accuracy: 1e-4)
        }
    }

    func testExtremeValuesStayFinite() throws {
        // Logits of +-1000: no overflow, the loss is |x| for the wrong label, 0 for the right one.
        let logits = try Tensor([1000, -1000, 1000, -1000], shape: [4]).setRequiresGrad()
        let labels = Tensor([0, 1, 1, 0])
        LossTest.assertValues(try F.binaryCrossEntropyWithLogits(logits, labels, reduction: .none), [4], [1000, 1000, 0, 0])
        try F.binaryCrossEntropyWithLogits(logits, labels, reduction: .sum).backward()
        XCTAssertEqual(logits.grad?.toFloatArray(), [1, -1, 0, 0])
        // Probabilities of exactly 0 and 1: each log is clamped at -100 (PyTorch's rule).
        let p = Tensor([0, 1, 0, 1])
        LossTest.assertValues(try F.binaryCrossEntropy(p, labels, reduction: .none), [4], [0, 0, 100, 100])
    }

    func testErrors() throws {
        LossTest.assertThrows("binary_cross_entropy: input must hold probabilities in [0, 1], got 1.5 (apply sigmoid first, or use binary_cross_entropy_with_logits on the raw scores)") {
            try F.binaryCrossEntropy(Tensor([0.5, 1.5]), Tensor([0, 1]))
        }
        LossTest.assertThrows("binary_cross_entropy: target [2, 1] must have the input's shape [2]") {
            try F.binaryCrossEntropy(Tensor([0.5, 0.5]), Tensor.zeros([2, 1]))
        }
        LossTest.assertThrows("binary_cross_entropy_with_logits: target must be a floating-point tensor of 0/1 labels or probabilities, got int64 (use .float())") {
            try F.binaryCrossEntropyWithLogits(Tensor([0.5, 0.5]), LossTest.labels([0, 1], [2]))
        }
        LossTest.assertThrows("binary_cross_entropy_with_logits: pos_weight of shape [3] cannot be broadcast to the input's shape [4, 2]") {
            try F.binaryCrossEntropyWithLogits(Tensor.zeros([4, 2]), Tensor.zeros([4, 2]), posWeight: Tensor([1, 2, 3]))
        }
        LossTest.assertThrows("binary_cross_entropy: weight of shape [2, 2] cannot be broadcast to the input's shape [2]") {
            try F.binaryCrossEntropy(Tensor([0.5, 0.5]), Tensor([0, 1]), weight: Tensor.zeros([2, 2]))
        }
        LossTest.assertThrows("binary_cross_entropy_with_logits: input must be a floating-point tensor of scores (logits), got int64 (use .float())") {
            try F.binaryCrossEntropyWithLogits(Tensor.zeros([2], dtype: .int64), Tensor([0, 1]))
        }
    }
}
