import Foundation
import XCTest
import VisNN
import VisTensor

/// conv2d, conv_transpose2d, linear and the poolings against PyTorch: each case of
/// Fixtures/make_conv_reference.py saved the inputs, R, the output and the gradients of
/// sum(out * R) with respect to every input (Fixtures/conv/NAME_KEY.npy).
///
/// Tolerance: |vis - torch| <= 1e-5 * |torch| + 1e-5 for every value. The references
/// are exact (float64 from the same float32 inputs); vis computes in float32 (unit
/// roundoff 6e-8) with sums of at most a few hundred products of values below 1 in
/// magnitude, so a correct result is within a few 1e-6 (the absolute part covers sums
/// that cancel to near zero). The largest error, as a fraction of its tolerance, is
/// printed by the test.
final class ConvReferenceTests: XCTestCase {
    typealias Op = (Tensor, Tensor?, Tensor?) throws -> Tensor

    /// The cases, by the names the script gave them, with the same calls in vis.
    let cases: [(String, Op)] = [
        ("conv_basic", { x, w, b in try Functional.conv2d(x, weight: w!, bias: b, padding: .explicit(1, 1)) }),
        ("conv_stride_pad", { x, w, _ in try Functional.conv2d(x, weight: w!, stride: (2, 2), padding: .explicit(1, 2)) }),
        ("conv_dilation", { x, w, b in
            try Functional.conv2d(x, weight: w!, bias: b, stride: (1, 2), padding: .explicit(2, 2), dilation: (2, 1)) }),
        ("conv_groups", { x, w, b in try Functional.conv2d(x, weight: w!, bias: b, padding: .explicit(1, 1), groups: 2) }),
        ("conv_depthwise", { x, w, _ in
            try Functional.conv2d(x, weight: w!, stride: (2, 2), padding: .explicit(1, 1), groups: 3) }),
        ("conv_same", { x, w, b in try Functional.conv2d(x, weight: w!, bias: b, padding: .same, dilation: (1, 2)) }),
        ("conv_pointwise", { x, w, b in try Functional.conv2d(x, weight: w!, bias: b) }),
        ("conv_pointwise_stride", { x, w, _ in try Functional.conv2d(x, weight: w!, stride: (2, 2), padding: .valid) }),
        ("conv_unbatched", { x, w, b in try Functional.conv2d(x, weight: w!, bias: b, padding: .explicit(1, 1)) }),
        ("convt_basic", { x, w, b in
            try Functional.convTranspose2d(x, weight: w!, bias: b, stride: (2, 2), padding: (1, 1), outputPadding: (1, 1)) }),
        ("convt_groups", { x, w, _ in
            try Functional.convTranspose2d(x, weight: w!, stride: (1, 2), padding: (0, 1), dilation: (2, 2), groups: 2) }),
        ("convt_outpad_dilation", { x, w, b in
            try Functional.convTranspose2d(x, weight: w!, bias: b, outputPadding: (1, 1), dilation: (2, 2)) }),
        ("linear_2d", { x, w, b in try Functional.linear(x, weight: w!, bias: b) }),
        ("linear_3d", { x, w, _ in try Functional.linear(x, weight: w!) }),
        ("linear_1d", { x, w, b in try Functional.linear(x, weight: w!, bias: b) }),
        ("maxpool_basic", { x, _, _ in try Functional.maxPool2d(x, kernel: (3, 3), stride: (2, 2), padding: (1, 1)) }),
        ("maxpool_ceil_dilation", { x, _, _ in
            try Functional.maxPool2d(x, kernel: (3, 2), stride: (2, 2), padding: (1, 0), dilation: (2, 1), ceilMode: true) }),
        ("maxpool_ceil_last_window", { x, _, _ in
            try Functional.maxPool2d(x, kernel: (2, 2), stride: (2, 2), padding: (1, 1), ceilMode: true) }),
        ("avgpool_pad", { x, _, _ in try Functional.avgPool2d(x, kernel: (3, 3), stride: (2, 2), padding: (1, 1)) }),
        ("avgpool_ceil_nopad", { x, _, _ in
            try Functional.avgPool2d(x, kernel: (3, 3), stride: (2, 2), padding: (1, 1), ceilMode: true, countIncludePad: false) }),
        ("avgpool_ceil_pad", { x, _, _ in
            try Functional.avgPool2d(x, kernel: (2, 3), stride: (2, 2), padding: (1, 1), ceilMode: true) }),
        ("adaptive_avg", { x, _, _ in try Functional.adaptiveAvgPool2d(x, outputSize: (3, 5)) }),
        ("adaptive_avg_up", { x, _, _ in try Functional.adaptiveAvgPool2d(x, outputSize: (9, 7)) }),
        ("adaptive_max", { x, _, _ in try Functional.adaptiveMaxPool2d(x, outputSize: (3, 4)) }),
        ("adaptive_max_up", { x, _, _ in try Functional.adaptiveMaxPool2d(x, outputSize: (6, 5)) }),
        ("maxpool_wide", { x, _, _ in
            try Functional.maxPool2d(x, kernel: (2, 3), stride: (1, 2), padding: (1, 1), dilation: (1, 2)) }),
        ("maxpool_wide_2x2", { x, _, _ in try Functional.maxPool2d(x, kernel: (2, 2)) }),
        ("maxpool_wide_3x3_s1", { x, _, _ in try Functional.maxPool2d(x, kernel: (3, 3), stride: (1, 1), padding: (1, 1)) }),
    ]

    func testAgainstPyTorch() throws {
        var worst = (0.0, "")
        for (name, op) in cases {
            guard let x = try ConvTest.fixture(name, "x"), let r = try ConvTest.fixture(name, "r"),
                  let expected = try ConvTest.fixture(name, "out") else {
                XCTFail("\(name): missing fixtures (run Fixtures/make_conv_reference.py)")
                continue
            }
            let w = try ConvTest.fixture(name, "w"), b = try ConvTest.fixture(name, "b")
            let inputs = [("x", x), ("w", w), ("b", b)].compactMap { k, t in t.map { (k, $0) } }
            for (_, t) in inputs { try t.setRequiresGrad() }

            let out = try op(x, w, b)
            var check = [("out", out, expected)]
            try out.mul(r).sum().backward()
            for (key, t) in inputs {
                guard let reference = try ConvTest.fixture(name, "d" + key) else {
                    XCTFail("\(name): missing fixture d\(key)")
                    continue
                }
                check.append(("d" + key, t.grad ?? Tensor.full([0], 0), reference))
            }
            for (what, actual, reference) in check {
                let fraction = ConvTest.assertClose(actual, reference, "\(name) \(what)")
                if fraction > worst.0 { worst = (fraction, "\(name) \(what)") }
            }
        }
        print(String(format: "conv reference: worst error %.3f of the tolerance (%@)", worst.0, worst.1))
    }

    /// The fixtures hold what the script says: every case has its files.
    func testEveryCaseHasFixtures() throws {
        for (name, _) in cases {
            XCTAssertNotNil(try ConvTest.fixture(name, "out"), name)
            XCTAssertNotNil(try ConvTest.fixture(name, "dx"), name)
        }
    }
}
