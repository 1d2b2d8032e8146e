import Foundation

// Trigonometric and hyperbolic functions and their inverses (tanh lives with the
// activations in UnaryMath.swift). Integer and bool inputs give float32, as in PyTorch;
// each derivative is PyTorch's formula, so the values at the domain edges (asin at
// ±1 gives inf, acosh below 1 gives nan) agree as well.

// sin and cos use the vectorised kernel of VectorMath.swift.
struct TanF: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { Foundation.tan(x) } }
struct AsinF: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { Foundation.asin(x) } }
struct AcosF: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { Foundation.acos(x) } }
struct AtanF: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { Foundation.atan(x) } }
struct SinhF: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { Foundation.sinh(x) } }
struct CoshF: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { Foundation.cosh(x) } }
struct AsinhF: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { Foundation.asinh(x) } }
struct AcoshF: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { Foundation.acosh(x) } }
struct AtanhF: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { Foundation.atanh(x) } }

extension Tensor {
    /// Elementwise sine (radians).
    public func sin() throws -> Tensor {
        if dtype == .float64 { return doubleFunction("sin", { Foundation.sin($0) }, fromOutput: false) { x, _ in Foundation.cos(x) } }
        return try floatFunction("sin", fast: FastSinCosF(cosine: false), inRange: { Swift.abs($0) <= VectorMath.trigLimit },
                          slow: { Foundation.sin($0) }, fromOutput: false) { x, _ in Foundation.cos(x) }
    }
    /// Elementwise cosine.
    public func cos() throws -> Tensor {
        if dtype == .float64 { return doubleFunction("cos", { Foundation.cos($0) }, fromOutput: false) { x, _ in -Foundation.sin(x) } }
        return try floatFunction("cos", fast: FastSinCosF(cosine: true), inRange: { Swift.abs($0) <= VectorMath.trigLimit },
                          slow: { Foundation.cos($0) }, fromOutput: false) { x, _ in -Foundation.sin(x) }
    }
    /// Elementwise tangent; d/dx = 1 + tan^2.
    public func tan() throws -> Tensor {
        if dtype == .float64 { return doubleFunction("tan", { Foundation.tan($0) }, fromOutput: true) { _, y in 1 + y * y } }
        return try floatFunction("tan", TanF(), fromOutput: true) { _, y in 1 + y * y } }
    /// Elementwise arcsine; d/dx = 1 / sqrt(1 - x^2).
    public func asin() throws -> Tensor {
        if dtype == .float64 { return doubleFunction("asin", { Foundation.asin($0) }, fromOutput: false) { x, _ in 1 / (1 - x * x).squareRoot() } }
        return try floatFunction("asin", AsinF(), fromOutput: false) { x, _ in 1 / (1 - x * x).squareRoot() }
    }
    /// Elementwise arccosine; d/dx = -1 / sqrt(1 - x^2).
    public func acos() throws -> Tensor {
        if dtype == .float64 { return doubleFunction("acos", { Foundation.acos($0) }, fromOutput: false) { x, _ in -1 / (1 - x * x).squareRoot() } }
        return try floatFunction("acos", AcosF(), fromOutput: false) { x, _ in -1 / (1 - x * x).squareRoot() }
    }
    /// Elementwise arctangent; d/dx = 1 / (1 + x^2).
    public func atan() throws -> Tensor {
        if dtype == .float64 { return doubleFunction("atan", { Foundation.atan($0) }, fromOutput: false) { x, _ in 1 / (1 + x * x) } }
        return try floatFunction("atan", AtanF(), fromOutput: false) { x, _ in 1 / (1 + x * x) } }
    /// Elementwise hyperbolic sine.
    public func sinh() throws -> Tensor {
        if dtype == .float64 { return doubleFunction("sinh", { Foundation.sinh($0) }, fromOutput: false) { x, _ in Foundation.cosh(x) } }
        return try floatFunction("sinh", SinhF(), fromOutput: false) { x, _ in Foundation.cosh(x) } }
    /// Elementwise hyperbolic cosine.
    public func cosh() throws -> Tensor {
        if dtype == .float64 { return doubleFunction("cosh", { Foundation.cosh($0) }, fromOutput: false) { x, _ in Foundation.sinh(x) } }
        return try floatFunction("cosh", CoshF(), fromOutput: false) { x, _ in Foundation.sinh(x) } }
    /// Elementwise inverse hyperbolic sine; d/dx = 1 / sqrt(x^2 + 1).
    public func asinh() throws -> Tensor {
        if dtype == .float64 { return doubleFunction("asinh", { Foundation.asinh($0) }, fromOutput: false) { x, _ in 1 / (x * x + 1).squareRoot() } }
        return try floatFunction("asinh", AsinhF(), fromOutput: false) { x, _ in 1 / (x * x + 1).squareRoot() }
    }
    /// Elementwise inverse hyperbolic cosine (nan below 1); d/dx = 1 / sqrt(x^2 - 1).
    public func acosh() throws -> Tensor {
        if dtype == .float64 { return doubleFunction("acosh", { Foundation.acosh($0) }, fromOutput: false) { x, _ in 1 / (x * x - 1).squareRoot() } }
        return try floatFunction("acosh", AcoshF(), fromOutput: false) { x, _ in 1 / (x * x - 1).squareRoot() }
    }
    /// Elementwise inverse hyperbolic tangent (±inf at ±1); d/dx = 1 / (1 - x^2).
    public func atanh() throws -> Tensor {
        if dtype == .float64 { return doubleFunction("atanh", { Foundation.atanh($0) }, fromOutput: false) { x, _ in 1 / (1 - x * x) } }
        return try floatFunction("atanh", AtanhF(), fromOutput: false) { x, _ in 1 / (1 - x * x) } }
}
