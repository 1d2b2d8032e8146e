import VisTensor

/// Sorting and selection (LIBRARY.md "Sorting and selection"): sort, argsort, msort,
/// topk, kthvalue, unique, unique_consecutive, nonzero, argwhere, masked_select,
/// index_select, index_add / index_copy / index_fill, scatter / scatter_add /
/// scatter_reduce (with the in-place `_` methods), gather, take_along_dim, take,
/// searchsorted, bucketize, bincount and histc, with PyTorch's names and defaults.
enum TensorSelectionBuiltins {
    /// A (values, indices) pair as PyTorch's return types give it (vis has no named
    /// tuples: unpack it, `values, indices = x.sort()`, or index it).
    static func pair(_ op: String, _ r: (values: Tensor, indices: Tensor)) -> Value { ReturnTuple.valuesIndices(op, .tensor(r.values), .tensor(r.indices)) }

    /// The one place an in-place `_` method writes its out-of-place result into the
    /// receiver, so the in-place machinery (version counters, autograd writes) can take
    /// it over in one spot. Returns the receiver, as PyTorch's `x.index_add_(...)` does.
    static func writeInPlace(_ a: BoundArguments, op: String, _ body: (BoundArguments, Tensor) throws -> Tensor) throws -> Value {
        let target = try a.tensor("self")
        // The tensors written in take part in the graph as PyTorch records them.
        let others = a.params.compactMap { p -> Tensor? in
            if p.name != "self", case .tensor(let t) = a[p.name] { return t }
            return nil
        }
        _ = try target.writeInPlace(op, others: others) { current in try body(a, current) }
        return .tensor(target)
    }

    /// A tensor argument that may also be given as a number or nested list.
    static func tensorArg(_ a: BoundArguments, _ name: String) throws -> Tensor {
        if case .tensor(let t) = a[name] { return t }
        return try Convert.tensor(a[name], context: "\(a.function): \(name)")
    }

    static func add(to t: inout BuiltinTable) {
        let input = Param("input", .tensor)
        let dimLast = Param("dim", .int, default: .int(-1))
        let keepdim = TensorBuiltins.keepdimParam

        // MARK: Sorting
        let sortParams = [input, dimLast, Param("descending", .bool, default: .bool(false)), Param("stable", .bool, default: .bool(false))]
        t.functionAndMethod("sort", sortParams, """
            sort(input, dim=-1, descending=false, stable=false): a tuple (values, indices) sorted along dim; NaN is the largest value, and equal elements keep their index order (vis sorts stably whatever stable says). Differentiable in the values.
              values, indices = x.sort(descending=true)
            """) { a, _ in
            pair("sort", try a.tensor("input").sort(dim: a.int("dim"), descending: a.bool("descending"), stable: a.bool("stable")))
        }
        t.functionAndMethod("argsort", sortParams, """
            argsort(input, dim=-1, descending=false, stable=false): the int64 indices that sort input along dim (sort(...)[1]).
              order = scores.argsort(descending=true)
            """) { a, _ in
            .tensor(try a.tensor("input").argsort(dim: a.int("dim"), descending: a.bool("descending"), stable: a.bool("stable")))
        }
        t.functionAndMethod("msort", [input], """
            msort(input): the values of input sorted along its first dimension (sort(input, dim=0)[0]).
              msort(tensor([[3, 1], [1, 2]]))
            """) { a, _ in
            .tensor(try a.tensor("input").sort(dim: 0).values)
        }
        t.functionAndMethod("topk", [input, Param("k", .int), dimLast, Param("largest", .bool, default: .bool(true)), Param("sorted", .bool, default: .bool(true))], """
            topk(input, k, dim=-1, largest=true, sorted=true): a tuple (values, indices) of the k largest (smallest with largest=false) elements along dim, in sorted order (also when sorted=false); NaN counts as the largest; ties go to the lower index. Differentiable.
              scores, classes = logits.topk(5)
            """) { a, _ in
            pair("topk", try a.tensor("input").topk(a.int("k"), dim: a.int("dim"), largest: a.bool("largest"), sorted: a.bool("sorted")))
        }
        t.functionAndMethod("kthvalue", [input, Param("k", .int), dimLast, keepdim], """
            kthvalue(input, k, dim=-1, keepdim=false): a tuple (values, indices) of the k-th smallest element (k from 1) along dim; among equal values the one a stable sort puts k-th. Differentiable.
              median_value, where = x.kthvalue(3)
            """) { a, _ in
            pair("kthvalue", try a.tensor("input").kthvalue(a.int("k"), dim: a.int("dim"), keepdim: a.bool("keepdim")))
        }

        // MARK: Unique values
        for consecutive in [false, true] {
            let name = consecutive ? "unique_consecutive" : "unique"
            let params = (consecutive ? [input] : [input, Param("sorted", .bool, default: .bool(true))])
                + [Param("return_inverse", .bool, default: .bool(false)), Param("return_counts", .bool, default: .bool(false)),
                   Param("dim", .optional(.int), default: Value.none)]
            let doc = consecutive ? """
                unique_consecutive(input, return_inverse=false, return_counts=false, dim=none): input with each run of equal consecutive elements (or slices along dim) collapsed to one; with return_inverse / return_counts a tuple (output, inverse, counts) of those asked for. NaN equals nothing.
                  unique_consecutive(tensor([1, 1, 2, 2, 1]))
                """ : """
                unique(input, sorted=true, return_inverse=false, return_counts=false, dim=none): the sorted distinct elements (1-D), or distinct slices along dim; with return_inverse (each element's position in the output, input's shape) and/or return_counts, a tuple (output, inverse, counts) of those asked for. Each NaN is distinct; vis always sorts (as PyTorch does on the CPU).
                  values, counts = unique(labels, return_counts=true)
                """
            t.functionAndMethod(name, params, doc) { a, _ in
                let x = try a.tensor("input"), dim = try a.optionalInt("dim")
                let r = consecutive ? try x.uniqueConsecutive(dim: dim) : try x.unique(dim: dim)
                let inv = try a.bool("return_inverse"), cnt = try a.bool("return_counts")
                if !inv && !cnt { return .tensor(r.values) }
                var out: [Value] = [.tensor(r.values)]
                if inv { out.append(.tensor(r.inverse)) }
                if cnt { out.append(.tensor(r.counts)) }
                return .tuple(out)
            }
        }

        // MARK: Selecting by mask or position
        t.functionAndMethod("nonzero", [input, Param("as_tuple", .bool, default: .bool(false))], """
            nonzero(input, as_tuple=false): the int64 coordinates of the non-zero elements (NaN counts), one row each: shape [count, ndim]; with as_tuple=true, a tuple of one 1-D tensor per dimension (what x[...] takes).
              rows, cols = nonzero(mask, as_tuple=true)
            """) { a, _ in
            let x = try a.tensor("input")
            if try a.bool("as_tuple") { return .tuple(try x.nonzeroTuple().map { .tensor($0) }) }
            return .tensor(try x.nonzero())
        }
        t.functionAndMethod("argwhere", [input], """
            argwhere(input): the int64 coordinates of the non-zero elements, shape [count, ndim] (nonzero(input)).
              argwhere(x > 0)
            """) { a, _ in
            .tensor(try a.tensor("input").nonzero())
        }
        t.functionAndMethod("masked_select", [input, Param("mask", .tensor)], """
            masked_select(input, mask): a 1-D tensor of the elements where the bool mask is true (input and mask broadcast). Differentiable.
              positives = masked_select(x, x > 0)
            """) { a, _ in
            .tensor(try a.tensor("input").maskedSelect(a.tensor("mask")))
        }
        t.functionAndMethod("index_select", [input, Param("dim", .int), Param("index", .tensor)], """
            index_select(input, dim, index): the slices along dim named by the 1-D int64 index, in its order (repeats allowed). Differentiable.
              rows = x.index_select(0, tensor([2, 0], dtype="int64"))
            """) { a, _ in
            .tensor(try a.tensor("input").indexSelect(dim: a.int("dim"), index: a.tensor("index")))
        }
        let indexOps: [(String, String, String)] = [
            ("index_add", "adds alpha * source into the slices along dim named by the 1-D int64 index (repeats accumulate); source has the tensor's shape with dim the index's length. Differentiable in both.",
             "x.index_add(0, tensor([0, 2], dtype=\"int64\"), rows)"),
            ("index_copy", "copies the slices of source into the slices along dim named by the 1-D int64 index (with repeats the last one wins); source has the tensor's shape with dim the index's length. Differentiable in both.",
             "x.index_copy(0, tensor([0, 2], dtype=\"int64\"), rows)"),
        ]
        for (name, what, example) in indexOps {
            var params = [input, Param("dim", .int), Param("index", .tensor), Param("source", .tensor)]
            if name == "index_add" { params.append(Param("alpha", .float, default: .int(1))) }
            let args = name == "index_add" ? "dim, index, source, alpha=1" : "dim, index, source"
            let sig = "\(name)(input, \(args))"
            let body: (BoundArguments, Tensor) throws -> Tensor = { a, x in
                let d = try a.int("dim"), idx = try a.tensor("index"), src = try a.tensor("source")
                return name == "index_add" ? try x.indexAdd(dim: d, index: idx, source: src, alpha: a.double("alpha"))
                                           : try x.indexCopy(dim: d, index: idx, source: src)
            }
            t.functionAndMethod(name, params, "\(sig): a copy that \(what)\n  \(example)") { a, _ in .tensor(try body(a, a.tensor("input"))) }
            t.method(name + "_", Array(params.dropFirst()), "x.\(name)_(\(args)): in place, \(what) Returns x.\n  \(example.replacingOccurrences(of: name + "(", with: name + "_("))") { a, _ in
                try writeInPlace(a, op: name + "_", body)
            }
        }
        let fillParams = [input, Param("dim", .int), Param("index", .tensor), Param("value", .tensorLike)]
        let fillBody: (BoundArguments, Tensor) throws -> Tensor = { a, x in
            return try x.indexFill(dim: a.int("dim"), index: a.tensor("index"), value: scalarValue(a, "value", a.function))
        }
        t.functionAndMethod("index_fill", fillParams, """
            index_fill(input, dim, index, value): a copy with value (a number or 0-d tensor) in the slices along dim named by the 1-D int64 index (negative indices count from the end). Differentiable in input.
              x.index_fill(1, tensor([0], dtype="int64"), -1)
            """) { a, _ in .tensor(try fillBody(a, a.tensor("input"))) }
        t.method("index_fill_", Array(fillParams.dropFirst()), """
            x.index_fill_(dim, index, value): in place, value in the slices along dim named by the 1-D int64 index. Returns x.
              x.index_fill_(1, tensor([0], dtype="int64"), -1)
            """) { a, _ in try writeInPlace(a, op: "index_fill_", fillBody) }

        // MARK: Scatter and gather
        let scatterParams = [input, Param("dim", .int), Param("index", .tensor), Param("src", .any, default: Value.none),
                             Param("value", .optional(.float), default: Value.none), Param("reduce", .optional(.string), default: Value.none)]
        let scatterBody: (BoundArguments, Tensor) throws -> Tensor = { a, x in
            let d = try a.int("dim"), idx = try a.tensor("index"), reduce = try a.optionalString("reduce")
            switch (a["src"], a["value"]) {
            case (.tensor(let s), .none): return try x.scatter(dim: d, index: idx, src: s, reduce: reduce)
            case (.none, .none): throw NativeError("\(a.function): give src (a tensor) or value (a number)")
            case (.none, _): return try x.scatter(dim: d, index: idx, value: a.double("value"), reduce: reduce)
            case (let v, .none):
                guard let number = v.asDouble else { throw NativeError("\(a.function): src must be a tensor or a number, got \(v.typeName)") }
                return try x.scatter(dim: d, index: idx, value: number, reduce: reduce)
            default: throw NativeError("\(a.function): give src or value, not both")
            }
        }
        t.functionAndMethod("scatter", scatterParams, """
            scatter(input, dim, index, src=none, value=none, reduce=none): a copy with src's elements (or one value) written where the int64 index points along dim: out[index[i][j]][j] = src[i][j] for dim 0 (repeats: the last write wins); reduce="add" / "multiply" combines instead. Differentiable (without reduce).
              one_hot_rows = zeros(4, 10).scatter(1, labels.unsqueeze(1), 1.0)
            """) { a, _ in .tensor(try scatterBody(a, a.tensor("input"))) }
        t.method("scatter_", Array(scatterParams.dropFirst()), """
            x.scatter_(dim, index, src=none, value=none, reduce=none): in place, src's elements (or one value) written where the int64 index points along dim. Returns x.
              x.scatter_(1, labels.unsqueeze(1), 1.0)
            """) { a, _ in try writeInPlace(a, op: "scatter_", scatterBody) }
        let addParams = [input, Param("dim", .int), Param("index", .tensor), Param("src", .tensor)]
        let addBody: (BoundArguments, Tensor) throws -> Tensor = { a, x in
            return try x.scatterAdd(dim: a.int("dim"), index: a.tensor("index"), source: a.tensor("src"))
        }
        t.functionAndMethod("scatter_add", addParams, """
            scatter_add(input, dim, index, src): a copy with src's elements added where the int64 index points along dim (repeats accumulate). Differentiable.
              counts = zeros(10).scatter_add(0, labels, ones(labels.shape[0]))
            """) { a, _ in .tensor(try addBody(a, a.tensor("input"))) }
        t.method("scatter_add_", Array(addParams.dropFirst()), """
            x.scatter_add_(dim, index, src): in place, src's elements added where the int64 index points along dim. Returns x.
              totals.scatter_add_(0, labels, values)
            """) { a, _ in try writeInPlace(a, op: "scatter_add_", addBody) }
        let reduceParams = [input, Param("dim", .int), Param("index", .tensor), Param("src", .tensor), Param("reduce", .string),
                            Param("include_self", .bool, default: .bool(true))]
        let reduceBody: (BoundArguments, Tensor) throws -> Tensor = { a, x in
            return try x.scatterReduce(dim: a.int("dim"), index: a.tensor("index"), src: a.tensor("src"),
                                       reduce: a.string("reduce"), includeSelf: a.bool("include_self"))
        }
        t.functionAndMethod("scatter_reduce", reduceParams, """
            scatter_reduce(input, dim, index, src, reduce, include_self=true): a copy with src's elements combined where the int64 index points along dim by reduce: "sum", "prod", "mean", "amax" or "amin" ("max" / "min" are accepted for them, as PyTorch does) (with include_self=false a position that receives values starts from them alone). NaN propagates through amax / amin; integer means round down. Differentiable: ties of amax / amin share the gradient evenly.
              class_max = full([10], -inf).scatter_reduce(0, labels, scores, "amax")
            """) { a, _ in .tensor(try reduceBody(a, a.tensor("input"))) }
        t.method("scatter_reduce_", Array(reduceParams.dropFirst()), """
            x.scatter_reduce_(dim, index, src, reduce, include_self=true): in place, src's elements combined where the int64 index points along dim by reduce ("sum", "prod", "mean", "amax", "amin"). Returns x.
              x.scatter_reduce_(0, labels, scores, "amax")
            """) { a, _ in try writeInPlace(a, op: "scatter_reduce_", reduceBody) }
        t.functionAndMethod("take_along_dim", [input, Param("indices", .tensor), Param("dim", .optional(.int), default: Value.none)], """
            take_along_dim(input, indices, dim=none): values picked along dim by the int64 indices (input and indices broadcast in the other dimensions; negative indices count from the end); without dim, from the flattened input. Differentiable.
              best = take_along_dim(scores, scores.argmax(1, keepdim=true), 1)
            """) { a, _ in
            .tensor(try a.tensor("input").takeAlongDim(a.tensor("indices"), dim: a.optionalInt("dim")))
        }
        t.functionAndMethod("take", [input, Param("index", .tensor)], """
            take(input, index): the elements of input, seen as 1-D, at the int64 positions of index (any shape, negative counts from the end); the result has index's shape. Differentiable.
              take(x, tensor([0, -1], dtype="int64"))
            """) { a, _ in
            .tensor(try a.tensor("input").take(a.tensor("index")))
        }

        // MARK: Searching and counting
        t.function("searchsorted", [Param("sorted_sequence", .tensor), Param("input", .tensorLike), Param("out_int32", .bool, default: .bool(false)),
                                    Param("right", .bool, default: .bool(false)), Param("side", .optional(.string), default: Value.none),
                                    Param("sorter", .optional(.tensor), default: Value.none)], """
            searchsorted(sorted_sequence, input, out_int32=false, right=false, side=none, sorter=none): int64 positions where input's values would go in the sorted sequence (its last dimension): the first position with an element >= the value, or > with right=true / side="right". NaN sorts last.
              searchsorted(tensor([1.0, 3.0, 5.0]), tensor([3.0, 4.0]))
            """) { a, _ in
            let right = try rightFlag(a)
            let x = try tensorArg(a, "input")
            let r = try a.tensor("sorted_sequence").searchsorted(x, right: right, sorter: a.optionalTensor("sorter"))
            return .tensor(try int32Result(r, a))
        }
        t.functionAndMethod("bucketize", [Param("input", .tensorLike), Param("boundaries", .tensor), Param("out_int32", .bool, default: .bool(false)),
                                          Param("right", .bool, default: .bool(false))], """
            bucketize(input, boundaries, out_int32=false, right=false): the int64 bucket of each value among 1-D sorted boundaries: i with boundaries[i-1] < x <= boundaries[i], or boundaries[i-1] <= x < boundaries[i] with right=true.
              bucketize(ages, tensor([18.0, 65.0]))
            """) { a, _ in
            let b = try a.tensor("boundaries")
            guard b.ndim == 1 else { throw NativeError("bucketize: boundaries must be 1-D, got shape \(shapeString(b.shape))") }
            return .tensor(try int32Result(b.searchsorted(tensorArg(a, "input"), right: a.bool("right")), a))
        }
        t.functionAndMethod("bincount", [input, Param("weights", .optional(.tensor), default: Value.none), Param("minlength", .int, default: .int(0))], """
            bincount(input, weights=none, minlength=0): how often each value 0, 1, ... occurs in a 1-D integer tensor of non-negative values (int64), or the sum of the weights per value (float32 for float32 weights, float64 for any other weights, as PyTorch); at least minlength bins.
              class_counts = bincount(labels, minlength=10)
            """) { a, _ in
            .tensor(try a.tensor("input").bincount(weights: a.optionalTensor("weights"), minlength: a.int("minlength")))
        }
        t.functionAndMethod("histc", [input, Param("bins", .int, default: .int(100)), Param("min", .float, default: .int(0)), Param("max", .float, default: .int(0))], """
            histc(input, bins=100, min=0, max=0): a histogram (of the input's float dtype) of bins equal-width bins over [min, max] (min == max: the data's range); values outside it and NaN are not counted, max falls in the last bin.
              histc(x, bins=10, min=0, max=1)
            """) { a, _ in
            .tensor(try a.tensor("input").histc(bins: a.int("bins"), min: a.double("min"), max: a.double("max")))
        }
    }

    /// searchsorted's `right` and `side`, which must agree when both are given.
    static func rightFlag(_ a: BoundArguments) throws -> Bool {
        let right = try a.bool("right")
        guard let side = try a.optionalString("side") else { return right }
        guard side == "left" || side == "right" else {
            throw NativeError("searchsorted: side must be \"left\" or \"right\", got \"\(side)\"")
        }
        if side == "left" && right {
            throw NativeError("searchsorted: side=\"left\" and right=true contradict each other")
        }
        return side == "right"
    }

    /// The result as int32 when `out_int32` asks for it (positions fit: a row has at
    /// most Int32.max elements in PyTorch's int32 path too).
    static func int32Result(_ r: Tensor, _ a: BoundArguments) throws -> Tensor {
        guard try a.bool("out_int32") else { return r }
        return try r.to(.int32)
    }

    /// A number given as a number or a 0-d tensor (index_fill's value).
    static func scalarValue(_ a: BoundArguments, _ name: String, _ fn: String) throws -> Double {
        switch a[name] {
        case .tensor(let t):
            guard t.ndim == 0 else { throw NativeError("\(fn): value must be a number or a 0-d tensor, got a tensor of shape \(shapeString(t.shape))") }
            if t.requiresGrad && GradMode.isEnabled {
                throw NativeError("\(fn): a value that requires grad is not supported (its gradient would be lost); pass value.item() or value.detach()")
            }
            return try t.item()
        default:
            guard let v = a[name].asDouble else { throw NativeError("\(fn): value must be a number or a 0-d tensor, got \(a[name].typeName)") }
            return v
        }
    }
}
