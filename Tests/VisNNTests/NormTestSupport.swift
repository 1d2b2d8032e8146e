import Foundation
import XCTest
import VisTensor

/// Helpers for the normalisation, dropout, interpolation and init tests, in one
/// namespace so that they cannot clash with other helpers of this test target. Each
/// passes `file`/`line` through so a failure points at the calling test line.
enum NormTest {
    /// A float32 leaf of `shape` with deterministic values uniform in `range` from its own
    /// generator (the global one is left alone), requiring grad.
    static func leaf(_ shape: [Int], seed: UInt64, in range: ClosedRange<Float> = -2...2,
                     requiresGrad: Bool = true) -> Tensor {
        let g = Generator(seed: seed)
        let n = Shape.numel(shape)
        var values = [Float](repeating: 0, count: n)
        for i in 0..<n { values[i] = range.lowerBound + (range.upperBound - range.lowerBound) * g.uniform() }
        let t = (try? Tensor(values, shape: shape)) ?? Tensor.full(shape, 0)
        if requiresGrad { _ = try? t.setRequiresGrad() }
        return t
    }

    /// The fixture `norm/NAME_KEY.npy` made by Fixtures/make_norm_reference.py.
    static func fixture(_ name: String, _ key: String, file: StaticString = #filePath, line: UInt = #line) throws -> Tensor {
        guard let url = Bundle.module.url(forResource: "\(name)_\(key)", withExtension: "npy", subdirectory: "Fixtures/norm") else {
            XCTFail("missing fixture norm/\(name)_\(key).npy", file: file, line: line)
            throw TensorError("fixture", "missing norm/\(name)_\(key).npy")
        }
        return try Tensor.loadNPY(path: url.path)
    }

    /// Whether the fixture `norm/NAME_KEY.npy` exists.
    static func hasFixture(_ name: String, _ key: String) -> Bool {
        Bundle.module.url(forResource: "\(name)_\(key)", withExtension: "npy", subdirectory: "Fixtures/norm") != nil
    }

    /// A leaf copy of a fixture that requires grad.
    static func fixtureLeaf(_ name: String, _ key: String, file: StaticString = #filePath, line: UInt = #line) throws -> Tensor {
        let t = try fixture(name, key, file: file, line: line).clone()
        try t.setRequiresGrad()
        return t
    }

    /// Asserts equal shapes and |actual - expected| <= atol + rtol * |expected| everywhere.
    static func assertClose(_ actual: Tensor?, _ expected: Tensor, rtol: Double = 1e-5, atol: Double = 1e-5,
                            _ what: String = "", file: StaticString = #filePath, line: UInt = #line) {
        guard let actual else {
            XCTFail("\(what): no tensor", file: file, line: line)
            return
        }
        XCTAssertEqual(actual.shape, expected.shape, "\(what): shape", file: file, line: line)
        guard actual.shape == expected.shape else { return }
        let a = actual.toDoubleArray(), e = expected.toDoubleArray()
        var worst = 0.0, worstIndex = -1
        for i in 0..<a.count {
            let excess = Swift.abs(a[i] - e[i]) - (atol + rtol * Swift.abs(e[i]))
            if !(excess <= 0) && (worstIndex < 0 || excess > worst || excess.isNaN) { worst = excess; worstIndex = i }
        }
        if worstIndex >= 0 {
            XCTFail("\(what): element \(worstIndex) is \(a[worstIndex]), expected \(e[worstIndex]) (rtol \(rtol), atol \(atol))",
                    file: file, line: line)
        }
    }

    /// Asserts that `body` throws a `TensorError` whose message is exactly `message`.
    static func assertThrows<T>(_ message: String, file: StaticString = #filePath, line: UInt = #line,
                                _ body: () throws -> T) {
        do {
            _ = try body()
            XCTFail("expected the error \"\(message)\", but nothing was thrown", file: file, line: line)
        } catch let error as TensorError {
            XCTAssertEqual(error.message, message, file: file, line: line)
        } catch {
            XCTFail("expected a TensorError, got \(error)", file: file, line: line)
        }
    }

    /// The fixed loss weights R of a reference case, and the backward of sum(out * R).
    static func backward(_ out: Tensor, weights r: Tensor) throws {
        try out.mul(r).sum().backward()
    }

    /// Mean and (population) standard deviation of all elements, in double.
    static func moments(_ t: Tensor) -> (mean: Double, std: Double) {
        let v = t.toDoubleArray()
        let mean = v.reduce(0, +) / Double(v.count)
        let variance = v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(v.count)
        return (mean, variance.squareRoot())
    }
}
