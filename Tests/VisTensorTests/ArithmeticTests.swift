import XCTest
@testable import VisTensor

/// Binary arithmetic: gradients (finite differences, tolerances in GradCheck.swift),
/// broadcasting, type promotion, integer division rules and error messages.
final class ArithmeticTests: XCTestCase {
    // MARK: Gradients

    func testAddGradients() {
        let a = randomLeaf([2, 3], seed: 1), b = randomLeaf([2, 3], seed: 2)
        assertGradientsMatch([a, b]) { try $0[0] + $0[1] }
    }

    func testAddBroadcastGradients() {
        // [3, 1] + [4] -> [3, 4]: both operands are broadcast, so both gradients are sums.
        let a = randomLeaf([3, 1], seed: 3), b = randomLeaf([4], seed: 4)
        assertGradientsMatch([a, b]) { try $0[0] + $0[1] }
        // A 0-dimensional operand broadcast against a matrix.
        let s = randomLeaf([], seed: 5), m = randomLeaf([2, 3], seed: 6)
        assertGradientsMatch([s, m]) { try $0[0] + $0[1] }
    }

    func testSubGradients() {
        let a = randomLeaf([2, 3, 4], seed: 7), b = randomLeaf([3, 1], seed: 8)
        assertGradientsMatch([a, b]) { try $0[0] - $0[1] }
        assertGradientsMatch([b, a]) { try $0[0] - $0[1] }
    }

    func testMulGradients() {
        let a = randomLeaf([3, 1], seed: 9), b = randomLeaf([4], seed: 10)
        assertGradientsMatch([a, b]) { try $0[0] * $0[1] }
        let c = randomLeaf([2, 3], seed: 11)
        assertGradientsMatch([c]) { try $0[0] * $0[0] }
    }

    func testDivGradients() {
        let a = randomLeaf([2, 3], seed: 12)
        let b = randomLeaf([2, 3], seed: 13, in: 0.5...2)
        assertGradientsMatch([a, b]) { try $0[0] / $0[1] }
        let c = randomLeaf([3, 1], seed: 14), d = randomLeaf([4], seed: 15, in: -2...2, avoiding: [0], margin: 0.5)
        assertGradientsMatch([c, d]) { try $0[0] / $0[1] }
    }

    func testPowTensorGradients() {
        // Positive bases, so that ln(base) in d/d(exponent) is defined.
        let base = randomLeaf([2, 3], seed: 16, in: 0.5...2)
        let exponent = randomLeaf([3], seed: 17, in: -2...2)
        assertGradientsMatch([base, exponent]) { try $0[0].pow($0[1]) }
    }

    func testPowScalarGradients() {
        let x = randomLeaf([2, 3], seed: 18, in: -2...2)
        assertGradientsMatch([x]) { try $0[0].pow(2) }
        assertGradientsMatch([x]) { try $0[0].pow(3) }
        let p = randomLeaf([2, 3], seed: 19, in: 0.5...2)
        assertGradientsMatch([p]) { try $0[0].pow(0.5) }
        assertGradientsMatch([p]) { try $0[0].pow(-1.5) }
    }

    func testNegGradients() {
        let x = randomLeaf([2, 3], seed: 20)
        assertGradientsMatch([x]) { try $0[0].neg() }
        assertGradientsMatch([x]) { try -$0[0] }
    }

    func testScalarOperandGradients() {
        let x = randomLeaf([2, 3], seed: 21, in: -2...2, avoiding: [0], margin: 0.5)
        assertGradientsMatch([x]) { try $0[0] + 2 }
        assertGradientsMatch([x]) { try 2 - $0[0] }
        assertGradientsMatch([x]) { try $0[0] - 0.5 }
        assertGradientsMatch([x]) { try $0[0] * -1.5 }
        assertGradientsMatch([x]) { try 3 * $0[0] }
        assertGradientsMatch([x]) { try $0[0] / 4 }
        assertGradientsMatch([x]) { try 3 / $0[0] }
        assertGradientsMatch([x]) { try 1 + $0[0] }
    }

    func testGradientsWithIntegerOperand() {
        // A float tensor combined with an int64 tensor: the float side still gets its gradient.
        let x = randomLeaf([2, 2], seed: 22)
        let n = ints([1, -2, 3, 4], [2, 2])
        assertGradientsMatch([x]) { try $0[0] * n }
        assertGradientsMatch([x]) { try $0[0] / n }
        assertGradientsMatch([x]) { try n - $0[0] }
    }

    // MARK: Broadcasting

    func testBroadcastColumnPlusRow() throws {
        let a = tensor([1, 2, 3], [3, 1]), b = tensor([10, 20, 30, 40], [4])
        assertTensor(try a + b, [3, 4], [11, 21, 31, 41, 12, 22, 32, 42, 13, 23, 33, 43])
        assertTensor(try b - a, [3, 4], [9, 19, 29, 39, 8, 18, 28, 38, 7, 17, 27, 37])
    }

    func testBroadcastOverLeadingAndMiddleDimensions() throws {
        let a = tensor((0..<12).map(Float.init), [2, 3, 2])
        let b = tensor([1, 10, 100], [3, 1])
        assertTensor(try a * b, [2, 3, 2], [0, 1, 20, 30, 400, 500, 6, 7, 80, 90, 1000, 1100])
    }

    func testBroadcastWithNonContiguousOperands() throws {
        // a.t() is [3, 2] with strides [1, 3]; adding a [2] row broadcasts over rows.
        let a = tensor([1, 2, 3, 4, 5, 6], [2, 3])
        let row = tensor([100, 200], [2])
        assertTensor(try a.t() + row, [3, 2], [101, 204, 102, 205, 103, 206])
        // An expanded (stride 0) operand.
        let col = try tensor([1, 2], [2, 1]).expand([2, 3])
        assertTensor(try a * col, [2, 3], [1, 2, 3, 8, 10, 12])
    }

    func testBroadcastWithEmptyDimension() throws {
        let a = try Tensor.zeros([0, 3]), b = tensor([1, 2, 3], [3])
        let c = try a + b
        XCTAssertEqual(c.shape, [0, 3])
        XCTAssertEqual(c.count, 0)
    }

    func testBroadcastErrors() {
        let a = Tensor.full([2, 3], 1), b = Tensor.full([4], 1)
        assertThrowsMessage("add: shapes [2, 3] and [4] cannot be broadcast (dimension 1: 3 vs 4)") { try a + b }
        assertThrowsMessage("sub: shapes [2, 3] and [4] cannot be broadcast (dimension 1: 3 vs 4)") { try a - b }
        assertThrowsMessage("mul: shapes [2, 3] and [4] cannot be broadcast (dimension 1: 3 vs 4)") { try a * b }
        assertThrowsMessage("div: shapes [2, 3] and [4] cannot be broadcast (dimension 1: 3 vs 4)") { try a / b }
        assertThrowsMessage("pow: shapes [2, 3] and [4] cannot be broadcast (dimension 1: 3 vs 4)") { try a.pow(b) }
        let c = Tensor.full([3, 2, 2], 1)
        assertThrowsMessage("add: shapes [2, 3] and [3, 2, 2] cannot be broadcast (dimension 2: 3 vs 2)") { try a + c }
    }

    // MARK: Type promotion

    func testInt64PlusFloat32IsFloat32() throws {
        let c = try ints([1, 2]) + tensor([0.5, 0.25], [2])
        XCTAssertEqual(c.dtype, .float32)
        assertTensor(c, [2], [1.5, 2.25])
        let d = try tensor([0.5, 0.25], [2]) * ints([2, 4])
        XCTAssertEqual(d.dtype, .float32)
        assertTensor(d, [2], [1, 1])
    }

    func testIntegerArithmeticStaysInt64() throws {
        assertInt64(try ints([1, 2, 3]) + ints([10, 20, 30]), [3], [11, 22, 33])
        assertInt64(try ints([1, 2, 3]) - ints([10, 20, 30]), [3], [-9, -18, -27])
        assertInt64(try ints([1, 2, 3]) * ints([10, 20, 30]), [3], [10, 40, 90])
        // Integral numbers keep int64; fractional ones promote to float32.
        assertInt64(try ints([1, 2]) * 2, [2], [2, 4])
        assertInt64(try ints([1, 2]) + 1, [2], [2, 3])
        let f = try ints([1, 2]) + 0.5
        XCTAssertEqual(f.dtype, .float32)
        assertTensor(f, [2], [1.5, 2.5])
    }

    func testBoolArithmeticPromotesToInt64() throws {
        // bool + bool stays bool (logical or), as in PyTorch; a number makes int64.
        let both = try bools([true, false]) + bools([true, true])
        XCTAssertEqual(both.dtype, .bool)
        XCTAssertEqual(both.toBoolArray(), [true, true])
        assertInt64(try bools([true, false]) + 1, [2], [2, 1])
        let f = try bools([true, false]) * tensor([2.5, 2.5], [2])
        XCTAssertEqual(f.dtype, .float32)
        assertTensor(f, [2], [2.5, 0])
    }

    func testIntegerDivisionIsTrueDivision() throws {
        let q = try ints([7, -7, 1]) / ints([2, 2, 4])
        XCTAssertEqual(q.dtype, .float32)
        assertTensor(q, [3], [3.5, -3.5, 0.25])
        let r = try ints([3]) / 2
        XCTAssertEqual(r.dtype, .float32)
        assertTensor(r, [1], [1.5])
        let s = try 1 / ints([4])
        XCTAssertEqual(s.dtype, .float32)
        assertTensor(s, [1], [0.25])
    }

    func testFloatDivisionByZero() throws {
        let q = try tensor([1, -1, 0], [3]) / tensor([0, 0, 0], [3])
        let v = q.toFloatArray()
        XCTAssertEqual(v[0], .infinity)
        XCTAssertEqual(v[1], -.infinity)
        XCTAssertTrue(v[2].isNaN)
    }

    // MARK: Floor division and remainder (Python's rules)

    func testFloorDivideAndRemainderIntegers() throws {
        let a = ints([-7, 7, 7, -7]), b = ints([2, 2, -2, -2])
        assertInt64(try a.floorDivide(b), [4], [-4, 3, -4, 3])
        let m = ints([3, 3, -3, -3])
        assertInt64(try a.remainder(m), [4], [2, 1, -2, -1])
    }

    func testFloorDivideAndRemainderFloats() throws {
        let a = tensor([-7.5, 7.5], [2]), b = tensor([2, 2], [2])
        assertTensor(try a.floorDivide(b), [2], [-4, 3])
        assertTensor(try a.remainder(b), [2], [0.5, 1.5])
        assertTensor(try a.remainder(tensor([-2, -2], [2])), [2], [-1.5, -0.5])
    }

    func testIntegerDivisionOverflowWraps() throws {
        // Int64.min / -1 does not fit int64: it wraps (as in PyTorch) instead of trapping.
        assertInt64(try ints([Int64.min, 7]).floorDivide(ints([-1, -1])), [2], [Int64.min, -7])
        assertInt64(try ints([Int64.min, 7]).remainder(ints([-1, -1])), [2], [0, 0])
    }

    func testIntegerDivisionByZeroErrors() {
        assertThrowsMessage("floor_divide: integer division by zero") { try ints([1, 2]).floorDivide(ints([1, 0])) }
        assertThrowsMessage("remainder: integer modulo by zero") { try ints([1, 2]).remainder(ints([0, 1])) }
    }

    // MARK: Powers

    func testIntegerPower() throws {
        assertInt64(try ints([2, 3, -2, 5]).pow(ints([3, 2, 3, 0])), [4], [8, 9, -8, 1])
        assertInt64(try ints([2, 3]).pow(2), [2], [4, 9])
        let f = try ints([4, 9]).pow(0.5)
        XCTAssertEqual(f.dtype, .float32)
        assertTensor(f, [2], [2, 3])
    }

    func testIntegerPowerWithNegativeExponentErrors() {
        let message = "pow: integers cannot be raised to negative integer powers; use a float tensor"
        assertThrowsMessage(message) { try ints([2, 3]).pow(-1) }
        assertThrowsMessage(message) { try ints([2, 3]).pow(ints([1, -2])) }
    }

    func testFloatPowerValues() throws {
        assertTensor(try tensor([2, 3, 4], [3]).pow(2), [3], [4, 9, 16])
        assertTensor(try tensor([2, 4, 9], [3]).pow(tensor([3, 0.5, -1], [3])), [3], [8, 2, 1.0 / 9], tol: 1e-6)
    }

    // MARK: Negation

    func testNegation() throws {
        assertTensor(try tensor([1, -2], [2]).neg(), [2], [-1, 2])
        assertInt64(try ints([1, -2]).neg(), [2], [-1, 2])
        assertThrowsMessage("neg: negation is not defined for bool tensors; use logical_not") { try bools([true]).neg() }
    }
}
