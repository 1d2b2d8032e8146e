import VisTensor

/// A multi-layer Elman RNN (PyTorch's nn.RNN): per layer, direction and step
/// `h' = act(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)` with act tanh (default) or relu.
///
/// Parameters carry PyTorch's names and order (`weight_ih_l0` [H, I], `weight_hh_l0`
/// [H, H], `bias_ih_l0` [H], `bias_hh_l0` [H], then `..._reverse`, then layer 1 with
/// input size D * H), initialised uniform in ±1/sqrt(hidden_size). Shapes as GRU's.
public final class RNN: RecurrentModule {
    /// "tanh" or "relu".
    public let nonlinearity: String

    /// An RNN with PyTorch's arguments and defaults. Throws for a nonlinearity other
    /// than "tanh" / "relu" and for the arguments GRU refuses.
    public init(inputSize: Int, hiddenSize: Int, numLayers: Int = 1, nonlinearity: String = "tanh", bias: Bool = true,
                batchFirst: Bool = false, dropout: Double = 0, bidirectional: Bool = false) throws {
        guard nonlinearity == "tanh" || nonlinearity == "relu" else {
            throw TensorError("RNN", "unknown nonlinearity \"\(nonlinearity)\"; select from \"tanh\" or \"relu\"")
        }
        self.nonlinearity = nonlinearity
        try super.init(RecurrentLayerCore(layer: "RNN", gateCount: 1, inputSize: inputSize, hiddenSize: hiddenSize,
                                          numLayers: numLayers, bias: bias, batchFirst: batchFirst, dropout: dropout,
                                          bidirectional: bidirectional))
    }

    /// The constructor arguments, nonlinearity included.
    public override var hyperParameters: [(String, HyperValue)] {
        core.hyperParameters + [("nonlinearity", .string(nonlinearity))]
    }

    /// Runs the RNN from h0 (zeros when nil): `(output, h_n)` as PyTorch's forward.
    public func forward(_ x: Tensor, h0: Tensor?) throws -> (output: Tensor, h: Tensor) {
        try Functional.rnn(x, h0: h0, weights: core.weights, numLayers: numLayers, relu: nonlinearity == "relu",
                           bias: bias, batchFirst: batchFirst, dropout: dropout, training: training,
                           bidirectional: bidirectional, op: "RNN")
    }

    /// The output sequence alone (zero initial state), so an RNN can sit in a Sequential.
    public override func forward(_ x: Tensor) throws -> Tensor {
        try forward(x, h0: nil).output
    }
}
