import VisNN
import VisTensor

/// Functional forms of the layers (PyTorch's torch.nn.functional names).
enum FunctionalBuiltins {
    /// A scale factor given as a number or a pair of numbers, or nil for none.
    static func scale(_ a: BoundArguments, _ name: String = "scale_factor") throws -> (Double, Double)? {
        switch a[name] {
        case .none: return nil
        case .int, .float: let s = try a.double(name); return (s, s)
        default:
            let xs = try a.list(name).map { v -> Double in
                guard let d = v.asDouble else { throw NativeError("\(a.function): scale_factor must be numbers") }
                return d
            }
            guard xs.count == 2 else { throw NativeError("\(a.function): scale_factor must be a number or a pair, got \(xs.count) values") }
            return (xs[0], xs[1])
        }
    }

    static func add(to t: inout BuiltinTable) {
        typealias N = NNBuiltins
        let x = Param("input", .tensor)
        t.function("linear", [x, Param("weight", .tensor), Param("bias", .optional(.tensor), default: Value.none)],
                   "linear(input, weight, bias=none): x @ weight^T + bias.") { a, _ in
            .tensor(try Functional.linear(a.tensor("input"), weight: a.tensor("weight"), bias: a.optionalTensor("bias")))
        }
        t.function("conv2d", [x, Param("weight", .tensor), Param("bias", .optional(.tensor), default: Value.none), Param("stride", .ints, default: .int(1)),
                              Param("padding", .oneOf([.ints, .string]), default: .int(0)), Param("dilation", .ints, default: .int(1)), Param("groups", .int, default: .int(1))],
                   "conv2d(input, weight, bias=none, stride=1, padding=0, dilation=1, groups=1): 2-D convolution with given weights.") { a, _ in
            .tensor(try Functional.conv2d(a.tensor("input"), weight: a.tensor("weight"), bias: a.optionalTensor("bias"), stride: N.pair(a, "stride"),
                                          padding: N.padding(a, "padding"), dilation: N.pair(a, "dilation"), groups: a.int("groups")))
        }
        t.function("max_pool2d", [x, Param("kernel_size", .ints), Param("stride", .optional(.ints), default: Value.none), Param("padding", .ints, default: .int(0)),
                                  Param("dilation", .ints, default: .int(1)), Param("ceil_mode", .bool, default: .bool(false))],
                   "max_pool2d(input, kernel_size, stride=none, padding=0, dilation=1, ceil_mode=false): the maximum over each window (stride defaults to kernel_size), as MaxPool2d.\n  max_pool2d(x, 2)") { a, _ in
            .tensor(try Functional.maxPool2d(a.tensor("input"), kernel: N.pair(a, "kernel_size"), stride: a["stride"].isNone ? nil : N.pair(a, "stride"), padding: N.pair(a, "padding"),
                                             dilation: N.pair(a, "dilation"), ceilMode: a.bool("ceil_mode")))
        }
        t.function("avg_pool2d", [x, Param("kernel_size", .ints), Param("stride", .optional(.ints), default: Value.none), Param("padding", .ints, default: .int(0)),
                                  Param("ceil_mode", .bool, default: .bool(false)), Param("count_include_pad", .bool, default: .bool(true))],
                   "avg_pool2d(input, kernel_size, stride=none, padding=0, ceil_mode=false, count_include_pad=true): the mean over each window (stride defaults to kernel_size), as AvgPool2d.\n  avg_pool2d(x, 2)") { a, _ in
            .tensor(try Functional.avgPool2d(a.tensor("input"), kernel: N.pair(a, "kernel_size"), stride: a["stride"].isNone ? nil : N.pair(a, "stride"), padding: N.pair(a, "padding"),
                                             ceilMode: a.bool("ceil_mode"), countIncludePad: a.bool("count_include_pad")))
        }
        t.function("adaptive_avg_pool2d", [x, Param("output_size", .ints)], "adaptive_avg_pool2d(input, output_size): the mean over windows that divide H and W into output_size cells.\n  adaptive_avg_pool2d(x, 1)") { a, _ in
            .tensor(try Functional.adaptiveAvgPool2d(a.tensor("input"), outputSize: N.pair(a, "output_size")))
        }
        t.function("adaptive_max_pool2d", [x, Param("output_size", .ints)], "adaptive_max_pool2d(input, output_size): the maximum over windows that divide H and W into output_size cells.\n  adaptive_max_pool2d(x, [7, 7])") { a, _ in
            .tensor(try Functional.adaptiveMaxPool2d(a.tensor("input"), outputSize: N.pair(a, "output_size")))
        }
        t.function("interpolate", [x, Param("size", .optional(.ints), default: Value.none), Param("scale_factor", .optional(.oneOf([.float, .list])), default: Value.none),
                                   Param("mode", .string, default: .string("nearest")), Param("align_corners", .optional(.bool), default: Value.none)],
                   "interpolate(input, size=none, scale_factor=none, mode=\"nearest\", align_corners=none): resizes [N, C, H, W] (\"nearest\" or \"bilinear\").") { a, _ in
            let mode = try a.string("mode")
            guard let m = InterpolationMode(rawValue: mode) else { throw NativeError("interpolate: mode must be \"nearest\" or \"bilinear\", got \(Repr.quote(mode))") }
            return .tensor(try Functional.interpolate(a.tensor("input"), size: a["size"].isNone ? nil : N.pair(a, "size"), scaleFactor: scale(a, "scale_factor"), mode: m,
                                                      alignCorners: a["align_corners"].isNone ? nil : a.bool("align_corners")))
        }
        t.function("dropout", [x, Param("p", .float, default: .float(0.5)), Param("training", .bool, default: .bool(true))],
                   "dropout(input, p=0.5, training=true): inverted dropout.") { a, _ in
            .tensor(try Functional.dropout(a.tensor("input"), p: a.double("p"), training: a.bool("training")))
        }
        t.function("batch_norm", [x, Param("running_mean", .optional(.tensor)), Param("running_var", .optional(.tensor)),
                                  Param("weight", .optional(.tensor), default: Value.none), Param("bias", .optional(.tensor), default: Value.none),
                                  Param("training", .bool, default: .bool(false)), Param("momentum", .float, default: .float(0.1)), Param("eps", .float, default: .float(1e-5))],
                   "batch_norm(input, running_mean, running_var, weight=none, bias=none, training=false, momentum=0.1, eps=1e-05): normalises each channel with the batch statistics (training, updating the running ones) or the running statistics.\n  batch_norm(x, mean, var)") { a, _ in
            .tensor(try Functional.batchNorm(a.tensor("input"), runningMean: a.optionalTensor("running_mean"), runningVar: a.optionalTensor("running_var"), weight: a.optionalTensor("weight"),
                                             bias: a.optionalTensor("bias"), training: a.bool("training"), momentum: a.double("momentum"), eps: a.double("eps")))
        }
        t.function("layer_norm", [x, Param("normalized_shape", .ints), Param("weight", .optional(.tensor), default: Value.none),
                                  Param("bias", .optional(.tensor), default: Value.none), Param("eps", .float, default: .float(1e-5))],
                   "layer_norm(input, normalized_shape, weight=none, bias=none, eps=1e-05): normalises over the last dimensions given by normalized_shape, then scales and shifts.\n  layer_norm(x, [64])") { a, _ in
            .tensor(try Functional.layerNorm(a.tensor("input"), normalizedShape: a.ints("normalized_shape"), weight: a.optionalTensor("weight"), bias: a.optionalTensor("bias"), eps: a.double("eps")))
        }
    }
}
