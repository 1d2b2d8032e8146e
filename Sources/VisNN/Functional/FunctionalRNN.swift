import VisTensor

/// The Elman RNN over a sequence (PyTorch's `_VF.rnn_tanh` / `_VF.rnn_relu`, behind
/// nn.RNN): per layer, direction and step
///
///     h' = act(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh),  act = tanh or relu,
///
/// run by the fused recurrent op of LSTM and GRU (RecurrentSequence) with a one-gate
/// cell: one sgemm for the input projection of all steps, one per step for the
/// recurrence, a fused activation kernel, and backpropagation through time the same way.
extension Functional {
    /// RNN over a sequence, with the shapes and weight layout of `lstm` (one gate: W_ih
    /// [H, I_l], W_hh [H, H], b_ih [H], b_hh [H] per layer and direction).
    ///
    /// - input: [T, N, I] ([N, T, I] with `batchFirst`), or [T, I] unbatched.
    /// - h0: [L * D, N, H] ([L * D, H] unbatched), zeros when nil.
    /// - Returns: output [T, N, D * H] (batch_first: [N, T, D * H]; unbatched [T, D * H])
    ///   and h_n shaped like h0.
    ///
    /// Differentiable with respect to input, h0 and every weight.
    public static func rnn(_ input: Tensor, h0: Tensor? = nil, weights: [Tensor], numLayers: Int = 1,
                           relu: Bool = false, bias: Bool = true, batchFirst: Bool = false, dropout: Double = 0,
                           training: Bool = false, bidirectional: Bool = false, generator: Generator = .global,
                           op: String = "rnn") throws -> (output: Tensor, h: Tensor) {
        let r = try recurrent(relu ? .rnnRelu : .rnnTanh, op: op, input, h0: h0, c0: nil, weights: weights,
                              numLayers: numLayers, bias: bias, batchFirst: batchFirst, dropout: dropout,
                              training: training, bidirectional: bidirectional, generator: generator)
        return (r.output, r.h)
    }
}
