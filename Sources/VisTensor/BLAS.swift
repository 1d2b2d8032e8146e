import COpenBLAS
import Foundation

/// The OpenBLAS calls of matmul and the NN kernels: one row-major sgemm wrapper that
/// splits large products across the cores, and the description of a strided matrix
/// view as a BLAS operand.
public enum BLAS {
    /// How BLAS reads a [rows, cols] matrix view: transposed or not, and its leading dimension.
    public struct Operand {
        public let transpose: Bool
        public let ld: Int
        public init(transpose: Bool, ld: Int) {
            self.transpose = transpose
            self.ld = ld
        }
    }

    /// The BLAS description of a [rows, cols] view with the given strides, or nil when
    /// BLAS cannot read it in place (the caller copies it first).
    public static func operand(rows: Int, cols: Int, rowStride: Int, colStride: Int) -> Operand? {
        if colStride == 1 || cols == 1 {
            let ld = rows == 1 ? Swift.max(cols, 1) : rowStride
            if ld >= Swift.max(cols, 1) { return Operand(transpose: false, ld: ld) }
        }
        if rowStride == 1 || rows == 1 {
            let ld = cols == 1 ? Swift.max(rows, 1) : colStride
            if ld >= Swift.max(rows, 1) { return Operand(transpose: true, ld: ld) }
        }
        return nil
    }

    /// The largest matrix size or leading dimension cblas_sgemm takes (its ints are 32-bit).
    public static let maxDimension = Int(Int32.max)

    /// C[m, n] = op(A)[m, k] @ op(B)[k, n] + beta * C, row-major. Callers keep every
    /// size and leading dimension at most `maxDimension` (the ops check their shapes).
    /// A large product is split across the cores in blocks of C's rows or columns, each
    /// block one single-threaded sgemm; `parallel: false` keeps it on the caller's
    /// thread (for callers that already run one product per core).
    ///
    /// Ctrl-C: a product of more than `chunkWork` multiply-adds per core runs as a
    /// sequence of such products (blocks of C, slices of k), and stops between two of
    /// them when `Interrupt.requested` is set, leaving C partly written: the throwing op
    /// that called it then runs `try Interrupt.check()`, which discards the result.
    @inline(__always)
    public static func gemm(m: Int, n: Int, k: Int,
                     a: UnsafePointer<Float>, _ aOp: Operand,
                     b: UnsafePointer<Float>, _ bOp: Operand,
                     c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float = 0, parallel: Bool = true) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            // An empty sum: C = beta * C (BLAS implementations disagree on k == 0).
            for i in 0..<m {
                let row = c + i * ldc
                for j in 0..<n { row[j] = beta == 0 ? 0 : beta * row[j] }
            }
            return
        }
        _ = openBLASSingleThreaded
        // In Double: three sizes up to 2^31 each overflow Int.
        let budget = Double(chunkWork) * Double(parallel ? Parallel.cores : 1)
        if Double(m) * Double(n) * Double(k) <= budget {
            split(m: m, n: n, k: k, a: a, aOp, b: b, bOp, c: c, ldc: ldc, beta: beta, parallel: parallel)
        } else {
            chunked(m: m, n: n, k: k, a: a, aOp, b: b, bOp, c: c, ldc: ldc, beta: beta, parallel: parallel, budget: budget)
        }
    }

    /// Multiply-adds one core does in one piece of a large product, between two looks at
    /// the Ctrl-C flag: 2^28, about 10 ms at the 14-27 G multiply-adds per second a core
    /// of the 2-core development machine reaches (~20 ms at its slowest), so an interrupt
    /// stops a product well within 50 ms. Products up to 2^28 per core (the main job's,
    /// and conv's per-image ones) are not split at all.
    public static let chunkWork = 1 << 28

    /// The thinnest slice of k a chunked product makes while it can instead make C's
    /// blocks smaller (about the depth OpenBLAS's own blocking uses, so C is not read
    /// and written more often than sgemm does anyway).
    static let minimumSlice = 256

    /// A product larger than `budget` multiply-adds, as pieces of at most `budget`, each
    /// one `split` product: first slices of k over all of C (beta = 1 after the first),
    /// so every call still covers long blocks of rows and packs B once per slice; when a
    /// slice would be thinner than `minimumSlice`, slices of that depth times blocks of
    /// C's larger side (whole 16-row panels). Returns early when an interrupt is pending.
    /// (Pieces of 128 rows per core with the full k, tried first, cost 8-13% on 1024- and
    /// 2048-square products: B was packed again for every few rows.)
    static func chunked(m: Int, n: Int, k: Int,
                        a: UnsafePointer<Float>, _ aOp: Operand,
                        b: UnsafePointer<Float>, _ bOp: Operand,
                        c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float, parallel: Bool, budget: Double) {
        let splitRows = m >= n
        let big = splitRows ? m : n, small = splitRows ? n : m
        var block = big
        var kStep = Int(Swift.min(Double(k), budget / (Double(big) * Double(small))))
        if kStep < Swift.min(k, minimumSlice) {
            kStep = Swift.min(k, minimumSlice)
            block = Swift.min(big, Swift.max(16, Int(Swift.min(Double(big), budget / (Double(small) * Double(kStep)))) / 16 * 16))
        }
        /// Element (row, col) of an operand.
        func at(_ p: UnsafePointer<Float>, _ op: Operand, _ row: Int, _ col: Int) -> UnsafePointer<Float> {
            op.transpose ? p + col * op.ld + row : p + row * op.ld + col
        }
        var lo = 0
        while lo < big {
            let hi = Swift.min(big, lo + block)
            var k0 = 0
            while k0 < k {
                let k1 = Swift.min(k, k0 + kStep)
                let sliceBeta = k0 == 0 ? beta : 1
                if splitRows {
                    split(m: hi - lo, n: n, k: k1 - k0, a: at(a, aOp, lo, k0), aOp, b: at(b, bOp, k0, 0), bOp,
                          c: c + lo * ldc, ldc: ldc, beta: sliceBeta, parallel: parallel)
                } else {
                    split(m: m, n: hi - lo, k: k1 - k0, a: at(a, aOp, 0, k0), aOp, b: at(b, bOp, k0, lo), bOp,
                          c: c + lo, ldc: ldc, beta: sliceBeta, parallel: parallel)
                }
                if Interrupt.requested { return }
                k0 = k1
            }
            lo = hi
        }
    }

    /// One product, split across the cores in blocks of C's rows or columns when large
    /// (`parallel`), each block one single-threaded sgemm.
    static func split(m: Int, n: Int, k: Int,
                      a: UnsafePointer<Float>, _ aOp: Operand,
                      b: UnsafePointer<Float>, _ bOp: Operand,
                      c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float, parallel: Bool) {
        // Split the larger side of C into blocks of whole 16-row (or 16-column) panels,
        // so every block keeps the kernels' full-width tiles.
        let splitRows = m >= n
        let panels = ((splitRows ? m : n) + 15) / 16
        let parts = parallel && m &* n &* k >= splitWork ? Swift.min(Parallel.cores, panels) : 1
        if parts < 2 {
            sgemm(m: m, n: n, k: k, a: a, aOp, b: b, bOp, c: c, ldc: ldc, beta: beta)
            return
        }
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            let lo = panels * part / parts * 16
            let hi = Swift.min(splitRows ? m : n, panels * (part + 1) / parts * 16)
            if lo >= hi { return }
            if splitRows {
                sgemm(m: hi - lo, n: n, k: k, a: a + (aOp.transpose ? lo : lo * aOp.ld), aOp,
                      b: b, bOp, c: c + lo * ldc, ldc: ldc, beta: beta)
            } else {
                sgemm(m: m, n: hi - lo, k: k, a: a, aOp, b: b + (bOp.transpose ? lo * bOp.ld : lo), bOp,
                      c: c + lo, ldc: ldc, beta: beta)
            }
        }
    }

    /// C[m, n] = op(A) @ op(B) in float64 (cblas_dgemm), row-major, split across the
    /// cores in blocks of C's rows as `split` does for sgemm. A large product runs in
    /// pieces of at most about `chunkWork` multiply-adds per core, as `chunked` does
    /// (slices of k over all of C, accumulating with beta = 1; blocks of rows when C
    /// itself is too large), with a look at the Ctrl-C flag between pieces (the op then
    /// discards the result).
    public static func dgemm(m: Int, n: Int, k: Int,
                             a: UnsafePointer<Double>, _ aOp: Operand,
                             b: UnsafePointer<Double>, _ bOp: Operand,
                             c: UnsafeMutablePointer<Double>, ldc: Int) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] = 0 } }
            return
        }
        _ = openBLASSingleThreaded
        /// Element (row, col) of an operand.
        func at(_ p: UnsafePointer<Double>, _ op: Operand, _ row: Int, _ col: Int) -> UnsafePointer<Double> {
            op.transpose ? p + col * op.ld + row : p + row * op.ld + col
        }
        func one(_ rows: Int, _ depth: Int, _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>,
                 _ c: UnsafeMutablePointer<Double>, _ beta: Double) {
            cblas_dgemm(CblasRowMajor, aOp.transpose ? CblasTrans : CblasNoTrans, bOp.transpose ? CblasTrans : CblasNoTrans,
                        Int32(truncatingIfNeeded: rows), Int32(truncatingIfNeeded: n), Int32(truncatingIfNeeded: depth), 1,
                        a, Int32(truncatingIfNeeded: aOp.ld), b, Int32(truncatingIfNeeded: bOp.ld),
                        beta, c, Int32(truncatingIfNeeded: ldc))
        }
        /// Rows lo..<hi of C += A[lo..<hi, k0..<k1] @ B[k0..<k1, :], split across the cores.
        func piece(_ lo: Int, _ hi: Int, _ k0: Int, _ k1: Int, _ beta: Double) {
            let rows = hi - lo, depth = k1 - k0
            let bk = at(b, bOp, k0, 0)
            let panels = (rows + 15) / 16
            let parts = rows &* n &* depth >= splitWork ? Swift.min(Parallel.cores, panels) : 1
            if parts < 2 { one(rows, depth, at(a, aOp, lo, k0), bk, c + lo * ldc, beta); return }
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let s = lo + panels * part / parts * 16, e = Swift.min(hi, lo + panels * (part + 1) / parts * 16)
                if s >= e { return }
                one(e - s, depth, at(a, aOp, s, k0), bk, c + s * ldc, beta)
            }
        }
        // In Double: three sizes up to 2^31 each overflow Int.
        let budget = Double(chunkWork) * Double(Parallel.cores)
        if Double(m) * Double(n) * Double(k) <= budget { piece(0, m, 0, k, 0); return }
        var rowBlock = m
        var kStep = Int(Swift.min(Double(k), budget / (Double(m) * Double(n))))
        if kStep < Swift.min(k, minimumSlice) {
            kStep = Swift.min(k, minimumSlice)
            rowBlock = Swift.min(m, Swift.max(16, Int(Swift.min(Double(m), budget / (Double(n) * Double(kStep)))) / 16 * 16))
        }
        var lo = 0
        while lo < m {
            let hi = Swift.min(m, lo + rowBlock)
            var k0 = 0
            while k0 < k {
                let k1 = Swift.min(k, k0 + kStep)
                piece(lo, hi, k0, k1, k0 == 0 ? 0 : 1)
                if Interrupt.requested { return }
                k0 = k1
            }
            lo = hi
        }
    }

    /// Multiply-adds (m * n * k) from which `gemm` splits a product across the cores:
    /// below it, waking the other cores costs more than they save.
    public static let splitWork = 1 << 21

    /// One cblas_sgemm call, on the calling thread.
    @inline(__always)
    private static func sgemm(m: Int, n: Int, k: Int,
                              a: UnsafePointer<Float>, _ aOp: Operand,
                              b: UnsafePointer<Float>, _ bOp: Operand,
                              c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float) {
        cblas_sgemm(CblasRowMajor,
                    aOp.transpose ? CblasTrans : CblasNoTrans,
                    bOp.transpose ? CblasTrans : CblasNoTrans,
                    Int32(truncatingIfNeeded: m), Int32(truncatingIfNeeded: n), Int32(truncatingIfNeeded: k), 1,
                    a, Int32(truncatingIfNeeded: aOp.ld), b, Int32(truncatingIfNeeded: bOp.ld),
                    beta, c, Int32(truncatingIfNeeded: ldc))
    }

    // Why vis splits products itself rather than letting OpenBLAS thread them: after a
    // threaded call OpenBLAS's idle threads spin in sched_yield for a while, waiting
    // for the next one, and on a machine whose every core runs a vis worker (the conv
    // passes, elementwise kernels, the data loader) that spin took the cores from them:
    // 18% of a W1 training step's cycles on 2 cores. Dispatch's workers sleep when idle.
    // So OpenBLAS runs single-threaded, set once, before vis's first product.
    /// Sets OpenBLAS to one thread, once; code calling OpenBLAS directly touches it first.
    public static let openBLASSingleThreaded: Void = openblas_set_num_threads(1)

    /// A plain row-major matrix with leading dimension `ld`.
    @inline(__always) public static func plain(_ ld: Int) -> Operand { Operand(transpose: false, ld: Swift.max(ld, 1)) }
    /// The transpose of a row-major matrix with leading dimension `ld`.
    @inline(__always) public static func transposed(_ ld: Int) -> Operand { Operand(transpose: true, ld: Swift.max(ld, 1)) }
}
