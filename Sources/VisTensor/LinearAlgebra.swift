import Foundation

/// Small dense linear algebra for `torch.linalg`: det, inv, and the spectral norms
/// (matrix_norm ord 2 / -2, the largest / smallest singular value). Each works on the
/// last two dimensions (batched over the rest) in Double, one matrix at a time, for
/// the small matrices vision code takes them of (a 3x3 transform, a 64x64 weight);
/// no LAPACK is linked. Gradients are PyTorch's formulas through matmul.
extension Tensor {
    /// This tensor as [batch, m, n] rows in Double (float32 or float64 input), with the
    /// batch shape, for the matrix functions; float input only.
    private func matrixBatch(op: String, square: Bool) throws -> (values: [Double], batch: [Int], m: Int, n: Int) {
        guard ndim >= 2 else { throw TensorError(op, "the input tensor A must have at least 2 dimensions, got shape \(shapeString(shape))") }
        guard dtype == .float32 || dtype == .float64 else {
            throw TensorError(op, dtype.isFloatingPoint ? "not supported for dtype \(dtype)" : "expected a floating point tensor as input, got \(dtype)")
        }
        let m = shape[ndim - 2], n = shape[ndim - 1]
        if square && m != n { throw TensorError(op, "A must be batches of square matrices, but they are \(m) by \(n) matrices") }
        try Shape.validateExtent(shape, op: op)
        let c = contiguous()
        let values: [Double]
        if dtype == .float64 {
            values = Array(UnsafeBufferPointer(start: c.doublePointer, count: count))
        } else {
            let p = c.floatPointer
            values = (0..<count).map { Double(p[$0]) }
        }
        return (values, Array(shape.dropLast(2)), m, n)
    }

    /// A tensor of `dtype` (float32 or float64) holding `values` computed in Double:
    /// float64 keeps every bit, float32 rounds once.
    private static func fromDoubles(_ values: [Double], shape: [Int], dtype: DType) -> Tensor {
        let out = Tensor(uninitialized: shape, dtype: dtype)
        if dtype == .float64 {
            let p = out.doublePointer
            for i in values.indices { p[i] = values[i] }
        } else {
            let p = out.floatPointer
            for i in values.indices { p[i] = Float(values[i]) }
        }
        return out
    }

    /// LU decomposition with partial pivoting of the n x n matrix `a` (row-major, in place):
    /// the sign of the permutation, or nil when a pivot is exactly zero (singular).
    private static func luDecompose(_ a: inout [Double], _ n: Int, pivots: inout [Int]) -> Double? {
        var sign = 1.0
        pivots = Array(0..<n)
        for k in 0..<n {
            var best = k
            for i in (k + 1)..<Swift.max(n, k + 1) where Swift.abs(a[i * n + k]) > Swift.abs(a[best * n + k]) { best = i }
            if a[best * n + k] == 0 || a[best * n + k].isNaN { return nil }
            if best != k {
                for j in 0..<n { a.swapAt(k * n + j, best * n + j) }
                pivots.swapAt(k, best)
                sign = -sign
            }
            let pivot = a[k * n + k]
            for i in (k + 1)..<Swift.max(n, k + 1) {
                let f = a[i * n + k] / pivot
                a[i * n + k] = f
                if f != 0 { for j in (k + 1)..<n { a[i * n + j] -= f * a[k * n + j] } }
            }
        }
        return sign
    }

    /// The determinant of the square matrices in the last two dimensions (PyTorch's
    /// `linalg.det` / `det`). Differentiable: d det / dA = det * inv(A)^T, which is 0
    /// at a matrix whose determinant is 0, as in PyTorch.
    public func det() throws -> Tensor {
        let (values, batch, n, _) = try matrixBatch(op: "linalg.det", square: true)
        let count = Shape.numel(batch)
        var dets = [Double](repeating: 0, count: count)
        var pivots: [Int] = []
        for b in 0..<count {
            if b & 1023 == 1023 { try Interrupt.check() }
            if n <= 3 {
                dets[b] = Tensor.smallDeterminant(values, at: b * n * n, n)
                continue
            }
            var a = Array(values[(b * n * n)..<((b + 1) * n * n)])
            guard let sign = Tensor.luDecompose(&a, n, pivots: &pivots) else { dets[b] = 0; continue }
            var d = sign
            for i in 0..<n { d *= a[i * n + i] }
            dets[b] = d
        }
        let out = Tensor.fromDoubles(dets, shape: batch, dtype: dtype)
        if Autograd.needsGraph(self) {
            let x = detach()
            Autograd.record(out, "linalg_det", [self], saving: [self, out]) { g in
                // PyTorch's rule: g * det * inv(A)^T, solved through A's LU factors; at a
                // matrix whose determinant is exactly 0 the right-hand side is 0 and the
                // gradient is 0 (checked against PyTorch 2.15 on singular 2x2 / 3x3
                // inputs, batched with invertible ones). The singular matrices of the
                // batch are swapped for the identity before inverting: their factor
                // det = 0 zeroes them.
                let singular = try out.detach().eq(Tensor.scalar(0)).unsqueeze(-1).unsqueeze(-1)
                let safe = try Tensor.where(singular, Tensor.eye(n, dtype: x.dtype), x)
                let inverse: Tensor
                do { inverse = try safe.inv() } catch {
                    throw TensorError("linalg.det", "the gradient needs the inverse of the matrix, whose elimination met a zero pivot although its determinant is not 0")
                }
                return [try g.mul(out.detach()).unsqueeze(-1).unsqueeze(-1).mul(inverse.transpose(-1, -2))]
            }
        }
        return out
    }

    /// The determinant of the n x n matrix (n <= 3) at `start` of `v` by cofactor
    /// expansion: exact for small-integer matrices, so a singular one such as
    /// [[1, 2, 3], [4, 5, 6], [7, 8, 9]] gives 0 as PyTorch's LAPACK does (elimination
    /// in another order leaves 6.7e-16 there).
    private static func smallDeterminant(_ v: [Double], at start: Int, _ n: Int) -> Double {
        func e(_ i: Int, _ j: Int) -> Double { v[start + i * n + j] }
        switch n {
        case 0: return 1
        case 1: return e(0, 0)
        case 2: return e(0, 0) * e(1, 1) - e(0, 1) * e(1, 0)
        default:
            return e(0, 0) * (e(1, 1) * e(2, 2) - e(1, 2) * e(2, 1))
                - e(0, 1) * (e(1, 0) * e(2, 2) - e(1, 2) * e(2, 0))
                + e(0, 2) * (e(1, 0) * e(2, 1) - e(1, 1) * e(2, 0))
        }
    }

    /// The inverse of the square matrices in the last two dimensions (PyTorch's
    /// `linalg.inv` / `inverse`), by Gauss-Jordan elimination with partial pivoting; a
    /// singular matrix is an error. Differentiable: dA = -inv(A)^T g inv(A)^T.
    public func inv() throws -> Tensor {
        let (values, batch, n, _) = try matrixBatch(op: "linalg.inv", square: true)
        let count = Shape.numel(batch)
        var result = [Double](repeating: 0, count: values.count)
        for b in 0..<count {
            if b & 1023 == 1023 { try Interrupt.check() }
            var a = Array(values[(b * n * n)..<((b + 1) * n * n)])
            var e = [Double](repeating: 0, count: n * n)
            for i in 0..<n { e[i * n + i] = 1 }
            for k in 0..<n {
                var best = k
                for i in k..<n where Swift.abs(a[i * n + k]) > Swift.abs(a[best * n + k]) { best = i }
                guard a[best * n + k] != 0, !a[best * n + k].isNaN else {
                    throw TensorError("linalg.inv", "the input matrix\(count > 1 ? " \(b) of the batch" : "") is singular: the pivot of column \(k) is zero, so the inversion could not be completed")
                }
                if best != k {
                    for j in 0..<n { a.swapAt(k * n + j, best * n + j); e.swapAt(k * n + j, best * n + j) }
                }
                let pivot = a[k * n + k]
                for j in 0..<n { a[k * n + j] /= pivot; e[k * n + j] /= pivot }
                for i in 0..<n where i != k {
                    let f = a[i * n + k]
                    if f == 0 { continue }
                    for j in 0..<n { a[i * n + j] -= f * a[k * n + j]; e[i * n + j] -= f * e[k * n + j] }
                }
            }
            for i in 0..<(n * n) { result[b * n * n + i] = e[i] }
        }
        let out = Tensor.fromDoubles(result, shape: shape, dtype: dtype)
        if Autograd.needsGraph(self) {
            Autograd.record(out, "linalg_inv", [self]) { g in
                let it = try out.detach().transpose(-1, -2)
                return [try it.matmul(g).matmul(it).neg()]
            }
        }
        return out
    }

    /// Eigenvalues and eigenvectors (columns of `v`) of the symmetric k x k matrix `s`
    /// by cyclic Jacobi rotations, accurate to double precision for small k.
    private static func symmetricEigen(_ s: [Double], _ k: Int) -> (values: [Double], vectors: [Double]) {
        var a = s
        var v = [Double](repeating: 0, count: k * k)
        for i in 0..<k { v[i * k + i] = 1 }
        for _ in 0..<100 {
            var off = 0.0, diag = 0.0
            for i in 0..<k { for j in 0..<k { if i == j { diag += a[i * k + i] * a[i * k + i] } else { off += a[i * k + j] * a[i * k + j] } } }
            if off <= 1e-30 * Swift.max(diag, 1e-300) { break }
            for p in 0..<k {
                for q in (p + 1)..<Swift.max(k, p + 1) where a[p * k + q] != 0 {
                    let theta = (a[q * k + q] - a[p * k + p]) / (2 * a[p * k + q])
                    let t = (theta >= 0 ? 1.0 : -1.0) / (Swift.abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), sn = t * c
                    for r in 0..<k {
                        let arp = a[r * k + p], arq = a[r * k + q]
                        a[r * k + p] = c * arp - sn * arq
                        a[r * k + q] = sn * arp + c * arq
                    }
                    for r in 0..<k {
                        let apr = a[p * k + r], aqr = a[q * k + r]
                        a[p * k + r] = c * apr - sn * aqr
                        a[q * k + r] = sn * apr + c * aqr
                    }
                    for r in 0..<k {
                        let vrp = v[r * k + p], vrq = v[r * k + q]
                        v[r * k + p] = c * vrp - sn * vrq
                        v[r * k + q] = sn * vrp + c * vrq
                    }
                }
            }
        }
        return ((0..<k).map { a[$0 * k + $0] }, v)
    }

    /// The largest (`largest`) or smallest singular value of each matrix in the last two
    /// dimensions, from the eigenvalues of the smaller Gram matrix (A^T A or A A^T) in
    /// Double. Differentiable: d sigma / dA = u v^T for its singular vectors u, v.
    public func extremeSingularValue(largest: Bool, op: String = "linalg.matrix_norm") throws -> Tensor {
        let (values, batch, m, n) = try matrixBatch(op: op, square: false)
        let count = Shape.numel(batch)
        guard m > 0 && n > 0 else {
            throw TensorError(op, "the spectral norm of an empty matrix (\(m) x \(n)) is not defined")
        }
        let k = Swift.min(m, n), tall = m >= n
        var sigmas = [Double](repeating: 0, count: count)
        var grads = [Double](repeating: 0, count: values.count)
        for b in 0..<count {
            if b & 255 == 255 { try Interrupt.check() }
            let a = values[(b * m * n)..<((b + 1) * m * n)], base = b * m * n
            // Gram matrix of the smaller side: G[i][j] = sum over the long side.
            var gram = [Double](repeating: 0, count: k * k)
            for i in 0..<k {
                for j in i..<k {
                    var s = 0.0
                    if tall { for r in 0..<m { s += a[base + r * n + i] * a[base + r * n + j] } } else { for c in 0..<n { s += a[base + i * n + c] * a[base + j * n + c] } }
                    gram[i * k + j] = s
                    gram[j * k + i] = s
                }
            }
            let (lambdas, vectors) = Tensor.symmetricEigen(gram, k)
            var pick = 0
            for i in 1..<Swift.max(k, 1) where largest ? lambdas[i] > lambdas[pick] : lambdas[i] < lambdas[pick] { pick = i }
            let sigma = Swift.max(lambdas[pick], 0).squareRoot()
            sigmas[b] = sigma
            guard sigma > 0 else { continue }  // no singular vectors: a zero gradient
            let e = (0..<k).map { vectors[$0 * k + pick] }
            // tall: v = e, u = A v / sigma; wide: u = e, v = A^T u / sigma.
            var u = [Double](repeating: 0, count: m), v = [Double](repeating: 0, count: n)
            if tall {
                v = e
                for r in 0..<m { var s = 0.0; for c in 0..<n { s += a[base + r * n + c] * v[c] }; u[r] = s / sigma }
            } else {
                u = e
                for c in 0..<n { var s = 0.0; for r in 0..<m { s += a[base + r * n + c] * u[r] }; v[c] = s / sigma }
            }
            for r in 0..<m { for c in 0..<n { grads[base + r * n + c] = u[r] * v[c] } }
        }
        let out = Tensor.fromDoubles(sigmas, shape: batch, dtype: dtype)
        if Autograd.needsGraph(self) {
            let direction = Tensor.fromDoubles(grads, shape: shape, dtype: dtype)
            Autograd.record(out, "linalg_matrix_norm", [self]) { g in
                [try g.unsqueeze(-1).unsqueeze(-1).mul(direction)]
            }
        }
        return out
    }
}
