import XCTest
@testable import VisTensor

/// The interruptible kernels: a large product as a sequence of pieces (blocks of C,
/// slices of k) gives the same result as one sgemm, stops after the piece during which
/// Ctrl-C came, and matmul then throws `InterruptError`; `Parallel.forChunks` covers
/// its range once and skips the chunks not started after an interrupt.
final class InterruptibleKernelTests: XCTestCase {
    override func tearDown() { Interrupt.clear() }

    /// A [rows, cols] matrix stored row-major (or, when `transposed`, as the row-major
    /// [cols, rows] matrix whose transpose it is), with the BLAS operand that reads it.
    func matrix(_ rows: Int, _ cols: Int, transposed: Bool, seed: Int) -> (data: [Float], op: BLAS.Operand, at: (Int, Int) -> Float) {
        var data = [Float](repeating: 0, count: rows * cols)
        for i in 0..<data.count { data[i] = Float((i * 7 + seed * 13) % 17) - 8 }
        let ld = transposed ? rows : cols
        let op = transposed ? BLAS.transposed(ld) : BLAS.plain(ld)
        let d = data
        return (data, op, { r, c in transposed ? d[c * ld + r] : d[r * ld + c] })
    }

    /// Every shape and layout, with a budget so small that C goes in many blocks (and k in
    /// many slices): the result equals the plain sum (small integers: exact in float).
    func testChunkedProductEqualsThePlainOne() {
        // Slices of k over all of C; blocks of rows or of columns with the full k and a
        // short last block; blocks times slices of k; one piece.
        let cases = [(40, 10, 1000, 120_000.0), (10, 40, 1000, 120_000.0),
                     (300, 20, 30, 5000.0), (20, 300, 30, 5000.0), (17, 300, 9, 5000.0), (2, 1000, 3, 5000.0),
                     (20, 17, 600, 5000.0), (1000, 1, 4, 5000.0)]
        for (m, n, k, budget) in cases {
            for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
                for beta: Float in [0, 0.5] {
                    let a = matrix(m, k, transposed: ta, seed: 1), b = matrix(k, n, transposed: tb, seed: 2)
                    var c = [Float](repeating: 2, count: m * n)
                    a.data.withUnsafeBufferPointer { ap in
                        b.data.withUnsafeBufferPointer { bp in
                            BLAS.chunked(m: m, n: n, k: k, a: ap.baseAddress!, a.op, b: bp.baseAddress!, b.op,
                                         c: &c, ldc: n, beta: beta, parallel: true, budget: budget)
                        }
                    }
                    var worst: Float = 0
                    for i in 0..<m {
                        for j in 0..<n {
                            var sum: Float = beta * 2
                            for p in 0..<k { sum += a.at(i, p) * b.at(p, j) }
                            worst = max(worst, abs(sum - c[i * n + j]))
                        }
                    }
                    XCTAssertEqual(worst, 0, "m \(m) n \(n) k \(k) transposes \(ta) \(tb) beta \(beta)")
                }
            }
        }
    }

    /// With an interrupt pending, only the first piece runs: the rest of C is untouched.
    func testChunkedProductStopsAfterOnePiece() {
        let m = 1024, n = 64, k = 64
        let a = [Float](repeating: 1, count: m * k), b = [Float](repeating: 1, count: k * n)
        var c = [Float](repeating: .nan, count: m * n)
        Interrupt.request()
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                // Blocks of 256 rows with the full k (slices of k would be too thin): 4 pieces, one runs.
                BLAS.chunked(m: m, n: n, k: k, a: ap.baseAddress!, BLAS.plain(k), b: bp.baseAddress!, BLAS.plain(n),
                             c: &c, ldc: n, beta: 0, parallel: true, budget: Double(256 * n * k))
            }
        }
        XCTAssertTrue(Interrupt.requested, "the kernel leaves the flag for the op to throw")
        XCTAssertEqual(c[0], Float(k))
        XCTAssertEqual(c[255 * n + n - 1], Float(k))
        XCTAssertTrue(c[256 * n].isNaN, "the second piece ran")
        XCTAssertTrue(c[m * n - 1].isNaN)
    }

    /// matmul throws InterruptError when Ctrl-C came during it (and clears the flag);
    /// the next product runs normally.
    func testMatmulThrowsWhenInterrupted() throws {
        let a = try Tensor.randn([64, 64]), b = try Tensor.randn([4, 64, 64])
        Interrupt.request()
        XCTAssertThrowsError(try a.matmul(b)) { XCTAssertTrue($0 is InterruptError, "\($0)") }
        XCTAssertFalse(Interrupt.requested)
        XCTAssertEqual(try a.matmul(b).shape, [4, 64, 64])
    }

    /// forChunks covers 0..<count exactly once in pieces, and skips every chunk once an
    /// interrupt is pending.
    func testForChunksCoversTheRangeAndStops() {
        let count = 1 << 12
        let cost = Parallel.interruptGrain / 64  // 64 chunks
        var hits = [Int32](repeating: 0, count: count)
        hits.withUnsafeMutableBufferPointer { h in
            let p = h.baseAddress!
            Parallel.forChunks(count, costPerElement: cost) { s, e in for i in s..<e { p[i] += 1 } }
        }
        XCTAssertEqual(hits, [Int32](repeating: 1, count: count))
        Interrupt.request()
        var ran = [Int32](repeating: 0, count: count)
        ran.withUnsafeMutableBufferPointer { h in
            let p = h.baseAddress!
            Parallel.forChunks(count, costPerElement: cost) { s, e in for i in s..<e { p[i] += 1 } }
        }
        XCTAssertEqual(ran.reduce(0, +), 0)
        XCTAssertTrue(Interrupt.requested)
    }
}
