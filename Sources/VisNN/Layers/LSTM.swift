import VisTensor

/// A multi-layer long short-term memory network (PyTorch's nn.LSTM). Per layer,
/// direction and step, with PyTorch's gate order (i, f, g, o):
///
///     i = sigmoid(W_ii x + b_ii + W_hi h + b_hi)    f = sigmoid(W_if x + b_if + W_hf h + b_hf)
///     g = tanh(W_ig x + b_ig + W_hg h + b_hg)       o = sigmoid(W_io x + b_io + W_ho h + b_ho)
///     c' = f c + i g                                h' = o tanh(c')
///
/// Parameters carry PyTorch's names and order (`weight_ih_l0` [4H, I], `weight_hh_l0`
/// [4H, H], `bias_ih_l0` [4H], `bias_hh_l0` [4H], then `..._reverse` for the second
/// direction, then layer 1 with input size D * H), so state dicts move both ways; all
/// are initialised uniform in ±1/sqrt(hidden_size) like PyTorch's.
///
/// Input [T, N, input_size] ([N, T, input_size] with batch_first), or [T, input_size]
/// unbatched (PyTorch's unbatched form: a batch of one, with h0 / c0 and the final
/// states 2-D, [L * D, H]). Dropout, when non-zero, applies to the outputs of every layer
/// but the last, in training mode only.
public final class LSTM: RecurrentModule {
    /// An LSTM with PyTorch's arguments and defaults. Throws for a dropout outside
    /// [0, 1], a hidden_size or num_layers below 1, or a negative input_size.
    public init(inputSize: Int, hiddenSize: Int, numLayers: Int = 1, bias: Bool = true, batchFirst: Bool = false,
                dropout: Double = 0, bidirectional: Bool = false) throws {
        try super.init(RecurrentLayerCore(layer: "LSTM", gateCount: 4, inputSize: inputSize, hiddenSize: hiddenSize,
                                          numLayers: numLayers, bias: bias, batchFirst: batchFirst, dropout: dropout,
                                          bidirectional: bidirectional))
    }

    /// Runs the LSTM over a sequence from the initial states h0 and c0 (zeros when nil).
    ///
    /// - x: [T, N, input_size] ([N, T, input_size] with batch_first), or [T, input_size].
    /// - h0, c0: [num_layers * D, N, H] ([num_layers * D, H] unbatched).
    /// - Returns: output [T, N, D * H] ([N, T, D * H] with batch_first, [T, D * H]
    ///   unbatched): the last layer's h at every step, forward direction then reverse in
    ///   each row; h and c: the final states, shaped like h0, layer by layer with the
    ///   forward direction first.
    ///
    /// `forward(x)` with no state argument is Module's single-tensor entry point and
    /// returns the output alone; name a state (`forward(x, h0: nil)`) to get the tuple.
    /// - Throws: `TensorError` naming LSTM and the shapes, for an input of the wrong
    ///   rank or feature size, or h0 / c0 of the wrong shape.
    public func forward(_ x: Tensor, h0: Tensor? = nil, c0: Tensor? = nil) throws -> (output: Tensor, h: Tensor, c: Tensor) {
        let r = try Functional.recurrent(.lstm, op: "LSTM", x, h0: h0, c0: c0, weights: core.weights,
                                         numLayers: numLayers, bias: bias, batchFirst: batchFirst, dropout: dropout,
                                         training: training, bidirectional: bidirectional, generator: .global)
        return (r.output, r.h, r.c ?? r.h)
    }

    /// The output sequence alone (zero initial states), so an LSTM can sit in a
    /// Sequential: [T, N, input_size] -> [T, N, D * H] (batch_first: [N, T, ...]).
    public override func forward(_ x: Tensor) throws -> Tensor {
        try forward(x, h0: nil, c0: nil).output
    }

    /// `forward(x, h0:, c0:)` called like a function, with errors as `LayerError`s
    /// naming this layer (as `Module`'s single-input call does).
    public func callAsFunction(_ x: Tensor, h0: Tensor?, c0: Tensor?) throws -> (output: Tensor, h: Tensor, c: Tensor) {
        do {
            let r = try forward(x, h0: h0, c0: c0)
            if let tracer = Module.tracer { tracer(self, r.output) }
            return r
        } catch let e as TensorError {
            // The message already names the layer ("LSTM: ..."); keep it once.
            throw LayerError(layerType: typeName, message: e.op == typeName ? e.reason : e.message)
        }
    }
}
