import XCTest
@testable import VisOptim
import VisTensor

/// RMSprop against PyTorch (plain, momentum, centered, centered with momentum and
/// weight decay, a small alpha that takes lerp's other branch, groups), resuming,
/// checks and state.
final class RMSpropTests: XCTestCase {
    func testMatchesPyTorch() throws {
        for c in Reference.cases("optimizers", prefix: "rmsprop_") { try OptimizerReference.replay(c) }
    }

    func testResumesExactlyFromStateDict() throws {
        for c in Reference.cases("optimizers", prefix: "rmsprop_") { try OptimizerReference.assertResumesExactly(c) }
    }

    func testInvalidOptions() throws {
        let p = try param([1, 2])
        assertThrowsMessage("RMSprop: invalid learning rate: -0.01") { try RMSprop([p], lr: -0.01) }
        assertThrowsMessage("RMSprop: invalid alpha value: -0.1") { try RMSprop([p], alpha: -0.1) }
        assertThrowsMessage("RMSprop: invalid epsilon value: -1.0") { try RMSprop([p], eps: -1) }
        assertThrowsMessage("RMSprop: invalid momentum value: -0.9") { try RMSprop([p], momentum: -0.9) }
        assertThrowsMessage("RMSprop: invalid weight_decay value: -0.1") { try RMSprop([p], weightDecay: -0.1) }
    }

    func testStateBuffers() throws {
        let p = try param([1, 2])
        p.grad = Tensor([1, -1])
        let plain = try RMSprop([p])
        try plain.step()
        XCTAssertEqual(plain.state(for: p)?.buffers.keys.sorted(), ["square_avg"])
        let full = try RMSprop([p], momentum: 0.5, centered: true)
        try full.step()
        XCTAssertEqual(full.state(for: p)?.buffers.keys.sorted(), ["grad_avg", "momentum_buffer", "square_avg"])
        XCTAssertEqual(full.state(for: p)?.step, 1)
        XCTAssertEqual(full.stateDict()["param_groups"]?.list?.first?.dict?["centered"], .bool(true))
    }
}
