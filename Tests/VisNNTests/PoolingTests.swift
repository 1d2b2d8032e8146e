import XCTest
import VisNN
import VisTensor

/// max_pool2d, avg_pool2d, adaptive_avg_pool2d and adaptive_max_pool2d: values by hand,
/// PyTorch's output-size rules, gradients against finite differences for every option,
/// NaN propagation and error messages. (PyTorch's own values: ConvReferenceTests.)
final class PoolingTests: XCTestCase {
    typealias G = NNGradCheck

    /// 0, 1, ..., n - 1 as a [1, 1, h, w] tensor.
    func grid(_ h: Int, _ w: Int) throws -> Tensor {
        try Tensor((0..<(h * w)).map { Float($0) }, shape: [1, 1, h, w])
    }

    func testMaxPoolValues() throws {
        let y = try Functional.maxPool2d(grid(4, 4), kernel: (2, 2))
        XCTAssertEqual(y.shape, [1, 1, 2, 2])
        XCTAssertEqual(y.toFloatArray(), [5, 7, 13, 15])
        // Padding never wins, even over negative values.
        let neg = try grid(3, 3).neg()
        XCTAssertEqual(try Functional.maxPool2d(neg, kernel: (3, 3), stride: (1, 1), padding: (1, 1)).toFloatArray(),
                       [0, 0, -1, 0, 0, -1, -3, -3, -4])
    }

    func testCeilModeOutputSizes() throws {
        // PyTorch: ceil((5 + 2 - 2) / 2) + 1 = 4, but the 4th window would start at 6 =
        // 5 + padding 1, past the input, so ceil_mode gives 3.
        XCTAssertEqual(try Functional.maxPool2d(grid(5, 5), kernel: (2, 2), stride: (2, 2), padding: (1, 1), ceilMode: true).shape,
                       [1, 1, 3, 3])
        XCTAssertEqual(try Functional.maxPool2d(grid(5, 5), kernel: (2, 2), ceilMode: true).shape, [1, 1, 3, 3])
        XCTAssertEqual(try Functional.maxPool2d(grid(5, 5), kernel: (2, 2)).shape, [1, 1, 2, 2])
        XCTAssertEqual(try Functional.avgPool2d(grid(6, 7), kernel: (3, 3), stride: (2, 2), ceilMode: true).shape, [1, 1, 3, 3])
        XCTAssertEqual(try Functional.maxPool2d(grid(5, 5), kernel: (2, 2), ceilMode: true).toFloatArray(),
                       [6, 8, 9, 16, 18, 19, 21, 23, 24])
    }

    func testMaxPoolNaNWins() throws {
        let x = try Tensor([1, .nan, 3, 4], shape: [1, 1, 2, 2])
        XCTAssertTrue(try Functional.maxPool2d(x, kernel: (2, 2)).toFloatArray()[0].isNaN)
        XCTAssertTrue(try Functional.adaptiveMaxPool2d(x, outputSize: (1, 1)).toFloatArray()[0].isNaN)
    }

    func testMaxPoolGradients() {
        let x = ConvTest.distinct([2, 3, 7, 6], seed: 1)
        G.assertGradients([x]) { try Functional.maxPool2d($0[0], kernel: (2, 2)) }
        G.assertGradients([x]) { try Functional.maxPool2d($0[0], kernel: (3, 3), stride: (2, 1), padding: (1, 1)) }
        G.assertGradients([x]) { try Functional.maxPool2d($0[0], kernel: (3, 2), stride: (2, 2), padding: (1, 1), dilation: (2, 1), ceilMode: true) }
        // Overlapping windows send several gradients to one winner.
        G.assertGradients([x]) { try Functional.maxPool2d($0[0], kernel: (3, 3), stride: (1, 1)) }
    }

    /// Rows of 8 or more interior windows take the SIMD path; NaN and ties must behave as
    /// in the scalar path (NaN wins, the first of equal maxima is chosen).
    func testWideRows() throws {
        let x = ConvTest.distinct([1, 2, 3, 37], seed: 9)
        G.assertGradients([x]) { try Functional.maxPool2d($0[0], kernel: (2, 3), stride: (1, 1), padding: (1, 1)) }
        G.assertGradients([x]) { try Functional.maxPool2d($0[0], kernel: (3, 2), stride: (2, 3), padding: (1, 1), dilation: (1, 2)) }

        var values = [Float](repeating: 1, count: 40)
        values[13] = .nan
        values[20] = 2
        values[21] = 2
        let row = try Tensor(values, shape: [1, 1, 1, 40]).setRequiresGrad()
        let y = try Functional.maxPool2d(row, kernel: (1, 2))
        let out = y.toFloatArray()
        XCTAssertTrue(out[6].isNaN)
        XCTAssertEqual(out[10], 2)
        try y.backward(Tensor.full([1, 1, 1, 20], 1))
        let g = row.grad?.toFloatArray() ?? []
        // Window 10 holds two equal maxima, 20 and 21: the first one gets the gradient;
        // window 0 holds two 1s: the first again.
        XCTAssertEqual(g[20], 1)
        XCTAssertEqual(g[21], 0)
        XCTAssertEqual(g[0], 1)
        XCTAssertEqual(g[1], 0)
        XCTAssertEqual(g[13], 1)
    }

    func testAvgPoolValues() throws {
        let x = try grid(4, 4)
        XCTAssertEqual(try Functional.avgPool2d(x, kernel: (2, 2)).toFloatArray(), [2.5, 4.5, 10.5, 12.5])
        // Corner window with padding 1: cells 0, 1, 4, 5 of 9 (include pad) or of 4.
        let inc = try Functional.avgPool2d(x, kernel: (3, 3), stride: (2, 2), padding: (1, 1))
        let exc = try Functional.avgPool2d(x, kernel: (3, 3), stride: (2, 2), padding: (1, 1), countIncludePad: false)
        XCTAssertEqual(inc.toFloatArray()[0], 10.0 / 9, accuracy: 1e-6)
        XCTAssertEqual(exc.toFloatArray()[0], 10.0 / 4, accuracy: 1e-6)
    }

    func testAvgPoolGradients() {
        let x = ConvTest.leaf([2, 2, 7, 6], seed: 2)
        G.assertGradients([x]) { try Functional.avgPool2d($0[0], kernel: (2, 2)) }
        G.assertGradients([x]) { try Functional.avgPool2d($0[0], kernel: (3, 3), stride: (2, 2), padding: (1, 1)) }
        G.assertGradients([x]) {
            try Functional.avgPool2d($0[0], kernel: (3, 3), stride: (2, 2), padding: (1, 1), countIncludePad: false)
        }
        G.assertGradients([x]) { try Functional.avgPool2d($0[0], kernel: (2, 3), stride: (2, 2), padding: (1, 1), ceilMode: true) }
        G.assertGradients([x]) {
            try Functional.avgPool2d($0[0], kernel: (3, 2), stride: (2, 3), ceilMode: true, countIncludePad: false)
        }
    }

    func testAdaptiveBins() throws {
        // 5 -> 3: bins [0, 2), [1, 4), [3, 5) overlap where 3 does not divide 5.
        let x = try Tensor([1, 2, 3, 4, 5], shape: [1, 1, 1, 5])
        let y = try Functional.adaptiveAvgPool2d(x, outputSize: (1, 3))
        XCTAssertEqual(y.toFloatArray(), [1.5, 3, 4.5])
        XCTAssertEqual(try Functional.adaptiveMaxPool2d(x, outputSize: (1, 3)).toFloatArray(), [2, 4, 5])
        // Larger than the input: 2 -> 3 gives bins [0, 1), [0, 2), [1, 2).
        let up = try Functional.adaptiveAvgPool2d(Tensor([2, 4], shape: [1, 1, 1, 2]), outputSize: (1, 3))
        XCTAssertEqual(up.toFloatArray(), [2, 3, 4])
        // Global average pooling of a [C, H, W] input.
        let g = try Functional.adaptiveAvgPool2d(grid(3, 4).reshape([1, 3, 4]), outputSize: (1, 1))
        XCTAssertEqual(g.shape, [1, 1, 1])
        XCTAssertEqual(g.toFloatArray(), [5.5])
    }

    func testAdaptiveGradients() {
        let x = ConvTest.leaf([2, 2, 7, 5], seed: 3)
        G.assertGradients([x]) { try Functional.adaptiveAvgPool2d($0[0], outputSize: (3, 2)) }
        G.assertGradients([x]) { try Functional.adaptiveAvgPool2d($0[0], outputSize: (9, 7)) }
        G.assertGradients([x]) { try Functional.adaptiveAvgPool2d($0[0], outputSize: (1, 1)) }
        let d = ConvTest.distinct([2, 2, 7, 5], seed: 4)
        G.assertGradients([d]) { try Functional.adaptiveMaxPool2d($0[0], outputSize: (3, 2)) }
        G.assertGradients([d]) { try Functional.adaptiveMaxPool2d($0[0], outputSize: (8, 6)) }
    }

    func testUnbatchedInputs() throws {
        let x = ConvTest.distinct([3, 6, 5], seed: 5)
        XCTAssertEqual(try Functional.maxPool2d(x, kernel: (2, 2)).shape, [3, 3, 2])
        XCTAssertEqual(try Functional.avgPool2d(x, kernel: (2, 2)).shape, [3, 3, 2])
        XCTAssertEqual(try Functional.adaptiveMaxPool2d(x, outputSize: (4, 4)).shape, [3, 4, 4])
        G.assertGradients([x]) { try Functional.maxPool2d($0[0], kernel: (2, 2), padding: (1, 1)) }
        G.assertGradients([x]) { try Functional.adaptiveAvgPool2d($0[0], outputSize: (2, 3)) }
    }

    func testNonContiguousInput() {
        let x = ConvTest.distinct([2, 5, 6, 3], seed: 6)
        G.assertGradients([x]) { try Functional.maxPool2d($0[0].permute([0, 3, 1, 2]), kernel: (2, 2)) }
        G.assertGradients([x]) { try Functional.avgPool2d($0[0].permute([0, 3, 1, 2]), kernel: (2, 2), stride: (1, 1)) }
    }

    func testErrors() throws {
        let x = try grid(4, 4)
        ConvTest.assertThrows("max_pool2d: padding (2, 2) must be at most half the kernel size (3, 3)") {
            try Functional.maxPool2d(x, kernel: (3, 3), padding: (2, 2))
        }
        ConvTest.assertThrows("max_pool2d: output size 0x0 is too small: input [1, 1, 4, 4] with kernel (5, 5), stride (5, 5), padding (0, 0), dilation (1, 1)") {
            try Functional.maxPool2d(x, kernel: (5, 5))
        }
        ConvTest.assertThrows("avg_pool2d: kernel_size must be positive, got (0, 2)") {
            try Functional.avgPool2d(x, kernel: (0, 2))
        }
        ConvTest.assertThrows("max_pool2d: stride must be positive, got (0, 1)") {
            try Functional.maxPool2d(x, kernel: (2, 2), stride: (0, 1))
        }
        ConvTest.assertThrows("max_pool2d: expected input [N, C, H, W] or unbatched [C, H, W], got [4, 4]") {
            try Functional.maxPool2d(x.reshape([4, 4]), kernel: (2, 2))
        }
        ConvTest.assertThrows("avg_pool2d: expected an input with non-empty height and width, got [1, 1, 0, 4]") {
            try Functional.avgPool2d(Tensor.zeros([1, 1, 0, 4]), kernel: (1, 1))
        }
        ConvTest.assertThrows("adaptive_avg_pool2d: output_size must be positive, got (0, 2)") {
            try Functional.adaptiveAvgPool2d(x, outputSize: (0, 2))
        }
        ConvTest.assertThrows("adaptive_max_pool2d: expected a float32 or float64 input, got int64 (shape [2, 2, 2])") {
            try Functional.adaptiveMaxPool2d(Tensor.zeros([2, 2, 2], dtype: .int64), outputSize: (1, 1))
        }
    }
}
