/// Eight-lane exp, sigmoid and tanh for the recurrent cell kernels.
///
/// An LSTM step evaluates five transcendental functions per hidden unit, so with libm's
/// scalar `expf`/`tanhf` (10-20 ns each) they would cost more than the step's matrix
/// product. These are Cephes' single-precision algorithms (the ones PyTorch's
/// vectorised CPU kernels descend from) written on `SIMD8<Float>`: about 1-2 ulp from
/// the correctly rounded values, NaN in gives NaN out.
enum RecurrentMath {
    typealias V = SIMD8<Float>

    /// e^x. x = n ln2 + r with |r| <= ln2 / 2; e^r from Cephes' degree-7 polynomial;
    /// 2^n written into the exponent bits. x is clamped to [-87, 88] so that n stays a
    /// normal exponent: exp(88) = 1.65e38 stands in for larger results and 1.6e-38
    /// for smaller ones, which only ever feed 1 / (1 + e) below, where both are exact
    /// to float precision.
    @inline(__always)
    static func exp(_ x: V) -> V {
        // (replacing(with:where:) compiles to compare-and-blend; pointwiseMin/Max to calls.)
        let xc = x.replacing(with: 88, where: x .> 88).replacing(with: -87, where: x .< -87)
        // Adding 1.5 * 2^23 rounds x / ln2 to an integer held in the low mantissa bits.
        let magic = V(repeating: 12_582_912)
        let t = xc * V(repeating: 1.442_695_040_888_963_4) + magic
        let n = t - magic
        var r = xc - n * V(repeating: 0.693_359_375)
        r = r + n * V(repeating: 2.121_944_40e-4)
        var p = V(repeating: 1.987_569_150_0e-4)
        p = p * r + V(repeating: 1.398_199_950_7e-3)
        p = p * r + V(repeating: 8.333_451_907_3e-3)
        p = p * r + V(repeating: 4.166_579_589_4e-2)
        p = p * r + V(repeating: 1.666_666_545_9e-1)
        p = p * r + V(repeating: 5.000_000_120_1e-1)
        let er = p * r * r + r + V(repeating: 1)
        let nInt = unsafeBitCast(t, to: SIMD8<Int32>.self) &- 0x4B40_0000
        let scale = unsafeBitCast((nInt &+ 127) &<< 23, to: V.self)
        let y = er * scale
        // NaN compares unequal to itself; min/max above would have replaced it.
        return y.replacing(with: x, where: x .!= x)
    }

    /// 1 / (1 + e^-x).
    @inline(__always)
    static func sigmoid(_ x: V) -> V {
        V(repeating: 1) / (V(repeating: 1) + exp(-x))
    }

    /// tanh(x): Cephes' odd polynomial below |x| = 0.625 (where 1 - 2 / (e^2x + 1)
    /// would lose relative precision), 1 - 2 / (e^2|x| + 1) with x's sign above.
    @inline(__always)
    static func tanh(_ x: V) -> V {
        let negative = x .< 0
        let ax = x.replacing(with: -x, where: negative)
        let big = V(repeating: 1) - V(repeating: 2) / (exp(ax + ax) + V(repeating: 1))
        let z = x * x
        var p = V(repeating: -5.704_988_727_45e-3)
        p = p * z + V(repeating: 2.063_908_879_54e-2)
        p = p * z - V(repeating: 5.373_971_555_31e-2)
        p = p * z + V(repeating: 1.333_144_220_36e-1)
        p = p * z - V(repeating: 3.333_328_194_22e-1)
        let small = p * z * x + x
        return big.replacing(with: -big, where: negative).replacing(with: small, where: ax .< 0.625)
    }

    /// The first `count` (at most 8) floats at `p`, zero-padded.
    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, _ count: Int) -> V {
        if count >= 8 { return UnsafeRawPointer(p).loadUnaligned(as: V.self) }
        var v = V()
        for k in 0..<count { v[k] = p[k] }
        return v
    }

    @inline(__always)
    static func load(_ p: UnsafeMutablePointer<Float>, _ count: Int) -> V { load(UnsafePointer(p), count) }

    /// Writes the first `count` (at most 8) lanes of `v` to `p`.
    @inline(__always)
    static func store(_ v: V, _ p: UnsafeMutablePointer<Float>, _ count: Int) {
        if count >= 8 {
            UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
            return
        }
        for k in 0..<count { p[k] = v[k] }
    }
}
