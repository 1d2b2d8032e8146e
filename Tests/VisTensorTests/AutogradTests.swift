import Foundation
import XCTest
@testable import VisTensor

/// The autograd tape: accumulation, detach, no_grad, graph freeing and retention, given
/// gradients, shared subexpressions, in-place safety, errors, and the gradient checker
/// itself (it must catch wrong backward rules).
final class AutogradTests: XCTestCase {
    // MARK: The gradient checker catches wrong rules

    /// y = x * x recorded with a caller-supplied backward rule.
    private func square(_ x: Tensor, backward: @escaping (Tensor, Tensor) throws -> Tensor) throws -> Tensor {
        let out = try withNoGrad { try x.mul(x) }
        Autograd.record(out, "square", [x]) { g in [try backward(g, x.detach())] }
        return out
    }

    func testGradientCheckerAcceptsACorrectRule() throws {
        let x = randomLeaf([2, 3], seed: 701)
        let problems = try gradientMismatches([x]) { try self.square($0[0]) { g, x in try g.mul(x).mul(2) } }
        XCTAssertEqual(problems, [])
    }

    func testGradientCheckerRejectsWrongRules() throws {
        let x = randomLeaf([2, 3], seed: 702, in: 0.5...2)
        // Missing factor 2.
        let missingFactor = try gradientMismatches([x]) { try self.square($0[0]) { g, x in try g.mul(x) } }
        XCTAssertEqual(missingFactor.count, 1)
        XCTAssertTrue(missingFactor.first?.contains("6 of 6 gradients differ") ?? false, "\(missingFactor)")
        // Right values sent to the wrong elements (the elements of the output are
        // weighted differently, so a permuted gradient does not sum to the same loss).
        let permuted = try gradientMismatches([x]) { try self.square($0[0]) { g, x in
            try g.mul(x).mul(2).reshape([6]).flip().reshape([2, 3])
        } }
        XCTAssertFalse(permuted.isEmpty)
        // Wrong sign.
        let sign = try gradientMismatches([x]) { try self.square($0[0]) { g, x in try g.mul(x).mul(-2) } }
        XCTAssertFalse(sign.isEmpty)
        // An input the rule forgets.
        let y = randomLeaf([2, 3], seed: 703)
        let forgotten = try gradientMismatches([x, y]) { inputs in
            let out = try withNoGrad { try inputs[0].mul(inputs[1]) }
            let b = inputs[1].detach()
            Autograd.record(out, "mul", inputs) { g in [try g.mul(b), nil] }
            return out
        }
        XCTAssertEqual(forgotten, ["input 1 received no gradient"])
    }

    func testGradientCheckerRejectsOutputsWithoutGraph() throws {
        let x = randomLeaf([2], seed: 704)
        let problems = try gradientMismatches([x]) { $0[0].detach() }
        XCTAssertEqual(problems, ["the output does not require grad, so no graph was recorded"])
    }

    // MARK: Accumulation

    func testGradientsAccumulateOverBackwardCalls() throws {
        let x = leaf([1, 2, 3], [3])
        try x.mul(3).sum().backward()
        assertTensor(try XCTUnwrap(x.grad), [3], [3, 3, 3])
        try x.mul(x).sum().backward()
        assertTensor(try XCTUnwrap(x.grad), [3], [5, 7, 9])
        // The first gradient came from a stride-0 expand; .grad must own its memory so
        // accumulating into it is correct.
        let y = leaf([1, 2, 3], [3])
        try y.sum().backward()
        try y.sum().backward()
        assertTensor(try XCTUnwrap(y.grad), [3], [2, 2, 2])
        XCTAssertTrue(try XCTUnwrap(y.grad).isContiguous)
    }

    func testSharedSubexpressionsSumAllPaths() throws {
        let x = leaf([1, 2, 3], [3])
        try x.mul(x).add(x).sum().backward()                         // d/dx (x^2 + x) = 2x + 1
        assertTensor(try XCTUnwrap(x.grad), [3], [3, 5, 7])
        // A diamond: a = 2x, c = a + 3a, so dc/dx = 8.
        let z = leaf([1, 2], [2])
        let a = try z.mul(2)
        let c = try a.add(a.mul(3))
        try c.sum().backward()
        assertTensor(try XCTUnwrap(z.grad), [2], [8, 8])
        // A deeper shared node reached by paths of different lengths.
        let w = leaf([0.5], [])
        let h = try w.exp()
        let out = try h.mul(h.squared()).add(h)
        try out.backward()
        // d/dw [e^w * (e^w)^2 + e^w] = 3 e^(3w) + e^w; tol 1e-5 (float32).
        let expected = 3 * Foundation.exp(1.5) + Foundation.exp(0.5)
        XCTAssertEqual(try XCTUnwrap(w.grad).item(), expected, accuracy: 1e-5)
    }

    func testBackwardWithAGivenGradient() throws {
        let x = leaf([1, 2, 3], [3])
        let y = try x.mul(x)
        try y.backward(tensor([1, 0.5, 2], [3]))
        assertTensor(try XCTUnwrap(x.grad), [3], [2, 2, 12])
        // An int64 gradient is converted.
        let z = leaf([1, 2], [2])
        try z.mul(3).backward(ints([1, 2]))
        assertTensor(try XCTUnwrap(z.grad), [2], [3, 6])
    }

    func testLeafRootAndGradientIsNotAliased() throws {
        let x = leaf([1, 2], [2])
        let g = tensor([4, 5], [2])
        try x.backward(g)
        try g.fill(0)
        assertTensor(try XCTUnwrap(x.grad), [2], [4, 5])
        let s = leaf([3], [])
        try s.backward()
        assertTensor(try XCTUnwrap(s.grad), [], [1])
    }

    // MARK: What gets gradients

    func testInputsWithoutRequiresGradGetNoGradient() throws {
        let x = leaf([1, 2], [2])
        let w = tensor([3, 4], [2])
        let n = ints([5, 6])
        try x.mul(w).add(n).sum().backward()
        XCTAssertNil(w.grad)
        XCTAssertNil(n.grad)
        assertTensor(try XCTUnwrap(x.grad), [2], [3, 4])
        XCTAssertFalse(try w.mul(w).requiresGrad)
        XCTAssertNil(try w.mul(w).gradFnName)
    }

    func testDetach() throws {
        let x = leaf([1, 2], [2])
        let d = x.detach()
        XCTAssertFalse(d.requiresGrad)
        XCTAssertTrue(d.isLeaf)
        XCTAssertTrue(d.storage === x.storage)
        XCTAssertFalse(try d.mul(2).requiresGrad)
        // Only the attached path contributes.
        try x.mul(2).add(x.detach().mul(5)).sum().backward()
        assertTensor(try XCTUnwrap(x.grad), [2], [2, 2])
        // Detaching a computed tensor cuts the graph there.
        let y = try x.mul(3)
        XCTAssertFalse(y.detach().requiresGrad)
        XCTAssertNil(y.detach().gradFnName)
    }

    func testNoGradRecordsNothing() throws {
        let x = leaf([1, 2], [2])
        XCTAssertTrue(GradMode.isEnabled)
        let y = try withNoGrad { () throws -> Tensor in
            XCTAssertFalse(GradMode.isEnabled)
            return try x.mul(2).exp().sum()
        }
        XCTAssertTrue(GradMode.isEnabled)
        XCTAssertFalse(y.requiresGrad)
        XCTAssertNil(y.gradFnName)
        assertThrowsMessage("backward: this tensor does not require grad: it was not computed from a tensor with requires_grad=true") {
            try y.backward()
        }
        // The mode is restored when the body throws.
        XCTAssertThrowsError(try withNoGrad { try x.reshape([5]) })
        XCTAssertTrue(GradMode.isEnabled)
        // Nested scopes restore the outer mode.
        GradMode.with(enabled: false) {
            GradMode.with(enabled: true) { XCTAssertTrue(GradMode.isEnabled) }
            XCTAssertFalse(GradMode.isEnabled)
        }
        XCTAssertTrue(GradMode.isEnabled)
    }

    func testGraphMetadata() throws {
        let x = leaf([1, 2], [2])
        XCTAssertTrue(x.isLeaf)
        XCTAssertNil(x.gradFnName)
        let y = try x.mul(2)
        XCTAssertFalse(y.isLeaf)
        XCTAssertTrue(y.requiresGrad)
        XCTAssertEqual(y.gradFnName, "mul")
        XCTAssertEqual(try y.sum().gradFnName, "sum")
        XCTAssertEqual(try x.t().gradFnName, nil, "t() of a 1-D tensor is the tensor itself")
        XCTAssertEqual(try x.unsqueeze(0).t().gradFnName, "permute")
    }

    // MARK: Freeing and retaining the graph

    func testSecondBackwardThroughAFreedGraphFails() throws {
        let x = leaf([1, 2], [2])
        let loss = try x.mul(x).sum()
        try loss.backward()
        XCTAssertNil(loss.gradFn?.backward, "the node's saved tensors are freed after backward")
        assertThrowsMessage("backward: the graph through 'sum' was already used by an earlier backward() and freed; compute the loss again (or pass retain_graph=true to the first backward)") {
            try loss.backward()
        }
        // A new loss built on a freed intermediate fails at that intermediate.
        let x2 = leaf([1, 2], [2])
        let h = try x2.mul(3)
        try h.sum().backward()
        assertThrowsMessage("backward: the graph through 'mul' was already used by an earlier backward() and freed; compute the loss again (or pass retain_graph=true to the first backward)") {
            try h.exp().sum().backward()
        }
    }

    func testBackwardReleasesTheGraphsTensors() throws {
        // After backward (without retain_graph) the graph must not keep intermediate
        // results alive: a loss kept for printing or plotting would otherwise hold every
        // activation of its step.
        let x = leaf([1, 2], [2])
        weak var weakH: Tensor?
        weak var weakStorage: Storage?
        let loss: Tensor = try {
            let h = try x.mul(2)
            weakH = h
            weakStorage = h.storage
            return try h.exp().mul(h).sum()
        }()
        XCTAssertNotNil(weakH, "before backward, the graph holds its intermediates")
        try loss.backward()
        XCTAssertNil(weakH, "after backward, the graph released its intermediates")
        XCTAssertNil(weakStorage)
        XCTAssertEqual(loss.gradFnName, "sum")
        // With retain_graph the intermediates stay until the second backward.
        let kept: Tensor = try {
            let h = try x.mul(2)
            weakH = h
            return try h.exp().mul(h).sum()
        }()
        try kept.backward(retainGraph: true)
        XCTAssertNotNil(weakH)
        try kept.backward()
        XCTAssertNil(weakH)
    }

    func testRetainGraphAllowsASecondBackward() throws {
        let x = leaf([1, 2], [2])
        let loss = try x.mul(x).sum()
        try loss.backward(retainGraph: true)
        assertTensor(try XCTUnwrap(x.grad), [2], [2, 4])
        try loss.backward()
        assertTensor(try XCTUnwrap(x.grad), [2], [4, 8])
        XCTAssertThrowsError(try loss.backward())
    }

    // MARK: Errors

    func testBackwardErrors() {
        let x = leaf([1, 2, 3, 4, 5, 6], [2, 3])
        assertThrowsMessage("backward: a gradient can be created implicitly only for a scalar output; this tensor has shape [2, 3] (pass a gradient of that shape, or reduce with .sum() or .mean())") {
            try x.mul(2).backward()
        }
        assertThrowsMessage("backward: gradient has shape [3] but the tensor has shape [2, 3]") {
            try x.mul(2).backward(Tensor.full([3], 1))
        }
        assertThrowsMessage("backward: this tensor does not require grad: it was not computed from a tensor with requires_grad=true") {
            try tensor([1], [1]).mul(2).backward()
        }
    }

    func testRequiresGradErrors() throws {
        assertThrowsMessage("requires_grad: only floating-point tensors can require gradients (this one is int64)") {
            try ints([1, 2]).setRequiresGrad()
        }
        assertThrowsMessage("requires_grad: only floating-point tensors can require gradients (this one is bool)") {
            try bools([true]).setRequiresGrad()
        }
        let x = leaf([1], [1])
        assertThrowsMessage("requires_grad: cannot turn off requires_grad on a tensor computed by mul; use .detach()") {
            try x.mul(2).setRequiresGrad(false)
        }
        try x.setRequiresGrad(false)
        XCTAssertFalse(x.requiresGrad)
        XCTAssertNoThrow(try ints([1]).setRequiresGrad(false))
    }

    // MARK: In-place safety

    func testInPlaceModificationOfALeafRequiringGradFails() throws {
        let x = leaf([1, 2], [2])
        let suffix = "a leaf Variable that requires grad is being used in an in-place operation (wrap the update in no_grad)"
        assertThrowsMessage("fill_: " + suffix) { try x.fill(0) }
        assertThrowsMessage("fill_: " + suffix) { try x.zero() }
        assertThrowsMessage("assign: " + suffix) { try x.assign(tensor([5, 6], [2])) }
        assertThrowsMessage("add_: " + suffix) { try x.addInPlace(tensor([5, 6], [2])) }
        assertThrowsMessage("mul_: " + suffix) { try x.mulInPlace(2) }
        assertTensor(x, [2], [1, 2])
        // Under no_grad (an optimizer step) the same updates are allowed.
        try withNoGrad {
            try x.addInPlace(tensor([1, 1], [2]), alpha: -0.5)
            try x.mulInPlace(2)
        }
        assertTensor(x, [2], [1, 3])
        try withNoGrad { try x.zero() }
        assertTensor(x, [2], [0, 0])
    }

    func testInPlaceModificationOfAGraphTensorFails() throws {
        let x = leaf([1, 2], [2])
        let y = try x.mul(2)
        assertThrowsMessage("fill_: this tensor was computed by 'mul' and is part of the autograd graph; modifying it in place would corrupt the gradients (use an out-of-place op, or .detach() it first)") {
            try y.fill(0)
        }
        // A view of a leaf is part of the graph too.
        assertThrowsMessage("assign: this tensor was computed by 'select' and is part of the autograd graph; modifying it in place would corrupt the gradients (use an out-of-place op, or .detach() it first)") {
            try x.select(0, 0).assign(Tensor.scalar(3))
        }
        // The detached tensor may be modified (and shares memory).
        try y.detach().fill(7)
        assertTensor(y, [2], [7, 7])
    }

    func testInPlaceOps() throws {
        let x = tensor([1, 2, 3, 4], [2, 2])
        try x.addInPlace(tensor([10, 20], [2]))
        assertTensor(x, [2, 2], [11, 22, 13, 24])
        try x.t().addInPlace(tensor([1, 2, 3, 4], [2, 2]), alpha: 2)
        assertTensor(x, [2, 2], [13, 28, 17, 32])
        try x.slice(1, start: 0, end: 2, step: 2).mulInPlace(0.5)
        assertTensor(x, [2, 2], [6.5, 28, 8.5, 32])
        try x.fill(1)
        assertTensor(x, [2, 2], [1, 1, 1, 1])
        let i = ints([1, 2])
        try i.assign(tensor([3.7, -1.2], [2]))
        assertInt64(i, [2], [3, -1])
        assertThrowsMessage("add_: in-place add needs float32 or float64 tensors, got int64 and float32") { try i.addInPlace(tensor([1, 1], [2])) }
        assertThrowsMessage("mul_: in-place multiply needs a float32 tensor, got int64") { try i.mulInPlace(2) }
        assertThrowsMessage("add_: cannot add a tensor of shape [2, 3] in place into shape [3]") {
            try tensor([1, 2, 3], [3]).addInPlace(Tensor.full([2, 3], 1))
        }
        assertThrowsMessage("expand: cannot expand shape [3] to [2]: dimension 0 has size 3, which is not 1") {
            try tensor([1, 2], [2]).assign(tensor([1, 2, 3], [3]))
        }
    }

    /// A fresh gradient (`Autograd.fresh`) is adopted as a leaf's .grad only when nothing
    /// else refers to it: the same tensor sent to two leaves, or kept by a retained graph,
    /// is copied, so writing to one .grad never changes another or a later backward.
    func testFreshGradientsAreAdoptedOnlyWhenUnshared() throws {
        let a = try Tensor([1, 2]).setRequiresGrad(), b = try Tensor([3, 4]).setRequiresGrad()
        let shared = try withNoGrad { try a.add(b) }
        Autograd.record(shared, "both", [a, b]) { g in
            let t = Autograd.fresh(g.clone())
            return [t, t]
        }
        try shared.sum().backward()
        try a.grad?.addInPlace(Tensor([10, 10]))
        XCTAssertEqual(a.grad?.toFloatArray(), [11, 11])
        XCTAssertEqual(b.grad?.toFloatArray(), [1, 1], "b's gradient is not a's")

        let c = try Tensor([1, 2]).setRequiresGrad()
        let kept = Autograd.fresh(try Tensor([2, 2]))
        let y = try withNoGrad { try c.mul(2) }
        Autograd.record(y, "kept", [c]) { _ in [kept] }
        try y.sum().backward(retainGraph: true)
        try c.grad?.addInPlace(Tensor([1, 1]))
        XCTAssertEqual(kept.toFloatArray(), [2, 2], "the retained graph's tensor is not the leaf's gradient")
        try y.sum().backward()
        XCTAssertEqual(c.grad?.toFloatArray(), [5, 5])

        // Gradients not marked fresh (matmul's) are copied, and accumulate as before.
        let w = try Tensor([1, 2, 3, 4], shape: [2, 2]).setRequiresGrad()
        let x = try Tensor([1, 1], shape: [1, 2])
        for _ in 0..<2 { try x.matmul(w.t()).sum().backward() }
        XCTAssertEqual(w.grad?.toFloatArray(), [2, 2, 2, 2])
    }
}

private extension Tensor {
    /// The reverse of a 1-D tensor (for the wrong-gradient test only).
    func flip() throws -> Tensor {
        let v = toFloatArray()
        return try Tensor(Array(v.reversed()), shape: shape)
    }

    /// x^2, through `pow` (a second path to the same node in a test graph).
    func squared() throws -> Tensor { try pow(2) }
}
