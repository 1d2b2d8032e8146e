import VisTensor

/// Bindings of reductions: sum, mean, var, std, max, min, argmax, argmin, any, all.
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
        let dim = TensorBuiltins.dimParam, keep = TensorBuiltins.keepdimParam
        t.method("sum", [dim, keep], "x.sum(dim=none, keepdim=false): sum over all elements, a dim or a list of dims.") { a, _ in
            .tensor(try a.tensor(0).sum(dims: TensorBuiltins.dims(a, 1), keepdim: a.bool(2)))
        }
        t.method("mean", [dim, keep], "x.mean(dim=none, keepdim=false): mean over all elements, a dim or a list of dims.") { a, _ in
            .tensor(try a.tensor(0).mean(dims: TensorBuiltins.dims(a, 1), keepdim: a.bool(2)))
        }
        t.function("mean", [Param("input", .tensor), dim, keep], "mean(input, dim=none, keepdim=false): mean over all elements, a dim or a list of dims.\n  mean(x, dim=1)") { a, _ in
            .tensor(try a.tensor(0).mean(dims: TensorBuiltins.dims(a, 1), keepdim: a.bool(2)))
        }
        for (name, isStd) in [("var", false), ("std", true)] {
            let params = [dim, Param("unbiased", .bool, default: .bool(true)), keep]
            let doc = "\(name)(dim=none, unbiased=true, keepdim=false): \(isStd ? "standard deviation" : "variance"), with Bessel's correction unless unbiased=false."
            let body: (BoundArguments, Runtime) throws -> Value = { a, _ in
                let x = try a.tensor(0), d = try TensorBuiltins.dims(a, 1), c = try a.bool(2) ? 1 : 0, k = try a.bool(3)
                return .tensor(isStd ? try x.std(dims: d, correction: c, keepdim: k) : try x.variance(dims: d, correction: c, keepdim: k))
            }
            t.method(name, params, "x.\(doc)", body)
            t.function(name, [Param("input", .tensor)] + params, "\(name)(input, " + doc.dropFirst(name.count + 1), body)
        }
        for (name, greater) in [("max", true), ("min", false)] {
            t.method(name, [Param("dim", .any, default: Value.none), keep],
                     "x.\(name)(dim=none, keepdim=false): the \(name)imum of all elements; with dim, a tuple (values, indices); with a tensor, the elementwise \(name)imum.") { a, _ in
                try extreme(a.tensor(0), a[1], keepdim: a.bool(2), greater: greater)
            }
        }
        for (name, isMax) in [("argmax", true), ("argmin", false)] {
            let params = [Param("dim", .optional(.int), default: Value.none), keep]
            let doc = "\(name)(dim=none, keepdim=false): int64 index of the \(isMax ? "max" : "min")imum (in the flattened tensor when dim is none)."
            let body: (BoundArguments, Runtime) throws -> Value = { a, _ in
                let x = try a.tensor(0)
                return .tensor(isMax ? try x.argmax(dim: a.optionalInt(1), keepdim: a.bool(2)) : try x.argmin(dim: a.optionalInt(1), keepdim: a.bool(2)))
            }
            t.method(name, params, "x.\(doc)", body)
            t.function(name, [Param("input", .tensor)] + params, "\(name)(input, " + doc.dropFirst(name.count + 1), body)
        }
        for (name, isAny) in [("any", true), ("all", false)] {
            t.method(name, [], "x.\(name)(): true when \(isAny ? "any" : "every") element is non-zero (a bool tensor).") { a, _ in
                let x = try a.tensor(0).to(.bool).to(.int64)
                let s = try x.sum().item()
                return .tensor(Tensor.scalar(isAny ? (s > 0 ? 1 : 0) : (Int(s) == x.count ? 1 : 0), dtype: .bool))
            }
        }
    }
}
