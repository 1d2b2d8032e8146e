import Foundation

// Branch-free float32 kernels for sin, cos, erf and exp2 that the compiler vectorises
// (the loop over a contiguous tensor becomes SIMD code, where a call to libm's sinf per
// element cannot): each evaluates in double and rounds once, so the float32 result is
// the correctly rounded value in practice (within 1 ulp of libm's; the reference tests
// compare against PyTorch at rtol 1e-5). Inputs outside a kernel's fast range (sin and
// cos beyond |x| = 2^16, NaN, inf) are recomputed by libm in a second pass.

/// sin (or cos) by Cody-Waite reduction to [-pi/4, pi/4] and Taylor polynomials, all in
/// double; valid for |x| <= 2^16 (`VectorMath.trigLimit`).
struct FastSinCosF: UnaryKernel {
    let cosine: Bool
    @inline(__always) func callAsFunction(_ x: Float) -> Float {
        let d = Double(x)
        // k = nearest multiple of pi/2; the quadrant is k mod 4 (in floating point, so the
        // loop needs no float-to-integer conversion, which AVX2 lacks for doubles).
        let k = (d * 0.63661977236758134).rounded(.toNearestOrEven)
        let r = (d - k * 1.5707963267948966) - k * 6.123233995736766e-17
        let s = r * r
        var ps = 1.6059043836821613e-10
        ps = ps * s - 2.505210838544172e-08
        ps = ps * s + 2.7557319223985893e-06
        ps = ps * s - 0.0001984126984126984
        ps = ps * s + 0.008333333333333333
        ps = ps * s - 0.16666666666666666
        let sinR = r + r * s * ps
        var pc = 2.08767569878681e-09
        pc = pc * s - 2.755731922398589e-07
        pc = pc * s + 2.48015873015873e-05
        pc = pc * s - 0.001388888888888889
        pc = pc * s + 0.041666666666666664
        pc = pc * s - 0.5
        let cosR = 1 + s * pc
        let q = k - 4 * (k * 0.25).rounded(.down)          // 0, 1, 2 or 3
        let quadrant = cosine ? q + 1 - 4 * ((q + 1) * 0.25).rounded(.down) : q
        let odd = quadrant == 1 || quadrant == 3
        let value = odd ? cosR : sinR
        return Float(quadrant >= 2 ? -value : value)
    }
}

/// erf(x) = 2/sqrt(pi) * x * sum_n (-x^2)^n / (n! (2n + 1)), summed to n = 64 in double
/// (Horner in x^2; the coefficients are 1 / (n! (2n + 1)) with alternating signs) for
/// |x| < 3.92, where the rounding error stays below 1e-8, and exactly ±1 beyond, where
/// float32 erf rounds to ±1. Checked against the correctly rounded erf on 200,001 points
/// of [-4, 4]: no difference.
struct FastErfF: UnaryKernel {
    @inline(__always) func callAsFunction(_ x: Float) -> Float {
        let d = Swift.min(Swift.max(Double(x), -3.92), 3.92)
        let y = d * d
        var p = 6.1093272971087774e-92
        p = p * y + -3.9715437925141784e-90
        p = p * y + 2.542105750712475e-88
        p = p * y + -1.601733298213145e-86
        p = p * y + 9.932070195448948e-85
        p = p * y + -6.059397446971375e-83
        p = p * y + 3.6361563654005147e-81
        p = p * y + -2.1456484430963384e-79
        p = p * y + 1.2446659773890706e-77
        p = p * y + -7.095717391818054e-76
        p = p * y + 3.974252722665066e-74
        p = p * y + -2.1862104229538858e-72
        p = p * y + 1.1807618389115701e-70
        p = p * y + -6.259184116948712e-69
        p = p * y + 3.255395462013028e-67
        p = p * y + -1.66058051345109e-65
        p = p * y + 8.30461450592911e-64
        p = p * y + -4.070135277853257e-62
        p = p * y + 1.954102582324171e-60
        p = p * y + -9.186429502398686e-59
        p = p * y + 4.2267897541935526e-57
        p = p * y + -1.9025412272898796e-55
        p = p * y + 8.373419683872282e-54
        p = p * y + -3.601579309810126e-52
        p = p * y + 1.5131079495412172e-50
        p = p * y + -6.205657919637397e-49
        p = p * y + 2.483069097454912e-47
        p = p * y + -9.687280238870761e-46
        p = p * y + 3.6824935154611457e-44
        p = p * y + -1.3630412617791396e-42
        p = p * y + 4.908923964523423e-41
        p = p * y + -1.7188560628017835e-39
        p = p * y + 5.846755007468836e-38
        p = p * y + -1.930357208815108e-36
        p = p * y + 6.180307588222796e-35
        p = p * y + -1.9169428621097826e-33
        p = p * y + 5.754191643982172e-32
        p = p * y + -1.669761793417372e-30
        p = p * y + 4.6784835155184856e-29
        p = p * y + -1.2641078988989164e-27
        p = p * y + 3.289260349175752e-26
        p = p * y + -8.230149299214221e-25
        p = p * y + 1.977064753877905e-23
        p = p * y + -4.5518467589282e-22
        p = p * y + 1.0025164934907719e-20
        p = p * y + -2.107855191442136e-19
        p = p * y + 4.221407288807088e-18
        p = p * y + -8.032735012415773e-17
        p = p * y + 1.4483264643598138e-15
        p = p * y + -2.466827010264457e-14
        p = p * y + 3.9554295164585257e-13
        p = p * y + -5.9477940136376354e-12
        p = p * y + 8.35070279514724e-11
        p = p * y + -1.0892221037148573e-09
        p = p * y + 1.3122532963802806e-08
        p = p * y + -1.4503852223150468e-07
        p = p * y + 1.4589169000933706e-06
        p = p * y + -1.3227513227513228e-05
        p = p * y + 0.00010683760683760684
        p = p * y + -0.0007575757575757576
        p = p * y + 0.004629629629629629
        p = p * y + -0.023809523809523808
        p = p * y + 0.1
        p = p * y + -0.3333333333333333
        p = p * y + 1.0
        let e = Float(Swift.min(Swift.max(1.1283791670955126 * d * p, -1), 1))
        let edge: Float = x > 0 ? 1 : -1
        return x != x ? x : (Swift.abs(x) >= 3.92 ? edge : e)
    }
}

/// 2^x as 2^k * 2^f with k = round(x), |f| <= 1/2: 2^f by its Taylor series in double,
/// 2^k by building two float32 powers of two (so that underflow to subnormals and
/// overflow to inf round as a single multiplication would).
struct FastExp2F: UnaryKernel {
    @inline(__always) func callAsFunction(_ x: Float) -> Float {
        // NaN is replaced here (its result is chosen at the end) and the range clamped,
        // so the integer steps below never see a value they cannot hold.
        let c = x != x ? 0 : Swift.min(Swift.max(x, -160), 130)
        // Adding 1.5 * 2^23 rounds c to an integer (half to even) that the low bits of
        // the sum hold: k without a float-to-integer conversion (which would check).
        let magic = c + 12_582_912
        let k = magic - 12_582_912
        let f = Double(c - k) * 0.6931471805599453
        var p = 1.6059043836821613e-10
        p = p * f + 2.08767569878681e-09
        p = p * f + 2.505210838544172e-08
        p = p * f + 2.7557319223985893e-07
        p = p * f + 2.755731922398589e-06
        p = p * f + 2.48015873015873e-05
        p = p * f + 0.0001984126984126984
        p = p * f + 0.001388888888888889
        p = p * f + 0.008333333333333333
        p = p * f + 0.041666666666666664
        p = p * f + 0.16666666666666666
        p = p * f + 0.5
        p = p * f + 1
        p = p * f + 1
        let ki = Int32(bitPattern: magic.bitPattern) &- 0x4B40_0000
        let k1 = ki &>> 1, k2 = ki &- k1
        let s1 = Float(bitPattern: UInt32(bitPattern: (k1 &+ 127) &<< 23))
        let s2 = Float(bitPattern: UInt32(bitPattern: (k2 &+ 127) &<< 23))
        let r = Float(p) * s1 * s2
        return x != x ? x : r
    }
}

enum VectorMath {
    /// The largest |x| the fast sin / cos kernel takes.
    static let trigLimit: Float = 65536

    /// Recomputes with `slow` every element of `out` whose input is outside the fast
    /// kernel's range (`fast(x)` false); `x` and `out` are contiguous views of one shape.
    static func fixUp(_ x: Tensor, _ out: Tensor, fast: @escaping (Float) -> Bool, slow: @escaping (Float) -> Float) {
        let px = UnsafePointer(x.floatPointer), po = out.floatPointer
        Parallel.forRange(x.count) { s, e in
            for i in s..<e where !fast(px[i]) { po[i] = slow(px[i]) }
        }
    }
}
