import VisTensor

/// The bindings of PyTorch's elementwise math (trigonometric, rounding, special
/// functions, classification, binary math) and of the reductions beyond sum / mean /
/// var / max: prod, the scans, logsumexp, all / any, amax / amin, the NaN-skipping and
/// order-statistic reductions (LIBRARY.md "Elementwise math" and "Reductions").
/// Python's globals `round`, `abs`, `isfinite`, `all`, `any` dispatch tensors here from
/// BasicBuiltins; `pow` is declared here for numbers and tensors alike.
enum TensorMathBuiltins {
    /// One-argument float functions as `f(input)` and `x.f()`: name, PyTorch aliases,
    /// the doc's description and example, and the op.
    static let unary: [(String, [String], String, String, (Tensor) throws -> Tensor)] = [
        ("sin", [], "elementwise sine (radians); integers give float32", "sin(tensor([0.0, pi / 2]))", { try $0.sin() }),
        ("cos", [], "elementwise cosine (radians); integers give float32", "cos(tensor([0.0, pi]))", { try $0.cos() }),
        ("tan", [], "elementwise tangent (radians); integers give float32", "tan(tensor([0.0, 1.0]))", { try $0.tan() }),
        ("asin", ["arcsin"], "elementwise arcsine; NaN outside [-1, 1]", "asin(tensor([0.0, 1.0]))", { try $0.asin() }),
        ("acos", ["arccos"], "elementwise arccosine; NaN outside [-1, 1]", "acos(tensor([1.0, 0.0]))", { try $0.acos() }),
        ("atan", ["arctan"], "elementwise arctangent", "atan(tensor([1.0, -inf]))", { try $0.atan() }),
        ("sinh", [], "elementwise hyperbolic sine", "sinh(tensor([0.0, 1.0]))", { try $0.sinh() }),
        ("cosh", [], "elementwise hyperbolic cosine", "cosh(tensor([0.0, 1.0]))", { try $0.cosh() }),
        ("asinh", ["arcsinh"], "elementwise inverse hyperbolic sine", "asinh(tensor([0.0, 1.0]))", { try $0.asinh() }),
        ("acosh", ["arccosh"], "elementwise inverse hyperbolic cosine; NaN below 1", "acosh(tensor([1.0, 2.0]))", { try $0.acosh() }),
        ("atanh", ["arctanh"], "elementwise inverse hyperbolic tangent; ±inf at ±1, NaN beyond", "atanh(tensor([0.0, 0.5]))", { try $0.atanh() }),
        ("erf", [], "elementwise error function", "erf(tensor([0.0, 1.0]))", { try $0.erf() }),
        ("erfc", [], "elementwise complementary error function 1 - erf(x), accurate for large x", "erfc(tensor([0.0, 5.0]))", { try $0.erfc() }),
        ("erfinv", [], "elementwise inverse error function: ±inf at ±1, NaN beyond", "erfinv(tensor([0.0, 0.5]))", { try $0.erfinv() }),
        ("log1p", [], "elementwise log(1 + x), accurate near 0", "log1p(tensor([1e-8, 1.0]))", { try $0.log1p() }),
        ("expm1", [], "elementwise e^x - 1, accurate near 0", "expm1(tensor([1e-8, 1.0]))", { try $0.expm1() }),
        ("log2", [], "elementwise base-2 logarithm; -inf at 0, NaN below", "log2(tensor([1.0, 8.0]))", { try $0.log2() }),
        ("log10", [], "elementwise base-10 logarithm; -inf at 0, NaN below", "log10(tensor([1.0, 100.0]))", { try $0.log10() }),
        ("exp2", [], "elementwise 2^x", "exp2(tensor([0.0, 3.0]))", { try $0.exp2() }),
        ("rsqrt", [], "elementwise 1 / sqrt(x); inf at 0, NaN below", "rsqrt(tensor([4.0, 0.25]))", { try $0.rsqrt() }),
        ("reciprocal", [], "elementwise 1 / x; integers give float32", "reciprocal(tensor([2, 4]))", { try $0.reciprocal() }),
        ("square", [], "elementwise x * x; int64 and bool give int64", "square(tensor([1.5, -2.0]))", { try $0.square() }),
        ("floor", [], "elementwise largest integer <= x; int64 unchanged, bool an error; zero gradient", "floor(tensor([1.5, -1.5]))", { try $0.floor() }),
        ("ceil", [], "elementwise smallest integer >= x; int64 unchanged, bool an error; zero gradient", "ceil(tensor([1.5, -1.5]))", { try $0.ceil() }),
        ("trunc", ["fix"], "elementwise rounding toward zero; int64 unchanged, bool an error; zero gradient", "trunc(tensor([1.5, -1.5]))", { try $0.trunc() }),
        ("frac", [], "elementwise fractional part x - trunc(x) (float only); the gradient passes", "frac(tensor([1.25, -1.25]))", { try $0.frac() }),
        ("sign", [], "elementwise -1, 0 or 1 (0 for NaN); int64 and bool keep their dtype; zero gradient", "sign(tensor([-2.0, 0.0, 3.0]))", { try $0.sign() }),
        ("sgn", [], "sign extended to complex numbers; for real tensors the same as sign", "sgn(tensor([-2.0, 0.0, 3.0]))", { try $0.sgn() }),
        ("isposinf", [], "elementwise test for +inf, a bool tensor", "isposinf(tensor([inf, -inf, 1.0]))", { try $0.isposinf() }),
        ("isneginf", [], "elementwise test for -inf, a bool tensor", "isneginf(tensor([inf, -inf, 1.0]))", { try $0.isneginf() }),
        ("logical_not", [], "elementwise not of truth values (non-zero and NaN are true), a bool tensor", "logical_not(tensor([0, 2]))", { try $0.logicalNot() }),
    ]

    /// Two-tensor elementwise ops with broadcasting as `f(input, other)` and `x.f(other)`.
    static let binary: [(String, [String], String, String, (Tensor, Tensor) throws -> Tensor)] = [
        ("atan2", ["arctan2"], "elementwise angle of the point (other, input) in (-pi, pi]; integers give float32", "atan2(tensor([1.0]), tensor([-1.0]))", { try $0.atan2($1) }),
        ("hypot", [], "elementwise sqrt(input^2 + other^2) without overflow (float only)", "hypot(tensor([3.0]), tensor([4.0]))", { try $0.hypot($1) }),
        ("fmod", [], "elementwise C remainder, the sign of the dividend; integer division by zero is an error", "fmod(tensor([-3.0, 3.0]), 2)", { try $0.fmod($1) }),
        ("remainder", [], "elementwise Python remainder (the % operator), the sign of the divisor; integer division by zero is an error", "remainder(tensor([-3.0, 3.0]), 2)", { try $0.remainder($1) }),
        ("logical_and", [], "elementwise and of truth values (non-zero and NaN are true), a bool tensor", "logical_and(tensor([1, 0]), tensor([1, 1]))", { try $0.logicalAnd($1) }),
        ("logical_or", [], "elementwise or of truth values, a bool tensor", "logical_or(tensor([1, 0]), tensor([0, 0]))", { try $0.logicalOr($1) }),
        ("logical_xor", [], "elementwise exclusive or of truth values, a bool tensor", "logical_xor(tensor([1, 0]), tensor([1, 1]))", { try $0.logicalXor($1) }),
    ]

    /// The elementwise classification tests; as globals a number gives a Python bool.
    static let tests: [(String, String, (Tensor) throws -> Tensor, (Double) -> Bool)] = [
        ("isnan", "NaN", { try $0.isnan() }, { $0.isNaN }),
        ("isinf", "±inf", { try $0.isinf() }, { $0.isInfinite }),
        ("isfinite", "finite (not NaN, not infinite)", { try $0.isfinite() }, { $0.isFinite }),
    ]

    /// `dtype=` of reductions (keyword-only, as in PyTorch): the input is converted first.
    static let dtypeParam = Param("dtype", .optional(.dtype), default: Value.none, keywordOnly: true)
    static let keepdim = TensorBuiltins.keepdimParam

    /// The input of a reduction converted to its `dtype=` argument when one is given.
    static func input(_ a: BoundArguments) throws -> Tensor {
        let x = try a.tensor("input")
        guard let dt = try a.dtype("dtype") else { return x }
        return try x.to(dt)
    }

    /// A (values, indices) result as the tuple vis gives for PyTorch's named tuples.
    static func pair(_ op: String, _ r: (values: Tensor, indices: Tensor)) -> Value { ReturnTuple.valuesIndices(op, .tensor(r.values), .tensor(r.indices)) }

    /// Python's `all(iterable)` / `any(iterable)` for a tensor: torch.all / torch.any.
    static func truth(_ x: Tensor, isAny: Bool, dims: [Int], keepdim: Bool) throws -> Value {
        .tensor(isAny ? try x.any(dims: dims, keepdim: keepdim) : try x.all(dims: dims, keepdim: keepdim))
    }

    /// `round(t, decimals)` for a tensor (the global round dispatches here).
    static func round(_ x: Tensor, decimals: Int) throws -> Value { .tensor(try x.round(decimals: decimals)) }

    static func add(to t: inout BuiltinTable) {
        let input = Param("input", .tensorLike)
        for (name, aliases, doc, example, f) in unary {
            for n in [name] + aliases {
                t.functionAndMethod(n, [input], "\(n)(input): \(doc).\n  \(example)") { a, _ in .tensor(try f(a.tensor("input"))) }
            }
        }
        for (name, aliases, doc, example, f) in binary {
            for n in [name] + aliases {
                t.functionAndMethod(n, [input, Param("other", .tensorLike)], "\(n)(input, other): \(doc).\n  \(example)") { a, _ in
                    .tensor(try f(a.tensor("input"), a.tensor("other")))
                }
            }
        }
        for (name, what, f, number) in tests {
            t.method(name, [], "x.\(name)(): elementwise test for \(what), a bool tensor (int64 and bool tensors: \(name == "isfinite" ? "all true" : "all false")).\n  tensor([1.0, nan, inf]).\(name)()") { a, _ in
                .tensor(try f(a.tensor("self")))
            }
            // The global isfinite is Python-flavoured vis (BasicBuiltins); isnan / isinf are declared here.
            guard name != "isfinite" else { continue }
            t.function(name, [Param("input")], "\(name)(input): elementwise test for \(what), a bool tensor; for a number, a bool.\n  \(name)(tensor([1.0, nan, inf]))") { a, _ in
                if let d = a["input"].asDouble, !(a["input"].isTensor) { return .bool(number(d)) }
                return .tensor(try f(a.tensor("input")))
            }
        }
        t.function("pow", [Param("input"), Param("exponent")],
                   "pow(input, exponent): input ** exponent. Numbers follow Python (pow(2, 10) is the int 1024); a tensor on either side gives the elementwise power (broadcasting), as torch.pow.\n  pow(tensor([1.0, 2.0]), 2)") { a, _ in
            let x = a["input"], y = a["exponent"]
            if !x.isTensor && !y.isTensor { return try Arith.binary(.pow, x, y) }
            return .tensor(try a.tensor("input").pow(a.tensor("exponent")))
        }
        t.method("pow", [Param("exponent", .tensorLike)], "x.pow(exponent): elementwise power (broadcasting).\n  x.pow(2)") { a, _ in
            let e = a["exponent"]
            if !e.isTensor, let d = e.asDouble { return .tensor(try a.tensor("self").pow(d)) }
            return .tensor(try a.tensor("self").pow(a.tensor("exponent")))
        }
        t.method("round", [Param("decimals", .int, default: .int(0), keywordOnly: true)],
                 "x.round(*, decimals=0): elementwise rounding half to even (to `decimals` digits; negative rounds to tens, hundreds...); int64 unchanged; zero gradient.\n  tensor([0.5, 1.5, 2.675]).round(decimals=2)") { a, _ in
            try round(a.tensor("self"), decimals: a.int("decimals"))
        }
        t.functionAndMethod("nan_to_num", [Param("input", .tensor), Param("nan", .float, default: .float(0)),
                                          Param("posinf", .optional(.float), default: Value.none), Param("neginf", .optional(.float), default: Value.none)],
                            "nan_to_num(input, nan=0.0, posinf=none, neginf=none): NaN, +inf and -inf replaced (the infinities by the largest / lowest finite value of the input's dtype unless given); the gradient is 0 at replaced elements.\n  nan_to_num(tensor([nan, inf, 1.0]), posinf=100)") { a, _ in
            .tensor(try a.tensor("input").nanToNum(nan: a.double("nan"), posinf: a.optionalDouble("posinf"), neginf: a.optionalDouble("neginf")))
        }
        for (name, greater) in [("clamp_min", true), ("clamp_max", false)] {
            let bound = greater ? "min" : "max"
            t.functionAndMethod(name, [Param("input", .tensor), Param(bound, .tensorLike)],
                                "\(name)(input, \(bound)): the elementwise \(greater ? "larger" : "smaller") of input and a number or tensor \(bound) (broadcast); NaN propagates. With a number the gradient is 0 at the bound itself; with a tensor, ties split it in halves.\n  \(name)(tensor([-1.0, 2.0]), 0)") { a, _ in
                let x = try a.tensor("input")
                if !a[bound].isTensor, let d = a[bound].asDouble { return .tensor(try x.clampBound(d, greater: greater)) }
                return .tensor(try x.clampBound(a.tensor(bound), greater: greater))
            }
        }
        t.functionAndMethod("lerp", [Param("input", .tensor), Param("end", .tensorLike), Param("weight", .tensorLike)],
                            "lerp(input, end, weight): input + weight * (end - input) (weight a number or tensor, broadcast), evaluated from end when weight >= 0.5 as PyTorch does; float only.\n  lerp(tensor([0.0, 10.0]), tensor([10.0, 20.0]), 0.25)") { a, _ in
            let x = try a.tensor("input")
            var e = try a.tensor("end"), w = try a.tensor("weight")
            // A number end / weight takes a float64 input's dtype (PyTorch's scalars do).
            // (from the number itself, not through a float32 tensor: 0.3 stays 0.3 in float64).
            if !a["end"].isTensor && x.dtype == .float64 { e = Tensor.full([], try a.double("end"), dtype: .float64) }
            if !a["weight"].isTensor && x.dtype == .float64 { w = Tensor.full([], try a.double("weight"), dtype: .float64) }
            if !a["weight"].isTensor && w.dtype == .int64 { w = try w.to(.float32) }
            return .tensor(try x.lerp(e, weight: w))
        }
        addReductions(to: &t)
    }
}

extension Value {
    /// True for a tensor value (the dispatch of Python's globals between numbers and tensors).
    var isTensor: Bool { if case .tensor = self { return true } else { return false } }
}
