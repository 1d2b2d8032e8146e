import XCTest
@testable import VisNN
import VisTensor

/// Init: gains, fans, the distributions each initialiser draws from (checked on large
/// tensors against the formulas), in-place and no-grad behaviour, errors.
///
/// Tolerances for n = 200,000 samples: the sample mean has standard error std / sqrt(n)
/// = 0.0022 std, checked to 0.01 std (4.5 standard errors); the sample standard
/// deviation has relative standard error ~1 / sqrt(2n) = 0.0016 (normal) or 0.0013
/// (uniform), checked to 1% relative (over 6 standard errors). Uniform samples must lie
/// in [-bound, bound) and reach within 0.1% of both ends (the chance that 200,000
/// samples miss a 0.05% band at one end is (1 - 0.0005)^200000 ~ e^-100).
final class InitTests: XCTestCase {
    let shape = [400, 500]   // fan_in 500, fan_out 400

    func assertNormal(_ t: Tensor, mean: Double = 0, std: Double, file: StaticString = #filePath, line: UInt = #line) {
        let m = NormTest.moments(t)
        XCTAssertEqual(m.mean, mean, accuracy: 0.01 * std, "mean", file: file, line: line)
        XCTAssertEqual(m.std, std, accuracy: 0.01 * std, "std", file: file, line: line)
    }

    func assertUniform(_ t: Tensor, _ a: Double, _ b: Double, file: StaticString = #filePath, line: UInt = #line) {
        let v = t.toDoubleArray()
        let lo = v.min() ?? .nan, hi = v.max() ?? .nan
        XCTAssertGreaterThanOrEqual(lo, a, file: file, line: line)
        XCTAssertLessThan(hi, b, file: file, line: line)
        XCTAssertEqual(lo, a, accuracy: 0.001 * (b - a), "min", file: file, line: line)
        XCTAssertEqual(hi, b, accuracy: 0.001 * (b - a), "max", file: file, line: line)
        assertNormal(t, mean: (a + b) / 2, std: (b - a) / 12.0.squareRoot(), file: file, line: line)
    }

    func testGains() throws {
        for name in ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "sigmoid"] {
            XCTAssertEqual(try Init.calculateGain(name), 1, name)
        }
        XCTAssertEqual(try Init.calculateGain("tanh"), 5.0 / 3)
        XCTAssertEqual(try Init.calculateGain("relu"), 2.0.squareRoot())
        XCTAssertEqual(try Init.calculateGain("selu"), 0.75)
        XCTAssertEqual(try Init.calculateGain("leaky_relu"), (2.0 / (1 + 0.0001)).squareRoot())
        XCTAssertEqual(try Init.calculateGain("leaky_relu", param: 0.2), (2.0 / 1.04).squareRoot())
        XCTAssertEqual(try Init.calculateGain("leaky_relu", param: 5.0.squareRoot()), (1.0 / 3).squareRoot(), accuracy: 1e-15)
        NormTest.assertThrows("calculate_gain: Unsupported nonlinearity gelu") { try Init.calculateGain("gelu") }
        NormTest.assertThrows("calculate_gain: negative_slope nan not a valid number") {
            try Init.calculateGain("leaky_relu", param: .nan)
        }
    }

    func testFans() throws {
        let linear = try Init.fans(Tensor.zeros([3, 5]))
        XCTAssertEqual(linear.fanIn, 5)
        XCTAssertEqual(linear.fanOut, 3)
        // Conv2d(4 -> 8, kernel 3x2): receptive field 6.
        let conv = try Init.fans(Tensor.zeros([8, 4, 3, 2]))
        XCTAssertEqual(conv.fanIn, 24)
        XCTAssertEqual(conv.fanOut, 48)
        let conv1d = try Init.fans(Tensor.zeros([2, 3, 5]))
        XCTAssertEqual(conv1d.fanIn, 15)
        XCTAssertEqual(conv1d.fanOut, 10)
        NormTest.assertThrows("init: Fan in and fan out can not be computed for tensor with fewer than 2 dimensions") {
            try Init.fans(Tensor.zeros([3]))
        }
        NormTest.assertThrows("init: Fan in and fan out can not be computed for tensor with fewer than 2 dimensions") {
            try Init.xavierUniform(Tensor.zeros([3]))
        }
    }

    func testKaiming() throws {
        let g = Generator(seed: 1)
        let t = try Tensor.zeros(shape)
        try Init.kaimingNormal(t, generator: g)
        assertNormal(t, std: 2.0.squareRoot() / 500.0.squareRoot())
        try Init.kaimingNormal(t, a: 0.3, mode: "fan_out", nonlinearity: "leaky_relu", generator: g)
        assertNormal(t, std: (2.0 / 1.09).squareRoot() / 400.0.squareRoot())
        try Init.kaimingNormal(t, mode: "FAN_OUT", nonlinearity: "relu", generator: g)
        assertNormal(t, std: 2.0.squareRoot() / 400.0.squareRoot())
        try Init.kaimingUniform(t, generator: g)
        let bound = 3.0.squareRoot() * 2.0.squareRoot() / 500.0.squareRoot()
        assertUniform(t, -bound, bound)
        try Init.kaimingUniform(t, mode: "fan_out", nonlinearity: "tanh", generator: g)
        let tanhBound = 3.0.squareRoot() * 5.0 / 3 / 400.0.squareRoot()
        assertUniform(t, -tanhBound, tanhBound)
        NormTest.assertThrows("kaiming_normal_: Mode fan_avg not supported, please use one of fan_in, fan_out") {
            try Init.kaimingNormal(t, mode: "fan_avg")
        }
        NormTest.assertThrows("kaiming_uniform_: Mode x not supported, please use one of fan_in, fan_out") {
            try Init.kaimingUniform(t, mode: "x")
        }
        NormTest.assertThrows("calculate_gain: Unsupported nonlinearity swish") {
            try Init.kaimingUniform(t, nonlinearity: "swish")
        }
        // A zero-element tensor is left alone (PyTorch warns and does nothing).
        XCTAssertNoThrow(try Init.kaimingNormal(Tensor.zeros([0, 3]), mode: "fan_in"))
    }

    func testXavier() throws {
        let g = Generator(seed: 2)
        let t = try Tensor.zeros(shape)
        try Init.xavierUniform(t, generator: g)
        let bound = (6.0 / 900).squareRoot()
        assertUniform(t, -bound, bound)
        try Init.xavierUniform(t, gain: 2, generator: g)
        assertUniform(t, -2 * bound, 2 * bound)
        try Init.xavierNormal(t, generator: g)
        assertNormal(t, std: (2.0 / 900).squareRoot())
        try Init.xavierNormal(t, gain: 0.5, generator: g)
        assertNormal(t, std: 0.5 * (2.0 / 900).squareRoot())
    }

    func testBasicFills() throws {
        let g = Generator(seed: 3)
        let t = try Tensor.zeros(shape)
        try Init.normal(t, mean: 2, std: 0.5, generator: g)
        assertNormal(t, mean: 2, std: 0.5)
        try Init.uniform(t, a: -1, b: 3, generator: g)
        assertUniform(t, -1, 3)
        try Init.uniform(t, generator: g)
        assertUniform(t, 0, 1)
        try Init.constant(t, 0.25)
        XCTAssertTrue(t.toFloatArray().allSatisfy { $0 == 0.25 })
        try Init.ones(t)
        XCTAssertTrue(t.toFloatArray().allSatisfy { $0 == 1 })
        try Init.zeros(t)
        XCTAssertTrue(t.toFloatArray().allSatisfy { $0 == 0 })
        NormTest.assertThrows("normal_: expects std >= 0.0, but found std -1.0") { try Init.normal(t, std: -1) }
        NormTest.assertThrows("uniform_: expects to return a [from, to) range, but found from=2.0 > to=1.0") {
            try Init.uniform(t, a: 2, b: 1)
        }
        NormTest.assertThrows("normal_: expected a floating-point tensor, got int64") { try Init.normal(Tensor.full([2], 0, dtype: .int64)) }
        // constant fills any dtype.
        let ints = Tensor.full([3], 0, dtype: .int64)
        try Init.constant(ints, 7)
        XCTAssertEqual(ints.toInt64Array(), [7, 7, 7])
    }

    /// Fills work in place on parameters that require grad (outside autograd), return the
    /// same tensor, write through strides, and follow a seeded generator.
    func testInPlaceNoGradAndReproducible() throws {
        let w = try Tensor.zeros([3, 4]).setRequiresGrad()
        let storage = w.storage
        let r = try Init.kaimingUniform(w, generator: Generator(seed: 9))
        XCTAssertTrue(r === w)
        XCTAssertTrue(w.storage === storage)
        XCTAssertTrue(w.isLeaf)
        XCTAssertTrue(w.requiresGrad)
        let again = try Tensor.zeros([3, 4])
        try Init.kaimingUniform(again, generator: Generator(seed: 9))
        XCTAssertEqual(w.toFloatArray(), again.toFloatArray())
        try Init.zeros(w)
        XCTAssertEqual(w.toFloatArray(), [Float](repeating: 0, count: 12))

        // A transposed view is filled in its logical order.
        let base = try Tensor.zeros([4, 3])
        let view = try base.t()
        try Init.normal(view, generator: Generator(seed: 10))
        let direct = try Tensor.zeros([3, 4])
        try Init.normal(direct, generator: Generator(seed: 10))
        XCTAssertEqual(view.toFloatArray(), direct.toFloatArray())
    }

    /// PyTorch's default Linear / Conv init: weight and bias uniform in ±1/sqrt(fan_in).
    func testDefaultLayerInit() throws {
        let g = Generator(seed: 11)
        let weight = try Tensor.zeros([400, 500]), bias = try Tensor.zeros([100_000])
        try Init.defaultLinear(weight: weight, bias: bias, generator: g)
        let bound = 1 / 500.0.squareRoot()
        assertUniform(weight, -bound, bound)
        assertUniform(bias, -bound, bound)

        // Conv2d(50 -> 64, 5x5): fan_in = 50 * 25 = 1250.
        let conv = try Tensor.zeros([64, 50, 5, 5]), convBias = try Tensor.zeros([100_000])
        try Init.defaultConv(weight: conv, bias: convBias, generator: g)
        let convBound = 1 / 1250.0.squareRoot()
        assertUniform(conv, -convBound, convBound)
        assertUniform(convBias, -convBound, convBound)
        XCTAssertNoThrow(try Init.defaultLinear(weight: Tensor.zeros([2, 3]), bias: nil))
    }
}
