
/// Matrix products through OpenBLAS `cblas_sgemm`: 1-D/2-D products and batched
/// products with broadcast batch dimensions. Transposed views go to BLAS as
/// transposes (no copy); only views BLAS cannot describe are copied.
extension Tensor {
    /// Matrix product with NumPy/PyTorch `matmul` semantics: dot product for two
    /// vectors, matrix-vector and vector-matrix products, and batched products whose
    /// batch dimensions broadcast.
    public func matmul(_ other: Tensor) throws -> Tensor {
        guard (dtype == .float32 || dtype == .float64) && other.dtype == dtype else {
            // PyTorch refuses mixed dtypes here too ("expected m1 and m2 to have the same dtype").
            throw TensorError("matmul", "expected two float32 or two float64 tensors (the same dtype, as PyTorch requires), got \(dtype) and \(other.dtype)")
        }
        guard ndim >= 1 && other.ndim >= 1 else {
            throw TensorError("matmul", "both arguments need at least 1 dimension, got shapes \(shapeString(shape)) and \(shapeString(other.shape))")
        }
        let a = ndim == 1 ? try unsqueeze(0) : self
        let b = other.ndim == 1 ? try other.unsqueeze(-1) : other
        let k = a.shape[a.ndim - 1]
        guard b.shape[b.ndim - 2] == k else {
            throw TensorError("matmul", "shapes \(shapeString(shape)) and \(shapeString(other.shape)) do not align (\(k) != \(b.shape[b.ndim - 2]))")
        }
        var out = try Tensor.batchedMatmul(a, b)
        if ndim == 1 { out = try out.squeeze(-2) }
        if other.ndim == 1 { out = try out.squeeze(-1) }
        return out
    }

    /// `a @ b` for a, b with at least 2 dimensions and matching inner sizes.
    static func batchedMatmul(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        let m = a.shape[a.ndim - 2], k = a.shape[a.ndim - 1], n = b.shape[b.ndim - 1]
        let batchA = Array(a.shape.dropLast(2)), batchB = Array(b.shape.dropLast(2))
        // Name the caller's full shapes: "shapes [2] and [3] cannot be broadcast" alone
        // would not say that these are the batch dimensions.
        guard let batch = try? Shape.broadcastUnchecked(batchA, batchB, op: "matmul") else {
            throw TensorError("matmul", "batch dimensions \(shapeString(batchA)) and \(shapeString(batchB)) cannot be broadcast (shapes \(shapeString(a.shape)) and \(shapeString(b.shape)))")
        }
        let outShape = batch + [m, n]
        try Shape.validate(outShape, op: "matmul")
        let out = Tensor(uninitialized: outShape, dtype: a.dtype)
        let batchCount = Shape.numel(batch)
        let isDouble = a.dtype == .float64

        // A batch of rows times one matrix: fold the batch into M (Linear on [B, T, F]).
        if batchB.isEmpty && !batchA.isEmpty && a.isContiguous {
            let a2 = a.detach().view(shape: [batchCount * m, k], strides: [k, 1], offset: a.offset)
            if isDouble { gemm2DDouble(a2, b.detach(), into: out.doublePointer, ldc: n) } else {
                try gemm2D(a2, b.detach(), into: out.floatPointer, ldc: n)
            }
        } else {
            let sa = Shape.broadcastStrides(batchA, Array(a.strides.dropLast(2)), to: batch)
            let sb = Shape.broadcastStrides(batchB, Array(b.strides.dropLast(2)), to: batch)
            let offsets = Tensor.batchOffsets(batchCount: batchCount, batch: batch, sa: sa, sb: sb)
            if !isDouble, batchedSmallProducts(a, b, out: out, offsets: offsets, batchCount: batchCount) {
                // Done batch-parallel (see batchedSmallProducts); nothing left for the loop.
            } else {
                for bi in 0..<batchCount {
                    let av = a.detach().view(shape: [m, k], strides: Array(a.strides.suffix(2)), offset: a.offset + offsets.a[bi])
                    let bv = b.detach().view(shape: [k, n], strides: Array(b.strides.suffix(2)), offset: b.offset + offsets.b[bi])
                    if isDouble { gemm2DDouble(av, bv, into: out.doublePointer + bi * m * n, ldc: n) } else {
                        try gemm2D(av, bv, into: out.floatPointer + bi * m * n, ldc: n)
                    }
                    if Interrupt.requested { break }
                }
            }
        }
        // Ctrl-C stopped the products part way (see `BLAS.gemm`): the half-made result goes.
        try Interrupt.check()
        if Autograd.needsGraph(a, b) {
            let ra = a.requiresGrad, rb = b.requiresGrad
            Autograd.record(out, "matmul", [a, b], saving: (ra ? [b] : []) + (rb ? [a] : [])) { g in
                // dA = g @ B^T, dB = A^T @ g, summed over broadcast batch dimensions.
                [ra ? try Autograd.reduceToShape(g.matmul(b.detach().transpose(-1, -2)), a.shape) : nil,
                 rb ? try Autograd.reduceToShape(a.detach().transpose(-1, -2).matmul(g), b.shape) : nil]
            }
        }
        return out
    }

    /// The storage offsets, relative to each operand's own offset, of every product of a
    /// batched matmul: an odometer over the broadcast batch dims with strides `sa`, `sb`.
    static func batchOffsets(batchCount: Int, batch: [Int], sa: [Int], sb: [Int]) -> (a: [Int], b: [Int]) {
        var offsetsA = [Int](repeating: 0, count: batchCount), offsetsB = [Int](repeating: 0, count: batchCount)
        var index = [Int](repeating: 0, count: batch.count)
        var offA = 0, offB = 0
        for bi in 0..<batchCount {
            offsetsA[bi] = offA; offsetsB[bi] = offB
            var d = batch.count - 1
            while d >= 0 {
                index[d] += 1; offA += sa[d]; offB += sb[d]
                if index[d] < batch[d] { break }
                offA -= sa[d] * batch[d]; offB -= sb[d] * batch[d]
                index[d] = 0
                d -= 1
            }
        }
        return (offsetsA, offsetsB)
    }

    /// Batched float32 products small enough that splitting each one across the cores
    /// costs more than it gains (up to 4 x `BLAS.splitWork` multiply-adds; a 128^3
    /// product was split in two and synchronised 32 times for a [32, 128, 128] bmm, and a
    /// 32^3 one ran on one core only): whole products go to the cores in contiguous runs
    /// of the batch, each one single-threaded sgemm into its own slice of `out`. Returns
    /// false (nothing written) when the products are large, the batch has one product, or
    /// an operand's layout needs a copy (the caller's loop handles those).
    static func batchedSmallProducts(_ a: Tensor, _ b: Tensor, out: Tensor, offsets: (a: [Int], b: [Int]),
                                     batchCount: Int) -> Bool {
        let m = a.shape[a.ndim - 2], k = a.shape[a.ndim - 1], n = b.shape[b.ndim - 1]
        let work = Double(m) * Double(n) * Double(k)
        guard batchCount >= 2, Parallel.cores > 1, work > 0, work <= 4 * Double(BLAS.splitWork) else { return false }
        guard let aOp = BLAS.operand(rows: m, cols: k, rowStride: a.strides[a.ndim - 2], colStride: a.strides[a.ndim - 1]),
              let bOp = BLAS.operand(rows: k, cols: n, rowStride: b.strides[b.ndim - 2], colStride: b.strides[b.ndim - 1])
        else { return false }
        let offsetsA = offsets.a, offsetsB = offsets.b
        let pa = UnsafePointer(a.floatPointer), pb = UnsafePointer(b.floatPointer), pc = out.floatPointer
        let perProduct = Int(work)
        offsetsA.withUnsafeBufferPointer { oa in
            offsetsB.withUnsafeBufferPointer { ob in
                Parallel.forRange(batchCount, costPerElement: perProduct) { lo, hi in
                    for bi in lo..<hi {
                        if Interrupt.requested { return }
                        BLAS.gemm(m: m, n: n, k: k, a: pa + oa[bi], aOp, b: pb + ob[bi], bOp,
                                  c: pc + bi * m * n, ldc: n, parallel: false)
                    }
                }
            }
        }
        return true
    }

    /// One sgemm for 2-D views, copying an operand only when BLAS cannot read its layout.
    static func gemm2D(_ a: Tensor, _ b: Tensor, into c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float = 0) throws {
        let m = a.shape[0], k = a.shape[1], n = b.shape[1]
        var a = a, b = b
        var aOp = BLAS.operand(rows: m, cols: k, rowStride: a.strides[0], colStride: a.strides[1])
        if aOp == nil { a = a.copyData(); aOp = BLAS.plain(k) }
        var bOp = BLAS.operand(rows: k, cols: n, rowStride: b.strides[0], colStride: b.strides[1])
        if bOp == nil { b = b.copyData(); bOp = BLAS.plain(n) }
        guard let aOp, let bOp else { return }
        BLAS.gemm(m: m, n: n, k: k, a: a.floatPointer, aOp, b: b.floatPointer, bOp, c: c, ldc: ldc, beta: beta)
    }

    /// One dgemm for 2-D float64 views (copying an operand BLAS cannot read), split
    /// across the cores in blocks of C's rows for large products.
    static func gemm2DDouble(_ a: Tensor, _ b: Tensor, into c: UnsafeMutablePointer<Double>, ldc: Int) {
        let m = a.shape[0], k = a.shape[1], n = b.shape[1]
        var a = a, b = b
        var aOp = BLAS.operand(rows: m, cols: k, rowStride: a.strides[0], colStride: a.strides[1])
        if aOp == nil { a = a.copyData(); aOp = BLAS.plain(k) }
        var bOp = BLAS.operand(rows: k, cols: n, rowStride: b.strides[0], colStride: b.strides[1])
        if bOp == nil { b = b.copyData(); bOp = BLAS.plain(n) }
        guard let aOp, let bOp else { return }
        BLAS.dgemm(m: m, n: n, k: k, a: a.doublePointer, aOp, b: b.doublePointer, bOp, c: c, ldc: ldc)
    }

    /// `a @ b` (PyTorch's `@`).
    public static func matmul(_ a: Tensor, _ b: Tensor) throws -> Tensor { try a.matmul(b) }
}

