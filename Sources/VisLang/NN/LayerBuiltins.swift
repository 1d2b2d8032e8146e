import VisNN
import VisTensor

/// The layer constructors (LIBRARY.md "Layers"), with PyTorch's parameter names,
/// order and defaults.
enum LayerBuiltins {
    static let bias = Param("bias", .bool, default: .bool(true))

    static func add(to t: inout BuiltinTable) {
        typealias N = NNBuiltins
        t.function("Linear", [Param("in_features", .int), Param("out_features", .int), bias],
                   "Linear(in_features, out_features, bias=true): y = x W^T + b, weight [out, in], PyTorch's init.\n  Linear(512, 10)") { a, _ in
            N.value(try Linear(a.int(0), a.int(1), bias: a.bool(2)))
        }
        t.function("LazyLinear", [Param("out_features", .int), bias],
                   "LazyLinear(out_features, bias=true): a Linear whose in_features is taken from its first input.") { a, _ in
            N.value(LazyLinear(try a.int(0), bias: try a.bool(1)))
        }
        let convTail = [Param("stride", .ints, default: .int(1)), Param("padding", .oneOf([.ints, .string]), default: .int(0)),
                        Param("dilation", .ints, default: .int(1)), Param("groups", .int, default: .int(1)), bias,
                        Param("padding_mode", .string, default: .string("zeros"))]
        t.function("Conv2d", [Param("in_channels", .int), Param("out_channels", .int), Param("kernel_size", .ints)] + convTail,
                   "Conv2d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=true, padding_mode=\"zeros\"): 2-D convolution; padding may be \"same\" or \"valid\".\n  Conv2d(3, 16, 3, padding=1)") { a, _ in
            try checkPaddingMode(a, 8)
            return N.value(try Conv2d(a.int(0), a.int(1), kernelSize: N.pair(a, 2), stride: N.pair(a, 3), padding: N.padding(a, 4),
                                      dilation: N.pair(a, 5), groups: a.int(6), bias: a.bool(7)))
        }
        t.function("LazyConv2d", [Param("out_channels", .int), Param("kernel_size", .ints)] + convTail,
                   "LazyConv2d(out_channels, kernel_size, ...): a Conv2d whose in_channels comes from its first input.") { a, _ in
            try checkPaddingMode(a, 7)
            return N.value(LazyConv2d(try a.int(0), kernelSize: try N.pair(a, 1), stride: try N.pair(a, 2), padding: try N.padding(a, 3),
                                      dilation: try N.pair(a, 4), groups: try a.int(5), bias: try a.bool(6)))
        }
        t.function("ConvTranspose2d", [Param("in_channels", .int), Param("out_channels", .int), Param("kernel_size", .ints),
                                        Param("stride", .ints, default: .int(1)), Param("padding", .ints, default: .int(0)),
                                        Param("output_padding", .ints, default: .int(0)), Param("groups", .int, default: .int(1)), bias,
                                        Param("dilation", .ints, default: .int(1))],
                   "ConvTranspose2d(in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=true, dilation=1): transposed convolution (upsampling).\n  ConvTranspose2d(64, 32, 2, stride=2)") { a, _ in
            N.value(try ConvTranspose2d(a.int(0), a.int(1), kernelSize: N.pair(a, 2), stride: N.pair(a, 3), padding: N.pair(a, 4),
                                        outputPadding: N.pair(a, 5), dilation: N.pair(a, 8), groups: a.int(6), bias: a.bool(7)))
        }
        t.function("MaxPool2d", [Param("kernel_size", .ints), Param("stride", .optional(.ints), default: Value.none), Param("padding", .ints, default: .int(0)),
                                  Param("dilation", .ints, default: .int(1)), Param("return_indices", .bool, default: .bool(false)),
                                  Param("ceil_mode", .bool, default: .bool(false))],
                   "MaxPool2d(kernel_size, stride=none, padding=0, dilation=1, return_indices=false, ceil_mode=false): max over windows.\n  MaxPool2d(2)") { a, _ in
            if try a.bool(4) { throw NativeError("MaxPool2d: return_indices=true is not supported") }
            return N.value(MaxPool2d(kernelSize: try N.pair(a, 0), stride: a[1].isNone ? nil : try N.pair(a, 1), padding: try N.pair(a, 2),
                                     dilation: try N.pair(a, 3), ceilMode: try a.bool(5), shownAsInts: N.isInt(a, 0)))
        }
        t.function("AvgPool2d", [Param("kernel_size", .ints), Param("stride", .optional(.ints), default: Value.none), Param("padding", .ints, default: .int(0)),
                                  Param("ceil_mode", .bool, default: .bool(false)), Param("count_include_pad", .bool, default: .bool(true))],
                   "AvgPool2d(kernel_size, stride=kernel_size, padding=0, ceil_mode=false, count_include_pad=true): mean over windows.") { a, _ in
            N.value(AvgPool2d(kernelSize: try N.pair(a, 0), stride: a[1].isNone ? nil : try N.pair(a, 1), padding: try N.pair(a, 2),
                              ceilMode: try a.bool(3), countIncludePad: try a.bool(4), shownAsInts: N.isInt(a, 0)))
        }
        t.function("AdaptiveAvgPool2d", [Param("output_size", .ints)], "AdaptiveAvgPool2d(output_size): average-pools to a fixed size (1 for global pooling).") { a, _ in
            N.value(AdaptiveAvgPool2d(outputSize: try N.pair(a, 0), shownAsInt: N.isInt(a, 0)))
        }
        t.function("AdaptiveMaxPool2d", [Param("output_size", .ints)], "AdaptiveMaxPool2d(output_size): max-pools to a fixed size.") { a, _ in
            N.value(AdaptiveMaxPool2d(outputSize: try N.pair(a, 0), shownAsInt: N.isInt(a, 0)))
        }
        for (name, dims) in [("BatchNorm1d", 1), ("BatchNorm2d", 2)] {
            t.function(name, [Param("num_features", .int), Param("eps", .float, default: .float(1e-5)), Param("momentum", .float, default: .float(0.1)),
                              Param("affine", .bool, default: .bool(true)), Param("track_running_stats", .bool, default: .bool(true))],
                       "\(name)(num_features, eps=1e-5, momentum=0.1, affine=true, track_running_stats=true): batch normalisation with running statistics.") { a, _ in
                N.value(try BatchNorm(a.int(0), spatialDims: dims, eps: a.double(1), momentum: a.double(2), affine: a.bool(3), trackRunningStats: a.bool(4)))
            }
        }
        t.function("LayerNorm", [Param("normalized_shape", .ints), Param("eps", .float, default: .float(1e-5)), Param("elementwise_affine", .bool, default: .bool(true))],
                   "LayerNorm(normalized_shape, eps=1e-5, elementwise_affine=true): normalises over the last dimensions.") { a, _ in
            N.value(try LayerNorm(a.ints(0), eps: a.double(1), elementwiseAffine: a.bool(2)))
        }
        t.function("GroupNorm", [Param("num_groups", .int), Param("num_channels", .int), Param("eps", .float, default: .float(1e-5)), Param("affine", .bool, default: .bool(true))],
                   "GroupNorm(num_groups, num_channels, eps=1e-5, affine=true): normalises groups of channels.") { a, _ in
            N.value(try GroupNorm(a.int(0), a.int(1), eps: a.double(2), affine: a.bool(3)))
        }
        for (name, channels) in [("Dropout", false), ("Dropout2d", true)] {
            t.function(name, [Param("p", .float, default: .float(0.5)), Param("inplace", .bool, default: .bool(false))],
                       "\(name)(p=0.5, inplace=false): zeroes \(channels ? "whole channels" : "elements") with probability p in training (scaling the rest by 1/(1-p)); identity in eval.") { a, _ in
                N.value(try Dropout(p: a.double(0), channels: channels))
            }
        }
        let activations: [(String, Activation.Kind)] = [("ReLU", .relu), ("GELU", .gelu), ("SiLU", .silu), ("Sigmoid", .sigmoid), ("Tanh", .tanh)]
        for (name, kind) in activations {
            t.function(name, [Param("inplace", .any, default: .bool(false))], "\(name)(inplace=false): the \(name) activation as a layer.") { _, _ in N.value(Activation(kind)) }
        }
        t.function("LeakyReLU", [Param("negative_slope", .float, default: .float(0.01)), Param("inplace", .bool, default: .bool(false))],
                   "LeakyReLU(negative_slope=0.01, inplace=false): x for x > 0, slope * x otherwise.") { a, _ in
            N.value(Activation(.leakyRelu, negativeSlope: try a.double(0)))
        }
        for (name, kind) in [("Softmax", Activation.Kind.softmax), ("LogSoftmax", .logSoftmax)] {
            t.function(name, [Param("dim", .optional(.int), default: Value.none)], "\(name)(dim=none): \(name.lowercased()) along dim as a layer.") { a, _ in
                N.value(Activation(kind, dim: try a.optionalInt(0)))
            }
        }
        t.function("Flatten", [Param("start_dim", .int, default: .int(1)), Param("end_dim", .int, default: .int(-1))],
                   "Flatten(start_dim=1, end_dim=-1): merges dimensions (keeps the batch dimension by default).") { a, _ in
            N.value(Flatten(startDim: try a.int(0), endDim: try a.int(1)))
        }
        t.function("Identity", [], "Identity(): passes its input through.") { _, _ in N.value(Identity()) }
        t.function("Upsample", [Param("size", .optional(.ints), default: Value.none), Param("scale_factor", .optional(.oneOf([.float, .list])), default: Value.none),
                                 Param("mode", .string, default: .string("nearest")), Param("align_corners", .optional(.bool), default: Value.none)],
                   "Upsample(size=none, scale_factor=none, mode=\"nearest\", align_corners=none): resizes [N, C, H, W] (mode \"nearest\" or \"bilinear\").") { a, _ in
            let mode = try a.string(2)
            guard let m = InterpolationMode(rawValue: mode) else { throw NativeError("Upsample: mode must be \"nearest\" or \"bilinear\", got \(Repr.quote(mode))") }
            return N.value(try Upsample(size: a[0].isNone ? nil : try N.pair(a, 0), scaleFactor: try FunctionalBuiltins.scale(a, 1), mode: m,
                                        alignCorners: a[3].isNone ? nil : try a.bool(3)))
        }
        let rnnParams = [Param("input_size", .int), Param("hidden_size", .int), Param("num_layers", .int, default: .int(1)), bias,
                         Param("batch_first", .bool, default: .bool(false)), Param("dropout", .float, default: .float(0)), Param("bidirectional", .bool, default: .bool(false))]
        t.function("LSTM", rnnParams,
                   "LSTM(input_size, hidden_size, num_layers=1, bias=true, batch_first=false, dropout=0, bidirectional=false): calling it gives (output, (h, c)); lstm(x, (h0, c0)) starts from given states.\n  out, (h, c) = lstm(seq)") { a, _ in
            N.value(try LSTM(inputSize: a.int(0), hiddenSize: a.int(1), numLayers: a.int(2), bias: a.bool(3), batchFirst: a.bool(4), dropout: a.double(5), bidirectional: a.bool(6)))
        }
        t.function("GRU", rnnParams,
                   "GRU(input_size, hidden_size, num_layers=1, bias=true, batch_first=false, dropout=0, bidirectional=false): calling it gives (output, h); gru(x, h0) starts from a given state.") { a, _ in
            N.value(try GRU(inputSize: a.int(0), hiddenSize: a.int(1), numLayers: a.int(2), bias: a.bool(3), batchFirst: a.bool(4), dropout: a.double(5), bidirectional: a.bool(6)))
        }
        t.function("Sequential", [Param("modules", .any, variadic: true)], "Sequential(*modules): applies layers in order; children are named 0, 1, ...") { a, rt in
            var items = try a.list(0)
            if items.count == 1, case .list(let l) = items[0] { items = l.items }
            return N.value(Sequential(try items.enumerated().map { try N.module($0.element, "Sequential: argument \($0.offset)", runtime: rt) }))
        }
        t.function("ModuleList", [Param("modules", .list, default: .list(ListBox([])))], "ModuleList(modules=[]): a list of modules registered as children 0, 1, ...") { a, rt in
            N.value(ModuleList(try a.list(0).enumerated().map { try N.module($0.element, "ModuleList: element \($0.offset)", runtime: rt) }))
        }
    }

    static func checkPaddingMode(_ a: BoundArguments, _ i: Int) throws {
        let mode = try a.string(i)
        guard mode == "zeros" else { throw NativeError("\(a.function): padding_mode \(Repr.quote(mode)) is not supported (only \"zeros\")") }
    }
}
