import VisTensor

/// Bindings of shape ops, joins, conversions, autograd methods and .npy files.
enum TensorShapeBuiltins {
    static func add(to t: inout BuiltinTable) {
        let shape = Param("shape", .any, variadic: true)
        t.method("reshape", [shape], "x.reshape(*shape): the same elements in a new shape; one size may be -1. A view when possible.\n  x.reshape(2, -1)") { a, _ in
            .tensor(try a.tensor(0).reshape(TensorBuiltins.shapeArg(a, 1)))
        }
        t.method("view", [shape], "x.view(*shape): like reshape, for contiguous tensors only (as in PyTorch).") { a, _ in
            .tensor(try a.tensor(0).view(TensorBuiltins.shapeArg(a, 1)))
        }
        t.method("flatten", [Param("start_dim", .int, default: .int(0)), Param("end_dim", .int, default: .int(-1))],
                 "x.flatten(start_dim=0, end_dim=-1): merges dimensions start..end into one.") { a, _ in
            .tensor(try a.tensor(0).flatten(a.int(1), a.int(2)))
        }
        t.function("flatten", [Param("input", .tensor), Param("start_dim", .int, default: .int(0)), Param("end_dim", .int, default: .int(-1))],
                   "flatten(input, start_dim=0, end_dim=-1): merges dimensions start..end into one.") { a, _ in
            .tensor(try a.tensor(0).flatten(a.int(1), a.int(2)))
        }
        t.method("squeeze", [Param("dim", .optional(.int), default: Value.none)], "x.squeeze(dim=none): removes size-1 dimensions (all, or only dim).") { a, _ in
            .tensor(try a.tensor(0).squeeze(a.optionalInt(1)))
        }
        t.method("unsqueeze", [Param("dim", .int)], "x.unsqueeze(dim): inserts a size-1 dimension at dim.") { a, _ in
            .tensor(try a.tensor(0).unsqueeze(a.int(1)))
        }
        t.method("permute", [Param("dims", .any, variadic: true)], "x.permute(*dims): reorders dimensions (a view).\n  x.permute(0, 2, 3, 1)") { a, _ in
            .tensor(try a.tensor(0).permute(TensorBuiltins.shapeArg(a, 1)))
        }
        t.method("transpose", [Param("dim0", .int), Param("dim1", .int)], "x.transpose(dim0, dim1): swaps two dimensions (a view).") { a, _ in
            .tensor(try a.tensor(0).transpose(a.int(1), a.int(2)))
        }
        t.method("t", [], "x.t(): transpose of a matrix.") { a, _ in .tensor(try a.tensor(0).t()) }
        t.method("expand", [shape], "x.expand(*shape): broadcasts size-1 dimensions without copying (-1 keeps a size).") { a, _ in
            .tensor(try a.tensor(0).expand(TensorBuiltins.shapeArg(a, 1)))
        }
        t.method("repeat", [Param("repeats", .any, variadic: true)], "x.repeat(*repeats): tiles the tensor along each dimension (a copy).") { a, _ in
            .tensor(try a.tensor(0).repeat(TensorBuiltins.shapeArg(a, 1)))
        }
        t.method("contiguous", [], "x.contiguous(): x itself if its memory is contiguous, else a contiguous copy.") { a, _ in
            .tensor(try a.tensor(0).contiguous())
        }
        t.method("numel", [], "x.numel(): the number of elements.") { a, _ in .int(try a.tensor(0).count) }
        t.method("dim", [], "x.dim(): the number of dimensions.") { a, _ in .int(try a.tensor(0).ndim) }
        t.method("size", [Param("dim", .optional(.int), default: Value.none)], "x.size(dim=none): the shape as a list, or the size of one dimension.") { a, _ in
            let x = try a.tensor(0)
            guard let d = try a.optionalInt(1) else { return Convert.intList(x.shape) }
            return .int(x.shape[try Shape.normalizeDim(d, x.ndim, op: "size")])
        }

        // MARK: Joins and gathers
        t.function("cat", [Param("tensors", .list), Param("dim", .int, default: .int(0))],
                   "cat(tensors, dim=0): joins tensors along an existing dimension.\n  cat([a, b], dim=1)") { a, _ in
            .tensor(try Tensor.cat(TensorBuiltins.tensors(a.list(0), "cat"), dim: a.int(1)))
        }
        t.function("stack", [Param("tensors", .list), Param("dim", .int, default: .int(0))],
                   "stack(tensors, dim=0): joins same-shape tensors along a new dimension.") { a, _ in
            .tensor(try Tensor.stack(TensorBuiltins.tensors(a.list(0), "stack"), dim: a.int(1)))
        }
        let splitParams = [Param("split_size_or_sections", .ints), Param("dim", .int, default: .int(0))]
        let splitDoc = "split(split_size_or_sections, dim=0): pieces of the given size (the last may be smaller), or of the listed sizes; views."
        let split: (BoundArguments) throws -> Value = { a in
            let x = try a.tensor(0)
            if case .int(let n) = a[1] { return TensorBuiltins.list(try x.split(n, dim: a.int(2))) }
            return TensorBuiltins.list(try x.split(sizes: a.ints(1), dim: a.int(2)))
        }
        t.function("split", [Param("input", .tensor)] + splitParams, "split(input, \(splitDoc.dropFirst(6))") { a, _ in try split(a) }
        t.method("split", splitParams, "x.\(splitDoc)") { a, _ in try split(a) }
        let chunkParams = [Param("chunks", .int), Param("dim", .int, default: .int(0))]
        let chunkDoc = "chunk(chunks, dim=0): splits into that many pieces of equal size (the last may be smaller), as views."
        t.function("chunk", [Param("input", .tensor)] + chunkParams, "chunk(input, \(chunkDoc.dropFirst(6))") { a, _ in
            TensorBuiltins.list(try a.tensor(0).chunk(a.int(1), dim: a.int(2)))
        }
        t.method("chunk", chunkParams, "x.\(chunkDoc)") { a, _ in TensorBuiltins.list(try a.tensor(0).chunk(a.int(1), dim: a.int(2))) }
        let gatherParams = [Param("dim", .int), Param("index", .tensor)]
        let gatherDoc = "gather(dim, index): out[i][j] = x[index[i][j]][j] for dim 0 (and so on), index int64 of the same rank."
        t.function("gather", [Param("input", .tensor)] + gatherParams, "gather(input, \(gatherDoc.dropFirst(7))") { a, _ in
            .tensor(try a.tensor(0).gather(dim: a.int(1), index: a.tensor(2)))
        }
        t.method("gather", gatherParams, "x.\(gatherDoc)") { a, _ in .tensor(try a.tensor(0).gather(dim: a.int(1), index: a.tensor(2))) }
        t.function("one_hot", [Param("input", .tensor), Param("num_classes", .int, default: .int(-1))],
                   "one_hot(input, num_classes=-1): int64 one-hot rows for int64 labels; -1 means max label + 1.") { a, _ in
            .tensor(try a.tensor(0).oneHot(numClasses: a.int(1)))
        }

        // MARK: Values out and conversions
        t.method("item", [], "x.item(): the value of a one-element tensor as a number.") { a, _ in
            let x = try a.tensor(0)
            let v = try x.item()
            switch x.dtype {
            case .float32: return .float(v)
            case .int64: return .int(try Convert.intItem(x))
            case .bool: return .bool(v != 0)
            }
        }
        t.method("tolist", [], "x.tolist(): the elements as nested lists of numbers.") { a, _ in Convert.toList(try a.tensor(0)) }
        t.method("float", [], "x.float(): a float32 copy.") { a, _ in .tensor(try a.tensor(0).to(.float32)) }
        t.method("long", [], "x.long(): an int64 copy.") { a, _ in .tensor(try a.tensor(0).to(.int64)) }
        t.method("bool", [], "x.bool(): a bool copy (non-zero is true).") { a, _ in .tensor(try a.tensor(0).to(.bool)) }
        t.method("to", [Param("dtype", .dtype)], "x.to(dtype): a copy with another dtype (\"float32\", \"int64\", \"bool\").") { a, _ in
            .tensor(try a.tensor(0).to(a.dtype(1) ?? .float32))
        }

        // MARK: Autograd
        t.method("backward", [Param("gradient", .optional(.tensor), default: Value.none), Param("retain_graph", .bool, default: .bool(false))],
                 "x.backward(gradient=none, retain_graph=false): computes gradients of x with respect to every leaf that requires grad, adding them into .grad.") { a, _ in
            try a.tensor(0).backward(a.optionalTensor(1), retainGraph: a.bool(2))
            return .none
        }
        t.method("detach", [], "x.detach(): the same data with no autograd history.") { a, _ in .tensor(try a.tensor(0).detach()) }
        t.method("clone", [], "x.clone(): a copy of the data (differentiable).") { a, _ in .tensor(try a.tensor(0).clone()) }
        t.method("requires_grad_", [Param("requires_grad", .bool, default: .bool(true))],
                 "x.requires_grad_(requires_grad=true): marks x as a leaf whose gradient backward() computes; returns x.") { a, _ in
            .tensor(try a.tensor(0).setRequiresGrad(a.bool(1)))
        }
        t.method("zero_", [], "x.zero_(): sets every element to 0 in place; returns x.") { a, _ in
            let x = try a.tensor(0)
            try x.zero()
            return .tensor(x)
        }
        t.method("fill_", [Param("value", .float)], "x.fill_(value): sets every element to value in place; returns x.") { a, _ in
            let x = try a.tensor(0)
            try x.fill(a.double(1))
            return .tensor(x)
        }
    }
}
