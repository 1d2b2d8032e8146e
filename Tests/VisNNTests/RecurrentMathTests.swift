import XCTest
@testable import VisNN
import VisTensor

/// The eight-lane exp, sigmoid and tanh of the recurrent kernels against libm in double.
final class RecurrentMathTests: XCTestCase {
    /// Relative error within 3e-7 (a few float ulps) wherever the result is a normal
    /// float, across [-100, 100] with a fine grid near 0 (where tanh switches formulas)
    /// and the saturation limits; NaN propagates.
    func testAccuracy() {
        var xs: [Float] = []
        for i in -20000...20000 { xs.append(Float(i) * 0.005) }
        for i in -2000...2000 { xs.append(Float(i) * 1e-4) }
        xs += [-87.5, -87, 88, 88.5, 1e-30, -1e-30, 0, -0.0, 0.625, -0.625, 0.62499, 44, -44]
        var worst: (name: String, x: Float, err: Double) = ("", 0, 0)
        var k = 0
        while k < xs.count {
            var v = SIMD8<Float>()
            for j in 0..<8 { v[j] = xs[(k + j) % xs.count] }
            let e = RecurrentMath.exp(v), s = RecurrentMath.sigmoid(v), t = RecurrentMath.tanh(v)
            for j in 0..<8 {
                let x = Double(v[j])
                for (name, got, want) in [("exp", e[j], Foundation.exp(x)), ("sigmoid", s[j], 1 / (1 + Foundation.exp(-x))),
                                          ("tanh", t[j], Foundation.tanh(x))] {
                    // exp is clamped to [e^-87, e^88] by design.
                    if name == "exp" && (x < -87 || x > 88) { continue }
                    guard Swift.abs(want) >= Double(Float.leastNormalMagnitude) else { continue }
                    let err = Swift.abs(Double(got) - want) / Swift.abs(want)
                    if err > worst.err { worst = (name, v[j], err) }
                }
            }
            k += 8
        }
        XCTAssertLessThan(worst.err, 3e-7, "worst: \(worst.name)(\(worst.x))")
        XCTAssertEqual(RecurrentMath.sigmoid(SIMD8(repeating: -200))[0], 0, accuracy: 1e-37)
        XCTAssertEqual(RecurrentMath.sigmoid(SIMD8(repeating: 200))[0], 1)
        XCTAssertEqual(RecurrentMath.tanh(SIMD8(repeating: -200))[0], -1)
        let nan = SIMD8<Float>(repeating: .nan)
        XCTAssertTrue(RecurrentMath.exp(nan)[0].isNaN)
        XCTAssertTrue(RecurrentMath.sigmoid(nan)[0].isNaN)
        XCTAssertTrue(RecurrentMath.tanh(nan)[0].isNaN)
    }
}
