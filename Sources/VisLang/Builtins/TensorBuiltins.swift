import VisTensor

/// The bindings of VisTensor: creation functions, math as functions and methods,
/// reductions, shape ops, autograd and .npy files (LIBRARY.md "Tensors").
public enum TensorBuiltins {
    static let dtypeParam = Param("dtype", .optional(.dtype), default: Value.none)
    static let gradParam = Param("requires_grad", .bool, default: .bool(false))
    static let dimParam = Param("dim", .optional(.ints), default: Value.none)
    static let keepdimParam = Param("keepdim", .bool, default: .bool(false))

    /// The shape given either as varargs ints (`zeros(2, 3)`) or one list (`zeros([2, 3])`).
    static func shapeArg(_ a: BoundArguments, _ name: String) throws -> [Int] {
        let items = try a.list(name)
        if items.count == 1, case .list(let inner) = items[0] {
            return try inner.items.map { guard let n = $0.asInt else { throw NativeError("\(a.function): shape must be ints, got \($0.typeName)") }; return n }
        }
        if items.count == 1, case .tuple(let inner) = items[0] {
            return try inner.map { guard let n = $0.asInt else { throw NativeError("\(a.function): shape must be ints, got \($0.typeName)") }; return n }
        }
        return try items.map { guard let n = $0.asInt else { throw NativeError("\(a.function): shape must be ints, got \($0.typeName)") }; return n }
    }

    /// Applies `requires_grad=` (the parameter `name`) from the bound arguments.
    static func finish(_ t: Tensor, _ a: BoundArguments, grad name: String) throws -> Value {
        if try a.bool(name) { try t.setRequiresGrad(true) }
        return .tensor(t)
    }

    /// The dims of a reduction: none (all), an int, or a list of ints.
    static func dims(_ a: BoundArguments, _ name: String) throws -> [Int] {
        a[name].isNone ? [] : try a.ints(name)
    }

    /// The tensors of a list argument (`cat`, `stack`): a list may hold 10^8 entries, so
    /// the message context is built only for an element that fails, and Ctrl-C is polled
    /// between chunks.
    static func tensors(_ values: [Value], _ fn: String) throws -> [Tensor] {
        var out: [Tensor] = []
        out.reserveCapacity(values.count)
        for (i, v) in values.enumerated() {
            if i & 0xFFFF == 0xFFFF { try Interrupt.check() }
            if case .tensor(let t) = v { out.append(t); continue }
            out.append(try Convert.tensor(v, context: "\(fn): element \(i)"))
        }
        return out
    }

    static func list(_ ts: [Tensor]) -> Value { .list(ListBox(ts.map { .tensor($0) })) }

    /// Unary math available both as `f(x)` and `x.f()`.
    static let unaryMath: [(String, String, (Tensor) throws -> Tensor)] = [
        ("exp", "Elementwise e^x.", { try $0.exp() }),
        ("log", "Elementwise natural logarithm.", { try $0.log() }),
        ("sqrt", "Elementwise square root.", { try $0.sqrt() }),
        ("neg", "Elementwise negation.", { try $0.neg() }),
        ("relu", "max(x, 0), elementwise.", { try $0.relu() }),
        ("gelu", "Gaussian error linear unit (exact erf form, PyTorch's default).", { try $0.gelu() }),
        ("silu", "x * sigmoid(x) (swish).", { try $0.silu() }),
        ("sigmoid", "1 / (1 + e^-x), elementwise.", { try $0.sigmoid() }),
        ("tanh", "Hyperbolic tangent, elementwise.", { try $0.tanh() }),
        ("logical_not", "Elementwise not of a bool tensor.", { try $0.logicalNot() }),
    ]

    public static func table() -> BuiltinTable {
        var t = BuiltinTable()
        t.constants = [("float32", .string("float32")), ("int64", .string("int64")), ("bool_", .string("bool")),
                       ("long", .string("int64")), ("float", .string("float32"))]
        t.constants.removeAll { $0.0 == "float" }  // float() is the conversion builtin

        // MARK: Creation
        t.function("tensor", [Param("data", .any), dtypeParam, gradParam],
                   "tensor(data, dtype=none, requires_grad=false): a tensor from a number or nested list. Numbers give float32, all-bool data gives bool, unless dtype says otherwise.\n  tensor([[1, 2], [3, 4]])") { a, _ in
            let data = a["data"]
            let x: Tensor
            if case .tensor(let src) = data { x = try src.detach().clone().to(try a.dtype("dtype") ?? src.dtype) } else {
                switch data {
                case .list, .tuple: x = try ListTensor.tensor(data, dtype: try a.dtype("dtype"), context: "tensor")
                default: x = try Tensor(literal: Convert.literal(data, context: "tensor"), dtype: try a.dtype("dtype"))
                }
            }
            return try finish(x, a, grad: "requires_grad")
        }
        for (name, value) in [("zeros", 0.0), ("ones", 1.0)] {
            t.function(name, [Param("shape", .any, variadic: true), dtypeParam, gradParam],
                       "\(name)(*shape, dtype=float32, requires_grad=false): a tensor of \(name).\n  \(name)(2, 3)  or  \(name)([2, 3])") { a, _ in
                try finish(Tensor.full(checked: shapeArg(a, "shape"), value, dtype: a.dtype("dtype") ?? .float32, op: name), a, grad: "requires_grad")
            }
        }
        t.function("full", [Param("shape", .ints), Param("fill_value", .float), dtypeParam, gradParam],
                   "full(shape, fill_value, dtype=none, requires_grad=false): a tensor filled with one value.\n  full([2, 2], 7)") { a, _ in
            let value = try a.double("fill_value"), dtype = try a.dtype("dtype") ?? .float32
            guard dtype != .int64 || (value.isFinite && Swift.abs(value) < 9.2e18) else {
                throw NativeError("full: fill value \(Repr.float(value)) does not fit int64")
            }
            return try finish(Tensor.full(checked: a.ints("shape"), value, dtype: dtype), a, grad: "requires_grad")
        }
        t.function("arange", [Param("start", .number), Param("end", .optional(.number), default: Value.none), Param("step", .number, default: .int(1)), dtypeParam, gradParam],
                   "arange(start, end=none, step=1, dtype=none, requires_grad=false): values from start up to end (exclusive). Integer arguments give int64, as in PyTorch.\n  arange(5)  arange(0, 1, 0.25)") { a, _ in
            let allInts = [a["start"], a["end"], a["step"]].allSatisfy { if case .float = $0 { return false } else { return true } }
            let (start, end) = a["end"].isNone ? (0, try a.double("start")) : (try a.double("start"), try a.double("end"))
            let dt = try a.dtype("dtype") ?? (allInts ? .int64 : .float32)
            return try finish(Tensor.arange(start, end, step: a.double("step"), dtype: dt), a, grad: "requires_grad")
        }
        t.function("linspace", [Param("start", .float), Param("end", .float), Param("steps", .int), gradParam],
                   "linspace(start, end, steps, requires_grad=false): steps evenly spaced values from start to end inclusive.") { a, _ in
            try finish(Tensor.linspace(a.double("start"), a.double("end"), steps: a.int("steps")), a, grad: "requires_grad")
        }
        t.function("eye", [Param("n", .int), Param("m", .optional(.int), default: Value.none), dtypeParam],
                   "eye(n, m=none, dtype=none): the identity matrix.") { a, _ in
            .tensor(try Tensor.eye(a.int("n"), a.optionalInt("m"), dtype: a.dtype("dtype") ?? .float32))
        }
        t.function("rand", [Param("shape", .any, variadic: true), gradParam],
                   "rand(*shape, requires_grad=false): uniform samples in [0, 1) from the seeded generator.") { a, _ in
            try finish(Tensor.rand(shapeArg(a, "shape")), a, grad: "requires_grad")
        }
        t.function("randn", [Param("shape", .any, variadic: true), gradParam],
                   "randn(*shape, requires_grad=false): standard normal samples from the seeded generator.") { a, _ in
            try finish(Tensor.randn(shapeArg(a, "shape")), a, grad: "requires_grad")
        }
        t.function("randint", [Param("low", .int), Param("high", .int), Param("size", .ints)],
                   "randint(low, high, size): int64 samples uniform in [low, high).\n  randint(0, 10, [4])") { a, _ in
            .tensor(try Tensor.randint(a.int("low"), a.int("high"), a.ints("size")))
        }
        t.function("zeros_like", [Param("input", .tensor), dtypeParam], "zeros_like(input, dtype=none): zeros with input's shape and dtype (or the dtype given).") { a, _ in
            .tensor(try a.tensor("input").zerosLike(dtype: a.dtype("dtype")))
        }
        t.function("ones_like", [Param("input", .tensor), dtypeParam], "ones_like(input, dtype=none): ones with input's shape and dtype (or the dtype given).") { a, _ in
            .tensor(try a.tensor("input").onesLike(dtype: a.dtype("dtype")))
        }
        t.function("randn_like", [Param("input", .tensor)], "randn_like(input): standard normal samples with input's shape.") { a, _ in
            .tensor(try a.tensor("input").randnLike())
        }
        t.function("rand_like", [Param("input", .tensor)], "rand_like(input): uniform [0, 1) samples with input's shape.") { a, _ in
            .tensor(try a.tensor("input").randLike())
        }
        t.function("seed", [Param("n", .int)],
                   "seed(n): reseeds the one generator behind every random thing (init, dropout, shuffles, augmentation), making a run reproducible.") { a, _ in
            let n = try a.int("n")
            VisTensor.seed(UInt64(bitPattern: Int64(n)))
            return .none
        }

        // MARK: Math as functions and methods
        for (name, doc, f) in unaryMath {
            t.function(name, [Param("input", .tensorLike)], "\(name)(input): \(doc)") { a, _ in .tensor(try f(a.tensor("input"))) }
            t.method(name, [], "x.\(name)(): \(doc)") { a, _ in .tensor(try f(a.tensor("self"))) }
        }
        let binary: [(String, String, (Tensor, Tensor) throws -> Tensor)] = [
            ("add", "Elementwise sum (broadcasting).", { try $0.add($1) }),
            ("sub", "Elementwise difference (broadcasting).", { try $0.sub($1) }),
            ("mul", "Elementwise product (broadcasting).", { try $0.mul($1) }),
            ("div", "Elementwise true division (broadcasting).", { try $0.div($1) }),
            ("pow", "Elementwise power (broadcasting).", { try $0.pow($1) }),
            ("matmul", "Matrix product with broadcast batch dimensions (the @ operator).", { try $0.matmul($1) }),
            ("eq", "Elementwise ==, a bool tensor.", { try $0.eq($1) }),
            ("ne", "Elementwise !=, a bool tensor.", { try $0.ne($1) }),
            ("lt", "Elementwise <, a bool tensor.", { try $0.lt($1) }),
            ("le", "Elementwise <=, a bool tensor.", { try $0.le($1) }),
            ("gt", "Elementwise >, a bool tensor.", { try $0.gt($1) }),
            ("ge", "Elementwise >=, a bool tensor.", { try $0.ge($1) }),
            ("logical_and", "Elementwise and of bool tensors.", { try $0.logicalAnd($1) }),
            ("logical_or", "Elementwise or of bool tensors.", { try $0.logicalOr($1) }),
            ("maximum", "Elementwise maximum of two tensors.", { try Tensor.where($0.ge($1), $0, $1) }),
            ("minimum", "Elementwise minimum of two tensors.", { try Tensor.where($0.le($1), $0, $1) }),
        ]
        for (name, doc, f) in binary {
            t.function(name, [Param("input", .tensorLike), Param("other", .tensorLike)], "\(name)(input, other): \(doc)") { a, _ in
                .tensor(try f(a.tensor("input"), a.tensor("other")))
            }
            t.method(name, [Param("other", .tensorLike)], "x.\(name)(other): \(doc)") { a, _ in
                .tensor(try f(a.tensor("self"), a.tensor("other")))
            }
        }
        for (name, test) in [("isfinite", { (x: Float) -> Bool in x.isFinite }), ("isnan", { (x: Float) -> Bool in x.isNaN })] {
            t.method(name, [], "x.\(name)(): a bool tensor, true where the element is \(name == "isnan" ? "NaN" : "finite (not NaN or infinite)").") { a, _ in
                let x = try a.tensor("self")
                guard x.dtype.isFloatingPoint else { return .tensor(Tensor.full(x.shape, name == "isfinite" ? 1 : 0, dtype: .bool)) }
                // Every float dtype's values are exact as Double (and keep NaN / inf).
                return .tensor(try Tensor(bools: x.toDoubleArray().map { test(Float($0)) }, shape: x.shape))
            }
        }
        let absDoc = "Elementwise absolute value."
        t.method("abs", [], "x.abs(): \(absDoc)") { a, _ in .tensor(try a.tensor("self").abs()) }
        let clampParams = [Param("min", .optional(.float), default: Value.none), Param("max", .optional(.float), default: Value.none)]
        t.function("clamp", [Param("input", .tensor)] + clampParams, "clamp(input, min=none, max=none): limits every element to [min, max].") { a, _ in
            .tensor(try a.tensor("input").clamp(min: a.optionalDouble("min"), max: a.optionalDouble("max")))
        }
        t.method("clamp", clampParams, "x.clamp(min=none, max=none): limits every element to [min, max].") { a, _ in
            .tensor(try a.tensor("self").clamp(min: a.optionalDouble("min"), max: a.optionalDouble("max")))
        }
        let slope = Param("negative_slope", .float, default: .float(0.01))
        t.function("leaky_relu", [Param("input", .tensor), slope], "leaky_relu(input, negative_slope=0.01): x for x > 0, slope * x otherwise.") { a, _ in
            .tensor(try a.tensor("input").leakyRelu(a.double("negative_slope")))
        }
        t.method("leaky_relu", [slope], "x.leaky_relu(negative_slope=0.01): x for x > 0, negative_slope * x otherwise.") { a, _ in .tensor(try a.tensor("self").leakyRelu(a.double("negative_slope"))) }
        for (name, log) in [("softmax", false), ("log_softmax", true)] {
            let doc = log ? "log of softmax, computed stably as x - logsumexp(x)." : "exp(x) / sum(exp(x)) along dim, computed stably."
            t.function(name, [Param("input", .tensor), Param("dim", .int, default: .int(-1))], "\(name)(input, dim=-1): \(doc)") { a, _ in
                let x = try a.tensor("input")
                return .tensor(log ? try x.logSoftmax(dim: a.int("dim")) : try x.softmax(dim: a.int("dim")))
            }
            t.method(name, [Param("dim", .int, default: .int(-1))], "x.\(name)(dim=-1): \(doc)") { a, _ in
                let x = try a.tensor("self")
                return .tensor(log ? try x.logSoftmax(dim: a.int("dim")) : try x.softmax(dim: a.int("dim")))
            }
        }
        t.function("where", [Param("condition", .tensor), Param("input", .tensorLike), Param("other", .tensorLike)],
                   "where(condition, input, other): elements of input where condition is true, of other elsewhere (broadcast).") { a, _ in
            .tensor(try Tensor.where(a.tensor("condition"), a.tensor("input"), a.tensor("other")))
        }
        t.method("masked_fill", [Param("mask", .tensor), Param("value", .float)],
                 "x.masked_fill(mask, value): a copy with value where the bool mask is true.") { a, _ in
            .tensor(try a.tensor("self").maskedFill(a.tensor("mask"), a.double("value")))
        }
        TensorShapeBuiltins.add(to: &t)
        TensorReductionBuiltins.add(to: &t)
        TensorTestingBuiltins.add(to: &t)
        DTypeBuiltins.add(to: &t)
        NPYBuiltins.add(to: &t)
        MetricBuiltins.add(to: &t)

        return t
    }
}
