import XCTest
@testable import VisNN
import VisTensor

/// Functional.interpolate: PyTorch reference values for nearest and bilinear (with and
/// without align_corners, by size and by scale factor, up and down), gradients, errors.
final class InterpolateTests: XCTestCase {
    /// Reference cases from make_norm_reference.py: name, size, scale factor, mode, align_corners.
    let cases: [(String, (Int, Int)?, (Double, Double)?, InterpolationMode, Bool?)] = [
        ("nearest_size_up", (9, 12), nil, .nearest, nil),
        ("nearest_size_down", (3, 4), nil, .nearest, nil),
        ("nearest_scale_2", nil, (2, 2), .nearest, nil),
        ("nearest_scale_mixed", nil, (1.5, 0.7), .nearest, nil),
        ("nearest_scale_odd", nil, (2.2, 3.3), .nearest, nil),
        ("bilinear_size_up_noac", (9, 12), nil, .bilinear, false),
        ("bilinear_size_down_noac", (3, 4), nil, .bilinear, false),
        ("bilinear_scale_up_noac", nil, (1.7, 2.5), .bilinear, false),
        ("bilinear_scale_down_noac", nil, (0.6, 0.45), .bilinear, false),
        ("bilinear_size_up_ac", (9, 12), nil, .bilinear, true),
        ("bilinear_size_down_ac", (3, 4), nil, .bilinear, true),
        ("bilinear_scale_up_ac", nil, (1.7, 2.5), .bilinear, true),
        ("bilinear_scale_down_ac", nil, (0.6, 0.45), .bilinear, true),
        ("bilinear_scale_2", nil, (2, 2), .bilinear, nil),
        ("bilinear_scale_same_h", nil, (1.1, 3), .bilinear, nil),
    ]

    /// Outputs and gradients of sum(out * R) against PyTorch's float32 kernels,
    /// tolerance 1e-5 relative + 1e-5 absolute. Nearest copies values, so it matches
    /// exactly; bilinear weights agree with PyTorch's to an ulp or two (its vectorised
    /// loops round some source positions differently), ~1e-6 on these outputs.
    func testMatchesPyTorch() throws {
        for (name, size, scale, mode, corners) in cases {
            let x = try NormTest.fixtureLeaf(name, "x")
            let r = try NormTest.fixture(name, "r")
            let out = try Functional.interpolate(x, size: size, scaleFactor: scale, mode: mode, alignCorners: corners)
            try NormTest.backward(out, weights: r)
            NormTest.assertClose(out, try NormTest.fixture(name, "out"), "\(name) out")
            NormTest.assertClose(x.grad, try NormTest.fixture(name, "dx"), "\(name) dx")
            if mode == .nearest {
                NormTest.assertClose(out, try NormTest.fixture(name, "out"), rtol: 0, atol: 0, "\(name) exact")
            }
        }
    }

    /// The ops are linear in x, so central differences are exact up to float32 rounding.
    func testGradients() {
        let x = NormTest.leaf([2, 2, 3, 4], seed: 60)
        let options: [((Int, Int)?, (Double, Double)?, InterpolationMode, Bool?)] = [
            ((5, 7), nil, .nearest, nil), ((2, 3), nil, .nearest, nil), (nil, (1.5, 2.5), .nearest, nil),
            ((5, 7), nil, .bilinear, false), ((5, 7), nil, .bilinear, true), ((2, 2), nil, .bilinear, false),
            ((2, 2), nil, .bilinear, true), (nil, (1.7, 0.6), .bilinear, nil), (nil, (2, 2), .bilinear, true),
            ((1, 1), nil, .bilinear, true),
        ]
        for (size, scale, mode, corners) in options {
            NNGradCheck.assertGradients([x]) { t in
                try Functional.interpolate(t[0], size: size, scaleFactor: scale, mode: mode, alignCorners: corners)
            }
        }
    }

    /// Hand-checked values: nearest doubling repeats pixels; bilinear with
    /// align_corners keeps the corners and interpolates between them.
    func testSmallExamples() throws {
        let x = try Tensor([1, 2, 3, 4], shape: [1, 1, 2, 2])
        let near = try Functional.interpolate(x, scaleFactor: (2, 2))
        XCTAssertEqual(near.shape, [1, 1, 4, 4])
        XCTAssertEqual(near.toFloatArray(), [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4])
        let lin = try Functional.interpolate(x, size: (3, 3), mode: .bilinear, alignCorners: true)
        XCTAssertEqual(lin.toFloatArray(), [1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4])
        // Without align_corners, out pixel 0 of 4 maps to source -0.25, clamped to 0.
        let half = try Functional.interpolate(x, size: (1, 4), mode: .bilinear)
        NormTest.assertClose(half, try Tensor([2, 2.25, 2.75, 3], shape: [1, 1, 1, 4]), rtol: 0, atol: 1e-6, "bilinear")
        // A non-contiguous input reads through its strides.
        let t = try x.transpose(2, 3)
        XCTAssertEqual(try Functional.interpolate(t, scaleFactor: (1, 1)).toFloatArray(), [1, 3, 2, 4])
        XCTAssertEqual(try Functional.interpolate(x, size: (2, 2)).gradFnName, nil)
    }

    func testErrors() {
        let x = Tensor.full([1, 1, 2, 2], 1)
        NormTest.assertThrows("interpolate: align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear") {
            try Functional.interpolate(x, size: (4, 4), alignCorners: false)
        }
        NormTest.assertThrows("interpolate: only one of size or scale_factor should be defined") {
            try Functional.interpolate(x, size: (4, 4), scaleFactor: (2, 2))
        }
        NormTest.assertThrows("interpolate: either size or scale_factor should be defined") {
            try Functional.interpolate(x, mode: .bilinear)
        }
        NormTest.assertThrows("interpolate: expected a 4-D [N, C, H, W] input, got [2, 2]") {
            try Functional.interpolate(Tensor.full([2, 2], 1), size: (4, 4))
        }
        NormTest.assertThrows("interpolate: Input and output sizes should be greater than 0, but got input (H: 2, W: 2) output (H: 0, W: 1)") {
            try Functional.interpolate(x, size: (0, 1))
        }
        NormTest.assertThrows("interpolate: Input and output sizes should be greater than 0, but got input (H: 2, W: 2) output (H: 0, W: 0)") {
            try Functional.interpolate(x, scaleFactor: (0.3, 0.3))
        }
        NormTest.assertThrows("interpolate: Input and output sizes should be greater than 0, but got input (H: 2, W: 2) output (H: -2, W: 2)") {
            try Functional.interpolate(x, scaleFactor: (-1, 1))
        }
        NormTest.assertThrows("interpolate: scale_factor must be finite, got (inf, 1.0)") {
            try Functional.interpolate(x, scaleFactor: (.infinity, 1))
        }
        NormTest.assertThrows("interpolate: scale_factor (1e+300, 1.0) gives an output too large for input [1, 1, 2, 2]") {
            try Functional.interpolate(x, scaleFactor: (1e300, 1))
        }
        NormTest.assertThrows("interpolate: expected a float32 or float64 tensor, got int64 (convert with .float())") {
            try Functional.interpolate(Tensor.full([1, 1, 2, 2], 1, dtype: .int64), size: (4, 4))
        }
    }
}
