import XCTest
@testable import VisNN
import VisTensor

/// Lazy layers' in-place materialisation, forward hooks and container editing.
final class ModuleSurfaceTests: XCTestCase {
    /// The parameters exist before the first forward and keep their identity through it.
    func testLazyLinearMaterialisesInPlace() throws {
        let lazy = LazyLinear(2)
        let (w, b) = (lazy.weight, try XCTUnwrap(lazy.bias))
        XCTAssertTrue(w.isUninitialized)
        XCTAssertEqual(lazy.namedParameters().map(\.0), ["weight", "bias"])
        XCTAssertEqual("\(w)", "<UninitializedParameter>")
        let y = try lazy(Tensor.ones([4, 3]))
        XCTAssertEqual(y.shape, [4, 2])
        XCTAssertTrue(lazy.namedParameters()[0].1 === w)
        XCTAssertFalse(w.isUninitialized)
        XCTAssertEqual(w.shape, [2, 3])
        XCTAssertEqual(b.shape, [2])
        XCTAssertTrue(w.requiresGrad && w.isLeaf)
        // PyTorch's init bound for in_features 3: |w| <= 1/sqrt(3).
        XCTAssertLessThanOrEqual(try w.abs().max().item(), 1 / 3.0.squareRoot() + 1e-6)
        // The gradient reaches the very tensors listed before the forward.
        try lazy(Tensor.ones([1, 3])).sum().backward()
        XCTAssertEqual(w.grad?.shape, [2, 3])
        XCTAssertThrowsError(try w.materialize(Tensor.ones([2, 3])))
    }

    func testLazyConvAndStateDictLoad() throws {
        let conv = LazyConv2d(4, kernelSize: (3, 3))
        let w = conv.weight
        try conv.loadStateDict([("weight", Tensor.ones([4, 2, 3, 3])), ("bias", Tensor.zeros([4]))])
        XCTAssertEqual(w.shape, [4, 2, 3, 3])
        XCTAssertEqual(try w.sum().item(), 72)
        XCTAssertEqual(try conv(Tensor.ones([1, 2, 5, 5])).shape, [1, 4, 3, 3])
        XCTAssertEqual(conv.typeName, "Conv2d")
    }

    func testForwardHooksRunInOrderAndAreRemoved() throws {
        let relu = Activation(.relu)
        let hooks = ForwardHooks()
        relu.forwardHooks = hooks
        var order: [String] = []
        let pre = hooks.addPre { _, x in order.append("pre"); return try x.mul(Tensor.scalar(-1)) }
        let post = hooks.addPost { _, _, y in order.append("post"); return try y.add(Tensor.scalar(1)) }
        _ = hooks.addPost(prepend: true) { _, _, _ in order.append("first"); return nil }
        let y = try relu(Tensor([-2, 3]))
        XCTAssertEqual(y.toFloatArray(), [3, 1])
        XCTAssertEqual(order, ["pre", "first", "post"])
        hooks.remove(pre)
        hooks.remove(post)
        XCTAssertEqual(try relu(Tensor([-2, 3])).toFloatArray(), [0, 3])
    }

    func testHookedBatchNormIsNotFused() throws {
        let bn = try BatchNorm(2, spatialDims: 2)
        var seen: [[Int]] = []
        bn.forwardHooks = ForwardHooks()
        _ = bn.forwardHooks?.addPost { _, _, y in seen.append(y.shape); return nil }
        let seq = Sequential([bn, Activation(.relu)])
        _ = try seq(Tensor.ones([2, 2, 3, 3]))
        XCTAssertEqual(seen, [[2, 2, 3, 3]])
    }

    func testSequentialNamesAfterEdits() {
        let seq = Sequential([Identity(), Identity(), Identity()])
        let slice = Sequential([seq.layers[1], seq.layers[2]], names: ["1", "2"])
        XCTAssertEqual(slice.children.map(\.0), ["1", "2"])
        slice.append(Identity())  // PyTorch's append: add_module(str(len)), replacing "2"
        XCTAssertEqual(slice.children.map(\.0), ["1", "2"])
        seq.remove(at: [0])
        XCTAssertEqual(seq.children.map(\.0), ["0", "1"])
        seq.insert(Identity(), at: 1)
        seq.addModule("act", Identity())
        XCTAssertEqual(seq.children.map(\.0), ["0", "1", "2", "act"])
        let d = ModuleDict([("a", Identity()), ("b", Identity()), ("a", Linear2())])
        XCTAssertEqual(d.children.map(\.0), ["a", "b"])
        XCTAssertTrue(d.get("a") is Linear2)
        XCTAssertNotNil(d.remove("b"))
        XCTAssertNil(d.remove("b"))
    }

    /// A second module type for the ModuleDict test.
    final class Linear2: Module {}
}
