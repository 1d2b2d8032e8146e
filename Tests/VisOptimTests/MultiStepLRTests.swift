import XCTest
@testable import VisOptim
import VisTensor

/// MultiStepLR against PyTorch (a repeated milestone decays twice), resuming.
final class MultiStepLRTests: XCTestCase {
    func testMatchesPyTorchAndResumes() throws {
        try SchedulerReference.check(prefix: "multisteplr")
    }

    func testUnsortedMilestones() throws {
        let opt = try SGD([try param([1])], lr: 1)
        let s = try MultiStepLR(opt, milestones: [3, 1], gamma: 0.5)
        XCTAssertEqual(s.milestones, [1, 3])
        var lrs: [Double] = []
        for _ in 0..<4 { try s.step(); lrs.append(opt.lr) }
        XCTAssertEqual(lrs, [0.5, 0.5, 0.25, 0.25])
    }
}
