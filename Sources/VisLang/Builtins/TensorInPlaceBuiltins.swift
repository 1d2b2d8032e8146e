import VisTensor

/// PyTorch's in-place tensor methods (`x.add_(y)`, `x.clamp_(0, 1)`, `x.zero_()`,
/// `x.uniform_()`...): each computes its out-of-place result and writes it into `x`
/// through `Tensor.writeInPlace`, which applies PyTorch's rules (self's dtype kept,
/// leaf and view checks, version counting, autograd history; LIBRARY.md "In-place ops
/// and autograd").
enum TensorInPlaceBuiltins {
    /// Unary ops whose `name_` form is declared when `name` is a tensor method
    /// registered before this table (PyTorch has the `_` form of each of them).
    static let unaryNames = [
        "neg", "abs", "exp", "log", "sqrt", "sigmoid", "tanh", "relu", "sin", "cos", "tan", "asin", "acos", "atan",
        "sinh", "cosh", "asinh", "acosh", "atanh", "floor", "ceil", "trunc", "frac", "sign", "sgn", "erf", "erfc",
        "erfinv", "log1p", "expm1", "log2", "log10", "exp2", "rsqrt", "reciprocal", "square", "logical_not",
        "negative", "absolute", "arcsin", "arccos", "arctan", "fix",
    ]
    /// Unary ops whose backward does not read their input, so the old values need no copy.
    static let savesNothing: Set<String> = ["neg", "negative", "floor", "ceil", "trunc", "sign", "sgn", "frac", "fix", "logical_not"]

    /// The tensor method `name` as registered now, called on `input` and `args`.
    static func callMethod(_ rt: Runtime, _ name: String, _ input: Tensor, _ args: [Value] = []) throws -> Tensor {
        guard let interpreter = rt as? Interpreter, let m = interpreter.registry.methods["tensor"]?[name] else {
            throw NativeError("\(name)_: this vis has no tensor method \(name) to apply in place")
        }
        guard case .tensor(let r) = try m.call(Arguments([.tensor(input)] + args), rt) else {
            throw NativeError("\(name)_: x.\(name)() did not return a tensor")
        }
        return r
    }

    /// Declares `x.name_(params)`: the tensor method `base` with the same arguments,
    /// written into x. `tensorParams` are the arguments that may require grad.
    static func forwarded(_ t: inout BuiltinTable, _ name: String, base: String, _ params: [Param], tensorParams: [String] = [],
                          savesSelf: Bool = true, _ doc: String) {
        t.method(name, params, doc) { a, rt in
            let x = try a.tensor("self")
            let others = try tensorParams.compactMap { a[$0].isNone ? nil : try a.tensor($0) }
            // Positional, in PyTorch's order: the base method may name them differently.
            let args = params.map { a[$0.name] }
            try x.writeInPlace(name, others: others, savesSelf: savesSelf) { input in try callMethod(rt, base, input, args) }
            return .tensor(x)
        }
    }

    static func add(to t: inout BuiltinTable) {
        // MARK: Arithmetic with alpha
        let other = Param("other", .tensorLike), alpha = Param("alpha", .number, default: .int(1))
        for (name, sign) in [("add_", 1.0), ("sub_", -1.0)] {
            let opName = sign > 0 ? "+" : "-"
            t.method(name, [other, alpha],
                     "x.\(name)(other, alpha=1): x \(opName)= alpha * other in place (other broadcast to x's shape; x keeps its dtype); returns x.\n  w.\(name)(g, alpha=0.1)") { a, _ in
                let x = try a.tensor("self"), y = try a.tensor("other")
                let alphaValue = a["alpha"]
                try x.writeInPlace(name, others: [y], savesSelf: false) { input in
                    var scaled = y
                    if case .int(let k) = alphaValue, k == 1 {} else {
                        if case .float = alphaValue, !y.dtype.isFloatingPoint, !input.dtype.isFloatingPoint {
                            throw TensorError(name, "for integral input tensors, argument alpha must not be a floating point number")
                        }
                        scaled = try y.mul(Convert.tensor(alphaValue, context: "\(name): argument 'alpha'"))
                    }
                    return sign > 0 ? try input.add(scaled) : try input.sub(scaled)
                }
                return .tensor(x)
            }
        }
        forwarded(&t, "mul_", base: "mul", [other], tensorParams: ["other"],
                  "x.mul_(other): x *= other in place (broadcast to x's shape; x keeps its dtype); returns x.\n  x.mul_(2)")
        forwarded(&t, "div_", base: "div", [other], tensorParams: ["other"],
                  "x.div_(other): x /= other in place (true division: an integer x cannot hold the float result, as in PyTorch); returns x.\n  x.div_(255)")
        forwarded(&t, "pow_", base: "pow", [Param("exponent", .tensorLike)], tensorParams: ["exponent"],
                  "x.pow_(exponent): x = x ** exponent in place; returns x.\n  x.pow_(2)")

        // MARK: Unary
        let registered = Set(t.methods.filter { $0.0 == "tensor" }.map { $0.1.name })
        for base in unaryNames where registered.contains(base) {
            forwarded(&t, base + "_", base: base, [], savesSelf: !savesNothing.contains(base),
                      "x.\(base)_(): x.\(base)() written into x in place; returns x.\n  x.\(base)_()")
        }
        let bound = [Param("min", .optional(.tensorLike), default: Value.none), Param("max", .optional(.tensorLike), default: Value.none)]
        for name in ["clamp_", "clip_"] {
            forwarded(&t, name, base: "clamp", bound, tensorParams: ["min", "max"],
                      "x.\(name)(min=none, max=none): x.clamp(min, max) written into x in place; returns x.\n  x.\(name)(0, 1)")
        }
        forwarded(&t, "masked_fill_", base: "masked_fill", [Param("mask", .tensor), Param("value", .tensorLike)], tensorParams: ["value"],
                  savesSelf: false, "x.masked_fill_(mask, value): writes value where the bool mask (broadcast to x's shape) is true; returns x.\n  scores.masked_fill_(pad, -inf)")

        // MARK: Filling and copying
        t.method("zero_", [], "x.zero_(): sets every element to 0 in place; returns x.\n  w.grad.zero_()") { a, _ in
            let x = try a.tensor("self")
            try x.writeInPlace("zero_", savesSelf: false) { input in Tensor.full(input.shape, 0, dtype: input.dtype) }
            return .tensor(x)
        }
        t.method("fill_", [Param("value", .tensorLike)],
                 "x.fill_(value): sets every element to value (a number or a 0-d tensor, which may require grad) in place; returns x.\n  mask.fill_(1)") { a, _ in
            let x = try a.tensor("self"), v = try a.tensor("value")
            guard v.ndim == 0 else {
                throw NativeError("fill_: only supports a 0-dimension value tensor but got a tensor with \(v.ndim) dimensions")
            }
            try x.writeInPlace("fill_", others: [v], savesSelf: false) { input in
                try v.to(input.dtype).expand(input.shape).contiguous()
            }
            return .tensor(x)
        }
        t.method("copy_", [Param("src", .tensorLike)],
                 "x.copy_(src): copies src's elements into x (broadcast to x's shape, converted to x's dtype); gradients flow to src; returns x.\n  target.copy_(source)") { a, _ in
            let x = try a.tensor("self"), src = try a.tensor("src")
            try x.writeInPlace("copy_", others: [src], savesSelf: false) { input in
                let s = try src.to(input.dtype)
                guard let b = try? Shape.broadcast(s.shape, input.shape, op: "copy_"), b == input.shape else {
                    throw TensorError("copy_", "the source of shape \(shapeString(s.shape)) cannot be broadcast to the destination's shape \(shapeString(input.shape))")
                }
                return try s.expand(input.shape).clone()
            }
            return .tensor(x)
        }

        t.method("index_put_", [Param("indices", .any), Param("values", .tensorLike), Param("accumulate", .bool, default: .bool(false))],
                 "x.index_put_(indices, values, accumulate=false): x[indices] = values for a tuple of index tensors, or x[indices] += values with accumulate (duplicates add up); returns x.\n  x.index_put_((rows, cols), vals, accumulate=true)") { a, _ in
            let x = try a.tensor("self")
            let parts: [Value]
            switch a["indices"] {
            case .tuple(let items): parts = items
            case .list(let l): parts = l.items
            default: throw NativeError("index_put_: indices must be a tuple of tensors, got \(a["indices"].typeName)", kind: .typeError)
            }
            let indices: [TensorIndex] = try parts.enumerated().map { i, v in
                guard case .tensor(let t) = v else {
                    throw NativeError("index_put_: indices[\(i)] must be an int64 or bool tensor, got \(v.typeNameWithArticle) value", kind: .typeError)
                }
                guard t.dtype == .int64 || t.dtype == .bool else {
                    throw NativeError("index_put_: tensors used as indices must be int64 or bool tensors, got \(t.dtype) for indices[\(i)]", kind: .indexError)
                }
                return .tensor(t)
            }
            try x.indexPut(indices, a.tensor("values"), accumulate: a.bool("accumulate"))
            return .tensor(x)
        }

        // MARK: Random fills (the global generator, as rand and randn)
        func floatOnly(_ op: String, _ x: Tensor) throws {
            guard x.dtype.isFloatingPoint else { throw NativeError("\(op): \"\(op)\" is not implemented for \(x.dtype) tensors (it fills with floating-point samples)") }
        }
        t.method("uniform_", [Param("from", .float, default: .float(0)), Param("to", .float, default: .float(1))],
                 "x.uniform_(from=0, to=1): fills x with samples uniform in [from, to); returns x.\n  w.uniform_(-0.1, 0.1)") { a, _ in
            let x = try a.tensor("self"), lo = try a.double("from"), hi = try a.double("to")
            try floatOnly("uniform_", x)
            guard lo <= hi else { throw NativeError("uniform_: expects to return a [from, to) range, but found from=\(lo) > to=\(hi)") }
            try x.writeInPlace("uniform_", savesSelf: false) { input in
                try Tensor.rand(input.shape, dtype: input.dtype).mul(hi - lo).add(lo).to(input.dtype)
            }
            return .tensor(x)
        }
        t.method("normal_", [Param("mean", .float, default: .float(0)), Param("std", .float, default: .float(1))],
                 "x.normal_(mean=0, std=1): fills x with normal samples; returns x.\n  w.normal_(0, 0.02)") { a, _ in
            let x = try a.tensor("self"), mean = try a.double("mean"), std = try a.double("std")
            try floatOnly("normal_", x)
            guard std >= 0 else { throw NativeError("normal_: expects std >= 0.0, but found std \(std)") }
            try x.writeInPlace("normal_", savesSelf: false) { input in
                try Tensor.randn(input.shape, dtype: input.dtype).mul(std).add(mean).to(input.dtype)
            }
            return .tensor(x)
        }
        t.method("bernoulli_", [Param("p", .float, default: .float(0.5))],
                 "x.bernoulli_(p=0.5): fills x with 1 (probability p) or 0; returns x.\n  mask.bernoulli_(0.9)") { a, _ in
            let x = try a.tensor("self"), p = try a.double("p")
            guard p >= 0 && p <= 1 else { throw NativeError("bernoulli_: expects p to be in [0, 1], but got p=\(p)") }
            try x.writeInPlace("bernoulli_", savesSelf: false) { input in
                try Tensor.rand(input.shape).lt(Tensor.scalar(p)).to(input.dtype)
            }
            return .tensor(x)
        }
        t.method("exponential_", [Param("lambd", .float, default: .float(1))],
                 "x.exponential_(lambd=1): fills x with exponential samples of rate lambd; returns x.\n  x.exponential_(2)") { a, _ in
            let x = try a.tensor("self"), lambd = try a.double("lambd")
            try floatOnly("exponential_", x)
            guard lambd > 0 else { throw NativeError("exponential_: expects lambd > 0.0, but found lambd=\(lambd)") }
            try x.writeInPlace("exponential_", savesSelf: false) { input in
                // -log(1 - u) / lambd with u in [0, 1): finite, as PyTorch's samples are.
                try Tensor.full(input.shape, 1).sub(Tensor.rand(input.shape)).log().mul(-1 / lambd).to(input.dtype)
            }
            return .tensor(x)
        }

        // MARK: Autograd state
        t.method("detach_", [], "x.detach_(): removes x's autograd history in place (x becomes a leaf that does not require grad); returns x.\n  h.detach_()") { a, _ in
            let x = try a.tensor("self")
            try x.detachInPlace()
            return .tensor(x)
        }

        // MARK: Shape changes in place: impossible (a vis tensor's shape is fixed)
        for (name, instead) in [("t_", "x = x.t()"), ("transpose_", "x = x.transpose(d0, d1)"), ("unsqueeze_", "x = x.unsqueeze(dim)"),
                                ("squeeze_", "x = x.squeeze(dim)"), ("resize_", "x = x.reshape(shape) or a new tensor"),
                                ("as_strided_", "x = x.as_strided(...)")] {
            t.method(name, [Param("args", .any, variadic: true)],
                     "x.\(name)(...): not supported: a vis tensor's shape is fixed when it is made; write \(instead).\n  \(instead)") { _, _ in
                throw NativeError("\(name): vis tensors cannot change their shape in place; write \(instead)")
            }
        }
    }
}
