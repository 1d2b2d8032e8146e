import Foundation
import XCTest
@testable import VisTensor

/// The size-bucketed buffer cache, and the project target it exists for: a training
/// step in steady state allocates nothing from the system.
final class BufferCacheTests: XCTestCase {
    /// Runs `step` 100 times and asserts that after the first 2 iterations (which fill
    /// the cache) the remaining 98 make no system allocation.
    private func assertSteadyState(file: StaticString = #filePath, line: UInt = #line, _ step: () throws -> Void) {
        do {
            try step()
            try step()
            let before = BufferCache.shared.systemAllocations
            let reusesBefore = BufferCache.shared.reuses
            for _ in 0..<98 { try step() }
            XCTAssertEqual(BufferCache.shared.systemAllocations, before,
                           "steady-state iterations allocated from the system", file: file, line: line)
            XCTAssertGreaterThan(BufferCache.shared.reuses, reusesBefore, "the loop should reuse buffers", file: file, line: line)
        } catch {
            XCTFail("\(error)", file: file, line: line)
        }
    }

    func testElementwiseTrainingLoopIsSteadyState() throws {
        let a = randomLeaf([32, 32], seed: 801), b = randomLeaf([32, 32], seed: 802), c = randomLeaf([32], seed: 803)
        assertSteadyState {
            let y = try (a * b + c).relu().sum()
            try y.backward()
            try withNoGrad {
                for p in [a, b, c] {
                    if let g = p.grad { try p.addInPlace(g, alpha: -1e-3); try g.zero() }
                }
            }
        }
        XCTAssertNotNil(a.grad)
    }

    func testMLPTrainingLoopIsSteadyState() throws {
        // A two-layer network with matmul, broadcasting bias, activation, softmax and a
        // mean: the ops a real training step uses; gradients are dropped each step.
        let x = try Tensor.randn([16, 20], generator: Generator(seed: 804))
        let w1 = randomLeaf([20, 32], seed: 805, in: -0.3...0.3), b1 = randomLeaf([32], seed: 806)
        let w2 = randomLeaf([32, 10], seed: 807, in: -0.3...0.3)
        assertSteadyState {
            let h = try x.matmul(w1).add(b1).gelu()
            let logits = try h.matmul(w2)
            let loss = try logits.logSoftmax(dim: 1).mean().neg().add(logits.variance(dims: [1]).mean())
            try loss.backward()
            try withNoGrad {
                for p in [w1, b1, w2] {
                    if let g = p.grad { try p.addInPlace(g, alpha: -1e-2) }
                    p.grad = nil
                }
            }
        }
    }

    func testBucketSizes() {
        XCTAssertTrue(BufferCache.bucket(for: 0) == (6, 64))
        XCTAssertTrue(BufferCache.bucket(for: 1) == (6, 64))
        XCTAssertTrue(BufferCache.bucket(for: 64) == (6, 64))
        XCTAssertTrue(BufferCache.bucket(for: 65) == (7, 128))
        XCTAssertTrue(BufferCache.bucket(for: 4096) == (12, 4096))
        XCTAssertTrue(BufferCache.bucket(for: 4097) == (13, 8192))
    }

    func testReuseLimitAndTrim() {
        let cache = BufferCache()
        let (p, capacity) = cache.allocate(100)
        XCTAssertEqual(capacity, 128)
        XCTAssertEqual(Int(bitPattern: p) % 64, 0, "buffers are 64-byte aligned")
        XCTAssertEqual(cache.systemAllocations, 1)
        cache.release(p, capacity: capacity)
        let (q, _) = cache.allocate(128)
        XCTAssertEqual(q, p, "a released buffer is reused for a request in the same bucket")
        XCTAssertEqual(cache.systemAllocations, 1)
        XCTAssertEqual(cache.reuses, 1)
        // A different bucket does not reuse it.
        cache.release(q, capacity: 128)
        let (r, rc) = cache.allocate(129)
        XCTAssertEqual(cache.systemAllocations, 2)
        cache.release(r, capacity: rc)

        // Beyond limitBytes, released buffers go back to the system.
        cache.trim()
        cache.limitBytes = 128
        let (a, ac) = cache.allocate(128), (b, bc) = cache.allocate(128)
        cache.release(a, capacity: ac)
        cache.release(b, capacity: bc)                  // over the limit: freed
        let allocations = cache.systemAllocations
        let (c, cc) = cache.allocate(128)
        XCTAssertEqual(cache.systemAllocations, allocations, "one buffer was kept")
        let (d, dc) = cache.allocate(128)
        XCTAssertEqual(cache.systemAllocations, allocations + 1, "the other was not")
        cache.release(c, capacity: cc)
        cache.release(d, capacity: dc)

        // trim empties the cache.
        cache.trim()
        let (e, ec) = cache.allocate(128)
        XCTAssertEqual(cache.systemAllocations, allocations + 2)
        cache.release(e, capacity: ec)
        cache.trim()
    }

    func testConcurrentUseHandsEachBufferToOneOwner() {
        // DataLoader workers allocate from several threads. Each request is counted once,
        // and no buffer is handed to two owners at the same time (each owner stamps its
        // buffer and checks the stamp before giving it back). Races are caught
        // probabilistically: without the lock this test crashes or miscounts in some runs.
        let cache = BufferCache()
        let threads = 8, rounds = 40_000
        let corrupted = UnsafeMutablePointer<Int>.allocate(capacity: threads)
        corrupted.initialize(repeating: 0, count: threads)
        DispatchQueue.concurrentPerform(iterations: threads) { t in
            var held: [(UnsafeMutableRawPointer, Int, Int)] = []
            for i in 0..<rounds {
                let (p, c) = cache.allocate(64 << (i % 2))
                let stamp = t * rounds + i
                p.storeBytes(of: stamp, as: Int.self)
                held.append((p, c, stamp))
                if held.count > 3 || i == rounds - 1 {
                    for (q, qc, qs) in held {
                        if q.load(as: Int.self) != qs { corrupted[t] += 1 }
                        cache.release(q, capacity: qc)
                    }
                    held.removeAll()
                }
            }
        }
        XCTAssertEqual((0..<threads).map { corrupted[$0] }, [Int](repeating: 0, count: threads))
        XCTAssertEqual(cache.systemAllocations + cache.reuses, threads * rounds)
        corrupted.deallocate()
        cache.trim()
    }

    func testStorageReturnsItsBufferOnRelease() {
        let cache = BufferCache.shared
        var address: UnsafeMutableRawPointer?
        do {
            let t = Tensor.full([1000], 1)
            address = t.storage.data
            XCTAssertEqual(Int(bitPattern: t.storage.data) % 64, 0)
        }
        let before = cache.systemAllocations
        let t2 = Tensor.full([1000], 2)
        XCTAssertEqual(t2.storage.data, address, "the freed buffer is handed to the next tensor of that size")
        XCTAssertEqual(cache.systemAllocations, before)
    }
}
