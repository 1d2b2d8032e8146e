import XCTest
@testable import VisOptim
import VisTensor

/// LinearLR against PyTorch (a ramp up, and a slow ramp down), resuming, checks.
final class LinearLRTests: XCTestCase {
    func testMatchesPyTorchAndResumes() throws {
        try SchedulerReference.check(prefix: "linearlr")
    }

    func testChecks() throws {
        let opt = try SGD([try param([1])], lr: 0.1)
        assertThrowsMessage("LinearLR: start_factor must be greater than 0 and at most 1, got 0.0") { try LinearLR(opt, startFactor: 0) }
        assertThrowsMessage("LinearLR: end_factor must be between 0 and 1, got 1.5") { try LinearLR(opt, endFactor: 1.5) }
    }
}
