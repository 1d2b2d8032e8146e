import Foundation
import VisTensor

/// The elementwise-math and scan targets of issue 16 in `vis bench tensor`: sin, erf and
/// exp2 on 16M contiguous float32 (GB/s counting one read and one write per element) and
/// cumsum of 16M floats, each line named as scripts/reference/bench_math_pytorch.py
/// names PyTorch's measurement of the same op, so the two can be compared.
enum MathBench {
    static func run() throws {
        let n = 16 << 20
        let x = try Tensor.randn([n])
        let ops: [(String, () throws -> Tensor)] = [
            ("sin", { try x.sin() }), ("erf", { try x.erf() }), ("exp2", { try x.exp2() }),
            ("cumsum", { try x.cumsum(dim: 0) }),
        ]
        for (name, op) in ops {
            let t = try TensorBench.time(repeats: 5) { _ = try op() }
            TensorBench.line("\(name) 16M floats", String(format: "%7.1f GB/s  %7.2f ms", Double(8 * n) / t / 1e9, t * 1e3))
        }
        // A scan along the inner dim of a matrix: many independent rows.
        let m = try Tensor.randn([4096, 4096])
        let t = try TensorBench.time(repeats: 5) { _ = try m.cumsum(dim: 1) }
        TensorBench.line("cumsum [4096, 4096] dim 1", String(format: "%7.1f GB/s  %7.2f ms", Double(8 * 4096 * 4096) / t / 1e9, t * 1e3))
    }
}
