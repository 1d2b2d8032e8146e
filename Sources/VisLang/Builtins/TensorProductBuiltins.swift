import VisTensor

/// Bindings of the named products (mm, bmm, mv, dot, vdot, inner, outer/ger, addmm,
/// addmv, baddbmm, addbmm, tensordot, kron), einsum and the norms (norm, dist, cdist,
/// and torch.linalg's norm / vector_norm / matrix_norm), with PyTorch's parameter names
/// and defaults (LIBRARY.md "Products").
enum TensorProductBuiltins {
    static func add(to t: inout BuiltinTable) {
        let pairs: [(String, String, String, String, (Tensor, Tensor) throws -> Tensor)] = [
            ("mm", "mat2", "mm(input, mat2): the matrix product of two 2-D tensors (no broadcasting; both of one dtype).", "mm(a, b)", { try $0.mm($1) }),
            ("bmm", "mat2", "bmm(input, mat2): batched matrix product of [b, n, m] and [b, m, p] tensors, [b, n, p].", "bmm(q, k.transpose(1, 2))", { try $0.bmm($1) }),
            ("mv", "vec", "mv(input, vec): the product of a 2-D matrix and a 1-D vector.", "mv(w, x)", { try $0.mv($1) }),
            ("dot", "tensor", "dot(input, tensor): the dot product of two 1-D tensors of equal size, a 0-d tensor.", "dot(a, b)", { try $0.dot($1) }),
            ("vdot", "other", "vdot(input, other): the dot product of two 1-D tensors (the same as dot for real tensors).", "vdot(a, b)", { try $0.dot($1, op: "vdot") }),
            ("inner", "other", "inner(input, other): sums the product over the last dimension of both: shape input.shape[:-1] + other.shape[:-1] (a 0-d operand multiplies).", "inner(a, b)", { try $0.inner($1) }),
            ("outer", "vec2", "outer(input, vec2): the outer product of two 1-D tensors, out[i, j] = input[i] * vec2[j].", "outer(a, b)", { try $0.outer($1) }),
            ("ger", "vec2", "ger(input, vec2): the outer product (outer's older name).", "ger(a, b)", { try $0.outer($1) }),
            ("kron", "other", "kron(input, other): the Kronecker product; the shorter shape is padded with leading 1s.", "kron(eye(2), ones(2, 2))", { try $0.kron($1) }),
        ]
        for (name, other, doc, example, f) in pairs {
            t.functionAndMethod(name, [Param("input", .tensor), Param(other, .tensor)], "\(doc)\n  \(example)") { a, _ in
                .tensor(try f(a.tensor("input"), a.tensor(other)))
            }
        }

        let scaled = [Param("beta", .number, default: .int(1)), Param("alpha", .number, default: .int(1))]
        let fused: [(String, String, String, String, (Tensor, Tensor, Tensor, Double, Double) throws -> Tensor)] = [
            ("addmm", "mat1", "mat2", "beta * input + alpha * (mat1 @ mat2)", { try Tensor.addmm($0, $1, $2, beta: $3, alpha: $4) }),
            ("addmv", "mat", "vec", "beta * input + alpha * (mat @ vec)", { try Tensor.addmv($0, $1, $2, beta: $3, alpha: $4) }),
            ("baddbmm", "batch1", "batch2", "beta * input + alpha * bmm(batch1, batch2)", { try Tensor.baddbmm($0, $1, $2, beta: $3, alpha: $4) }),
            ("addbmm", "batch1", "batch2", "beta * input + alpha * (the sum over the batch of batch1[i] @ batch2[i])", { try Tensor.addbmm($0, $1, $2, beta: $3, alpha: $4) }),
        ]
        for (name, p1, p2, formula, f) in fused {
            t.functionAndMethod(name, [Param("input", .tensor), Param(p1, .tensor), Param(p2, .tensor)] + scaled,
                                "\(name)(input, \(p1), \(p2), beta=1, alpha=1): \(formula); with beta=0 input is ignored (its nan and inf do not propagate) but must broadcast.\n  \(name)(bias, \(p1), \(p2), beta=0.5)") { a, _ in
                .tensor(try f(a.tensor("input"), a.tensor(p1), a.tensor(p2), a.double("beta"), a.double("alpha")))
            }
        }

        t.function("tensordot", [Param("a", .tensor), Param("b", .tensor), Param("dims", .any, default: .int(2))],
                   "tensordot(a, b, dims=2): contracts the last dims dimensions of a with the first of b, or the dimensions listed as dims=[[a dims], [b dims]].\n  tensordot(a, b, dims=([1, 0], [0, 1]))") { a, _ in
            let x = try a.tensor("a"), y = try a.tensor("b")
            switch a["dims"] {
            case .int(let n): return .tensor(try Tensor.tensordot(x, y, dims: n))
            case .list(let l) where l.items.count == 2: return .tensor(try Tensor.tensordot(x, y, dimsA: dimList(l.items[0]), dimsB: dimList(l.items[1])))
            case .tuple(let items) where items.count == 2: return .tensor(try Tensor.tensordot(x, y, dimsA: dimList(items[0]), dimsB: dimList(items[1])))
            default: throw NativeError("tensordot: dims must be an int or a pair of dimension lists, got \(a["dims"].typeName)")
            }
        }

        t.function("einsum", [Param("equation", .string), Param("operands", .any, variadic: true)],
                   "einsum(equation, *operands): Einstein summation: \"ij,jk->ik\" is a matrix product, \"ii->i\" a diagonal, \"bij->bji\" a transpose; implicit outputs (\"ij,jk\") keep the letters used once, sorted; \"...\" stands for broadcast dimensions. Operands may also be one list. Contracted through batched matrix products.\n  einsum(\"bij,bjk->bik\", q, k)") { a, _ in
            var values = try a.list("operands")
            if values.count == 1 {
                if case .list(let l) = values[0] { values = l.items } else if case .tuple(let items) = values[0] { values = items }
            }
            return .tensor(try Tensor.einsum(a.string("equation"), TensorBuiltins.tensors(values, "einsum")))
        }

        t.functionAndMethod("det", [Param("input", .tensor)], "det(input): the determinant of each square matrix in the last two dimensions (torch.linalg.det).\n  det(a)") { a, _ in
            .tensor(try a.tensor("input").det())
        }
        t.functionAndMethod("inverse", [Param("input", .tensor)], "inverse(input): the inverse of each square matrix in the last two dimensions (torch.linalg.inv); a singular matrix is an error.\n  inverse(a)") { a, _ in
            .tensor(try a.tensor("input").inv())
        }

        // MARK: Norms
        t.functionAndMethod("norm", [Param("input", .tensor), Param("p", .any, default: .string("fro")), Param("dim", .optional(.ints), default: Value.none),
                                     TensorBuiltins.keepdimParam],
                            "norm(input, p=\"fro\", dim=none, keepdim=false): the vector p-norm over dim (all elements when none); \"fro\" is the 2-norm. p may be any number, inf or -inf (max / min |x|) or 0 (the count of non-zeros). Prefer linalg.norm.\n  x.norm(dim=1)") { a, _ in
            .tensor(try a.tensor("input").norm(order(a["p"], "norm") ?? .fro, dims: a["dim"].isNone ? nil : a.ints("dim"), keepdim: a.bool("keepdim")))
        }
        t.functionAndMethod("dist", [Param("input", .tensor), Param("other", .tensor), Param("p", .float, default: .float(2))],
                            "dist(input, other, p=2): the p-norm of input - other (broadcast), a 0-d tensor.\n  dist(a, b)") { a, _ in
            .tensor(try a.tensor("input").dist(a.tensor("other"), p: a.double("p")))
        }
        let cdistModes = ["use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist", "donot_use_mm_for_euclid_dist"]
        t.function("cdist", [Param("x1", .tensor), Param("x2", .tensor), Param("p", .float, default: .float(2)),
                             Param("compute_mode", .string, default: .string(cdistModes[0]))],
                   "cdist(x1, x2, p=2.0, compute_mode=\"use_mm_for_euclid_dist_if_necessary\"): the p-norm distance between each row of x1 [..., P, M] and each row of x2 [..., R, M]: [..., P, R]. vis always computes from the differences (PyTorch's exact mode), whatever compute_mode says.\n  cdist(points, centers)") { a, _ in
            let mode = try a.string("compute_mode")
            guard cdistModes.contains(mode) else {
                throw NativeError("cdist: \(mode) is not a valid value for compute_mode (expected one of \(cdistModes.joined(separator: ", ")))")
            }
            return .tensor(try Tensor.cdist(a.tensor("x1"), a.tensor("x2"), p: a.double("p")))
        }
    }

    /// A dimension list of tensordot's `dims` pair: an int or a list of ints.
    static func dimList(_ v: Value) throws -> [Int] {
        switch v {
        case .int(let n): return [n]
        case .list(let l): return try l.items.map { guard let n = $0.asInt else { throw NativeError("tensordot: dims must hold ints, got \($0.typeName)") }; return n }
        case .tuple(let items): return try items.map { guard let n = $0.asInt else { throw NativeError("tensordot: dims must hold ints, got \($0.typeName)") }; return n }
        default: throw NativeError("tensordot: dims must be an int or a pair of dimension lists, got \(v.typeName)")
        }
    }

    /// A norm order argument: none, a number (inf allowed) or "fro" / "nuc".
    static func order(_ v: Value, _ fn: String) throws -> Tensor.NormOrder? {
        switch v {
        case .none: return nil
        case .int(let n): return .number(Double(n))
        case .float(let x): return .number(x)
        case .string("fro"): return .fro
        case .string("nuc"): return .nuc
        case .string(let s): throw NativeError("\(fn): ord must be a number, \"fro\" or \"nuc\", got \"\(s)\"")
        default: throw NativeError("\(fn): ord must be a number, \"fro\" or \"nuc\", got \(v.typeName)")
        }
    }

    /// `torch.linalg`'s members that vis has: norm, vector_norm, matrix_norm.
    static func linalgMembers() -> [String: Value] {
        let keepdim = TensorBuiltins.keepdimParam
        let norm = NativeFunction("norm", [Param("input", .tensor), Param("ord", .any, default: Value.none), Param("dim", .optional(.ints), default: Value.none), keepdim],
                                  doc: "linalg.norm(input, ord=none, dim=none, keepdim=false): with ord none, the 2-norm of the flattened input (or of dim: a vector norm for one dim, \"fro\" for two); a given ord needs a 1-D input (vector norm) or 2-D input (matrix norm) unless dim says which.\n  torch.linalg.norm(x, dim=-1)") { a, _ in
            let dims: [Int]? = a["dim"].isNone ? nil : try a.ints("dim")
            return .tensor(try a.tensor("input").linalgNorm(order(a["ord"], "linalg.norm"), dims: dims, keepdim: a.bool("keepdim")))
        }
        let vectorNorm = NativeFunction("vector_norm", [Param("x", .tensor), Param("ord", .float, default: .float(2)), Param("dim", .optional(.ints), default: Value.none), keepdim],
                                        doc: "linalg.vector_norm(x, ord=2, dim=none, keepdim=false): (sum |x|^ord)^(1/ord) over dim (all elements when none); inf / -inf are max / min |x|, 0 counts the non-zeros. The gradient is 0 where the norm is 0 and splits evenly between tied maxima.\n  torch.linalg.vector_norm(x, ord=1, dim=1)") { a, _ in
            .tensor(try a.tensor("x").vectorNorm(a.double("ord"), dims: a["dim"].isNone ? [] : a.ints("dim"), keepdim: a.bool("keepdim")))
        }
        let matrixNorm = NativeFunction("matrix_norm", [Param("A", .tensor), Param("ord", .any, default: .string("fro")), Param("dim", .ints, default: .list(ListBox([.int(-2), .int(-1)]))), keepdim],
                                        doc: "linalg.matrix_norm(A, ord=\"fro\", dim=(-2, -1), keepdim=false): the Frobenius norm, or ord 1 / -1 (max / min column sum of |A|) or inf / -inf (max / min row sum). ord 2 / -2 (the largest / smallest singular value); \"nuc\" is an error.\n  torch.linalg.matrix_norm(w, ord=1)") { a, _ in
            .tensor(try a.tensor("A").matrixNorm(order(a["ord"], "linalg.matrix_norm") ?? .fro, dims: a.ints("dim", count: 2), keepdim: a.bool("keepdim")))
        }
        let det = NativeFunction("det", [Param("A", .tensor)], doc: "linalg.det(A): the determinant of each square matrix in the last two dimensions (LU with partial pivoting in double). Differentiable for invertible matrices.\n  torch.linalg.det(a)") { a, _ in
            .tensor(try a.tensor("A").det())
        }
        let inv = NativeFunction("inv", [Param("A", .tensor)], doc: "linalg.inv(A): the inverse of each square matrix in the last two dimensions (Gauss-Jordan in double); a singular matrix is an error. Differentiable.\n  torch.linalg.inv(a)") { a, _ in
            .tensor(try a.tensor("A").inv())
        }
        return ["norm": .function(norm), "vector_norm": .function(vectorNorm), "matrix_norm": .function(matrixNorm),
                "det": .function(det), "inv": .function(inv)]
    }
}
