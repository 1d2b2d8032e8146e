import XCTest
@testable import VisOptim
import VisTensor

/// SGD against PyTorch (plain, momentum, dampening, nesterov, weight decay, groups,
/// skipped gradients), resuming from a state dict, and checks.
final class SGDTests: XCTestCase {
    func testMatchesPyTorch() throws {
        for c in Reference.cases("optimizers", prefix: "sgd_") { try OptimizerReference.replay(c) }
    }

    func testResumesExactlyFromStateDict() throws {
        for c in Reference.cases("optimizers", prefix: "sgd_") { try OptimizerReference.assertResumesExactly(c) }
    }

    func testInvalidOptions() throws {
        let p = try param([1, 2]), q = try param([3])
        assertThrowsMessage("SGD: invalid learning rate: -0.1") { try SGD([p], lr: -0.1) }
        assertThrowsMessage("SGD: invalid momentum value: -0.5") { try SGD([p], lr: 0.1, momentum: -0.5) }
        assertThrowsMessage("SGD: invalid weight_decay value: -1.0") { try SGD([p], lr: 0.1, weightDecay: -1) }
        assertThrowsMessage("SGD: Nesterov momentum requires a momentum and zero dampening (got momentum 0.0, dampening 0.0)") {
            try SGD([p], lr: 0.1, nesterov: true)
        }
        assertThrowsMessage("SGD: Nesterov momentum requires a momentum and zero dampening (got momentum 0.9, dampening 0.1)") {
            try SGD([p], lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true)
        }
        assertThrowsMessage("SGD: Nesterov momentum requires a momentum and zero dampening (got momentum 0.9, dampening 0.5) (parameter group 1)") {
            try SGD(groups: [([p], [:]), ([q], ["dampening": 0.5])], lr: 0.1, momentum: 0.9, nesterov: true)
        }
    }

    /// Without momentum SGD keeps no state; with it, `momentum_buffer` only.
    func testState() throws {
        let p = try param([1, 2])
        p.grad = Tensor([1, 1])
        let plain = try SGD([p], lr: 0.5)
        try plain.step()
        XCTAssertEqual(p.toFloatArray(), [0.5, 1.5])
        XCTAssertEqual(plain.state(for: p)?.buffers.isEmpty, true)
        XCTAssertNil(plain.state(for: p)?.step)
        XCTAssertEqual(plain.stateDict()["state"], .dict([:]))  // nothing to save, as PyTorch
        let withMomentum = try SGD([p], lr: 0.5, momentum: 0.9)
        try withMomentum.step()
        XCTAssertEqual(withMomentum.state(for: p)?.buffers.keys.sorted(), ["momentum_buffer"])
    }
}
