import Foundation

// The error function family (erf and erfc with the vectorised kernels of ErfKernels.swift, exp2 with the vectorised kernel of VectorMath.swift), the exp/log variants (base 2 and 10, log1p, expm1),
// rsqrt, reciprocal and square. Integer and bool inputs give float32 (square keeps
// integers, as PyTorch's does), and each gradient is PyTorch's formula.

struct ErfinvF: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { Float(SpecialMath.erfinv(Double(x))) } }
struct Log1pF: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { Foundation.log1p(x) } }
struct Expm1F: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { Foundation.expm1(x) } }
struct Log2F: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { Foundation.log2(x) } }
struct Log10F: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { Foundation.log10(x) } }
struct RsqrtF: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { 1 / x.squareRoot() } }
struct ReciprocalF: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { 1 / x } }

/// Scalar special functions Foundation lacks.
enum SpecialMath {
    /// The inverse error function: Giles' single-precision rational approximation
    /// ("Approximating the erfinv function", 2010) refined by two Newton steps in double,
    /// as PyTorch refines its own approximation, so the float32 result is correctly
    /// rounded in practice. ±1 give ±inf and |x| > 1 or NaN give NaN, as in PyTorch.
    static func erfinv(_ x: Double) -> Double {
        if x.isNaN || Swift.abs(x) > 1 { return .nan }
        if x == 1 { return .infinity }
        if x == -1 { return -.infinity }
        var w = -Foundation.log((1 - x) * (1 + x)), p: Double
        if w < 5 {
            w -= 2.5
            p = 2.81022636e-08
            p = 3.43273939e-07 + p * w; p = -3.5233877e-06 + p * w; p = -4.39150654e-06 + p * w
            p = 0.00021858087 + p * w; p = -0.00125372503 + p * w; p = -0.00417768164 + p * w
            p = 0.246640727 + p * w; p = 1.50140941 + p * w
        } else {
            w = w.squareRoot() - 3
            p = -0.000200214257
            p = 0.000100950558 + p * w; p = 0.00134934322 + p * w; p = -0.00367342844 + p * w
            p = 0.00573950773 + p * w; p = -0.0076224613 + p * w; p = 0.00943887047 + p * w
            p = 1.00167406 + p * w; p = 2.83297682 + p * w
        }
        var r = p * x
        // Newton on erf(r) = x; the derivative 2/sqrt(pi) e^(-r^2) is not small here.
        for _ in 0..<2 {
            let d = 1.1283791670955126 * Foundation.exp(-r * r)
            if d > 0 { r -= (Foundation.erf(r) - x) / d }
        }
        return r
    }
}

extension Tensor {
    /// Elementwise error function (vectorised float32 kernel, within 1.25 ulp of the
    /// correctly rounded float32: ErfKernels.swift); d/dx = 2/sqrt(pi) e^(-x^2).
    public func erf() throws -> Tensor {
        if dtype == .float64 { return doubleFunction("erf", { Foundation.erf($0) }, fromOutput: false) { x, _ in 1.1283791670955126 * Foundation.exp(-x * x) } }
        return try floatFunction("erf", FastErfF(), fromOutput: false) { x, _ in 1.1283791670955126 * Foundation.exp(-x * x) }
    }
    /// Elementwise complementary error function 1 - erf(x), accurate for large x (its
    /// tail is computed directly, to float32's subnormals: ErfKernels.swift).
    public func erfc() throws -> Tensor {
        if dtype == .float64 { return doubleFunction("erfc", { Foundation.erfc($0) }, fromOutput: false) { x, _ in -1.1283791670955126 * Foundation.exp(-x * x) } }
        return try floatFunction("erfc", FastErfcF(), fromOutput: false) { x, _ in -1.1283791670955126 * Foundation.exp(-x * x) }
    }
    /// Elementwise inverse error function on [-1, 1]; d/dx = sqrt(pi)/2 e^(y^2).
    public func erfinv() throws -> Tensor {
        if dtype == .float64 { return doubleFunction("erfinv", { SpecialMath.erfinv($0) }, fromOutput: true) { _, y in 0.886226925452758 * Foundation.exp(y * y) } }
        return try floatFunction("erfinv", ErfinvF(), fromOutput: true) { _, y in 0.886226925452758 * Foundation.exp(y * y) }
    }
    /// Elementwise log(1 + x), accurate near 0.
    public func log1p() throws -> Tensor {
        if dtype == .float64 { return doubleFunction("log1p", { Foundation.log1p($0) }, fromOutput: false) { x, _ in 1 / (x + 1) } }
        return try floatFunction("log1p", Log1pF(), fromOutput: false) { x, _ in 1 / (x + 1) } }
    /// Elementwise e^x - 1, accurate near 0.
    public func expm1() throws -> Tensor {
        if dtype == .float64 { return doubleFunction("expm1", { Foundation.expm1($0) }, fromOutput: true) { _, y in y + 1 } }
        return try floatFunction("expm1", Expm1F(), fromOutput: true) { _, y in y + 1 } }
    /// Elementwise base-2 logarithm.
    public func log2() throws -> Tensor {
        if dtype == .float64 { return doubleFunction("log2", { Foundation.log2($0) }, fromOutput: false) { x, _ in 1 / (x * 0.6931471805599453) } }
        return try floatFunction("log2", Log2F(), fromOutput: false) { x, _ in 1 / (x * 0.6931471805599453) }
    }
    /// Elementwise base-10 logarithm.
    public func log10() throws -> Tensor {
        if dtype == .float64 { return doubleFunction("log10", { Foundation.log10($0) }, fromOutput: false) { x, _ in 1 / (x * 2.302585092994046) } }
        return try floatFunction("log10", Log10F(), fromOutput: false) { x, _ in 1 / (x * 2.302585092994046) }
    }
    /// Elementwise 2^x.
    public func exp2() throws -> Tensor {
        if dtype == .float64 { return doubleFunction("exp2", { Foundation.exp2($0) }, fromOutput: true) { _, y in y * 0.6931471805599453 } }
        return try floatFunction("exp2", FastExp2F(), fromOutput: true) { _, y in y * 0.6931471805599453 } }
    /// Elementwise 1 / sqrt(x); d/dx = -y^3 / 2.
    public func rsqrt() throws -> Tensor {
        if dtype == .float64 { return doubleFunction("rsqrt", { 1 / $0.squareRoot() }, fromOutput: true) { _, y in -0.5 * y * y * y } }
        return try floatFunction("rsqrt", RsqrtF(), fromOutput: true) { _, y in -0.5 * y * y * y } }
    /// Elementwise 1 / x (integers give float32); d/dx = -y^2.
    public func reciprocal() throws -> Tensor {
        if dtype == .float64 { return doubleFunction("reciprocal", { 1 / $0 }, fromOutput: true) { _, y in -y * y } }
        return try floatFunction("reciprocal", ReciprocalF(), fromOutput: true) { _, y in -y * y } }
    /// Elementwise x * x: int64 and bool give int64 (PyTorch's pow(x, 2)), float32 stays float32.
    public func square() throws -> Tensor {
        if dtype == .float32 || dtype == .float64 { return try pow(2.0) }
        if dtype == .int64 || dtype == .bool { let x = try to(.int64); return try x.mul(x) }
        throw TensorError("square", "not supported for dtype \(dtype)")
    }
}
