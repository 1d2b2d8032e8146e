import Foundation
import VisTensor

/// `vis bench tensor` figures for products and shapes (issue 16): einsum "bij,bjk->bik"
/// against bmm on the same operands, which it must match within 5% since it contracts
/// through the same batched matrix product. scripts/reference/bench_shape_pytorch.py
/// prints PyTorch's figures under the same names.
enum ShapeBench {
    /// The shapes measured: attention-sized batches of square matrices.
    static let cases = [(32, 128), (256, 32)]

    static func run() throws {
        for (batch, n) in cases {
            let x = try Tensor.randn([batch, n, n]), y = try Tensor.randn([batch, n, n])
            // Alternate the two call by call and keep each one's fastest run: on a shared,
            // loaded machine the minimum is the figure other processes disturb least.
            var bmm = Double.infinity, einsum = Double.infinity
            _ = try x.bmm(y)
            for _ in 0..<21 {
                bmm = min(bmm, try TensorBench.time(repeats: 1) { _ = try x.bmm(y) })
                einsum = min(einsum, try TensorBench.time(repeats: 1) { _ = try Tensor.einsum("bij,bjk->bik", [x, y]) })
            }
            TensorBench.line("bmm \(batch)x\(n)x\(n)", String(format: "%8.3f ms", bmm * 1e3))
            TensorBench.line("einsum bij,bjk->bik \(batch)x\(n)x\(n)", String(format: "%8.3f ms  (%.2fx bmm)", einsum * 1e3, einsum / bmm))
        }
    }
}
