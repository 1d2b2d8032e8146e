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
            N.value(try Linear(a.int("in_features"), a.int("out_features"), bias: a.bool("bias")))
        }
        t.function("LazyLinear", [Param("out_features", .int), bias],
                   "LazyLinear(out_features, bias=true): a Linear whose in_features is taken from its first input.") { a, _ in
            N.value(LazyLinear(try a.int("out_features"), bias: try a.bool("bias")))
        }
        let convTail = [Param("stride", .ints, default: .int(1)), Param("padding", .oneOf([.ints, .string]), default: .int(0)),
                        Param("dilation", .ints, default: .int(1)), Param("groups", .int, default: .int(1)), bias,
                        Param("padding_mode", .string, default: .string("zeros"))]
        t.function("Conv2d", [Param("in_channels", .int), Param("out_channels", .int), Param("kernel_size", .ints)] + convTail,
                   "Conv2d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=true, padding_mode=\"zeros\"): 2-D convolution; padding may be \"same\" or \"valid\".\n  Conv2d(3, 16, 3, padding=1)") { a, _ in
            try checkPaddingMode(a)
            return N.value(try Conv2d(a.int("in_channels"), a.int("out_channels"), kernelSize: N.pair(a, "kernel_size"), stride: N.pair(a, "stride"), padding: N.padding(a, "padding"),
                                      dilation: N.pair(a, "dilation"), groups: a.int("groups"), bias: a.bool("bias")))
        }
        t.function("LazyConv2d", [Param("out_channels", .int), Param("kernel_size", .ints)] + convTail,
                   "LazyConv2d(out_channels, kernel_size, ...): a Conv2d whose in_channels comes from its first input.") { a, _ in
            try checkPaddingMode(a)
            return N.value(LazyConv2d(try a.int("out_channels"), kernelSize: try N.pair(a, "kernel_size"), stride: try N.pair(a, "stride"), padding: try N.padding(a, "padding"),
                                      dilation: try N.pair(a, "dilation"), groups: try a.int("groups"), bias: try a.bool("bias")))
        }
        t.function("ConvTranspose2d", [Param("in_channels", .int), Param("out_channels", .int), Param("kernel_size", .ints),
                                        Param("stride", .ints, default: .int(1)), Param("padding", .ints, default: .int(0)),
                                        Param("output_padding", .ints, default: .int(0)), Param("groups", .int, default: .int(1)), bias,
                                        Param("dilation", .ints, default: .int(1))],
                   "ConvTranspose2d(in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=true, dilation=1): transposed convolution (upsampling).\n  ConvTranspose2d(64, 32, 2, stride=2)") { a, _ in
            N.value(try ConvTranspose2d(a.int("in_channels"), a.int("out_channels"), kernelSize: N.pair(a, "kernel_size"), stride: N.pair(a, "stride"), padding: N.pair(a, "padding"),
                                        outputPadding: N.pair(a, "output_padding"), dilation: N.pair(a, "dilation"), groups: a.int("groups"), bias: a.bool("bias")))
        }
        t.function("MaxPool2d", [Param("kernel_size", .ints), Param("stride", .optional(.ints), default: Value.none), Param("padding", .ints, default: .int(0)),
                                  Param("dilation", .ints, default: .int(1)), Param("return_indices", .bool, default: .bool(false)),
                                  Param("ceil_mode", .bool, default: .bool(false))],
                   "MaxPool2d(kernel_size, stride=none, padding=0, dilation=1, return_indices=false, ceil_mode=false): max over windows.\n  MaxPool2d(2)") { a, _ in
            if try a.bool("return_indices") { throw NativeError("MaxPool2d: return_indices=true is not supported") }
            return N.value(MaxPool2d(kernelSize: try N.pair(a, "kernel_size"), stride: a["stride"].isNone ? nil : try N.pair(a, "stride"), padding: try N.pair(a, "padding"),
                                     dilation: try N.pair(a, "dilation"), ceilMode: try a.bool("ceil_mode"), shownAsInts: N.isInt(a, "kernel_size")))
        }
        t.function("AvgPool2d", [Param("kernel_size", .ints), Param("stride", .optional(.ints), default: Value.none), Param("padding", .ints, default: .int(0)),
                                  Param("ceil_mode", .bool, default: .bool(false)), Param("count_include_pad", .bool, default: .bool(true))],
                   "AvgPool2d(kernel_size, stride=kernel_size, padding=0, ceil_mode=false, count_include_pad=true): mean over windows.") { a, _ in
            N.value(AvgPool2d(kernelSize: try N.pair(a, "kernel_size"), stride: a["stride"].isNone ? nil : try N.pair(a, "stride"), padding: try N.pair(a, "padding"),
                              ceilMode: try a.bool("ceil_mode"), countIncludePad: try a.bool("count_include_pad"), shownAsInts: N.isInt(a, "kernel_size")))
        }
        t.function("AdaptiveAvgPool2d", [Param("output_size", .ints)], "AdaptiveAvgPool2d(output_size): average-pools to a fixed size (1 for global pooling).") { a, _ in
            N.value(AdaptiveAvgPool2d(outputSize: try N.pair(a, "output_size"), shownAsInt: N.isInt(a, "output_size")))
        }
        t.function("AdaptiveMaxPool2d", [Param("output_size", .ints)], "AdaptiveMaxPool2d(output_size): max-pools to a fixed size.") { a, _ in
            N.value(AdaptiveMaxPool2d(outputSize: try N.pair(a, "output_size"), shownAsInt: N.isInt(a, "output_size")))
        }
        for (name, dims) in [("BatchNorm1d", 1), ("BatchNorm2d", 2)] {
            t.function(name, [Param("num_features", .int), Param("eps", .float, default: .float(1e-5)), Param("momentum", .float, default: .float(0.1)),
                              Param("affine", .bool, default: .bool(true)), Param("track_running_stats", .bool, default: .bool(true))],
                       "\(name)(num_features, eps=1e-5, momentum=0.1, affine=true, track_running_stats=true): batch normalisation with running statistics.") { a, _ in
                N.value(try BatchNorm(a.int("num_features"), spatialDims: dims, eps: a.double("eps"), momentum: a.double("momentum"), affine: a.bool("affine"), trackRunningStats: a.bool("track_running_stats")))
            }
        }
        t.function("LayerNorm", [Param("normalized_shape", .ints), Param("eps", .float, default: .float(1e-5)), Param("elementwise_affine", .bool, default: .bool(true))],
                   "LayerNorm(normalized_shape, eps=1e-5, elementwise_affine=true): normalises over the last dimensions.") { a, _ in
            N.value(try LayerNorm(a.ints("normalized_shape"), eps: a.double("eps"), elementwiseAffine: a.bool("elementwise_affine")))
        }
        t.function("GroupNorm", [Param("num_groups", .int), Param("num_channels", .int), Param("eps", .float, default: .float(1e-5)), Param("affine", .bool, default: .bool(true))],
                   "GroupNorm(num_groups, num_channels, eps=1e-5, affine=true): normalises groups of channels.") { a, _ in
            N.value(try GroupNorm(a.int("num_groups"), a.int("num_channels"), eps: a.double("eps"), affine: a.bool("affine")))
        }
        for (name, channels) in [("Dropout", false), ("Dropout2d", true)] {
            t.function(name, [Param("p", .float, default: .float(0.5)), Param("inplace", .bool, default: .bool(false))],
                       "\(name)(p=0.5, inplace=false): zeroes \(channels ? "whole channels" : "elements") with probability p in training (scaling the rest by 1/(1-p)); identity in eval.") { a, _ in
                N.value(try Dropout(p: a.double("p"), channels: channels))
            }
        }
        // ReLU and SiLU take PyTorch's inplace flag (the result written into the input);
        // Sigmoid and Tanh take no arguments, as in PyTorch. GELU is ActivationBuiltins'.
        for (name, kind) in [("ReLU", Activation.Kind.relu), ("SiLU", .silu)] {
            t.function(name, [Param("inplace", .bool, default: .bool(false))],
                       "\(name)(inplace=false): the \(name.lowercased()) activation as a layer; inplace=true writes the result into the input.\n  nn.\(name)()") { a, _ in
                N.value(Activation(kind, inplace: try a.bool("inplace")))
            }
        }
        for (name, kind) in [("Sigmoid", Activation.Kind.sigmoid), ("Tanh", .tanh)] {
            t.function(name, [], "\(name)(): the \(name.lowercased()) activation as a layer.\n  nn.\(name)()") { _, _ in N.value(Activation(kind)) }
        }
        t.function("LeakyReLU", [Param("negative_slope", .float, default: .float(0.01)), Param("inplace", .bool, default: .bool(false))],
                   "LeakyReLU(negative_slope=0.01, inplace=false): x for x > 0, slope * x otherwise.") { a, _ in
            N.value(Activation(.leakyRelu, negativeSlope: try a.double("negative_slope"), inplace: try a.bool("inplace")))
        }
        for (name, kind) in [("Softmax", Activation.Kind.softmax), ("LogSoftmax", .logSoftmax)] {
            t.function(name, [Param("dim", .optional(.int), default: Value.none)], "\(name)(dim=none): \(name.lowercased()) along dim as a layer.") { a, _ in
                N.value(Activation(kind, dim: try a.optionalInt("dim")))
            }
        }
        t.function("Flatten", [Param("start_dim", .int, default: .int(1)), Param("end_dim", .int, default: .int(-1))],
                   "Flatten(start_dim=1, end_dim=-1): merges dimensions (keeps the batch dimension by default).") { a, _ in
            N.value(Flatten(startDim: try a.int("start_dim"), endDim: try a.int("end_dim")))
        }
        t.function("Identity", [], "Identity(): passes its input through.") { _, _ in N.value(Identity()) }
        t.function("Upsample", [Param("size", .optional(.ints), default: Value.none), Param("scale_factor", .optional(.oneOf([.float, .list])), default: Value.none),
                                 Param("mode", .string, default: .string("nearest")), Param("align_corners", .optional(.bool), default: Value.none)],
                   "Upsample(size=none, scale_factor=none, mode=\"nearest\", align_corners=none): resizes [N, C, H, W] (mode \"nearest\" or \"bilinear\").") { a, _ in
            let mode = try a.string("mode")
            guard let m = InterpolationMode(rawValue: mode) else { throw NativeError("Upsample: mode must be \"nearest\" or \"bilinear\", got \(Repr.quote(mode))") }
            return N.value(try Upsample(size: a["size"].isNone ? nil : try N.pair(a, "size"), scaleFactor: try FunctionalBuiltins.scale(a, "scale_factor"), mode: m,
                                        alignCorners: a["align_corners"].isNone ? nil : try a.bool("align_corners")))
        }
        let rnnParams = [Param("input_size", .int), Param("hidden_size", .int), Param("num_layers", .int, default: .int(1)), bias,
                         Param("batch_first", .bool, default: .bool(false)), Param("dropout", .float, default: .float(0)), Param("bidirectional", .bool, default: .bool(false))]
        t.function("LSTM", rnnParams,
                   "LSTM(input_size, hidden_size, num_layers=1, bias=true, batch_first=false, dropout=0, bidirectional=false): calling it gives (output, (h, c)); lstm(x, (h0, c0)) starts from given states.\n  out, (h, c) = lstm(seq)") { a, _ in
            N.value(try LSTM(inputSize: a.int("input_size"), hiddenSize: a.int("hidden_size"), numLayers: a.int("num_layers"), bias: a.bool("bias"), batchFirst: a.bool("batch_first"), dropout: a.double("dropout"), bidirectional: a.bool("bidirectional")))
        }
        t.function("GRU", rnnParams,
                   "GRU(input_size, hidden_size, num_layers=1, bias=true, batch_first=false, dropout=0, bidirectional=false): calling it gives (output, h); gru(x, h0) starts from a given state.") { a, _ in
            N.value(try GRU(inputSize: a.int("input_size"), hiddenSize: a.int("hidden_size"), numLayers: a.int("num_layers"), bias: a.bool("bias"), batchFirst: a.bool("batch_first"), dropout: a.double("dropout"), bidirectional: a.bool("bidirectional")))
        }
        t.function("Sequential", [Param("modules", .any, variadic: true)], "Sequential(*modules): applies layers in order; children are named 0, 1, ...") { a, rt in
            var items = try a.list("modules")
            if items.count == 1, case .list(let l) = items[0] { items = l.items }
            return N.value(Sequential(try items.enumerated().map { try N.module($0.element, "Sequential: argument \($0.offset)", runtime: rt) }))
        }
        t.function("ModuleList", [Param("modules", .list, default: .list(ListBox([])))], "ModuleList(modules=[]): a list of modules registered as children 0, 1, ...") { a, rt in
            N.value(ModuleList(try a.list("modules").enumerated().map { try N.module($0.element, "ModuleList: element \($0.offset)", runtime: rt) }))
        }
    }

    static func checkPaddingMode(_ a: BoundArguments) throws {
        let mode = try a.string("padding_mode")
        guard mode == "zeros" else { throw NativeError("\(a.function): padding_mode \(Repr.quote(mode)) is not supported (only \"zeros\")") }
    }
}
