import VisNN
import VisTensor

/// torch.nn.functional's activations (`F.softplus(x, beta=2)`) and their layer classes
/// (`nn.Softplus(beta=2)`), with PyTorch's names, argument order, defaults, `inplace`
/// flags and reprs (LIBRARY.md "Activations").
enum ActivationBuiltins {
    /// One activation: its functional name and class name, its arguments after the input
    /// (PyTorch's order and defaults, without `inplace`), whether it has `inplace`, the
    /// doc (what it computes, then an example), and the computation.
    struct Entry {
        let function: String
        let className: String
        let kind: ElementwiseActivation.Function
        let params: [Param]
        let inplace: Bool
        let doc: String
        let example: String
        let classExample: String
        let compute: (Tensor, BoundArguments, Bool) throws -> Tensor
    }

    static func entries() -> [Entry] {
        typealias F = Functional
        let number = { (name: String, value: Double) in Param(name, .number, default: .float(value)) }
        return [
            Entry(function: "softplus", className: "Softplus", kind: .softplus, params: [number("beta", 1), number("threshold", 20)], inplace: false,
                  doc: "log(1 + exp(beta x)) / beta, and x where beta x > threshold", example: "F.softplus(x, beta=2)", classExample: "nn.Softplus(beta=2)") { x, a, _ in
                try F.softplus(x, beta: a.double("beta"), threshold: a.double("threshold"))
            },
            Entry(function: "elu", className: "ELU", kind: .elu, params: [number("alpha", 1)], inplace: true,
                  doc: "x for x > 0, alpha (exp(x) - 1) otherwise", example: "F.elu(x, alpha=0.5)", classExample: "nn.ELU(alpha=0.5)") { x, a, ip in
                try F.elu(x, alpha: a.double("alpha"), inplace: ip)
            },
            Entry(function: "selu", className: "SELU", kind: .selu, params: [], inplace: true,
                  doc: "scale * (x for x > 0, alpha (exp(x) - 1) otherwise), alpha = 1.6732632423543772, scale = 1.0507009873554805", example: "F.selu(x)", classExample: "nn.SELU()") { x, _, ip in
                try F.selu(x, inplace: ip)
            },
            Entry(function: "celu", className: "CELU", kind: .celu, params: [number("alpha", 1)], inplace: true,
                  doc: "max(0, x) + min(0, alpha (exp(x / alpha) - 1)); alpha 0 is an error", example: "F.celu(x, alpha=2.0)", classExample: "nn.CELU(alpha=2.0)") { x, a, ip in
                try F.celu(x, alpha: a.double("alpha"), inplace: ip)
            },
            Entry(function: "hardtanh", className: "Hardtanh", kind: .hardtanh, params: [number("min_val", -1), number("max_val", 1)], inplace: true,
                  doc: "x clamped to [min_val, max_val]; the gradient is 0 at the bounds, as PyTorch's", example: "F.hardtanh(x, -2, 2)", classExample: "nn.Hardtanh(-2, 2)") { x, a, ip in
                try F.hardtanh(x, minVal: a.double("min_val"), maxVal: a.double("max_val"), inplace: ip)
            },
            Entry(function: "relu6", className: "ReLU6", kind: .relu6, params: [], inplace: true,
                  doc: "min(max(x, 0), 6); the gradient is 0 at 0 and at 6, as PyTorch's", example: "F.relu6(x)", classExample: "nn.ReLU6(inplace=true)") { x, _, ip in
                try F.relu6(x, inplace: ip)
            },
            Entry(function: "hardswish", className: "Hardswish", kind: .hardswish, params: [], inplace: true,
                  doc: "x * relu6(x + 3) / 6 (MobileNetV3)", example: "F.hardswish(x)", classExample: "nn.Hardswish()") { x, _, ip in
                try F.hardswish(x, inplace: ip)
            },
            Entry(function: "hardsigmoid", className: "Hardsigmoid", kind: .hardsigmoid, params: [], inplace: true,
                  doc: "relu6(x + 3) / 6", example: "F.hardsigmoid(x)", classExample: "nn.Hardsigmoid()") { x, _, ip in
                try F.hardsigmoid(x, inplace: ip)
            },
            Entry(function: "mish", className: "Mish", kind: .mish, params: [], inplace: true,
                  doc: "x * tanh(softplus(x))", example: "F.mish(x)", classExample: "nn.Mish()") { x, _, ip in
                try F.mish(x, inplace: ip)
            },
            Entry(function: "logsigmoid", className: "LogSigmoid", kind: .logSigmoid, params: [], inplace: false,
                  doc: "log(sigmoid(x)), computed stably", example: "F.logsigmoid(x)", classExample: "nn.LogSigmoid()") { x, _, _ in
                try F.logsigmoid(x)
            },
            Entry(function: "softsign", className: "Softsign", kind: .softsign, params: [], inplace: false,
                  doc: "x / (1 + |x|)", example: "F.softsign(x)", classExample: "nn.Softsign()") { x, _, _ in
                try F.softsign(x)
            },
            Entry(function: "tanhshrink", className: "Tanhshrink", kind: .tanhshrink, params: [], inplace: false,
                  doc: "x - tanh(x)", example: "F.tanhshrink(x)", classExample: "nn.Tanhshrink()") { x, _, _ in
                try F.tanhshrink(x)
            },
            Entry(function: "hardshrink", className: "Hardshrink", kind: .hardshrink, params: [number("lambd", 0.5)], inplace: false,
                  doc: "x where |x| > lambd, else 0", example: "F.hardshrink(x, 0.3)", classExample: "nn.Hardshrink(0.3)") { x, a, _ in
                try F.hardshrink(x, lambd: a.double("lambd"))
            },
            Entry(function: "softshrink", className: "Softshrink", kind: .softshrink, params: [number("lambd", 0.5)], inplace: false,
                  doc: "x - lambd above lambd, x + lambd below -lambd, else 0 (lambd >= 0)", example: "F.softshrink(x, 0.3)", classExample: "nn.Softshrink(0.3)") { x, a, _ in
                try F.softshrink(x, lambd: a.double("lambd"))
            },
            Entry(function: "threshold", className: "Threshold", kind: .threshold, params: [Param("threshold", .number), Param("value", .number)], inplace: true,
                  doc: "x where x > threshold, else value", example: "F.threshold(x, 0.1, 20)", classExample: "nn.Threshold(0.1, 20)") { x, a, ip in
                try F.threshold(x, threshold: a.double("threshold"), value: a.double("value"), inplace: ip)
            },
            Entry(function: "glu", className: "GLU", kind: .glu, params: [Param("dim", .int, default: .int(-1))], inplace: false,
                  doc: "a * sigmoid(b), where a and b are the halves of x along dim (its size must be even)", example: "F.glu(x, dim=1)", classExample: "nn.GLU(dim=1)") { x, a, _ in
                try F.glu(x, dim: a.int("dim"))
            },
        ]
    }

    /// The arguments of a class call as the layer keeps them (ints stay ints, for the repr).
    static func arguments(_ a: BoundArguments, _ params: [Param]) -> [(String, HyperValue)] {
        params.map { p in
            switch a[p.name] {
            case .int(let i): return (p.name, .int(i))
            case .float(let d): return (p.name, .double(d))
            case .string(let s): return (p.name, .string(s))
            case .bool(let b): return (p.name, .bool(b))
            default: return (p.name, .none)
            }
        }
    }

    /// `name` or `name=default` as a signature line shows it.
    static func shown(_ p: Param) -> String {
        guard let d = p.defaultValue else { return p.name }
        return "\(p.name)=\(Repr.repr(d))"
    }

    static func add(to t: inout BuiltinTable) {
        typealias N = NNBuiltins
        let x = Param("input", .tensor)
        let inplace = Param("inplace", .bool, default: .bool(false))
        for e in entries() {
            let signature = ([e.function + "(input"] + e.params.map(shown) + (e.inplace ? ["inplace=false"] : [])).joined(separator: ", ") + ")"
            t.function(e.function, [x] + e.params + (e.inplace ? [inplace] : []), "\(signature): \(e.doc).\n  \(e.example)") { a, _ in
                .tensor(try e.compute(a.tensor("input"), a, e.inplace ? try a.bool("inplace") : false))
            }
            let classSignature = e.className + "(" + (e.params.map(shown) + (e.inplace ? ["inplace=false"] : [])).joined(separator: ", ") + ")"
            t.function(e.className, e.params + (e.inplace ? [inplace] : []), "\(classSignature): the \(e.function) activation as a layer: \(e.doc).\n  \(e.classExample)") { a, _ in
                N.value(try ElementwiseActivation(e.kind, arguments: arguments(a, e.params), inplace: e.inplace ? try a.bool("inplace") : false))
            }
        }
        // relu and silu: VisTensor's kernels, with F's inplace flag (torch.relu shares the name).
        for (name, doc, f) in [("relu", "max(x, 0), elementwise", { (x: Tensor) in try x.relu() }),
                               ("silu", "x * sigmoid(x) (swish)", { (x: Tensor) in try x.silu() })] {
            t.function(name, [Param("input", .tensorLike), inplace],
                       "\(name)(input, inplace=false): \(doc); inplace=true writes the result into input and returns it.\n  F.\(name)(x)") { a, _ in
                let input = try a.tensor("input")
                guard try a.bool("inplace") else { return .tensor(try f(input)) }
                return .tensor(try input.writeInPlace(name + "_", savesSelf: true, f))
            }
        }
        // softmin's dim defaults to none (PyTorch's implicit choice); dtype converts first.
        let dim = Param("dim", .optional(.int), default: Value.none)
        t.function("softmin", [x, dim, Param("dtype", .optional(.dtype), default: Value.none)],
                   "softmin(input, dim=none, dtype=none): softmax(-input) along dim (with no dim, PyTorch's implicit one: 0 for 0-, 1- and 3-D input, else 1); dtype converts the input first.\n  F.softmin(x, dim=1)") { a, _ in
            var input = try a.tensor("input")
            if case .string(let name) = a["dtype"], let d = DType(name: name) { input = try input.to(d) }
            return .tensor(try Functional.softmin(input, dim: a.optionalInt("dim")))
        }
        t.function("Softmin", [dim], "Softmin(dim=none): softmin along dim as a layer.\n  nn.Softmin(dim=1)") { a, _ in
            N.value(try ElementwiseActivation(.softmin, arguments: [("dim", try a.optionalInt("dim").map { .int($0) } ?? .none)]))
        }
        let approximate = Param("approximate", .string, default: .string("none"))
        let geluDoc = "Gaussian error linear unit: x * Phi(x) (approximate=\"none\", the exact erf form) or 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) (approximate=\"tanh\")"
        t.function("gelu", [Param("input", .tensorLike), approximate], "gelu(input, approximate=\"none\"): \(geluDoc).\n  F.gelu(x, approximate=\"tanh\")") { a, _ in
            .tensor(try Functional.gelu(a.tensor("input"), approximate: a.string("approximate")))
        }
        t.method("gelu", [approximate], "x.gelu(approximate=\"none\"): \(geluDoc).\n  x.gelu()") { a, _ in
            .tensor(try Functional.gelu(a.tensor("self"), approximate: a.string("approximate")))
        }
        t.function("GELU", [approximate], "GELU(approximate=\"none\"): the gelu activation as a layer (\"none\" or \"tanh\").\n  nn.GELU(approximate=\"tanh\")") { a, _ in
            N.value(try ElementwiseActivation(.gelu, arguments: [("approximate", .string(try a.string("approximate")))]))
        }
        t.function("prelu", [x, Param("weight", .tensor)],
                   "prelu(input, weight): x where x > 0, weight * x elsewhere; weight holds 1 value or one per channel (dimension 1).\n  F.prelu(x, tensor([0.25]))") { a, _ in
            .tensor(try Functional.prelu(a.tensor("input"), weight: a.tensor("weight")))
        }
        t.function("PReLU", [Param("num_parameters", .int, default: .int(1)), Param("init", .float, default: .float(0.25))],
                   "PReLU(num_parameters=1, init=0.25): prelu with a learned weight of num_parameters values (1, or the channel count), all init.\n  nn.PReLU(64)") { a, _ in
            N.value(try PReLU(numParameters: a.int("num_parameters"), initialValue: a.double("init")))
        }
        // Every layer has the members of `Module` (`:help ELU.parameters`).
        t.memberTypeAliases += (entries().map(\.className) + ["Softmin", "GELU", "PReLU"]).map { ($0, "Module") }
    }
}
