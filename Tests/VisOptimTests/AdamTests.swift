import XCTest
@testable import VisOptim
import VisTensor

/// Adam against PyTorch (plain, weight decay, amsgrad, small beta1, groups, skipped
/// gradients), resuming from a state dict, checks, layout and steady state.
final class AdamTests: XCTestCase {
    func testMatchesPyTorch() throws {
        for c in Reference.cases("optimizers", prefix: "adam_") { try OptimizerReference.replay(c) }
    }

    func testResumesExactlyFromStateDict() throws {
        for c in Reference.cases("optimizers", prefix: "adam_") { try OptimizerReference.assertResumesExactly(c) }
    }

    func testInvalidOptions() throws {
        let p = try param([1, 2])
        assertThrowsMessage("Adam: invalid learning rate: -0.1") { try Adam([p], lr: -0.1) }
        assertThrowsMessage("Adam: invalid beta parameter at index 0: 1.0") { try Adam([p], betas: (1.0, 0.999)) }
        assertThrowsMessage("Adam: invalid beta parameter at index 1: -0.5") { try Adam([p], betas: (0.9, -0.5)) }
        assertThrowsMessage("Adam: invalid epsilon value: -1e-08") { try Adam([p], eps: -1e-8) }
        assertThrowsMessage("Adam: invalid weight_decay value: -0.01") { try Adam([p], weightDecay: -0.01) }
        let q = try param([3])
        assertThrowsMessage("Adam: invalid beta parameter at index 0: 1.5 (parameter group 1)") {
            try Adam(groups: [([p], [:]), ([q], ["beta1": 1.5])])
        }
        assertThrowsMessage("Adam: unknown option 'momentum' of parameter group 1 (known: amsgrad, betas, decoupled_weight_decay, eps, lr, maximize, weight_decay)") {
            try Adam(groups: [([p], [:]), ([q], ["momentum": 0.9])])
        }
    }

    func testStateLayout() throws {
        let a = try param([1, 2]), b = try param([3]), noGrad = try param([4])
        let opt = try Adam(groups: [([a, noGrad], [:]), ([b], ["lr": 0.5])], lr: 0.1, betas: (0.8, 0.9), amsgrad: true)
        a.grad = Tensor([0.5, -0.5])
        try opt.step()
        let d = opt.stateDict()
        let state = try XCTUnwrap(d["state"]?.dict)
        XCTAssertEqual(state.keys.sorted(), ["0"], "only updated parameters have state")
        let s0 = try XCTUnwrap(state["0"]?.dict)
        XCTAssertEqual(s0.keys.sorted(), ["exp_avg", "exp_avg_sq", "max_exp_avg_sq", "step"])
        XCTAssertEqual(s0["step"], .number(1))
        XCTAssertEqual(s0["exp_avg"]?.tensor?.toFloatArray(), [Float(0.2) * 0.5, Float(0.2) * -0.5])
        let groups = try XCTUnwrap(d["param_groups"]?.list)
        XCTAssertEqual(groups.count, 2)
        let g0 = try XCTUnwrap(groups.first?.dict), g1 = try XCTUnwrap(groups.last?.dict)
        XCTAssertEqual(g0["betas"], .list([.number(0.8), .number(0.9)]))
        XCTAssertEqual(g0["amsgrad"], .bool(true))
        XCTAssertEqual(g0["params"], .list([.number(0), .number(1)]))
        XCTAssertEqual(g1["params"], .list([.number(2)]))
        XCTAssertEqual(g1["lr"], .number(0.5))
        XCTAssertEqual(g0.keys.sorted(), ["amsgrad", "betas", "decoupled_weight_decay", "eps", "lr", "maximize", "params", "weight_decay"])
        XCTAssertEqual(OptimizerStateValue.dict(d).tensors().map(\.0), ["state.0.exp_avg", "state.0.exp_avg_sq", "state.0.max_exp_avg_sq"])
    }

    /// The project's target: a training step in steady state allocates nothing from
    /// the system. 20 Adam steps (amsgrad and weight decay, one tensor large enough to
    /// split across cores) leave the buffer cache's system allocations unchanged after
    /// the first 2, which create the state.
    func testSteadyStateAllocatesNothing() throws {
        let params = try [param((0..<20_000).map { Float($0 % 97) / 50 - 1 }), param([1, 2, 3]), param([0.5])]
        for p in params { p.grad = Tensor(p.toFloatArray().map { $0 * 0.1 + 0.01 }) }
        let opt = try Adam(params, lr: 1e-3, weightDecay: 0.01, amsgrad: true)
        try opt.step()
        try opt.step()
        let before = BufferCache.shared.systemAllocations
        for _ in 0..<18 { try opt.step() }
        XCTAssertEqual(BufferCache.shared.systemAllocations, before, "steady-state Adam steps allocated from the system")
        XCTAssertEqual(opt.state(for: params[0])?.step, 20)
    }

    /// A tensor large enough to be split across cores gets exactly the update of the
    /// same elements in small tensors updated on one thread.
    func testParallelUpdateEqualsSerial() throws {
        let n = 24_000, piece = 1_000
        let values = (0..<n).map { Float(($0 * 7919) % 1000) / 500 - 1 }
        let grads = (0..<n).map { Float(($0 * 104_729) % 997) / 300 - 1.6 }
        let big = try param(values)
        let small = try stride(from: 0, to: n, by: piece).map { try param(Array(values[$0..<($0 + piece)])) }
        let bigOpt = try Adam([big], lr: 0.01, weightDecay: 0.1, amsgrad: true)
        let smallOpt = try Adam(small, lr: 0.01, weightDecay: 0.1, amsgrad: true)
        for step in 0..<3 {
            let scale = Float(step + 1)
            big.grad = Tensor(grads.map { $0 * scale })
            for (k, p) in small.enumerated() { p.grad = Tensor(grads[(k * piece)..<((k + 1) * piece)].map { $0 * scale }) }
            try bigOpt.step()
            try smallOpt.step()
        }
        XCTAssertEqual(big.toFloatArray().map(\.bitPattern), small.flatMap { $0.toFloatArray() }.map(\.bitPattern))
    }
}
