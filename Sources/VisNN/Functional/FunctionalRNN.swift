import VisTensor

/// The Elman RNN (PyTorch's nn.RNN / nn.RNNCell): per layer, direction and step
///
///     h' = act(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh),  act = tanh or relu.
///
/// Composed of differentiable tensor ops (one matrix product for the input projection
/// of all steps, one per step for the recurrence), so autograd gives every gradient;
/// the fused kernels of LSTM and GRU (RecurrentSequence) have no one-gate cell.
extension Functional {
    /// RNN over a sequence, with the shapes and weight layout of `lstm` (one gate: W_ih
    /// [H, I_l], W_hh [H, H], b_ih [H], b_hh [H] per layer and direction).
    ///
    /// - input: [T, N, I] ([N, T, I] with `batchFirst`), or [T, I] unbatched.
    /// - h0: [L * D, N, H] ([L * D, H] unbatched), zeros when nil.
    /// - Returns: output [T, N, D * H] (batch_first: [N, T, D * H]; unbatched [T, D * H])
    ///   and h_n shaped like h0.
    public static func rnn(_ input: Tensor, h0: Tensor? = nil, weights: [Tensor], numLayers: Int = 1,
                           relu: Bool = false, bias: Bool = true, batchFirst: Bool = false, dropout: Double = 0,
                           training: Bool = false, bidirectional: Bool = false, generator: Generator = .global,
                           op: String = "rnn") throws -> (output: Tensor, h: Tensor) {
        let nd = bidirectional ? 2 : 1, per = bias ? 4 : 2
        guard numLayers >= 1 else { throw TensorError(op, "num_layers must be at least 1, got \(numLayers)") }
        guard weights.count == numLayers * nd * per else {
            throw TensorError(op, "expected \(numLayers * nd * per) weight tensors, got \(weights.count)")
        }
        guard weights[0].ndim == 2, weights[1].ndim == 2 else {
            throw TensorError(op, "weight_ih_l0 and weight_hh_l0 must be 2-D, got shapes \(shapeString(weights[0].shape)) and \(shapeString(weights[1].shape))")
        }
        let inputSize = weights[0].shape[1], hidden = weights[1].shape[1]
        guard input.ndim == 2 || input.ndim == 3 else {
            throw TensorError(op, "expected a 3-D input [seq_len, batch, \(inputSize)] ([batch, seq_len, \(inputSize)] with batch_first) or a 2-D unbatched input [seq_len, \(inputSize)], got shape \(shapeString(input.shape))")
        }
        guard input.shape[input.ndim - 1] == inputSize else {
            throw TensorError(op, "expected input with \(inputSize) features (input_size), got shape \(shapeString(input.shape))")
        }
        let batched = input.ndim == 3
        // Time-major [T, N, I]; an unbatched input is a batch of one.
        var x = batched ? (batchFirst ? try input.transpose(0, 1) : input) : try input.unsqueeze(1)
        let steps = x.shape[0], batch = x.shape[1]
        guard steps > 0 else {
            throw TensorError(op, "expected a sequence of at least one step, got input of shape \(shapeString(input.shape))")
        }
        var states: Tensor? = nil
        if let h0 {
            let expected = batched ? [numLayers * nd, batch, hidden] : [numLayers * nd, hidden]
            guard h0.shape == expected else {
                throw TensorError(op, "expected h0 of shape \(shapeString(expected)) (num_layers * num_directions, \(batched ? "batch, " : "")hidden_size), got \(shapeString(h0.shape))")
            }
            states = batched ? h0 : try h0.unsqueeze(1)
        }
        var finals: [Tensor] = []
        for l in 0..<numLayers {
            var directionOutputs: [Tensor] = []
            for d in 0..<nd {
                let base = (l * nd + d) * per
                let wih = weights[base], whh = weights[base + 1]
                let bih = bias ? weights[base + 2] : nil, bhh = bias ? weights[base + 3] : nil
                let inSize = x.shape[2]
                guard wih.shape == [hidden, inSize], whh.shape == [hidden, hidden] else {
                    throw TensorError(op, "layer \(l) expects weight_ih [\(hidden), \(inSize)] and weight_hh [\(hidden), \(hidden)], got \(shapeString(wih.shape)) and \(shapeString(whh.shape))")
                }
                // The input projection of every step at once: [T * N, H].
                var proj = try x.reshape([steps * batch, inSize]).matmul(wih.t())
                if let bih { proj = try proj.add(bih) }
                proj = try proj.reshape([steps, batch, hidden])
                var h = try states.map { try $0.select(0, l * nd + d) } ?? Tensor.zeros([batch, hidden], dtype: input.dtype)
                var outs = [Tensor?](repeating: nil, count: steps)
                for s in 0..<steps {
                    // A long sequence is many small ops: stop between steps on Ctrl-C.
                    try Interrupt.check()
                    let t = d == 0 ? s : steps - 1 - s
                    var pre = try proj.select(0, t).add(h.matmul(whh.t()))
                    if let bhh { pre = try pre.add(bhh) }
                    h = relu ? try pre.relu() : try pre.tanh()
                    outs[t] = h
                }
                finals.append(h)
                directionOutputs.append(try Tensor.stack(outs.compactMap { $0 }, dim: 0))
            }
            x = nd == 1 ? directionOutputs[0] : try Tensor.cat(directionOutputs, dim: 2)
            if l < numLayers - 1 && dropout > 0 && training {
                x = try Functional.dropout(x, p: dropout, training: true, generator: generator)
            }
        }
        var hN = try Tensor.stack(finals, dim: 0)
        var output = x
        if !batched {
            output = try output.squeeze(1)
            hN = try hN.squeeze(1)
        } else if batchFirst {
            output = try output.transpose(0, 1)
        }
        return (output, hN)
    }

    /// One step of an Elman cell (nn.RNNCell): input [N, I] or [I], hx [N, H] or [H]
    /// (zeros when nil); returns h' shaped like hx.
    public static func rnnCell(_ input: Tensor, hx: Tensor?, weightIH: Tensor, weightHH: Tensor, biasIH: Tensor?,
                               biasHH: Tensor?, relu: Bool = false) throws -> Tensor {
        var pre = try input.matmul(weightIH.t())
        if let biasIH { pre = try pre.add(biasIH) }
        // A missing state is zeros, multiplied anyway so W_hh gets its (zero) gradient as in PyTorch.
        let h = try hx ?? Tensor.zeros(input.ndim == 2 ? [input.shape[0], weightHH.shape[1]] : [weightHH.shape[1]], dtype: input.dtype)
        pre = try pre.add(h.matmul(weightHH.t()))
        if let biasHH { pre = try pre.add(biasHH) }
        return relu ? try pre.relu() : try pre.tanh()
    }
}
