import XCTest
@testable import VisOptim
import VisTensor

/// LinearWarmup against PyTorch's SequentialLR([LinearLR, after], milestones=[warmup])
/// with cosine, step, multi-step (a milestone at 0) and exponential schedules after
/// it, and against LinearLR alone without one; resuming; checks.
final class LinearWarmupTests: XCTestCase {
    func testMatchesPyTorchAndResumes() throws {
        try SchedulerReference.check(prefix: "warmup_")
    }

    func testChecks() throws {
        let opt = try SGD([try param([1])], lr: 0.1)
        let other = try SGD([try param([1])], lr: 0.1)
        assertThrowsMessage("LinearWarmup: the number of warm-up steps must be a positive integer, got 0") {
            try LinearWarmup(opt, warmupSteps: 0)
        }
        assertThrowsMessage("LinearWarmup: start_factor must be greater than 0 and at most 1, got 2.0") {
            try LinearWarmup(opt, warmupSteps: 3, startFactor: 2)
        }
        let foreign = try StepLR(other, stepSize: 2)
        assertThrowsMessage("LinearWarmup: the scheduler after the warm-up (StepLR) belongs to a different optimizer") {
            try LinearWarmup(opt, warmupSteps: 3, after: foreign)
        }
        let plateau = try ReduceLROnPlateau(opt)
        assertThrowsMessage("LinearWarmup: cannot hand over to ReduceLROnPlateau, which steps on a metric; step it separately after the warm-up") {
            try LinearWarmup(opt, warmupSteps: 3, after: plateau)
        }
    }

    /// The documented numbers: b·s at step 0, b·(s + (1 − s)·t/W) during the ramp,
    /// then the cosine from b.
    func testDocumentedNumbers() throws {
        let opt = try SGD([try param([1])], lr: 0.1)
        let w = try LinearWarmup(opt, warmupSteps: 4, startFactor: 0.2, after: try CosineAnnealingLR(opt, tMax: 10))
        var lrs = [opt.lr]
        for _ in 0..<6 { try w.step(); lrs.append(opt.lr) }
        for (t, expected) in [0.02, 0.04, 0.06, 0.08].enumerated() {
            XCTAssertEqual(lrs[t], expected, accuracy: 1e-15, "step \(t)")
        }
        XCTAssertEqual(lrs[4], 0.1)
        XCTAssertEqual(lrs[5], 0.1 * (1 + cos(Double.pi / 10)) / 2, accuracy: 1e-15)
        XCTAssertEqual(w.lastLR, [lrs[6]])
    }
}
