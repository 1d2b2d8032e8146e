import XCTest
@testable import VisTensor

/// Comparisons, logical ops, `where` and `masked_fill`: values, promotion, gradients
/// (finite differences, tolerances in GradCheck.swift) and errors.
final class ComparisonTests: XCTestCase {
    func testComparisonsGiveBool() throws {
        let a = tensor([1, 2, 3], [3]), b = tensor([3, 2, 1], [3])
        assertBool(try a.eq(b), [3], [false, true, false])
        assertBool(try a.ne(b), [3], [true, false, true])
        assertBool(try a.lt(b), [3], [true, false, false])
        assertBool(try a.le(b), [3], [true, true, false])
        assertBool(try a.gt(b), [3], [false, false, true])
        assertBool(try a.ge(b), [3], [false, true, true])
        assertBool(try a.gt(1.5), [3], [false, true, true])
        assertBool(try a.eq(2), [3], [false, true, false])
    }

    func testComparisonsBroadcastAndPromote() throws {
        // [2, 1] against [3]; int64 against float32 compares as float32.
        let a = ints([1, 2], [2, 1]), b = tensor([0.5, 1.5, 2], [3])
        assertBool(try a.lt(b), [2, 3], [false, true, true, false, false, false])
        assertBool(try ints([1, 2, 3]).eq(ints([1, 5, 3])), [3], [true, false, true])
        assertBool(try ints([1, 2]).gt(1.5), [2], [false, true])
        assertThrowsMessage("eq: shapes [2] and [3] cannot be broadcast (dimension 0: 2 vs 3)") {
            try tensor([1, 2], [2]).eq(tensor([1, 2, 3], [3]))
        }
    }

    func testNaNComparisons() throws {
        let n = tensor([.nan, 1], [2])
        assertBool(try n.eq(n), [2], [false, true])
        assertBool(try n.ne(n), [2], [true, false])
    }

    func testLogicalOps() throws {
        let a = bools([true, true, false, false]), b = bools([true, false, true, false])
        assertBool(try a.logicalAnd(b), [4], [true, false, false, false])
        assertBool(try a.logicalOr(b), [4], [true, true, true, false])
        assertBool(try a.logicalNot(), [4], [false, false, true, true])
        // Non-zero numbers are true.
        assertBool(try tensor([0, -2.5], [2]).logicalNot(), [2], [true, false])
        assertBool(try ints([0, 3]).logicalAnd(bools([true, true])), [2], [false, true])
    }

    func testWhereValues() throws {
        let c = bools([true, false, true], [3])
        let a = tensor([1, 2, 3], [3]), b = tensor([10, 20, 30], [3])
        assertTensor(try Tensor.where(c, a, b), [3], [1, 20, 3])
        // Broadcast condition [2, 1] against a [3] and a scalar b.
        let c2 = bools([true, false], [2, 1])
        assertTensor(try Tensor.where(c2, a, Tensor.scalar(-1)), [2, 3], [1, 2, 3, -1, -1, -1])
        // int64 operands stay int64; mixed promote to float32.
        assertInt64(try Tensor.where(c, ints([1, 2, 3]), ints([7, 8, 9])), [3], [1, 8, 3])
        let mixed = try Tensor.where(c, ints([1, 2, 3]), b)
        XCTAssertEqual(mixed.dtype, .float32)
        assertTensor(mixed, [3], [1, 20, 3])
    }

    func testWhereGradients() {
        let c = bools([true, false, false, true, true, false], [2, 3])
        let a = randomLeaf([2, 3], seed: 201), b = randomLeaf([2, 3], seed: 202)
        assertGradientsMatch([a, b]) { try Tensor.where(c, $0[0], $0[1]) }
        // Broadcast operands: a [3] and b [2, 1] both receive summed gradients.
        let a1 = randomLeaf([3], seed: 203), b1 = randomLeaf([2, 1], seed: 204)
        assertGradientsMatch([a1, b1]) { try Tensor.where(c, $0[0], $0[1]) }
        // Broadcast condition.
        let c2 = bools([false, true, true], [3])
        let a2 = randomLeaf([2, 3], seed: 205), b2 = randomLeaf([2, 3], seed: 206)
        assertGradientsMatch([a2, b2]) { try Tensor.where(c2, $0[0], $0[1]) }
    }

    func testWhereGradientGoesOnlyToTheChosenSide() throws {
        let c = bools([true, false])
        let a = leaf([1, 2], [2]), b = leaf([3, 4], [2])
        try Tensor.where(c, a, b).sum().backward()
        assertTensor(try XCTUnwrap(a.grad), [2], [1, 0])
        assertTensor(try XCTUnwrap(b.grad), [2], [0, 1])
    }

    func testMaskedFill() throws {
        let x = tensor([1, 2, 3, 4], [2, 2])
        assertTensor(try x.maskedFill(bools([true, false, false, true], [2, 2]), -1), [2, 2], [-1, 2, 3, -1])
        // A broadcast mask [2] fills whole columns.
        assertTensor(try x.maskedFill(bools([false, true]), 0), [2, 2], [1, 0, 3, 0])
        assertInt64(try ints([1, 2]).maskedFill(bools([true, false]), 9), [2], [9, 2])
    }

    func testMaskedFillGradient() throws {
        let mask = bools([true, false, false, true, false, true], [2, 3])
        let x = randomLeaf([2, 3], seed: 207)
        assertGradientsMatch([x]) { try $0[0].maskedFill(mask, 5) }
        let y = leaf([1, 2, 3], [3])
        try y.maskedFill(bools([false, true, false]), 0).sum().backward()
        assertTensor(try XCTUnwrap(y.grad), [3], [1, 0, 1])
    }

    func testWhereAndMaskedFillErrors() {
        assertThrowsMessage("where: condition must be a bool tensor, got float32 (compare with a value, e.g. x > 0)") {
            try Tensor.where(tensor([1], [1]), tensor([1], [1]), tensor([2], [1]))
        }
        assertThrowsMessage("masked_fill: mask must be a bool tensor, got int64") {
            try tensor([1, 2], [2]).maskedFill(ints([1, 0]), 0)
        }
        assertThrowsMessage("masked_fill: mask of shape [2, 2] cannot be broadcast to the tensor's shape [2]") {
            try tensor([1, 2], [2]).maskedFill(bools([true, false, true, false], [2, 2]), 0)
        }
        assertThrowsMessage("where: shapes [2] and [3] cannot be broadcast (dimension 0: 2 vs 3)") {
            try Tensor.where(bools([true, false]), tensor([1, 2], [2]), tensor([1, 2, 3], [3]))
        }
    }

    // Bool operands keep their dtype through where and masked_fill (as in PyTorch).
    func testWhereAndMaskedFillOnBoolTensors() throws {
        let c = bools([true, false, true])
        assertBool(try Tensor.where(c, bools([false, false, false]), bools([true, true, true])), [3], [false, true, false])
        assertBool(try bools([true, false, false]).maskedFill(bools([false, false, true]), 1), [3], [true, false, true])
        assertBool(try bools([true, true]).maskedFill(bools([true, false]), 0), [2], [false, true])
        // Mixed bool and int64 still promote to int64.
        assertInt64(try Tensor.where(c, bools([false, false, false]), ints([5, 6, 7])), [3], [0, 6, 0])
    }
}
