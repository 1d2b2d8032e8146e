import COpenBLAS
import Foundation

/// The OpenBLAS calls of matmul and the NN kernels: one row-major sgemm wrapper, the description
/// of a strided matrix view as a BLAS operand, and a scope that runs OpenBLAS
/// single-threaded while the caller splits work across cores itself.
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
    @inline(__always)
    public static func gemm(m: Int, n: Int, k: Int,
                     a: UnsafePointer<Float>, _ aOp: Operand,
                     b: UnsafePointer<Float>, _ bOp: Operand,
                     c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float = 0) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            // An empty sum: C = beta * C (BLAS implementations disagree on k == 0).
            for i in 0..<m {
                let row = c + i * ldc
                for j in 0..<n { row[j] = beta == 0 ? 0 : beta * row[j] }
            }
            return
        }
        cblas_sgemm(CblasRowMajor,
                    aOp.transpose ? CblasTrans : CblasNoTrans,
                    bOp.transpose ? CblasTrans : CblasNoTrans,
                    Int32(truncatingIfNeeded: m), Int32(truncatingIfNeeded: n), Int32(truncatingIfNeeded: k), 1,
                    a, Int32(truncatingIfNeeded: aOp.ld), b, Int32(truncatingIfNeeded: bOp.ld),
                    beta, c, Int32(truncatingIfNeeded: ldc))
    }

    /// A plain row-major matrix with leading dimension `ld`.
    @inline(__always) public static func plain(_ ld: Int) -> Operand { Operand(transpose: false, ld: Swift.max(ld, 1)) }
    /// The transpose of a row-major matrix with leading dimension `ld`.
    @inline(__always) public static func transposed(_ ld: Int) -> Operand { Operand(transpose: true, ld: Swift.max(ld, 1)) }

    // OpenBLAS's thread count is one process-wide setting. Kernels that call sgemm from
    // several threads at once (one image per core) must run it single-threaded, or each
    // call would start its own team of threads on the same cores. Nested or concurrent
    // scopes share one count: the first to enter saves and lowers the setting, the last
    // to leave restores it, so overlapping scopes never leave OpenBLAS at one thread.
    private static let threadLock = NSLock()
    nonisolated(unsafe) private static var singleThreadedScopes = 0
    nonisolated(unsafe) private static var savedThreads: Int32 = 1

    /// Runs `body` with OpenBLAS single-threaded, restoring the thread count afterwards.
    public static func singleThreaded<T>(_ body: () throws -> T) rethrows -> T {
        threadLock.lock()
        if singleThreadedScopes == 0 {
            savedThreads = openblas_get_num_threads()
            if savedThreads != 1 { openblas_set_num_threads(1) }
        }
        singleThreadedScopes += 1
        threadLock.unlock()
        defer {
            threadLock.lock()
            singleThreadedScopes -= 1
            if singleThreadedScopes == 0 && savedThreads != 1 { openblas_set_num_threads(savedThreads) }
            threadLock.unlock()
        }
        return try body()
    }
}
