import Foundation
import XCTest
import VisNN
import VisTensor

/// Timing of the convolution, pooling and linear kernels on W1's shapes (batch 64),
/// printed, not asserted (machines and their load differ), next to the machine's raw
/// sgemm rate measured in the same run. Each line gives the best wall time and the best
/// process CPU time per call; on a shared machine the CPU time (and GFLOP per
/// CPU-second, to compare with sgemm's) says more than the wall time. Skipped unless
/// VIS_TIMING is set; meaningful in release:
///
///     VIS_TIMING=1 swift test -c release -Xswiftc -enable-testing --filter ConvTimingTests
final class ConvTimingTests: XCTestCase {
    func cpuSeconds() -> Double {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
    }

    /// Best wall and best CPU milliseconds per call, over `rounds` rounds of `per` calls.
    func measure(rounds: Int = 12, per: Int = 5, _ body: () throws -> Void) rethrows -> (wall: Double, cpu: Double) {
        try body()
        var wall = Double.infinity, cpu = Double.infinity
        for _ in 0..<rounds {
            let c0 = cpuSeconds(), t0 = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<per { try body() }
            wall = Swift.min(wall, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6 / Double(per))
            cpu = Swift.min(cpu, (cpuSeconds() - c0) * 1e3 / Double(per))
        }
        return (wall, cpu)
    }

    func report(_ name: String, _ t: (wall: Double, cpu: Double), flops: Double? = nil) {
        if let flops {
            print(String(format: "%@: %.2f ms (%.1f GFLOP/s); CPU %.2f ms (%.1f GFLOP per CPU-s)",
                         name, t.wall, flops / t.wall / 1e6, t.cpu, flops / t.cpu / 1e6))
        } else {
            print(String(format: "%@: %.2f ms; CPU %.2f ms", name, t.wall, t.cpu))
        }
    }

    func testW1Timing() throws {
        try XCTSkipUnless(ProcessInfo.processInfo.environment["VIS_TIMING"] != nil, "set VIS_TIMING=1 to time")
        let a = ConvTest.leaf([1024, 1024], seed: 1, requiresGrad: false), b = ConvTest.leaf([1024, 1024], seed: 2, requiresGrad: false)
        report("sgemm 1024x1024x1024", try measure { _ = try a.matmul(b) }, flops: 2 * 1024 * 1024 * 1024)

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
                try measure { _ = try Functional.conv2d(x, weight: w, bias: bias, padding: .explicit(1, 1)) }
            }
            report(name + " forward", forward, flops: flops)
            let both = try measure {
                w.grad = nil; bias.grad = nil; x.grad = nil
                try Functional.conv2d(x, weight: w, bias: bias, padding: .explicit(1, 1)).backward(g)
            }
            // Backward: dW, plus dX when the input requires grad.
            report(name + " forward+backward", both, flops: flops * (inputGrad ? 3 : 2))
        }

        let pooled = ConvTest.leaf([64, 32, 28, 28], seed: 7)
        let gp = ConvTest.leaf([64, 32, 14, 14], seed: 8, requiresGrad: false)
        report("max_pool2d [64, 32, 28, 28] 2x2 forward", try withNoGrad { try measure { _ = try Functional.maxPool2d(pooled, kernel: (2, 2)) } })
        report("max_pool2d [64, 32, 28, 28] 2x2 forward+backward", try measure {
            pooled.grad = nil
            try Functional.maxPool2d(pooled, kernel: (2, 2)).backward(gp)
        })

        let features = ConvTest.leaf([64, 3136], seed: 9, requiresGrad: false)
        let w = ConvTest.leaf([128, 3136], seed: 10), bias = ConvTest.leaf([128], seed: 11)
        let gl = ConvTest.leaf([64, 128], seed: 12, requiresGrad: false)
        report("linear [64, 3136] -> 128 forward+backward", try measure {
            w.grad = nil; bias.grad = nil
            try Functional.linear(features, weight: w, bias: bias).backward(gl)
        }, flops: 2 * 2.0 * 64 * 3136 * 128)
    }
}
