import Foundation

// Branch-free float32 kernels for sin, cos and exp2 that the compiler vectorises
// (the loop over a contiguous tensor becomes SIMD code, where a call to libm's sinf per
// element cannot): each evaluates in double and rounds once, so the float32 result is
// the correctly rounded value in practice (within 1 ulp of libm's; the reference tests
// compare against PyTorch at rtol 1e-5). Inputs outside a kernel's fast range (sin and
// cos beyond |x| = 2^16, NaN, inf) are recomputed by libm in a second pass. (erf, erfc
// and gelu's erf have their own kernels in ErfKernels.swift.)

/// sin (or cos) by Cody-Waite reduction to [-pi/4, pi/4] and Taylor polynomials, all in
/// double; valid for |x| <= 2^16 (`VectorMath.trigLimit`).
struct FastSinCosF: UnaryKernel {
    let cosine: Bool
    @inline(__always) func callAsFunction(_ x: Float) -> Float {
        let d = Double(x)
        // k = nearest multiple of pi/2; the quadrant is k mod 4 (in floating point, so the
        // loop needs no float-to-integer conversion, which AVX2 lacks for doubles).
        // Adding and subtracting 1.5 * 2^52 rounds to the nearest integer (half to even)
        // with plain arithmetic, which vectorises where a call to rint may not.
        let k = (d * 0.63661977236758134 + 6_755_399_441_055_744) - 6_755_399_441_055_744
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
        // k mod 4 without floor: k - 4 * round(k / 4) is in -2...2; negatives wrap by 4.
        let m = k + (cosine ? 1 : 0)
        let r4 = m - 4 * ((m * 0.25 + 6_755_399_441_055_744) - 6_755_399_441_055_744)
        let quadrant = r4 < 0 ? r4 + 4 : r4                 // 0, 1, 2 or 3
        let odd = quadrant == 1 || quadrant == 3
        let value = odd ? cosR : sinR
        return Float(quadrant >= 2 ? -value : value)
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
