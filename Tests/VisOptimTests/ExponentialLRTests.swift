import XCTest
@testable import VisOptim
import VisTensor

/// ExponentialLR against PyTorch (two groups, 40 steps), resuming.
final class ExponentialLRTests: XCTestCase {
    func testMatchesPyTorchAndResumes() throws {
        try SchedulerReference.check(prefix: "exponentiallr")
    }
}
