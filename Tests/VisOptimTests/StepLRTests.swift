import XCTest
@testable import VisOptim
import VisTensor

/// StepLR against PyTorch (two groups, 40 steps), resuming, checks.
final class StepLRTests: XCTestCase {
    func testMatchesPyTorchAndResumes() throws {
        try SchedulerReference.check(prefix: "steplr")
    }

    func testChecksAndInitialLR() throws {
        let opt = try SGD([try param([1])], lr: 0.1)
        assertThrowsMessage("StepLR: step_size must be a positive integer, got 0") { try StepLR(opt, stepSize: 0) }
        let s = try StepLR(opt, stepSize: 2)
        XCTAssertEqual(opt.paramGroups.first?.options["initial_lr"], 0.1)
        XCTAssertEqual(s.lastEpoch, 0)
        XCTAssertEqual(s.stepCount, 1)
        XCTAssertEqual(s.lastLR, [0.1])
        assertThrowsMessage("StepLR: step() takes no metric (only ReduceLROnPlateau steps on a metric)") { try s.step(0.5) }
        let d = s.stateDict()
        XCTAssertEqual(d.keys.sorted(), ["_last_lr", "_step_count", "base_lrs", "gamma", "last_epoch", "step_size"])
    }
}
