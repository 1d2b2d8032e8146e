import VisTensor

/// LSTM, GRU and the Elman RNN in float64, as composites of differentiable float64 ops (linear,
/// sigmoid, tanh, chunk, stack): PyTorch's equations and gate orders (LSTM: i, f, g, o;
/// GRU: r, z, n with n = tanh(x_n + r * (h W_hn^T + b_hn)); RNN: tanh or relu of the sum), one step at a time, the
/// gradients from the ops' own rules. Arguments arrive checked by `Functional.recurrent`.
enum Float64Recurrent {
    /// Runs all layers and directions on the time-major input x [T, B, I] with the
    /// initial states [L * D, B, H] (zeros when nil). Returns the output [T, B, D * H]
    /// and the final states [L * D, B, H] (c only for the LSTM).
    static func run(_ cell: RecurrentCell, x: Tensor, h0: Tensor?, c0: Tensor?, weights: [Tensor],
                    layers: Int, directions nd: Int, hidden: Int, bias: Bool, dropout: Double, training: Bool,
                    generator: Generator) throws -> (output: Tensor, h: Tensor, c: Tensor?) {
        let steps = x.shape[0], batch = x.shape[1], per = bias ? 4 : 2
        var layerInput = x
        var hs: [Tensor] = [], cs: [Tensor] = []
        for l in 0..<layers {
            var outputs: [Tensor] = []
            for d in 0..<nd {
                let k = (l * nd + d) * per, state = l * nd + d
                // The input's part of every step's gates at once: [T, B, G].
                let xGates = try Functional.linear(layerInput, weight: weights[k], bias: bias ? weights[k + 2] : nil)
                var h = try h0?.select(0, state) ?? Tensor.zeros([batch, hidden], dtype: .float64)
                var c = try c0?.select(0, state) ?? Tensor.zeros([batch, hidden], dtype: .float64)
                var out = [Tensor](repeating: h, count: steps)
                for t in (d == 0 ? Array(0..<steps) : Array((0..<steps).reversed())) {
                    let xg = try xGates.select(0, t)
                    let hg = try Functional.linear(h, weight: weights[k + 1], bias: bias ? weights[k + 3] : nil)
                    switch cell {
                    case .lstm:
                        let g = try xg.add(hg).chunk(4, dim: 1)
                        c = try g[1].sigmoid().mul(c).add(g[0].sigmoid().mul(g[2].tanh()))
                        h = try g[3].sigmoid().mul(c.tanh())
                    case .gru:
                        let a = try xg.chunk(3, dim: 1), b = try hg.chunk(3, dim: 1)
                        let r = try a[0].add(b[0]).sigmoid(), z = try a[1].add(b[1]).sigmoid()
                        let n = try a[2].add(r.mul(b[2])).tanh()
                        h = try n.add(z.mul(h.sub(n)))
                    case .rnnTanh:
                        h = try xg.add(hg).tanh()
                    case .rnnRelu:
                        h = try xg.add(hg).relu()
                    }
                    out[t] = h
                }
                outputs.append(try Tensor.stack(out, dim: 0))
                hs.append(h)
                cs.append(c)
            }
            layerInput = nd == 1 ? outputs[0] : try Tensor.cat(outputs, dim: 2)
            // PyTorch's dropout on the outputs of every layer but the last, in training.
            if dropout > 0 && training && l < layers - 1 {
                layerInput = try Functional.dropout(layerInput, p: dropout, training: true, generator: generator)
            }
        }
        return (layerInput, try Tensor.stack(hs, dim: 0), cell == .lstm ? try Tensor.stack(cs, dim: 0) : nil)
    }
}
