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
            return .tensor(try Tensor.where(greater ? x.ge(other) : x.le(other), x, other))
        default:
            guard let d = arg.asInt else { throw NativeError("\(greater ? "max" : "min"): dim must be an int, got \(arg.typeName)") }
            let r = greater ? try x.max(dim: d, keepdim: keepdim) : try x.min(dim: d, keepdim: keepdim)
            return .tuple([.tensor(r.values), .tensor(r.indices)])
        }
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
            let doc = "\(name)(input, dim=none, unbiased=true, keepdim=false): \(isStd ? "standard deviation" : "variance"), with Bessel's correction unless unbiased=false."
            t.functionAndMethod(name, [Param("input", .tensor), dim, Param("unbiased", .bool, default: .bool(true)), keep], doc) { a, _ in
                let x = try a.tensor("input"), d = try TensorBuiltins.dims(a, "dim"), c = try a.bool("unbiased") ? 1 : 0, k = try a.bool("keepdim")
                return .tensor(isStd ? try x.std(dims: d, correction: c, keepdim: k) : try x.variance(dims: d, correction: c, keepdim: k))
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
