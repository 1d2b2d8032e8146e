import XCTest
@testable import VisNN
import VisTensor

/// LSTM (layer and Functional.lstm): PyTorch reference values, gradient checks through
/// time, layers and directions, shapes, parameters, dropout, errors.
final class LSTMTests: XCTestCase {
    func make(_ cs: RecurrentTest.Case) throws -> LSTM {
        try LSTM(inputSize: cs.input, hiddenSize: cs.hidden, numLayers: cs.layers, bias: cs.bias,
                 batchFirst: cs.batchFirst, bidirectional: cs.bidirectional)
    }

    /// Outputs, final states and every gradient against PyTorch (float64 on the same
    /// float32 values) for 1-2 layers, one or two directions, batch_first, no bias,
    /// initial states given or not, and an unbatched input: 1e-5 relative + 1e-5 absolute.
    func testMatchesPyTorch() throws {
        for cs in RecurrentTest.lstmCases {
            let m = try make(cs)
            try RecurrentTest.check(cs, module: m, lstm: true) { x, h0, c0 in
                let r = try m.forward(x, h0: h0, c0: c0)
                return (r.output, r.h, r.c)
            }
        }
    }

    /// Functional.lstm on the layer's flat weights is the layer.
    func testFunctionalMatchesLayer() throws {
        let cs = RecurrentTest.lstmCases[4]
        let m = try make(cs)
        try RecurrentTest.check(cs, module: m, lstm: true) { x, h0, c0 in
            let r = try Functional.lstm(x, h0: h0, c0: c0, weights: m.flatWeights, numLayers: 2,
                                        batchFirst: true, bidirectional: true)
            return (r.output, r.h, r.c)
        }
    }

    /// Finite differences for input, h0, c0 and every weight of one layer, through the
    /// output sequence and both final states.
    func testGradientsOneLayer() throws {
        let m = try LSTM(inputSize: 3, hiddenSize: 4)
        let x = NormTest.leaf([4, 2, 3], seed: 1, in: -1.5...1.5)
        let h0 = NormTest.leaf([1, 2, 4], seed: 2, in: -0.8...0.8), c0 = NormTest.leaf([1, 2, 4], seed: 3)
        NNGradCheck.assertGradients([x, h0, c0] + m.flatWeights) { t in
            let r = try m.forward(t[0], h0: t[1], c0: t[2])
            return try RecurrentTest.joined([r.output, r.h, r.c])
        }
    }

    /// Two bidirectional layers, batch_first, with and without initial states.
    func testGradientsTwoLayersBidirectional() throws {
        let m = try LSTM(inputSize: 3, hiddenSize: 2, numLayers: 2, batchFirst: true, bidirectional: true)
        let x = NormTest.leaf([2, 3, 3], seed: 4, in: -1.5...1.5)
        let h0 = NormTest.leaf([4, 2, 2], seed: 5, in: -0.8...0.8), c0 = NormTest.leaf([4, 2, 2], seed: 6)
        NNGradCheck.assertGradients([x, h0, c0] + m.flatWeights) { t in
            let r = try m.forward(t[0], h0: t[1], c0: t[2])
            return try RecurrentTest.joined([r.output, r.h, r.c])
        }
        // Zero initial states; only the output used (the final states get no gradient).
        NNGradCheck.assertGradients([x] + m.flatWeights) { t in try m(t[0]) }
    }

    /// Two time-major layers without bias; an unbatched input with 2-D states.
    func testGradientsNoBiasAndUnbatched() throws {
        let m = try LSTM(inputSize: 2, hiddenSize: 3, numLayers: 2, bias: false)
        let x = NormTest.leaf([3, 2, 2], seed: 7, in: -1.5...1.5)
        let c0 = NormTest.leaf([2, 2, 3], seed: 8)
        NNGradCheck.assertGradients([x, c0] + m.flatWeights) { t in
            let r = try m.forward(t[0], c0: t[1])
            return try RecurrentTest.joined([r.output, r.h, r.c])
        }
        let u = try LSTM(inputSize: 2, hiddenSize: 2, bidirectional: true)
        let xu = NormTest.leaf([3, 2], seed: 9, in: -1.5...1.5), hu = NormTest.leaf([2, 2], seed: 10)
        NNGradCheck.assertGradients([xu, hu] + u.flatWeights) { t in
            let r = try u.forward(t[0], h0: t[1])
            return try RecurrentTest.joined([r.output, r.h, r.c])
        }
    }

    /// Dropout between layers in training, with the mask fixed by reseeding: the
    /// backward pass applies the same mask.
    func testGradientsWithDropout() throws {
        let m = try LSTM(inputSize: 2, hiddenSize: 3, numLayers: 2, dropout: 0.4)
        let x = NormTest.leaf([3, 2, 2], seed: 11, in: -1.5...1.5)
        NNGradCheck.assertGradients([x] + m.flatWeights) { t in
            seed(99)
            return try m(t[0])
        }
    }

    func testShapes() throws {
        let m = try LSTM(inputSize: 6, hiddenSize: 4, numLayers: 3, batchFirst: true, bidirectional: true)
        let r = try m.forward(Tensor.randn([5, 7, 6]), h0: nil)
        XCTAssertEqual(r.output.shape, [5, 7, 8])
        XCTAssertTrue(r.output.isContiguous)
        XCTAssertEqual(r.h.shape, [6, 5, 4])
        XCTAssertEqual(r.c.shape, [6, 5, 4])
        // The final forward state is the last step's output; the reverse one the first's.
        let out = r.output.toFloatArray(), h = r.h.toFloatArray()
        for n in 0..<5 {
            for j in 0..<4 {
                XCTAssertEqual(out[(n * 7 + 6) * 8 + j], h[(4 * 5 + n) * 4 + j])
                XCTAssertEqual(out[(n * 7 + 0) * 8 + 4 + j], h[(5 * 5 + n) * 4 + j])
            }
        }
        let t = try LSTM(inputSize: 6, hiddenSize: 4)
        let rt = try t.forward(Tensor.randn([7, 5, 6]), h0: nil)
        XCTAssertEqual(rt.output.shape, [7, 5, 4])
        XCTAssertEqual(rt.h.shape, [1, 5, 4])
        let ru = try m.forward(Tensor.randn([7, 6]), h0: Tensor.randn([6, 4]))
        XCTAssertEqual(ru.output.shape, [7, 8])
        XCTAssertEqual(ru.h.shape, [6, 4])
        XCTAssertEqual(ru.c.shape, [6, 4])
        // A non-contiguous input gives what its contiguous copy gives.
        let base = try Tensor.randn([6, 5, 7])
        let a = try m.forward(base.permute([1, 2, 0])).output
        NormTest.assertClose(a, try m.forward(base.permute([1, 2, 0]).contiguous()).output, rtol: 0, atol: 0, "permuted input")
    }

    func testParametersNamesInitAndRepr() throws {
        let m = try LSTM(inputSize: 64, hiddenSize: 64, numLayers: 2, batchFirst: true, bidirectional: true)
        let names = m.stateDict().map(\.0)
        XCTAssertEqual(names.count, 16)
        XCTAssertEqual(Array(names.prefix(8)), ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                                                "weight_ih_l0_reverse", "weight_hh_l0_reverse",
                                                "bias_ih_l0_reverse", "bias_hh_l0_reverse"])
        XCTAssertEqual(names[8], "weight_ih_l1")
        let shapes = Dictionary(uniqueKeysWithValues: m.stateDict().map { ($0.0, $0.1.shape) })
        XCTAssertEqual(shapes["weight_ih_l0"], [256, 64])
        XCTAssertEqual(shapes["weight_ih_l1_reverse"], [256, 128])
        XCTAssertEqual(shapes["weight_hh_l1"], [256, 64])
        XCTAssertEqual(shapes["bias_hh_l1_reverse"], [256])
        for p in m.parameters() {
            XCTAssertTrue(p.requiresGrad)
            let v = p.toDoubleArray()
            XCTAssertLessThanOrEqual(v.map(Swift.abs).max() ?? 1, 0.125)
            // Uniform in ±1/8: mean 0, standard deviation 1/8/sqrt(3) = 0.072.
            let (mean, std) = NormTest.moments(p)
            XCTAssertEqual(mean, 0, accuracy: 0.02)
            XCTAssertEqual(std, 0.072, accuracy: 0.012)
        }
        XCTAssertEqual(m.tree, "LSTM(64, 64, num_layers=2, batch_first=true, bidirectional=true)")
        XCTAssertEqual(try LSTM(inputSize: 3, hiddenSize: 5).extraRepr, "3, 5")
        XCTAssertEqual(try LSTM(inputSize: 3, hiddenSize: 5, bias: false, dropout: 0.5).extraRepr, "3, 5, bias=false, dropout=0.5")
        XCTAssertEqual(try LSTM(inputSize: 3, hiddenSize: 5, bias: false).stateDict().map(\.0), ["weight_ih_l0", "weight_hh_l0"])
        let hyper = m.hyperParameters.map(\.0)
        XCTAssertEqual(hyper, ["input_size", "hidden_size", "num_layers", "bias", "batch_first", "dropout", "bidirectional"])
        // Seeded initialisation is reproducible.
        seed(3)
        let a = try LSTM(inputSize: 2, hiddenSize: 3).flatWeights.map { $0.toFloatArray() }
        seed(3)
        let b = try LSTM(inputSize: 2, hiddenSize: 3).flatWeights.map { $0.toFloatArray() }
        XCTAssertEqual(a, b)
    }

    func testErrors() throws {
        let m = try LSTM(inputSize: 64, hiddenSize: 64, numLayers: 2, batchFirst: true, bidirectional: true)
        NormTest.assertThrows("LSTM: expected input with 64 features (input_size), got shape [32, 64, 32]") {
            try m.forward(Tensor.zeros([32, 64, 32]))
        }
        NormTest.assertThrows("LSTM: expected a 3-D input [seq_len, batch, 64] ([batch, seq_len, 64] with batch_first) or a 2-D unbatched input [seq_len, 64], got shape [2, 3, 4, 64]") {
            try m.forward(Tensor.zeros([2, 3, 4, 64]))
        }
        NormTest.assertThrows("LSTM: expected h0 of shape [4, 2, 64] (num_layers * num_directions, batch, hidden_size), got [2, 2, 64]") {
            try m.forward(Tensor.zeros([2, 5, 64]), h0: Tensor.zeros([2, 2, 64]))
        }
        NormTest.assertThrows("LSTM: expected c0 of shape [4, 64] (num_layers * num_directions, hidden_size), got [4, 1, 64]") {
            try m.forward(Tensor.zeros([5, 64]), c0: Tensor.zeros([4, 1, 64]))
        }
        NormTest.assertThrows("LSTM: expected a sequence of at least one step, got input of shape [3, 0, 64]") {
            try m.forward(Tensor.zeros([3, 0, 64]))
        }
        NormTest.assertThrows("LSTM: expected a float32 or float64 input, got int64 (convert with .float())") {
            try m.forward(Tensor.zeros([2, 5, 64], dtype: .int64))
        }
        NormTest.assertThrows("LSTM: dropout should be a number in range [0, 1] representing the probability of an element being zeroed, got 1.5") {
            try LSTM(inputSize: 2, hiddenSize: 2, dropout: 1.5)
        }
        NormTest.assertThrows("LSTM: hidden_size must be greater than zero, got 0") { try LSTM(inputSize: 2, hiddenSize: 0) }
        NormTest.assertThrows("LSTM: num_layers must be greater than zero, got 0") { try LSTM(inputSize: 2, hiddenSize: 2, numLayers: 0) }
        // Called like a function: a LayerError naming the layer once; as a single-input module too.
        XCTAssertThrowsError(try m(Tensor.zeros([32, 64, 32]), h0: nil, c0: nil)) {
            XCTAssertEqual("\($0)", "LSTM: expected input with 64 features (input_size), got shape [32, 64, 32]")
        }
        XCTAssertThrowsError(try m(Tensor.zeros([32, 64, 32]))) { XCTAssertTrue($0 is LayerError) }
        // The functional form checks the weights.
        NormTest.assertThrows("lstm: weight_ih_l0 must be a float32 or float64 tensor of shape [12, 3], got [8, 3]") {
            try Functional.lstm(Tensor.zeros([2, 1, 3]), weights: [Tensor.zeros([8, 3]), Tensor.zeros([8, 3])], bias: false)
        }
        NormTest.assertThrows("lstm: expected 2 weight tensors (weight_ih_l0, weight_hh_l0), got 1") {
            try Functional.lstm(Tensor.zeros([2, 1, 3]), weights: [Tensor.zeros([8, 3])], bias: false)
        }
    }

    /// Dropout acts between layers in training only; dropout 1 cuts the first layer
    /// off (the input then has no influence and gets no gradient).
    func testDropoutOnlyInTraining() throws {
        let x = try Tensor.randn([4, 3, 2])
        let m = try LSTM(inputSize: 2, hiddenSize: 3, numLayers: 2, dropout: 0.5)
        let plain = try LSTM(inputSize: 2, hiddenSize: 3, numLayers: 2)
        for (a, b) in zip(m.flatWeights, plain.flatWeights) { try withNoGrad { try b.assign(a) } }
        m.eval()
        NormTest.assertClose(try m(x), try plain(x), rtol: 0, atol: 0, "eval")
        m.train()
        XCTAssertNotEqual(try m(x).toFloatArray(), try plain(x).toFloatArray())
        let cut = try LSTM(inputSize: 2, hiddenSize: 3, numLayers: 2, dropout: 1)
        let xl = NormTest.leaf([4, 3, 2], seed: 12)
        let y = try cut(xl)
        NormTest.assertClose(y, try cut(Tensor.randn([4, 3, 2])), rtol: 0, atol: 0, "dropout 1")
        try y.sum().backward()
        XCTAssertEqual(xl.grad?.toFloatArray().allSatisfy { $0 == 0 }, true)
    }

    /// The single-input entry point gives the output; no graph under no_grad; a retained
    /// graph runs twice and gradients accumulate.
    func testEntryPointsNoGradAndRetainGraph() throws {
        let m = try LSTM(inputSize: 3, hiddenSize: 4, bidirectional: true)
        let x = NormTest.leaf([5, 2, 3], seed: 13)
        let full = try m.forward(x, h0: nil)
        NormTest.assertClose(try m(x), full.output, rtol: 0, atol: 0, "callAsFunction")
        NormTest.assertClose(try m(x, h0: nil, c0: nil).output, full.output, rtol: 0, atol: 0, "call with states")
        let quiet = try withNoGrad { try m.forward(x, h0: nil) }
        XCTAssertFalse(quiet.output.requiresGrad)
        NormTest.assertClose(quiet.output, full.output, rtol: 0, atol: 0, "no_grad")
        let loss = try full.output.sum().add(full.c.sum())
        try loss.backward(retainGraph: true)
        let once = try XCTUnwrap(x.grad).toDoubleArray(), w = try XCTUnwrap(m.flatWeights[1].grad).toDoubleArray()
        try loss.backward()
        NormTest.assertClose(x.grad, try Tensor(once.map { Float(2 * $0) }, shape: x.shape), "twice: input")
        NormTest.assertClose(m.flatWeights[1].grad, try Tensor(w.map { Float(2 * $0) }, shape: [16, 4]), "twice: weight")
    }

    /// An empty batch runs (as in PyTorch) and gives empty results; transposed states
    /// read like their contiguous copies.
    func testEmptyBatchAndStridedStates() throws {
        let m = try LSTM(inputSize: 2, hiddenSize: 3, numLayers: 2, bidirectional: true)
        let x = NormTest.leaf([4, 0, 2], seed: 14)
        let r = try m.forward(x, h0: nil)
        XCTAssertEqual(r.output.shape, [4, 0, 6])
        XCTAssertEqual(r.h.shape, [4, 0, 3])
        try r.output.sum().backward()
        XCTAssertEqual(x.grad?.shape, [4, 0, 2])
        let h = try Tensor.randn([4, 3, 2]), c = try Tensor.randn([3, 2, 4])
        let xs = try Tensor.randn([5, 2, 2])
        let a = try m.forward(xs, h0: h.transpose(1, 2), c0: c.permute([2, 1, 0]))
        let b = try m.forward(xs, h0: h.transpose(1, 2).contiguous(), c0: c.permute([2, 1, 0]).contiguous())
        NormTest.assertClose(a.output, b.output, rtol: 0, atol: 0, "strided states")
    }

    /// Saturated gates (huge inputs) keep every value finite and h inside [-1, 1]; NaN
    /// in the input comes out as NaN.
    func testSaturationAndNaN() throws {
        let m = try LSTM(inputSize: 2, hiddenSize: 8)
        let x = try Tensor.randn([6, 3, 2]).mul(1000)
        let r = try m.forward(x, h0: nil)
        XCTAssertTrue(r.output.toFloatArray().allSatisfy { $0.isFinite && Swift.abs($0) <= 1 })
        XCTAssertTrue(r.c.toFloatArray().allSatisfy { $0.isFinite })
        let bad = try Tensor([Float.nan, 0], shape: [1, 1, 2])
        XCTAssertTrue(try m.forward(bad, h0: nil).output.toFloatArray().allSatisfy { $0.isNaN })
    }
}
