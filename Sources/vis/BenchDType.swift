import COpenBLAS
import Foundation
import VisTensor

/// The dtype benchmark figures of `vis bench tensor`: float64 matmul against raw
/// `cblas_dgemm` (issue 16's target: at least 95% of it), and the cost of converting
/// float32 to float16 and back.
enum DTypeBench {
    static func run() throws {
        for n in [1024, 2048] {
            let a = try Tensor.randn([n, n]).to(.float64), b = try Tensor.randn([n, n]).to(.float64)
            let c = Tensor(uninitialized: [n, n], dtype: .float64)
            let flops = 2.0 * Double(n * n * n)
            let repeats = n == 1024 ? 5 : 3
            // Raw: OpenBLAS threading the product itself at one thread per core, as the
            // sgemm line does; vis runs it single-threaded per block, split across the cores.
            openblas_set_num_threads(Int32(Parallel.cores))
            let raw = TensorBench.time(repeats: repeats) {
                cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1,
                            a.doublePointer, Int32(n), b.doublePointer, Int32(n), 0, c.doublePointer, Int32(n))
            }
            openblas_set_num_threads(1)
            let t = try TensorBench.time(repeats: repeats) { _ = try a.matmul(b) }
            TensorBench.line("dgemm raw cblas \(n)x\(n)", String(format: "%7.1f GFLOP/s", flops / raw / 1e9))
            TensorBench.line("matmul float64 \(n)x\(n)", String(format: "%7.1f GFLOP/s  (%.0f%% of raw)", flops / t / 1e9, 100 * raw / t))
        }
        let x = try Tensor.randn([16 << 20])
        let half = x.cast(.float16)
        let toHalf = TensorBench.time(repeats: 5) { _ = x.cast(.float16) }
        let fromHalf = TensorBench.time(repeats: 5) { _ = half.cast(.float32) }
        TensorBench.line("float32 -> float16 16M elements", String(format: "%7.1f GB/s", Double(6 << 24) / toHalf / 1e9))
        TensorBench.line("float16 -> float32 16M elements", String(format: "%7.1f GB/s", Double(6 << 24) / fromHalf / 1e9))
    }
}
