import XCTest
@testable import VisTensor

/// Finite-difference gradient checks for the indexing, joining and gathering ops.
/// (Named for this test area so it cannot clash with other suites' helpers.)
enum IndexingGradCheck {
    /// Checks d/dx sum(f(x) * w), for a random w, computed by autograd against central
    /// differences. The ops under test are linear in x, so differences are exact up to
    /// float rounding and a loose tolerance is enough.
    static func check(_ x: Tensor, tolerance: Double = 1e-2,
                      file: StaticString = #filePath, line: UInt = #line,
                      _ f: (Tensor) throws -> Tensor) throws {
        let base = x.toFloatArray()
        let leaf = try Tensor(base, shape: x.shape).setRequiresGrad()
        let y = try f(leaf)
        let w = try Tensor.randn(y.shape)
        let weights = w.toFloatArray().map(Double.init)
        try y.mul(w).sum().backward()
        guard let grad = leaf.grad else { return XCTFail("no gradient reached the input", file: file, line: line) }
        XCTAssertEqual(grad.shape, x.shape, "gradient shape", file: file, line: line)
        let analytic = grad.toFloatArray()
        func objective(_ values: [Float]) throws -> Double {
            let out = try withNoGrad { try f(Tensor(values, shape: x.shape)) }
            return zip(out.toFloatArray(), weights).reduce(0) { $0 + Double($1.0) * $1.1 }
        }
        let eps: Float = 1e-2
        for i in base.indices {
            var p = base
            p[i] += eps
            let up = try objective(p)
            p[i] -= 2 * eps
            let down = try objective(p)
            let numeric = (up - down) / Double(2 * eps)
            XCTAssertEqual(Double(analytic[i]), numeric, accuracy: tolerance * Swift.max(1, Swift.abs(numeric)),
                           "gradient element \(i)", file: file, line: line)
        }
    }
}

/// Asserts that `body` throws a TensorError whose message is exactly `message`.
func assertIndexingError(_ message: String, file: StaticString = #filePath, line: UInt = #line,
                         _ body: () throws -> Any) {
    do {
        _ = try body()
        XCTFail("expected the error \"\(message)\", but nothing was thrown", file: file, line: line)
    } catch let error as TensorError {
        XCTAssertEqual(error.message, message, file: file, line: line)
    } catch {
        XCTFail("expected a TensorError, got \(error)", file: file, line: line)
    }
}

/// `arange(n)` reshaped to `shape`, as float32.
func indexingRange(_ shape: [Int]) throws -> Tensor {
    try Tensor.arange(0, Double(Shape.numel(shape))).reshape(shape)
}

final class IndexingTests: XCTestCase {
    func ints(_ values: [Int64], _ shape: [Int]? = nil) throws -> Tensor { try Tensor(int64: values, shape: shape) }

    // MARK: Views: ints, slices, ellipsis, new axes

    func testIntSelectsAndIsAView() throws {
        let x = try indexingRange([3, 4])
        let row = try x.index([.int(1)])
        XCTAssertEqual(row.shape, [4])
        XCTAssertEqual(row.toFloatArray(), [4, 5, 6, 7])
        XCTAssertEqual(try x.index([.int(-1)]).toFloatArray(), [8, 9, 10, 11])
        let e = try x.index([.int(2), .int(-3)])
        XCTAssertEqual(e.shape, [])
        XCTAssertEqual(try e.item(), 9)
        try row.assign(Tensor.scalar(-1))
        XCTAssertEqual(x.toFloatArray(), [0, 1, 2, 3, -1, -1, -1, -1, 8, 9, 10, 11])
    }

    func testSlices() throws {
        let x = try indexingRange([3, 4])
        let cols = try x.index([.all, .slice(start: 1, stop: 3, step: nil)])
        XCTAssertEqual(cols.shape, [3, 2])
        XCTAssertEqual(cols.toFloatArray(), [1, 2, 5, 6, 9, 10])
        XCTAssertEqual(try x.index([.int(0), .slice(start: nil, stop: nil, step: 2)]).toFloatArray(), [0, 2])
        XCTAssertEqual(try x.index([.int(0), .slice(start: -3, stop: -1, step: nil)]).toFloatArray(), [1, 2])
        XCTAssertEqual(try x.index([.int(0), .slice(start: 2, stop: 100, step: nil)]).toFloatArray(), [2, 3])
        XCTAssertEqual(try x.index([.int(0), .slice(start: -100, stop: 1, step: nil)]).toFloatArray(), [0])
        XCTAssertEqual(try x.index([.slice(start: 3, stop: 1, step: nil)]).shape, [0, 4])
        XCTAssertEqual(try x.index([.slice(start: 1, stop: nil, step: 5)]).shape, [1, 4])
        // Extreme bounds and steps clamp instead of overflowing.
        XCTAssertEqual(try x.index([.slice(start: Int.min, stop: Int.max, step: Int.max)]).toFloatArray(), [0, 1, 2, 3])
        XCTAssertEqual(try x.index([.all, .slice(start: Int.max, stop: Int.min, step: nil)]).shape, [3, 0])
        // A slice is a view: writing through it changes x.
        try cols.assign(Tensor.scalar(0))
        XCTAssertEqual(try x.index([.int(1)]).toFloatArray(), [4, 0, 0, 7])
    }

    func testEllipsisAndNewAxis() throws {
        let x = try indexingRange([2, 3, 4])
        let last = try x.index([.ellipsis, .int(0)])
        XCTAssertEqual(last.shape, [2, 3])
        XCTAssertEqual(last.toFloatArray(), [0, 4, 8, 12, 16, 20])
        XCTAssertEqual(try x.index([.int(1), .ellipsis, .int(3)]).toFloatArray(), [15, 19, 23])
        XCTAssertEqual(try x.index([.ellipsis]).shape, [2, 3, 4])
        XCTAssertEqual(try x.index([.newAxis]).shape, [1, 2, 3, 4])
        XCTAssertEqual(try x.index([.all, .newAxis]).shape, [2, 1, 3, 4])
        XCTAssertEqual(try x.index([.ellipsis, .newAxis]).shape, [2, 3, 4, 1])
        XCTAssertEqual(try x.index([.int(0), .newAxis, .all, .int(1)]).shape, [1, 3])
        XCTAssertEqual(try x.index([]).shape, [2, 3, 4])
        let s = Tensor.scalar(7)
        XCTAssertEqual(try s.index([.newAxis]).shape, [1])
        XCTAssertEqual(try s.index([.ellipsis]).shape, [])
        // Views through an ellipsis write back too.
        try last.assign(Tensor.scalar(-5))
        XCTAssertEqual(try x.index([.int(1), .int(2), .int(0)]).item(), -5)
    }

    // MARK: Masks

    func testMasks() throws {
        let x = try indexingRange([3, 4])
        let picked = try x.index([.tensor(x.gt(6))])
        XCTAssertEqual(picked.shape, [5])
        XCTAssertEqual(picked.toFloatArray(), [7, 8, 9, 10, 11])
        let rows = try x.index([.tensor(Tensor(bools: [true, false, true]))])
        XCTAssertEqual(rows.shape, [2, 4])
        XCTAssertEqual(rows.toFloatArray(), [0, 1, 2, 3, 8, 9, 10, 11])
        let cols = try x.index([.all, .tensor(Tensor(bools: [false, true, false, true]))])
        XCTAssertEqual(cols.toFloatArray(), [1, 3, 5, 7, 9, 11])
        let y = try indexingRange([2, 2, 3])
        let m = try Tensor(bools: [true, false, false, true], shape: [2, 2])
        let sel = try y.index([.tensor(m)])
        XCTAssertEqual(sel.shape, [2, 3])
        XCTAssertEqual(sel.toFloatArray(), [0, 1, 2, 9, 10, 11])
        XCTAssertEqual(try x.index([.tensor(x.gt(100))]).shape, [0])
        // A mask covering three dimensions.
        let cube = try indexingRange([2, 2, 3])
        XCTAssertEqual(try cube.index([.tensor(cube.remainder(Tensor.scalar(5)).eq(0))]).toFloatArray(), [0, 5, 10])
        XCTAssertEqual(try cube.index([.all, .tensor(Tensor(bools: [false, true, true, false, false, true], shape: [2, 3]))]).toFloatArray(), [1, 2, 5, 7, 8, 11])
        // A 0-d mask adds a dimension of size 1 (true) or 0 (false), as in PyTorch.
        XCTAssertEqual(try x.index([.tensor(Tensor.scalar(1, dtype: .bool))]).shape, [1, 3, 4])
        XCTAssertEqual(try x.index([.tensor(Tensor.scalar(0, dtype: .bool))]).shape, [0, 3, 4])
        // Masks copy: writing into the result leaves x alone.
        try rows.assign(Tensor.scalar(-1))
        XCTAssertEqual(try x.index([.int(0), .int(0)]).item(), 0)
    }

    // MARK: Index tensors

    func testIndexTensors() throws {
        let x = try indexingRange([3, 4])
        let r = try x.index([.tensor(ints([2, 0, 2, -1]))])
        XCTAssertEqual(r.shape, [4, 4])
        XCTAssertEqual(try r.index([.all, .int(0)]).toFloatArray(), [8, 0, 8, 8])
        let c = try x.index([.all, .tensor(ints([3, 1]))])
        XCTAssertEqual(c.shape, [3, 2])
        XCTAssertEqual(c.toFloatArray(), [3, 1, 7, 5, 11, 9])
        XCTAssertEqual(try x.index([.tensor(ints([1, 2])), .int(0)]).toFloatArray(), [4, 8])
        XCTAssertEqual(try x.index([.int(1), .tensor(ints([0, 3]))]).toFloatArray(), [4, 7])
        let pairs = try x.index([.tensor(ints([0, 1, 2])), .tensor(ints([3, 2, 1]))])
        XCTAssertEqual(pairs.toFloatArray(), [3, 6, 9])
        // Broadcast index tensors pick a grid: rows [2, 1] x cols [3] -> [2, 3].
        let grid = try x.index([.tensor(ints([0, 2], [2, 1])), .tensor(ints([0, 1, 3]))])
        XCTAssertEqual(grid.shape, [2, 3])
        XCTAssertEqual(grid.toFloatArray(), [0, 1, 3, 8, 9, 11])
        let batch = try x.index([.tensor(ints([0, 1, 1, 2], [2, 2]))])
        XCTAssertEqual(batch.shape, [2, 2, 4])
        let scalarIndex = try x.index([.tensor(ints([2], []))])
        XCTAssertEqual(scalarIndex.shape, [4])
        XCTAssertEqual(scalarIndex.toFloatArray(), [8, 9, 10, 11])
        // A copy: writing into it leaves x alone.
        try c.assign(Tensor.scalar(-1))
        XCTAssertEqual(try x.index([.int(0), .int(3)]).item(), 3)
    }

    func testIndexTensorPlacement() throws {
        let x = try indexingRange([2, 3, 4])
        // Adjacent index tensors keep their place: [2] + B + [] .
        let adjacent = try x.index([.all, .tensor(ints([0, 2])), .tensor(ints([1, 3]))])
        XCTAssertEqual(adjacent.shape, [2, 2])
        XCTAssertEqual(adjacent.toFloatArray(), [1, 11, 13, 23])
        // Separated by a slice, the broadcast dimensions go first: B + [3].
        let separated = try x.index([.tensor(ints([1, 0])), .all, .tensor(ints([0, 3]))])
        XCTAssertEqual(separated.shape, [2, 3])
        XCTAssertEqual(separated.toFloatArray(), [12, 16, 20, 3, 7, 11])
        // Ints are applied first (PyTorch), so x[:, 1, idx] is [2, len(idx)].
        let mixed = try x.index([.all, .int(1), .tensor(ints([0, 3]))])
        XCTAssertEqual(mixed.shape, [2, 2])
        XCTAssertEqual(mixed.toFloatArray(), [4, 7, 16, 19])
        // A non-contiguous source (transposed) reads through its strides.
        let t = try x.transpose(0, 2)  // [4, 3, 2]
        XCTAssertEqual(try t.index([.tensor(ints([3])), .int(0)]).toFloatArray(), [3, 15])
        // Rows whose remaining dimensions are not one contiguous run: [2, (4, 3)] strides (1, 4).
        let xt = try x.transpose(1, 2)
        let rows = try xt.index([.tensor(ints([1, 0]))])
        XCTAssertEqual(rows.shape, [2, 4, 3])
        XCTAssertEqual(rows.toFloatArray(), try Tensor.cat([xt.index([.int(1)]), xt.index([.int(0)])]).toFloatArray())
        XCTAssertEqual(try xt.index([.int(0), .tensor(ints([3]))]).toFloatArray(), [3, 7, 11])
        let ti = try x.index([.tensor(ints([1])), .tensor(ints([2])), .newAxis, .all])
        XCTAssertEqual(ti.shape, [1, 1, 4])
        XCTAssertEqual(ti.toFloatArray(), [20, 21, 22, 23])
    }

    func testIntegerTensorsIndexIntegerData() throws {
        let labels = try ints([5, 6, 7, 8])
        let picked = try labels.index([.tensor(ints([3, 0]))])
        XCTAssertEqual(picked.dtype, .int64)
        XCTAssertEqual(picked.toInt64Array(), [8, 5])
        let flags = try Tensor(bools: [true, false, true])
        XCTAssertEqual(try flags.index([.tensor(ints([1, 2]))]).toBoolArray(), [false, true])
    }

    // MARK: Gradients

    func testGradients() throws {
        let x = try indexingRange([3, 4]).div(3)
        try IndexingGradCheck.check(x) { try $0.index([.slice(start: 1, stop: nil, step: nil), .slice(start: nil, stop: nil, step: 2)]) }
        try IndexingGradCheck.check(x) { try $0.index([.int(-1), .newAxis]) }
        try IndexingGradCheck.check(x) { try $0.index([.tensor(self.ints([2, 0, 2]))]) }
        try IndexingGradCheck.check(x) { try $0.index([.all, .tensor(self.ints([1, 1, 3]))]) }
        try IndexingGradCheck.check(x) { try $0.index([.tensor(Tensor(bools: [true, false, true, true, false, false, true, false, false, false, true, true], shape: [3, 4]))]) }
        try IndexingGradCheck.check(x) { try $0.index([.tensor(self.ints([0, 2, 2])), .tensor(self.ints([3, 1, 1]))]) }
        try IndexingGradCheck.check(try indexingRange([2, 3, 4])) {
            try $0.index([.tensor(self.ints([1, 1])), .all, .tensor(self.ints([0, 3]))])
        }
    }

    func testDuplicateIndicesAccumulateGradient() throws {
        let x = try Tensor([1, 2, 3]).setRequiresGrad()
        let y = try x.index([.tensor(ints([0, 0, 2, 0]))])
        try y.sum().backward()
        XCTAssertEqual(x.grad?.toFloatArray(), [3, 0, 1])
        XCTAssertEqual(y.gradFnName, "index")
    }

    // MARK: Writes

    func testIndexPutBasic() throws {
        let x = try indexingRange([3, 4])
        try x.indexPut([.all, .int(1)], Tensor.scalar(-1))
        XCTAssertEqual(x.toFloatArray(), [0, -1, 2, 3, 4, -1, 6, 7, 8, -1, 10, 11])
        try x.indexPut([.int(0)], Tensor([10, 20, 30, 40]))
        XCTAssertEqual(try x.index([.int(0)]).toFloatArray(), [10, 20, 30, 40])
        // Leading size-1 dimensions of the value are dropped, as PyTorch's setitem does.
        try x.indexPut([.int(2)], Tensor([1, 1, 1, 1], shape: [1, 1, 4]))
        XCTAssertEqual(try x.index([.int(2)]).toFloatArray(), [1, 1, 1, 1])
        try x.indexPut([.slice(start: 1, stop: nil, step: nil), .slice(start: nil, stop: nil, step: 3)], Tensor([7, 8], shape: [2, 1]))
        XCTAssertEqual(x.toFloatArray(), [10, 20, 30, 40, 7, -1, 6, 7, 8, 1, 1, 8])
        try x.indexPut([.int(0), .slice(start: 0, stop: 2, step: nil)], Tensor([1, 1]), accumulate: true)
        XCTAssertEqual(try x.index([.int(0)]).toFloatArray(), [11, 21, 30, 40])
        // Overlapping source and destination behave like a copy of the source.
        let v = try indexingRange([5])
        try v.indexPut([.slice(start: 1, stop: nil, step: nil)], v.index([.slice(start: nil, stop: -1, step: nil)]))
        XCTAssertEqual(v.toFloatArray(), [0, 0, 1, 2, 3])
    }

    func testIndexPutAdvanced() throws {
        let x = try indexingRange([3, 4])
        try x.indexPut([.tensor(x.gt(8))], Tensor.scalar(0))
        XCTAssertEqual(x.toFloatArray(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0])
        try x.indexPut([.tensor(ints([0, 2]))], Tensor([9, 9, 9, 9]))
        XCTAssertEqual(x.toFloatArray(), [9, 9, 9, 9, 4, 5, 6, 7, 9, 9, 9, 9])
        try x.indexPut([.tensor(ints([0, 1, 2])), .tensor(ints([0, 1, 2]))], Tensor([-1, -2, -3]))
        XCTAssertEqual(x.toFloatArray(), [-1, 9, 9, 9, 4, -2, 6, 7, 9, 9, -3, 9])
        try x.indexPut([.all, .tensor(ints([3]))], Tensor([1, 2, 3], shape: [3, 1]))
        XCTAssertEqual(try x.index([.all, .int(3)]).toFloatArray(), [1, 2, 3])
        // Accumulate adds every duplicate.
        let acc = try Tensor.zeros([3])
        try acc.indexPut([.tensor(ints([0, 0, 2, 0]))], Tensor([1, 2, 3, 4]), accumulate: true)
        XCTAssertEqual(acc.toFloatArray(), [7, 0, 3])
        // One value for every position (also with extra size-1 dimensions), counted.
        try acc.indexPut([.tensor(ints([1, 1, 2]))], Tensor([1], shape: [1, 1]), accumulate: true)
        XCTAssertEqual(acc.toFloatArray(), [7, 2, 4])
        // Writes through a non-contiguous tensor land in the shared storage.
        let base = try indexingRange([2, 3])
        let t = try base.t()
        try t.indexPut([.tensor(ints([2])), .tensor(ints([1]))], Tensor.scalar(-7))
        XCTAssertEqual(base.toFloatArray(), [0, 1, 2, 3, 4, -7])
        // Values convert to the tensor's dtype.
        let labels = try ints([1, 2, 3])
        try labels.indexPut([.tensor(Tensor(bools: [false, true, false]))], Tensor.scalar(9))
        XCTAssertEqual(labels.toInt64Array(), [1, 9, 3])
    }

    func testIndexPutFollowsInPlaceRules() throws {
        let w = try Tensor([1, 2, 3]).setRequiresGrad()
        assertIndexingError("index_put_: a view of a leaf Variable that requires grad is being used in an in-place operation (wrap the update in no_grad, or write into a clone)") {
            try w.indexPut([.int(0)], Tensor.scalar(0))
        }
        try withNoGrad { try w.indexPut([.tensor(self.ints([0, 2]))], Tensor.scalar(0)) }
        XCTAssertEqual(w.toFloatArray(), [0, 2, 0])
        XCTAssertEqual(w.version, 1)
        // Writing into a tensor in the graph is recorded (PyTorch's CopySlices): the
        // overwritten element gets no gradient from its old history.
        let y = try w.mul(2)
        try y.indexPut([.int(0)], Tensor.scalar(0))
        XCTAssertEqual(y.toFloatArray(), [0, 4, 0])
        try y.sum().backward()
        XCTAssertEqual(w.grad?.toFloatArray(), [0, 2, 2])
        // A value that requires grad makes a plain tensor part of the graph.
        w.grad = nil
        let plain = try Tensor.zeros([3])
        try plain.indexPut([.tensor(self.ints([0, 2]))], w.index([.int(1)]).mul(3))
        XCTAssertEqual(plain.toFloatArray(), [6, 0, 6])
        XCTAssertTrue(plain.requiresGrad)
        try plain.sum().backward()
        XCTAssertEqual(w.grad?.toFloatArray(), [0, 6, 0])
        try plain.detach().indexPut([.int(0)], w.index([.int(1)]).detach())
        XCTAssertEqual(plain.toFloatArray(), [2, 0, 6])
    }

    // MARK: Errors

    func testErrors() throws {
        let x = try indexingRange([3, 4])
        assertIndexingError("index: step must be greater than zero (got -1)") {
            try x.index([.slice(start: nil, stop: nil, step: -1)])
        }
        assertIndexingError("index: step must be greater than zero (got 0)") {
            try x.index([.all, .slice(start: nil, stop: nil, step: 0)])
        }
        assertIndexingError("index: index 3 is out of bounds for dimension 0 with size 3") { try x.index([.int(3)]) }
        assertIndexingError("index: index -5 is out of bounds for dimension 1 with size 4") { try x.index([.int(0), .int(-5)]) }
        assertIndexingError("index: index 4 is out of bounds for dimension 1 with size 4") {
            try x.index([.newAxis, .all, .tensor(self.ints([0, 4]))])
        }
        assertIndexingError("index: index -4 is out of bounds for dimension 0 with size 3") {
            try x.index([.tensor(self.ints([-4]))])
        }
        assertIndexingError("index: too many indices for a tensor of dimension 2 (shape [3, 4]): the index covers 3 dimensions") {
            try x.index([.int(0), .int(0), .int(0)])
        }
        assertIndexingError("index: an index can only have a single ellipsis (...)") { try x.index([.ellipsis, .ellipsis]) }
        assertIndexingError("index: tensors used as indices must be int64 or bool, got float32 at index position 1 (convert with .long())") {
            try x.index([.all, .tensor(Tensor([0, 1]))])
        }
        assertIndexingError("index: mask of shape [4] at index position 0 does not match the shape [3] of the dimensions it indexes (dimension 0 on, indexed tensor shape [3, 4])") {
            try x.index([.tensor(Tensor(bools: [true, false, true, true]))])
        }
        assertIndexingError("index: index tensors of shapes [2], [3] cannot be broadcast together") {
            try x.index([.tensor(self.ints([0, 1])), .tensor(self.ints([0, 1, 2]))])
        }
        assertIndexingError("index_put_: value of shape [3] cannot be broadcast to the indexed shape [2, 4]") {
            try x.indexPut([.tensor(self.ints([0, 1]))], Tensor([1, 2, 3]))
        }
        assertIndexingError("index_put_: value of shape [2, 2] cannot be broadcast to the indexed shape [4]") {
            try x.indexPut([.int(0)], Tensor([1, 2, 3, 4], shape: [2, 2]))
        }
        assertIndexingError("index_put_: index 9 is out of bounds for dimension 0 with size 3") {
            try x.indexPut([.tensor(self.ints([9]))], Tensor.scalar(1))
        }
        assertIndexingError("index_put_: accumulate is not supported for bool tensors") {
            try Tensor(bools: [true]).indexPut([.tensor(self.ints([0]))], Tensor(bools: [true]), accumulate: true)
        }
        // A failed write changes nothing.
        XCTAssertEqual(x.toFloatArray(), try indexingRange([3, 4]).toFloatArray())
    }
}
