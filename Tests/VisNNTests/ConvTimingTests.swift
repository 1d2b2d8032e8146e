import Foundation
import XCTest
import VisNN
import VisTensor

/// Timing of the convolution, pooling and linear kernels on W1's shapes (batch 64),
/// printed, not asserted (machines and their load differ), next to the machine's raw
/// sgemm rate measured in the same run. Skipped unless VIS_TIMING is set; meaningful
/// in release:
///
///     VIS_TIMING=1 swift test -c release -Xswiftc -enable-testing --filter ConvTimingTests
final class ConvTimingTests: XCTestCase {
    /// Median milliseconds of `body` over `rounds` runs, after two warm-up runs.
    func median(rounds: Int = 15, _ body: () throws -> Void) rethrows -> Double {
        try body()
        try body()
        var samples: [Double] = []
        for _ in 0..<rounds {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        return samples.sorted()[rounds / 2]
    }

    func report(_ name: String, ms: Double, flops: Double) {
        print(String(format: "%@: %.2f ms, %.1f GFLOP/s", name, ms, flops / ms / 1e6))
    }

    func testW1Timing() throws {
        try XCTSkipUnless(ProcessInfo.processInfo.environment["VIS_TIMING"] != nil, "set VIS_TIMING=1 to time")
        let a = ConvTest.leaf([1024, 1024], seed: 1, requiresGrad: false), b = ConvTest.leaf([1024, 1024], seed: 2, requiresGrad: false)
        report("sgemm 1024x1024x1024", ms: try median { _ = try a.matmul(b) }, flops: 2 * 1024 * 1024 * 1024)

        // (name, input, out channels, input requires grad)
        let convs: [(String, [Int], Int, Bool)] = [
            ("conv1 [64, 1, 28, 28] -> 32, 3x3 p1", [64, 1, 28, 28], 32, false),
            ("conv2 [64, 32, 14, 14] -> 64, 3x3 p1", [64, 32, 14, 14], 64, true),
        ]
        for (name, shape, o, inputGrad) in convs {
            let x = ConvTest.leaf(shape, seed: 3, requiresGrad: inputGrad)
            let w = ConvTest.leaf([o, shape[1], 3, 3], seed: 4), bias = ConvTest.leaf([o], seed: 5)
            let flops = 2.0 * Double(shape[0] * o * shape[1] * 9 * shape[2] * shape[3])
            let g = ConvTest.leaf([shape[0], o, shape[2], shape[3]], seed: 6, requiresGrad: false)
            let forward = try withNoGrad {
                try median { _ = try Functional.conv2d(x, weight: w, bias: bias, padding: .explicit(1, 1)) }
            }
            report(name + " forward", ms: forward, flops: flops)
            let both = try median {
                w.grad = nil; bias.grad = nil; x.grad = nil
                try Functional.conv2d(x, weight: w, bias: bias, padding: .explicit(1, 1)).backward(g)
            }
            // Backward: dW, plus dX when the input requires grad.
            report(name + " forward+backward", ms: both, flops: flops * (inputGrad ? 3 : 2))
        }

        let pooled = ConvTest.leaf([64, 32, 28, 28], seed: 7)
        let gp = ConvTest.leaf([64, 32, 14, 14], seed: 8, requiresGrad: false)
        let poolForward = try withNoGrad { try median { _ = try Functional.maxPool2d(pooled, kernel: (2, 2)) } }
        let poolRecorded = try median { _ = try Functional.maxPool2d(pooled, kernel: (2, 2)) }
        let poolBoth = try median {
            pooled.grad = nil
            try Functional.maxPool2d(pooled, kernel: (2, 2)).backward(gp)
        }
        print(String(format: "max_pool2d [64, 32, 28, 28] 2x2: forward %.2f ms (recording indices %.2f ms), forward+backward %.2f ms",
                     poolForward, poolRecorded, poolBoth))

        let features = ConvTest.leaf([64, 3136], seed: 9, requiresGrad: false)
        let w = ConvTest.leaf([128, 3136], seed: 10), bias = ConvTest.leaf([128], seed: 11)
        let gl = ConvTest.leaf([64, 128], seed: 12, requiresGrad: false)
        let linearMs = try median {
            w.grad = nil; bias.grad = nil
            try Functional.linear(features, weight: w, bias: bias).backward(gl)
        }
        report("linear [64, 3136] -> 128 forward+backward", ms: linearMs, flops: 2 * 2.0 * 64 * 3136 * 128)
    }
}
