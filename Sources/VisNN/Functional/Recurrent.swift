import VisTensor

/// Multi-layer, optionally bidirectional LSTM and GRU (and RNN, FunctionalRNN.swift) over whole sequences: the ops
/// behind nn.LSTM and nn.GRU (PyTorch's `_VF.lstm` / `_VF.gru`), with PyTorch's gate
/// order, shapes and numerics. Each op is one fused autograd node: per layer and
/// direction, the input projection of all steps is one sgemm, each step one sgemm plus
/// a fused gate kernel, and backpropagation through time mirrors it
/// (RecurrentSequence, RecurrentDirection, RecurrentCells).
extension Functional {
    /// LSTM over a sequence. Per layer, direction and step, with PyTorch's gate order:
    ///
    ///     i, f, g, o = split(x W_ih^T + b_ih + h W_hh^T + b_hh)
    ///     c' = sigmoid(f) c + sigmoid(i) tanh(g),  h' = sigmoid(o) tanh(c')
    ///
    /// - input: [T, N, I] ([N, T, I] with `batchFirst`), or [T, I] unbatched.
    /// - h0, c0: [L * D, N, H] ([L * D, H] unbatched; zeros when nil), D = 2 when
    ///   bidirectional, else 1.
    /// - weights: per layer then direction, PyTorch's order: W_ih [4H, I_l], W_hh
    ///   [4H, H], then b_ih [4H] and b_hh [4H] when `bias`; I_0 = I, I_l = D * H.
    /// - dropout: applied to each layer's output but the last when `training`.
    /// - Returns: output [T, N, D * H] ([N, T, D * H] with `batchFirst`, [T, D * H]
    ///   unbatched; the reverse direction in the second half of each row) and the final
    ///   h and c, shaped like h0 (forward direction's last step, reverse direction's
    ///   first, per layer).
    ///
    /// Differentiable with respect to input, h0, c0 and every weight.
    public static func lstm(_ input: Tensor, h0: Tensor? = nil, c0: Tensor? = nil, weights: [Tensor],
                            numLayers: Int = 1, bias: Bool = true, batchFirst: Bool = false,
                            dropout: Double = 0, training: Bool = false, bidirectional: Bool = false,
                            generator: Generator = .global) throws -> (output: Tensor, h: Tensor, c: Tensor) {
        let r = try recurrent(.lstm, op: "lstm", input, h0: h0, c0: c0, weights: weights, numLayers: numLayers,
                              bias: bias, batchFirst: batchFirst, dropout: dropout, training: training,
                              bidirectional: bidirectional, generator: generator)
        return (r.output, r.h, r.c ?? r.h)
    }

    /// GRU over a sequence. Per layer, direction and step, with PyTorch's gate order:
    ///
    ///     r = sigmoid(W_ir x + b_ir + W_hr h + b_hr),  z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
    ///     n = tanh(W_in x + b_in + r * (W_hn h + b_hn)),  h' = (1 - z) n + z h
    ///
    /// Shapes as in `lstm`, with 3H rows in each weight and no cell state.
    ///
    /// Differentiable with respect to input, h0 and every weight.
    public static func gru(_ input: Tensor, h0: Tensor? = nil, weights: [Tensor],
                           numLayers: Int = 1, bias: Bool = true, batchFirst: Bool = false,
                           dropout: Double = 0, training: Bool = false, bidirectional: Bool = false,
                           generator: Generator = .global) throws -> (output: Tensor, h: Tensor) {
        let r = try recurrent(.gru, op: "gru", input, h0: h0, c0: nil, weights: weights, numLayers: numLayers,
                              bias: bias, batchFirst: batchFirst, dropout: dropout, training: training,
                              bidirectional: bidirectional, generator: generator)
        return (r.output, r.h)
    }

    /// PyTorch's parameter names of a recurrent layer, in registration order:
    /// `weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, weight_ih_l0_reverse, ...`.
    static func recurrentParameterNames(numLayers: Int, bidirectional: Bool, bias: Bool) -> [String] {
        var names: [String] = []
        for l in 0..<numLayers {
            for suffix in bidirectional ? ["", "_reverse"] : [""] {
                names += ["weight_ih_l\(l)\(suffix)", "weight_hh_l\(l)\(suffix)"]
                if bias { names += ["bias_ih_l\(l)\(suffix)", "bias_hh_l\(l)\(suffix)"] }
            }
        }
        return names
    }

    /// The shared body of `lstm` and `gru`; errors name `op` (the layers pass "LSTM" / "GRU").
    static func recurrent(_ cell: RecurrentCell, op: String, _ input: Tensor, h0: Tensor?, c0: Tensor?,
                          weights: [Tensor], numLayers: Int, bias: Bool, batchFirst: Bool, dropout: Double,
                          training: Bool, bidirectional: Bool,
                          generator: Generator) throws -> (output: Tensor, h: Tensor, c: Tensor?) {
        let nd = bidirectional ? 2 : 1
        // Half inputs compute in float32 and come back half; float64 takes the float64
        // path below; mixed floating dtypes are PyTorch's RNN dtype error.
        if let dt = try LayerDType.common(op, [input, h0, c0] + weights, mismatch: { a, b in
            "RNN input dtype (torch.\(a)) does not match weight dtype (torch.\(b)). Convert input: input.to(torch.\(b)), or convert model: model.to(torch.\(a))"
        }), dt != .float64 {
            let r = try recurrent(cell, op: op, input.to(.float32), h0: h0?.to(.float32), c0: c0?.to(.float32),
                                  weights: weights.map { try $0.to(.float32) }, numLayers: numLayers, bias: bias,
                                  batchFirst: batchFirst, dropout: dropout, training: training,
                                  bidirectional: bidirectional, generator: generator)
            return (try r.output.to(dt), try r.h.to(dt), try r.c?.to(dt))
        }
        let (inputSize, hidden) = try checkRecurrentWeights(cell, op: op, weights, numLayers: numLayers,
                                                            bias: bias, bidirectional: bidirectional)
        guard dropout >= 0 && dropout <= 1 else {
            throw TensorError(op, "dropout should be a number in range [0, 1] representing the probability of an element being zeroed, got \(dropout)")
        }
        guard input.dtype == .float32 || input.dtype == .float64 else {
            throw TensorError(op, "expected a float32 or float64 input, got \(input.dtype) (convert with .float())")
        }
        guard input.ndim == 2 || input.ndim == 3 else {
            throw TensorError(op, "expected a 3-D input [seq_len, batch, \(inputSize)] ([batch, seq_len, \(inputSize)] with batch_first) or a 2-D unbatched input [seq_len, \(inputSize)], got shape \(shapeString(input.shape))")
        }
        guard input.shape[input.ndim - 1] == inputSize else {
            throw TensorError(op, "expected input with \(inputSize) features (input_size), got shape \(shapeString(input.shape))")
        }
        // Unbatched: a batch of one, time-major whatever batch_first says (as PyTorch).
        let batched = input.ndim == 3
        let x = batched ? input : try input.unsqueeze(1)
        let timeMajor = !batched || !batchFirst
        let steps = timeMajor ? x.shape[0] : x.shape[1], batch = timeMajor ? x.shape[1] : x.shape[0]
        guard steps > 0 else {
            throw TensorError(op, "expected a sequence of at least one step, got input of shape \(shapeString(input.shape))")
        }
        // BLAS takes 32-bit sizes; the saved gates are the largest buffer.
        guard steps * batch <= Int(Int32.max) else {
            throw TensorError(op, "input of shape \(shapeString(input.shape)) has too many rows (seq_len * batch) for one matrix product")
        }
        try Shape.validate([steps, batch, 4 * hidden], op: op)
        let stateShape = [numLayers * nd, batch, hidden]
        var states: [Tensor] = []
        for (name, s) in [("h0", h0), ("c0", c0)] {
            guard let s else { continue }
            let expected = batched ? stateShape : [numLayers * nd, hidden]
            guard s.dtype == input.dtype, s.shape == expected else {
                throw TensorError(op, "expected \(name) of shape \(shapeString(expected)) (num_layers * num_directions, \(batched ? "batch, " : "")hidden_size), got \(s.dtype == input.dtype ? "" : "\(s.dtype) ")\(shapeString(s.shape))")
            }
            states.append(batched ? s : try s.unsqueeze(1))
        }
        let h0s = h0 == nil ? nil : states.first
        let c0s = c0 == nil ? nil : states.last
        if input.dtype == .float64 {
            let r = try Float64Recurrent.run(cell, x: timeMajor ? x : x.transpose(0, 1), h0: h0s, c0: c0s, weights: weights,
                                             layers: numLayers, directions: nd, hidden: hidden, bias: bias, dropout: dropout,
                                             training: training, generator: generator)
            var output = timeMajor ? r.output : try r.output.transpose(0, 1)
            var h = r.h, c = r.c
            if !batched {
                output = try output.squeeze(1)
                h = try h.squeeze(1)
                c = try c?.squeeze(1)
            }
            return (output, h, c)
        }

        let config = RecurrentConfig(cell: cell, steps: steps, batch: batch, inputSize: inputSize, hidden: hidden,
                                     layers: numLayers, directions: nd, hasBias: bias)
        // The op's one output holds the output sequence (in the caller's layout), then
        // h_n, then c_n; the three results are views of it.
        let outCount = steps * batch * nd * hidden, stateCount = numLayers * nd * batch * hidden
        let combined = Tensor(uninitialized: [outCount + stateCount * (cell == .lstm ? 2 : 1)])
        let pc = combined.floatPointer
        let xTime = (timeMajor ? x.detach() : try x.detach().transpose(0, 1)).contiguous()
        let tape = try RecurrentSequence.forward(
            config, x: xTime, h0: h0s?.detach().contiguous(), c0: c0s?.detach().contiguous(),
            weights: weights.map { $0.detach().contiguous() }, dropout: dropout, training: training,
            generator: generator, hN: pc + outCount, cN: cell == .lstm ? pc + outCount + stateCount : nil)
        if let last = tape.outputs.last {
            copyRows(from: last.floatPointer, to: pc, steps: steps, batch: batch, width: nd * hidden, transpose: !timeMajor)
        }

        var inputs = [x]
        if let h0s { inputs.append(h0s) }
        if let c0s { inputs.append(c0s) }
        inputs += weights
        if Autograd.needsGraph(inputs) {
            let needs = RecurrentSequence.Needs(input: x.requiresGrad, h0: h0s?.requiresGrad ?? false,
                                                c0: c0s?.requiresGrad ?? false, weights: weights.map(\.requiresGrad))
            let hasH0 = h0s != nil, hasC0 = c0s != nil
            // PyTorch saves the input, the initial states and the weights (writing one in
            // place before backward is its "modified by an inplace operation" error).
            Autograd.record(combined, op, inputs, saving: inputs) { g in
                let gc = g.contiguous()
                let pg = gc.floatPointer
                // The output's gradient, time-major.
                var dOut = gc
                if !timeMajor {
                    dOut = Tensor(uninitialized: [outCount])
                    copyRows(from: pg, to: dOut.floatPointer, steps: batch, batch: steps, width: nd * hidden, transpose: true)
                }
                let grads = try RecurrentSequence.backward(
                    tape, dOut: UnsafePointer(dOut.floatPointer), dhN: UnsafePointer(pg + outCount),
                    dcN: cell == .lstm ? UnsafePointer(pg + outCount + stateCount) : nil, needs: needs)
                withExtendedLifetime((gc, dOut)) {}
                var out: [Tensor?] = [try grads.input.map { timeMajor ? $0 : try $0.transpose(0, 1) }]
                if hasH0 { out.append(grads.h0) }
                if hasC0 { out.append(grads.c0) }
                return out + grads.weights
            }
        }

        let parts = try combined.split(sizes: [outCount] + Array(repeating: stateCount, count: cell == .lstm ? 2 : 1))
        var output = try parts[0].reshape(timeMajor ? [steps, batch, nd * hidden] : [batch, steps, nd * hidden])
        var h = try parts[1].reshape(stateShape)
        var c = cell == .lstm ? try parts[2].reshape(stateShape) : nil
        if !batched {
            output = try output.squeeze(1)
            h = try h.squeeze(1)
            c = try c?.squeeze(1)
        }
        return (output, h, c)
    }

    /// Checks the flat weight list against PyTorch's layout and returns (I, H).
    private static func checkRecurrentWeights(_ cell: RecurrentCell, op: String, _ weights: [Tensor], numLayers: Int,
                                              bias: Bool, bidirectional: Bool) throws -> (inputSize: Int, hidden: Int) {
        guard numLayers >= 1 else { throw TensorError(op, "num_layers must be at least 1, got \(numLayers)") }
        let names = recurrentParameterNames(numLayers: numLayers, bidirectional: bidirectional, bias: bias)
        guard weights.count == names.count else {
            throw TensorError(op, "expected \(names.count) weight tensors (\(names.joined(separator: ", "))), got \(weights.count)")
        }
        guard weights[0].ndim == 2, weights[1].ndim == 2 else {
            throw TensorError(op, "weight_ih_l0 and weight_hh_l0 must be 2-D, got shapes \(shapeString(weights[0].shape)) and \(shapeString(weights[1].shape))")
        }
        let inputSize = weights[0].shape[1], hidden = weights[1].shape[1]
        guard hidden > 0 else { throw TensorError(op, "hidden_size must be greater than zero") }
        let g = cell.gateCount * hidden, nd = bidirectional ? 2 : 1, per = bias ? 4 : 2
        for (k, (w, name)) in zip(weights, names).enumerated() {
            let l = k / (per * nd)
            let expected: [Int]
            switch k % per {
            case 0: expected = [g, l == 0 ? inputSize : nd * hidden]
            case 1: expected = [g, hidden]
            default: expected = [g]
            }
            // Mixed float dtypes were refused by the caller; float64 weights take the float64 path.
            guard w.dtype == .float32 || w.dtype == .float64, w.shape == expected else {
                throw TensorError(op, "\(name) must be a float32 or float64 tensor of shape \(shapeString(expected)), got \(w.dtype == .float32 || w.dtype == .float64 ? "" : "\(w.dtype) ")\(shapeString(w.shape))")
            }
        }
        return (inputSize, hidden)
    }

    /// Copies rows of `width` floats from [steps, batch] order to the same order
    /// (`transpose` false) or to [batch, steps] order.
    private static func copyRows(from src: UnsafePointer<Float>, to dst: UnsafeMutablePointer<Float>,
                                 steps: Int, batch: Int, width: Int, transpose: Bool) {
        if !transpose {
            dst.update(from: src, count: steps * batch * width)
            return
        }
        for t in 0..<steps {
            for n in 0..<batch {
                (dst + (n * steps + t) * width).update(from: src + (t * batch + n) * width, count: width)
            }
        }
    }
}
