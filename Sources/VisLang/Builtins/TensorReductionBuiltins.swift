import VisTensor

/// Bindings of reductions: sum, mean, var, std, max, min, argmax, argmin (any, all and
/// the other reductions are in TensorMathBuiltins).
/// `sum`, `max`, `min` as global functions live in BasicBuiltins, which dispatch
/// tensors here.
enum TensorReductionBuiltins {
    /// `x.max()`, `x.max(dim)` (values and indices), or the elementwise maximum of two tensors.
    static func extreme(_ x: Tensor, _ arg: Value, keepdim: Bool, greater: Bool) throws -> Value {
        switch arg {
        case .none: return .tensor(greater ? try x.max() : try x.min())
        case .tensor(let other):
            return .tensor(greater ? try x.maximum(other) : try x.minimum(other))
        case .int, .bool:
            guard let d = arg.asInt else { throw NativeError("\(greater ? "max" : "min"): dim must be an int, got \(arg.typeName)") }
            let r = greater ? try x.max(dim: d, keepdim: keepdim) : try x.min(dim: d, keepdim: keepdim)
            return ReturnTuple.valuesIndices(greater ? "max" : "min", .tensor(r.values), .tensor(r.indices))
        default:
            // PyTorch's torch.max(x, 1.5) is an error too: the second argument is a dim or
            // a tensor, never a number to compare with.
            let name = greater ? "max" : "min"
            throw NativeError("\(name): the second argument must be a dim (int) or a tensor, got \(arg.typeName)\(Repr.briefValue(arg)) (for the elementwise \(name)imum with a number, use x.clamp(\(greater ? "min" : "max")=v) or \(name)imum(x, tensor(v)))")
        }
    }

    /// std / var / std_mean / var_mean's parameters: PyTorch's two overloads in one,
    /// (input, dim, unbiased, keepdim) and (input, dim, *, correction, keepdim).
    static let varianceParams = [Param("input", .tensor), Param("dim", .any, default: Value.none),
                                 Param("unbiased", .optional(.bool), default: Value.none),
                                 Param("keepdim", .bool, default: .bool(false)),
                                 Param("correction", .optional(.int), default: Value.none, keywordOnly: true)]

    /// The tensor, dims, correction and keepdim of a std / var call. A bool where the dim
    /// goes is PyTorch's legacy `std(input, unbiased)`.
    static func varianceArguments(_ a: BoundArguments) throws -> (Tensor, [Int], Int, Bool) {
        let x = try a.tensor("input")
        var unbiased = a["unbiased"], dims: [Int] = []
        switch a["dim"] {
        case .none: break
        case .bool:
            guard unbiased.isNone else { throw NativeError("\(a.function): got multiple values for argument 'unbiased'") }
            unbiased = a["dim"]
        default: dims = try a.ints("dim")
        }
        var correction = 1
        if let c = try a.optionalInt("correction") {
            guard unbiased.isNone else { throw NativeError("\(a.function): give either unbiased or correction, not both (as PyTorch)") }
            correction = c
        } else if case .bool(let u) = unbiased {
            correction = u ? 1 : 0
        }
        return (x, dims, correction, try a.bool("keepdim"))
    }

    static func add(to t: inout BuiltinTable) {
        let dim = TensorBuiltins.dimParam
        let keep = TensorBuiltins.keepdimParam
        t.method("sum", [dim, keep], "x.sum(dim=none, keepdim=false): sum over all elements, a dim or a list of dims.") { a, _ in
            .tensor(try a.tensor("self").sum(dims: TensorBuiltins.dims(a, "dim"), keepdim: a.bool("keepdim")))
        }
        t.method("mean", [dim, keep], "x.mean(dim=none, keepdim=false): mean over all elements, a dim or a list of dims.") { a, _ in
            .tensor(try a.tensor("self").mean(dims: TensorBuiltins.dims(a, "dim"), keepdim: a.bool("keepdim")))
        }
        t.function("mean", [Param("input", .tensor), dim, keep], "mean(input, dim=none, keepdim=false): mean over all elements, a dim or a list of dims.\n  mean(x, dim=1)") { a, _ in
            .tensor(try a.tensor("input").mean(dims: TensorBuiltins.dims(a, "dim"), keepdim: a.bool("keepdim")))
        }
        for (name, isStd) in [("var", false), ("std", true)] {
            let what = isStd ? "standard deviation" : "variance"
            let doc = "\(name)(input, dim=none, unbiased=none, keepdim=false, *, correction=none): the \(what) over all elements, a dim or a list of dims, dividing by n - correction (correction 1, Bessel's, unless unbiased=false or correction= says otherwise; PyTorch's legacy \(name)(input, unbiased) works too).\n  x.\(name)(dim=0, correction=0)"
            t.functionAndMethod(name, varianceParams, doc) { a, _ in
                let (x, d, c, k) = try varianceArguments(a)
                return .tensor(isStd ? try x.std(dims: d, correction: c, keepdim: k) : try x.variance(dims: d, correction: c, keepdim: k))
            }
            let pairName = "\(name)_mean"
            t.function(pairName, varianceParams,
                       "\(pairName)(input, dim=none, unbiased=none, keepdim=false, *, correction=none): the tuple (\(name), mean) over the same dims, as torch.\(pairName).\n  s, m = \(pairName)(x, dim=0)") { a, _ in
                let (x, d, c, k) = try varianceArguments(a)
                let spread = isStd ? try x.std(dims: d, correction: c, keepdim: k) : try x.variance(dims: d, correction: c, keepdim: k)
                return .tuple([.tensor(spread), .tensor(try x.mean(dims: d, keepdim: k))])
            }
        }
        for (name, greater) in [("max", true), ("min", false)] {
            t.method(name, [Param("dim", .any, default: Value.none), keep],
                     "x.\(name)(dim=none, keepdim=false): the \(name)imum of all elements; with dim, a tuple (values, indices); with a tensor, the elementwise \(name)imum.") { a, _ in
                try extreme(a.tensor("self"), a["dim"], keepdim: a.bool("keepdim"), greater: greater)
            }
        }
        for (name, isMax) in [("argmax", true), ("argmin", false)] {
            let doc = "\(name)(input, dim=none, keepdim=false): int64 index of the \(isMax ? "max" : "min")imum (in the flattened tensor when dim is none)."
            t.functionAndMethod(name, [Param("input", .tensor), Param("dim", .optional(.int), default: Value.none), keep], doc) { a, _ in
                let x = try a.tensor("input"), d = try a.optionalInt("dim"), k = try a.bool("keepdim")
                return .tensor(isMax ? try x.argmax(dim: d, keepdim: k) : try x.argmin(dim: d, keepdim: k))
            }
        }
    }
}
