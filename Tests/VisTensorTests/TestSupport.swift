import XCTest
@testable import VisTensor

// Helpers shared by the VisTensor tests. Each passes `file`/`line` through so a failure
// points at the test line that called it.

/// A float32 leaf tensor of `shape` holding `values`, requiring grad when asked.
func leaf(_ values: [Float], _ shape: [Int], requiresGrad: Bool = true,
          file: StaticString = #filePath, line: UInt = #line) -> Tensor {
    do {
        let t = try Tensor(values, shape: shape)
        if requiresGrad { try t.setRequiresGrad() }
        return t
    } catch {
        XCTFail("leaf: \(error)", file: file, line: line)
        return Tensor.full(shape, 0)
    }
}

/// A float32 leaf of `shape` with deterministic values uniform in `range`, each at
/// least `margin` away from every value in `avoid` (kinks such as 0 for abs and relu),
/// requiring grad. Uses its own generator, so tests do not disturb the global one.
func randomLeaf(_ shape: [Int], seed: UInt64, in range: ClosedRange<Float> = -2...2,
                avoiding avoid: [Float] = [], margin: Float = 0.1,
                file: StaticString = #filePath, line: UInt = #line) -> Tensor {
    let g = Generator(seed: seed)
    var values: [Float] = []
    let n = Shape.numel(shape)
    while values.count < n {
        let v = range.lowerBound + (range.upperBound - range.lowerBound) * g.uniform()
        if avoid.allSatisfy({ Swift.abs(v - $0) >= margin }) { values.append(v) }
    }
    return leaf(values, shape, file: file, line: line)
}

/// Asserts that `body` throws a `TensorError` whose message is exactly `message`.
func assertThrowsMessage<T>(_ message: String, file: StaticString = #filePath, line: UInt = #line,
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

/// Asserts shape and float values of `t`: |actual - expected| <= tol elementwise
/// (tol = 0 demands exact equality).
func assertTensor(_ t: Tensor, _ shape: [Int], _ expected: [Float], tol: Float = 0,
                  file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(t.shape, shape, "shape", file: file, line: line)
    let actual = t.toFloatArray()
    guard actual.count == expected.count else {
        XCTFail("expected \(expected.count) values, got \(actual.count): \(actual)", file: file, line: line)
        return
    }
    for i in 0..<actual.count where !(Swift.abs(actual[i] - expected[i]) <= tol) {
        XCTFail("element \(i): got \(actual[i]), expected \(expected[i]) (tol \(tol)); all: \(actual)", file: file, line: line)
        return
    }
}

/// Asserts the dtype, shape and exact integer values of `t`.
func assertInt64(_ t: Tensor, _ shape: [Int], _ expected: [Int64],
                 file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(t.dtype, .int64, "dtype", file: file, line: line)
    XCTAssertEqual(t.shape, shape, "shape", file: file, line: line)
    XCTAssertEqual(t.toInt64Array(), expected, file: file, line: line)
}

/// Asserts the dtype, shape and values of a bool tensor.
func assertBool(_ t: Tensor, _ shape: [Int], _ expected: [Bool],
                file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(t.dtype, .bool, "dtype", file: file, line: line)
    XCTAssertEqual(t.shape, shape, "shape", file: file, line: line)
    XCTAssertEqual(t.toBoolArray(), expected, file: file, line: line)
}

/// A float32 tensor without grad, for tests that check values.
func tensor(_ values: [Float], _ shape: [Int], file: StaticString = #filePath, line: UInt = #line) -> Tensor {
    leaf(values, shape, requiresGrad: false, file: file, line: line)
}

/// An int64 tensor, for tests that check values.
func ints(_ values: [Int64], _ shape: [Int]? = nil, file: StaticString = #filePath, line: UInt = #line) -> Tensor {
    do { return try Tensor(int64: values, shape: shape) } catch {
        XCTFail("ints: \(error)", file: file, line: line)
        return Tensor.full(shape ?? [values.count], 0, dtype: .int64)
    }
}

/// A bool tensor, for tests that check values.
func bools(_ values: [Bool], _ shape: [Int]? = nil, file: StaticString = #filePath, line: UInt = #line) -> Tensor {
    do { return try Tensor(bools: values, shape: shape) } catch {
        XCTFail("bools: \(error)", file: file, line: line)
        return Tensor.full(shape ?? [values.count], 0, dtype: .bool)
    }
}
