import XCTest
@testable import VisOptim
import VisTensor

/// CosineAnnealingLR against PyTorch, 40 steps: T_max 10 with eta_min and T_max 7,
/// so the recursive form runs through T_max and climbs back up after it.
final class CosineAnnealingLRTests: XCTestCase {
    func testMatchesPyTorchAndResumes() throws {
        try SchedulerReference.check(prefix: "cosine_")
    }

    func testChecks() throws {
        let opt = try SGD([try param([1])], lr: 0.1)
        assertThrowsMessage("CosineAnnealingLR: T_max must be a positive integer, got 0") { try CosineAnnealingLR(opt, tMax: 0) }
    }
}
