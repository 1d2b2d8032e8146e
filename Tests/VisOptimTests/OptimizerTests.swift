import XCTest
@testable import VisOptim
import VisTensor

/// The optimizer base: construction checks, groups, lr, zeroGrad, skipping frozen
/// parameters and missing gradients, strided tensors, autograd, state dict loading.
final class OptimizerTests: XCTestCase {
    func testConstructionChecks() throws {
        let p = try param([1, 2])
        assertThrowsMessage("SGD: got an empty parameter list") { try SGD([], lr: 0.1) }
        let ints = try Tensor(int64: [1, 2])
        assertThrowsMessage("SGD: can only optimize float32 and float64 tensors, but parameter 1 is int64") { try SGD([p, ints], lr: 0.1) }
        let y = try p.mul(2)
        assertThrowsMessage("SGD: can't optimize a non-leaf tensor (parameter 0 of parameter group 1 was computed by '\(y.gradFnName ?? "")'); use .detach() and requires_grad") {
            try SGD(groups: [([p], [:]), ([y], [:])], lr: 0.1)
        }
        assertThrowsMessage("SGD: parameter 1 appears more than once in the optimizer's parameters") { try SGD([p, p], lr: 0.1) }
        assertThrowsMessage("SGD: parameter 0 of parameter group 1 appears more than once in the optimizer's parameters") {
            try SGD(groups: [([p], [:]), ([p], ["lr": 0.5])], lr: 0.1)
        }
    }

    func testGroupsOverrideDefaultsAndLrSetsEveryGroup() throws {
        let a = try param([1]), b = try param([2])
        let opt = try SGD(groups: [([a], [:]), ([b], ["lr": 0.5, "momentum": 0.9])], lr: 0.1, momentum: 0.1)
        XCTAssertEqual(opt.paramGroups.map(\.lr), [0.1, 0.5])
        XCTAssertEqual(opt.paramGroups.map { $0.options["momentum"] }, [0.1, 0.9])
        XCTAssertEqual(opt.lr, 0.1)
        opt.lr = 0.01
        XCTAssertEqual(opt.paramGroups.map(\.lr), [0.01, 0.01])
        let c = try param([3])
        try opt.addParamGroup([c], options: ["lr": 0.2])
        XCTAssertEqual(opt.paramGroups.count, 3)
        XCTAssertEqual(opt.parameters.count, 3)
        XCTAssertEqual(opt.paramGroups.last?.options["momentum"], 0.1)
    }

    func testZeroGrad() throws {
        let a = try param([1, 2]), b = try param([3])
        let opt = try SGD([a, b], lr: 0.1)
        a.grad = Tensor([5, 6])
        b.grad = Tensor([7])
        opt.zeroGrad(setToNone: false)
        XCTAssertEqual(a.grad?.toFloatArray(), [0, 0])
        opt.zeroGrad()
        XCTAssertNil(a.grad)
        XCTAssertNil(b.grad)
    }

    /// Frozen parameters (requires_grad off) and parameters without a gradient are
    /// left alone, and their state does not advance.
    func testSkipsFrozenAndGradlessParameters() throws {
        let live = try param([1, 1]), frozen = Tensor([1, 1]), gradless = try param([1, 1])
        frozen.grad = Tensor([1, 1])  // a gradient left over from before freezing
        let opt = try Adam([live, frozen, gradless], lr: 0.1)
        live.grad = Tensor([1, -1])
        try opt.step()
        try opt.step()
        XCTAssertEqual(frozen.toFloatArray(), [1, 1])
        XCTAssertEqual(gradless.toFloatArray(), [1, 1])
        XCTAssertNil(opt.state(for: frozen))
        XCTAssertNil(opt.state(for: gradless))
        XCTAssertEqual(opt.state(for: live)?.step, 2)
        gradless.grad = Tensor([1, 1])
        try opt.step()
        XCTAssertEqual(opt.state(for: gradless)?.step, 1, "a parameter's step counts its own updates")
    }

    /// A bad gradient anywhere throws before any parameter changes.
    func testGradientShapeMismatch() throws {
        let ok = try param([1, 2]), p = try param([1, 2])
        ok.grad = Tensor([1, 1])
        p.grad = Tensor([1, 2, 3])
        let opt = try SGD(groups: [([ok], [:]), ([p], [:])], lr: 0.1)
        assertThrowsMessage("SGD: the gradient of parameter 0 of parameter group 1 is float32 [3], but the parameter is float32 [2]") {
            try opt.step()
        }
        XCTAssertEqual(ok.toFloatArray(), [1, 2])
    }

    /// Updates bypass autograd: stepping with grad mode on works on leaves that require
    /// grad, and they stay leaves that backward reaches.
    func testStepKeepsParametersAsLeaves() throws {
        let w = try param([1, 2])
        let opt = try SGD([w], lr: 0.5)
        try w.mul(w).sum().backward()
        try opt.step()
        XCTAssertEqual(w.toFloatArray(), [0, 0])
        XCTAssertTrue(w.isLeaf)
        XCTAssertTrue(w.requiresGrad)
        opt.zeroGrad()
        try w.add(Tensor([1, 1])).sum().backward()
        XCTAssertEqual(w.grad?.toFloatArray(), [1, 1])
    }

    /// A strided parameter (a transposed view) and a strided gradient get the same
    /// update as contiguous ones.
    func testStridedParameterAndGradient() throws {
        let values: [Float] = [1, 2, 3, 4, 5, 6]
        let strided = try Tensor(values, shape: [2, 3]).t()
        try strided.setRequiresGrad()
        XCTAssertFalse(strided.isContiguous)
        let dense = try param(strided.contiguous().toFloatArray(), [3, 2])
        let g = try Tensor([0.5, -1, 2, 0.25, 1, -0.5], shape: [2, 3]).t()
        strided.grad = g
        dense.grad = g.contiguous()
        let o1 = try SGD([strided], lr: 0.1, momentum: 0.9), o2 = try SGD([dense], lr: 0.1, momentum: 0.9)
        for _ in 0..<3 {
            try o1.step()
            try o2.step()
        }
        XCTAssertEqual(strided.contiguous().toFloatArray(), dense.toFloatArray())
    }

    func testLoadStateDictChecksAndChangesNothingOnError() throws {
        let a = try param([1, 2]), b = try param([3])
        let opt = try Adam([a, b], lr: 0.1)
        a.grad = Tensor([1, 1])
        try opt.step()
        let saved = opt.stateDict()
        let other = try Adam(groups: [([try param([1, 2])], [:]), ([try param([3])], [:])])
        assertThrowsMessage("Adam: load_state_dict: the state dict has 1 parameter groups, this optimizer has 2") {
            try other.loadStateDict(saved)
        }
        let wrongShape = try Adam([try param([1, 2, 3]), try param([4])], lr: 0.7)
        assertThrowsMessage("Adam: load_state_dict: state.0.exp_avg should be a float32 or float64 tensor of shape [3] like its parameter") {
            try wrongShape.loadStateDict(saved)
        }
        XCTAssertEqual(wrongShape.lr, 0.7, "a failed load changes nothing")
        XCTAssertNil(wrongShape.state(for: wrongShape.parameters[0]))
        let fewer = try Adam([try param([1, 2])])
        assertThrowsMessage("Adam: load_state_dict: parameter group 0 of the state dict has 2 parameters, this optimizer's has 1") {
            try fewer.loadStateDict(saved)
        }
        assertThrowsMessage("Adam: load_state_dict: the state dict has no entry 'param_groups'") { try fewer.loadStateDict([:]) }
    }
}
