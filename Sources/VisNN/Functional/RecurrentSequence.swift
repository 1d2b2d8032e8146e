import VisTensor

/// Which cell a recurrent op runs.
enum RecurrentCell {
    case lstm, gru
    /// The Elman cell, h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh) (or relu).
    case rnnTanh, rnnRelu

    /// Gate blocks of H rows in W_ih and W_hh: LSTM (i, f, g, o), GRU (r, z, n), RNN one.
    var gateCount: Int {
        switch self {
        case .lstm: return 4
        case .gru: return 3
        case .rnnTanh, .rnnRelu: return 1
        }
    }

    /// Whether b_ih and b_hh are added together up front and the pre-activations of
    /// the input and hidden sides share one gradient (all but the GRU, whose b_hn is
    /// multiplied by r).
    var foldsBias: Bool { self != .gru }
}

/// The sizes of one recurrent op.
struct RecurrentConfig {
    let cell: RecurrentCell
    /// T, N, the first layer's input size, H, layers, directions (1 or 2).
    let steps: Int, batch: Int, inputSize: Int, hidden: Int, layers: Int, directions: Int
    /// Whether each layer and direction has b_ih and b_hh.
    let hasBias: Bool

    /// G: rows of W_ih and W_hh.
    var gates: Int { cell.gateCount * hidden }
    /// Weights per layer and direction in the flat list: W_ih, W_hh[, b_ih, b_hh].
    var weightsPerDirection: Int { hasBias ? 4 : 2 }
    /// Layer l's input size: the op's input size, then both directions' outputs.
    func layerInputSize(_ l: Int) -> Int { l == 0 ? inputSize : directions * hidden }
}

/// What a recurrent op's forward pass keeps for its backward pass. Sequence buffers
/// are time-major ([T * N, width]); per-direction ones are indexed l * D + d.
final class RecurrentTape {
    let config: RecurrentConfig
    /// Contiguous weights in PyTorch's order.
    let weights: [Tensor]
    /// Per direction: LSTM / RNN b_ih + b_hh [G]; GRU b_ih [3H] (zeros without bias).
    var biases: [Tensor] = []
    /// Per direction: GRU b_hh [3H] (zeros without bias); the LSTM's is folded into `biases`.
    var biasesHH: [Tensor] = []
    /// Per direction: W_hh^T [H, G], contiguous.
    var transposedHH: [Tensor] = []
    /// h0 and c0 [L * D, N, H] (zeros when not given).
    let h0: Tensor, c0: Tensor
    let hasH0: Bool
    /// Each layer's input: the op's input, then the previous layer's output after dropout.
    var inputs: [Tensor] = []
    /// Each layer's output [T * N, D * H].
    var outputs: [Tensor] = []
    /// The dropout mask applied to layer l's output to make layer l + 1's input (or nil).
    var masks: [Tensor?] = []
    /// Per direction: the saved activations [T * N, 4H] and LSTM cell states [T * N, H].
    var gates: [Tensor] = []
    var cells: [Tensor] = []

    init(config: RecurrentConfig, weights: [Tensor], h0: Tensor?, c0: Tensor?) throws {
        self.config = config
        self.weights = weights
        let stateShape = [config.layers * config.directions, config.batch, config.hidden]
        self.h0 = h0 ?? Tensor.full(stateShape, 0)
        self.c0 = c0 ?? Tensor.full(stateShape, 0)
        self.hasH0 = h0 != nil
        let g = config.gates, k = config.weightsPerDirection
        for dir in 0..<(config.layers * config.directions) {
            transposedHH.append(try weights[dir * k + 1].t().contiguous())
            let bih = config.hasBias ? weights[dir * k + 2] : Tensor.full([g], 0)
            let bhh = config.hasBias ? weights[dir * k + 3] : Tensor.full([g], 0)
            if config.cell.foldsBias {
                biases.append(config.hasBias ? try bih.add(bhh) : bih)
            } else {
                biases.append(bih)
                biasesHH.append(bhh)
            }
        }
    }

    /// The buffers of layer l, direction d. The tape must outlive the returned value.
    func direction(_ l: Int, _ d: Int) -> RecurrentDirection {
        let c = config, dir = l * c.directions + d, k = dir * c.weightsPerDirection
        let stateOffset = dir * c.batch * c.hidden
        return RecurrentDirection(
            cell: c.cell, steps: c.steps, batch: c.batch, inputSize: c.layerInputSize(l), hidden: c.hidden,
            reverse: d == 1, wih: UnsafePointer(weights[k].floatPointer), whh: UnsafePointer(weights[k + 1].floatPointer),
            whhT: UnsafePointer(transposedHH[dir].floatPointer),
            bias: UnsafePointer(biases[dir].floatPointer),
            biasHH: UnsafePointer(c.cell == .gru ? biasesHH[dir].floatPointer : biases[dir].floatPointer),
            x: UnsafePointer(inputs[l].floatPointer),
            h0: UnsafePointer(h0.floatPointer + stateOffset), c0: UnsafePointer(c0.floatPointer + stateOffset),
            hasH0: hasH0, out: outputs[l].floatPointer + d * c.hidden, ldOut: c.directions * c.hidden,
            gates: gates[dir].floatPointer, cells: cells[dir].floatPointer)
    }
}

/// The multi-layer, bidirectional driver of the recurrent ops: layer after layer,
/// both directions of a layer at once (their recurrences are independent and each is
/// a chain of small sgemms that one core runs best), with dropout between layers.
enum RecurrentSequence {
    /// Runs the op on `x` ([T, N, I] contiguous, time-major) and writes the final states
    /// to hN and cN ([L * D, N, H]). The last layer's output is the tape's last output.
    static func forward(_ config: RecurrentConfig, x: Tensor, h0: Tensor?, c0: Tensor?, weights: [Tensor],
                        dropout: Double, training: Bool, generator: Generator,
                        hN: UnsafeMutablePointer<Float>, cN: UnsafeMutablePointer<Float>?) throws -> RecurrentTape {
        let c = config, rows = c.steps * c.batch, nd = c.directions
        let tape = try RecurrentTape(config: c, weights: weights, h0: h0, c0: c0)
        var input = x
        for l in 0..<c.layers {
            try Interrupt.check()
            tape.inputs.append(input)
            let out = Tensor(uninitialized: [rows, nd * c.hidden])
            tape.outputs.append(out)
            for _ in 0..<nd {
                tape.gates.append(Tensor(uninitialized: [rows, 4 * c.hidden]))
                tape.cells.append(Tensor(uninitialized: [c.cell == .lstm ? rows : 1, c.hidden]))
            }
            let dirs = (0..<nd).map { tape.direction(l, $0) }
            let scratch = Tensor(uninitialized: [nd, c.batch * c.gates])
            for dir in dirs { dir.projectInput() }
            parallelDirections(c) { d in dirs[d].runForward(scratch: scratch.floatPointer + d * c.batch * c.gates) }
            for (d, dir) in dirs.enumerated() {
                let offset = (l * nd + d) * c.batch * c.hidden
                dir.finalStates(hN: hN + offset, cN: cN.map { $0 + offset })
            }
            withExtendedLifetime((tape, scratch)) {}
            if l + 1 < c.layers && training && dropout > 0 {
                let mask = dropoutMask(count: rows * nd * c.hidden, p: dropout, generator: generator)
                input = try out.mul(mask.reshape(out.shape))
                tape.masks.append(mask)
            } else {
                input = out
                tape.masks.append(nil)
            }
        }
        // A large product Ctrl-C stopped part way (see `BLAS.gemm`) in the last layer.
        try Interrupt.check()
        return tape
    }

    /// Which gradients the backward pass computes.
    struct Needs {
        var input: Bool, h0: Bool, c0: Bool
        /// One flag per weight, in the tape's order.
        var weights: [Bool]
    }

    /// The gradients a backward pass returns (nil where not needed).
    struct Gradients {
        /// [T, N, I], time-major.
        var input: Tensor?
        /// [L * D, N, H].
        var h0: Tensor?, c0: Tensor?
        var weights: [Tensor?]
    }

    /// Backward through time and through the layers, from the gradients of the last
    /// layer's output (`dOut`, [T * N, D * H] time-major) and of the final states (`dhN`,
    /// `dcN`, [L * D, N, H]).
    static func backward(_ tape: RecurrentTape, dOut: UnsafePointer<Float>, dhN: UnsafePointer<Float>,
                         dcN: UnsafePointer<Float>?, needs: Needs) throws -> Gradients {
        let c = tape.config, rows = c.steps * c.batch, nd = c.directions, g = c.gates
        let stateCount = c.layers * nd * c.batch * c.hidden
        // Carries of dh and dc, per direction: the final states' gradients going in,
        // h0's and c0's coming out.
        let dh = Tensor(uninitialized: [c.layers * nd, c.batch, c.hidden])
        let dc = Tensor(uninitialized: [c.layers * nd, c.batch, c.hidden])
        dh.floatPointer.update(from: dhN, count: stateCount)
        if let dcN { dc.floatPointer.update(from: dcN, count: stateCount) } else { dc.floatPointer.initialize(repeating: 0, count: stateCount) }
        let ones = Tensor.full([Swift.max(rows, 1)], 1)
        var weightGrads = [Tensor?](repeating: nil, count: tape.weights.count)
        var dInput: Tensor?
        var dY = dOut
        var dYOwner: Tensor?
        for l in stride(from: c.layers - 1, through: 0, by: -1) {
            try Interrupt.check()
            // dY may point into the layer above's dx: keep that alive through this layer.
            let dYKeep = dYOwner
            let dirs = (0..<nd).map { tape.direction(l, $0) }
            let dGx = (0..<nd).map { _ in Tensor(uninitialized: [rows, g]) }
            let dGh = c.cell.foldsBias ? dGx : (0..<nd).map { _ in Tensor(uninitialized: [rows, g]) }
            let dYNow = dY
            parallelDirections(c) { d in
                let offset = (l * nd + d) * c.batch * c.hidden
                dirs[d].runBackward(dOut: dYNow + d * c.hidden, ldd: nd * c.hidden, dh: dh.floatPointer + offset,
                                    dc: dc.floatPointer + offset, dGx: dGx[d].floatPointer, dGh: dGh[d].floatPointer)
            }
            for d in 0..<nd {
                let k = (l * nd + d) * c.weightsPerDirection
                let out: [Tensor?] = (0..<c.weightsPerDirection).map { j in
                    needs.weights[k + j] ? Tensor(uninitialized: tape.weights[k + j].shape) : nil
                }
                dirs[d].weightGradients(dGx: dGx[d].floatPointer, dGh: dGh[d].floatPointer, ones: ones.floatPointer,
                                        dwih: out[0]?.floatPointer, dwhh: out[1]?.floatPointer,
                                        dbih: c.hasBias ? out[2]?.floatPointer : nil,
                                        dbhh: c.hasBias ? out[3]?.floatPointer : nil)
                for j in 0..<out.count { weightGrads[k + j] = out[j] }
            }
            if l > 0 || needs.input {
                let dx = Tensor(uninitialized: [c.steps, c.batch, c.layerInputSize(l)])
                for d in 0..<nd { dirs[d].inputGradient(dGx: dGx[d].floatPointer, dx: dx.floatPointer, accumulate: d > 0) }
                if l > 0, let mask = tape.masks[l - 1] {
                    let px = dx.floatPointer, pm = mask.floatPointer
                    for i in 0..<dx.count { px[i] *= pm[i] }
                }
                if l == 0 { dInput = dx } else { dY = UnsafePointer(dx.floatPointer); dYOwner = dx }
            }
            withExtendedLifetime((dGx, dGh, dYKeep)) {}
        }
        withExtendedLifetime((tape, ones)) {}
        // A large product Ctrl-C stopped part way (see `BLAS.gemm`) in the first layer.
        try Interrupt.check()
        return Gradients(input: dInput, h0: needs.h0 ? dh : nil, c0: needs.c0 ? dc : nil, weights: weightGrads)
    }

    /// Runs `body(d)` for each direction, both at once when there are two and the
    /// recurrence is big enough to pay for a second thread.
    private static func parallelDirections(_ c: RecurrentConfig, _ body: (Int) -> Void) {
        let work = c.steps * c.batch * c.gates * c.hidden
        Parallel.forRange(c.directions, costPerElement: work) { d0, d1 in
            for d in d0..<d1 { body(d) }
        }
    }

    /// A float32 mask of `count` entries: 0 with probability p, else 1 / (1 - p), one
    /// uniform draw per entry in order (as Functional.dropout draws them).
    private static func dropoutMask(count: Int, p: Double, generator: Generator) -> Tensor {
        let mask = Tensor(uninitialized: [count])
        let pm = mask.floatPointer
        if p >= 1 {
            pm.initialize(repeating: 0, count: count)
            return mask
        }
        let scale = Float(1 / (1 - p)), threshold = Float(p)
        for i in 0..<count { pm[i] = generator.uniform() < threshold ? 0 : scale }
        return mask
    }
}
