import Foundation

// The per-element functions of the hot elementwise ops, forward and backward, as
// kernel types (see BinaryKernel in Elementwise.swift): each one becomes its own
// specialised, vectorisable loop.

// Float kernels are generic over the element type (float32 and float64 share them);
// the `F` names are their float32 instances, as the hot paths use them.
struct AddFP<T: BinaryFloatingPoint>: BinaryKernel { @inline(__always) func callAsFunction(_ a: T, _ b: T) -> T { a + b } }
struct SubFP<T: BinaryFloatingPoint>: BinaryKernel { @inline(__always) func callAsFunction(_ a: T, _ b: T) -> T { a - b } }
struct MulFP<T: BinaryFloatingPoint>: BinaryKernel { @inline(__always) func callAsFunction(_ a: T, _ b: T) -> T { a * b } }
struct DivFP<T: BinaryFloatingPoint>: BinaryKernel { @inline(__always) func callAsFunction(_ a: T, _ b: T) -> T { a / b } }
struct NegFP<T: BinaryFloatingPoint>: UnaryKernel { @inline(__always) func callAsFunction(_ x: T) -> T { -x } }
typealias AddF = AddFP<Float>
typealias SubF = SubFP<Float>
typealias MulF = MulFP<Float>
typealias DivF = DivFP<Float>
typealias NegF = NegFP<Float>
struct AddI: BinaryKernel { @inline(__always) func callAsFunction(_ a: Int64, _ b: Int64) -> Int64 { a &+ b } }
struct SubI: BinaryKernel { @inline(__always) func callAsFunction(_ a: Int64, _ b: Int64) -> Int64 { a &- b } }
struct MulI: BinaryKernel { @inline(__always) func callAsFunction(_ a: Int64, _ b: Int64) -> Int64 { a &* b } }

struct SquareF: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { x * x } }
struct ScaleF: UnaryKernel {
    let factor: Float
    @inline(__always) func callAsFunction(_ x: Float) -> Float { x * factor }
}
/// max(x, 0) with NaN kept, as PyTorch's relu: written `x <= 0 ? 0 : x` so a NaN (for
/// which every comparison is false) falls through to itself; the same one select.
struct ReluF: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { x <= 0 ? 0 : x } }
struct ExpF: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { Foundation.exp(x) } }
struct SigmoidF: UnaryKernel {
    @inline(__always) func callAsFunction(_ x: Float) -> Float {
        x >= 0 ? 1 / (1 + Foundation.exp(-x)) : Foundation.exp(x) / (1 + Foundation.exp(x))
    }
}
struct TanhF: UnaryKernel { @inline(__always) func callAsFunction(_ x: Float) -> Float { Foundation.tanh(x) } }

/// Backward of relu from the saved output: 0 where y <= 0, else g; a NaN output passes
/// the gradient, as PyTorch's threshold_backward does.
struct ReluBackF: BinaryKernel { @inline(__always) func callAsFunction(_ g: Float, _ y: Float) -> Float { y <= 0 ? 0 : g } }
/// Backward of sigmoid from the saved output s: g * s * (1 - s).
struct SigmoidBackF: BinaryKernel { @inline(__always) func callAsFunction(_ g: Float, _ s: Float) -> Float { g * s * (1 - s) } }
/// Backward of tanh from the saved output t: g * (1 - t^2).
struct TanhBackF: BinaryKernel { @inline(__always) func callAsFunction(_ g: Float, _ t: Float) -> Float { g * (1 - t * t) } }
