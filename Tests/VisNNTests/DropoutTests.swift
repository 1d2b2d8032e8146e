import XCTest
@testable import VisNN
import VisTensor

/// Functional.dropout and dropout2d: statistics, scaling, reproducibility, eval mode,
/// gradients and errors.
final class DropoutTests: XCTestCase {
    /// On 100k elements the zeroed fraction is Binomial(n, p) / n with standard deviation
    /// sqrt(p (1 - p) / n) <= 0.0016; the bound 0.01 is over 6 standard deviations
    /// (and the generator is seeded, so the test is deterministic anyway).
    func testStatisticsAndScaling() throws {
        let n = 100_000
        let x = Tensor.full([n], 1)
        for p in [0.1, 0.3, 0.5, 0.9] {
            let y = try Functional.dropout(x, p: p, training: true, generator: Generator(seed: 42))
            let v = y.toFloatArray()
            let zeros = v.filter { $0 == 0 }.count
            XCTAssertEqual(Double(zeros) / Double(n), p, accuracy: 0.01, "p = \(p)")
            // Every kept value is exactly x * 1 / (1 - p).
            let scale = Float(1 / (1 - p))
            XCTAssertTrue(v.allSatisfy { $0 == 0 || $0 == scale }, "p = \(p)")
            // The mean is preserved: E[y] = 1, standard deviation of the mean
            // sqrt(p / (1 - p) / n) <= 0.0095 for p = 0.9; bound 0.05.
            XCTAssertEqual(NormTest.moments(y).mean, 1, accuracy: 0.05, "p = \(p)")
        }
    }

    func testReproducibleWithSeededGenerator() throws {
        let x = NormTest.leaf([4, 50], seed: 50, requiresGrad: false)
        let a = try Functional.dropout(x, p: 0.4, training: true, generator: Generator(seed: 7))
        let b = try Functional.dropout(x, p: 0.4, training: true, generator: Generator(seed: 7))
        let c = try Functional.dropout(x, p: 0.4, training: true, generator: Generator(seed: 8))
        XCTAssertEqual(a.toFloatArray(), b.toFloatArray())
        XCTAssertNotEqual(a.toFloatArray(), c.toFloatArray())
        // The global generator follows seed(n).
        seed(123)
        let d = try Functional.dropout(x, p: 0.4, training: true)
        seed(123)
        let e = try Functional.dropout(x, p: 0.4, training: true)
        XCTAssertEqual(d.toFloatArray(), e.toFloatArray())
    }

    /// Eval mode and p = 0 return the input itself; p = 1 gives zeros with zero gradient.
    func testEvalIdentityAndExtremes() throws {
        let x = NormTest.leaf([3, 4], seed: 51)
        XCTAssertTrue(try Functional.dropout(x, p: 0.5, training: false) === x)
        XCTAssertTrue(try Functional.dropout(x, p: 0, training: true) === x)
        XCTAssertTrue(try Functional.dropout2d(x.reshape([1, 3, 2, 2]), p: 0.5, training: false).shape == [1, 3, 2, 2])
        let y = try Functional.dropout(x, p: 1, training: true)
        XCTAssertEqual(y.toFloatArray(), [Float](repeating: 0, count: 12))
        try y.sum().backward()
        XCTAssertEqual(x.grad?.toFloatArray(), [Float](repeating: 0, count: 12))
    }

    /// The backward pass multiplies by the saved mask: dx = mask (0 or 1 / (1 - p)).
    func testGradients() throws {
        let x = NormTest.leaf([5, 6], seed: 52)
        let y = try Functional.dropout(x, p: 0.3, training: true, generator: Generator(seed: 3))
        XCTAssertEqual(y.gradFnName, "dropout")
        try y.sum().backward()
        let mask = try y.detach().div(x.detach()).toFloatArray()
        XCTAssertEqual(x.grad?.toFloatArray() ?? [], mask.map { $0 == 0 ? 0 : Float(1 / 0.7) })
        // Finite differences with the same mask on every call (a fresh seeded generator).
        NNGradCheck.assertGradients([NormTest.leaf([3, 7], seed: 53)]) { t in
            try Functional.dropout(t[0], p: 0.5, training: true, generator: Generator(seed: 9))
        }
        NNGradCheck.assertGradients([NormTest.leaf([2, 3, 2, 2], seed: 54)]) { t in
            try Functional.dropout2d(t[0], p: 0.5, training: true, generator: Generator(seed: 9))
        }
    }

    /// A strided input is masked in its logical (row-major) order.
    func testNonContiguousInput() throws {
        let base = NormTest.leaf([6, 5], seed: 55, requiresGrad: false)
        let x = try base.t()
        let a = try Functional.dropout(x, p: 0.5, training: true, generator: Generator(seed: 4))
        let b = try Functional.dropout(x.contiguous(), p: 0.5, training: true, generator: Generator(seed: 4))
        XCTAssertEqual(a.toFloatArray(), b.toFloatArray())
    }

    /// dropout2d zeroes whole [H, W] planes, each kept plane scaled by 1 / (1 - p);
    /// about p of 2000 channels are dropped (std 0.011; bound 0.05).
    func testDropout2dZeroesWholeChannels() throws {
        let x = Tensor.full([20, 100, 3, 4], 1)
        let y = try Functional.dropout2d(x, p: 0.25, training: true, generator: Generator(seed: 5))
        XCTAssertEqual(y.shape, x.shape)
        let v = y.toFloatArray()
        var dropped = 0
        for plane in 0..<2000 {
            let values = Set(v[(plane * 12)..<(plane * 12 + 12)])
            XCTAssertEqual(values.count, 1, "plane \(plane) is not uniform")
            if values.first == 0 { dropped += 1 } else { XCTAssertEqual(values.first, Float(1 / 0.75)) }
        }
        XCTAssertEqual(Double(dropped) / 2000, 0.25, accuracy: 0.05)

        // [C, H, W]: one draw per channel.
        let u = try Functional.dropout2d(Tensor.full([50, 2, 3], 1), p: 0.5, training: true, generator: Generator(seed: 6))
        let uv = u.toFloatArray()
        for ch in 0..<50 { XCTAssertEqual(Set(uv[(ch * 6)..<(ch * 6 + 6)]).count, 1) }
        XCTAssertTrue(uv.contains(0) && uv.contains(2))
    }

    func testErrors() {
        let x = Tensor.full([2, 3], 1)
        NormTest.assertThrows("dropout: dropout probability has to be between 0 and 1, but got 1.5") {
            try Functional.dropout(x, p: 1.5, training: true)
        }
        NormTest.assertThrows("dropout: dropout probability has to be between 0 and 1, but got -0.1") {
            try Functional.dropout(x, p: -0.1, training: false)
        }
        NormTest.assertThrows("dropout2d: dropout probability has to be between 0 and 1, but got nan") {
            try Functional.dropout2d(x, p: .nan, training: true)
        }
        NormTest.assertThrows("dropout2d: expected a 3-D [C, H, W] or 4-D [N, C, H, W] input, got [2, 3]") {
            try Functional.dropout2d(x, p: 0.5, training: true)
        }
        NormTest.assertThrows("dropout: expected a float32 or float64 tensor, got int64 (convert with .float())") {
            try Functional.dropout(Tensor.full([2], 1, dtype: .int64), p: 0.5, training: true)
        }
    }
}
