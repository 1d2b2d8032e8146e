import Foundation
import XCTest
@testable import VisTensor

/// softmax, log_softmax, var, std and matmul against NumPy reference values
/// (Fixtures/reference_ops.json, written by Fixtures/make_reference.py: float32 inputs,
/// float64 reference outputs).
///
/// Tolerance: |vis - numpy| <= 1e-5 * |numpy| + 2e-6. The engine computes in float32
/// (unit roundoff 6e-8), and each output passes through a handful of roundings (exp,
/// a sum, a division; or the float32 sums of a BLAS dot product), so a correct result is
/// within ~1e-6 relative. The absolute 2e-6 covers outputs that cancel to near zero:
/// log_softmax's x - logsumexp, off by up to half an ulp of logsumexp (5e-7 for
/// |logsumexp| < 16, the largest seen in the fixture), and matmul outputs where terms of
/// size ~1 cancel (k = 4 products: ~4 * 6e-8 * |terms|). Measured worst case: 0.27 of it.
final class ReferenceValueTests: XCTestCase {
    struct Array: Decodable {
        let shape: [Int]
        let data: [Double]
    }

    struct Params: Decodable {
        let dim: Int?
        let dims: [Int]?
        let correction: Int?
    }

    struct Case: Decodable {
        let op: String
        let params: Params
        let inputs: [Array]
        let output: Array
    }

    struct File: Decodable {
        let cases: [Case]
    }

    static let rtol = 1e-5
    static let atol = 2e-6

    func loadCases(file: StaticString = #filePath, line: UInt = #line) throws -> [Case] {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "reference_ops", withExtension: "json", subdirectory: "Fixtures"),
                                "Fixtures/reference_ops.json is missing from the test bundle", file: file, line: line)
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases
    }

    func run(_ c: Case) throws -> Tensor {
        let inputs = try c.inputs.map { try Tensor($0.data.map { Float($0) }, shape: $0.shape) }
        let correction = c.params.correction ?? 1
        switch c.op {
        case "softmax": return try inputs[0].softmax(dim: XCTUnwrap(c.params.dim))
        case "log_softmax": return try inputs[0].logSoftmax(dim: XCTUnwrap(c.params.dim))
        case "var": return try inputs[0].variance(dims: c.params.dims ?? [], correction: correction)
        case "std": return try inputs[0].std(dims: c.params.dims ?? [], correction: correction)
        case "matmul": return try inputs[0].matmul(inputs[1])
        default: throw TensorError("reference", "unknown op \(c.op)")
        }
    }

    func testAgainstNumPy() throws {
        let cases = try loadCases()
        XCTAssertGreaterThanOrEqual(cases.count, 29, "the fixture lost cases")
        var seen = Set<String>()
        for (i, c) in cases.enumerated() {
            seen.insert(c.op)
            let label = "case \(i): \(c.op) \(c.inputs.map { shapeString($0.shape) }.joined(separator: " x ")) \(c.params)"
            let out = try run(c)
            XCTAssertEqual(out.shape, c.output.shape, label)
            let got = out.toDoubleArray()
            guard got.count == c.output.data.count else { continue }
            for (j, (g, want)) in zip(got, c.output.data).enumerated() {
                let tol = Self.rtol * Swift.abs(want) + Self.atol
                if !(Swift.abs(g - want) <= tol) {
                    XCTFail("\(label), element \(j): vis \(g), numpy \(want)")
                    break
                }
            }
        }
        XCTAssertEqual(seen, ["softmax", "log_softmax", "var", "std", "matmul"])
    }
}
