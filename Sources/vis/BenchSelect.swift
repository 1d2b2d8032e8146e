import Foundation
import VisTensor

/// Sorting and selection timings for `vis bench tensor` (issue 16's target: sort and
/// topk of 1M float32 at least as fast as PyTorch). The same measurements for PyTorch,
/// printed under the same names: scripts/reference/bench_select_pytorch.py.
enum SelectBench {
    static func run() throws {
        seed(0)
        let n = 1 << 20
        let x = try Tensor.randn([n])
        let ints = try Tensor.randint(-1_000_000, 1_000_000, [n])
        let rows = try Tensor.randn([1024, 1024])
        func ms(_ name: String, repeats: Int = 9, _ body: () throws -> Void) rethrows {
            let t = try TensorBench.time(repeats: repeats, body)
            TensorBench.line(name, String(format: "%8.2f ms", t * 1e3))
        }
        try ms("sort 1M float32") { _ = try x.sort() }
        try ms("sort 1M float32 descending") { _ = try x.sort(descending: true) }
        try ms("sort 1M int64") { _ = try ints.sort() }
        try ms("sort [1024, 1024] float32 dim=-1") { _ = try rows.sort(dim: -1) }
        try ms("topk 1M float32 k=100") { _ = try x.topk(100) }
        try ms("topk 1M float32 k=100000") { _ = try x.topk(100_000) }
        try ms("topk [1024, 1024] float32 k=10 dim=-1") { _ = try rows.topk(10, dim: -1) }
        try ms("kthvalue 1M float32 k=500000") { _ = try x.kthvalue(500_000) }
    }
}
