import Foundation
import XCTest
@testable import VisOptim
import VisTensor

// Helpers shared by the VisOptim tests. Each passes `file`/`line` through so a failure
// points at the test line that called it.

/// A JSON value, for reading the heterogeneous reference fixture.
enum JSON: Decodable {
    case null, bool(Bool), number(Double), string(String), array([JSON]), object([String: JSON])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null } else if let b = try? c.decode(Bool.self) { self = .bool(b) } else if let x = try? c.decode(Double.self) { self = .number(x) } else if let s = try? c.decode(String.self) { self = .string(s) } else if let a = try? c.decode([JSON].self) { self = .array(a) } else { self = .object(try c.decode([String: JSON].self)) }
    }

    subscript(key: String) -> JSON {
        if case .object(let o) = self { return o[key] ?? .null }
        return .null
    }

    var double: Double? { if case .number(let x) = self { return x }; return nil }
    var int: Int? { double.map { Int($0) } }
    var bool: Bool? { if case .bool(let b) = self { return b }; return nil }
    var string: String? { if case .string(let s) = self { return s }; return nil }
    var array: [JSON] { if case .array(let a) = self { return a }; return [] }
    var object: [String: JSON] { if case .object(let o) = self { return o }; return [:] }
    var isNull: Bool { if case .null = self { return true }; return false }

    /// An encoded array `{"shape": [...], "data": [...]}` as a float32 tensor.
    func tensor() throws -> Tensor {
        try Tensor(self["data"].array.map { Float($0.double ?? .nan) }, shape: self["shape"].array.map { $0.int ?? 0 })
    }
}

/// The reference fixture written by Fixtures/make_optim_reference.py (PyTorch).
enum Reference {
    static let root: JSON = {
        guard let url = Bundle.module.url(forResource: "optim_reference", withExtension: "json", subdirectory: "Fixtures"),
              let data = try? Data(contentsOf: url),
              let json = try? JSONDecoder().decode(JSON.self, from: data) else { return .null }
        return json
    }()

    /// The cases of `section` whose name starts with `prefix`.
    static func cases(_ section: String, prefix: String = "", file: StaticString = #filePath, line: UInt = #line) -> [JSON] {
        let all = root[section].array
        XCTAssertFalse(all.isEmpty, "Fixtures/optim_reference.json is missing or has no \(section)", file: file, line: line)
        let chosen = all.filter { ($0["name"].string ?? "").hasPrefix(prefix) }
        XCTAssertFalse(chosen.isEmpty, "no \(section) case starts with \(prefix)", file: file, line: line)
        return chosen
    }
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

/// Asserts |actual − expected| ≤ rtol·|expected| elementwise, with the shape; returns
/// the largest relative error seen.
@discardableResult
func assertClose(_ actual: Tensor, _ expected: Tensor, rtol: Double, _ what: @autoclosure () -> String = "",
                 file: StaticString = #filePath, line: UInt = #line) -> Double {
    XCTAssertEqual(actual.shape, expected.shape, "shape \(what())", file: file, line: line)
    let a = actual.toFloatArray(), e = expected.toFloatArray()
    guard a.count == e.count else { return .infinity }
    var worst = 0.0
    for i in 0..<a.count {
        let err = Swift.abs(Double(a[i]) - Double(e[i]))
        let rel = err / Swift.max(Swift.abs(Double(e[i])), 1e-30)
        worst = Swift.max(worst, rel)
        if !(err <= rtol * Swift.abs(Double(e[i]))) {
            XCTFail("\(what()) element \(i): got \(a[i]), expected \(e[i]) (relative error \(rel), rtol \(rtol))", file: file, line: line)
            return worst
        }
    }
    return worst
}

/// Asserts two tensors hold bitwise-identical float32 values.
func assertIdentical(_ a: Tensor, _ b: Tensor, _ what: @autoclosure () -> String = "",
                     file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.shape, b.shape, "shape \(what())", file: file, line: line)
    XCTAssertEqual(a.toFloatArray().map(\.bitPattern), b.toFloatArray().map(\.bitPattern), what(), file: file, line: line)
}

/// A float32 leaf that requires grad.
func param(_ values: [Float], _ shape: [Int]? = nil) throws -> Tensor {
    let t = try Tensor(values, shape: shape ?? [values.count])
    try t.setRequiresGrad()
    return t
}
