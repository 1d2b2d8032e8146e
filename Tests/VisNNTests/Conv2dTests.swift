import COpenBLAS
import XCTest
import VisNN
import VisTensor

/// conv2d: gradients against finite differences for every option, values against a
/// direct seven-loop convolution, error messages, the OpenBLAS thread setting, and
/// steady-state allocation.
final class Conv2dTests: XCTestCase {
    typealias G = NNGradCheck

    func testGradientsPlain() {
        let x = ConvTest.leaf([2, 3, 5, 4], seed: 1), w = ConvTest.leaf([4, 3, 3, 3], seed: 2), b = ConvTest.leaf([4], seed: 3)
        G.assertGradients([x, w, b]) { try Functional.conv2d($0[0], weight: $0[1], bias: $0[2]) }
    }

    func testGradientsStrideAndAsymmetricPadding() {
        let x = ConvTest.leaf([2, 2, 7, 6], seed: 4), w = ConvTest.leaf([3, 2, 3, 2], seed: 5), b = ConvTest.leaf([3], seed: 6)
        G.assertGradients([x, w, b]) {
            try Functional.conv2d($0[0], weight: $0[1], bias: $0[2], stride: (2, 3), padding: .explicit(1, 2))
        }
    }

    func testGradientsDilation() {
        let x = ConvTest.leaf([2, 2, 7, 7], seed: 7), w = ConvTest.leaf([2, 2, 3, 2], seed: 8)
        G.assertGradients([x, w]) {
            try Functional.conv2d($0[0], weight: $0[1], stride: (1, 2), padding: .explicit(2, 1), dilation: (2, 3))
        }
    }

    func testGradientsGroups() {
        let x = ConvTest.leaf([3, 4, 5, 5], seed: 9), w = ConvTest.leaf([6, 2, 3, 3], seed: 10), b = ConvTest.leaf([6], seed: 11)
        G.assertGradients([x, w, b]) {
            try Functional.conv2d($0[0], weight: $0[1], bias: $0[2], padding: .explicit(1, 1), groups: 2)
        }
    }

    func testGradientsDepthwise() {
        let x = ConvTest.leaf([2, 3, 6, 5], seed: 12), w = ConvTest.leaf([3, 1, 3, 3], seed: 13)
        G.assertGradients([x, w]) {
            try Functional.conv2d($0[0], weight: $0[1], stride: (2, 2), padding: .explicit(1, 1), groups: 3)
        }
    }

    func testGradientsSamePaddingOddTotal() throws {
        // kh = 4: total padding 3, one row above and two below; the width's dilated 3-tap
        // kernel pads 2 on each side. The output keeps the input's size.
        let x = ConvTest.leaf([2, 2, 5, 6], seed: 14), w = ConvTest.leaf([3, 2, 4, 3], seed: 15), b = ConvTest.leaf([3], seed: 16)
        XCTAssertEqual(try Functional.conv2d(x, weight: w, bias: b, padding: .same, dilation: (1, 2)).shape, [2, 3, 5, 6])
        G.assertGradients([x, w, b]) {
            try Functional.conv2d($0[0], weight: $0[1], bias: $0[2], padding: .same, dilation: (1, 2))
        }
    }

    func testGradientsValidPadding() throws {
        let x = ConvTest.leaf([1, 2, 5, 6], seed: 17), w = ConvTest.leaf([2, 2, 2, 3], seed: 18)
        XCTAssertEqual(try Functional.conv2d(x, weight: w, padding: .valid).shape, [1, 2, 4, 4])
        G.assertGradients([x, w]) { try Functional.conv2d($0[0], weight: $0[1], padding: .valid) }
    }

    func testGradientsPointwiseFastPath() {
        // 1x1, stride 1, unpadded: the input is its own column matrix (no im2col).
        let x = ConvTest.leaf([3, 4, 3, 5], seed: 19), w = ConvTest.leaf([5, 4, 1, 1], seed: 20), b = ConvTest.leaf([5], seed: 21)
        G.assertGradients([x, w, b]) { try Functional.conv2d($0[0], weight: $0[1], bias: $0[2]) }
        let wg = ConvTest.leaf([4, 2, 1, 1], seed: 22)
        G.assertGradients([x, wg]) { try Functional.conv2d($0[0], weight: $0[1], groups: 2) }
    }

    func testGradientsPointwiseStrided() {
        let x = ConvTest.leaf([2, 3, 5, 5], seed: 23), w = ConvTest.leaf([4, 3, 1, 1], seed: 24)
        G.assertGradients([x, w]) { try Functional.conv2d($0[0], weight: $0[1], stride: (2, 2)) }
    }

    func testGradientsOfOneInputAtATime() {
        // Only the weight (x is data), then only the input (a frozen layer).
        let xData = ConvTest.leaf([3, 2, 5, 5], seed: 25, requiresGrad: false)
        let w = ConvTest.leaf([3, 2, 3, 3], seed: 26), b = ConvTest.leaf([3], seed: 27)
        G.assertGradients([w, b]) { try Functional.conv2d(xData, weight: $0[0], bias: $0[1], padding: .explicit(1, 1)) }
        let x = ConvTest.leaf([3, 2, 5, 5], seed: 28)
        let wFrozen = ConvTest.leaf([3, 2, 3, 3], seed: 29, requiresGrad: false)
        G.assertGradients([x]) { try Functional.conv2d($0[0], weight: wFrozen, padding: .explicit(1, 1)) }
    }

    func testGradientsUnbatchedAndNonContiguousInput() throws {
        let x = ConvTest.leaf([2, 5, 4], seed: 30), w = ConvTest.leaf([3, 2, 3, 3], seed: 31)
        XCTAssertEqual(try Functional.conv2d(x, weight: w, padding: .explicit(1, 1)).shape, [3, 5, 4])
        G.assertGradients([x, w]) { try Functional.conv2d($0[0], weight: $0[1], padding: .explicit(1, 1)) }
        let xt = ConvTest.leaf([2, 2, 4, 5], seed: 32)
        G.assertGradients([xt, w]) { try Functional.conv2d($0[0].transpose(2, 3), weight: $0[1], padding: .explicit(1, 0)) }
    }

    /// Values against a direct convolution for a grid of options, with batches of 1 (one
    /// worker, multi-threaded OpenBLAS), 3 and 5 (uneven splits across workers).
    func testMatchesDirectConvolution() throws {
        let configs: [(n: Int, c: Int, h: Int, w: Int, o: Int, k: (Int, Int), s: (Int, Int), p: (Int, Int), d: (Int, Int), g: Int)] = [
            (1, 3, 9, 8, 4, (3, 3), (1, 1), (1, 1), (1, 1), 1),
            (3, 4, 8, 9, 6, (3, 2), (2, 1), (1, 0), (1, 2), 2),
            (5, 6, 7, 7, 6, (3, 3), (2, 2), (2, 2), (2, 2), 6),
            (3, 8, 6, 6, 4, (1, 1), (1, 1), (0, 0), (1, 1), 1),
            (5, 2, 11, 5, 3, (5, 1), (3, 1), (2, 0), (1, 1), 1),
        ]
        for (i, cfg) in configs.enumerated() {
            let x = ConvTest.leaf([cfg.n, cfg.c, cfg.h, cfg.w], seed: UInt64(100 + i), requiresGrad: false)
            let w = ConvTest.leaf([cfg.o, cfg.c / cfg.g, cfg.k.0, cfg.k.1], seed: UInt64(200 + i), requiresGrad: false)
            let b = ConvTest.leaf([cfg.o], seed: UInt64(300 + i), requiresGrad: false)
            let y = try Functional.conv2d(x, weight: w, bias: b, stride: cfg.s, padding: .explicit(cfg.p.0, cfg.p.1),
                                          dilation: cfg.d, groups: cfg.g)
            let expected = ConvTest.directConv2d(x, w, b, stride: cfg.s, padTop: cfg.p.0, padLeft: cfg.p.1, dilation: cfg.d,
                                                 groups: cfg.g, outH: y.shape[2], outW: y.shape[3])
            let actual = y.toDoubleArray()
            XCTAssertEqual(actual.count, expected.count, "config \(i)")
            for j in 0..<Swift.min(actual.count, expected.count) where Swift.abs(actual[j] - expected[j]) > 1e-5 + 1e-5 * Swift.abs(expected[j]) {
                XCTFail("config \(i): element \(j) is \(actual[j]), expected \(expected[j])")
                break
            }
        }
    }

    func testZeroSizedBatchAndChannels() throws {
        let w = ConvTest.leaf([2, 3, 3, 3], seed: 40)
        let empty = try Tensor.zeros([0, 3, 5, 5]).setRequiresGrad()
        let y = try Functional.conv2d(empty, weight: w, padding: .explicit(1, 1))
        XCTAssertEqual(y.shape, [0, 2, 5, 5])
        try y.sum().backward()
        XCTAssertEqual(w.grad?.toFloatArray(), [Float](repeating: 0, count: 54))
    }

    func testErrors() {
        let w = ConvTest.leaf([16, 3, 3, 3], seed: 41, requiresGrad: false)
        let x = ConvTest.leaf([8, 1, 28, 28], seed: 42, requiresGrad: false)
        ConvTest.assertThrows("conv2d: expected input with 3 channels (weight [16, 3, 3, 3]), got [8, 1, 28, 28]") {
            try Functional.conv2d(x, weight: w)
        }
        let x3 = ConvTest.leaf([1, 4, 4], seed: 43, requiresGrad: false)
        ConvTest.assertThrows("conv2d: expected input with 3 channels (weight [16, 3, 3, 3]), got [1, 4, 4]") {
            try Functional.conv2d(x3, weight: w)
        }
        let x6 = ConvTest.leaf([2, 6, 8, 8], seed: 44, requiresGrad: false)
        ConvTest.assertThrows("conv2d: expected input with 9 channels (weight [15, 3, 3, 3], groups=3), got [2, 6, 8, 8]") {
            try Functional.conv2d(x6, weight: ConvTest.leaf([15, 3, 3, 3], seed: 45, requiresGrad: false), groups: 3)
        }
        ConvTest.assertThrows("conv2d: groups=3 must divide the 16 output channels of weight [16, 2, 3, 3]") {
            try Functional.conv2d(x6, weight: ConvTest.leaf([16, 2, 3, 3], seed: 46, requiresGrad: false), groups: 3)
        }
        let small = ConvTest.leaf([1, 3, 2, 2], seed: 47, requiresGrad: false)
        ConvTest.assertThrows("conv2d: kernel 5x5 (dilation 1x1, spanning 5x5) does not fit the padded input 4x4 (input [1, 3, 2, 2], weight [16, 3, 5, 5])") {
            try Functional.conv2d(small, weight: ConvTest.leaf([16, 3, 5, 5], seed: 48, requiresGrad: false), padding: .explicit(1, 1))
        }
        ConvTest.assertThrows("conv2d: kernel 3x3 (dilation 2x2, spanning 5x5) does not fit the padded input 2x2 (input [1, 3, 2, 2], weight [16, 3, 3, 3])") {
            try Functional.conv2d(small, weight: w, dilation: (2, 2))
        }
        ConvTest.assertThrows("conv2d: padding=\"same\" needs stride 1, got stride (2, 2)") {
            try Functional.conv2d(x, weight: w, stride: (2, 2), padding: .same)
        }
        ConvTest.assertThrows("conv2d: stride must be positive, got (0, 1)") {
            try Functional.conv2d(x, weight: w, stride: (0, 1))
        }
        ConvTest.assertThrows("conv2d: padding must be non-negative, got (-1, 0)") {
            try Functional.conv2d(x, weight: w, padding: .explicit(-1, 0))
        }
        ConvTest.assertThrows("conv2d: groups must be positive, got 0") {
            try Functional.conv2d(x, weight: w, groups: 0)
        }
        ConvTest.assertThrows("conv2d: expected weight [out_channels, in_channels / groups, kh, kw], got [16, 27]") {
            try Functional.conv2d(x, weight: w.reshape([16, 27]))
        }
        ConvTest.assertThrows("conv2d: expected bias [16] for weight [16, 3, 3, 3], got [3]") {
            try Functional.conv2d(ConvTest.leaf([1, 3, 5, 5], seed: 49, requiresGrad: false), weight: w,
                                  bias: ConvTest.leaf([3], seed: 50, requiresGrad: false))
        }
        ConvTest.assertThrows("conv2d: expected input [N, C, H, W] or unbatched [C, H, W], got [28, 28]") {
            try Functional.conv2d(Tensor.zeros([28, 28]), weight: w)
        }
        ConvTest.assertThrows("conv2d: expected a float32 input, got int64 (shape [1, 3, 5, 5])") {
            try Functional.conv2d(Tensor.zeros([1, 3, 5, 5], dtype: .int64), weight: w)
        }
    }

    /// Concurrent image workers run OpenBLAS single-threaded; its setting comes back.
    func testRestoresOpenBLASThreadCount() throws {
        let before = openblas_get_num_threads()
        let x = ConvTest.leaf([4, 2, 6, 6], seed: 51), w = ConvTest.leaf([3, 2, 3, 3], seed: 52)
        try Functional.conv2d(x, weight: w, padding: .explicit(1, 1)).sum().backward()
        XCTAssertEqual(openblas_get_num_threads(), before)
    }

    /// A training loop at fixed shapes takes every buffer from the cache after warming up.
    func testSteadyStateAllocatesNothing() throws {
        let x = ConvTest.leaf([8, 3, 12, 12], seed: 53, requiresGrad: false)
        let w = ConvTest.leaf([6, 3, 3, 3], seed: 54), b = ConvTest.leaf([6], seed: 55)
        let w2 = ConvTest.leaf([4, 6, 1, 1], seed: 56)
        var counts: [Int] = []
        for _ in 0..<20 {
            w.grad = nil; b.grad = nil; w2.grad = nil
            let h = try Functional.conv2d(x, weight: w, bias: b, stride: (2, 2), padding: .explicit(1, 1))
            let y = try Functional.conv2d(h, weight: w2)
            try y.sum().backward()
            counts.append(BufferCache.shared.systemAllocations)
        }
        XCTAssertEqual(Set(counts.dropFirst(2)).count, 1, "system allocations per iteration: \(counts)")
    }
}
