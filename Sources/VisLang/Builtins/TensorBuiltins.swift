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

    /// Unary math available both as `f(x)` and `x.f()` (gelu, with its `approximate`, is
    /// ActivationBuiltins').
    static let unaryMath: [(String, String, (Tensor) throws -> Tensor)] = [
        ("exp", "Elementwise e^x.", { try $0.exp() }),
        ("log", "Elementwise natural logarithm.", { try $0.log() }),
        ("sqrt", "Elementwise square root.", { try $0.sqrt() }),
        ("neg", "Elementwise negation.", { try $0.neg() }),
        ("relu", "max(x, 0), elementwise.", { try $0.relu() }),
        ("silu", "x * sigmoid(x) (swish).", { try $0.silu() }),
        ("sigmoid", "1 / (1 + e^-x), elementwise.", { try $0.sigmoid() }),
        ("tanh", "Hyperbolic tangent, elementwise.", { try $0.tanh() }),
    ]

    public static func table() -> BuiltinTable {
        var t = BuiltinTable()
        t.constants = [("float32", .string("float32")), ("int64", .string("int64")), ("bool_", .string("bool")),
                       ("long", .string("int64")), ("float", .string("float32"))]
        t.constants.removeAll { $0.0 == "float" }  // float() is the conversion builtin

        // MARK: Creation (CreationBuiltins.swift)
        CreationBuiltins.add(to: &t)
        t.function("seed", [Param("n", .int)],
                   "seed(n): reseeds the one generator behind every random thing (init, dropout, shuffles, augmentation), making a run reproducible.") { a, _ in
            let n = try a.int("n")
            VisTensor.seed(UInt64(bitPattern: Int64(n)))
            return .none
        }

        // MARK: Math as functions and methods
        for (name, doc, f) in unaryMath {
            // relu and silu as functions take F's inplace flag: ActivationBuiltins declares them.
            if name != "relu" && name != "silu" {
                t.function(name, [Param("input", .tensorLike)], "\(name)(input): \(doc)") { a, _ in .tensor(try f(a.tensor("input"))) }
            }
            t.method(name, [], "x.\(name)(): \(doc)") { a, _ in .tensor(try f(a.tensor("self"))) }
        }
        let binary: [(String, String, (Tensor, Tensor) throws -> Tensor)] = [
            ("add", "Elementwise sum (broadcasting).", { try $0.add($1) }),
            ("sub", "Elementwise difference (broadcasting).", { try $0.sub($1) }),
            ("mul", "Elementwise product (broadcasting).", { try $0.mul($1) }),
            ("div", "Elementwise true division (broadcasting).", { try $0.div($1) }),
            ("matmul", "Matrix product with broadcast batch dimensions (the @ operator).", { try $0.matmul($1) }),
            ("eq", "Elementwise ==, a bool tensor.", { try $0.eq($1) }),
            ("ne", "Elementwise !=, a bool tensor.", { try $0.ne($1) }),
            ("lt", "Elementwise <, a bool tensor.", { try $0.lt($1) }),
            ("le", "Elementwise <=, a bool tensor.", { try $0.le($1) }),
            ("gt", "Elementwise >, a bool tensor.", { try $0.gt($1) }),
            ("ge", "Elementwise >=, a bool tensor.", { try $0.ge($1) }),
            ("maximum", "Elementwise maximum of two tensors (broadcast); NaN if either is NaN, the gradient split evenly at ties, as in PyTorch.", { try $0.maximum($1) }),
            ("minimum", "Elementwise minimum of two tensors (broadcast); NaN if either is NaN, the gradient split evenly at ties, as in PyTorch.", { try $0.minimum($1) }),
        ]
        for (name, doc, f) in binary {
            t.function(name, [Param("input", .tensorLike), Param("other", .tensorLike)], "\(name)(input, other): \(doc)") { a, _ in
                .tensor(try f(a.tensor("input"), a.tensor("other")))
            }
            t.method(name, [Param("other", .tensorLike)], "x.\(name)(other): \(doc)") { a, _ in
                .tensor(try f(a.tensor("self"), a.tensor("other")))
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
        t.function("leaky_relu", [Param("input", .tensor), slope, Param("inplace", .bool, default: .bool(false))],
                   "leaky_relu(input, negative_slope=0.01, inplace=false): x for x > 0, slope * x otherwise; inplace=true writes into input.\n  F.leaky_relu(x, 0.2)") { a, _ in
            let x = try a.tensor("input"), s = try a.double("negative_slope")
            guard try a.bool("inplace") else { return .tensor(try x.leakyRelu(s)) }
            return .tensor(try x.writeInPlace("leaky_relu_", savesSelf: true) { try $0.leakyRelu(s) })
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
        TensorMathBuiltins.add(to: &t)
        TensorProductBuiltins.add(to: &t)
        TensorSelectionBuiltins.add(to: &t)
        TensorInPlaceBuiltins.add(to: &t)  // after the ops whose `_` forms it declares
        DTypeBuiltins.add(to: &t)

        NPYBuiltins.add(to: &t)
        MetricBuiltins.add(to: &t)

        return t
    }
}
