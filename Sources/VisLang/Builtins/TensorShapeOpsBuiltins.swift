import VisTensor

/// Bindings of PyTorch's shape ops beyond reshape/permute: triangles and diagonals,
/// flips and rolls, movedim, unflatten, narrow, unbind, tile, repeat_interleave,
/// meshgrid, broadcasting helpers, atleast_nd, the stacks and the directional splits
/// (LIBRARY.md "Shapes"). Ops that return several tensors return a tuple, as PyTorch's do.
enum TensorShapeOpsBuiltins {
    /// Several tensors as the tuple PyTorch returns.
    static func tuple(_ ts: [Tensor]) -> Value { .tuple(ts.map { .tensor($0) }) }

    /// The tensors of a varargs parameter, also accepting one list or tuple of them.
    static func varTensors(_ a: BoundArguments, _ name: String, _ fn: String) throws -> [Tensor] {
        var values = try a.list(name)
        if values.count == 1 {
            if case .list(let l) = values[0] { values = l.items } else if case .tuple(let items) = values[0] { values = items }
        }
        return try TensorBuiltins.tensors(values, fn)
    }

    static func add(to t: inout BuiltinTable) {
        let input = Param("input", .tensor)
        // MARK: Triangles and diagonals
        t.functionAndMethod("tril", [input, Param("diagonal", .int, default: .int(0))],
                            "tril(input, diagonal=0): the lower triangle of the last two dimensions (elements with col - row <= diagonal), zeros elsewhere.\n  tril(ones(3, 3))") { a, _ in
            .tensor(try a.tensor("input").tril(a.int("diagonal")))
        }
        t.functionAndMethod("triu", [input, Param("diagonal", .int, default: .int(0))],
                            "triu(input, diagonal=0): the upper triangle of the last two dimensions (elements with col - row >= diagonal), zeros elsewhere.\n  triu(scores, diagonal=1)") { a, _ in
            .tensor(try a.tensor("input").triu(a.int("diagonal")))
        }
        t.functionAndMethod("diagonal", [input, Param("offset", .int, default: .int(0)), Param("dim1", .int, default: .int(0)), Param("dim2", .int, default: .int(1))],
                            "diagonal(input, offset=0, dim1=0, dim2=1): the diagonal of the planes (dim1, dim2) as a view, appended as the last dimension; offset > 0 is above the main diagonal.\n  x.diagonal(dim1=-2, dim2=-1)") { a, _ in
            .tensor(try a.tensor("input").diagonal(offset: a.int("offset"), dim1: a.int("dim1"), dim2: a.int("dim2")))
        }
        t.functionAndMethod("diag_embed", [input, Param("offset", .int, default: .int(0)), Param("dim1", .int, default: .int(-2)), Param("dim2", .int, default: .int(-1))],
                            "diag_embed(input, offset=0, dim1=-2, dim2=-1): puts the last dimension of input on diagonal offset of new planes (dim1, dim2), zeros elsewhere.\n  diag_embed(tensor([[1.0, 2.0]]))") { a, _ in
            .tensor(try a.tensor("input").diagEmbed(offset: a.int("offset"), dim1: a.int("dim1"), dim2: a.int("dim2")))
        }
        t.functionAndMethod("diag", [input, Param("diagonal", .int, default: .int(0))],
                            "diag(input, diagonal=0): a 1-D input becomes a square matrix with it on that diagonal; a 2-D input gives a copy of that diagonal.\n  diag(tensor([1.0, 2.0]))") { a, _ in
            .tensor(try a.tensor("input").diag(a.int("diagonal")))
        }
        t.functionAndMethod("trace", [input], "trace(input): the sum of the main diagonal of a 2-D tensor (int64 for integer input).\n  trace(eye(3))") { a, _ in
            .tensor(try a.tensor("input").trace())
        }

        // MARK: Flips and rolls
        t.function("flip", [input, Param("dims", .ints)], "flip(input, dims): reverses the order of the elements along each of dims (a copy).\n  flip(x, [0, 1])") { a, _ in
            .tensor(try a.tensor("input").flip(a.ints("dims")))
        }
        t.method("flip", [Param("dims", .any, variadic: true)], "x.flip(*dims): reverses the order of the elements along each of dims (a copy).\n  x.flip(-1)") { a, _ in
            .tensor(try a.tensor("self").flip(TensorBuiltins.shapeArg(a, "dims")))
        }
        t.functionAndMethod("fliplr", [input], "fliplr(input): flips dimension 1 (left-right) of a tensor with at least 2 dimensions.\n  fliplr(image)") { a, _ in
            .tensor(try a.tensor("input").fliplr())
        }
        t.functionAndMethod("flipud", [input], "flipud(input): flips dimension 0 (up-down).\n  flipud(image)") { a, _ in
            .tensor(try a.tensor("input").flipud())
        }
        t.functionAndMethod("roll", [input, Param("shifts", .ints), Param("dims", .optional(.ints), default: Value.none)],
                            "roll(input, shifts, dims=none): shifts the elements along dims, wrapping around; with no dims the flattened tensor rolls and keeps its shape.\n  roll(x, 1, 0)  roll(x, [1, -2], [0, 1])") { a, _ in
            .tensor(try a.tensor("input").roll(a.ints("shifts"), dims: a["dims"].isNone ? [] : a.ints("dims")))
        }
        t.functionAndMethod("rot90", [input, Param("k", .int, default: .int(1)), Param("dims", .ints, default: .list(ListBox([.int(0), .int(1)])))],
                            "rot90(input, k=1, dims=[0, 1]): rotates by 90 degrees k times, from the first toward the second of dims.\n  rot90(image, 1, [1, 2])") { a, _ in
            .tensor(try a.tensor("input").rot90(a.int("k"), dims: a.ints("dims")))
        }

        // MARK: Rearranging dimensions
        for name in ["movedim", "moveaxis"] {
            t.functionAndMethod(name, [input, Param("source", .ints), Param("destination", .ints)],
                                "\(name)(input, source, destination): moves the dimensions source to the positions destination, the others keeping their order (a view).\n  \(name)(images, 1, -1)") { a, _ in
                .tensor(try a.tensor("input").movedim(a.ints("source"), a.ints("destination")))
            }
        }
        for (name, d0, d1) in [("swapaxes", "axis0", "axis1"), ("swapdims", "dim0", "dim1")] {
            t.functionAndMethod(name, [input, Param(d0, .int), Param(d1, .int)],
                                "\(name)(input, \(d0), \(d1)): swaps two dimensions (transpose's other name; a view).\n  \(name)(x, 0, 1)") { a, _ in
                .tensor(try a.tensor("input").transpose(a.int(d0), a.int(d1)))
            }
        }
        t.functionAndMethod("unflatten", [input, Param("dim", .int), Param("sizes", .ints)],
                            "unflatten(input, dim, sizes): splits dimension dim into sizes (one may be -1).\n  x.unflatten(1, [4, -1])") { a, _ in
            .tensor(try a.tensor("input").unflatten(a.int("dim"), a.ints("sizes")))
        }
        t.functionAndMethod("narrow", [input, Param("dim", .int), Param("start", .int), Param("length", .int)],
                            "narrow(input, dim, start, length): the elements start ..< start + length along dim, a view; the range must lie inside the dimension.\n  x.narrow(1, 0, 2)") { a, _ in
            .tensor(try a.tensor("input").narrow(a.int("dim"), a.int("start"), a.int("length")))
        }
        t.functionAndMethod("unbind", [input, Param("dim", .int, default: .int(0))],
                            "unbind(input, dim=0): a tuple of the slices along dim, each without that dimension (views).\n  r, g, b = image.unbind(0)") { a, _ in
            tuple(try a.tensor("input").unbind(a.int("dim")))
        }
        t.function("tile", [input, Param("dims", .ints)], "tile(input, dims): repeats the tensor dims[i] times along each dimension; fewer dims than dimensions are padded with leading 1s (a copy).\n  tile(x, [2, 1])") { a, _ in
            .tensor(try a.tensor("input").tile(a.ints("dims")))
        }
        t.method("tile", [Param("dims", .any, variadic: true)], "x.tile(*dims): repeats the tensor dims[i] times along each dimension; fewer dims than dimensions are padded with leading 1s (a copy).\n  x.tile(2, 1)") { a, _ in
            .tensor(try a.tensor("self").tile(TensorBuiltins.shapeArg(a, "dims")))
        }
        t.functionAndMethod("repeat_interleave", [input, Param("repeats", .any, default: Value.none), Param("dim", .optional(.int), default: Value.none),
                                                  Param("output_size", .optional(.int), default: Value.none)],
                            "repeat_interleave(input, repeats, dim=none, output_size=none): repeats each element repeats times (an int, or an int64 tensor of one count per element) along dim, or of the flattened input when dim is none. repeat_interleave(counts) alone repeats each index i counts[i] times.\n  repeat_interleave(x, 2, dim=0)") { a, _ in
            let x = try a.tensor("input"), dim = try a.optionalInt("dim")
            let out: Tensor
            switch a["repeats"] {
            case .none:
                guard x.dtype == .int64 else { throw NativeError("repeat_interleave: with no repeats, input must be an int64 tensor of counts, got \(x.dtype)") }
                out = try Tensor.arange(0, Double(x.count), dtype: .int64).repeatInterleave(x, dim: 0)
            case .int(let n): out = try x.repeatInterleave(n, dim: dim)
            case .bool(let b): out = try x.repeatInterleave(b ? 1 : 0, dim: dim)
            case .tensor(let r): out = try x.repeatInterleave(r, dim: dim)
            default: throw NativeError("repeat_interleave: repeats must be an int or an int64 tensor, got \(a["repeats"].typeName)")
            }
            if let size = try a.optionalInt("output_size"), dim != nil, out.shape[try Shape.normalizeDim(dim ?? 0, out.ndim, op: "repeat_interleave")] != size {
                throw NativeError("repeat_interleave: output_size is \(size) but the repeats give \(out.shape[try Shape.normalizeDim(dim ?? 0, out.ndim, op: "repeat_interleave")])")
            } else if let size = try a.optionalInt("output_size"), dim == nil, out.count != size {
                throw NativeError("repeat_interleave: output_size is \(size) but the repeats give \(out.count)")
            }
            return .tensor(out)
        }

        // MARK: Broadcasting helpers
        t.function("meshgrid", [Param("tensors", .any, variadic: true), Param("indexing", .string, default: .string("ij"))],
                   "meshgrid(*tensors, indexing=\"ij\"): coordinate grids from 1-D tensors of sizes n0, n1, ...: each output has shape [n0, n1, ...] and varies along its own dimension; indexing=\"xy\" swaps the first two dimensions (NumPy's convention). Returns a tuple of expanded views.\n  ys, xs = meshgrid(arange(3), arange(4), indexing=\"ij\")") { a, _ in
            tuple(try Tensor.meshgrid(varTensors(a, "tensors", "meshgrid"), indexing: a.string("indexing")))
        }
        t.functionAndMethod("broadcast_to", [input, Param("size", .ints)],
                            "broadcast_to(input, size): input expanded to size by broadcasting (a view; -1 keeps a size).\n  broadcast_to(tensor([1.0, 2.0]), [3, 2])") { a, _ in
            .tensor(try a.tensor("input").expand(a.ints("size")))
        }
        t.function("broadcast_tensors", [Param("tensors", .any, variadic: true)],
                   "broadcast_tensors(*tensors): the tensors expanded to their common broadcast shape, a tuple of views.\n  a2, b2 = broadcast_tensors(a, b)") { a, _ in
            tuple(try Tensor.broadcastTensors(varTensors(a, "tensors", "broadcast_tensors")))
        }
        t.method("view_as", [Param("other", .tensor)], "x.view_as(other): x.view(other.shape).\n  y.view_as(x)") { a, _ in
            .tensor(try a.tensor("self").view(a.tensor("other").shape))
        }
        t.method("reshape_as", [Param("other", .tensor)], "x.reshape_as(other): x.reshape(other.shape).\n  y.reshape_as(x)") { a, _ in
            .tensor(try a.tensor("self").reshape(a.tensor("other").shape))
        }
        t.method("expand_as", [Param("other", .tensor)], "x.expand_as(other): x.expand(other.shape), a view.\n  bias.expand_as(x)") { a, _ in
            .tensor(try a.tensor("self").expand(a.tensor("other").shape))
        }
        for rank in 1...3 {
            let name = "atleast_\(rank)d"
            t.function(name, [Param("tensors", .any, variadic: true)],
                       "\(name)(*tensors): each tensor viewed with at least \(rank) dimension\(rank == 1 ? "" : "s") (new size-1 dimensions placed as PyTorch does); one tensor gives a tensor, several a tuple.\n  \(name)(x)") { a, _ in
                let values = try a.list("tensors")
                let ts = try varTensors(a, "tensors", name).map { try $0.atleast(rank) }
                if values.count == 1, case .tensor = values[0], let only = ts.first { return .tensor(only) }
                return tuple(ts)
            }
        }

        // MARK: Stacks and splits
        let stacks: [(String, String, ([Tensor]) throws -> Tensor)] = [
            ("hstack", "joins horizontally: along dimension 1, or 0 when the tensors are 1-D", { try Tensor.hstack($0) }),
            ("vstack", "joins vertically: 1-D tensors become rows, then along dimension 0", { try Tensor.vstack($0) }),
            ("row_stack", "vstack's other name", { try Tensor.vstack($0) }),
            ("dstack", "joins along dimension 2 (depth), the tensors viewed as at least 3-D", { try Tensor.dstack($0) }),
            ("column_stack", "joins as columns: 0-d and 1-D tensors become [n, 1] columns, then along dimension 1", { try Tensor.columnStack($0) }),
        ]
        for (name, doc, f) in stacks {
            t.function(name, [Param("tensors", .list)], "\(name)(tensors): \(doc).\n  \(name)([a, b])") { a, _ in
                .tensor(try f(TensorBuiltins.tensors(a.list("tensors"), name)))
            }
        }
        t.functionAndMethod("tensor_split", [input, Param("indices_or_sections", .ints), Param("dim", .int, default: .int(0))],
                            "tensor_split(input, indices_or_sections, dim=0): an int n gives n nearly equal pieces (the first size % n one longer); a list gives the pieces between those indices. A tuple of views.\n  tensor_split(x, [1, 4], dim=1)") { a, _ in
            let x = try a.tensor("input"), dim = try a.int("dim")
            if case .int(let n) = a["indices_or_sections"] { return tuple(try x.tensorSplit(sections: n, dim: dim)) }
            return tuple(try x.tensorSplit(indices: a.ints("indices_or_sections"), dim: dim))
        }
        let splits: [(String, String, Int)] = [("hsplit", "dimension 1 (0 for a 1-D tensor)", 1), ("vsplit", "dimension 0 of a tensor with at least 2 dimensions", 2),
                                               ("dsplit", "dimension 2 of a tensor with at least 3 dimensions", 3)]
        for (name, doc, minRank) in splits {
            t.functionAndMethod(name, [input, Param("indices_or_sections", .ints)],
                                "\(name)(input, indices_or_sections): tensor_split along \(doc); an int must divide the dimension evenly. A tuple of views.\n  \(name)(x, 2)") { a, _ in
                let x = try a.tensor("input")
                let dim = name == "hsplit" ? (x.ndim == 1 ? 0 : 1) : (name == "vsplit" ? 0 : 2)
                var sections: Int?, indices: [Int]?
                if case .int(let n) = a["indices_or_sections"] { sections = n } else { indices = try a.ints("indices_or_sections") }
                return tuple(try x.directionalSplit(name, sections: sections, indices: indices, dim: dim, minRank: name == "hsplit" ? 1 : minRank))
            }
        }
    }
}
