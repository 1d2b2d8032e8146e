import XCTest
@testable import VisOptim
import VisTensor

/// The element-at-a-time optimizers (Adagrad, Adadelta, Adamax, NAdam, RAdam, Rprop,
/// ASGD) and `maximize` against PyTorch 2.15: three steps on fixed gradients, the
/// parameter after them (values printed by PyTorch; the full runs are in
/// Tests/notebooks/reference/optim.vis).
final class ElementOptimizerTests: XCTestCase {
    /// (name, maker, PyTorch's parameter after three steps).
    let cases: [(String, (Tensor) throws -> Optimizer, [Float])] = [
        ("Adagrad", { p in try Adagrad(groups: [([p], [:])], lr: 0.1, lrDecay: 0.1, weightDecay: 0.1, initialAccumulatorValue: 0.5) }, [0.8280730843544006, -0.9692297577857971, 1.9410648345947266]),
        ("Adadelta", { p in try Adadelta(groups: [([p], [:])], rho: 0.5, weightDecay: 0.1) }, [0.9955725073814392, -1.000815987586975, 1.9987367391586304]),
        ("Adamax", { p in try Adamax(groups: [([p], [:])], lr: 0.1, weightDecay: 0.1) }, [0.7401447892189026, -0.875950276851654, 1.850794792175293]),
        ("NAdam", { p in try NAdam(groups: [([p], [:])], lr: 0.1, weightDecay: 0.1, decoupledWeightDecay: true) }, [0.7327786087989807, -0.9511738419532776, 1.9063295125961304]),
        ("RAdam", { p in try RAdam(groups: [([p], [:])], lr: 0.1, betas: (0.9, 0.5)) }, [0.7429209351539612, -0.7682268619537354, 1.9542920589447021]),
        ("Rprop", { p in try Rprop(groups: [([p], [:])], lr: 0.1) }, [0.6359999775886536, -0.949999988079071, 1.899999976158142]),
        ("ASGD", { p in try ASGD(groups: [([p], [:])], lr: 0.1, lambd: 0.1, t0: 1) }, [0.7248193621635437, -0.9712567925453186, 1.941156029701233]),
        ("SGD", { p in try SGD(groups: [([p], [:])], lr: 0.1, momentum: 0.9, maximize: true) }, [1.465999960899353, -1.252000093460083, 2.0404999256134033]),
    ]

    func testMatchesPyTorch() throws {
        let grads: [[Float]] = [[1, -2, 0.5], [0.5, 1, -0.5], [1, 1, 0]]
        for (name, make, expected) in cases {
            let p = try param([1, -1, 2])
            let o = try make(p)
            for g in grads {
                p.grad = try Tensor(g, shape: [3])
                try o.step()
            }
            let got = p.toFloatArray()
            for (a, b) in zip(got, expected) {
                XCTAssertEqual(a, b, accuracy: 2e-6 * Swift.max(1, Swift.abs(b)), "\(name): \(got) vs PyTorch's \(expected)")
            }
        }
    }

    func testMaximizeLeavesTheGradientAlone() throws {
        let p = try param([1, 2])
        p.grad = try Tensor([0.5, -0.5], shape: [2])
        try Adam([p], lr: 0.1, maximize: true).step()
        XCTAssertEqual(p.grad?.toFloatArray(), [0.5, -0.5])
        XCTAssertEqual(p.toFloatArray()[0], 1.1, accuracy: 1e-6)
    }

    func testScalarStateRoundTrips() throws {
        let p = try param([1, 2])
        let o = try NAdam(groups: [([p], [:])])
        p.grad = try Tensor([1, 1], shape: [2])
        try o.step()
        let sd = o.stateDict()
        let q = try param([1, 2])
        let o2 = try NAdam(groups: [([q], [:])])
        try o2.loadStateDict(sd)
        XCTAssertEqual(o2.state(for: q)?.scalars["mu_product"], o.state(for: p)?.scalars["mu_product"])
        XCTAssertEqual(o2.stateDict(), sd)
    }

    func testChecks() throws {
        let p = try param([1])
        assertThrowsMessage("Rprop: invalid eta values: (1.5, 1.2); they must satisfy 0 < etaminus < 1 < etaplus") {
            try Rprop(groups: [([p], [:])], etas: (1.5, 1.2))
        }
        assertThrowsMessage("Adadelta: invalid rho value: 2.0") { try Adadelta(groups: [([p], [:])], rho: 2) }
        assertThrowsMessage("NAdam: invalid momentum_decay value: -1.0") { try NAdam(groups: [([p], [:])], momentumDecay: -1) }
    }
}
