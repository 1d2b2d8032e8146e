import XCTest
@testable import VisTensor

/// Filled tensors, ranges, eye, construction from Swift values and literals, and the
/// errors for bad shapes and arguments.
final class CreationTests: XCTestCase {
    // MARK: Filled tensors

    func testFullZerosOnes() throws {
        assertTensor(Tensor.full([2, 2], 7), [2, 2], [7, 7, 7, 7])
        assertInt64(Tensor.full([3], 3.9, dtype: .int64), [3], [3, 3, 3])        // toward zero
        assertInt64(Tensor.full([1], -3.9, dtype: .int64), [1], [-3])
        assertBool(Tensor.full([2], 2, dtype: .bool), [2], [true, true])
        assertTensor(try Tensor.zeros([2, 3]), [2, 3], [0, 0, 0, 0, 0, 0])
        assertInt64(try Tensor.ones([2], dtype: .int64), [2], [1, 1])
        assertBool(try Tensor.zeros([1], dtype: .bool), [1], [false])
        assertTensor(Tensor.scalar(2.5), [], [2.5])
        XCTAssertEqual(try Tensor.zeros([0, 5]).count, 0)
        let x = ints([1, 2, 3], [3, 1])
        XCTAssertEqual(x.zerosLike().dtype, .int64)
        assertInt64(x.onesLike(), [3, 1], [1, 1, 1])
        assertTensor(x.zerosLike(dtype: .float32), [3, 1], [0, 0, 0])
    }

    func testBadShapes() {
        assertThrowsMessage("zeros: negative dimension -1 in shape [2, -1]") { try Tensor.zeros([2, -1]) }
        assertThrowsMessage("ones: negative dimension -3 in shape [-3]") { try Tensor.ones([-3]) }
        assertThrowsMessage("zeros: shape [100000, 100000, 100] is too large (more than \(Shape.maxElements) elements)") {
            try Tensor.zeros([100_000, 100_000, 100])
        }
        // A product that overflows Int is "too large", not a crash.
        assertThrowsMessage("zeros: shape [4294967296, 4294967296] is too large (more than \(Shape.maxElements) elements)") {
            try Tensor.zeros([1 << 32, 1 << 32])
        }
        assertThrowsMessage("full: negative dimension -1 in shape [-1]") { try Tensor.full(checked: [-1], 1) }
    }

    // MARK: Ranges

    func testArange() throws {
        assertInt64(try Tensor.arange(0, 5, dtype: .int64), [5], [0, 1, 2, 3, 4])
        assertInt64(try Tensor.arange(0, 10, step: 3, dtype: .int64), [4], [0, 3, 6, 9])
        assertTensor(try Tensor.arange(0, 1, step: 0.25), [4], [0, 0.25, 0.5, 0.75])
        assertTensor(try Tensor.arange(5, 0, step: -2), [3], [5, 3, 1])
        assertTensor(try Tensor.arange(-1, 1, step: 0.5), [4], [-1, -0.5, 0, 0.5])
        assertTensor(try Tensor.arange(0, 0), [0], [])
        assertTensor(try Tensor.arange(0, -3), [0], [])
        XCTAssertEqual(try Tensor.arange(0, 3).dtype, .float32)
    }

    func testArangeEdgeCases() throws {
        // A hugely negative count is an empty range, not a trap converting it to Int.
        assertTensor(try Tensor.arange(0, -1e300), [0], [])
        assertTensor(try Tensor.arange(0, 1e300, step: -1), [0], [])
        assertInt64(try Tensor.arange(9e18, 9.2e18, step: 1e17, dtype: .int64), [2], [9_000_000_000_000_000_000, 9_100_000_000_000_000_000])
    }

    func testArangeErrors() {
        assertThrowsMessage("arange: step must be a finite non-zero number (got start=0.0, end=5.0, step=0.0)") {
            try Tensor.arange(0, 5, step: 0)
        }
        assertThrowsMessage("arange: step must be a finite non-zero number (got start=0.0, end=inf, step=1.0)") {
            try Tensor.arange(0, .infinity)
        }
        assertThrowsMessage("arange: range from 0.0 to 1e+20 by 1.0 is too large") { try Tensor.arange(0, 1e20) }
        assertThrowsMessage("arange: values from 0.0 to 1.5e+19 do not fit int64") {
            try Tensor.arange(0, 2e19, step: 5e18, dtype: .int64)
        }
        assertThrowsMessage("arange: dtype bool is not supported") { try Tensor.arange(0, 3, dtype: .bool) }
    }

    func testLinspace() throws {
        assertTensor(try Tensor.linspace(0, 1, steps: 5), [5], [0, 0.25, 0.5, 0.75, 1])
        assertTensor(try Tensor.linspace(1, 0, steps: 3), [3], [1, 0.5, 0])
        assertTensor(try Tensor.linspace(2, 2, steps: 3), [3], [2, 2, 2])
        assertTensor(try Tensor.linspace(0, 10, steps: 0), [0], [])
        // One step gives the start, as in PyTorch and NumPy.
        assertTensor(try Tensor.linspace(3, 10, steps: 1), [1], [3])
        // Both endpoints are exact whatever the rounding in between.
        for (start, end, steps) in [(-1.0, 3.7, 7), (0.1, 0.7, 10), (1e-3, 123.456, 1001), (5.0, -2.2, 2)] {
            let v = try Tensor.linspace(start, end, steps: steps).toFloatArray()
            XCTAssertEqual(v.first, Float(start), "linspace(\(start), \(end), \(steps))")
            XCTAssertEqual(v.last, Float(end), "linspace(\(start), \(end), \(steps))")
            XCTAssertEqual(v.count, steps)
        }
        // Interior points: tol 1e-6 (one float32 rounding of a double computation).
        let tenths = try Tensor.linspace(0, 1, steps: 11)
        assertTensor(tenths, [11], (0...10).map { Float(Double($0) / 10) }, tol: 1e-6)
        assertThrowsMessage("linspace: number of steps must be non-negative (got -1)") { try Tensor.linspace(0, 1, steps: -1) }
    }

    func testEye() throws {
        assertTensor(try Tensor.eye(3), [3, 3], [1, 0, 0, 0, 1, 0, 0, 0, 1])
        assertTensor(try Tensor.eye(2, 3), [2, 3], [1, 0, 0, 0, 1, 0])
        assertTensor(try Tensor.eye(3, 2), [3, 2], [1, 0, 0, 1, 0, 0])
        assertInt64(try Tensor.eye(2, dtype: .int64), [2, 2], [1, 0, 0, 1])
        assertBool(try Tensor.eye(2, dtype: .bool), [2, 2], [true, false, false, true])
        XCTAssertEqual(try Tensor.eye(0).shape, [0, 0])
        assertThrowsMessage("eye: negative dimension -1 in shape [-1, -1]") { try Tensor.eye(-1) }
        assertThrowsMessage("eye: negative dimension -2 in shape [2, -2]") { try Tensor.eye(2, -2) }
    }

    // MARK: From Swift values

    func testFromArrays() throws {
        let a = try Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        XCTAssertEqual(a.strides, [3, 1])
        assertTensor(a, [2, 3], [1, 2, 3, 4, 5, 6])
        assertTensor(Tensor([1, 2]), [2], [1, 2])
        assertTensor(Tensor([Float]()), [0], [])
        assertTensor(try Tensor([[1, 2], [3, 4]]), [2, 2], [1, 2, 3, 4])
        assertTensor(try Tensor([Float]([7]), shape: []), [], [7])
        assertInt64(try Tensor(int64: [1, 2, 3, 4], shape: [2, 2]), [2, 2], [1, 2, 3, 4])
        assertBool(try Tensor(bools: [true, false]), [2], [true, false])
        XCTAssertFalse(a.requiresGrad)
        XCTAssertTrue(a.isLeaf)
    }

    func testFromArraysErrors() {
        assertThrowsMessage("tensor: 3 values cannot fill shape [2, 2]") { try Tensor([1, 2, 3], shape: [2, 2]) }
        assertThrowsMessage("tensor: 2 values cannot fill shape [3]") { try Tensor(int64: [1, 2], shape: [3]) }
        assertThrowsMessage("tensor: 1 values cannot fill shape [2]") { try Tensor(bools: [true], shape: [2]) }
        assertThrowsMessage("tensor: rows have different lengths [2, 1]") { try Tensor([[1, 2], [3]]) }
        // Negative sizes whose product happens to match the count are still rejected.
        assertThrowsMessage("tensor: negative dimension -1 in shape [-1, -2]") { try Tensor([1, 2], shape: [-1, -2]) }
        assertThrowsMessage("tensor: negative dimension -1 in shape [-1, -2]") { try Tensor(int64: [1, 2], shape: [-1, -2]) }
        assertThrowsMessage("tensor: negative dimension -1 in shape [-1, -1]") { try Tensor(bools: [true], shape: [-1, -1]) }
    }

    func testFromLiterals() throws {
        let nested = TensorLiteral.list([.list([.float(1), .int(2)]), .list([.float(3.5), .int(4)])])
        let t = try Tensor(literal: nested)
        XCTAssertEqual(t.dtype, .float32)
        assertTensor(t, [2, 2], [1, 2, 3.5, 4])
        assertInt64(try Tensor(literal: nested, dtype: .int64), [2, 2], [1, 2, 3, 4])
        assertBool(try Tensor(literal: .list([.bool(true), .bool(false)])), [2], [true, false])
        let mixed = try Tensor(literal: .list([.bool(true), .int(2)]))
        XCTAssertEqual(mixed.dtype, .float32)
        assertTensor(mixed, [2], [1, 2])
        assertTensor(try Tensor(literal: .float(3)), [], [3])
        assertTensor(try Tensor(literal: .list([])), [0], [])
        XCTAssertEqual(try Tensor(literal: .list([.list([]), .list([])])).shape, [2, 0])
        // Large int64 values survive exactly.
        assertInt64(try Tensor(literal: .list([.int(9_007_199_254_740_993)]), dtype: .int64), [1], [9_007_199_254_740_993])
    }

    func testFromLiteralsErrors() {
        assertThrowsMessage("tensor: ragged nested list: expected a list of length 2 at depth 1, got a list of length 1") {
            try Tensor(literal: .list([.list([.int(1), .int(2)]), .list([.int(3)])]))
        }
        assertThrowsMessage("tensor: ragged nested list: expected a list of length 2 at depth 1, got a number") {
            try Tensor(literal: .list([.list([.int(1), .int(2)]), .int(3)]))
        }
        assertThrowsMessage("tensor: ragged nested list: expected a number at depth 1, got a list of length 1") {
            try Tensor(literal: .list([.int(1), .list([.int(2)])]))
        }
        assertThrowsMessage("tensor: value 1e+19 does not fit int64") {
            try Tensor(literal: .list([.float(1e19)]), dtype: .int64)
        }
    }
}
