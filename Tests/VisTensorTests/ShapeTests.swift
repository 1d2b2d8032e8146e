import XCTest
@testable import VisTensor

/// Shape arithmetic: broadcasting, broadcast strides, dimension normalisation,
/// validation, contiguity; and dtype promotion.
final class ShapeTests: XCTestCase {
    func testBroadcast() throws {
        XCTAssertEqual(try Shape.broadcast([3, 1], [4], op: "t"), [3, 4])
        XCTAssertEqual(try Shape.broadcast([2, 1, 4], [3, 1], op: "t"), [2, 3, 4])
        XCTAssertEqual(try Shape.broadcast([], [2, 3], op: "t"), [2, 3])
        XCTAssertEqual(try Shape.broadcast([0, 1], [1, 5], op: "t"), [0, 5])
        XCTAssertEqual(try Shape.broadcast([1], [0], op: "t"), [0])
        assertThrowsMessage("t: shapes [0] and [2] cannot be broadcast (dimension 0: 0 vs 2)") { try Shape.broadcast([0], [2], op: "t") }
        assertThrowsMessage("t: shapes [2, 3] and [3, 2] cannot be broadcast (dimension 0: 2 vs 3)") { try Shape.broadcast([2, 3], [3, 2], op: "t") }
    }

    func testBroadcastStrides() {
        XCTAssertEqual(Shape.broadcastStrides([3, 1], [1, 1], to: [2, 3, 4]), [0, 1, 0])
        XCTAssertEqual(Shape.broadcastStrides([4], [1], to: [3, 4]), [0, 1])
        XCTAssertEqual(Shape.broadcastStrides([1, 1], [1, 1], to: [1, 1]), [0, 0])
        XCTAssertEqual(Shape.broadcastStrides([2, 3], [1, 2], to: [2, 3]), [1, 2])
    }

    func testNormalizeDim() throws {
        XCTAssertEqual(try Shape.normalizeDim(-1, 3, op: "t"), 2)
        XCTAssertEqual(try Shape.normalizeDim(0, 3, op: "t"), 0)
        XCTAssertEqual(try Shape.normalizeDim(-3, 3, op: "t"), 0)
        // A 0-d tensor accepts 0 and -1, as in PyTorch.
        XCTAssertEqual(try Shape.normalizeDim(0, 0, op: "t"), 0)
        XCTAssertEqual(try Shape.normalizeDim(-1, 0, op: "t"), 0)
        assertThrowsMessage("t: dimension 3 is out of range for a tensor with 3 dimensions (expected -3...2)") { try Shape.normalizeDim(3, 3, op: "t") }
        assertThrowsMessage("t: dimension -2 is out of range for a tensor with 1 dimension (expected -1...0)") { try Shape.normalizeDim(-2, 1, op: "t") }
    }

    func testValidateAndCounts() throws {
        XCTAssertNoThrow(try Shape.validate([], op: "t"))
        XCTAssertNoThrow(try Shape.validate([0, 1 << 40], op: "t"))
        // The limit is a quarter of the machine's memory in float32 elements.
        let limit = Shape.maxElements
        XCTAssertLessThanOrEqual(limit * 16, Int(ProcessInfo.processInfo.physicalMemory) + 16)
        XCTAssertNoThrow(try Shape.validate([limit], op: "t"))   // exactly maxElements
        assertThrowsMessage("t: shape [2, \(limit / 2 + 1)] is too large (more than \(limit) elements)") { try Shape.validate([2, limit / 2 + 1], op: "t") }
        assertThrowsMessage("t: shape [100000, 100000, 100] is too large (more than \(limit) elements)") { try Shape.validate([100000, 100000, 100], op: "t") }
        assertThrowsMessage("t: negative dimension -1 in shape [2, -1]") { try Shape.validate([2, -1], op: "t") }
        XCTAssertEqual(Shape.numel([]), 1)
        XCTAssertEqual(Shape.numel([2, 0, 3]), 0)
        XCTAssertEqual(Shape.contiguousStrides([2, 3, 4]), [12, 4, 1])
        XCTAssertEqual(Shape.contiguousStrides([]), [])
        XCTAssertEqual(shapeString([]), "[]")
        XCTAssertEqual(shapeString([2, 3]), "[2, 3]")
    }

    func testContiguity() {
        XCTAssertTrue(Tensor.computeContiguous([2, 3], [3, 1]))
        XCTAssertFalse(Tensor.computeContiguous([2, 3], [1, 2]))
        // Size-1 dimensions may have any stride.
        XCTAssertTrue(Tensor.computeContiguous([2, 1, 3], [3, 99, 1]))
        XCTAssertTrue(Tensor.computeContiguous([], []))
        XCTAssertFalse(Tensor.computeContiguous([2, 3], [0, 1]))
    }

    func testDTypePromotionAndSizes() {
        XCTAssertEqual(DType.promote(.int64, .float32), .float32)
        XCTAssertEqual(DType.promote(.bool, .float32), .float32)
        XCTAssertEqual(DType.promote(.int64, .bool), .int64)
        XCTAssertEqual(DType.promote(.bool, .bool), .bool)  // PyTorch's promote_types(bool, bool)
        XCTAssertEqual(DType.promote(.uint8, .int8), .int16)
        XCTAssertEqual(DType.promote(.int32, .float16), .float16)
        XCTAssertEqual(DType.promote(.float16, .bfloat16), .float32)
        XCTAssertEqual(DType.float32.size, 4)
        XCTAssertEqual(DType.int64.size, 8)
        XCTAssertEqual(DType.bool.size, 1)
        XCTAssertTrue(DType.float32.isFloatingPoint)
        XCTAssertFalse(DType.int64.isFloatingPoint)
    }
}
