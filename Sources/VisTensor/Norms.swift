import Foundation

/// Norms with PyTorch's semantics: `linalg.vector_norm` (any order, 0, inf, -inf),
/// `linalg.matrix_norm` ('fro', 1, -1, inf, -inf), and `dist` / `cdist` built on the
/// vector norm. The vector norm has its own kernel (accumulating in Double) and its own
/// gradient, because the composite sqrt(sum(x^2)) would give NaN at a zero vector where
/// PyTorch gives 0, and the inf norm splits its gradient evenly between tied maxima.
extension Tensor {
    /// The order of a norm: a number, or PyTorch's string orders.
    public enum NormOrder: Equatable {
        case number(Double)
        case fro
        case nuc
    }

    /// `|x|` raised to `p` for the vector norm's sum (p is neither 0 nor +-inf).
    @inline(__always)
    private static func normTerm<T: BinaryFloatingPoint>(_ v: T, _ p: Double) -> Double {
        let a = Swift.abs(Double(v))
        if p == 1 { return a }
        if p == 2 { return a * a }
        return Foundation.pow(a, p)
    }

    /// Reduces each row of `rows` ([outer, length], contiguous) to its `ord`-norm.
    private static func normRows<T: BinaryFloatingPoint>(_ src: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>,
                                                          outer: Int, length: Int, ord: Double) {
        Parallel.forRange(outer, costPerElement: Swift.max(length, 1)) { r0, r1 in
            for r in r0..<r1 {
                let row = src + r * length
                var acc: Double
                if ord == .infinity || ord == -.infinity {
                    acc = ord > 0 ? 0 : .infinity
                    for i in 0..<length {
                        let a = Swift.abs(Double(row[i]))
                        if a.isNaN { acc = .nan; break }
                        acc = ord > 0 ? Swift.max(acc, a) : Swift.min(acc, a)
                    }
                } else if ord == 0 {
                    acc = 0
                    for i in 0..<length where row[i] != 0 { acc += 1 }
                } else if T.self == Float.self {
                    // PyTorch sums a float32 norm's terms in float32: a term or a sum past
                    // float32's range is inf (norm([1e20, 1e20]) is inf) and a term below
                    // it is 0 (norm([1e-30, 1e-30]) is 0). Each term is rounded to float32
                    // as PyTorch's are, but summed in Double, so the edges are PyTorch's
                    // while long rows keep their accuracy (PyTorch's own float32 sum
                    // drifts by ~1e-4 over 10^7 elements; this one does not).
                    acc = 0
                    for i in 0..<length { acc += Double(Float(normTerm(row[i], ord))) }
                    if acc > Double(Float.greatestFiniteMagnitude) { acc = .infinity }
                    if ord == 2 { acc = acc.squareRoot() } else if ord != 1 { acc = Foundation.pow(acc, 1 / ord) }
                } else {
                    acc = 0
                    for i in 0..<length { acc += normTerm(row[i], ord) }
                    if ord == 2 { acc = acc.squareRoot() } else if ord != 1 { acc = Foundation.pow(acc, 1 / ord) }
                }
                out[r] = T(acc)
            }
        }
    }

    /// The reduced dimensions of a norm: all when `dims` is empty, else normalised and distinct.
    private func normDims(_ dims: [Int], op: String) throws -> [Int] {
        if dims.isEmpty { return Array(0..<ndim) }
        let d = try dims.map { try Shape.normalizeDim($0, ndim, op: op) }
        if let twice = d.indices.first(where: { d[..<$0].contains(d[$0]) }) {
            throw TensorError(op, "dim \(d[twice]) appears multiple times in the list of dims")
        }
        return ndim == 0 ? [] : d
    }

    /// The `ord`-norm of the elements over `dims` (all when empty), as PyTorch's
    /// `linalg.vector_norm`: ord inf is max |x|, -inf min |x|, 0 the count of non-zeros,
    /// any other p (sum |x|^p)^(1/p). NaN propagates. Floating-point input only.
    public func vectorNorm(_ ord: Double = 2, dims: [Int] = [], keepdim: Bool = false, op: String = "linalg.vector_norm") throws -> Tensor {
        guard dtype.isFloatingPoint else {
            throw TensorError(op, "expected a floating point tensor as input, got \(dtype)")
        }
        if dtype == .float16 || dtype == .bfloat16 {
            // PyTorch computes half norms in float32 and rounds the result back; so does vis.
            return try to(.float32).vectorNorm(ord, dims: dims, keepdim: keepdim, op: op).to(dtype)
        }
        guard dtype == .float32 || dtype == .float64 else { throw TensorError(op, "not supported for dtype \(dtype)") }
        guard !ord.isNaN else { throw TensorError(op, "ord must be a number, got nan") }
        try Shape.validateExtent(shape, op: op)
        let reduced = try normDims(dims, op: op)
        let kept = (0..<ndim).filter { !reduced.contains($0) }
        let length = Shape.numel(reduced.map { shape[$0] })
        if length == 0 && ord.isInfinite {
            throw TensorError(op, "cannot compute the \(ord > 0 ? "inf" : "-inf") norm on an empty tensor because the operation does not have an identity")
        }
        let outer = Shape.numel(kept.map { shape[$0] })
        let rows = try detach().permute(kept + reduced).contiguous()
        var keptShape = shape
        for d in reduced { keptShape[d] = 1 }
        let out = Tensor(uninitialized: keptShape, dtype: dtype)
        if dtype == .float64 {
            Tensor.normRows(UnsafePointer(rows.doublePointer), out.doublePointer, outer: outer, length: length, ord: ord)
        } else {
            Tensor.normRows(UnsafePointer(rows.floatPointer), out.floatPointer, outer: outer, length: length, ord: ord)
        }
        let result = keepdim ? out : try out.reshape(kept.map { shape[$0] })
        if Autograd.needsGraph(self) {
            let x = detach()
            Autograd.record(result, "linalg_vector_norm", [self], saving: [self, result]) { g in
                // PyTorch's 0-"norm" (a count) sends no gradient: the input's .grad stays
                // none unless another path reaches it.
                if ord == 0 { return [nil] }
                return [try Tensor.vectorNormBackward(x, norm: out, grad: g.reshape(keptShape), ord: ord, reduced: reduced)]
            }
        }
        return result
    }

    /// d‖x‖/dx times the incoming gradient, with PyTorch's conventions: 0 where the norm
    /// (or, for p < 1, the element) is 0; the inf norms split evenly between tied elements.
    static func vectorNormBackward(_ x: Tensor, norm: Tensor, grad: Tensor, ord: Double, reduced: [Int]) throws -> Tensor {
        let n = try norm.expand(x.shape).contiguous(), g = try grad.expand(x.shape).contiguous()
        let xc = x.contiguous()
        let out = Tensor(uninitialized: x.shape, dtype: x.dtype)
        if ord.isInfinite {
            // Ties share the gradient: count the elements equal to the norm in each slice.
            let hits = Tensor(uninitialized: x.shape, dtype: .float32)
            if x.dtype == .float64 {
                markNormHits(xc.doublePointer, n.doublePointer, hits.floatPointer, count: x.count)
            } else {
                markNormHits(xc.floatPointer, n.floatPointer, hits.floatPointer, count: x.count)
            }
            let ties = try hits.sum(dims: reduced, keepdim: true).expand(x.shape).contiguous()
            if x.dtype == .float64 {
                infNormGrad(xc.doublePointer, g.doublePointer, hits.floatPointer, ties.floatPointer, out.doublePointer, count: x.count)
            } else {
                infNormGrad(xc.floatPointer, g.floatPointer, hits.floatPointer, ties.floatPointer, out.floatPointer, count: x.count)
            }
            return out
        }
        if x.dtype == .float64 {
            pNormGrad(xc.doublePointer, n.doublePointer, g.doublePointer, out.doublePointer, count: x.count, ord: ord)
        } else {
            pNormGrad(xc.floatPointer, n.floatPointer, g.floatPointer, out.floatPointer, count: x.count, ord: ord)
        }
        return out
    }

    /// 1 where |x| equals the (inf / -inf) norm of its slice, else 0, in `hits`.
    private static func markNormHits<T: VisFloat>(_ px: UnsafeMutablePointer<T>, _ pn: UnsafeMutablePointer<T>,
                                                  _ hits: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { hits[i] = Swift.abs(px[i]) == pn[i] ? 1 : 0 }
    }

    /// The inf-norm gradient: sign(x) * g shared evenly by the `ties` elements that hit the norm.
    private static func infNormGrad<T: VisFloat>(_ px: UnsafeMutablePointer<T>, _ pg: UnsafeMutablePointer<T>,
                                                 _ hits: UnsafeMutablePointer<Float>, _ ties: UnsafeMutablePointer<Float>,
                                                 _ po: UnsafeMutablePointer<T>, count: Int) {
        for i in 0..<count {
            let s: T = px[i] > 0 ? 1 : (px[i] < 0 ? -1 : 0)
            po[i] = hits[i] == 0 ? 0 : pg[i] * s / T(ties[i])
        }
    }

    /// The p-norm gradient g * x |x|^(p-2) / ||x||^(p-1), 0 where x or the norm is 0 (PyTorch's rule).
    private static func pNormGrad<T: VisFloat>(_ px: UnsafeMutablePointer<T>, _ pn: UnsafeMutablePointer<T>,
                                               _ pg: UnsafeMutablePointer<T>, _ po: UnsafeMutablePointer<T>,
                                               count: Int, ord: Double) {
        for i in 0..<count {
            let v = px[i]
            if ord == 0 || v == 0 || pn[i] == 0 { po[i] = 0; continue }
            if ord == 1 { po[i] = pg[i] * (v > 0 ? 1 : -1); continue }
            if ord == 2 { po[i] = pg[i] * v / pn[i]; continue }
            let a = Double(Swift.abs(v)), nd = Double(pn[i])
            po[i] = T(Double(pg[i]) * Double(v) * Foundation.pow(a, ord - 2) / Foundation.pow(nd, ord - 1))
        }
    }

    /// PyTorch's `linalg.matrix_norm` over the planes of `dims` (two dimensions): 'fro',
    /// or ord 1 / -1 (max / min column sum of |x|), inf / -inf (max / min row sum).
    public func matrixNorm(_ ord: NormOrder = .fro, dims: [Int] = [-2, -1], keepdim: Bool = false, op: String = "linalg.matrix_norm") throws -> Tensor {
        guard ndim >= 2 else { throw TensorError(op, "the input tensor A must have at least 2 dimensions, got shape \(shapeString(shape))") }
        guard dims.count == 2 else { throw TensorError(op, "dim must be a 2-tuple, got \(shapeString(dims))") }
        let d0 = try Shape.normalizeDim(dims[0], ndim, op: op), d1 = try Shape.normalizeDim(dims[1], ndim, op: op)
        guard d0 != d1 else { throw TensorError(op, "dims must be different, got (\(dims[0]), \(dims[1]))") }
        guard dtype.isFloatingPoint else { throw TensorError(op, "expected a floating point tensor as input, got \(dtype)") }
        switch ord {
        case .fro: return try vectorNorm(2, dims: [d0, d1], keepdim: keepdim, op: op)
        case .nuc: throw TensorError(op, "the nuclear norm ('nuc', the sum of all singular values) is not in vis (ord 2 and -2, the largest and smallest, are)")
        case .number(let p):
            if p == 2 || p == -2 {
                // The largest / smallest singular value of the planes (dims[0] rows, dims[1] columns).
                let sigma = try movedim([d0, d1], [ndim - 2, ndim - 1]).extremeSingularValue(largest: p > 0, op: op)
                return keepdim ? try sigma.unsqueeze(Swift.min(d0, d1)).unsqueeze(Swift.max(d0, d1)) : sigma
            }
            guard p == 1 || p == -1 || p.isInfinite else {
                throw TensorError(op, "order \(p) not supported (use 'fro', 1, -1, 2, -2, inf or -inf)")
            }
            // ord +-1: sum over rows (d0) then the extreme over columns (d1); +-inf the other way.
            let (sumDim, extremeDim) = p.isInfinite ? (d1, d0) : (d0, d1)
            let sums = try abs().sum(dims: [sumDim], keepdim: true)
            let extreme = try sums.vectorNorm(p > 0 ? .infinity : -.infinity, dims: [extremeDim], keepdim: true, op: op)
            return keepdim ? extreme : try extreme.squeeze(Swift.max(d0, d1)).squeeze(Swift.min(d0, d1))
        }
    }

    /// PyTorch's `linalg.norm`: with `ord` none, the 2-norm of the flattened input (or of
    /// `dims`: a vector norm for one, 'fro' for two); a number or string `ord` without
    /// dims needs a 1-D (vector) or 2-D (matrix) input.
    public func linalgNorm(_ ord: NormOrder?, dims: [Int]?, keepdim: Bool = false) throws -> Tensor {
        let op = "linalg.norm"
        if let dims {
            if dims.count == 1 {
                guard case .number(let p) = ord ?? .number(2) else { throw TensorError(op, "a string ord ('fro', 'nuc') needs two dims, got one") }
                return try vectorNorm(p, dims: dims, keepdim: keepdim, op: op)
            }
            guard dims.count == 2 else { throw TensorError(op, "dim must be an int or a 2-tuple, got \(shapeString(dims))") }
            return try matrixNorm(ord ?? .fro, dims: dims, keepdim: keepdim, op: op)
        }
        guard let ord else { return try vectorNorm(2, dims: [], keepdim: keepdim, op: op) }
        if ndim == 2 { return try matrixNorm(ord, dims: [0, 1], keepdim: keepdim, op: op) }
        guard ndim == 1 else {
            throw TensorError(op, "if dim is not specified but ord is, the input must be 1D or 2D, got \(ndim)D")
        }
        guard case .number(let p) = ord else { throw TensorError(op, "ord 'fro' and 'nuc' are matrix norms; the input is 1-D") }
        return try vectorNorm(p, dims: [0], keepdim: keepdim, op: op)
    }

    /// PyTorch's (deprecated but common) `torch.norm` / `x.norm()`: 'fro' is the 2-norm
    /// over `dims` (all when none); a number p is the vector p-norm over them.
    public func norm(_ p: NormOrder = .fro, dims: [Int]? = nil, keepdim: Bool = false) throws -> Tensor {
        switch p {
        case .nuc: throw TensorError("norm", "the nuclear norm needs a singular value decomposition, which vis does not have")
        case .fro:
            if let dims, dims.count > 2 { throw TensorError("norm", "'fro' takes at most two dims, got \(shapeString(dims))") }
            return try vectorNorm(2, dims: dims ?? [], keepdim: keepdim, op: "norm")
        case .number(let v): return try vectorNorm(v, dims: dims ?? [], keepdim: keepdim, op: "norm")
        }
    }

    /// The p-norm of `self - other` (broadcast), PyTorch's `dist`.
    public func dist(_ other: Tensor, p: Double = 2) throws -> Tensor {
        try sub(other).vectorNorm(p, op: "dist")
    }

    /// Pairwise p-norm distances between the rows of `x1` [..., P, M] and `x2` [..., R, M]:
    /// [..., P, R] (PyTorch's `cdist`; batch dimensions broadcast).
    public static func cdist(_ x1: Tensor, _ x2: Tensor, p: Double = 2) throws -> Tensor {
        guard x1.ndim >= 2 && x2.ndim >= 2 else {
            throw TensorError("cdist", "x1 and x2 must have at least 2 dimensions, got shapes \(shapeString(x1.shape)) and \(shapeString(x2.shape))")
        }
        guard x1.shape[x1.ndim - 1] == x2.shape[x2.ndim - 1] else {
            throw TensorError("cdist", "X1 and X2 must have the same number of columns. X1: \(x1.shape[x1.ndim - 1]) X2: \(x2.shape[x2.ndim - 1])")
        }
        guard p >= 0 else { throw TensorError("cdist", "only supports non-negative p values, got \(p)") }
        guard x1.dtype.isFloatingPoint && x2.dtype.isFloatingPoint else {
            throw TensorError("cdist", "only supports floating-point dtypes, got \(x1.dtype) and \(x2.dtype)")
        }
        // PyTorch neither promotes here nor computes half precision on the CPU.
        guard x1.dtype == x2.dtype else {
            throw TensorError("cdist", "X1 and X2 must have the same dtype (PyTorch does not promote here), got \(x1.dtype) and \(x2.dtype)")
        }
        guard x1.dtype == .float32 || x1.dtype == .float64 else {
            throw TensorError("cdist", "not supported for dtype \(x1.dtype) (PyTorch's cdist takes float32 or float64)")
        }
        let diff = try x1.unsqueeze(-2).sub(x2.unsqueeze(-3))
        return try diff.vectorNorm(p, dims: [-1], op: "cdist")
    }
}
