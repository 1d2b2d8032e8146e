import VisTensor

/// The bindings of the reductions and scans of "Reductions" in LIBRARY.md beyond
/// sum / mean / var / std / max / min / argmax (TensorReductionBuiltins): prod,
/// cumsum, cumprod, cummax, cummin, logcumsumexp, logsumexp, all, any, count_nonzero,
/// amax, amin, aminmax, nansum, nanmean, median, nanmedian, mode, quantile, nanquantile.
extension TensorMathBuiltins {
    static func addReductions(to t: inout BuiltinTable) {
        let x = Param("input", .tensor)
        let dims = Param("dim", .optional(.ints), default: Value.none)
        let oneDim = Param("dim", .optional(.int), default: Value.none)
        let requiredDim = Param("dim", .int)
        t.functionAndMethod("prod", [x, oneDim, keepdim, dtypeParam],
                            "prod(input, dim=none, keepdim=false, *, dtype=none): the product of all elements or along one dim; int64 and bool give int64. The gradient is exact with zeros in the input.\n  prod(tensor([[1, 2], [3, 4]]), dim=1)") { a, _ in
            .tensor(try input(a).prod(dim: a.optionalInt("dim"), keepdim: a.bool("keepdim")))
        }
        for (name, doc) in [("cumsum", "the running sum along dim (float32 accumulated in double); int64 and bool give int64"),
                            ("cumprod", "the running product along dim; int64 and bool give int64; the gradient is exact with zeros")] {
            t.functionAndMethod(name, [x, requiredDim, dtypeParam], "\(name)(input, dim, *, dtype=none): \(doc).\n  \(name)(tensor([1, 2, 3]), dim=0)") { a, _ in
                let v = try input(a), d = try a.int("dim")
                return .tensor(name == "cumsum" ? try v.cumsum(dim: d) : try v.cumprod(dim: d))
            }
        }
        for (name, greater) in [("cummax", true), ("cummin", false)] {
            t.functionAndMethod(name, [x, requiredDim],
                                "\(name)(input, dim): (values, indices): the running \(greater ? "maximum" : "minimum") along dim and where it was reached (the last index on ties; a NaN carries on with its index).\n  \(name)(tensor([1.0, 3.0, 2.0]), 0)") { a, _ in
                pair(name, try a.tensor("input").cumulativeExtreme(dim: a.int("dim"), greater: greater))
            }
        }
        t.functionAndMethod("logcumsumexp", [x, requiredDim],
                            "logcumsumexp(input, dim): log(cumsum(exp(input))) along dim, computed stably; float only.\n  logcumsumexp(tensor([0.0, 0.0]), 0)") { a, _ in
            .tensor(try a.tensor("input").logcumsumexp(dim: a.int("dim")))
        }
        t.functionAndMethod("logsumexp", [x, Param("dim", .ints), keepdim],
                            "logsumexp(input, dim, keepdim=false): log(sum(exp(input))) over a dim or list of dims, computed stably (-inf for no elements); integers give float32.\n  logsumexp(tensor([[0.0, 0.0]]), dim=1)") { a, _ in
            .tensor(try a.tensor("input").logsumexp(dims: a.ints("dim"), keepdim: a.bool("keepdim")))
        }
        for (name, isAny) in [("any", true), ("all", false)] {
            t.method(name, [dims, keepdim],
                     "x.\(name)(dim=none, keepdim=false): a bool tensor, true where \(isAny ? "any element" : "every element") over the dims (all when none) is true (non-zero or NaN); \(isAny ? "false" : "true") for no elements.\n  (x > 0).\(name)(dim=1)") { a, _ in
                try truth(a.tensor("self"), isAny: isAny, dims: TensorBuiltins.dims(a, "dim"), keepdim: a.bool("keepdim"))
            }
        }
        t.functionAndMethod("count_nonzero", [x, dims],
                            "count_nonzero(input, dim=none): the int64 number of non-zero elements (NaN counts) over a dim, a list of dims or all.\n  count_nonzero(tensor([[0, 1], [2, 3]]), dim=0)") { a, _ in
            .tensor(try a.tensor("input").countNonzero(dims: TensorBuiltins.dims(a, "dim")))
        }
        for (name, greater) in [("amax", true), ("amin", false)] {
            t.functionAndMethod(name, [x, Param("dim", .ints, default: .list(ListBox([]))), keepdim],
                                "\(name)(input, dim=[], keepdim=false): the \(greater ? "maximum" : "minimum") over a dim or list of dims (all when empty), keeping the dtype; NaN wins; ties share the gradient evenly.\n  \(name)(tensor([[1.0, 5.0], [3.0, 2.0]]), dim=1)") { a, _ in
                let v = try a.tensor("input"), d = try a.ints("dim"), k = try a.bool("keepdim")
                return .tensor(greater ? try v.amax(dims: d, keepdim: k) : try v.amin(dims: d, keepdim: k))
            }
        }
        t.functionAndMethod("aminmax", [x, Param("dim", .optional(.int), default: Value.none, keywordOnly: true),
                                        Param("keepdim", .bool, default: .bool(false), keywordOnly: true)],
                            "aminmax(input, *, dim=none, keepdim=false): (min, max) over one dim or all elements, as amin and amax.\n  lo, hi = aminmax(tensor([3.0, 1.0, 2.0]))") { a, _ in
            let r = try a.tensor("input").aminmax(dim: a.optionalInt("dim"), keepdim: a.bool("keepdim"))
            return .object(ReturnTuple("aminmax", ["min", "max"], [.tensor(r.min), .tensor(r.max)]))
        }
        t.functionAndMethod("nansum", [x, dims, keepdim, dtypeParam],
                            "nansum(input, dim=none, keepdim=false, *, dtype=none): the sum with NaN counted as 0 (zero gradient there); int64 and bool give int64.\n  nansum(tensor([1.0, nan, 2.0]))") { a, _ in
            .tensor(try input(a).nansum(dims: TensorBuiltins.dims(a, "dim"), keepdim: a.bool("keepdim")))
        }
        t.functionAndMethod("nanmean", [x, dims, keepdim, dtypeParam],
                            "nanmean(input, dim=none, keepdim=false, *, dtype=none): the mean of the non-NaN elements (NaN where there are none); float only.\n  nanmean(tensor([1.0, nan, 2.0]))") { a, _ in
            .tensor(try input(a).nanmean(dims: TensorBuiltins.dims(a, "dim"), keepdim: a.bool("keepdim")))
        }
        for (name, skip) in [("median", false), ("nanmedian", true)] {
            let nanRule = skip ? "NaNs are left out (NaN for an all-NaN row)" : "a row holding NaN gives NaN and the first NaN's index"
            t.functionAndMethod(name, [x, oneDim, keepdim],
                                "\(name)(input, dim=none, keepdim=false): the lower median of all elements (a tensor; the gradient is shared by the elements equal to it), or along dim a tuple (values, indices); \(nanRule).\n  \(name)(tensor([3.0, 1.0, 2.0, 4.0]))") { a, _ in
                let v = try a.tensor("input")
                guard let d = try a.optionalInt("dim") else { return .tensor(skip ? try v.nanmedian() : try v.median()) }
                let k = try a.bool("keepdim")
                return pair(name, skip ? try v.nanmedian(dim: d, keepdim: k) : try v.median(dim: d, keepdim: k))
            }
        }
        t.functionAndMethod("mode", [x, Param("dim", .int, default: .int(-1)), keepdim],
                            "mode(input, dim=-1, keepdim=false): (values, indices): the most frequent value along dim (the smallest on ties) and the last index where it occurs.\n  mode(tensor([1, 2, 2, 3]))") { a, _ in
            pair("mode", try a.tensor("input").mode(dim: a.int("dim"), keepdim: a.bool("keepdim")))
        }
        let interpolations = Tensor.QuantileInterpolation.allCases.map(\.rawValue)
        for (name, skip) in [("quantile", false), ("nanquantile", true)] {
            let nanRule = skip ? "NaNs are left out (NaN for an all-NaN row)" : "a row holding NaN gives NaN"
            t.functionAndMethod(name, [x, Param("q", .any), oneDim, keepdim, Param("interpolation", .string, default: .string("linear"), keywordOnly: true)],
                                "\(name)(input, q, dim=none, keepdim=false, *, interpolation=\"linear\"): the q-th quantiles (q a number or list / 1-d tensor in [0, 1]; a list adds a leading dim) over dim or all elements; interpolation linear, lower, higher, nearest or midpoint; \(nanRule); float only.\n  \(name)(tensor([1.0, 2.0, 3.0, 4.0]), 0.5)") { a, _ in
                let q = a["q"]
                let qs: [Double], scalar: Bool
                if let d = q.asDouble, !q.isTensor {
                    qs = [d]; scalar = true
                } else {
                    let qt = try Convert.tensor(q, context: "\(name): argument 'q'")
                    guard qt.ndim <= 1 else { throw NativeError("\(name): q must be a number or a 1-d tensor, got shape \(shapeString(qt.shape))") }
                    guard qt.dtype != .bool else { throw NativeError("\(name): q must hold numbers in [0, 1], got a bool tensor") }
                    qs = qt.toDoubleArray(); scalar = qt.ndim == 0
                }
                let mode = try a.string("interpolation")
                guard let interp = Tensor.QuantileInterpolation(rawValue: mode) else {
                    throw NativeError("\(name): interpolation must be one of \(interpolations.joined(separator: ", ")), got \"\(mode)\"")
                }
                return .tensor(try a.tensor("input").quantile(qs, scalarQ: scalar, dim: a.optionalInt("dim"), keepdim: a.bool("keepdim"),
                                                               interpolation: interp, skipNaN: skip))
            }
        }
    }
}
