import XCTest
@testable import VisOptim
import VisTensor

/// clip_grad_norm and clip_grad_value against PyTorch, and their edge cases.
///
/// Tolerance 1e-6 relative: PyTorch sums each norm in float32 (vectorised partial
/// sums), we sum in double and round once, so the two totals differ by a few float32
/// roundings at most; the clipped gradients inherit that through the coefficient.
final class ClipGradTests: XCTestCase {
    func testClipGradNormMatchesPyTorch() throws {
        for c in Reference.cases("clip") {
            let name = c["name"].string ?? "?"
            let params = try c["grads"].array.map { g -> Tensor in
                let p = try param([0])
                p.grad = g.isNull ? nil : try g.tensor()
                return p
            }
            let normType = c["norm_type"].string == "inf" ? Double.infinity : (c["norm_type"].double ?? 2)
            let total = try clipGradNorm(params, maxNorm: c["max_norm"].double ?? 0, normType: normType)
            let expected = try XCTUnwrap(c["total_norm"].double)
            XCTAssertEqual(total, expected, accuracy: 1e-6 * expected, name)
            for (k, (p, e)) in zip(params, c["clipped"].array).enumerated() {
                if e.isNull { XCTAssertNil(p.grad); continue }
                assertClose(try XCTUnwrap(p.grad), try e.tensor(), rtol: 1e-6, "\(name) grad \(k)")
            }
        }
    }

    func testClipGradValueMatchesPyTorch() throws {
        let c = Reference.root["clip_value"]
        let params = try c["grads"].array.map { g -> Tensor in
            let p = try param([0])
            p.grad = try g.tensor()
            return p
        }
        try clipGradValue(params, clipValue: c["clip_value"].double ?? 0)
        for (p, e) in zip(params, c["clipped"].array) {
            assertIdentical(try XCTUnwrap(p.grad), try e.tensor())
        }
    }

    func testEdgeCases() throws {
        XCTAssertEqual(try clipGradNorm([try param([1])], maxNorm: 1), 0, "no gradients: total norm 0")
        let p = try param([0, 0])
        p.grad = Tensor([3, 4])
        XCTAssertEqual(try clipGradNorm([p], maxNorm: 10), 5)
        XCTAssertEqual(p.grad?.toFloatArray(), [3, 4], "below max_norm nothing changes")
        XCTAssertEqual(try clipGradNorm([p], maxNorm: 1), 5)
        let coef = Float(1) / (Float(5) + Float(1e-6))
        XCTAssertEqual(p.grad?.toFloatArray(), [3 * coef, 4 * coef])
        assertThrowsMessage("clip_grad_norm: norm_type must be positive or inf, got 0.0") { try clipGradNorm([p], maxNorm: 1, normType: 0) }
        p.grad = Tensor([.nan, 1])
        assertThrowsMessage("clip_grad_norm: the total norm of order 2.0 of the gradients is non-finite (nan), so they cannot be clipped; pass error_if_nonfinite=false to scale them by it anyway") {
            try clipGradNorm([p], maxNorm: 1, errorIfNonfinite: true)
        }
        XCTAssertTrue(try clipGradNorm([p], maxNorm: 1).isNaN)
        p.grad = Tensor([.nan, 1])
        XCTAssertTrue(try clipGradNorm([p], maxNorm: 1, normType: .infinity).isNaN, "a NaN makes the inf norm NaN")
        assertThrowsMessage("clip_grad_value: clip_value must be non-negative, got -1.0") { try clipGradValue([p], clipValue: -1) }
    }

    /// Large gradients take the chunked, parallel norm; strided ones are written back.
    func testLargeAndStridedGradients() throws {
        let n = 100_000
        let big = try param([Float](repeating: 0, count: n))
        big.grad = Tensor([Float](repeating: 0.5, count: n))
        let strided = try param([0, 0, 0, 0, 0, 0], [3, 2])
        strided.grad = try Tensor([1, -2, 3, -4, 5, -6], shape: [2, 3]).t()
        let total = try clipGradNorm([big, strided], maxNorm: 1)
        XCTAssertEqual(total, (0.25 * Double(n) + 91).squareRoot(), accuracy: 1e-4)
        let coef = Float(1) / (Float(total) + Float(1e-6))
        XCTAssertEqual(strided.grad?.contiguous().toFloatArray(), [1, -4, -2, 5, 3, -6].map { $0 * coef })
        try clipGradValue([strided], clipValue: 0.001)
        XCTAssertEqual(strided.grad?.contiguous().toFloatArray(), [0.001, -0.001, -0.001, 0.001, 0.001, -0.001])
    }
}
