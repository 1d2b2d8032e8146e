import XCTest
@testable import VisNN
import VisTensor

/// The layers of issue 17 (RNN and the cells, Embedding, Bilinear, padding, the
/// shuffles): gradient checks of every differentiable input against finite differences
/// (NNGradCheck), and exact values where the op is a rearrangement.
final class NewLayerTests: XCTestCase {
    typealias G = NNGradCheck

    private func leaf(_ shape: [Int], _ seed: UInt64, _ range: ClosedRange<Float> = -1...1) -> Tensor {
        NormTest.leaf(shape, seed: seed, in: range)
    }

    func testPadValuesEveryMode() throws {
        let x = try Tensor([1, 2, 3], shape: [1, 1, 3])
        XCTAssertEqual(try Functional.pad(x, [2, 1], mode: .reflect).toFloatArray(), [3, 2, 1, 2, 3, 2])
        XCTAssertEqual(try Functional.pad(x, [2, 1], mode: .replicate).toFloatArray(), [1, 1, 1, 2, 3, 3])
        XCTAssertEqual(try Functional.pad(x, [2, 1], mode: .circular).toFloatArray(), [2, 3, 1, 2, 3, 1])
        XCTAssertEqual(try Functional.pad(x, [1, -1], value: 7).toFloatArray(), [7, 1, 2])
        XCTAssertThrowsError(try Functional.pad(x, [3, 0], mode: .reflect))
        XCTAssertThrowsError(try Functional.pad(x, [1, 1, 1], mode: .constant))
    }

    func testPadGradientsEveryMode() throws {
        for mode in PadMode.allCases {
            let x = leaf([2, 2, 3, 4], 1)
            G.assertGradients([x]) { try Functional.pad($0[0], [1, 2, 2, 1], mode: mode, value: 0.5) }
            let y = leaf([1, 2, 3, 3, 2], 2)
            G.assertGradients([y]) { try Functional.pad($0[0], [1, 1, 0, 2, 1, 0], mode: mode) }
        }
    }

    func testEmbeddingGradientAccumulatesAndSkipsPadding() throws {
        let w = leaf([5, 3], 3)
        let idx = try Tensor(int64: [1, 4, 1, 2, 4, 1], shape: [2, 3])
        G.assertGradients([w]) { try Functional.embedding(idx, weight: $0[0]) }
        let out = try Functional.embedding(idx, weight: w, paddingIdx: -1)
        try out.sum().backward()
        let g = try XCTUnwrap(w.grad).toFloatArray()
        XCTAssertEqual(Array(g[3..<6]), [3, 3, 3])   // index 1 read three times
        XCTAssertEqual(Array(g[12..<15]), [0, 0, 0]) // padding_idx -1 = 4
        XCTAssertThrowsError(try Functional.embedding(try Tensor(int64: [5], shape: [1]), weight: w))
    }

    func testEmbeddingScaleGradByFreqAndMaxNorm() throws {
        let w = try Tensor([3, 4, 0.3, 0.4, 1, 0], shape: [3, 2]).setRequiresGrad()
        let idx = try Tensor(int64: [0, 0, 1], shape: [3])
        let out = try Functional.embedding(idx, weight: w, maxNorm: 1, scaleGradByFreq: true)
        // Row 0 (norm 5) is renormalised to norm 1 in place; row 1 (norm 0.5) is left.
        XCTAssertEqual(out.toFloatArray()[0], 0.6, accuracy: 1e-6)
        XCTAssertEqual(w.toFloatArray()[2], 0.3, accuracy: 1e-7)
        try out.sum().backward()
        XCTAssertEqual(try XCTUnwrap(w.grad).toFloatArray(), [1, 1, 1, 1, 0, 0])
    }

    func testBilinearGradients() throws {
        let x1 = leaf([3, 2], 4), x2 = leaf([3, 4], 5), w = leaf([5, 2, 4], 6), b = leaf([5], 7)
        G.assertGradients([x1, x2, w, b]) { try Functional.bilinear($0[0], $0[1], weight: $0[2], bias: $0[3]) }
        XCTAssertThrowsError(try Functional.bilinear(x2, x1, weight: w, bias: b))
    }

    func testShufflesAreInversesAndDifferentiable() throws {
        let x = leaf([2, 8, 3, 2], 8)
        let up = try Functional.pixelShuffle(x, upscaleFactor: 2)
        XCTAssertEqual(up.shape, [2, 2, 6, 4])
        XCTAssertEqual(try Functional.pixelUnshuffle(up, downscaleFactor: 2).toFloatArray(), x.toFloatArray())
        G.assertGradients([x]) { try Functional.pixelShuffle($0[0], upscaleFactor: 2) }
        G.assertGradients([x]) { try Functional.channelShuffle($0[0], groups: 4) }
        let c = try Tensor((0..<6).map(Float.init), shape: [1, 6, 1])
        XCTAssertEqual(try Functional.channelShuffle(c, groups: 2).toFloatArray(), [0, 3, 1, 4, 2, 5])
    }

    func testRNNGradients() throws {
        let rnn = try RNN(inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true)
        let x = leaf([4, 2, 3], 9), h0 = leaf([4, 2, 4], 10)
        let ws = rnn.flatWeights.map { $0.detach().contiguous() }
        G.assertGradients([x, h0] + ws) { t in
            let r = try Functional.rnn(t[0], h0: t[1], weights: Array(t[2...]), numLayers: 2, bidirectional: true)
            return try Tensor.cat([r.output.flatten(), r.h.flatten()])
        }
        // relu, batch_first, no h0: the inputs keep pre-activations away from the kink at
        // 0 by more than the finite-difference step (a value test, as in the fixtures, covers the rest).
        let xr = leaf([2, 3, 3], 14, 0.5...1), wr = [leaf([5, 3], 15, 0.2...0.6), leaf([5, 5], 16, 0.1...0.3)]
        G.assertGradients([xr] + wr) { t in
            try Functional.rnn(t[0], weights: [t[1], t[2]], relu: true, bias: false, batchFirst: true).output
        }
    }

    /// The fused RNN kernel against the per-step formula written with tensor ops.
    func testRNNMatchesTheFormula() throws {
        for relu in [false, true] {
            let x = leaf([5, 2, 3], 17), h0 = leaf([1, 2, 4], 18)
            let w = [leaf([4, 3], 19), leaf([4, 4], 20), leaf([4], 21), leaf([4], 22)]
            let r = try Functional.rnn(x, h0: h0, weights: w, relu: relu)
            var h = try h0.select(0, 0)
            for t in 0..<5 {
                let pre = try x.select(0, t).matmul(w[0].t()).add(w[2]).add(h.matmul(w[1].t())).add(w[3])
                h = relu ? try pre.relu() : try pre.tanh()
                let got = try r.output.select(0, t).toFloatArray(), want = h.toFloatArray()
                for (a, b) in zip(got, want) { XCTAssertEqual(a, b, accuracy: 1e-5) }
            }
            for (a, b) in zip(try r.h.select(0, 0).toFloatArray(), h.toFloatArray()) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        }
    }

    func testCellGradients() throws {
        let x = leaf([2, 3], 11), h = leaf([2, 4], 12), c = leaf([2, 4], 13)
        let rnnCell = try RNNCell(inputSize: 3, hiddenSize: 4)
        G.assertGradients([x, h]) { t in try rnnCell.forward(t[0], hx: t[1]) }
        let lstm = try LSTMCell(inputSize: 3, hiddenSize: 4)
        G.assertGradients([x, h, c]) { t in
            let r = try lstm.forward(t[0], hx: t[1], cx: t[2])
            return try Tensor.cat([r.h.flatten(), r.c.flatten()])
        }
        let gru = try GRUCell(inputSize: 3, hiddenSize: 4)
        G.assertGradients([x, h]) { t in try gru.forward(t[0], hx: t[1]) }
        // A cell step equals one step of the sequence layer with the same weights.
        let seq = try GRU(inputSize: 3, hiddenSize: 4)
        withNoGrad { for (a, b) in zip(seq.flatWeights, gru.weights) { try? a.assign(b) } }
        let one = try seq.forward(x.unsqueeze(0), h0: h.unsqueeze(0)).h
        XCTAssertEqual(one.toFloatArray(), try gru.forward(x, hx: h).toFloatArray())
    }

    func testReprsAndParameterNames() throws {
        XCTAssertEqual(try RNN(inputSize: 3, hiddenSize: 4, nonlinearity: "relu").extraRepr, "3, 4")
        XCTAssertEqual(try RNNCell(inputSize: 3, hiddenSize: 4, bias: false, nonlinearity: "relu").extraRepr, "3, 4, bias=false, nonlinearity=relu")
        XCTAssertEqual(try LSTMCell(inputSize: 3, hiddenSize: 4).ownParameters.map(\.0), ["weight_ih", "weight_hh", "bias_ih", "bias_hh"])
        XCTAssertEqual(try Embedding(10, 3, paddingIdx: -2).extraRepr, "10, 3, padding_idx=8")
        XCTAssertEqual(try Pad("ConstantPad1d", dims: 1, padding: [2], mode: .constant, value: 3.5, showsValue: true).extraRepr,
                       "padding=(2, 2), value=3.5")
        XCTAssertThrowsError(try RNN(inputSize: 3, hiddenSize: 4, nonlinearity: "sigmoid"))
    }
}
