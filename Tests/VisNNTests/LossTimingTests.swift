import Foundation
import XCTest
import VisNN
import VisTensor

/// Timing of cross_entropy forward + backward, printed, not asserted (machines and
/// their load differ). Skipped unless VIS_TIMING is set; meaningful in release:
///
///     VIS_TIMING=1 swift test -c release -Xswiftc -enable-testing --filter LossTimingTests
final class LossTimingTests: XCTestCase {
    /// Median microseconds per forward (+ backward) over `rounds` rounds of `iterations`.
    func time(_ x: Tensor, _ y: Tensor, iterations: Int, rounds: Int = 9, labelSmoothing: Double = 0,
              backward: Bool = true) throws -> Double {
        var samples: [Double] = []
        for _ in 0..<rounds {
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<iterations {
                x.grad = nil
                let loss = try Functional.crossEntropy(x, y, labelSmoothing: labelSmoothing)
                if backward { try loss.backward() }
            }
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e3 / Double(iterations))
        }
        return samples.sorted()[rounds / 2]
    }

    func testCrossEntropyTiming() throws {
        try XCTSkipUnless(ProcessInfo.processInfo.environment["VIS_TIMING"] != nil, "set VIS_TIMING=1 to time")
        let logits = try LossTest.random([64, 10], seed: 81).setRequiresGrad()
        let labels = try Tensor.randint(0, 10, [64], generator: Generator(seed: 82))
        let pixels = try LossTest.random([8, 2, 64, 64], seed: 83).setRequiresGrad()
        let masks = try Tensor.randint(0, 2, [8, 64, 64], generator: Generator(seed: 84))
        for (name, x, y, n) in [("[64, 10]", logits, labels, 2000), ("[8, 2, 64, 64]", pixels, masks, 50)] {
            let forward = try withNoGrad { try time(x, y, iterations: n, backward: false) }
            let plain = try time(x, y, iterations: n)
            let smoothed = try time(x, y, iterations: n, labelSmoothing: 0.1)
            print(String(format: "cross_entropy %@: forward %.1f us, forward+backward %.1f us (label_smoothing 0.1: %.1f us)",
                         name, forward, plain, smoothed))
        }
    }
}
