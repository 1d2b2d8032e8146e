import VisTensor

/// The memory side of every optimizer's update: hands the update kernel contiguous
/// float32 pointers to the parameter and its gradient, so that each optimizer writes
/// one fused loop over raw elements (no temporaries, no autograd).
///
/// Parameters and gradients are contiguous in practice (layers create them so and
/// backward accumulates so); a strided view of either takes a copy, updated and
/// written back, which costs allocations but keeps the result right.
enum FusedUpdate {
    /// Estimated cost of one element of an optimizer update, in units of a simple
    /// add (vector square roots, divisions and double-width multiply-adds), so that
    /// `Parallel.forRange` splits tensors of 8192 elements and up across cores.
    static let cost = 4

    /// Calls `body(param, grad, count)` with contiguous pointers to `p`'s and `g`'s
    /// elements; writes the result back when `p` is a strided view.
    @inline(__always)
    static func run(_ p: Tensor, _ g: Tensor,
                    _ body: (UnsafeMutablePointer<Float>, UnsafePointer<Float>, Int) -> Void) throws {
        let gc = g.isContiguous ? g : g.detach().contiguous()
        if p.isContiguous {
            // A step is an in-place write: a graph that saved the parameter (a loss
            // computed before the step) refuses backward afterwards, as in PyTorch.
            p.storage.bumpVersion()
            body(p.floatPointer, UnsafePointer(gc.floatPointer), p.count)
            return
        }
        let work = p.detach().contiguous()
        body(work.floatPointer, UnsafePointer(gc.floatPointer), work.count)
        try withNoGrad { try p.assign(work) }
    }

    /// Eight float32 lanes: the unit the update kernels work in, so that every
    /// kernel compiles to vector instructions (square roots and divisions included)
    /// whatever the flags, without relying on the loop vectoriser.
    typealias Lanes = SIMD8<Float>

    /// a·b + c rounded once to float32, as the fused multiply-add that PyTorch's CPU
    /// kernels use for `add(x, alpha=)`, `lerp` and `addcmul` (their vector code calls
    /// `fmadd`, and the compiler contracts the scalar code to FMA: addcmul is
    /// self + (value·t1)·t2 with the last multiply-add fused). The product of two
    /// floats is exact in double, so this rounds like a true FMA except when the
    /// double sum lands exactly halfway between two floats (about 1 in 2²⁹ cases). A
    /// portable x86-64 build (`VIS_PORTABLE=1`) has no hardware FMA, `fmaf` from libm
    /// would be a call per element there, and native builds must give the same numbers.
    @inline(__always)
    static func fma(_ a: Lanes, _ b: Lanes, _ c: Lanes) -> Lanes {
        narrow(widen(a) * widen(b) + widen(c))
    }

    /// `fma` with a scalar first factor.
    @inline(__always)
    static func fma(_ a: Float, _ b: Lanes, _ c: Lanes) -> Lanes {
        narrow(Double(a) * widen(b) + widen(c))
    }

    // The conversions lane by lane, which LLVM turns into vector conversions: the
    // standard library's SIMD8<Double>(SIMD8<Float>) stays an out-of-line call per use
    // (it was 15% of Adam's step time in a profile of the W1 training loop).
    @inline(__always)
    static func widen(_ a: Lanes) -> SIMD8<Double> {
        SIMD8(Double(a[0]), Double(a[1]), Double(a[2]), Double(a[3]), Double(a[4]), Double(a[5]), Double(a[6]), Double(a[7]))
    }

    @inline(__always)
    static func narrow(_ a: SIMD8<Double>) -> Lanes {
        Lanes(Float(a[0]), Float(a[1]), Float(a[2]), Float(a[3]), Float(a[4]), Float(a[5]), Float(a[6]), Float(a[7]))
    }

    /// PyTorch's `lerp(start, end, w)` as base + coefficient·(end − start) with one
    /// rounding: start + w·(end − start) for |w| < 0.5, else end − (1 − w)·(end − start).
    struct Lerp {
        /// w, or w − 1 (= −(1 − w) exactly) for large weights.
        let coefficient: Float
        /// Whether the base is `start` (small weights) or `end`.
        let fromStart: Bool

        init(weight: Double) {
            let w = Float(weight)
            fromStart = Swift.abs(w) < 0.5
            coefficient = fromStart ? w : w - 1
        }

        @inline(__always)
        func callAsFunction(_ start: Lanes, _ end: Lanes) -> Lanes {
            FusedUpdate.fma(coefficient, end - start, fromStart ? start : end)
        }
    }

    /// Calls `body(i, count)` for the chunks of up to 8 elements that cover
    /// `start..<end`.
    @inline(__always)
    static func chunks(_ start: Int, _ end: Int, _ body: (Int, Int) -> Void) {
        var i = start
        while i < end {
            body(i, Swift.min(8, end - i))
            i += 8
        }
    }

    /// Elements `i ..< i + count` of `p` (count ≤ 8; missing lanes are 0).
    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, _ i: Int, _ count: Int) -> Lanes {
        if count == 8 { return UnsafeRawPointer(p + i).loadUnaligned(as: Lanes.self) }
        var x = Lanes()
        for j in 0..<count { x[j] = p[i + j] }
        return x
    }

    @inline(__always)
    static func load(_ p: UnsafeMutablePointer<Float>, _ i: Int, _ count: Int) -> Lanes {
        load(UnsafePointer(p), i, count)
    }

    /// Writes the first `count` lanes of `x` to `p[i ..< i + count]`.
    @inline(__always)
    static func store(_ x: Lanes, _ p: UnsafeMutablePointer<Float>, _ i: Int, _ count: Int) {
        if count == 8 {
            UnsafeMutableRawPointer(p + i).storeBytes(of: x, as: Lanes.self)
            return
        }
        for j in 0..<count { p[i + j] = x[j] }
    }

    /// Runs `body(start, end)` over `0..<count`, split across cores when large.
    @inline(__always)
    static func loop(_ count: Int, _ body: (Int, Int) -> Void) {
        Parallel.forRange(count, costPerElement: cost, body)
    }
}
