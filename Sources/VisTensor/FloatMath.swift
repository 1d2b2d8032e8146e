import Foundation

/// The floating-point element types vis computes in (float32 and float64), with the
/// libm functions kernels need, so that a kernel written once as `<T: VisFloat>` is
/// specialised for both (Swift's generic `BinaryFloatingPoint` has no `exp` or `pow`).
protocol VisFloat: BinaryFloatingPoint {
    /// The dtype of tensors holding this element type.
    static var dtype: DType { get }
    static func pow(_ x: Self, _ y: Self) -> Self
    static func exp(_ x: Self) -> Self
    static func log(_ x: Self) -> Self
    static func tanh(_ x: Self) -> Self
    static func erf(_ x: Self) -> Self
    static func fmod(_ x: Self, _ y: Self) -> Self
}

extension Float: VisFloat {
    static var dtype: DType { .float32 }
    @inline(__always) static func pow(_ x: Float, _ y: Float) -> Float { Foundation.pow(x, y) }
    @inline(__always) static func exp(_ x: Float) -> Float { Foundation.exp(x) }
    @inline(__always) static func log(_ x: Float) -> Float { Foundation.log(x) }
    @inline(__always) static func tanh(_ x: Float) -> Float { Foundation.tanh(x) }
    @inline(__always) static func erf(_ x: Float) -> Float { erff(x) }
    @inline(__always) static func fmod(_ x: Float, _ y: Float) -> Float { fmodf(x, y) }
}

extension Double: VisFloat {
    static var dtype: DType { .float64 }
    @inline(__always) static func pow(_ x: Double, _ y: Double) -> Double { Foundation.pow(x, y) }
    @inline(__always) static func exp(_ x: Double) -> Double { Foundation.exp(x) }
    @inline(__always) static func log(_ x: Double) -> Double { Foundation.log(x) }
    @inline(__always) static func tanh(_ x: Double) -> Double { Foundation.tanh(x) }
    @inline(__always) static func erf(_ x: Double) -> Double { Foundation.erf(x) }
    @inline(__always) static func fmod(_ x: Double, _ y: Double) -> Double { Foundation.fmod(x, y) }
}
