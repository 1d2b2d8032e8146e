import XCTest
@testable import VisTensor

/// Reductions: gradients (finite differences, tolerances in GradCheck.swift), values
/// against hand-computed results, integer handling and errors.
final class ReductionTests: XCTestCase {
    /// [[1, 2, 3], [4, 5, 6]].
    let m = tensor([1, 2, 3, 4, 5, 6], [2, 3])

    /// Distinct values 0.25 apart in scrambled order, so that max/min have no ties and a
    /// finite-difference step of 1e-2 never changes which element wins.
    func distinctLeaf(_ shape: [Int]) -> Tensor {
        let n = Shape.numel(shape)
        return leaf((0..<n).map { Float(($0 * 7) % n) * 0.25 - 1 }, shape)
    }

    // MARK: Gradients

    func testSumGradients() {
        let x = randomLeaf([2, 3, 4], seed: 301)
        assertGradientsMatch([x]) { try $0[0].sum() }
        assertGradientsMatch([x]) { try $0[0].sum(dim: 1) }
        assertGradientsMatch([x]) { try $0[0].sum(dim: -1, keepdim: true) }
        assertGradientsMatch([x]) { try $0[0].sum(dims: [0, 2]) }
        assertGradientsMatch([x]) { try $0[0].sum(dims: [0, 2], keepdim: true) }
        // Leading dimensions of contiguous data take a fast path.
        assertGradientsMatch([x]) { try $0[0].sum(dim: 0) }
        assertGradientsMatch([x]) { try $0[0].sum(dims: [0, 1], keepdim: true) }
        // A non-contiguous input.
        assertGradientsMatch([x]) { try $0[0].transpose(0, 2).sum(dim: 0) }
    }

    func testMeanGradients() {
        let x = randomLeaf([3, 4], seed: 302)
        assertGradientsMatch([x]) { try $0[0].mean() }
        assertGradientsMatch([x]) { try $0[0].mean(dim: 0) }
        assertGradientsMatch([x]) { try $0[0].mean(dim: 1, keepdim: true) }
    }

    func testVarianceAndStdGradients() {
        let x = randomLeaf([3, 5], seed: 303)
        assertGradientsMatch([x]) { try $0[0].variance() }
        assertGradientsMatch([x]) { try $0[0].variance(correction: 0) }
        assertGradientsMatch([x]) { try $0[0].variance(dims: [1]) }
        assertGradientsMatch([x]) { try $0[0].variance(dims: [0], correction: 0, keepdim: true) }
        assertGradientsMatch([x]) { try $0[0].std() }
        assertGradientsMatch([x]) { try $0[0].std(dims: [1], correction: 0) }
        assertGradientsMatch([x]) { try $0[0].std(dims: [-1], keepdim: true) }
        assertGradientsMatch([x]) { try $0[0].t().variance(dims: [0]) }
    }

    func testMaxMinGradients() {
        let x = distinctLeaf([3, 4])
        assertGradientsMatch([x]) { try $0[0].max(dim: 0).values }
        assertGradientsMatch([x]) { try $0[0].max(dim: 1, keepdim: true).values }
        assertGradientsMatch([x]) { try $0[0].min(dim: -1).values }
        assertGradientsMatch([x]) { try $0[0].min(dim: 0, keepdim: true).values }
        assertGradientsMatch([x]) { try $0[0].max() }
        assertGradientsMatch([x]) { try $0[0].min() }
        let y = distinctLeaf([2, 3, 4])
        assertGradientsMatch([y]) { try $0[0].max(dim: 1).values }
        assertGradientsMatch([y]) { try $0[0].permute([2, 0, 1]).min(dim: 2).values }
    }

    /// PyTorch 2.15 splits a whole-tensor max's gradient evenly among tied maxima
    /// (max(dim) sends it to the returned index instead).
    func testMaxGradientIsSplitEvenlyAmongTies() throws {
        let x = leaf([1, 3, 3, 2], [4])
        try x.max().backward()
        assertTensor(try XCTUnwrap(x.grad), [4], [0, 0.5, 0.5, 0])
        let y = leaf([3, 1, 3, 1], [2, 2])
        try y.max(dim: 1).values.sum().backward()
        assertTensor(try XCTUnwrap(y.grad), [2, 2], [1, 0, 1, 0])
    }

    // MARK: Values

    func testSumValues() throws {
        assertTensor(try m.sum(), [], [21])
        assertTensor(try m.sum(dim: 0), [3], [5, 7, 9])
        assertTensor(try m.sum(dim: 1), [2], [6, 15])
        assertTensor(try m.sum(dim: -1, keepdim: true), [2, 1], [6, 15])
        assertTensor(try m.sum(dim: 0, keepdim: true), [1, 3], [5, 7, 9])
        assertTensor(try m.sum(dims: [0, 1]), [], [21])
        assertTensor(try m.t().sum(dim: 0), [2], [6, 15])
        let x = tensor((0..<24).map(Float.init), [2, 3, 4])
        // sum over dims 0 and 2: for j, sum_i sum_k (12 i + 4 j + k) = 2*4*4j + 4*12 + 2*6.
        assertTensor(try x.sum(dims: [0, 2]), [3], [60, 92, 124])
        assertTensor(try x.sum(dims: [0, 1]), [4], [60, 66, 72, 78])
    }

    func testLongSumsAreAccumulatedInDoublePrecision() throws {
        // 2^20 copies of 0.1f: a float32 running sum drifts by ~1%; a double one is
        // exact to float32 rounding. Every path must agree: the leading-dimension fast
        // path, the general row path, and the full sum. tol: 1e-6 relative.
        let n = 1 << 20
        let x = Tensor.full([n, 2], 0.1)
        let expected = Double(Float(0.1)) * Double(n)
        for (name, t) in [("dim 0 (fast path)", try x.sum(dim: 0)), ("dim 0 keepdim", try x.sum(dim: 0, keepdim: true)),
                          ("transposed dim 1", try x.t().sum(dim: 1)), ("mean * n", try x.mean(dim: 0).mul(Double(n)))] {
            for v in t.toDoubleArray() { XCTAssertEqual(v, expected, accuracy: expected * 1e-6, name) }
        }
        XCTAssertEqual(try x.sum().item(), 2 * expected, accuracy: 2 * expected * 1e-6)
    }

    func testIntegerAndBoolSums() throws {
        assertInt64(try ints([1, 2, 3, 4], [2, 2]).sum(), [], [10])
        assertInt64(try ints([1, 2, 3, 4], [2, 2]).sum(dim: 0), [2], [4, 6])
        assertInt64(try bools([true, false, true]).sum(), [], [2])
    }

    func testEmptySums() throws {
        assertTensor(try Tensor.zeros([0]).sum(), [], [0])
        assertTensor(try Tensor.zeros([2, 0]).sum(dim: 1), [2], [0, 0])
        assertTensor(try Tensor.zeros([0, 3]).sum(dim: 0), [3], [0, 0, 0])
    }

    func testMeanVarianceStdValues() throws {
        assertTensor(try m.mean(), [], [3.5])
        assertTensor(try m.mean(dim: 1), [2], [2, 5])
        assertTensor(try m.mean(dim: 0, keepdim: true), [1, 3], [2.5, 3.5, 4.5])
        // Deviations from 3.5 square to 6.25, 2.25, 0.25 (twice each): 17.5 in all.
        // tol 1e-6: float32 results of double-precision accumulations.
        assertTensor(try m.variance(), [], [3.5], tol: 1e-6)
        assertTensor(try m.variance(correction: 0), [], [17.5 / 6], tol: 1e-6)
        assertTensor(try m.variance(dims: [1]), [2], [1, 1], tol: 1e-6)
        assertTensor(try m.variance(dims: [1], correction: 0), [2], [2.0 / 3, 2.0 / 3], tol: 1e-6)
        assertTensor(try m.variance(dims: [0], keepdim: true), [1, 3], [4.5, 4.5, 4.5], tol: 1e-6)
        assertTensor(try m.std(), [], [Float(3.5.squareRoot())], tol: 1e-6)
        assertTensor(try m.std(dims: [0], correction: 0), [3], [1.5, 1.5, 1.5], tol: 1e-6)
    }

    func testMaxMinValuesAndIndices() throws {
        let x = tensor([1, 5, 3, 7, 2, 7], [2, 3])
        let mx = try x.max(dim: 1)
        assertTensor(mx.values, [2], [5, 7])
        assertInt64(mx.indices, [2], [1, 0])  // first index on ties
        let mn = try x.min(dim: 0, keepdim: true)
        assertTensor(mn.values, [1, 3], [1, 2, 3])
        assertInt64(mn.indices, [1, 3], [0, 1, 0])
        assertTensor(try x.max(), [], [7])
        assertTensor(try x.min(), [], [1])
        assertInt64(try x.argmax(), [], [3])
        assertInt64(try x.argmin(), [], [0])
        assertInt64(try x.argmax(dim: 0), [3], [1, 0, 1])
        assertInt64(try x.argmin(dim: 1, keepdim: true), [2, 1], [0, 1])
    }

    func testMaxPropagatesNaN() throws {
        let x = tensor([1, .nan, 3], [3])
        XCTAssertTrue(try x.max().item().isNaN)
        XCTAssertTrue(try x.min().item().isNaN)
        assertInt64(try x.argmax(), [], [1])
    }

    func testInt64MaxMinAreExact() throws {
        // 2^24 + 1 is not representable in float32: comparing through float32 would
        // report 2^24 and pick the wrong index.
        let x = ints([16_777_216, 16_777_217, -16_777_217, 5])
        let mx = try x.max(dim: 0)
        assertInt64(mx.values, [], [16_777_217])
        assertInt64(mx.indices, [], [1])
        assertInt64(try x.min(), [], [-16_777_217])
        assertInt64(try x.argmax(), [], [1])
        assertInt64(try ints([9_007_199_254_740_993, 9_007_199_254_740_992]).max(), [], [9_007_199_254_740_993])
    }

    func testZeroDimensionalReductions() throws {
        // A 0-d tensor accepts dim 0 / -1 (as PyTorch does) and reduces over nothing.
        let s = leaf([3], [])
        assertTensor(try s.sum(dim: 0), [], [3])
        assertTensor(try s.sum(dim: -1, keepdim: true), [], [3])
        assertTensor(try s.mean(dim: 0), [], [3])
        assertInt64(try Tensor.scalar(4, dtype: .int64).sum(dim: 0), [], [4])
        let mx = try s.max(dim: 0, keepdim: true)
        assertTensor(mx.values, [], [3])
        assertInt64(mx.indices, [], [0])
        assertTensor(try s.max(), [], [3])
        assertGradientsMatch([s]) { try $0[0].sum(dim: 0).mul($0[0]) }
        assertGradientsMatch([s]) { try $0[0].max(dim: 0).values.mul($0[0]) }
    }

    func testReductionsOnRandomViewsMatchNaive() throws {
        // sum/mean/var/max over random dimension subsets of random views, against a
        // naive double-precision walk. tol: 1e-5 relative + 1e-5 absolute (float32
        // results of sums of up to a few thousand values accumulated in double).
        let g = Generator(seed: 310)
        var cases: [[Int]] = (0..<80).map { _ in ElementwiseTests.randomShapes(g, maxDim: 5).out }
        cases.append([70, 30, 20])   // large enough for the parallel row split
        for shape in cases {
            let x = try ElementwiseTests.randomView(shape, g)
            let dims = shape.indices.filter { _ in g.int(below: 2) == 0 }
            let keepdim = g.int(below: 2) == 0
            let reduced = dims.isEmpty ? Array(shape.indices) : dims
            var groups: [[Int]: [Double]] = [:]
            for i in ElementwiseTests.indices(shape) {
                let key = shape.indices.filter { !reduced.contains($0) }.map { i[$0] }
                groups[key, default: []].append(Double(ElementwiseTests.naiveElement(x, i)))
            }
            let outKeys = ElementwiseTests.indices(shape.indices.filter { !reduced.contains($0) }.map { shape[$0] })
            let label = "\(shapeString(shape)) strides \(x.strides) dims \(dims) keepdim \(keepdim)"
            let sum = try x.sum(dims: dims, keepdim: keepdim).toDoubleArray()
            let mean = try x.mean(dims: dims, keepdim: keepdim).toDoubleArray()
            let variance = try x.variance(dims: dims, correction: 0, keepdim: keepdim).toDoubleArray()
            XCTAssertEqual(sum.count, outKeys.count, label)
            for (k, key) in outKeys.enumerated() where k < sum.count {
                let v = groups[key] ?? []
                let s = v.reduce(0, +), m = s / Double(v.count)
                let vr = v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(v.count)
                for (got, want, name) in [(sum[k], s, "sum"), (mean[k], m, "mean"), (variance[k], vr, "var")]
                    where !(Swift.abs(got - want) <= 1e-5 * Swift.abs(want) + 1e-5) {
                    XCTFail("\(name) of \(label) at \(key): \(got) vs \(want)")
                }
            }
            if let d = dims.first {
                let mx = try x.max(dim: d, keepdim: keepdim)
                let mxv = mx.values.toFloatArray(), mxi = mx.indices.toInt64Array()
                let rest = shape.indices.filter { $0 != d }
                for (k, key) in ElementwiseTests.indices(rest.map { shape[$0] }).enumerated() {
                    var i = [Int](repeating: 0, count: shape.count)
                    for (j, r) in rest.enumerated() { i[r] = key[j] }
                    var best = -Float.infinity, bestIndex = -1
                    for t in 0..<shape[d] {
                        i[d] = t
                        let v = ElementwiseTests.naiveElement(x, i)
                        if v > best { best = v; bestIndex = t }
                    }
                    if mxv[k] != best || mxi[k] != Int64(bestIndex) {
                        XCTFail("max of \(label) at \(key): \(mxv[k])@\(mxi[k]) vs \(best)@\(bestIndex)")
                        break
                    }
                }
            }
        }
    }

    /// allFinite finds one NaN or infinity anywhere: in a SIMD lane, in the scalar tail,
    /// in either core's half of a large tensor, in a strided view; huge finite values
    /// (whose x * 0 is still 0) and non-float dtypes count as finite.
    func testAllFinite() throws {
        for n in [1, 7, 8, 9, 100_003] {
            for at in Set([0, n / 2, n - 1]) {
                for bad in [Float.nan, .infinity, -.infinity] {
                    let t = Tensor.full([n], 3.0e38)
                    XCTAssertTrue(t.allFinite(), "n \(n)")
                    t.floatPointer[at] = bad
                    XCTAssertFalse(t.allFinite(), "n \(n), \(bad) at \(at)")
                }
            }
        }
        let wide = try Tensor.zeros([4, 6])
        wide.floatPointer[7] = .nan
        XCTAssertFalse(try wide.t().allFinite())
        XCTAssertTrue(try wide.narrow(1, 2, 4).allFinite())
        XCTAssertTrue(try Tensor.zeros([0]).allFinite())
        XCTAssertTrue(ints([1, 2]).allFinite())
    }

    // MARK: Errors

    func testReductionErrors() {
        assertThrowsMessage("sum: dimension 2 is out of range for a tensor with 2 dimensions (expected -2...1)") { try m.sum(dim: 2) }
        assertThrowsMessage("mean: dimension -3 is out of range for a tensor with 2 dimensions (expected -2...1)") { try m.mean(dim: -3) }
        assertThrowsMessage("sum: dimension appears more than once in [1, -1]") { try m.sum(dims: [1, -1]) }
        assertThrowsMessage("max: dimension 5 is out of range for a tensor with 2 dimensions (expected -2...1)") { try m.max(dim: 5) }
        assertThrowsMessage("sum: dimension 1 is out of range for a tensor with 0 dimensions (expected -1...0)") {
            try Tensor.scalar(1).sum(dim: 1)
        }
        assertThrowsMessage("mean: expected a floating-point tensor, got int64 (convert with .float())") { try ints([1, 2]).mean() }
        assertThrowsMessage("var: expected a floating-point tensor, got int64 (var is defined for floating point only, as in PyTorch; convert with .float())") { try ints([1, 2]).variance() }
        assertThrowsMessage("max: cannot reduce over dimension 0 of size 0 (shape [0, 3])") { try Tensor.zeros([0, 3]).max(dim: 0) }
        assertThrowsMessage("max: cannot reduce over dimension 0 of size 0 (shape [0])") { try Tensor.zeros([0]).max() }
        assertThrowsMessage("argmax: expected a float32 or int64 tensor, got bool (PyTorch refuses bool too)") { try bools([true]).argmax(dim: 0) }
    }
}
