import Foundation
import XCTest
@testable import VisNN
import VisTensor

/// Helpers shared by LSTMTests and GRUTests: the PyTorch reference cases of
/// Fixtures/make_recurrent_reference.py and the check that runs one of them.
enum RecurrentTest {
    /// One reference case (mirrors CASES in make_recurrent_reference.py).
    struct Case {
        let name: String
        let input: Int, hidden: Int, layers: Int
        let bidirectional: Bool, batchFirst: Bool, bias: Bool
        /// Whether h0 (and c0) are passed.
        let states: Bool
    }

    static let lstmCases: [Case] = [
        Case(name: "lstm_l1", input: 4, hidden: 5, layers: 1, bidirectional: false, batchFirst: false, bias: true, states: false),
        Case(name: "lstm_l1_h0", input: 4, hidden: 9, layers: 1, bidirectional: false, batchFirst: false, bias: true, states: true),
        Case(name: "lstm_bi_h0", input: 3, hidden: 5, layers: 1, bidirectional: true, batchFirst: false, bias: true, states: true),
        Case(name: "lstm_l2_bf", input: 4, hidden: 5, layers: 2, bidirectional: false, batchFirst: true, bias: true, states: false),
        Case(name: "lstm_l2_bi_bf_h0", input: 6, hidden: 9, layers: 2, bidirectional: true, batchFirst: true, bias: true, states: true),
        Case(name: "lstm_l2_bi_nobias", input: 4, hidden: 3, layers: 2, bidirectional: true, batchFirst: false, bias: false, states: true),
        Case(name: "lstm_unbatched", input: 4, hidden: 5, layers: 1, bidirectional: true, batchFirst: false, bias: true, states: true),
        Case(name: "lstm_wide", input: 8, hidden: 64, layers: 1, bidirectional: false, batchFirst: false, bias: true, states: true),
    ]

    /// The GRU cases: the LSTM ones with the other cell.
    static let gruCases: [Case] = lstmCases.map {
        Case(name: "gru" + $0.name.dropFirst(4), input: $0.input, hidden: $0.hidden, layers: $0.layers,
             bidirectional: $0.bidirectional, batchFirst: $0.batchFirst, bias: $0.bias, states: $0.states)
    }

    /// The fixture `recurrent/NAME_KEY.npy`.
    static func fixture(_ name: String, _ key: String, file: StaticString = #filePath, line: UInt = #line) throws -> Tensor {
        guard let url = Bundle.module.url(forResource: "\(name)_\(key)", withExtension: "npy", subdirectory: "Fixtures/recurrent") else {
            XCTFail("missing fixture recurrent/\(name)_\(key).npy", file: file, line: line)
            throw TensorError("fixture", "missing recurrent/\(name)_\(key).npy")
        }
        return try Tensor.loadNPY(path: url.path)
    }

    /// A fixture as a leaf that requires grad.
    static func fixtureLeaf(_ name: String, _ key: String, file: StaticString = #filePath, line: UInt = #line) throws -> Tensor {
        let t = try fixture(name, key, file: file, line: line).clone()
        try t.setRequiresGrad()
        return t
    }

    /// Copies the case's parameters into the module by their PyTorch names (through
    /// the state dict, as a checkpoint load would).
    static func loadParameters(_ module: Module, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        for (key, p) in module.stateDict() {
            let value = try fixture(name, key, file: file, line: line)
            XCTAssertEqual(p.shape, value.shape, "\(name) \(key)", file: file, line: line)
            try withNoGrad { try p.assign(value) }
        }
    }

    /// Runs one reference case through `forward` (x, h0, c0 -> out, h, c) and compares
    /// the outputs and the gradients of sum(out * r) + sum(h * rh) [+ sum(c * rc)] with
    /// PyTorch's (float64 on the same float32 values), 1e-5 relative + 1e-5 absolute.
    static func check(_ cs: Case, module: Module, lstm: Bool, file: StaticString = #filePath, line: UInt = #line,
                      _ forward: (Tensor, Tensor?, Tensor?) throws -> (Tensor, Tensor, Tensor?)) throws {
        let n = cs.name
        try loadParameters(module, n, file: file, line: line)
        let x = try fixtureLeaf(n, "x", file: file, line: line)
        let h0 = cs.states ? try fixtureLeaf(n, "h0", file: file, line: line) : nil
        let c0 = cs.states && lstm ? try fixtureLeaf(n, "c0", file: file, line: line) : nil
        let (out, h, c) = try forward(x, h0, c0)
        var loss = try out.mul(fixture(n, "r")).sum().add(h.mul(fixture(n, "rh")).sum())
        if let c { loss = try loss.add(c.mul(fixture(n, "rc")).sum()) }
        try loss.backward()
        NormTest.assertClose(out, try fixture(n, "out"), "\(n) output", file: file, line: line)
        NormTest.assertClose(h, try fixture(n, "h"), "\(n) h_n", file: file, line: line)
        if let c { NormTest.assertClose(c, try fixture(n, "c"), "\(n) c_n", file: file, line: line) }
        NormTest.assertClose(x.grad, try fixture(n, "dx"), "\(n) d input", file: file, line: line)
        if let h0 { NormTest.assertClose(h0.grad, try fixture(n, "dh0"), "\(n) d h0", file: file, line: line) }
        if let c0 { NormTest.assertClose(c0.grad, try fixture(n, "dc0"), "\(n) d c0", file: file, line: line) }
        for (key, p) in module.namedParameters() {
            NormTest.assertClose(p.grad, try fixture(n, "d_" + key), "\(n) d \(key)", file: file, line: line)
        }
    }

    /// Every output of a recurrent call flattened into one tensor, so that a gradient
    /// check covers the output sequence and the final states together.
    static func joined(_ parts: [Tensor?]) throws -> Tensor {
        try Tensor.cat(parts.compactMap { $0 }.map { try $0.flatten() })
    }
}
