import Foundation

// Branch-free float32 kernels for erf, erfc and gelu that the compiler vectorises (a
// call to libm's erff per element cannot be). The approach is the usual one of vector
// math libraries (SLEEF, Eigen, PyTorch's Vectorized<float>::erf): on |x| < 1 an odd
// polynomial, beyond it erfc(|x|) = e^(-x^2) Q(|x|) with a smooth Q and a vectorisable
// exp; both halves are computed for every element and one is selected, so the loop has
// no branch. erfc (and the reference `ErfMath.erf`) are evaluated in double and rounded
// once: x P(x^2) matches erf on [0, 1] to a relative 6e-14, Q matches erfc(a) e^(a^2) on
// [1, 10.5] to 3e-11. erf itself, the bandwidth target, runs in float32 (8 lanes
// per AVX2 vector instead of 4; `FastErfF`). The coefficients are least-squares fits
// made for vis (not copied).
//
// Measured against libm's double erf / erfc (scripts/reference/erf_accuracy/main.swift)
// over 72M float32 inputs (every 61st bit pattern of all 2^32: both signs, subnormals,
// normals, inf, NaNs; every multiple of 2^-16 on [-12, 12]; ±0, ±tiny, ±huge): max
// error 1.25 ulp for erf (float32 kernel; correctly rounded at 97% of the inputs) and
// 0.50009 ulp for erfc (correctly rounded but at 41 inputs); erfc keeps its relative
// accuracy into float32's subnormals (x up to 10.06, beyond which it rounds to 0; the
// vis process itself flushes subnormal results and inputs to zero, docs/DESIGN.md).
// NaN gives NaN, erf(±inf) = ±1, erfc(+inf) = 0, erfc(-inf) = 2.

/// The double-precision pieces shared by the kernels below.
enum ErfMath {
    /// The largest |x| the tail polynomial is fitted to; beyond it erf is ±1 and erfc 0
    /// or 2 in float32, so |x| is clamped there (inf included).
    static let tailLimit = 10.5

    /// erf(a) / a for 0 <= a <= 1, as a polynomial in s = a^2 (degree 9).
    @inline(__always) static func smallRatio(_ s: Double) -> Double {
        var p = -1.0471963122879875e-07
        p = p * s + 1.5304582434764213e-06
        p = p * s - 1.4794041508898104e-05
        p = p * s + 0.00012046083968245906
        p = p * s - 0.0008547917766995852
        p = p * s + 0.005223966395792036
        p = p * s - 0.02686616882926468
        p = p * s + 0.11283791655370373
        p = p * s - 0.3761263890261141
        p = p * s + 1.1283791670954617
        return p
    }

    /// erfc(a) for 1 <= a <= `tailLimit`: e^(-a^2) Q(a), Q a polynomial (degree 11) in
    /// z = 2t - 1 mapped from t = 2 / (2 + a) on [2/12.5, 2/3]. a^2 is exact in double
    /// because a comes from a float32, so the exponential loses nothing to its argument.
    @inline(__always) static func tail(_ a: Double) -> Double {
        let z = 7.894736842105264 / (2 + a) - 1.6315789473684212
        var q = 2.022850225100399e-08
        q = q * z - 5.0359716427889524e-08
        q = q * z - 3.5119942769110197e-07
        q = q * z + 1.4024079590345146e-06
        q = q * z + 6.215236634682e-06
        q = q * z - 3.25276063778644e-05
        q = q * z - 0.00018464650808402175
        q = q * z + 0.0006091119209710483
        q = q * z + 0.009677835229989464
        q = q * z + 0.051756046143286404
        q = q * z + 0.17754676521682167
        q = q * z + 0.18820375544337
        return expNegative(-a * a) * q
    }

    /// e^y for -111 <= y <= 0 without a call: y = k ln 2 + r with |r| <= ln 2 / 2 (ln 2
    /// split in two so k ln 2 is exact), e^r by its Taylor series (degree 11, error
    /// < 1e-15), 2^k built from its exponent bits. k is rounded with the 1.5 * 2^52
    /// trick, so no float-to-integer conversion (which AVX2 lacks for doubles) is needed.
    @inline(__always) static func expNegative(_ y: Double) -> Double {
        let magic = y * 1.4426950408889634 + 6_755_399_441_055_744
        let k = magic - 6_755_399_441_055_744
        let r = (y - k * 0.6931471803691238) - k * 1.9082149292705877e-10
        var p = 2.505210838544172e-08
        p = p * r + 2.755731922398589e-07
        p = p * r + 2.7557319223985893e-06
        p = p * r + 2.48015873015873e-05
        p = p * r + 0.0001984126984126984
        p = p * r + 0.001388888888888889
        p = p * r + 0.008333333333333333
        p = p * r + 0.041666666666666664
        p = p * r + 0.16666666666666666
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        // The low bits of `magic` hold k (two's complement); k >= -160 keeps the exponent
        // field 1023 + k positive.
        let ki = Int64(bitPattern: magic.bitPattern) &- 0x4338_0000_0000_0000
        return p * Double(bitPattern: UInt64(bitPattern: (ki &+ 1023) &<< 52))
    }

    /// e^y for -16 <= y <= 0 in float32 (for `FastErfF`): `expNegative`'s steps with
    /// ln 2 split for float (0.693359375 has 9 significant bits, so k ln2hi is exact) and
    /// a degree-7 Taylor series (truncation < 5e-9 relative for |r| <= ln 2 / 2).
    @inline(__always) static func expNegativeF(_ y: Float) -> Float {
        let magic = y * 1.442695 + 12_582_912
        let k = magic - 12_582_912
        let r = (y - k * 0.693359375) + k * 2.1219444e-4
        var p: Float = 1.0 / 5040
        p = p * r + 1.0 / 720
        p = p * r + 1.0 / 120
        p = p * r + 1.0 / 24
        p = p * r + 1.0 / 6
        p = p * r + 0.5
        p = p * r + 1
        p = p * r + 1
        let ki = Int32(bitPattern: magic.bitPattern) &- 0x4B40_0000
        return p * Float(bitPattern: UInt32(bitPattern: (ki &+ 127) &<< 23))
    }

    /// erf(x) in double for a float32 x that is not NaN (accurate to ~3e-11 relative,
    /// far below float32's rounding); ±inf give ±1.
    @inline(__always) static func erf(_ x: Float) -> Double {
        let d = Double(x)
        let a = Swift.min(Swift.abs(d), tailLimit)
        let small = d * smallRatio(d * d)
        let big = 1 - tail(Swift.max(a, 1))
        return a < 1 ? small : (d < 0 ? -big : big)
    }

    /// erfc(x) in double for a float32 x that is not NaN: the tail is computed directly
    /// (not as 1 - erf), so its relative accuracy holds down to float32's subnormals.
    @inline(__always) static func erfc(_ x: Float) -> Double {
        let d = Double(x)
        let a = Swift.min(Swift.abs(d), tailLimit)
        let small = 1 - d * smallRatio(d * d)
        let big = tail(Swift.max(a, 1))
        return a < 1 ? small : (d < 0 ? 2 - big : big)
    }
}

/// Elementwise erf, vectorised: the same scheme as `ErfMath.erf` evaluated in float32, so
/// a vector holds 8 elements instead of 4 (erf is the bandwidth target; erfc, whose
/// tail needs double's range and the exact x^2, stays on `ErfMath.erfc`). erf only needs
/// absolute accuracy beyond |x| = 1, where e^(-x^2) Q <= 0.16, so the float32 rounding
/// of x^2 (relative 6e-8 of x^2 in the exponent) costs at most 0.2 ulp of the result.
/// Fits: x P(x^2) to erf on [0, 1] at 3e-9 relative, Q on [1, 4] at 1.4e-9; beyond
/// |x| = 4 the result rounds to ±1. See the file comment for the measured error.
struct FastErfF: UnaryKernel {
    @inline(__always) func callAsFunction(_ x: Float) -> Float {
        // NaN is replaced by 0 for the arithmetic and restored at the end, so the select
        // stays branch-free and NaN gives NaN.
        let v: Float = x != x ? 0 : x
        let a = Swift.min(Swift.abs(v), 4)
        let s = v * v
        var p: Float = 7.878977339714766e-05
        p = p * s - 0.0008014552877284586
        p = p * s + 0.005188379902392626
        p = p * s - 0.026853537186980247
        p = p * s + 0.11283568292856216
        p = p * s - 0.376126229763031
        // x P(x^2) = x + x (P(x^2) - 1): the rounding errors fall on the smaller second
        // term (|P - 1| <= 0.16), not on x P, which can cross 1 where the result does not.
        p = p * s + 0.12837916612625122
        // Scaled by 16 (exactly) so that x (P - 1) is not subnormal at float32's smallest
        // normals: the vis process flushes subnormal results to zero.
        let w = v * 16
        let small = (w + w * p) * 0.0625
        let b = Swift.max(a, 1)
        let z = 12 / (2 + b) - 3
        var q: Float = 4.292147366413701e-07
        q = q * z - 1.148657247540541e-06
        q = q * z - 2.8781016226275824e-05
        q = q * z + 4.607720984495245e-05
        q = q * z + 0.00292512821033597
        q = q * z + 0.02685091271996498
        q = q * z + 0.1423952877521515
        q = q * z + 0.25539568066596985
        let big = 1 - ErfMath.expNegativeF(-b * b) * q
        let r = a < 1 ? small : (v < 0 ? -big : big)
        return x != x ? x : r
    }
}

/// Elementwise erfc, vectorised (see the file comment for its accuracy).
struct FastErfcF: UnaryKernel {
    @inline(__always) func callAsFunction(_ x: Float) -> Float {
        let r = Float(ErfMath.erfc(x != x ? 0 : x))
        return x != x ? x : r
    }
}

/// gelu's exact form, PyTorch's formula x / 2 (1 + erf(x / sqrt 2)) in float32, with erf
/// from the vectorised float32 kernel, as PyTorch's float gelu uses its float erf.
struct GeluF: UnaryKernel {
    @inline(__always) func callAsFunction(_ x: Float) -> Float {
        0.5 * x * (1 + FastErfF()(x * 0.70710678118654752))
    }
}

/// gelu's gradient g (Phi(x) + x phi(x)) from the saved input x.
struct GeluBackF: BinaryKernel {
    @inline(__always) func callAsFunction(_ g: Float, _ x: Float) -> Float {
        let cdf = 0.5 * (1 + FastErfF()(x * 0.70710678118654752))
        let pdf = Foundation.exp(-0.5 * x * x) * 0.3989422804014327
        return g * (cdf + x * pdf)
    }
}
