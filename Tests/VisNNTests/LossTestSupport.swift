import XCTest
import VisNN
import VisTensor

/// Helpers shared by the loss tests, under one namespace (other test files in this
/// target have their own). Each passes `file`/`line` through.
enum LossTest {
    /// A float32 leaf of `shape` with deterministic values uniform in `range`, each at
    /// least `margin` away from every value in `avoid`, from a private generator.
    static func random(_ shape: [Int], seed: UInt64, in range: ClosedRange<Float> = -2...2,
                       avoiding avoid: [Float] = [], margin: Float = 0.1) -> Tensor {
        let g = Generator(seed: seed)
        var values: [Float] = []
        while values.count < Shape.numel(shape) {
            let v = range.lowerBound + (range.upperBound - range.lowerBound) * g.uniform()
            if avoid.allSatisfy({ Swift.abs(v - $0) >= margin }) { values.append(v) }
        }
        return (try? Tensor(values, shape: shape)) ?? Tensor.full(shape, 0)
    }

    /// Rows of probabilities: softmax of random scores along `dim`.
    static func probabilities(_ shape: [Int], dim: Int = 1, seed: UInt64) throws -> Tensor {
        try random(shape, seed: seed).softmax(dim: dim).detach().contiguous()
    }

    /// An int64 tensor.
    static func labels(_ values: [Int64], _ shape: [Int]) throws -> Tensor {
        try Tensor(int64: values, shape: shape)
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

    /// Asserts the shape and values of `t` within an absolute tolerance.
    static func assertValues(_ t: Tensor, _ shape: [Int], _ expected: [Float], tol: Float = 1e-5,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(t.shape, shape, "shape", file: file, line: line)
        let actual = t.toFloatArray()
        guard actual.count == expected.count else {
            XCTFail("expected \(expected.count) values, got \(actual)", file: file, line: line)
            return
        }
        for i in 0..<actual.count where !(Swift.abs(actual[i] - expected[i]) <= tol) {
            XCTFail("element \(i): got \(actual[i]), expected \(expected[i]); all: \(actual)", file: file, line: line)
            return
        }
    }
}
