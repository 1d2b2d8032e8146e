import XCTest
@testable import VisTensor

final class GatherTests: XCTestCase {
    func ints(_ values: [Int64], _ shape: [Int]? = nil) throws -> Tensor { try Tensor(int64: values, shape: shape) }

    // MARK: gather

    func testGatherValues() throws {
        // PyTorch's documented example.
        let t = try Tensor([[1, 2], [3, 4]])
        let g1 = try t.gather(dim: 1, index: ints([0, 0, 1, 0], [2, 2]))
        XCTAssertEqual(g1.toFloatArray(), [1, 1, 4, 3])
        let g0 = try t.gather(dim: 0, index: ints([1, 0, 0, 0], [2, 2]))
        XCTAssertEqual(g0.toFloatArray(), [3, 2, 1, 2])
        // The index may be smaller than the input: [3, 4] gathered by a [2, 1] index.
        let x = try indexingRange([3, 4])
        let picked = try x.gather(dim: 1, index: ints([3, 0], [2, 1]))
        XCTAssertEqual(picked.shape, [2, 1])
        XCTAssertEqual(picked.toFloatArray(), [3, 4])
        // Picking each row's label, as a loss does.
        XCTAssertEqual(try x.gather(dim: -1, index: ints([1, 2, 3], [3, 1])).toFloatArray(), [1, 6, 11])
        // Non-contiguous input.
        let xt = try x.t()  // [4, 3]
        XCTAssertEqual(try xt.gather(dim: 0, index: ints([3, 2, 1], [1, 3])).toFloatArray(), [3, 6, 9])
        // Integer data and 0-d tensors.
        XCTAssertEqual(try ints([7, 8, 9]).gather(dim: 0, index: ints([2, 2, 0])).toInt64Array(), [9, 9, 7])
        XCTAssertEqual(try Tensor.scalar(5).gather(dim: 0, index: ints([0], [])).item(), 5)
        XCTAssertEqual(try x.gather(dim: 0, index: Tensor.zeros([0, 4], dtype: .int64)).shape, [0, 4])
    }

    func testGatherGradient() throws {
        let x = try indexingRange([3, 4]).div(2)
        try IndexingGradCheck.check(x) { try $0.gather(dim: 1, index: self.ints([0, 0, 3, 1, 2, 2], [3, 2])) }
        try IndexingGradCheck.check(x) { try $0.gather(dim: 0, index: self.ints([2, 2, 0, 1], [1, 4])) }
        try IndexingGradCheck.check(x) { try $0.t().gather(dim: 1, index: self.ints([1, 1, 0, 2], [4, 1])) }
        let w = try Tensor([1, 2, 3]).setRequiresGrad()
        let y = try w.gather(dim: 0, index: ints([2, 2, 0]))
        XCTAssertEqual(y.gradFnName, "gather")
        try y.sum().backward()
        XCTAssertEqual(w.grad?.toFloatArray(), [1, 0, 2])
    }

    func testGatherErrors() throws {
        let x = try indexingRange([2, 3])
        assertIndexingError("gather: index must be an int64 tensor, got float32") {
            try x.gather(dim: 1, index: Tensor([0, 1], shape: [2, 1]))
        }
        assertIndexingError("gather: index has 1 dimension (shape [2]) but the input has 2 (shape [2, 3]); they must match") {
            try x.gather(dim: 1, index: self.ints([0, 1]))
        }
        assertIndexingError("gather: index shape [3, 1] does not fit the input shape [2, 3]: dimension 0 has size 3 > 2") {
            try x.gather(dim: 1, index: self.ints([0, 1, 2], [3, 1]))
        }
        assertIndexingError("gather: index 3 is out of bounds for dimension 1 with size 3") {
            try x.gather(dim: 1, index: self.ints([0, 3], [2, 1]))
        }
        assertIndexingError("gather: index -1 is out of bounds for dimension 0 with size 2") {
            try x.gather(dim: 0, index: self.ints([-1], [1, 1]))
        }
        assertIndexingError("gather: dimension 2 is out of range for a tensor with 2 dimensions (expected -2...1)") {
            try x.gather(dim: 2, index: self.ints([0], [1, 1]))
        }
    }

    // MARK: scatter_add

    func testScatterAddValues() throws {
        // ones scattered into zeros(3, 5) along 0 (PyTorch's documented first case).
        let src = try Tensor.ones([2, 5])
        let index = try ints([0, 1, 2, 0, 0], [1, 5])
        let out = try Tensor.zeros([3, 5]).scatterAdd(dim: 0, index: index, source: src)
        XCTAssertEqual(out.toFloatArray(), [1, 0, 0, 1, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0])
        let twice = try Tensor.zeros([3, 5]).scatterAdd(dim: 0, index: ints([0, 1, 2, 0, 0, 2, 0, 0, 1, 2], [2, 5]), source: src)
        XCTAssertEqual(twice.toFloatArray(), [1, 1, 1, 1, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1])
        // Counting labels with integers.
        let counts = try Tensor.zeros([4], dtype: .int64).scatterAdd(dim: 0, index: ints([1, 3, 1, 1]), source: ints([1, 1, 1, 1]))
        XCTAssertEqual(counts.toInt64Array(), [0, 3, 0, 1])
        // The input is not modified.
        let base = try Tensor.ones([2])
        _ = try base.scatterAdd(dim: 0, index: ints([0]), source: Tensor([5]))
        XCTAssertEqual(base.toFloatArray(), [1, 1])
    }

    func testScatterAddGradient() throws {
        let src = try indexingRange([2, 3])
        let index = try ints([0, 2, 0, 1, 1, 2], [2, 3])
        let base = try indexingRange([3, 3])
        try IndexingGradCheck.check(base) { try $0.scatterAdd(dim: 0, index: index, source: src) }
        try IndexingGradCheck.check(src) { try base.scatterAdd(dim: 0, index: index, source: $0) }
        // An index smaller than the source: uncovered source elements get zero gradient.
        let small = try ints([2, 0], [1, 2])
        try IndexingGradCheck.check(src) { try base.scatterAdd(dim: 1, index: small, source: $0) }
    }

    func testScatterAddErrors() throws {
        let z = try Tensor.zeros([3])
        assertIndexingError("scatter_add: source has dtype int64 but the tensor has dtype float32; they must match") {
            try z.scatterAdd(dim: 0, index: self.ints([0]), source: self.ints([1]))
        }
        assertIndexingError("scatter_add: index 3 is out of bounds for dimension 0 with size 3") {
            try z.scatterAdd(dim: 0, index: self.ints([3]), source: Tensor([1]))
        }
        assertIndexingError("scatter_add: index shape [2] does not fit the source shape [1]: dimension 0 has size 2 > 1") {
            try z.scatterAdd(dim: 0, index: self.ints([0, 1]), source: Tensor([1]))
        }
        assertIndexingError("scatter_add: bool tensors are not supported (float32, float64 and int64 are)") {
            try Tensor(bools: [false]).scatterAdd(dim: 0, index: self.ints([0]), source: Tensor(bools: [true]))
        }
    }

    // MARK: one_hot

    func testOneHot() throws {
        let labels = try ints([0, 2, 1])
        let inferred = try labels.oneHot()
        XCTAssertEqual(inferred.dtype, .int64)
        XCTAssertEqual(inferred.shape, [3, 3])
        XCTAssertEqual(inferred.toInt64Array(), [1, 0, 0, 0, 0, 1, 0, 1, 0])
        let wide = try labels.oneHot(numClasses: 4)
        XCTAssertEqual(wide.shape, [3, 4])
        XCTAssertEqual(wide.toInt64Array(), [1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0])
        let grid = try ints([1, 0, 0, 1], [2, 2]).oneHot()
        XCTAssertEqual(grid.shape, [2, 2, 2])
        XCTAssertEqual(grid.toInt64Array(), [0, 1, 1, 0, 1, 0, 0, 1])
        XCTAssertEqual(try ints([2], []).oneHot(numClasses: 3).toInt64Array(), [0, 0, 1])
        XCTAssertEqual(try Tensor.zeros([0], dtype: .int64).oneHot(numClasses: 5).shape, [0, 5])
        // Non-contiguous labels.
        XCTAssertEqual(try ints([0, 1, 2, 0], [2, 2]).t().oneHot().toInt64Array(), [1, 0, 0, 0, 0, 1, 0, 1, 0, 1, 0, 0])
    }

    func testOneHotErrors() throws {
        assertIndexingError("one_hot: expected an int64 tensor of class labels, got float32 (convert with .long())") {
            try Tensor([0, 1]).oneHot()
        }
        assertIndexingError("one_hot: class values must be non-negative, got -1") { try self.ints([0, -1, 2]).oneHot() }
        assertIndexingError("one_hot: class value 3 is out of range for num_classes=3 (expected 0...2)") {
            try self.ints([0, 3, 1]).oneHot(numClasses: 3)
        }
        assertIndexingError("one_hot: cannot infer the number of classes from an empty tensor; pass num_classes") {
            try Tensor.zeros([0], dtype: .int64).oneHot()
        }
        assertIndexingError("one_hot: num_classes must be -1 (infer) or non-negative, got -2") {
            try self.ints([0]).oneHot(numClasses: -2)
        }
    }
}
