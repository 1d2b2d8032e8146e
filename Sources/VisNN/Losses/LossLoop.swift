import VisTensor

/// The parallel loops of the fused loss kernels. A reduced loss is summed in fixed
/// chunks of positions, each in Double, and the chunk totals are added in chunk
/// order: the result is the same on every machine whatever its core count (a split
/// by core count would change the rounding from one machine to the next).
enum LossLoop {
    /// Positions per chunk: small enough to spread a per-pixel loss over the cores,
    /// large enough that a chunk's bookkeeping is negligible.
    static let chunk = 2048

    /// Runs `body(start, end)` over `0..<count` in chunks of `chunk` (in parallel when
    /// the work, `count * cost`, is large) and returns the two totals it reports,
    /// summed in chunk order.
    static func sums(_ count: Int, chunk: Int = LossLoop.chunk, cost: Int,
                     _ body: (Int, Int) -> (Double, Double)) -> (Double, Double) {
        let chunks = (count + chunk - 1) / chunk
        if chunks <= 1 { return body(0, count) }
        var first = [Double](repeating: 0, count: chunks)
        var second = [Double](repeating: 0, count: chunks)
        first.withUnsafeMutableBufferPointer { a in
            second.withUnsafeMutableBufferPointer { b in
                Parallel.forRange(chunks, costPerElement: chunk * Swift.max(cost, 1)) { c0, c1 in
                    for c in c0..<c1 {
                        let start = c * chunk
                        (a[c], b[c]) = body(start, Swift.min(count, start + chunk))
                    }
                }
            }
        }
        var s0 = 0.0, s1 = 0.0
        for c in 0..<chunks { s0 += first[c]; s1 += second[c] }
        return (s0, s1)
    }

    /// One total (see `sums`).
    static func sum(_ count: Int, chunk: Int = LossLoop.chunk, cost: Int, _ body: (Int, Int) -> Double) -> Double {
        sums(count, chunk: chunk, cost: cost) { s, e in (body(s, e), 0) }.0
    }

    /// Runs `body(start, end)` over `0..<count`, in parallel when large (no totals,
    /// so any split gives the same result).
    static func forEach(_ count: Int, cost: Int, _ body: (Int, Int) -> Void) {
        Parallel.forRange(count, costPerElement: Swift.max(cost, 1), body)
    }

    /// Sum of `n` floats in Double, with four independent accumulators.
    @inline(__always)
    static func sum(_ p: UnsafePointer<Float>, _ n: Int) -> Double {
        var a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0
        var i = 0
        while i &+ 4 <= n {
            a0 += Double(p[i]); a1 += Double(p[i &+ 1]); a2 += Double(p[i &+ 2]); a3 += Double(p[i &+ 3])
            i &+= 4
        }
        while i < n { a0 += Double(p[i]); i &+= 1 }
        return (a0 + a1) + (a2 + a3)
    }
}
