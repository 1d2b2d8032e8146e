import Foundation

// Rounding to integers (floor, ceil, round, trunc), the fractional part and the sign.
// As in PyTorch: integer inputs come back unchanged as int64 (there is nothing to
// round), bool inputs are errors, and the gradient of every step function is zero.

struct FloorF: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { x.rounded(.down) } }
struct CeilF: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { x.rounded(.up) } }
struct TruncF: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { x.rounded(.towardZero) } }
/// Half to even, C's nearbyint in the default rounding mode (PyTorch's round).
struct RoundF: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { x.rounded(.toNearestOrEven) } }
/// PyTorch's round(x, decimals=d): nearbyint(x * 10^d) / 10^d for d >= 0, and
/// nearbyint(x / 10^-d) * 10^-d for d < 0, in float32 as PyTorch computes it.
struct RoundDecimalsF: UnaryKernel {
    let scale: Float
    let negative: Bool
    @inline(__always) func callAsFunction(_ x: Float) -> Float {
        negative ? (x / scale).rounded(.toNearestOrEven) * scale : (x * scale).rounded(.toNearestOrEven) / scale
    }
}
struct FracF: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { x - x.rounded(.towardZero) } }
/// -1, 0 or 1; NaN and -0.0 give 0, as PyTorch's (0 < x) - (x < 0).
struct SignF: UnaryKernel {
    @inline(__always) func callAsFunction(_ x: Float) -> Float { (x > 0 ? 1 : 0) - (x < 0 ? 1 : 0) }
}

extension Tensor {
    /// Shared dtype rule of floor, ceil, round and trunc: int64 unchanged (a copy), bool refused.
    /// `rule` is the same rounding for float64, computed in float64.
    private func rounding<K: UnaryKernel>(_ op: String, _ k: K, _ rule: FloatingPointRoundingRule) throws -> Tensor where K.A == Float, K.R == Float {
        if dtype == .int64 { return copyData() }
        if dtype == .float32 { return try piecewiseConstant(op, k) }
        if dtype == .float64 { return doublePiecewiseConstant(op) { $0.rounded(rule) } }
        if isHalf { return try piecewiseConstant(op, k) }
        throw TensorError(op, "not supported for dtype \(dtype)")
    }

    /// Elementwise largest integer <= x.
    public func floor() throws -> Tensor { try rounding("floor", FloorF(), .down) }
    /// Elementwise smallest integer >= x.
    public func ceil() throws -> Tensor { try rounding("ceil", CeilF(), .up) }
    /// Elementwise integer part (rounds toward zero).
    public func trunc() throws -> Tensor { try rounding("trunc", TruncF(), .towardZero) }

    /// Elementwise rounding half to even; with `decimals`, to that many decimal digits
    /// (negative: to tens, hundreds...). Integers are returned unchanged without
    /// decimals and refused with them, as in PyTorch.
    public func round(decimals: Int = 0) throws -> Tensor {
        if decimals == 0 { return try rounding("round", RoundF(), .toNearestOrEven) }
        if dtype == .float64 {
            // The same formula in float64; 10^d overflows float64 beyond 308 digits.
            let scale = Foundation.pow(10.0, Double(Swift.min(decimals.magnitude, 400))), negative = decimals < 0
            return doublePiecewiseConstant("round") { x in
                negative ? (x / scale).rounded(.toNearestOrEven) * scale : (x * scale).rounded(.toNearestOrEven) / scale
            }
        }
        guard dtype == .float32 else { throw TensorError("round", "decimals is not supported for dtype \(dtype)") }
        // 10^d overflows float32 beyond 38 digits: x * inf / inf is NaN, as PyTorch's is.
        // magnitude, not abs: abs(Int.min) traps.
        let scale = Float(Foundation.pow(10.0, Double(Swift.min(decimals.magnitude, 400))))
        return try piecewiseConstant("round", RoundDecimalsF(scale: scale, negative: decimals < 0))
    }

    /// Elementwise fractional part x - trunc(x) (float only); the gradient passes unchanged.
    public func frac() throws -> Tensor {
        if isHalf { return try to(.float32).frac().to(dtype) }
        if dtype == .float64 { return doubleFunction("frac", { $0 - $0.rounded(.towardZero) }, fromOutput: false) { _, _ in 1 } }
        guard dtype == .float32 else { throw TensorError("frac", "not supported for dtype \(dtype)") }
        return try floatFunction("frac", FracF(), fromOutput: false) { _, _ in 1 }
    }

    /// Elementwise sign: -1, 0 or 1 (0 for NaN). int64 stays int64, bool stays bool.
    public func sign() throws -> Tensor { try sign(op: "sign") }
    /// `sgn`, PyTorch's sign that extends to complex numbers: for real tensors it is `sign`.
    public func sgn() throws -> Tensor { try sign(op: "sgn") }

    private func sign(op: String) throws -> Tensor {
        if dtype == .bool { return copyData() }
        if dtype == .int64 { return Elementwise.unary(self, outDType: .int64) { (x: Int64) -> Int64 in x > 0 ? 1 : (x < 0 ? -1 : 0) } }
        if dtype == .float32 { return try piecewiseConstant(op, SignF()) }
        if isHalf { return try piecewiseConstant(op, SignF()) }
        if dtype == .float64 { return doublePiecewiseConstant(op) { x in (x > 0 ? 1 : 0) - (x < 0 ? 1 : 0) } }
        throw TensorError(op, "not supported for dtype \(dtype)")
    }
}
