import VisTensor

/// What RNNCell, LSTMCell and GRUCell share (PyTorch's RNNCellBase): `weight_ih`
/// [G * H, I], `weight_hh` [G * H, H], `bias_ih` and `bias_hh` [G * H] (G gates), all
/// uniform in ±1/sqrt(hidden_size) drawn in that order, and the input checks.
public class RecurrentCellModule: Module {
    /// Features of the input.
    public let inputSize: Int
    /// H: features of the hidden state.
    public let hiddenSize: Int
    /// Whether the cell has bias_ih and bias_hh.
    public let bias: Bool
    /// W_ih, W_hh, then b_ih, b_hh when `bias`.
    public let weights: [Tensor]
    let layer: String

    init(layer: String, gates: Int, inputSize: Int, hiddenSize: Int, bias: Bool) throws {
        guard inputSize >= 0 else { throw TensorError(layer, "input_size must be non-negative, got \(inputSize)") }
        guard hiddenSize > 0 else { throw TensorError(layer, "hidden_size must be greater than zero, got \(hiddenSize)") }
        try LayerSizeCheck.sizes(layer, [("input_size", inputSize), ("hidden_size", hiddenSize)])
        let (g, o1) = gates.multipliedReportingOverflow(by: hiddenSize)
        guard !o1 else { throw TensorError(layer, "hidden_size \(hiddenSize) is too large") }
        try LayerSizeCheck.parameter(layer, "weight_ih", [g, inputSize], from: "input_size=\(inputSize), hidden_size=\(hiddenSize)")
        try LayerSizeCheck.parameter(layer, "weight_hh", [g, hiddenSize], from: "hidden_size=\(hiddenSize)")
        self.layer = layer
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.bias = bias
        let shapes = [[g, inputSize], [g, hiddenSize]] + (bias ? [[g], [g]] : [])
        weights = try shapes.map { try Tensor.zeros($0).setRequiresGrad() }
        super.init()
        let bound = 1 / Double(hiddenSize).squareRoot()
        for w in weights { try Init.uniform(w, a: -bound, b: bound) }
    }

    /// `weight_ih, weight_hh, bias_ih, bias_hh`: PyTorch's names and order.
    public override var ownParameters: [(String, Tensor)] {
        Array(zip(["weight_ih", "weight_hh", "bias_ih", "bias_hh"], weights))
    }

    /// `3, 4` plus `bias=false` when there is no bias (PyTorch's extra_repr).
    public override var extraRepr: String {
        "\(inputSize), \(hiddenSize)" + (bias ? "" : ", bias=\(ReprFormat.bool(bias))")
    }

    /// input_size, hidden_size, bias.
    public override var hyperParameters: [(String, HyperValue)] {
        [("input_size", .int(inputSize)), ("hidden_size", .int(hiddenSize)), ("bias", .bool(bias))]
    }

    /// Checks input ([N, I] or [I]) and a state ([N, H] or [H], matching the input's
    /// batching) and returns whether the input is batched.
    func checkShapes(_ x: Tensor, states: [(String, Tensor?)]) throws -> Bool {
        guard x.ndim == 1 || x.ndim == 2 else {
            throw TensorError(layer, "expected input to be 1-D [\(inputSize)] or 2-D [batch, \(inputSize)], got shape \(shapeString(x.shape))")
        }
        guard x.shape[x.ndim - 1] == inputSize else {
            throw TensorError(layer, "input has inconsistent input_size: expected \(inputSize), got shape \(shapeString(x.shape))")
        }
        let expected = x.ndim == 2 ? [x.shape[0], hiddenSize] : [hiddenSize]
        for (name, s) in states {
            guard let s else { continue }
            guard s.shape == expected else {
                throw TensorError(layer, "expected \(name) of shape \(shapeString(expected)) for input of shape \(shapeString(x.shape)), got \(shapeString(s.shape))")
            }
        }
        return x.ndim == 2
    }

    /// Runs the fused recurrent sequence op on a one-step sequence: the cells share
    /// the kernels (and numerics) of nn.RNN, nn.LSTM and nn.GRU.
    func oneStep(_ cell: RecurrentCell, _ x: Tensor, h: Tensor?, c: Tensor?) throws -> (h: Tensor, c: Tensor?) {
        let batched = try checkShapes(x, states: [("hx", h), ("cx", c)])
        let x2 = batched ? x : try x.unsqueeze(0)
        let h0 = try h.map { try (batched ? $0 : $0.unsqueeze(0)).unsqueeze(0) }
        var c0 = try c.map { try (batched ? $0 : $0.unsqueeze(0)).unsqueeze(0) }
        // The sequence op takes h0 and c0 together or neither; a missing one is zeros.
        var h0s = h0
        if cell == .lstm && (h0 != nil) != (c0 != nil) {
            let zeros = try Tensor.zeros([1, x2.shape[0], hiddenSize])
            if h0s == nil { h0s = zeros } else { c0 = zeros }
        }
        let r = try Functional.recurrent(cell, op: layer, try x2.unsqueeze(0), h0: h0s, c0: c0, weights: weights,
                                         numLayers: 1, bias: bias, batchFirst: false, dropout: 0, training: false,
                                         bidirectional: false, generator: .global)
        var hOut = try r.h.select(0, 0), cOut = try r.c?.select(0, 0)
        if !batched {
            hOut = try hOut.squeeze(0)
            cOut = try cOut?.squeeze(0)
        }
        return (hOut, cOut)
    }
}

/// One step of an Elman RNN (PyTorch's nn.RNNCell): h' = act(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh),
/// run by the fused kernel of nn.RNN on a one-step sequence.
public final class RNNCell: RecurrentCellModule {
    /// "tanh" or "relu".
    public let nonlinearity: String

    /// PyTorch's arguments and defaults; throws for another nonlinearity.
    public init(inputSize: Int, hiddenSize: Int, bias: Bool = true, nonlinearity: String = "tanh") throws {
        guard nonlinearity == "tanh" || nonlinearity == "relu" else {
            throw TensorError("RNNCell", "unknown nonlinearity \"\(nonlinearity)\"; select from \"tanh\" or \"relu\"")
        }
        self.nonlinearity = nonlinearity
        try super.init(layer: "RNNCell", gates: 1, inputSize: inputSize, hiddenSize: hiddenSize, bias: bias)
    }

    /// PyTorch's form: `3, 4, bias=false, nonlinearity=relu` (the last only for relu).
    public override var extraRepr: String {
        super.extraRepr + (nonlinearity == "tanh" ? "" : ", nonlinearity=\(nonlinearity)")
    }

    /// The constructor arguments, nonlinearity included.
    public override var hyperParameters: [(String, HyperValue)] {
        super.hyperParameters + [("nonlinearity", .string(nonlinearity))]
    }

    /// h' from input [N, I] (or [I]) and hx [N, H] (or [H]; zeros when nil).
    public func forward(_ x: Tensor, hx: Tensor?) throws -> Tensor {
        try oneStep(nonlinearity == "relu" ? .rnnRelu : .rnnTanh, x, h: hx, c: nil).h
    }

    /// h' from a zero state.
    public override func forward(_ x: Tensor) throws -> Tensor { try forward(x, hx: nil) }
}

/// One LSTM step (PyTorch's nn.LSTMCell), gates (i, f, g, o) as nn.LSTM: returns
/// (h', c'). Runs the fused kernel of nn.LSTM on a one-step sequence.
public final class LSTMCell: RecurrentCellModule {
    /// PyTorch's arguments and defaults.
    public init(inputSize: Int, hiddenSize: Int, bias: Bool = true) throws {
        try super.init(layer: "LSTMCell", gates: 4, inputSize: inputSize, hiddenSize: hiddenSize, bias: bias)
    }

    /// (h', c') from input [N, I] (or [I]) and the state (h, c) (each [N, H] or [H];
    /// zeros when nil).
    public func forward(_ x: Tensor, hx: Tensor?, cx: Tensor?) throws -> (h: Tensor, c: Tensor) {
        let r = try oneStep(.lstm, x, h: hx, c: cx)
        return (r.h, r.c ?? r.h)
    }

    /// An LSTMCell gives two tensors, so it cannot stand where one is expected.
    public override func forward(_ x: Tensor) throws -> Tensor {
        throw TensorError("LSTMCell", "returns a pair (h, c): call it directly (h, c = cell(x, (h, c))), not inside a Sequential")
    }
}

/// One GRU step (PyTorch's nn.GRUCell), gates (r, z, n) as nn.GRU: returns h'. Runs
/// the fused kernel of nn.GRU on a one-step sequence.
public final class GRUCell: RecurrentCellModule {
    /// PyTorch's arguments and defaults.
    public init(inputSize: Int, hiddenSize: Int, bias: Bool = true) throws {
        try super.init(layer: "GRUCell", gates: 3, inputSize: inputSize, hiddenSize: hiddenSize, bias: bias)
    }

    /// h' from input [N, I] (or [I]) and hx [N, H] (or [H]; zeros when nil).
    public func forward(_ x: Tensor, hx: Tensor?) throws -> Tensor {
        try oneStep(.gru, x, h: hx, c: nil).h
    }

    /// h' from a zero state.
    public override func forward(_ x: Tensor) throws -> Tensor { try forward(x, hx: nil) }
}
