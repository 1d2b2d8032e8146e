import VisTensor

/// A multi-layer gated recurrent unit network (PyTorch's nn.GRU). Per layer, direction
/// and step, with PyTorch's gate order (r, z, n):
///
///     r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)    z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
///     n = tanh(W_in x + b_in + r * (W_hn h + b_hn)) h' = (1 - z) n + z h
///
/// Parameters carry PyTorch's names and order (`weight_ih_l0` [3H, I], `weight_hh_l0`
/// [3H, H], `bias_ih_l0` [3H], `bias_hh_l0` [3H], then `..._reverse`, then layer 1 with
/// input size D * H), so state dicts move both ways; all are initialised uniform in
/// ±1/sqrt(hidden_size) like PyTorch's.
///
/// Input [T, N, input_size] ([N, T, input_size] with batch_first), or [T, input_size]
/// unbatched (a batch of one, with h0 and the final state 2-D, [L * D, H]). Dropout,
/// when non-zero, applies to the outputs of every layer but the last, in training mode
/// only.
public final class GRU: RecurrentModule {
    /// A GRU with PyTorch's arguments and defaults. Throws for a dropout outside [0, 1],
    /// a hidden_size or num_layers below 1, or a negative input_size.
    public init(inputSize: Int, hiddenSize: Int, numLayers: Int = 1, bias: Bool = true, batchFirst: Bool = false,
                dropout: Double = 0, bidirectional: Bool = false) throws {
        try super.init(RecurrentLayerCore(layer: "GRU", gateCount: 3, inputSize: inputSize, hiddenSize: hiddenSize,
                                          numLayers: numLayers, bias: bias, batchFirst: batchFirst, dropout: dropout,
                                          bidirectional: bidirectional))
    }

    /// Runs the GRU over a sequence from the initial state h0 (zeros when nil).
    ///
    /// - x: [T, N, input_size] ([N, T, input_size] with batch_first), or [T, input_size].
    /// - h0: [num_layers * D, N, H] ([num_layers * D, H] unbatched).
    /// - Returns: output [T, N, D * H] ([N, T, D * H] with batch_first, [T, D * H]
    ///   unbatched): the last layer's h at every step, forward direction then reverse in
    ///   each row; h: the final states, shaped like h0.
    ///
    /// `forward(x)` with no state argument is Module's single-tensor entry point and
    /// returns the output alone; name a state (`forward(x, h0: nil)`) to get the tuple.
    /// - Throws: `TensorError` naming GRU and the shapes, for an input of the wrong rank
    ///   or feature size, or h0 of the wrong shape.
    public func forward(_ x: Tensor, h0: Tensor? = nil) throws -> (output: Tensor, h: Tensor) {
        let r = try Functional.recurrent(.gru, op: "GRU", x, h0: h0, c0: nil, weights: core.weights,
                                         numLayers: numLayers, bias: bias, batchFirst: batchFirst, dropout: dropout,
                                         training: training, bidirectional: bidirectional, generator: .global)
        return (r.output, r.h)
    }

    /// The output sequence alone (zero initial state), so a GRU can sit in a Sequential:
    /// [T, N, input_size] -> [T, N, D * H] (batch_first: [N, T, ...]).
    public override func forward(_ x: Tensor) throws -> Tensor {
        try forward(x, h0: nil).output
    }

    /// `forward(x, h0:)` called like a function, with errors as `LayerError`s naming
    /// this layer (as `Module`'s single-input call does).
    public func callAsFunction(_ x: Tensor, h0: Tensor?) throws -> (output: Tensor, h: Tensor) {
        do {
            let r = try forward(x, h0: h0)
            if let tracer = Module.tracer { tracer(self, r.output) }
            return r
        } catch let e as TensorError {
            // The message already names the layer ("GRU: ..."); keep it once.
            throw LayerError(layerType: typeName, message: e.op == typeName ? e.reason : e.message)
        }
    }
}
