import VisNN
import VisTensor

/// The layers of issue 17 (LIBRARY.md "Recurrent cells, embeddings, padding and
/// shuffles"): RNN and the recurrent cells, Embedding, Bilinear, the padding layers,
/// Unflatten, PixelShuffle / PixelUnshuffle / ChannelShuffle, and their functional forms
/// (F.pad, F.embedding, F.bilinear, F.pixel_shuffle, F.pixel_unshuffle,
/// F.channel_shuffle). PyTorch's parameter names, order and defaults.
enum NewLayerBuiltins {
    static let bias = Param("bias", .bool, default: .bool(true))

    static func add(to t: inout BuiltinTable) {
        typealias N = NNBuiltins
        addRecurrent(to: &t)
        t.function("Embedding", [Param("num_embeddings", .int), Param("embedding_dim", .int), Param("padding_idx", .optional(.int), default: Value.none),
                                 Param("max_norm", .optional(.float), default: Value.none), Param("norm_type", .float, default: .float(2)),
                                 Param("scale_grad_by_freq", .bool, default: .bool(false)), Param("sparse", .bool, default: .bool(false))],
                   "Embedding(num_embeddings, embedding_dim, padding_idx=none, max_norm=none, norm_type=2.0, scale_grad_by_freq=false, sparse=false): a table of vectors looked up by int64 indices of any shape (weight N(0, 1), the padding_idx row zero and never trained).\n  emb = Embedding(1000, 64, padding_idx=0); vectors = emb(tokens)") { a, _ in
            try noSparse(a)
            return N.value(try Embedding(a.int("num_embeddings"), a.int("embedding_dim"), paddingIdx: a.optionalInt("padding_idx"),
                                         maxNorm: a.optionalDouble("max_norm"), normType: a.double("norm_type"), scaleGradByFreq: a.bool("scale_grad_by_freq")))
        }
        let fromPretrained = NativeFunction("from_pretrained", [Param("embeddings", .tensor), Param("freeze", .bool, default: .bool(true)),
                                                                Param("padding_idx", .optional(.int), default: Value.none), Param("max_norm", .optional(.float), default: Value.none),
                                                                Param("norm_type", .float, default: .float(2)), Param("scale_grad_by_freq", .bool, default: .bool(false)),
                                                                Param("sparse", .bool, default: .bool(false))],
                                            doc: "Embedding.from_pretrained(embeddings, freeze=true, padding_idx=none, max_norm=none, norm_type=2.0, scale_grad_by_freq=false, sparse=false): an Embedding over the given 2-D tensor (shared, not copied); freeze=true keeps it from training.\n  emb = Embedding.from_pretrained(vectors, freeze=false)") { a, _ in
            try noSparse(a)
            let e = try a.tensor("embeddings")
            guard e.ndim == 2 else { throw NativeError("Embedding.from_pretrained: embeddings must be 2-D [num_embeddings, embedding_dim], got shape \(shapeString(e.shape))") }
            guard e.dtype.isFloatingPoint else { throw NativeError("Embedding.from_pretrained: embeddings must be a float tensor, got \(e.dtype)") }
            // PyTorch wraps the tensor itself in a Parameter: same memory, no history.
            let w = try e.detach().setRequiresGrad(!(try a.bool("freeze")))
            return N.value(try Embedding(e.shape[0], e.shape[1], paddingIdx: a.optionalInt("padding_idx"), maxNorm: a.optionalDouble("max_norm"),
                                         normType: a.double("norm_type"), scaleGradByFreq: a.bool("scale_grad_by_freq"), weight: w))
        }
        // A class method: reached as `Embedding.from_pretrained` (Members.get looks up a
        // builtin function's name in the method tables).
        t.methods.append(("Embedding", fromPretrained))
        t.function("embedding", [Param("input", .tensor), Param("weight", .tensor), Param("padding_idx", .optional(.int), default: Value.none),
                                 Param("max_norm", .optional(.float), default: Value.none), Param("norm_type", .float, default: .float(2)),
                                 Param("scale_grad_by_freq", .bool, default: .bool(false)), Param("sparse", .bool, default: .bool(false))],
                   "embedding(input, weight, padding_idx=none, max_norm=none, norm_type=2.0, scale_grad_by_freq=false, sparse=false): the rows of weight named by the int64 indices in input (shape input.shape + [embedding_dim]).\n  F.embedding(tokens, table)") { a, _ in
            try noSparse(a)
            return .tensor(try Functional.embedding(a.tensor("input"), weight: a.tensor("weight"), paddingIdx: a.optionalInt("padding_idx"), maxNorm: a.optionalDouble("max_norm"),
                                                    normType: a.double("norm_type"), scaleGradByFreq: a.bool("scale_grad_by_freq")))
        }
        t.function("Bilinear", [Param("in1_features", .int), Param("in2_features", .int), Param("out_features", .int), bias],
                   "Bilinear(in1_features, in2_features, out_features, bias=true): y = x1^T A x2 + b, weight [out, in1, in2], called with two inputs.\n  b = Bilinear(20, 30, 40); y = b(x1, x2)") { a, _ in
            N.value(try Bilinear(a.int("in1_features"), a.int("in2_features"), a.int("out_features"), bias: a.bool("bias")))
        }
        t.function("bilinear", [Param("input1", .tensor), Param("input2", .tensor), Param("weight", .tensor), Param("bias", .optional(.tensor), default: Value.none)],
                   "bilinear(input1, input2, weight, bias=none): y = x1^T A x2 + b with weight [out, in1, in2].\n  F.bilinear(x1, x2, w, b)") { a, _ in
            .tensor(try Functional.bilinear(a.tensor("input1"), a.tensor("input2"), weight: a.tensor("weight"), bias: a.optionalTensor("bias")))
        }
        t.function("Unflatten", [Param("dim", .int), Param("unflattened_size", .ints)],
                   "Unflatten(dim, unflattened_size): splits dimension dim into unflattened_size (one size may be -1).\n  Unflatten(1, (16, 7, 7))") { a, _ in
            N.value(Unflatten(dim: try a.int("dim"), unflattenedSize: try a.ints("unflattened_size")))
        }
        addPadding(to: &t)
        addShuffles(to: &t)
    }

    /// RNN, RNNCell, LSTMCell and GRUCell.
    static func addRecurrent(to t: inout BuiltinTable) {
        typealias N = NNBuiltins
        t.function("RNN", [Param("input_size", .int), Param("hidden_size", .int), Param("num_layers", .int, default: .int(1)),
                           Param("nonlinearity", .string, default: .string("tanh")), bias, Param("batch_first", .bool, default: .bool(false)),
                           Param("dropout", .float, default: .float(0)), Param("bidirectional", .bool, default: .bool(false))],
                   "RNN(input_size, hidden_size, num_layers=1, nonlinearity=\"tanh\", bias=true, batch_first=false, dropout=0, bidirectional=false): an Elman RNN, h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh) (or relu); calling it gives (output, h_n); rnn(x, h0) starts from a given state.\n  out, h = RNN(10, 20, 2)(seq)") { a, _ in
            N.value(try RNN(inputSize: a.int("input_size"), hiddenSize: a.int("hidden_size"), numLayers: a.int("num_layers"), nonlinearity: a.string("nonlinearity"),
                            bias: a.bool("bias"), batchFirst: a.bool("batch_first"), dropout: a.double("dropout"), bidirectional: a.bool("bidirectional")))
        }
        let cellParams = [Param("input_size", .int), Param("hidden_size", .int), bias]
        t.function("RNNCell", cellParams + [Param("nonlinearity", .string, default: .string("tanh"))],
                   "RNNCell(input_size, hidden_size, bias=true, nonlinearity=\"tanh\"): one Elman step; cell(x, hx=none) gives h' ([batch, hidden_size], or [hidden_size] for a 1-D x).\n  h = cell(x, h)") { a, _ in
            N.value(try RNNCell(inputSize: a.int("input_size"), hiddenSize: a.int("hidden_size"), bias: a.bool("bias"), nonlinearity: a.string("nonlinearity")))
        }
        t.function("LSTMCell", cellParams,
                   "LSTMCell(input_size, hidden_size, bias=true): one LSTM step; cell(x, hx=none) with hx = (h, c) gives (h', c').\n  h, c = cell(x, (h, c))") { a, _ in
            N.value(try LSTMCell(inputSize: a.int("input_size"), hiddenSize: a.int("hidden_size"), bias: a.bool("bias")))
        }
        t.function("GRUCell", cellParams,
                   "GRUCell(input_size, hidden_size, bias=true): one GRU step; cell(x, hx=none) gives h'.\n  h = cell(x, h)") { a, _ in
            N.value(try GRUCell(inputSize: a.int("input_size"), hiddenSize: a.int("hidden_size"), bias: a.bool("bias")))
        }
    }

    /// The padding layers and F.pad.
    static func addPadding(to t: inout BuiltinTable) {
        typealias N = NNBuiltins
        let layers: [(String, Int, PadMode, String)] = [
            ("ZeroPad1d", 1, .constant, "zeros"), ("ZeroPad2d", 2, .constant, "zeros"),
            ("ReflectionPad1d", 1, .reflect, "the mirror image (without the edge)"), ("ReflectionPad2d", 2, .reflect, "the mirror image (without the edge)"),
            ("ReplicationPad1d", 1, .replicate, "copies of the edge"), ("ReplicationPad2d", 2, .replicate, "copies of the edge"),
            ("CircularPad1d", 1, .circular, "the other side (wrapping around)"), ("CircularPad2d", 2, .circular, "the other side (wrapping around)"),
        ]
        for (name, dims, mode, fill) in layers {
            let sides = dims == 1 ? "(left, right)" : "(left, right, top, bottom)"
            t.function(name, [Param("padding", .ints)],
                       "\(name)(padding): pads the last \(dims == 1 ? "dimension" : "two dimensions") with \(fill); padding is an int or \(sides).\n  \(name)(\(dims == 1 ? "(1, 2)" : "(1, 1, 2, 0)"))") { a, _ in
                N.value(try Pad(name, dims: dims, padding: a.ints("padding"), mode: mode))
            }
        }
        for (name, dims) in [("ConstantPad1d", 1), ("ConstantPad2d", 2)] {
            let sides = dims == 1 ? "(left, right)" : "(left, right, top, bottom)"
            t.function(name, [Param("padding", .ints), Param("value", .float)],
                       "\(name)(padding, value): pads the last \(dims == 1 ? "dimension" : "two dimensions") with value; padding is an int or \(sides).\n  \(name)(2, 3.5)") { a, _ in
                N.value(try Pad(name, dims: dims, padding: a.ints("padding"), mode: .constant, value: a.double("value"), showsValue: true))
            }
        }
        t.function("pad", [Param("input", .tensor), Param("pad", .ints), Param("mode", .string, default: .string("constant")),
                           Param("value", .optional(.float), default: Value.none)],
                   "pad(input, pad, mode=\"constant\", value=none): pads the last dimensions by (left, right) pairs starting with the last dimension; mode \"constant\" (value, default 0; negative amounts crop), \"reflect\", \"replicate\" or \"circular\".\n  F.pad(x, (1, 1, 2, 2), mode=\"reflect\")") { a, _ in
            let mode = try a.string("mode")
            guard let m = PadMode(rawValue: mode) else {
                throw NativeError("pad: mode must be \"constant\", \"reflect\", \"replicate\" or \"circular\", got \(Repr.quote(mode))")
            }
            let value = try a.optionalDouble("value")
            if m != .constant, let value, value != 0 {
                throw NativeError("pad: padding mode \"\(mode)\" doesn't take in value argument, got value=\(value)")
            }
            return .tensor(try Functional.pad(a.tensor("input"), a.ints("pad"), mode: m, value: value ?? 0))
        }
    }

    /// PixelShuffle, PixelUnshuffle, ChannelShuffle and their functional forms.
    static func addShuffles(to t: inout BuiltinTable) {
        typealias N = NNBuiltins
        let x = Param("input", .tensor)
        t.function("PixelShuffle", [Param("upscale_factor", .int)],
                   "PixelShuffle(upscale_factor): [*, C r^2, H, W] -> [*, C, H r, W r] (sub-pixel upsampling).\n  PixelShuffle(2)") { a, _ in
            N.value(PixelShuffle(upscaleFactor: try a.int("upscale_factor")))
        }
        t.function("PixelUnshuffle", [Param("downscale_factor", .int)],
                   "PixelUnshuffle(downscale_factor): [*, C, H r, W r] -> [*, C r^2, H, W] (the inverse of PixelShuffle).\n  PixelUnshuffle(2)") { a, _ in
            N.value(PixelUnshuffle(downscaleFactor: try a.int("downscale_factor")))
        }
        t.function("ChannelShuffle", [Param("groups", .int)],
                   "ChannelShuffle(groups): interleaves the channels of groups groups of [N, C, *] (ShuffleNet).\n  ChannelShuffle(2)") { a, _ in
            N.value(ChannelShuffle(groups: try a.int("groups")))
        }
        t.function("pixel_shuffle", [x, Param("upscale_factor", .int)],
                   "pixel_shuffle(input, upscale_factor): [*, C r^2, H, W] -> [*, C, H r, W r].\n  F.pixel_shuffle(x, 2)") { a, _ in
            .tensor(try Functional.pixelShuffle(a.tensor("input"), upscaleFactor: a.int("upscale_factor")))
        }
        t.function("pixel_unshuffle", [x, Param("downscale_factor", .int)],
                   "pixel_unshuffle(input, downscale_factor): [*, C, H r, W r] -> [*, C r^2, H, W].\n  F.pixel_unshuffle(x, 2)") { a, _ in
            .tensor(try Functional.pixelUnshuffle(a.tensor("input"), downscaleFactor: a.int("downscale_factor")))
        }
        t.function("channel_shuffle", [x, Param("groups", .int)],
                   "channel_shuffle(input, groups): interleaves the channels of groups groups of [N, C, *].\n  F.channel_shuffle(x, 4)") { a, _ in
            .tensor(try Functional.channelShuffle(a.tensor("input"), groups: a.int("groups")))
        }
    }

    /// vis has no sparse tensors: `sparse=true` would give a different gradient type.
    static func noSparse(_ a: BoundArguments) throws {
        if try a.bool("sparse") {
            throw NativeError("\(a.function): sparse=true is not supported (vis has no sparse tensors; the dense gradient of sparse=false has the same values)")
        }
    }
}

extension NativeModule {
    /// Calls of the layers above that take or give more than one tensor: RNN (input,
    /// hx=none) -> (output, h_n); RNNCell / GRUCell (input, hx=none) -> h'; LSTMCell
    /// (input, hx=none) with hx = (h, c) -> (h', c'); Bilinear (input1, input2). Nil for
    /// any other layer.
    func callNewLayer(_ args: Arguments) throws -> Value? {
        let names: [String]
        switch module {
        case is RNN, is RecurrentCellModule: names = ["input", "hx"]
        case is Bilinear: names = ["input1", "input2"]
        default: return nil
        }
        var values = [Value?](repeating: nil, count: names.count)
        guard args.positional.count <= names.count else {
            throw NativeError("\(typeName) takes (\(names.joined(separator: ", "))), got \(args.positional.count) positional arguments")
        }
        for (i, v) in args.positional.enumerated() { values[i] = v }
        for (k, v) in args.keywords {
            guard let i = names.firstIndex(of: k), values[i] == nil else {
                throw NativeError("\(typeName): unexpected or repeated argument '\(k)' (it takes \(names.joined(separator: ", ")))")
            }
            values[i] = v
        }
        guard let first = values[0] else { throw NativeError("\(typeName): missing the input tensor") }
        let x = try Convert.tensor(first, context: "\(typeName) \(names[0])")
        let second = values[1].flatMap { $0.isNone ? nil : $0 }
        func tensor(_ v: Value?, _ what: String) throws -> Tensor? { try v.map { try Convert.tensor($0, context: "\(typeName) \(what)") } }
        do {
            let result: Value, traced: Tensor
            switch module {
            case let m as RNN:
                let r = try m.forward(x, h0: tensor(second, "hx"))
                (result, traced) = (.tuple([.tensor(r.output), .tensor(r.h)]), r.output)
            case let m as LSTMCell:
                var h: Tensor? = nil, c: Tensor? = nil
                if let second {
                    if case .tensor = second { throw NativeError("LSTMCell: hx must be a pair (h, c) of tensors, got a single tensor") }
                    let states = try Iteration.elements(second)
                    guard states.count == 2 else { throw NativeError("LSTMCell: hx must be a pair (h, c), got \(states.count) values") }
                    h = try tensor(states[0], "h")
                    c = try tensor(states[1], "c")
                }
                let r = try m.forward(x, hx: h, cx: c)
                (result, traced) = (.tuple([.tensor(r.h), .tensor(r.c)]), r.h)
            case let m as RNNCell:
                let h = try m.forward(x, hx: tensor(second, "hx"))
                (result, traced) = (.tensor(h), h)
            case let m as GRUCell:
                let h = try m.forward(x, hx: tensor(second, "hx"))
                (result, traced) = (.tensor(h), h)
            case let m as Bilinear:
                guard let x2 = try tensor(second, "input2") else { throw NativeError("Bilinear takes two inputs (input1, input2), got one") }
                let y = try m.forward(x, x2)
                (result, traced) = (.tensor(y), y)
            default:
                return nil
            }
            if let tracer = Module.tracer { tracer(module, traced) }
            return result
        } catch let e as TensorError {
            throw LayerError(layerType: typeName, message: e.op == typeName ? e.reason : e.message)
        }
    }
}
