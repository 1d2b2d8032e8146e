import XCTest
@testable import VisOptim
import VisTensor

/// ReduceLROnPlateau against PyTorch: mode min and max, thresholds rel and abs,
/// cooldown, scalar and per-group min_lr, eps; resuming; checks.
final class ReduceLROnPlateauTests: XCTestCase {
    func testMatchesPyTorchAndResumes() throws {
        try SchedulerReference.check(prefix: "plateau_")
    }

    func testChecks() throws {
        let opt = try Adam([try param([1])])
        assertThrowsMessage("ReduceLROnPlateau: mode 'maximum' is unknown (use \"min\" or \"max\")") { try ReduceLROnPlateau(opt, mode: "maximum") }
        assertThrowsMessage("ReduceLROnPlateau: threshold mode 'relative' is unknown (use \"rel\" or \"abs\")") {
            try ReduceLROnPlateau(opt, thresholdMode: "relative")
        }
        assertThrowsMessage("ReduceLROnPlateau: factor should be < 1.0, got 1.0") { try ReduceLROnPlateau(opt, factor: 1) }
        assertThrowsMessage("ReduceLROnPlateau: expected 1 min_lrs (one per parameter group), got 2") {
            try ReduceLROnPlateau(opt, minLRs: [0, 0])
        }
        let s = try ReduceLROnPlateau(opt, mode: "max")
        assertThrowsMessage("ReduceLROnPlateau: step() needs the metric to watch: call step(metric), e.g. step(val_loss) or step(val_acc)") {
            try s.step()
        }
        XCTAssertNil(opt.paramGroups.first?.options["initial_lr"], "like PyTorch's, it sets no initial_lr")
        XCTAssertEqual(s.best, -.infinity)
        XCTAssertEqual(s.stateDict()["best"], .number(-.infinity))
    }

    /// The seeds' pattern: Adam + ReduceLROnPlateau(mode="max", patience=3, factor=0.5)
    /// stepped on validation accuracy.
    func testSeedUsage() throws {
        let opt = try Adam([try param([1])], lr: 0.001)
        let s = try ReduceLROnPlateau(opt, mode: "max", factor: 0.5, patience: 3)
        for acc in [0.5, 0.6, 0.6, 0.6, 0.6] { try s.step(acc) }
        XCTAssertEqual(opt.lr, 0.001)
        try s.step(0.6)
        XCTAssertEqual(opt.lr, 0.0005)
        XCTAssertEqual(s.lastLR, [0.0005])
    }
}
