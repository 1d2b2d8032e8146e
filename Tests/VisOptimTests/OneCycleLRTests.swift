import XCTest
@testable import VisOptim
import VisTensor

/// OneCycleLR against PyTorch: cosine with Adam's beta1 cycling, linear three-phase
/// with SGD momentum over epochs × steps_per_epoch and per-group max_lr, and RMSprop
/// without momentum cycling; resuming; checks.
final class OneCycleLRTests: XCTestCase {
    func testMatchesPyTorchAndResumes() throws {
        try SchedulerReference.check(prefix: "onecycle_")
    }

    func testChecksAndOverstepping() throws {
        let opt = try SGD([try param([1])], lr: 0.1)
        assertThrowsMessage("OneCycleLR: you must define either total_steps or (epochs and steps_per_epoch)") {
            try OneCycleLR(opt, maxLR: 0.1)
        }
        assertThrowsMessage("OneCycleLR: expected a positive integer total_steps, got 0") { try OneCycleLR(opt, maxLR: 0.1, totalSteps: 0) }
        assertThrowsMessage("OneCycleLR: expected pct_start between 0 and 1, got 1.5") {
            try OneCycleLR(opt, maxLR: 0.1, totalSteps: 10, pctStart: 1.5)
        }
        assertThrowsMessage("OneCycleLR: anneal_strategy must be one of 'cos' or 'linear', instead got 'exp'") {
            try OneCycleLR(opt, maxLR: 0.1, totalSteps: 10, annealStrategy: "exp")
        }
        assertThrowsMessage("OneCycleLR: max_lr must have the same length as optimizer.param_groups: max_lr has 2 values, param_groups has 1") {
            try OneCycleLR(opt, maxLR: 0.1, maxLRs: [0.1, 0.2], totalSteps: 10)
        }
        let s = try OneCycleLR(opt, maxLR: 0.1, totalSteps: 3)
        for _ in 0..<3 { try s.step() }
        let lr = opt.lr
        assertThrowsMessage("OneCycleLR: tried to step 4 times; the specified number of total steps is 3") { try s.step() }
        XCTAssertEqual(s.lastEpoch, 3, "a failed step changes nothing")
        XCTAssertEqual(opt.lr, lr)
    }
}
