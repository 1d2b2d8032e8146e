import Foundation
import XCTest
@testable import VisTensor

/// The elementwise loop engine (fast paths, coalescing, the strided broadcast walk and
/// its parallel split) against a naive reference that reads every element through
/// offset + sum(index * stride). Random views (permuted, sliced with steps, expanded,
/// selected) of random shapes, including sizes above `Parallel.grain`. Float ops are
/// deterministic, so results must match exactly.
final class ElementwiseTests: XCTestCase {
    /// The element of `t` at multi-index `index`, read straight from storage.
    static func naiveElement(_ t: Tensor, _ index: [Int]) -> Float {
        var o = t.offset
        for (i, s) in zip(index, t.strides) { o += i * s }
        return t.storage.floats[o]
    }

    /// Every multi-index of `shape` in row-major order.
    static func indices(_ shape: [Int]) -> [[Int]] {
        var out: [[Int]] = [[]]
        for d in shape { out = out.flatMap { prefix in (0..<d).map { prefix + [$0] } } }
        return out
    }

    /// The index into an operand of `shape` for output index `index` (broadcasting).
    static func operandIndex(_ index: [Int], _ shape: [Int]) -> [Int] {
        let lead = index.count - shape.count
        return shape.indices.map { shape[$0] == 1 ? 0 : index[lead + $0] }
    }

    /// A float32 tensor of `shape` whose layout is chosen at random: contiguous, a
    /// permutation of a contiguous base, a strided slice of a larger base, a select
    /// from a larger base, or an expansion of size-1 dimensions.
    static func randomView(_ shape: [Int], _ g: Generator) throws -> Tensor {
        let kind = Int(g.int(below: 5))
        switch kind {
        case 1 where shape.count >= 2:
            var perm = Array(0..<shape.count)
            for i in stride(from: perm.count - 1, to: 0, by: -1) { perm.swapAt(i, Int(g.int(below: UInt64(i + 1)))) }
            var inverse = perm
            for (i, p) in perm.enumerated() { inverse[p] = i }
            let base = try Tensor.randn(inverse.map { shape[$0] }, generator: g)
            return try base.permute(perm)
        case 2 where !shape.isEmpty:
            let d = Int(g.int(below: UInt64(shape.count)))
            var bigger = shape
            bigger[d] = shape[d] * 2 + 1
            return try Tensor.randn(bigger, generator: g).slice(d, start: 1, end: bigger[d], step: 2)
        case 3:
            return try Tensor.randn([3] + shape, generator: g).select(0, 1)
        case 4 where shape.contains(where: { $0 > 1 }):
            // A dimension of size > 1 read with stride 0 (an expanded size-1 dimension).
            let d = shape.firstIndex(where: { $0 > 1 }) ?? 0
            var base = shape
            base[d] = 1
            return try Tensor.randn(base, generator: g).expand(shape)
        default:
            return try Tensor.randn(shape, generator: g)
        }
    }

    /// A random output shape and two operand shapes that broadcast to it.
    static func randomShapes(_ g: Generator, maxDim: Int) -> (out: [Int], a: [Int], b: [Int]) {
        let rank = Int(g.int(below: 5))   // 0...4
        let out = (0..<rank).map { _ in 1 + Int(g.int(below: UInt64(maxDim))) }
        func operand() -> [Int] {
            let drop = Int(g.int(below: UInt64(rank + 1)))
            return out.dropFirst(drop).map { g.int(below: 3) == 0 ? 1 : $0 }
        }
        return (out, operand(), operand())
    }

    func checkBinary(_ a: Tensor, _ b: Tensor, file: StaticString = #filePath, line: UInt = #line) throws {
        let expectedShape = try Shape.broadcast(a.shape, b.shape, op: "test")
        let ops: [(String, (Tensor, Tensor) throws -> Tensor, (Float, Float) -> Float)] = [
            ("add", { try $0 + $1 }, { $0 + $1 }),
            ("mul", { try $0 * $1 }, { $0 * $1 }),
            ("sub", { try $0 - $1 }, { $0 - $1 }),
        ]
        let idx = Self.indices(expectedShape)
        for (name, op, f) in ops {
            let out = try op(a, b)
            XCTAssertEqual(out.shape, expectedShape, name, file: file, line: line)
            let got = out.toFloatArray()
            for (k, i) in idx.enumerated() {
                let want = f(Self.naiveElement(a, Self.operandIndex(i, a.shape)), Self.naiveElement(b, Self.operandIndex(i, b.shape)))
                if got[k] != want {
                    XCTFail("\(name) of \(shapeString(a.shape)) (strides \(a.strides)) and \(shapeString(b.shape)) (strides \(b.strides)): element \(i) is \(got[k]), expected \(want)", file: file, line: line)
                    return
                }
            }
        }
    }

    func testBinaryOpsOnRandomViews() throws {
        let g = Generator(seed: 901)
        for _ in 0..<300 {
            let (_, sa, sb) = Self.randomShapes(g, maxDim: 4)
            try checkBinary(Self.randomView(sa, g), Self.randomView(sb, g))
        }
    }

    func testBinaryOpsOnLargeViewsRunInParallelCorrectly() throws {
        // Above Parallel.grain (32768 elements): the loops are split across cores.
        let g = Generator(seed: 902)
        let a = try Tensor.randn([40, 33, 30], generator: g).permute([2, 1, 0])      // [30, 33, 40]
        let b = try Tensor.randn([33, 1], generator: g)
        try checkBinary(a, b)
        try checkBinary(b, a)
        let c = try Tensor.randn([30, 33, 81], generator: g).slice(2, start: 0, end: 81, step: 2)  // [30, 33, 41]
        try checkBinary(c, Tensor.randn([41], generator: g))
        try checkBinary(c, Tensor.scalar(3))
        let d = try Tensor.randn([70000], generator: g)
        try checkBinary(d, d)
        try checkBinary(d, Tensor.randn([1], generator: g))
        try checkBinary(Tensor.randn([300, 1], generator: g), Tensor.randn([1, 200], generator: g))
    }

    func testUnaryOpsOnRandomViews() throws {
        let g = Generator(seed: 903)
        var shapes: [[Int]] = (0..<100).map { _ in Self.randomShapes(g, maxDim: 5).out }
        shapes.append([50, 41, 20])   // parallel path
        for shape in shapes {
            let x = try Self.randomView(shape, g)
            let idx = Self.indices(shape)
            let e = try x.exp().toFloatArray(), n = try x.neg().toFloatArray(), c = x.contiguous().toFloatArray()
            for (k, i) in idx.enumerated() {
                let v = Self.naiveElement(x, i)
                if e[k] != Foundation.exp(v) || n[k] != -v || c[k] != v {
                    XCTFail("unary on \(shapeString(shape)) strides \(x.strides): element \(i)")
                    break
                }
            }
        }
    }

    func testInPlaceUpdatesOnRandomViews() throws {
        let g = Generator(seed: 904)
        for _ in 0..<60 {
            let shape = Self.randomShapes(g, maxDim: 4).out
            let x = try Self.randomView(shape, g)
            // Skip stride-0 views: writing through them writes one element many times.
            guard !zip(x.shape, x.strides).contains(where: { $0.0 > 1 && $0.1 == 0 }) else { continue }
            let before = Self.indices(shape).map { Self.naiveElement(x, $0) }
            try x.mulInPlace(2)
            let src = try Tensor.randn(shape, generator: g)
            try x.addInPlace(src)
            let s = src.toFloatArray()
            for (k, i) in Self.indices(shape).enumerated() where Self.naiveElement(x, i) != before[k] * 2 + s[k] {
                XCTFail("in-place on \(shapeString(shape)) strides \(x.strides): element \(i)")
                break
            }
        }
    }

    func testCoalesceMergesOnlyCompatibleDimensions() {
        var strides = [[12, 4, 1], [0, 0, 1]]
        XCTAssertEqual(Elementwise.coalesce([2, 3, 4], &strides), [6, 4])
        XCTAssertEqual(strides, [[4, 1], [0, 1]])
        var contiguous = [[12, 4, 1], [12, 4, 1]]
        XCTAssertEqual(Elementwise.coalesce([2, 3, 4], &contiguous), [24])
        XCTAssertEqual(contiguous, [[1], [1]])
        var transposed = [[1, 2], [2, 1]]
        XCTAssertEqual(Elementwise.coalesce([2, 2], &transposed), [2, 2])
        var ones = [[3, 1, 1], [0, 0, 0]]
        XCTAssertEqual(Elementwise.coalesce([2, 1, 1], &ones), [2])
        XCTAssertEqual(ones, [[3], [0]])
    }

    func testStridedOffsets() {
        var offsets = [Int](repeating: -1, count: 6)
        Elementwise.stridedOffsets([2, 3], [1, 2], into: &offsets)
        XCTAssertEqual(offsets, [0, 2, 4, 1, 3, 5])
        var scalar = [-1]
        Elementwise.stridedOffsets([], [], into: &scalar)
        XCTAssertEqual(scalar, [0])
        var expanded = [Int](repeating: -1, count: 4)
        Elementwise.stridedOffsets([2, 2], [0, 1], into: &expanded)
        XCTAssertEqual(expanded, [0, 1, 0, 1])
    }

    func testParallelForRangeCoversEveryIndexOnce() {
        for count in [0, 1, 5, Parallel.grain - 1, Parallel.grain, Parallel.grain * 3 + 7] {
            let hits = UnsafeMutablePointer<Int32>.allocate(capacity: Swift.max(count, 1))
            hits.initialize(repeating: 0, count: Swift.max(count, 1))
            Parallel.forRange(count) { s, e in for i in s..<e { hits[i] += 1 } }
            XCTAssertTrue((0..<count).allSatisfy { hits[$0] == 1 }, "count \(count)")
            hits.deallocate()
        }
    }
}
