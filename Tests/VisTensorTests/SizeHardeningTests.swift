import XCTest
@testable import VisTensor

/// Issue 15 in the tensor core: sizes checked before allocation, reductions of
/// broadcast views without per-element scratch, strided copies walked row by row, and
/// long reductions and joins that stop on Ctrl-C (`Interrupt.requested`).
final class SizeHardeningTests: XCTestCase {
    override func tearDown() {
        Interrupt.clear()
        super.tearDown()
    }

    /// Asserts that `body` throws a TensorError whose message contains `fragment`.
    private func assertTensorError(_ fragment: String, file: StaticString = #filePath, line: UInt = #line,
                                   _ body: () throws -> Any) {
        do {
            _ = try body()
            XCTFail("expected an error containing '\(fragment)'", file: file, line: line)
        } catch let e as TensorError {
            XCTAssertTrue(e.message.contains(fragment), "\(e.message)", file: file, line: line)
        } catch {
            XCTFail("unexpected \(error)", file: file, line: line)
        }
    }

    /// Asserts that `body` throws InterruptError and leaves the flag cleared.
    private func assertInterrupted(file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Any) {
        Interrupt.request()
        do {
            _ = try body()
            XCTFail("expected an interrupt", file: file, line: line)
        } catch is InterruptError {
            XCTAssertFalse(Interrupt.requested, file: file, line: line)
        } catch {
            XCTFail("unexpected \(error)", file: file, line: line)
        }
        Interrupt.clear()
    }

    func testBroadcastResultIsCheckedAgainstTheLimit() throws {
        let big = 1 << 17
        let a = try Tensor.ones([big, 1]), b = try Tensor.ones([1, big])
        assertTensorError("add: shape [131072, 131072] is too large") { try a + b }
        assertTensorError("is too large") { try a.lt(b) }
        assertTensorError("is too large") { try Tensor.where(a.gt(0), a, b) }
        // Equal shapes and small broadcasts are unaffected.
        XCTAssertEqual(try (a + a).shape, [big, 1])
        XCTAssertEqual(try (Tensor.ones([2, 1]) + Tensor.ones([1, 3])).shape, [2, 3])
    }

    func testReductionOfEmptyTensorWithHugeSizesIsASizeError() throws {
        let z = try Tensor.zeros([0, 1 << 62])
        assertTensorError("sum: shape [4611686018427387904] is too large") { try z.sum(dim: 0) }
        assertTensorError("mean: shape") { try z.mean(dim: 0) }
        assertTensorError("var: shape") { try z.variance(dims: [0]) }
        let joined = try Tensor.cat([z, z], dim: 0)
        assertTensorError("sum: shape [4611686018427387904] is too large") { try joined.sum(dim: 0) }
        // Reducing the huge dimension leaves the empty one: fine.
        XCTAssertEqual(try z.sum(dim: 1).shape, [0])
        // A permuted empty tensor whose reduced sizes overflow when multiplied.
        let p = try Tensor.zeros([0, 1 << 62, 1 << 62]).permute([1, 2, 0])
        XCTAssertEqual(try p.sum(dims: [0, 1]).shape, [0])
        XCTAssertEqual(try Tensor.zeros([0, 1 << 62, 1 << 62]).mean(dims: [1, 2]).shape, [0])
    }

    func testReductionsOfBroadcastViewsReadEachStoredValueOnce() throws {
        // 10^9 view elements over one stored float: no 4 GB copy, no 8 GB of offsets.
        let big = try Tensor.ones([1]).expand([1_000_000_000])
        XCTAssertEqual(try big.sum().item(), 1e9)
        XCTAssertEqual(try big.mean().item(), 1)
        XCTAssertEqual(try Tensor.full([1], 5, dtype: .int64).expand([1_000_000_000]).sum().item(), 5e9)
        // Broadcast reduced and kept dimensions against the materialised reference.
        let x = try Tensor.arange(0, 6).reshape([2, 1, 3]).expand([2, 4, 3])
        let c = x.contiguous()
        for dims in [[0], [1], [2], [0, 1], [1, 2], [0, 2], [0, 1, 2]] {
            XCTAssertEqual(try x.sum(dims: dims).toFloatArray(), try c.sum(dims: dims).toFloatArray(), "sum \(dims)")
            XCTAssertEqual(try x.sum(dims: dims, keepdim: true).shape, try c.sum(dims: dims, keepdim: true).shape)
            let v = try x.variance(dims: dims).toFloatArray(), vc = try c.variance(dims: dims).toFloatArray()
            for (a, b) in zip(v, vc) { XCTAssertEqual(a, b, accuracy: 1e-5, "var \(dims)") }
        }
        for d in 0..<3 {
            let (v, i) = try x.max(dim: d), (vc, ic) = try c.max(dim: d)
            XCTAssertEqual(v.toFloatArray(), vc.toFloatArray(), "max \(d)")
            XCTAssertEqual(i.toInt64Array(), ic.toInt64Array(), "argmax \(d)")
            XCTAssertEqual(try x.min(dim: d).indices.toInt64Array(), try c.min(dim: d).indices.toInt64Array())
        }
        // Gradients still flow to the unexpanded tensor.
        let leaf = try Tensor.arange(0, 3).setRequiresGrad()
        try leaf.expand([4, 3]).sum().backward()
        XCTAssertEqual(leaf.grad?.toFloatArray(), [4, 4, 4])
    }

    func testStridedCopiesMatchTheElementOrder() throws {
        let x = try Tensor.arange(0, 60).reshape([3, 4, 5])
        let p = try x.permute([2, 0, 1]).slice(1, start: 0, end: 3, step: 2)
        var expected: [Float] = []
        for k in 0..<5 { for i in stride(from: 0, to: 3, by: 2) { for j in 0..<4 { expected.append(Float(i * 20 + j * 5 + k)) } } }
        XCTAssertEqual(p.contiguous().toFloatArray(), expected)
        XCTAssertEqual(try p.neg().toFloatArray(), expected.map { -$0 })
        // An expanded (stride 0) view copies its one value along the broadcast dimension.
        XCTAssertEqual(try Tensor.arange(0, 3).reshape([3, 1]).expand([3, 2]).contiguous().toFloatArray(), [0, 0, 1, 1, 2, 2])
        // Assigning into a strided view writes through its strides.
        let z = try Tensor.zeros([3, 4])
        try z.t().assign(Tensor.arange(0, 12).reshape([4, 3]))
        XCTAssertEqual(z.toFloatArray(), [0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11])
    }

    func testJoinsCheckTheirTotalAndCount() throws {
        let z = try Tensor.zeros([0, 1 << 62])
        XCTAssertEqual(try Tensor.cat([z, z], dim: 0).shape, [0, 1 << 62])
        assertTensorError("add up past") { try Tensor.cat([z, z], dim: 1) }
        assertTensorError("split: would return 4611686018427387904 tensors") { try z.split(1, dim: 1) }
        assertTensorError("chunk: would return") { try Tensor.zeros([0]).chunk(1 << 62) }
    }

    func testLongReductionsAndJoinsStopOnInterrupt() throws {
        let x = try Tensor.ones([4_000_000])
        assertInterrupted { try x.sum() }
        assertInterrupted { try x.reshape([2_000_000, 2]).sum(dim: 1) }
        assertInterrupted { try x.reshape([2, 2_000_000]).sum(dim: 0) }
        assertInterrupted { try x.reshape([2_000_000, 2]).max(dim: 1) }
        assertInterrupted { try x.variance() }
        let pieces = try (0..<10_000).map { _ in try Tensor.ones([1]) }
        assertInterrupted { try Tensor.cat(pieces) }
        assertInterrupted { try Tensor.stack(pieces) }
        // Without a pending interrupt the same calls complete.
        XCTAssertEqual(try x.sum().item(), 4e6)
        XCTAssertEqual(try Tensor.cat(pieces).shape, [10_000])
    }
}
