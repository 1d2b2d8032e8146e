import XCTest
@testable import VisTensor

final class JoinTests: XCTestCase {
    // MARK: cat

    func testCatValues() throws {
        let a = try indexingRange([2, 3])
        let b = try indexingRange([1, 3]).add(10)
        let rows = try Tensor.cat([a, b], dim: 0)
        XCTAssertEqual(rows.shape, [3, 3])
        XCTAssertEqual(rows.toFloatArray(), [0, 1, 2, 3, 4, 5, 10, 11, 12])
        let c = try indexingRange([2, 1]).add(20)
        let cols = try Tensor.cat([a, c, a], dim: -1)
        XCTAssertEqual(cols.shape, [2, 7])
        XCTAssertEqual(cols.toFloatArray(), [0, 1, 2, 20, 0, 1, 2, 3, 4, 5, 21, 3, 4, 5])
        // Non-contiguous inputs are read through their strides.
        let t = try a.t()  // [3, 2]: [[0, 3], [1, 4], [2, 5]]
        XCTAssertEqual(try Tensor.cat([t, t], dim: 1).toFloatArray(), [0, 3, 0, 3, 1, 4, 1, 4, 2, 5, 2, 5])
        // A single tensor is copied, not aliased.
        let copy = try Tensor.cat([a])
        try copy.fill(0)
        XCTAssertEqual(try a.index([.int(1), .int(2)]).item(), 5)
        // Empty pieces and the legacy [0] tensor are fine.
        XCTAssertEqual(try Tensor.cat([a, Tensor.zeros([0, 3])]).shape, [2, 3])
        XCTAssertEqual(try Tensor.cat([Tensor.zeros([0]), a, Tensor.zeros([0])], dim: 1).shape, [2, 3])
        XCTAssertEqual(try Tensor.cat([Tensor([1, 2]), Tensor.zeros([0])]).toFloatArray(), [1, 2])
    }

    func testCatDTypes() throws {
        let f = Tensor([1.5])
        let i = try Tensor(int64: [2, 3])
        let b = try Tensor(bools: [true])
        let fi = try Tensor.cat([i, f])
        XCTAssertEqual(fi.dtype, .float32)
        XCTAssertEqual(fi.toFloatArray(), [2, 3, 1.5])
        let ib = try Tensor.cat([b, i])
        XCTAssertEqual(ib.dtype, .int64)
        XCTAssertEqual(ib.toInt64Array(), [1, 2, 3])
        let bb = try Tensor.cat([b, b])
        XCTAssertEqual(bb.dtype, .bool)
        XCTAssertEqual(bb.toBoolArray(), [true, true])
        XCTAssertEqual(try Tensor.cat([i, i]).toInt64Array(), [2, 3, 2, 3])
    }

    func testCatGradient() throws {
        let a = try indexingRange([2, 3])
        let b = try indexingRange([2, 2]).sub(1)
        try IndexingGradCheck.check(a) { try Tensor.cat([$0, b], dim: 1) }
        try IndexingGradCheck.check(b) { try Tensor.cat([a, $0, $0], dim: 1) }
        try IndexingGradCheck.check(a) { try Tensor.cat([$0.t(), b.t()], dim: 0) }
        // Inputs that do not require grad get none; an int input joins a float graph.
        let x = try Tensor([1, 2]).setRequiresGrad()
        let y = try Tensor.cat([x, Tensor(int64: [5]), Tensor([7])])
        XCTAssertEqual(y.gradFnName, "cat")
        try y.mul(Tensor([1, 2, 3, 4])).sum().backward()
        XCTAssertEqual(x.grad?.toFloatArray(), [1, 2])
    }

    func testCatErrors() throws {
        assertIndexingError("cat: expected a non-empty list of tensors") { try Tensor.cat([]) }
        assertIndexingError("cat: tensor 1 has shape [2, 4] but tensor 0 has shape [2, 3]; sizes must match except in dimension 0") {
            try Tensor.cat([Tensor.zeros([2, 3]), Tensor.zeros([2, 4])], dim: 0)
        }
        assertIndexingError("cat: tensor 2 has shape [3] but tensor 0 has shape [2, 3]; sizes must match except in dimension 1") {
            try Tensor.cat([Tensor.zeros([2, 3]), Tensor.zeros([2, 1]), Tensor.zeros([3])], dim: 1)
        }
        assertIndexingError("cat: zero-dimensional tensor (at position 1) cannot be concatenated; use stack, or unsqueeze it first") {
            try Tensor.cat([Tensor([1]), Tensor.scalar(2)])
        }
        assertIndexingError("cat: dimension 2 is out of range for a tensor with 2 dimensions (expected -2...1)") {
            try Tensor.cat([Tensor.zeros([2, 3])], dim: 2)
        }
    }

    // MARK: stack

    func testStack() throws {
        let a = Tensor([1, 2, 3]), b = Tensor([4, 5, 6])
        let s0 = try Tensor.stack([a, b])
        XCTAssertEqual(s0.shape, [2, 3])
        XCTAssertEqual(s0.toFloatArray(), [1, 2, 3, 4, 5, 6])
        let s1 = try Tensor.stack([a, b], dim: 1)
        XCTAssertEqual(s1.shape, [3, 2])
        XCTAssertEqual(s1.toFloatArray(), [1, 4, 2, 5, 3, 6])
        XCTAssertEqual(try Tensor.stack([a, b], dim: -1).shape, [3, 2])
        XCTAssertEqual(try Tensor.stack([Tensor.scalar(1), Tensor.scalar(2)]).toFloatArray(), [1, 2])
        let m = try indexingRange([2, 2])
        try IndexingGradCheck.check(m) { try Tensor.stack([$0, m, $0.t()], dim: 1) }
    }

    func testStackErrors() throws {
        assertIndexingError("stack: expected a non-empty list of tensors") { try Tensor.stack([]) }
        assertIndexingError("stack: tensor 1 has shape [2] but tensor 0 has shape [3]; stack needs tensors of equal shape") {
            try Tensor.stack([Tensor([1, 2, 3]), Tensor([1, 2])])
        }
        assertIndexingError("stack: dimension 3 is out of range for a tensor with 2 dimensions (expected -2...1)") {
            try Tensor.stack([Tensor([1, 2, 3])], dim: 3)
        }
    }

    // MARK: split and chunk

    func testSplit() throws {
        let x = try indexingRange([5, 2])
        let pieces = try x.split(2)
        XCTAssertEqual(pieces.map(\.shape), [[2, 2], [2, 2], [1, 2]])
        XCTAssertEqual(pieces[2].toFloatArray(), [8, 9])
        XCTAssertEqual(try x.split(7).map(\.shape), [[5, 2]])
        XCTAssertEqual(try x.split(1, dim: 1).map { $0.toFloatArray() }, [[0, 2, 4, 6, 8], [1, 3, 5, 7, 9]])
        let sized = try x.split(sizes: [1, 0, 4])
        XCTAssertEqual(sized.map(\.shape), [[1, 2], [0, 2], [4, 2]])
        XCTAssertEqual(try Tensor.zeros([0, 3]).split(2).map(\.shape), [[0, 3]])
        // Pieces are views of x.
        try pieces[1].fill(-1)
        XCTAssertEqual(x.toFloatArray(), [0, 1, 2, 3, -1, -1, -1, -1, 8, 9])
        // Differentiable: reorder the pieces and join them again.
        try IndexingGradCheck.check(try indexingRange([5, 2])) { t in
            let p = try t.split(sizes: [2, 3])
            return try Tensor.cat([p[1], p[0].mul(2)])
        }
    }

    func testChunk() throws {
        let x = try indexingRange([6])
        XCTAssertEqual(try x.chunk(4).map { $0.toFloatArray() }, [[0, 1], [2, 3], [4, 5]])
        XCTAssertEqual(try x.chunk(3).map(\.shape), [[2], [2], [2]])
        XCTAssertEqual(try indexingRange([5]).chunk(2).map { $0.toFloatArray() }, [[0, 1, 2], [3, 4]])
        XCTAssertEqual(try x.chunk(10).count, 6)
        XCTAssertEqual(try x.chunk(Int.max).count, 6)
        XCTAssertEqual(try x.split(Int.max).map(\.shape), [[6]])
        XCTAssertEqual(try Tensor.zeros([0]).chunk(3).map(\.shape), [[0], [0], [0]])
        let m = try indexingRange([2, 4])
        let halves = try m.chunk(2, dim: 1)
        XCTAssertEqual(halves[1].toFloatArray(), [2, 3, 6, 7])
        try halves[0].fill(9)
        XCTAssertEqual(m.toFloatArray(), [9, 9, 2, 3, 9, 9, 6, 7])
        try IndexingGradCheck.check(try indexingRange([2, 4])) { try $0.chunk(2, dim: -1)[1] }
    }

    func testSplitErrors() throws {
        let x = try indexingRange([5, 2])
        assertIndexingError("split: split size must be positive, got 0") { try x.split(0) }
        assertIndexingError("split: split sizes [2, 2] sum to 4 but dimension 0 has size 5 (shape [5, 2])") {
            try x.split(sizes: [2, 2])
        }
        assertIndexingError("split: split sizes must be non-negative, got [6, -1]") { try x.split(sizes: [6, -1]) }
        assertIndexingError("split: split sizes [\(Int.max), 3] sum to \(Int.max) but dimension 0 has size 5 (shape [5, 2])") {
            try x.split(sizes: [Int.max, 3])
        }
        assertIndexingError("split: dimension 2 is out of range for a tensor with 2 dimensions (expected -2...1)") {
            try x.split(1, dim: 2)
        }
        assertIndexingError("chunk: number of chunks must be positive, got 0") { try x.chunk(0) }
        assertIndexingError("chunk: expects at least a 1-dimensional tensor, got a scalar") { try Tensor.scalar(1).chunk(2) }
    }
}
