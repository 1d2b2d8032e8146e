import XCTest
import VisNN
import VisTensor

/// conv_transpose2d: gradients against finite differences for every option, the
/// adjoint identity with conv2d, shapes and error messages.
final class ConvTranspose2dTests: XCTestCase {
    typealias G = NNGradCheck

    func testGradientsPlain() {
        let x = ConvTest.leaf([2, 3, 4, 5], seed: 1), w = ConvTest.leaf([3, 2, 3, 3], seed: 2), b = ConvTest.leaf([2], seed: 3)
        G.assertGradients([x, w, b]) { try Functional.convTranspose2d($0[0], weight: $0[1], bias: $0[2]) }
    }

    func testGradientsStridePaddingOutputPadding() throws {
        let x = ConvTest.leaf([2, 2, 3, 4], seed: 4), w = ConvTest.leaf([2, 3, 3, 2], seed: 5), b = ConvTest.leaf([3], seed: 6)
        let y = try Functional.convTranspose2d(x, weight: w, bias: b, stride: (2, 3), padding: (1, 0), outputPadding: (1, 2))
        // (3 - 1) * 2 - 2 + 2 + 1 + 1 = 6, (4 - 1) * 3 - 0 + 1 + 2 + 1 = 13
        XCTAssertEqual(y.shape, [2, 3, 6, 13])
        G.assertGradients([x, w, b]) {
            try Functional.convTranspose2d($0[0], weight: $0[1], bias: $0[2], stride: (2, 3), padding: (1, 0), outputPadding: (1, 2))
        }
    }

    func testGradientsDilationAndGroups() {
        let x = ConvTest.leaf([2, 4, 3, 3], seed: 7), w = ConvTest.leaf([4, 1, 2, 3], seed: 8)
        G.assertGradients([x, w]) {
            try Functional.convTranspose2d($0[0], weight: $0[1], stride: (2, 1), padding: (0, 1), dilation: (2, 2), groups: 2)
        }
    }

    func testGradientsOutputPaddingBelowDilation() {
        // output_padding 1 >= stride 1 is allowed because it is below the dilation 2.
        let x = ConvTest.leaf([1, 2, 3, 3], seed: 9), w = ConvTest.leaf([2, 2, 2, 2], seed: 10), b = ConvTest.leaf([2], seed: 11)
        G.assertGradients([x, w, b]) {
            try Functional.convTranspose2d($0[0], weight: $0[1], bias: $0[2], outputPadding: (1, 1), dilation: (2, 2))
        }
    }

    func testGradientsPointwiseUnbatched() throws {
        let x = ConvTest.leaf([3, 4, 5], seed: 12), w = ConvTest.leaf([3, 2, 1, 1], seed: 13)
        XCTAssertEqual(try Functional.convTranspose2d(x, weight: w).shape, [2, 4, 5])
        G.assertGradients([x, w]) { try Functional.convTranspose2d($0[0], weight: $0[1]) }
    }

    func testGradientsOfWeightOnly() {
        let x = ConvTest.leaf([3, 2, 3, 3], seed: 14, requiresGrad: false)
        let w = ConvTest.leaf([2, 3, 3, 3], seed: 15)
        G.assertGradients([w]) { try Functional.convTranspose2d(x, weight: $0[0], stride: (2, 2), padding: (1, 1)) }
    }

    /// <conv2d(a, W), y> == <a, conv_transpose2d(y, W)>: the transposed convolution is the
    /// adjoint of conv2d with the same weight and arguments (output_padding restores the
    /// width 8 that the stride-2 conv2d rounded down).
    func testAdjointOfConv2d() throws {
        let a = ConvTest.leaf([2, 4, 9, 8], seed: 16, requiresGrad: false)
        let w = ConvTest.leaf([6, 2, 3, 2], seed: 17, requiresGrad: false)
        let ca = try Functional.conv2d(a, weight: w, stride: (2, 2), padding: .explicit(1, 1), dilation: (1, 2), groups: 2)
        let y = ConvTest.leaf(ca.shape, seed: 18, requiresGrad: false)
        let ty = try Functional.convTranspose2d(y, weight: w, stride: (2, 2), padding: (1, 1), outputPadding: (0, 1),
                                                dilation: (1, 2), groups: 2)
        XCTAssertEqual(ty.shape, [2, 4, 9, 8])
        let lhs = try ca.mul(y).sum().item(), rhs = try a.mul(ty).sum().item()
        XCTAssertEqual(lhs, rhs, accuracy: 1e-4 * Swift.max(1, Swift.abs(lhs)))
    }

    func testErrors() {
        let w = ConvTest.leaf([4, 3, 3, 3], seed: 19, requiresGrad: false)
        let x = ConvTest.leaf([2, 5, 6, 6], seed: 20, requiresGrad: false)
        ConvTest.assertThrows("conv_transpose2d: expected input with 4 channels (weight [4, 3, 3, 3]), got [2, 5, 6, 6]") {
            try Functional.convTranspose2d(x, weight: w)
        }
        let x4 = ConvTest.leaf([2, 4, 6, 6], seed: 21, requiresGrad: false)
        ConvTest.assertThrows("conv_transpose2d: groups=3 must divide the 4 input channels of weight [4, 3, 3, 3]") {
            try Functional.convTranspose2d(x4, weight: w, groups: 3)
        }
        ConvTest.assertThrows("conv_transpose2d: output_padding (2, 0) must be smaller than the stride (2, 2) or the dilation (1, 1)") {
            try Functional.convTranspose2d(x4, weight: w, stride: (2, 2), outputPadding: (2, 0))
        }
        ConvTest.assertThrows("conv_transpose2d: output size -2x-2 is not positive (input [2, 4, 6, 6], weight [4, 3, 3, 3], stride (1, 1), padding (5, 5))") {
            try Functional.convTranspose2d(x4, weight: w, padding: (5, 5))
        }
        ConvTest.assertThrows("conv_transpose2d: expected bias [6] for weight [4, 3, 3, 3] and groups=2, got [3]") {
            try Functional.convTranspose2d(x4, weight: w, bias: ConvTest.leaf([3], seed: 22, requiresGrad: false), groups: 2)
        }
    }
}
