import XCTest
import VisNN
import VisTensor

/// The activations and losses of issue 17: gradients against finite differences away
/// from kinks (their values and kink gradients are checked against PyTorch by
/// Tests/notebooks/reference/actloss.vis), dtypes, the PReLU layer, and errors.
final class ActivationLossTests: XCTestCase {
    typealias F = Functional

    /// Inputs at least 0.1 away from every kink of the activations tested (0, +-0.5, +-1,
    /// +-3, 6 and the thresholds used below).
    func input(_ seed: UInt64) -> Tensor {
        LossTest.random([3, 4], seed: seed, in: -4...7, avoiding: [-3, -1, -0.5, 0, 0.5, 1, 3, 6], margin: 0.1)
    }

    func testActivationGradients() throws {
        let functions: [(String, (Tensor) throws -> Tensor)] = [
            ("softplus", { try F.softplus($0, beta: 2, threshold: 5) }), ("elu", { try F.elu($0, alpha: 0.5) }),
            ("selu", { try F.selu($0) }), ("celu", { try F.celu($0, alpha: 2) }), ("hardtanh", { try F.hardtanh($0) }),
            ("relu6", { try F.relu6($0) }), ("hardswish", { try F.hardswish($0) }), ("hardsigmoid", { try F.hardsigmoid($0) }),
            ("mish", { try F.mish($0) }), ("logsigmoid", { try F.logsigmoid($0) }), ("softsign", { try F.softsign($0) }),
            ("tanhshrink", { try F.tanhshrink($0) }), ("hardshrink", { try F.hardshrink($0) }), ("softshrink", { try F.softshrink($0) }),
            ("threshold", { try F.threshold($0, threshold: 0.5, value: -2) }), ("gelu tanh", { try F.gelu($0, approximate: "tanh") }),
            ("softmin", { try F.softmin($0, dim: 1) }), ("glu", { try F.glu($0, dim: 1) }),
        ]
        for (i, (name, f)) in functions.enumerated() {
            let x = input(UInt64(100 + i))
            XCTAssertEqual(try NNGradCheck.mismatches([x], eps: 1e-2, atol: 5e-3, rtol: 5e-3) { try f($0[0]) }, [], name)
        }
    }

    func testDTypes() throws {
        let x = try Tensor([-1.5, 0.5, 2], shape: [3]).to(.float64)
        XCTAssertEqual(try F.elu(x).dtype, .float64)
        XCTAssertEqual(try F.softplus(x.to(.float16)).dtype, .float16)
        LossTest.assertThrows("elu: expected a floating-point tensor, got int64 (convert with .float())") {
            try F.elu(Tensor(int64: [1, 2], shape: [2]))
        }
    }

    func testPReLU() throws {
        let layer = try PReLU(numParameters: 2, initialValue: 0.1)
        XCTAssertEqual(layer.namedParameters().map(\.0), ["weight"])
        XCTAssertEqual(layer.extraRepr, "num_parameters=2")
        let x = try Tensor([-1, 2, -3, 4], shape: [1, 2, 2]).setRequiresGrad()
        let y = try layer(x)
        LossTest.assertValues(y, [1, 2, 2], [-0.1, 2, -0.3, 4])
        try y.sum().backward()
        // d/dweight: the sum of x where x <= 0, per channel (dimension 1).
        LossTest.assertValues(try XCTUnwrap(layer.weight.grad), [2], [-1, -3])
        LossTest.assertValues(try XCTUnwrap(x.grad), [1, 2, 2], [0.1, 1, 0.1, 1])
        XCTAssertEqual(try NNGradCheck.mismatches([input(7), LossTest.random([4], seed: 8)], eps: 1e-2, atol: 5e-3, rtol: 5e-3) {
            try F.prelu($0[0], weight: $0[1])
        }, [])
        LossTest.assertThrows("prelu: Mismatch of parameter numbers and input channel size. Found parameter numbers = 2 and channel size = 4.") {
            try layer.forward(Tensor.ones([3, 4]))
        }
    }

    func testLayerReprs() throws {
        XCTAssertEqual(try ElementwiseActivation(.hardtanh, arguments: [("min_val", .int(-2)), ("max_val", .double(3))], inplace: true).extraRepr,
                       "min_val=-2, max_val=3.0, inplace=true")
        XCTAssertEqual(try ElementwiseActivation(.hardswish, inplace: true).extraRepr, "")
        XCTAssertEqual(try ElementwiseActivation(.softshrink, arguments: [("lambd", .double(0.5))]).extraRepr, "0.5")
        XCTAssertThrowsError(try ElementwiseActivation(.hardtanh, arguments: [("min_val", .int(2)), ("max_val", .int(1))]))
    }

    func testSmoothLossGradients() throws {
        let a = LossTest.random([4, 3], seed: 21), b = LossTest.random([4, 3], seed: 22)
        let signs = try Tensor([1, -1, 1, -1, -1, 1, 1, 1, -1, 1, -1, -1], shape: [4, 3])
        let labels = try Tensor([1, 0, 1, 0, 0, 1, 1, 1, 0, 1, 0, 0], shape: [4, 3])
        let counts = try Tensor([0, 1, 2, 3, 0.5, 7, 1, 4, 0, 2, 2, 10], shape: [4, 3])
        for reduction in F.Reduction.allCases {
            let cases: [(String, [Tensor], ([Tensor]) throws -> Tensor)] = [
                ("soft_margin", [a], { try F.softMarginLoss($0[0], signs, reduction: reduction) }),
                ("multilabel_soft_margin", [a], { try F.multilabelSoftMarginLoss($0[0], labels, reduction: reduction) }),
                ("poisson_nll", [a], { try F.poissonNLLLoss($0[0], counts, reduction: reduction) }),
                ("gaussian_nll", [a, b, LossTest.random([4, 3], seed: 23, in: 0.5...2)], {
                    try F.gaussianNLLLoss($0[0], $0[1], $0[2], reduction: reduction)
                }),
                ("cosine_similarity", [a, b], { try F.cosineSimilarity($0[0], $0[1]) }),
                ("pairwise_distance", [a, b], { try F.pairwiseDistance($0[0], $0[1]) }),
            ]
            for (name, inputs, f) in cases {
                XCTAssertEqual(try NNGradCheck.mismatches(inputs, eps: 1e-2, atol: 5e-3, rtol: 5e-3, f), [], "\(name) \(reduction)")
            }
        }
    }

    func testHuber() throws {
        let x = try Tensor([0, 3, -0.25], shape: [3]), t = try Tensor([0.5, 0, 0], shape: [3])
        // |d| = 0.5, 3, 0.25 with delta 1: 0.125, 1 * (3 - 0.5) = 2.5, 0.03125.
        LossTest.assertValues(try F.huberLoss(x, t, reduction: .none), [3], [0.125, 2.5, 0.03125])
        XCTAssertEqual(try NNGradCheck.mismatches([LossTest.random([5], seed: 31, in: -3...3, avoiding: [-1, 1], margin: 0.1)],
                                              eps: 1e-2, atol: 5e-3, rtol: 5e-3) {
            try F.huberLoss($0[0], Tensor.zeros([5]))
        }, [])
        LossTest.assertThrows("huber_loss: huber_loss does not support non-positive values for delta (got -1.0)") {
            try F.huberLoss(x, t, delta: -1)
        }
    }
}
