import XCTest
@testable import VisNN
import VisTensor

/// GRU (layer and Functional.gru): PyTorch reference values, gradient checks through
/// time, layers and directions, shapes, parameters, dropout, errors.
final class GRUTests: XCTestCase {
    func make(_ cs: RecurrentTest.Case) throws -> GRU {
        try GRU(inputSize: cs.input, hiddenSize: cs.hidden, numLayers: cs.layers, bias: cs.bias,
                batchFirst: cs.batchFirst, bidirectional: cs.bidirectional)
    }

    /// Outputs, final states and every gradient against PyTorch (float64 on the same
    /// float32 values) for 1-2 layers, one or two directions, batch_first, no bias,
    /// with or without h0, and an unbatched input: 1e-5 relative + 1e-5 absolute.
    func testMatchesPyTorch() throws {
        for cs in RecurrentTest.gruCases {
            let m = try make(cs)
            try RecurrentTest.check(cs, module: m, lstm: false) { x, h0, _ in
                let r = try m.forward(x, h0: h0)
                return (r.output, r.h, nil)
            }
        }
    }

    /// Functional.gru on the layer's flat weights is the layer.
    func testFunctionalMatchesLayer() throws {
        let cs = RecurrentTest.gruCases[4]
        let m = try make(cs)
        try RecurrentTest.check(cs, module: m, lstm: false) { x, h0, _ in
            let r = try Functional.gru(x, h0: h0, weights: m.flatWeights, numLayers: 2, batchFirst: true, bidirectional: true)
            return (r.output, r.h, nil)
        }
    }

    /// Finite differences for input, h0 and every weight: one layer; two bidirectional
    /// batch_first layers; two layers without bias; an unbatched input.
    func testGradients() throws {
        let one = try GRU(inputSize: 3, hiddenSize: 4)
        let x = NormTest.leaf([4, 2, 3], seed: 21, in: -1.5...1.5), h0 = NormTest.leaf([1, 2, 4], seed: 22, in: -0.8...0.8)
        RecurrentGradCheck.assertGradients([x, h0] + one.flatWeights) { t in
            let r = try one.forward(t[0], h0: t[1])
            return try RecurrentTest.joined([r.output, r.h])
        }
        let two = try GRU(inputSize: 3, hiddenSize: 2, numLayers: 2, batchFirst: true, bidirectional: true)
        let xb = NormTest.leaf([2, 3, 3], seed: 23, in: -1.5...1.5), hb = NormTest.leaf([4, 2, 2], seed: 24, in: -0.8...0.8)
        RecurrentGradCheck.assertGradients([xb, hb] + two.flatWeights) { t in
            let r = try two.forward(t[0], h0: t[1])
            return try RecurrentTest.joined([r.output, r.h])
        }
        RecurrentGradCheck.assertGradients([xb] + two.flatWeights) { t in try two(t[0]) }
        let plain = try GRU(inputSize: 2, hiddenSize: 3, numLayers: 2, bias: false)
        let xp = NormTest.leaf([3, 2, 2], seed: 25, in: -1.5...1.5)
        RecurrentGradCheck.assertGradients([xp] + plain.flatWeights) { t in
            let r = try plain.forward(t[0], h0: nil)
            return try RecurrentTest.joined([r.output, r.h])
        }
        let u = try GRU(inputSize: 2, hiddenSize: 2, bidirectional: true)
        let xu = NormTest.leaf([3, 2], seed: 26, in: -1.5...1.5), hu = NormTest.leaf([2, 2], seed: 27)
        RecurrentGradCheck.assertGradients([xu, hu] + u.flatWeights) { t in
            let r = try u.forward(t[0], h0: t[1])
            return try RecurrentTest.joined([r.output, r.h])
        }
    }

    /// Dropout between layers in training, with the mask fixed by reseeding.
    func testGradientsWithDropout() throws {
        let m = try GRU(inputSize: 2, hiddenSize: 3, numLayers: 2, dropout: 0.4)
        let x = NormTest.leaf([3, 2, 2], seed: 28, in: -1.5...1.5)
        RecurrentGradCheck.assertGradients([x] + m.flatWeights) { t in
            seed(98)
            return try m(t[0])
        }
        m.eval()
        let plain = try GRU(inputSize: 2, hiddenSize: 3, numLayers: 2)
        for (a, b) in zip(m.flatWeights, plain.flatWeights) { try withNoGrad { try b.assign(a) } }
        NormTest.assertClose(try m(x), try plain(x), rtol: 0, atol: 0, "eval")
    }

    func testShapesNamesAndRepr() throws {
        let m = try GRU(inputSize: 6, hiddenSize: 4, numLayers: 2, batchFirst: true, bidirectional: true)
        let r = try m.forward(Tensor.randn([5, 7, 6]), h0: nil)
        XCTAssertEqual(r.output.shape, [5, 7, 8])
        XCTAssertEqual(r.h.shape, [4, 5, 4])
        let out = r.output.toFloatArray(), h = r.h.toFloatArray()
        for n in 0..<5 {
            for j in 0..<4 {
                XCTAssertEqual(out[(n * 7 + 6) * 8 + j], h[(2 * 5 + n) * 4 + j])
                XCTAssertEqual(out[(n * 7 + 0) * 8 + 4 + j], h[(3 * 5 + n) * 4 + j])
            }
        }
        let ru = try m.forward(Tensor.randn([7, 6]), h0: nil)
        XCTAssertEqual(ru.output.shape, [7, 8])
        XCTAssertEqual(ru.h.shape, [4, 4])
        XCTAssertEqual(m.stateDict().map(\.0).prefix(5), ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_ih_l0_reverse"])
        let shapes = Dictionary(uniqueKeysWithValues: m.stateDict().map { ($0.0, $0.1.shape) })
        XCTAssertEqual(shapes["weight_ih_l0"], [12, 6])
        XCTAssertEqual(shapes["weight_ih_l1_reverse"], [12, 8])
        XCTAssertEqual(shapes["bias_hh_l1"], [12])
        for p in m.parameters() { XCTAssertLessThanOrEqual(p.toDoubleArray().map(Swift.abs).max() ?? 1, 0.5) }
        XCTAssertEqual(m.tree, "GRU(6, 4, num_layers=2, batch_first=true, bidirectional=true)")
        XCTAssertEqual(try GRU(inputSize: 3, hiddenSize: 5, dropout: 0.25).extraRepr, "3, 5, dropout=0.25")
    }

    func testErrors() throws {
        let m = try GRU(inputSize: 64, hiddenSize: 64, numLayers: 2, batchFirst: true, bidirectional: true)
        NormTest.assertThrows("GRU: expected input with 64 features (input_size), got shape [32, 64, 32]") {
            try m.forward(Tensor.zeros([32, 64, 32]))
        }
        NormTest.assertThrows("GRU: expected a 3-D input [seq_len, batch, 64] ([batch, seq_len, 64] with batch_first) or a 2-D unbatched input [seq_len, 64], got shape [64]") {
            try m.forward(Tensor.zeros([64]))
        }
        NormTest.assertThrows("GRU: expected h0 of shape [4, 3, 64] (num_layers * num_directions, batch, hidden_size), got [4, 3, 32]") {
            try m.forward(Tensor.zeros([3, 5, 64]), h0: Tensor.zeros([4, 3, 32]))
        }
        NormTest.assertThrows("GRU: dropout should be a number in range [0, 1] representing the probability of an element being zeroed, got -0.1") {
            try GRU(inputSize: 2, hiddenSize: 2, dropout: -0.1)
        }
        XCTAssertThrowsError(try m(Tensor.zeros([32, 64, 32]), h0: nil)) {
            XCTAssertEqual("\($0)", "GRU: expected input with 64 features (input_size), got shape [32, 64, 32]")
        }
    }

    /// Saturated gates keep every value finite and h inside [-1, 1] (from h0 = 0).
    func testSaturation() throws {
        let m = try GRU(inputSize: 2, hiddenSize: 8)
        let r = try m.forward(Tensor.randn([6, 3, 2]).mul(1000), h0: nil)
        XCTAssertTrue(r.output.toFloatArray().allSatisfy { $0.isFinite && Swift.abs($0) <= 1 })
    }
}
