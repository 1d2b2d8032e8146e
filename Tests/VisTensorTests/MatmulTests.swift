import XCTest
@testable import VisTensor

/// matmul: every operand form (1-D, 2-D, batched with broadcast batch dimensions, and
/// views that BLAS reads transposed or that must be copied), gradients (finite
/// differences, tolerances in GradCheck.swift), values and errors. NumPy reference
/// values for batched products are in ReferenceValueTests.
final class MatmulTests: XCTestCase {
    // MARK: Gradients

    func testVectorAndMatrixGradients() {
        let v = randomLeaf([4], seed: 501), w = randomLeaf([4], seed: 502)
        assertGradientsMatch([v, w]) { try $0[0].matmul($0[1]) }                    // 1-D . 1-D
        let a = randomLeaf([3, 4], seed: 503), b = randomLeaf([4, 5], seed: 504)
        assertGradientsMatch([a, b]) { try $0[0].matmul($0[1]) }                    // 2-D @ 2-D
        assertGradientsMatch([v, b]) { try $0[0].matmul($0[1]) }                    // 1-D @ 2-D
        assertGradientsMatch([a, v]) { try $0[0].matmul($0[1]) }                    // 2-D @ 1-D
    }

    func testBatchedGradients() {
        let a = randomLeaf([2, 1, 3, 4], seed: 505), b = randomLeaf([3, 4, 2], seed: 506)
        assertGradientsMatch([a, b]) { try $0[0].matmul($0[1]) }                    // broadcast batch dims
        let c = randomLeaf([2, 3, 4], seed: 507), d = randomLeaf([4, 5], seed: 508)
        assertGradientsMatch([c, d]) { try $0[0].matmul($0[1]) }                    // batch folded into M
        let e = randomLeaf([3, 4], seed: 509), f = randomLeaf([2, 4, 5], seed: 510)
        assertGradientsMatch([e, f]) { try $0[0].matmul($0[1]) }                    // 2-D @ batched
        let v = randomLeaf([4], seed: 511)
        assertGradientsMatch([v, f]) { try $0[0].matmul($0[1]) }                    // 1-D @ batched
        assertGradientsMatch([c, v]) { try $0[0].matmul($0[1]) }                    // batched @ 1-D
        let g = randomLeaf([2, 3, 4], seed: 512), h = randomLeaf([2, 4, 2], seed: 513)
        assertGradientsMatch([g, h]) { try $0[0].matmul($0[1]) }                    // equal batch dims
    }

    func testTransposedAndStridedOperandGradients() {
        let at = randomLeaf([4, 3], seed: 514), b = randomLeaf([4, 5], seed: 515)
        assertGradientsMatch([at, b]) { try $0[0].t().matmul($0[1]) }               // A^T @ B
        let bt = randomLeaf([5, 4], seed: 516), a = randomLeaf([3, 4], seed: 517)
        assertGradientsMatch([a, bt]) { try $0[0].matmul($0[1].t()) }               // A @ B^T
        assertGradientsMatch([at, bt]) { try $0[0].t().matmul($0[1].t()) }          // A^T @ B^T
        let x = randomLeaf([2, 4, 3], seed: 518), y = randomLeaf([2, 5, 4], seed: 519)
        assertGradientsMatch([x, y]) { try $0[0].transpose(-1, -2).matmul($0[1].transpose(1, 2)) }
        // Every other column: a stride BLAS cannot take, so the operand is copied.
        let wide = randomLeaf([3, 8], seed: 520)
        assertGradientsMatch([wide, b]) { try $0[0].slice(1, start: 0, end: 8, step: 2).matmul($0[1]) }
        // A broadcast (stride 0) row.
        let row = randomLeaf([1, 4], seed: 521)
        assertGradientsMatch([row, b]) { try $0[0].expand([3, 4]).matmul($0[1]) }
        // Permuted batch dimensions.
        let p = randomLeaf([3, 2, 4], seed: 522), q = randomLeaf([2, 4, 2], seed: 523)
        assertGradientsMatch([p, q]) { try $0[0].permute([1, 0, 2]).matmul($0[1]) }
    }

    // MARK: Values

    func testHandComputedProducts() throws {
        let a = tensor([1, 2, 3, 4], [2, 2]), b = tensor([5, 6, 7, 8], [2, 2])
        assertTensor(try a.matmul(b), [2, 2], [19, 22, 43, 50])
        assertTensor(try Tensor.matmul(b, a), [2, 2], [23, 34, 31, 46])
        assertTensor(try tensor([1, 2, 3], [3]).matmul(tensor([4, 5, 6], [3])), [], [32])
        let m = tensor([1, 2, 3, 4, 5, 6], [2, 3])
        assertTensor(try tensor([1, 2], [2]).matmul(m), [3], [9, 12, 15])
        assertTensor(try m.matmul(tensor([1, 0, -1], [3])), [2], [-2, -2])
        assertTensor(try m.t().matmul(m), [3, 3], [17, 22, 27, 22, 29, 36, 27, 36, 45])
        assertTensor(try m.matmul(m.t()), [2, 2], [14, 32, 32, 77])
    }

    func testBatchedShapes() throws {
        XCTAssertEqual(try Tensor.full([2, 1, 3, 4], 1).matmul(Tensor.full([5, 4, 2], 1)).shape, [2, 5, 3, 2])
        XCTAssertEqual(try Tensor.full([4], 1).matmul(Tensor.full([2, 4, 5], 1)).shape, [2, 5])
        XCTAssertEqual(try Tensor.full([2, 3, 4], 1).matmul(Tensor.full([4], 1)).shape, [2, 3])
        let z = try Tensor.full([2, 0], 1).matmul(Tensor.full([0, 3], 1))
        assertTensor(z, [2, 3], [0, 0, 0, 0, 0, 0])
        XCTAssertEqual(try Tensor.full([0, 3, 4], 1).matmul(Tensor.full([4, 2], 1)).shape, [0, 3, 2])
    }

    func testViewsGiveTheSameProductAsContiguousCopies() throws {
        // Each view goes to BLAS transposed, with a leading dimension, or is copied; all
        // must agree with the product of contiguous copies. tol 1e-5: BLAS may sum in a
        // different order for different layouts.
        let g = Generator(seed: 524)
        let base = try Tensor.randn([4, 6, 6], generator: g)
        let other = try Tensor.randn([6, 6], generator: g)
        let views: [Tensor] = [
            try base.select(0, 1),                                  // offset view
            try base.select(0, 2).t(),                              // transposed
            try base.select(1, 3).narrow(0, 0, 4).t().narrow(1, 0, 4), // [6, 4] columns from rows
            try base.select(0, 0).slice(1, start: 0, end: 6, step: 2).t(), // strided, copied
            try base.select(0, 3).narrow(1, 1, 4).t(),              // transposed with ld 6
            try base.select(0, 1).narrow(0, 2, 1).expand([6, 6]),   // stride-0 rows
            try base.select(2, 5),                                  // column stride 6
        ]
        for (i, v) in views.enumerated() {
            let rhs = try other.narrow(0, 0, v.shape[1])
            let expected = try v.contiguous().matmul(rhs.contiguous()).toFloatArray()
            let left = try v.matmul(rhs).toFloatArray()
            let right = try rhs.t().matmul(v.t()).t().contiguous().toFloatArray()
            for j in 0..<expected.count {
                XCTAssertEqual(left[j], expected[j], accuracy: 1e-5, "view \(i), element \(j)")
                XCTAssertEqual(right[j], expected[j], accuracy: 1e-5, "view \(i) (as right operand), element \(j)")
            }
        }
        // Batched with non-contiguous batch dimensions on both sides.
        let a = try base.permute([1, 0, 2]).narrow(2, 0, 3)        // [6, 4, 3]
        let b = try Tensor.randn([3, 6, 2], generator: g).permute([1, 0, 2])  // [6, 3, 2]
        let got = try a.matmul(b).toFloatArray()
        let want = try a.contiguous().matmul(b.contiguous()).toFloatArray()
        for j in 0..<want.count { XCTAssertEqual(got[j], want[j], accuracy: 1e-5) }
    }

    func testRandomBatchedProductsOnRandomViewsMatchNaive() throws {
        // Random batch shapes that broadcast, random layouts, against a naive double
        // loop. tol: 1e-5 relative + 1e-5 absolute (float32 BLAS sums of k <= 6 terms).
        let g = Generator(seed: 530)
        var checked = 0
        for _ in 0..<120 {
            let m = 1 + Int(g.int(below: 5)), k = 1 + Int(g.int(below: 6)), n = 1 + Int(g.int(below: 5))
            let (_, ba, bb) = ElementwiseTests.randomShapes(g, maxDim: 3)
            let batchA = Array(ba.prefix(2)), batchB = Array(bb.prefix(2))
            guard let batch = try? Shape.broadcast(batchA, batchB, op: "test") else { continue }
            let a = try ElementwiseTests.randomView(batchA + [m, k], g)
            let b = try ElementwiseTests.randomView(batchB + [k, n], g)
            let out = try a.matmul(b)
            checked += 1
            XCTAssertEqual(out.shape, batch + [m, n])
            let got = out.toDoubleArray()
            var p = 0
            for bi in ElementwiseTests.indices(batch) {
                let ia = ElementwiseTests.operandIndex(bi, batchA), ib = ElementwiseTests.operandIndex(bi, batchB)
                for r in 0..<m {
                    for c in 0..<n {
                        var want = 0.0
                        for t in 0..<k {
                            want += Double(ElementwiseTests.naiveElement(a, ia + [r, t])) * Double(ElementwiseTests.naiveElement(b, ib + [t, c]))
                        }
                        if !(Swift.abs(got[p] - want) <= 1e-5 * Swift.abs(want) + 1e-5) {
                            XCTFail("\(shapeString(a.shape)) (strides \(a.strides)) @ \(shapeString(b.shape)) (strides \(b.strides)): element \(p) is \(got[p]), expected \(want)")
                            return
                        }
                        p += 1
                    }
                }
            }
        }
        XCTAssertGreaterThan(checked, 80, "too few random cases broadcast")
    }

    // MARK: Errors

    func testErrors() {
        assertThrowsMessage("matmul: shapes [2, 3] and [4, 5] do not align (3 != 4)") {
            try Tensor.full([2, 3], 1).matmul(Tensor.full([4, 5], 1))
        }
        assertThrowsMessage("matmul: shapes [3] and [4] do not align (3 != 4)") {
            try Tensor.full([3], 1).matmul(Tensor.full([4], 1))
        }
        assertThrowsMessage("matmul: shapes [2, 3] and [2] do not align (3 != 2)") {
            try Tensor.full([2, 3], 1).matmul(Tensor.full([2], 1))
        }
        assertThrowsMessage("matmul: batch dimensions [2] and [3] cannot be broadcast (shapes [2, 3, 4] and [3, 4, 5])") {
            try Tensor.full([2, 3, 4], 1).matmul(Tensor.full([3, 4, 5], 1))
        }
        assertThrowsMessage("matmul: expected two float32 or two float64 tensors (the same dtype, as PyTorch requires), got int64 and float32") {
            try ints([1, 2]).matmul(Tensor.full([2], 1))
        }
        assertThrowsMessage("matmul: both arguments need at least 1 dimension, got shapes [] and [3]") {
            try Tensor.scalar(2).matmul(Tensor.full([3], 1))
        }
    }
}
