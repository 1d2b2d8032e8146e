/// exp and log for the softmax inside the fused cross-entropy kernels: branch-free
/// polynomials (Cephes' expf and logf) that the compiler inlines and vectorises
/// across the loops over positions, where a libm call per element cannot be (it made
/// the per-pixel kernel twice as slow). Both are within 2 ulp (measured against double
/// precision: at most 8e-8 relative), far inside the 1e-5 the PyTorch comparisons allow.
enum FastMath {
    /// e^x. The kernels pass x - max <= 0; below -87 the result is 0 (libm would give
    /// denormals down to e^-103 ~ 1e-45, which no probability sum or gradient can
    /// notice); above 88 it saturates at e^88 instead of overflowing. NaN stays NaN.
    @inline(__always)
    static func exp(_ x: Float) -> Float {
        // Clamp into the range where 2^n is a normal float (NaN passes through to NaN).
        let lo: Float = x < -87 ? -87 : x
        let v: Float = lo > 88 ? 88 : lo
        // e^v = 2^n * e^r with n = round(v / ln 2): adding 1.5 * 2^23 rounds to an
        // integer, which then sits in the low mantissa bits of `shifted`.
        let magic: Float = 12582912
        let shifted = v * 1.44269504088896341 + magic
        let n = shifted - magic
        // r = v - n ln 2, with ln 2 split in two so that n * ln2hi is exact.
        let r = (v - n * 0.693359375) - n * -2.12194440e-4
        var p: Float = 1.9875691500e-4
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        let er = p * r * r + r + 1
        // 2^n from the exponent bits: (n + 127) << 23 (the shift drops the magic bits).
        let scale = Float(bitPattern: (shifted.bitPattern &+ 127) << 23)
        return x < -87 ? 0 : er * scale
    }

    /// log(x) for the normal positive x the kernels pass (a softmax denominator, in
    /// [1, C]); NaN stays NaN. Zero, negative, infinite and denormal arguments are
    /// not handled.
    @inline(__always)
    static func log(_ x: Float) -> Float {
        // x = m * 2^e with m in [sqrt(1/2), sqrt(2)), read from the bits.
        let bits = x.bitPattern
        let m0 = Float(bitPattern: (bits & 0x007f_ffff) | 0x3f00_0000)   // [0.5, 1)
        let e0 = Float(Int32(truncatingIfNeeded: (bits >> 23) & 0xff) &- 126)
        let small = m0 < 0.707106781186547524
        let m = (small ? m0 + m0 : m0) - 1
        let e = small ? e0 - 1 : e0
        let z = m * m
        var p: Float = 7.0376836292e-2
        p = p * m - 1.1514610310e-1
        p = p * m + 1.1676998740e-1
        p = p * m - 1.2420140846e-1
        p = p * m + 1.4249322787e-1
        p = p * m - 1.6668057665e-1
        p = p * m + 2.0000714765e-1
        p = p * m - 2.4999993993e-1
        p = p * m + 3.3333331174e-1
        var y = p * m * z
        y += e * -2.12194440e-4
        y -= 0.5 * z
        let r = m + y + e * 0.693359375
        return x.isNaN ? x : r
    }
}
