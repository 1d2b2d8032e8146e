import XCTest
@testable import VisTensor

/// View ops: gradients (finite differences, tolerances in GradCheck.swift), view
/// semantics (shared storage, strides, what copies), values and errors.
final class ViewTests: XCTestCase {
    /// [[0, 1, 2], [3, 4, 5]], no grad.
    func m() -> Tensor { tensor([0, 1, 2, 3, 4, 5], [2, 3]) }

    // MARK: Gradients

    func testReshapeViewFlattenGradients() {
        let x = randomLeaf([2, 3, 4], seed: 601)
        assertGradientsMatch([x]) { try $0[0].reshape([6, 4]) }
        assertGradientsMatch([x]) { try $0[0].reshape([4, -1, 2]) }
        assertGradientsMatch([x]) { try $0[0].view([-1]) }
        assertGradientsMatch([x]) { try $0[0].flatten() }
        assertGradientsMatch([x]) { try $0[0].flatten(1) }
        assertGradientsMatch([x]) { try $0[0].flatten(0, 1) }
        // reshape of a non-contiguous tensor copies; the gradient must still flow.
        assertGradientsMatch([x]) { try $0[0].transpose(0, 2).reshape([4, 6]) }
    }

    func testPermuteTransposeGradients() {
        let x = randomLeaf([2, 3, 4], seed: 602)
        assertGradientsMatch([x]) { try $0[0].permute([2, 0, 1]) }
        assertGradientsMatch([x]) { try $0[0].permute([-1, 1, 0]) }
        assertGradientsMatch([x]) { try $0[0].transpose(0, 2) }
        let y = randomLeaf([3, 4], seed: 603)
        assertGradientsMatch([y]) { try $0[0].t() }
        assertGradientsMatch([y]) { try $0[0].t().t() }
    }

    func testExpandSqueezeUnsqueezeGradients() {
        let x = randomLeaf([3, 1], seed: 604)
        assertGradientsMatch([x]) { try $0[0].expand([2, 3, 4]) }
        assertGradientsMatch([x]) { try $0[0].expand([-1, 5]) }
        let y = randomLeaf([1, 3, 1, 2], seed: 605)
        assertGradientsMatch([y]) { try $0[0].squeeze() }
        assertGradientsMatch([y]) { try $0[0].squeeze(2) }
        assertGradientsMatch([y]) { try $0[0].squeeze(1) }   // size 3: unchanged
        assertGradientsMatch([y]) { try $0[0].unsqueeze(0) }
        assertGradientsMatch([y]) { try $0[0].unsqueeze(-1) }
        // unsqueeze of a transposed view keeps the strides right.
        let z = randomLeaf([3, 4], seed: 606)
        assertGradientsMatch([z]) { try $0[0].t().unsqueeze(1).mul($0[0].t().unsqueeze(1)) }
    }

    func testNarrowSliceSelectGradients() {
        let x = randomLeaf([3, 5, 2], seed: 607)
        assertGradientsMatch([x]) { try $0[0].narrow(1, 1, 3) }
        assertGradientsMatch([x]) { try $0[0].narrow(0, -2, 2) }
        assertGradientsMatch([x]) { try $0[0].slice(1, start: 0, end: 5, step: 2) }
        assertGradientsMatch([x]) { try $0[0].slice(1, start: -4, end: -1, step: 2) }
        assertGradientsMatch([x]) { try $0[0].select(0, 1) }
        assertGradientsMatch([x]) { try $0[0].select(-2, -1) }
        // Overlapping views of one tensor: both paths add up.
        assertGradientsMatch([x]) { try $0[0].narrow(1, 0, 3).add($0[0].narrow(1, 2, 3)) }
    }

    func testRepeatCloneContiguousGradients() {
        let x = randomLeaf([2, 3], seed: 608)
        assertGradientsMatch([x]) { try $0[0].repeat([2, 3]) }
        assertGradientsMatch([x]) { try $0[0].repeat([2, 1, 2]) }
        assertGradientsMatch([x]) { try $0[0].t().repeat([1, 2]) }
        assertGradientsMatch([x]) { $0[0].clone() }
        assertGradientsMatch([x]) { try $0[0].t().contiguous() }
        assertGradientsMatch([x]) { $0[0].contiguous() }
    }

    // MARK: Shared storage

    func testWritingThroughAViewChangesTheBase() throws {
        let x = m()
        try x.select(0, 1).assign(Tensor.scalar(9))
        assertTensor(x, [2, 3], [0, 1, 2, 9, 9, 9])
        try x.t().select(0, 0).assign(tensor([7, 8], [2]))
        assertTensor(x, [2, 3], [7, 1, 2, 8, 9, 9])
        try x.slice(1, start: 0, end: 3, step: 2).assign(tensor([-1, -2], [2, 1]))
        assertTensor(x, [2, 3], [-1, 1, -1, -2, 9, -2])
        // squeeze keeps the strides of a sliced column, so it is still a view.
        try x.narrow(1, 1, 1).squeeze(1).assign(tensor([5, 6], [2]))
        assertTensor(x, [2, 3], [-1, 5, -1, -2, 6, -2])
        try x.t().assign(tensor([0, 1, 2, 3, 4, 5], [3, 2]))
        assertTensor(x, [2, 3], [0, 2, 4, 1, 3, 5])
    }

    func testReshapeIsAViewOnlyForContiguousData() throws {
        let x = m()
        let r = try x.reshape([3, 2])
        XCTAssertTrue(r.storage === x.storage, "reshape of contiguous data must be a view")
        try r.select(0, 0).assign(tensor([10, 11], [2]))
        assertTensor(x, [2, 3], [10, 11, 2, 3, 4, 5])

        let t = try x.t()
        let c = try t.reshape([6])
        XCTAssertFalse(c.storage === x.storage, "reshape of a transposed tensor must copy")
        assertTensor(c, [6], [10, 3, 11, 4, 2, 5])
        try c.assign(Tensor.scalar(0))
        assertTensor(x, [2, 3], [10, 11, 2, 3, 4, 5])
    }

    func testViewOpsShareStorageAndSetStrides() throws {
        let x = tensor((0..<24).map(Float.init), [2, 3, 4])
        XCTAssertEqual(x.strides, [12, 4, 1])
        let p = try x.permute([2, 0, 1])
        XCTAssertTrue(p.storage === x.storage)
        XCTAssertEqual(p.shape, [4, 2, 3])
        XCTAssertEqual(p.strides, [1, 12, 4])
        XCTAssertFalse(p.isContiguous)
        let tr = try x.transpose(0, 1)
        XCTAssertEqual(tr.strides, [4, 12, 1])
        let e = try tensor([1, 2, 3], [3, 1]).expand([2, 3, 4])
        XCTAssertEqual(e.strides, [0, 1, 0])
        let n = try x.narrow(2, 1, 2)
        XCTAssertTrue(n.storage === x.storage)
        XCTAssertEqual(n.offset, 1)
        XCTAssertEqual(n.strides, [12, 4, 1])
        let s = try x.select(1, 2)
        XCTAssertEqual(s.shape, [2, 4])
        XCTAssertEqual(s.offset, 8)
        XCTAssertEqual(s.strides, [12, 1])
        let sl = try x.slice(2, start: 1, end: 4, step: 2)
        XCTAssertEqual(sl.shape, [2, 3, 2])
        XCTAssertEqual(sl.strides, [12, 4, 2])
        XCTAssertTrue(try x.unsqueeze(1).storage === x.storage)
        XCTAssertTrue(try x.unsqueeze(1).squeeze().storage === x.storage)
        XCTAssertTrue(x.detach().storage === x.storage)
        XCTAssertFalse(x.clone().storage === x.storage)
        XCTAssertTrue(x.contiguous() === x, "contiguous() of contiguous data returns the tensor itself")
        let tc = try x.transpose(1, 2).contiguous()
        XCTAssertTrue(tc.isContiguous)
        XCTAssertFalse(tc.storage === x.storage)
        XCTAssertTrue(try x.transpose(-1, -2).transpose(-1, -2).isContiguous)
    }

    // MARK: Values

    func testPermuteTransposeValues() throws {
        assertTensor(try m().t(), [3, 2], [0, 3, 1, 4, 2, 5])
        let x = tensor((0..<24).map(Float.init), [2, 3, 4])
        // permute([2, 0, 1])[k, i, j] = x[i, j, k] = 12 i + 4 j + k.
        let p = try x.permute([2, 0, 1])
        assertTensor(try p.select(0, 1), [2, 3], [1, 5, 9, 13, 17, 21])
        assertTensor(try x.transpose(0, 2).select(0, 3), [3, 2], [3, 15, 7, 19, 11, 23])
        assertTensor(try tensor([1, 2], [2]).t(), [2], [1, 2])
    }

    func testSliceNarrowSelectValues() throws {
        let v = tensor((0..<6).map(Float.init), [6])
        assertTensor(try v.slice(0, start: 1, end: 5, step: 2), [2], [1, 3])
        assertTensor(try v.slice(0, start: -2, end: 100), [2], [4, 5])         // clamped like Python
        assertTensor(try v.slice(0, start: 4, end: 2), [0], [])
        assertTensor(try v.slice(0, start: -100, end: -4), [2], [0, 1])
        assertTensor(try v.slice(0, start: 0, end: 6, step: 4), [2], [0, 4])
        assertTensor(try v.narrow(0, 2, 3), [3], [2, 3, 4])
        assertTensor(try v.narrow(0, -2, 2), [2], [4, 5])
        assertTensor(try v.narrow(0, 6, 0), [0], [])
        assertTensor(try m().select(1, -1), [2], [2, 5])
        assertTensor(try m().select(0, 0), [3], [0, 1, 2])
    }

    func testShapeOps() throws {
        let x = Tensor.full([2, 1, 3, 1], 0)
        XCTAssertEqual(try x.squeeze().shape, [2, 3])
        XCTAssertEqual(try x.squeeze(1).shape, [2, 3, 1])
        XCTAssertEqual(try x.squeeze(-1).shape, [2, 1, 3])
        XCTAssertEqual(try x.squeeze(0).shape, [2, 1, 3, 1])
        XCTAssertEqual(try x.unsqueeze(0).shape, [1, 2, 1, 3, 1])
        XCTAssertEqual(try x.unsqueeze(4).shape, [2, 1, 3, 1, 1])
        XCTAssertEqual(try x.unsqueeze(-1).shape, [2, 1, 3, 1, 1])
        XCTAssertEqual(try x.unsqueeze(-5).shape, [1, 2, 1, 3, 1])
        XCTAssertEqual(try x.flatten().shape, [6])
        XCTAssertEqual(try x.flatten(1).shape, [2, 3])
        XCTAssertEqual(try x.flatten(1, 2).shape, [2, 3, 1])
        XCTAssertEqual(try Tensor.scalar(1).flatten().shape, [1])
        XCTAssertEqual(try Tensor.scalar(1).unsqueeze(0).shape, [1])
        XCTAssertEqual(try x.reshape([3, -1]).shape, [3, 2])
        XCTAssertEqual(try x.view([-1, 1]).shape, [6, 1])
        XCTAssertEqual(try Tensor.full([0, 4], 0).reshape([-1, 2]).shape, [0, 2])
    }

    func testExpandAndRepeatValues() throws {
        let c = tensor([1, 2], [2, 1])
        assertTensor(try c.expand([2, 3]), [2, 3], [1, 1, 1, 2, 2, 2])
        assertTensor(try c.expand([2, 2, -1]), [2, 2, 1], [1, 2, 1, 2])
        assertTensor(try tensor([1, 2], [2]).repeat([2, 2]), [2, 4], [1, 2, 1, 2, 1, 2, 1, 2])
        assertTensor(try m().repeat([1, 2]), [2, 6], [0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5])
        assertTensor(try m().t().repeat([2, 1]), [6, 2], [0, 3, 1, 4, 2, 5, 0, 3, 1, 4, 2, 5])
        XCTAssertEqual(try m().repeat([0, 1]).shape, [0, 3])
        XCTAssertFalse(try m().repeat([1, 1]).storage === m().storage)
    }

    func testHugeArgumentsDoNotTrap() throws {
        let v = tensor((0..<6).map(Float.init), [6])
        assertTensor(try v.slice(0, start: 1, end: 6, step: Int.max), [1], [1])
        assertTensor(try v.slice(0, start: Int.min, end: Int.max, step: 5), [2], [0, 5])
        assertTensor(try m().slice(0, start: 0, end: 2, step: Int.max), [1, 3], [0, 1, 2])
        XCTAssertEqual(try Tensor.zeros([0]).reshape([1 << 40, 0]).shape, [1 << 40, 0])
        assertThrowsMessage("narrow: start 2 + length \(Int.max) exceeds the size 6 of dimension 0") { try v.narrow(0, 2, Int.max) }
        assertThrowsMessage("repeat: repeating shape [6] by [1, \(Int.max)] is too large") { try v.repeat([1, Int.max]) }
        assertThrowsMessage("repeat: shape [\(Int.max), 12] is too large (more than \(Shape.maxElements) elements)") { try v.repeat([Int.max, 2]) }
        assertThrowsMessage("repeat: shape [4294967296, 4294967296, 6] is too large (more than \(Shape.maxElements) elements)") {
            try v.repeat([1 << 32, 1 << 32, 1])
        }
        assertThrowsMessage("reshape: shape [\(Int.max), 2] is invalid for input of size 6 (shape [6])") { try v.reshape([Int.max, 2]) }
        assertThrowsMessage("reshape: shape [-1, \(Int.max), 2] is invalid for input of size 6 (shape [6])") { try v.reshape([-1, Int.max, 2]) }
        // A product that wraps around to the element count must not be accepted.
        assertThrowsMessage("reshape: shape [4611686018427387904, 4] is invalid for input of size 0 (shape [0])") {
            try Tensor.zeros([0]).reshape([1 << 62, 4])
        }
    }

    // MARK: Errors

    func testReshapeAndViewErrors() {
        assertThrowsMessage("reshape: shape [4, 4] is invalid for input of size 6 (shape [2, 3])") { try m().reshape([4, 4]) }
        assertThrowsMessage("reshape: shape [-1, 4] is invalid for input of size 6 (shape [2, 3])") { try m().reshape([-1, 4]) }
        assertThrowsMessage("reshape: only one dimension can be -1, got [-1, -1]") { try m().reshape([-1, -1]) }
        assertThrowsMessage("reshape: invalid dimension -2 in shape [-2, -3]") { try m().reshape([-2, -3]) }
        assertThrowsMessage("view: shape [5] is invalid for input of size 6 (shape [2, 3])") { try m().view([5]) }
        assertThrowsMessage("view: the tensor of shape [3, 2] is not contiguous (it was transposed, permuted or sliced); use .reshape(...) or .contiguous().view(...)") {
            try m().t().view([6])
        }
        assertThrowsMessage("flatten: start dimension 1 comes after end dimension 0") { try m().flatten(1, 0) }
    }

    func testDimensionErrors() {
        let x = Tensor.full([2, 3, 4], 0)
        assertThrowsMessage("permute: got 2 dimensions [1, 0] for a tensor with 3 dimensions (shape [2, 3, 4])") { try x.permute([1, 0]) }
        assertThrowsMessage("permute: repeated dimension in [0, 0, 1]") { try x.permute([0, 0, 1]) }
        assertThrowsMessage("permute: dimension 3 is out of range for a tensor with 3 dimensions (expected -3...2)") { try x.permute([0, 1, 3]) }
        assertThrowsMessage("transpose: dimension 2 is out of range for a tensor with 2 dimensions (expected -2...1)") { try m().transpose(0, 2) }
        assertThrowsMessage("t: expects a tensor with at most 2 dimensions, got shape [2, 3, 4]; use transpose(d0, d1) or permute") { try x.t() }
        assertThrowsMessage("squeeze: dimension 3 is out of range for a tensor with 3 dimensions (expected -3...2)") { try x.squeeze(3) }
        assertThrowsMessage("unsqueeze: dimension 3 is out of range for inserting into a tensor with 2 dimensions (expected -3...2)") {
            try m().unsqueeze(3)
        }
        assertThrowsMessage("unsqueeze: dimension -4 is out of range for inserting into a tensor with 2 dimensions (expected -3...2)") {
            try m().unsqueeze(-4)
        }
        assertThrowsMessage("flatten: dimension 2 is out of range for a tensor with 2 dimensions (expected -2...1)") { try m().flatten(2) }
    }

    func testExpandErrors() {
        assertThrowsMessage("expand: cannot expand shape [2, 3] to [2, 4]: dimension 1 has size 3, which is not 1") { try m().expand([2, 4]) }
        assertThrowsMessage("expand: the target shape [3] has fewer dimensions than the tensor's [2, 3]") { try m().expand([3]) }
        assertThrowsMessage("expand: -1 is not allowed for a new leading dimension in [-1, 2, 3]") { try m().expand([-1, 2, 3]) }
        assertThrowsMessage("expand: negative dimension -2 in shape [-2, 3]") { try tensor([1, 2, 3], [1, 3]).expand([-2, 3]) }
    }

    func testSliceNarrowSelectErrors() {
        assertThrowsMessage("slice: slice step must be positive, got 0") { try m().slice(1, start: 0, end: 2, step: 0) }
        assertThrowsMessage("slice: dimension 2 is out of range for a tensor with 2 dimensions (expected -2...1)") { try m().slice(2, start: 0, end: 1) }
        assertThrowsMessage("index: index 3 is out of range for dimension 1 with size 3") { try m().select(1, 3) }
        assertThrowsMessage("index: index -3 is out of range for dimension 0 with size 2") { try m().select(0, -3) }
        // narrow does not clamp: the whole range must exist.
        assertThrowsMessage("narrow: start 2 + length 2 exceeds the size 3 of dimension 1") { try m().narrow(1, 2, 2) }
        assertThrowsMessage("narrow: start 4 is out of range for dimension -1 of size 3") { try m().narrow(-1, 4, 0) }
        assertThrowsMessage("narrow: start -4 is out of range for dimension 1 of size 3") { try m().narrow(1, -4, 1) }
        assertThrowsMessage("narrow: length must be non-negative, got -1") { try m().narrow(0, 1, -1) }
        assertThrowsMessage("narrow: dimension 2 is out of range for a tensor with 2 dimensions (expected -2...1)") { try m().narrow(2, 0, 1) }
        // A 0-d tensor has no dimension to index.
        assertThrowsMessage("select: cannot be applied to a 0-d tensor") { try Tensor.scalar(1).select(0, 0) }
        assertThrowsMessage("slice: cannot be applied to a 0-d tensor") { try Tensor.scalar(1).slice(0, start: 0, end: 1) }
        assertThrowsMessage("narrow: cannot be applied to a 0-d tensor") { try Tensor.scalar(1).narrow(0, 0, 1) }
    }

    func testRepeatErrors() {
        assertThrowsMessage("repeat: number of repeat counts (1) must be at least the number of dimensions (2)") { try m().repeat([2]) }
        assertThrowsMessage("repeat: repeat counts must be non-negative, got [-1, 2]") { try m().repeat([-1, 2]) }
    }
}
