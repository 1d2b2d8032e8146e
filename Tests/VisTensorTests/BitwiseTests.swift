import XCTest
@testable import VisTensor

/// The bitwise kernels behind `& | ^ ~ << >>`: logical on bool tensors, bitwise on
/// int64 ones, broadcasting, shifts past 64 bits and the errors.
final class BitwiseTests: XCTestCase {
    func testBoolTensorsCombineLogically() throws {
        let a = bools([true, true, false, false]), b = bools([true, false, true, false])
        assertBool(try a.bitwiseAnd(b), [4], [true, false, false, false])
        assertBool(try a.bitwiseOr(b), [4], [true, true, true, false])
        assertBool(try a.bitwiseXor(b), [4], [false, true, true, false])
        assertBool(try a.bitwiseNot(), [4], [false, false, true, true])
        // Broadcast: [2, 1] against [2].
        assertBool(try bools([true, false], [2, 1]).bitwiseAnd(bools([true, false])), [2, 2], [true, false, false, false])
    }

    func testInt64TensorsAreBitwise() throws {
        let a = ints([6, -1, 0, 12]), b = ints([3, 5, 7, 10])
        XCTAssertEqual(try a.bitwiseAnd(b).toInt64Array(), [2, 5, 0, 8])
        XCTAssertEqual(try a.bitwiseOr(b).toInt64Array(), [7, -1, 7, 14])
        XCTAssertEqual(try a.bitwiseXor(b).toInt64Array(), [5, -6, 7, 6])
        XCTAssertEqual(try a.bitwiseNot().toInt64Array(), [-7, 0, -1, -13])
        // A bool operand next to an int64 one counts as 0 / 1 and gives int64.
        let mixed = try bools([true, false, true, true]).bitwiseAnd(ints([3, 3, 2, 1]))
        XCTAssertEqual(mixed.dtype, .int64)
        XCTAssertEqual(mixed.toInt64Array(), [1, 0, 0, 1])
    }

    func testShifts() throws {
        let a = ints([1, -256, 5, -5])
        XCTAssertEqual(try a.shift(left: true, ints([4, 1, 64, 70])).toInt64Array(), [16, -512, 0, 0])
        XCTAssertEqual(try a.shift(left: false, ints([0, 3, 64, 100])).toInt64Array(), [1, -32, 0, -1])
        XCTAssertEqual(try a.shift(left: true, ints([2], [])).toInt64Array(), [4, -1024, 20, -20])
        assertThrowsMessage("bitwise_left_shift: negative shift count -1") { try a.shift(left: true, ints([-1], [])) }
    }

    func testFloatTensorsHaveNoBitwiseOperators() {
        assertThrowsMessage("bitwise_and: bitwise operators need bool or integer tensors, got float32 and int64") {
            try tensor([1, 2], [2]).bitwiseAnd(ints([1, 1]))
        }
        assertThrowsMessage("bitwise_not: bitwise operators need bool or integer tensors, got float32") {
            try tensor([1, 2], [2]).bitwiseNot()
        }
        assertThrowsMessage("bitwise_right_shift: bitwise operators need bool or integer tensors, got int64 and float32") {
            try ints([1, 2]).shift(left: false, tensor([1, 1], [2]))
        }
    }
}
