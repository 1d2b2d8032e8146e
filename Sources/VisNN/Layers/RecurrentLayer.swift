import VisTensor

/// What LSTM and GRU share (PyTorch's RNNBase): the constructor arguments, their
/// checks, the parameters under PyTorch's names and in its order, their initialisation,
/// and the printed and read-back forms of the arguments.
struct RecurrentLayerCore {
    let inputSize: Int
    let hiddenSize: Int
    let numLayers: Int
    let bias: Bool
    let batchFirst: Bool
    let dropout: Double
    let bidirectional: Bool
    /// `weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, weight_ih_l0_reverse, ...`.
    let names: [String]
    /// The parameters in the order of `names`: W_ih [G, I_l], W_hh [G, H], b_ih [G],
    /// b_hh [G] per layer and direction, G = gates * H.
    let weights: [Tensor]

    /// Checks the arguments as PyTorch does (in `layer`'s name) and creates the
    /// parameters, each uniform in ±1/sqrt(hidden_size) drawn in registration order.
    init(layer: String, gateCount: Int, inputSize: Int, hiddenSize: Int, numLayers: Int, bias: Bool,
         batchFirst: Bool, dropout: Double, bidirectional: Bool, generator: Generator = .global) throws {
        guard dropout >= 0 && dropout <= 1 else {
            throw TensorError(layer, "dropout should be a number in range [0, 1] representing the probability of an element being zeroed, got \(dropout)")
        }
        guard hiddenSize > 0 else { throw TensorError(layer, "hidden_size must be greater than zero, got \(hiddenSize)") }
        guard numLayers > 0 else { throw TensorError(layer, "num_layers must be greater than zero, got \(numLayers)") }
        guard inputSize >= 0 else { throw TensorError(layer, "input_size must be non-negative, got \(inputSize)") }
        // Sizes are multiplied below (gates x hidden) and num_layers makes that many
        // tensors: the hidden-to-hidden weights alone, num_layers x directions x
        // gates x hidden x hidden elements, must fit the tensor limit (checked products).
        for (name, v) in [("input_size", inputSize), ("hidden_size", hiddenSize)] where v > Shape.maxElements {
            throw TensorError(layer, "\(name) \(v) is too large (at most \(Shape.maxElements))")
        }
        var total = 1
        for f in [numLayers, bidirectional ? 2 : 1, gateCount, hiddenSize, hiddenSize] {
            let (m, overflow) = total.multipliedReportingOverflow(by: f)
            guard !overflow, m <= Shape.maxElements else {
                throw TensorError(layer, "num_layers=\(numLayers) with hidden_size=\(hiddenSize) is too large (more than \(Shape.maxElements) weights)")
            }
            total = m
        }
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.numLayers = numLayers
        self.bias = bias
        self.batchFirst = batchFirst
        self.dropout = dropout
        self.bidirectional = bidirectional
        names = Functional.recurrentParameterNames(numLayers: numLayers, bidirectional: bidirectional, bias: bias)
        let nd = bidirectional ? 2 : 1, g = gateCount * hiddenSize
        var weights: [Tensor] = []
        for l in 0..<numLayers {
            for _ in 0..<nd {
                let shapes = [[g, l == 0 ? inputSize : nd * hiddenSize], [g, hiddenSize]] + (bias ? [[g], [g]] : [])
                for shape in shapes {
                    try Shape.validate(shape, op: layer)
                    weights.append(try Tensor.zeros(shape).setRequiresGrad())
                }
            }
        }
        self.weights = weights
        let bound = 1 / Double(hiddenSize).squareRoot()
        for w in weights { try Init.uniform(w, a: -bound, b: bound, generator: generator) }
    }

    /// The parameters with their names.
    var namedParameters: [(String, Tensor)] { Array(zip(names, weights)) }

    /// PyTorch's extra_repr: `64, 64, num_layers=2, batch_first=true, bidirectional=true`,
    /// naming only the arguments that differ from their defaults.
    var extraRepr: String {
        var s = "\(inputSize), \(hiddenSize)"
        if numLayers != 1 { s += ", num_layers=\(numLayers)" }
        if !bias { s += ", bias=\(ReprFormat.bool(bias))" }
        if batchFirst { s += ", batch_first=\(ReprFormat.bool(batchFirst))" }
        if dropout != 0 { s += ", dropout=\(ReprFormat.float(dropout))" }
        if bidirectional { s += ", bidirectional=\(ReprFormat.bool(bidirectional))" }
        return s
    }

    /// The constructor arguments by PyTorch's names.
    var hyperParameters: [(String, HyperValue)] {
        [("input_size", .int(inputSize)), ("hidden_size", .int(hiddenSize)), ("num_layers", .int(numLayers)),
         ("bias", .bool(bias)), ("batch_first", .bool(batchFirst)), ("dropout", .double(dropout)),
         ("bidirectional", .bool(bidirectional))]
    }
}

/// The module side of LSTM and GRU: their constructor arguments read back, and their
/// parameters, printed form and hyper-parameters, all from the shared core.
public class RecurrentModule: Module {
    let core: RecurrentLayerCore

    init(_ core: RecurrentLayerCore) {
        self.core = core
        super.init()
    }

    /// Features of each input step.
    public var inputSize: Int { core.inputSize }
    /// H: features of the hidden state (and, for an LSTM, the cell state).
    public var hiddenSize: Int { core.hiddenSize }
    /// Stacked layers, each reading the previous one's output sequence.
    public var numLayers: Int { core.numLayers }
    /// Whether each layer has the biases b_ih and b_hh.
    public var bias: Bool { core.bias }
    /// Whether input and output are [N, T, features] instead of [T, N, features].
    public var batchFirst: Bool { core.batchFirst }
    /// Dropout probability on each layer's output but the last (training only).
    public var dropout: Double { core.dropout }
    /// Whether each layer also runs backwards over the sequence (D = 2).
    public var bidirectional: Bool { core.bidirectional }
    /// The parameters in PyTorch's order (its `_flat_weights`).
    public var flatWeights: [Tensor] { core.weights }

    /// `weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, weight_ih_l0_reverse, ...`:
    /// PyTorch's names and order, so state dict keys match.
    public override var ownParameters: [(String, Tensor)] { core.namedParameters }
    /// PyTorch's form: `64, 64, num_layers=2, batch_first=true, bidirectional=true`.
    public override var extraRepr: String { core.extraRepr }
    /// input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional.
    public override var hyperParameters: [(String, HyperValue)] { core.hyperParameters }
}
