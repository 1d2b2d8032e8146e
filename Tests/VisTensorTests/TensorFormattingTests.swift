import XCTest
@testable import VisTensor

/// Printing matches PyTorch's `repr` (torch/_tensor_str.py) minus the `torch.` prefix.
/// Expected strings follow PyTorch's rules: one format and width shared by all shown
/// elements; integer-valued floats as `1.`; 4 decimals otherwise; scientific when the
/// largest/smallest non-zero magnitude ratio exceeds 1000, the largest exceeds 1e8 or
/// (for non-integers) the smallest is below 1e-4; rows wrap at 80 columns; more than
/// 1000 elements print 3 edge items per dimension around `...`.
final class TensorFormattingTests: XCTestCase {
    private func check(_ t: Tensor, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(t.description, expected, file: file, line: line)
    }

    func testIntegerValuedFloats() throws {
        check(try Tensor([[1, 2], [3, 4]]), "tensor([[1., 2.],\n        [3., 4.]])")
        check(Tensor.scalar(10), "tensor(10.)")
        check(Tensor([1, 100]), "tensor([  1., 100.])")
        check(Tensor([-3, 20]), "tensor([-3., 20.])")
        check(Tensor([0, 0]), "tensor([0., 0.])")
        check(Tensor([-0.0]), "tensor([-0.])")
    }

    func testFixedPointFloats() throws {
        check(Tensor([0.1, 0.25]), "tensor([0.1000, 0.2500])")
        check(Tensor.scalar(3.14159), "tensor(3.1416)")
        check(Tensor([0.12345]), "tensor([0.1235])")
        check(Tensor([-1.5, 2.25]), "tensor([-1.5000,  2.2500])")
        check(try Tensor([[1.5, -20.25], [300.125, 0.5]]), "tensor([[  1.5000, -20.2500],\n        [300.1250,   0.5000]])")
        check(Tensor([0, 0.5]), "tensor([0.0000, 0.5000])")
    }

    func testScientificFloats() throws {
        check(Tensor([1e-5, 1]), "tensor([1.0000e-05, 1.0000e+00])")
        check(Tensor([1e-5]), "tensor([1.0000e-05])")
        check(Tensor([1, 1e4]), "tensor([1.0000e+00, 1.0000e+04])")
        check(Tensor([1e9]), "tensor([1.0000e+09])")
        check(Tensor([-1e-5, 2.5e3]), "tensor([-1.0000e-05,  2.5000e+03])")
        check(Tensor([0, 1e-5, 1]), "tensor([0.0000e+00, 1.0000e-05, 1.0000e+00])")
    }

    func testNonFiniteFloats() throws {
        check(Tensor([1, .nan, .infinity]), "tensor([1., nan, inf])")
        check(Tensor([0.5, .nan]), "tensor([0.5000,    nan])")
        check(Tensor([.nan]), "tensor([nan])")
        check(Tensor([.infinity, -.infinity]), "tensor([inf, -inf])")
        check(Tensor([1e-5, -.infinity]), "tensor([1.0000e-05,       -inf])")
    }

    func testIntegersAndBools() throws {
        check(try Tensor(int64: [1, 2, 3]), "tensor([1, 2, 3])")
        check(try Tensor(int64: [1, 10, -100]), "tensor([   1,   10, -100])")
        check(Tensor.scalar(5, dtype: .int64), "tensor(5)")
        check(try Tensor(bools: [true, false]), "tensor([ true, false])")
        check(try Tensor(bools: [true, true]), "tensor([true, true])")
        check(Tensor.scalar(1, dtype: .bool), "tensor(true)")
        check(try Tensor(bools: [false, true, true, false], shape: [2, 2]), "tensor([[false,  true],\n        [ true, false]])")
    }

    func testEmptyTensors() throws {
        check(try Tensor.zeros([0]), "tensor([])")
        check(try Tensor.zeros([0, 3]), "tensor([], size=(0, 3))")
        check(try Tensor.zeros([0], dtype: .int64), "tensor([], dtype=int64)")
        check(try Tensor.zeros([2, 0], dtype: .bool), "tensor([], size=(2, 0), dtype=bool)")
        check(try Tensor.zeros([0]).setRequiresGrad(), "tensor([], requires_grad=true)")
    }

    func testHigherDimensionsAndViews() throws {
        let cube = try Tensor((0..<8).map(Float.init), shape: [2, 2, 2])
        check(cube, "tensor([[[0., 1.],\n         [2., 3.]],\n\n        [[4., 5.],\n         [6., 7.]]])")
        let m = try Tensor([[1, 2, 3], [4, 5, 6]])
        check(try m.t(), "tensor([[1., 4.],\n        [2., 5.],\n        [3., 6.]])")
        check(try m.select(1, 2), "tensor([3., 6.])")
        check(try Tensor([7]).expand([2, 3]), "tensor([[7., 7., 7.],\n        [7., 7., 7.]])")
    }

    func testLineWrapping() throws {
        check(Tensor((0..<20).map(Float.init)),
              "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n        14., 15., 16., 17., 18., 19.])")
        let wide = try Tensor((0..<40).map { Float($0) + 0.5 }, shape: [2, 20])
        check(wide, """
            tensor([[ 0.5000,  1.5000,  2.5000,  3.5000,  4.5000,  5.5000,  6.5000,  7.5000,
                      8.5000,  9.5000, 10.5000, 11.5000, 12.5000, 13.5000, 14.5000, 15.5000,
                     16.5000, 17.5000, 18.5000, 19.5000],
                    [20.5000, 21.5000, 22.5000, 23.5000, 24.5000, 25.5000, 26.5000, 27.5000,
                     28.5000, 29.5000, 30.5000, 31.5000, 32.5000, 33.5000, 34.5000, 35.5000,
                     36.5000, 37.5000, 38.5000, 39.5000]])
            """)
    }

    /// Summaries follow PyTorch, plus a `shape=` suffix (vis's addition: a summary hides the sizes).
    func testSummarisation() throws {
        check(try Tensor.arange(0, 2000), "tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n        1.9990e+03], shape=[2000])")
        check(try Tensor.arange(0, 2000, dtype: .int64), "tensor([   0,    1,    2,  ..., 1997, 1998, 1999], shape=[2000])")
        check(try Tensor.arange(0, 2000, dtype: .int64).reshape([2, 1000]),
              "tensor([[   0,    1,    2,  ...,  997,  998,  999],\n        [1000, 1001, 1002,  ..., 1997, 1998, 1999]], shape=[2, 1000])")
        let row = "[0., 0., 0.,  ..., 0., 0., 0.]"
        check(try Tensor.zeros([100, 100]), "tensor([" + [row, row, row, "...", row, row, row].joined(separator: ",\n        ") + "], shape=[100, 100])")
        let block = "[" + row + "]"
        check(try Tensor.zeros([7, 1, 200]), "tensor([" + [block, block, block, "...", block, block, block].joined(separator: ",\n\n        ") + "], shape=[7, 1, 200])")
        // Exactly 1000 elements are printed in full.
        XCTAssertFalse(try Tensor.zeros([1000]).description.contains("..."))
    }

    func testAutogradSuffixes() throws {
        let x = try Tensor([1, 2]).setRequiresGrad()
        check(x, "tensor([1., 2.], requires_grad=true)")
        check(try x * x, "tensor([1., 4.], grad_fn=<MulBackward0>)")
        check(try x.sum(), "tensor(3., grad_fn=<SumBackward0>)")
        check(try x.logSoftmax(dim: 0), "tensor([-1.3133, -0.3133], grad_fn=<LogSoftmaxBackward0>)")
        check(x.detach(), "tensor([1., 2.])")
        // A suffix that would pass 80 columns goes on its own line.
        check(try Tensor((0..<14).map(Float.init)).setRequiresGrad(),
              "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.],\n       requires_grad=true)")
    }

    func testBackwardNames() {
        XCTAssertEqual(Tensor.backwardName("mul"), "MulBackward0")
        XCTAssertEqual(Tensor.backwardName("log_softmax"), "LogSoftmaxBackward0")
        XCTAssertEqual(Tensor.backwardName("leaky_relu"), "LeakyReluBackward0")
        XCTAssertEqual(Tensor.backwardName("matmul"), "MmBackward0")
        XCTAssertEqual(Tensor.backwardName("conv2d"), "ConvolutionBackward0")
        XCTAssertEqual(Tensor.backwardName(""), "UnknownBackward0")
    }

    func testPrintOptions() throws {
        XCTAssertEqual(Tensor([1.12345]).formatted(PrintOptions(precision: 2)), "tensor([1.12])")
        XCTAssertEqual(try Tensor.arange(0, 10, dtype: .int64).formatted(PrintOptions(threshold: 5)), "tensor([0, 1, 2,  ..., 7, 8, 9], shape=[10])")
        XCTAssertEqual(Tensor([1, 2]).formatted(PrintOptions(sciMode: true)), "tensor([1.0000e+00, 2.0000e+00])")
    }
}
