// Accuracy of vis's vectorised erf / erfc kernels (Sources/VisTensor/ErfKernels.swift)
// against libm's double-precision erf / erfc, in float32 ulps, over 72M float32 inputs:
// every 61st bit pattern of all 2^32 (both signs, subnormals, normals, inf, NaNs), every
// multiple of 2^-16 on [-12, 12], and the special values. Compiled with the kernel file:
//
//   swiftc -O -o /tmp/erf_accuracy scripts/reference/erf_accuracy/main.swift Sources/VisTensor/ErfKernels.swift
//   /tmp/erf_accuracy
//
// (a standalone program, not part of the package: it declares the two kernel protocols
// the kernel file conforms to.)
import Foundation
protocol UnaryKernel { associatedtype A; associatedtype R; func callAsFunction(_ a: A) -> R }
protocol BinaryKernel { associatedtype A; associatedtype B; associatedtype R; func callAsFunction(_ a: A, _ b: B) -> R }

/// Error in float32 ulps of `got` against the double reference `ref`.
func ulpErr(_ got: Float, _ ref: Double) -> Double {
    if ref.isNaN { return got.isNaN ? 0 : .infinity }
    if got.isNaN { return .infinity }
    let rf = Float(ref)
    let u = Double(max(rf.magnitude.ulp, Float.leastNonzeroMagnitude))
    if rf.isInfinite { return got == rf ? 0 : .infinity }
    return abs(Double(got) - ref) / u
}
var maxE = 0.0, maxEc = 0.0, argE: Float = 0, argEc: Float = 0, n = 0, wrongRoundE = 0, wrongRoundEc = 0
let erfK = FastErfF(), erfcK = FastErfcF()
func check(_ x: Float) {
    n += 1
    let e = erfK(x), r = Foundation.erf(Double(x))
    let ee = ulpErr(e, r); if ee > maxE { maxE = ee; argE = x }
    if !r.isNaN && e != Float(r) { wrongRoundE += 1 }
    let c = erfcK(x), rc = Foundation.erfc(Double(x))
    let ec = ulpErr(c, rc); if ec > maxEc { maxEc = ec; argEc = x }
    if !rc.isNaN && c != Float(rc) { wrongRoundEc += 1 }
}
// Every 61st bit pattern over all float32 (both signs, subnormals, normals, inf, NaNs).
var b: UInt64 = 0
while b <= 0xFFFF_FFFF { check(Float(bitPattern: UInt32(b))); b += 61 }
// Dense on [-12, 12] with step 2^-16.
var i = -12 * 65536
while i <= 12 * 65536 { check(Float(i) / 65536); i += 1 }
for s in [Float.nan, .infinity, -.infinity, 0, -0.0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
          .leastNormalMagnitude, -.leastNormalMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1, -1, 10.0546875, 10.5, 11] { check(s) }
print("points \(n)")
print("erf  max ulp \(maxE) at \(argE) (bits \(String(argE.bitPattern, radix: 16))); not correctly rounded: \(wrongRoundE)")
print("erfc max ulp \(maxEc) at \(argEc); not correctly rounded: \(wrongRoundEc)")
print("erf(nan) \(erfK(.nan)) erf(inf) \(erfK(.infinity)) erf(-inf) \(erfK(-.infinity)) erfc(inf) \(erfcK(.infinity)) erfc(-inf) \(erfcK(-.infinity)) erfc(nan) \(erfcK(.nan))")
print("erfc(10) \(erfcK(10)) ref \(Float(Foundation.erfc(10.0))); erfc(9.5) \(erfcK(9.5)) ref \(Float(Foundation.erfc(9.5))); erf(-0) sign \(erfK(-0.0).sign)")
