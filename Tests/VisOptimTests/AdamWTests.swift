import XCTest
@testable import VisOptim
import VisTensor

/// AdamW against PyTorch (default decay, amsgrad with decay, groups), resuming, checks.
final class AdamWTests: XCTestCase {
    func testMatchesPyTorch() throws {
        for c in Reference.cases("optimizers", prefix: "adamw_") { try OptimizerReference.replay(c) }
    }

    func testResumesExactlyFromStateDict() throws {
        for c in Reference.cases("optimizers", prefix: "adamw_") { try OptimizerReference.assertResumesExactly(c) }
    }

    func testDefaultsAndChecks() throws {
        let p = try param([1, 2])
        let opt = try AdamW([p])
        XCTAssertEqual(opt.name, "AdamW")
        XCTAssertEqual(opt.defaults["weight_decay"], 1e-2)
        XCTAssertEqual(opt.defaults["lr"], 1e-3)
        assertThrowsMessage("AdamW: invalid learning rate: -1.0") { try AdamW([p], lr: -1) }
        assertThrowsMessage("AdamW: invalid weight_decay value: -0.1") { try AdamW([p], weightDecay: -0.1) }
    }

    /// With a zero gradient the moments stay zero and only the decay acts:
    /// θ ← θ·(1 − lr·wd).
    func testDecayIsDecoupled() throws {
        let p = try param([2, -4])
        let opt = try AdamW([p], lr: 0.1, weightDecay: 0.5)
        p.grad = Tensor([0, 0])
        try opt.step()
        XCTAssertEqual(p.toFloatArray(), [2 * Float(0.95), -4 * Float(0.95)])
    }
}
