import VisTensor

/// Bindings of shape ops, joins, conversions, autograd methods and .npy files.
enum TensorShapeBuiltins {
    static func add(to t: inout BuiltinTable) {
        let shape = Param("shape", .any, variadic: true)
        t.method("reshape", [shape], "x.reshape(*shape): the same elements in a new shape; one size may be -1. A view when possible.\n  x.reshape(2, -1)") { a, _ in
            .tensor(try a.tensor("self").reshape(TensorBuiltins.shapeArg(a, "shape")))
        }
        t.method("view", [shape], "x.view(*shape): like reshape, for contiguous tensors only (as in PyTorch).") { a, _ in
            .tensor(try a.tensor("self").view(TensorBuiltins.shapeArg(a, "shape")))
        }
        t.method("flatten", [Param("start_dim", .int, default: .int(0)), Param("end_dim", .int, default: .int(-1))],
                 "x.flatten(start_dim=0, end_dim=-1): merges dimensions start..end into one.") { a, _ in
            .tensor(try a.tensor("self").flatten(a.int("start_dim"), a.int("end_dim")))
        }
        t.function("flatten", [Param("input", .tensor), Param("start_dim", .int, default: .int(0)), Param("end_dim", .int, default: .int(-1))],
                   "flatten(input, start_dim=0, end_dim=-1): merges dimensions start..end into one.") { a, _ in
            .tensor(try a.tensor("input").flatten(a.int("start_dim"), a.int("end_dim")))
        }
        t.method("squeeze", [Param("dim", .optional(.int), default: Value.none)], "x.squeeze(dim=none): removes size-1 dimensions (all, or only dim).") { a, _ in
            .tensor(try a.tensor("self").squeeze(a.optionalInt("dim")))
        }
        t.method("unsqueeze", [Param("dim", .int)], "x.unsqueeze(dim): inserts a size-1 dimension at dim.") { a, _ in
            .tensor(try a.tensor("self").unsqueeze(a.int("dim")))
        }
        t.method("permute", [Param("dims", .any, variadic: true)], "x.permute(*dims): reorders dimensions (a view).\n  x.permute(0, 2, 3, 1)") { a, _ in
            .tensor(try a.tensor("self").permute(TensorBuiltins.shapeArg(a, "dims")))
        }
        t.method("transpose", [Param("dim0", .int), Param("dim1", .int)], "x.transpose(dim0, dim1): swaps two dimensions (a view).") { a, _ in
            .tensor(try a.tensor("self").transpose(a.int("dim0"), a.int("dim1")))
        }
        t.method("t", [], "x.t(): transpose of a matrix.") { a, _ in .tensor(try a.tensor("self").t()) }
        t.method("expand", [shape], "x.expand(*shape): broadcasts size-1 dimensions without copying (-1 keeps a size).") { a, _ in
            .tensor(try a.tensor("self").expand(TensorBuiltins.shapeArg(a, "shape")))
        }
        t.method("repeat", [Param("repeats", .any, variadic: true)], "x.repeat(*repeats): tiles the tensor along each dimension (a copy).") { a, _ in
            .tensor(try a.tensor("self").repeat(TensorBuiltins.shapeArg(a, "repeats")))
        }
        t.method("contiguous", [], "x.contiguous(): x itself if its memory is contiguous, else a contiguous copy.") { a, _ in
            .tensor(try a.tensor("self").contiguous())
        }
        t.method("numel", [], "x.numel(): the number of elements.") { a, _ in .int(try a.tensor("self").count) }
        t.method("dim", [], "x.dim(): the number of dimensions.") { a, _ in .int(try a.tensor("self").ndim) }
        t.method("size", [Param("dim", .optional(.int), default: Value.none)], "x.size(dim=none): the shape as a list, or the size of one dimension.") { a, _ in
            let x = try a.tensor("self")
            guard let d = try a.optionalInt("dim") else { return Convert.intList(x.shape) }
            return .int(x.shape[try Shape.normalizeDim(d, x.ndim, op: "size")])
        }

        // MARK: Joins and gathers
        t.function("cat", [Param("tensors", .list), Param("dim", .int, default: .int(0))],
                   "cat(tensors, dim=0): joins tensors along an existing dimension.\n  cat([a, b], dim=1)") { a, _ in
            .tensor(try Tensor.cat(TensorBuiltins.tensors(a.list("tensors"), "cat"), dim: a.int("dim")))
        }
        t.function("stack", [Param("tensors", .list), Param("dim", .int, default: .int(0))],
                   "stack(tensors, dim=0): joins same-shape tensors along a new dimension.") { a, _ in
            .tensor(try Tensor.stack(TensorBuiltins.tensors(a.list("tensors"), "stack"), dim: a.int("dim")))
        }
        t.functionAndMethod("split", [Param("input", .tensor), Param("split_size_or_sections", .ints), Param("dim", .int, default: .int(0))],
                            "split(input, split_size_or_sections, dim=0): pieces of the given size (the last may be smaller), or of the listed sizes; views.") { a, _ in
            let x = try a.tensor("input")
            if case .int(let n) = a["split_size_or_sections"] { return TensorBuiltins.list(try x.split(n, dim: a.int("dim"))) }
            return TensorBuiltins.list(try x.split(sizes: a.ints("split_size_or_sections"), dim: a.int("dim")))
        }
        t.functionAndMethod("chunk", [Param("input", .tensor), Param("chunks", .int), Param("dim", .int, default: .int(0))],
                            "chunk(input, chunks, dim=0): splits into that many pieces of equal size (the last may be smaller), as views.") { a, _ in
            TensorBuiltins.list(try a.tensor("input").chunk(a.int("chunks"), dim: a.int("dim")))
        }
        t.functionAndMethod("gather", [Param("input", .tensor), Param("dim", .int), Param("index", .tensor)],
                            "gather(input, dim, index): out[i][j] = input[index[i][j]][j] for dim 0 (and so on), index int64 of the same rank.") { a, _ in
            .tensor(try a.tensor("input").gather(dim: a.int("dim"), index: a.tensor("index")))
        }
        t.function("one_hot", [Param("input", .tensor), Param("num_classes", .int, default: .int(-1))],
                   "one_hot(input, num_classes=-1): int64 one-hot rows for int64 labels; -1 means max label + 1.") { a, _ in
            .tensor(try a.tensor("input").oneHot(numClasses: a.int("num_classes")))
        }

        // MARK: Values out and conversions
        t.method("item", [], "x.item(): the value of a one-element tensor as a number.") { a, _ in
            try Convert.itemValue(try a.tensor("self"))
        }
        t.method("tolist", [], "x.tolist(): the elements as nested lists of numbers.") { a, _ in Convert.toList(try a.tensor("self")) }
        t.method("float", [], "x.float(): a float32 copy.") { a, _ in .tensor(try a.tensor("self").to(.float32)) }
        t.method("long", [], "x.long(): an int64 copy.") { a, _ in .tensor(try a.tensor("self").to(.int64)) }
        t.method("bool", [], "x.bool(): a bool copy (non-zero is true).") { a, _ in .tensor(try a.tensor("self").to(.bool)) }
        Device.add(to: &t)

        // MARK: Autograd
        t.method("backward", [Param("gradient", .optional(.tensor), default: Value.none), Param("retain_graph", .bool, default: .bool(false))],
                 "x.backward(gradient=none, retain_graph=false): computes gradients of x with respect to every leaf that requires grad, adding them into .grad.") { a, _ in
            try a.tensor("self").backward(a.optionalTensor("gradient"), retainGraph: a.bool("retain_graph"))
            return .none
        }
        t.method("detach", [], "x.detach(): the same data with no autograd history.") { a, _ in .tensor(try a.tensor("self").detach()) }
        t.method("clone", [], "x.clone(): a copy of the data (differentiable).") { a, _ in .tensor(try a.tensor("self").clone()) }
        t.method("requires_grad_", [Param("requires_grad", .bool, default: .bool(true))],
                 "x.requires_grad_(requires_grad=true): marks x as a leaf whose gradient backward() computes; returns x.") { a, _ in
            .tensor(try a.tensor("self").setRequiresGrad(a.bool("requires_grad")))
        }
        TensorShapeOpsBuiltins.add(to: &t)
    }
}
