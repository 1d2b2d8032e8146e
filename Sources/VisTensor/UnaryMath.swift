import Foundation

/// Elementwise math functions and activations. Each forward kernel sits next to its
/// backward rule, which is one fused pass over (grad, saved tensor).
extension Tensor {
    /// The ops that refuse bool input, as PyTorch's do; its other float functions read
    /// bool as 0 / 1 (`torch.exp(bool_tensor)` is float32).
    static let boolRefused: Set<String> = ["abs", "relu", "gelu", "leaky_relu", "clamp"]

    /// Applies a float function, converting integer input to float32 first (as
    /// PyTorch's `exp(int_tensor)` does).
    /// float16 and bfloat16 compute in float32 and the result converts back (as
    /// PyTorch's CPU kernels do); float64 must take the caller's float64 path
    /// (`mapDouble`) and is refused here rather than computed in float32.
    @inline(__always)
    func mapFloat(_ op: String, _ f: (Float) -> Float) throws -> (input: Tensor, output: Tensor) {
        if dtype == .bool && Tensor.boolRefused.contains(op) {
            throw TensorError(op, "expected a float32 tensor, got bool (convert with .float())")
        }
        if dtype == .float64 { throw TensorError(op, "not supported for dtype float64 yet; convert with .float()") }
        let x = cast(.float32)
        let out = Elementwise.unary(x, outDType: .float32, f)
        return (x, dtype == .float16 || dtype == .bfloat16 ? out.cast(dtype) : out)
    }

    /// The float64 form of `mapFloat`: `f` over a float64 tensor, giving float64.
    @inline(__always)
    func mapDouble(_ f: (Double) -> Double) -> (input: Tensor, output: Tensor) {
        (self, Elementwise.unary(self, outDType: .float64, f))
    }

    /// The float64 form of `recordUnary`: the gradient `rule(grad, saved)`, elementwise.
    @inline(__always)
    func recordUnaryDouble(_ out: Tensor, _ name: String, saved: Tensor, _ rule: @escaping (Double, Double) -> Double) {
        guard Autograd.needsGraph(self) else { return }
        Autograd.record(out, name, [self], saving: [saved]) { g in
            [Elementwise.binary(g.cast(.float64), saved, outShape: g.shape, outDType: .float64, rule)]
        }
    }

    /// `mapFloat` with a kernel type, for the hot activations.
    @inline(__always)
    func mapFloat<K: UnaryKernel>(_ op: String, kernel: K) throws -> (input: Tensor, output: Tensor) where K.A == Float, K.R == Float {
        if dtype == .bool && Tensor.boolRefused.contains(op) { throw TensorError(op, "expected a float32 tensor, got bool (convert with .float())") }
        if dtype == .float64 { throw TensorError(op, "not supported for dtype float64 yet; convert with .float()") }
        let x = cast(.float32)
        let out = Elementwise.unary(x, outDType: .float32, kernel: kernel)
        return (x, dtype == .float16 || dtype == .bfloat16 ? out.cast(dtype) : out)
    }

    /// `recordUnary` with a kernel type for the backward pass.
    @inline(__always)
    func recordUnary<K: BinaryKernel>(_ out: Tensor, _ name: String, saved: Tensor, kernel: K)
    where K.A == Float, K.B == Float, K.R == Float {
        guard Autograd.needsGraph(self) else { return }
        if isHalf {
            // A half input computed in float32: the rule reads float32, the gradient goes back in half.
            let dt = dtype
            Autograd.record(out, name, [self], saving: [saved]) { g in
                [Elementwise.binary(g.cast(.float32), saved.cast(.float32), outShape: g.shape, outDType: .float32, kernel: kernel).cast(dt)]
            }
            return
        }
        Autograd.record(out, name, [self], saving: [saved]) { g in
            [Elementwise.binary(g, saved, outShape: g.shape, outDType: .float32, kernel: kernel)]
        }
    }

    /// Records `grad * d(x)` where `d` is computed from (grad, saved) in one pass.
    @inline(__always)
    func recordUnary(_ out: Tensor, _ name: String, saved: Tensor,
                     _ rule: @escaping (Float, Float) -> Float) {
        guard Autograd.needsGraph(self) else { return }
        if isHalf {
            // A half input computed in float32: the rule reads float32, the gradient goes back in half.
            let dt = dtype
            Autograd.record(out, name, [self], saving: [saved]) { g in
                [Elementwise.binary(g.cast(.float32), saved.cast(.float32), outShape: g.shape, outDType: .float32, rule).cast(dt)]
            }
            return
        }
        Autograd.record(out, name, [self], saving: [saved]) { g in
            [Elementwise.binary(g, saved, outShape: g.shape, outDType: .float32, rule)]
        }
    }

    /// Elementwise |x|.
    public func abs() throws -> Tensor {
        if dtype == .float64 {
            let (x, out) = mapDouble { Swift.abs($0) }
            recordUnaryDouble(out, "abs", saved: x) { g, x in x > 0 ? g : (x < 0 ? -g : 0) }
            return out
        }
        if dtype.isInteger && dtype != .int64 {
            return Elementwise.unary(cast(.int64), outDType: .int64) { (x: Int64) -> Int64 in x < 0 ? 0 &- x : x }.cast(dtype)
        }
        if dtype == .int64 { return Elementwise.unary(self, outDType: .int64) { (x: Int64) -> Int64 in x < 0 ? 0 &- x : x } }
        let (x, out) = try mapFloat("abs") { Swift.abs($0) }
        recordUnary(out, "abs", saved: x) { g, x in x > 0 ? g : (x < 0 ? -g : 0) }
        return out
    }

    /// Elementwise e^x.
    public func exp() throws -> Tensor {
        if dtype == .float64 {
            let (_, out) = mapDouble { Foundation.exp($0) }
            recordUnaryDouble(out, "exp", saved: out.detach()) { g, y in g * y }
            return out
        }
        let (_, out) = try mapFloat("exp", kernel: ExpF())
        recordUnary(out, "exp", saved: out.detach()) { g, y in g * y }
        return out
    }

    /// Elementwise natural logarithm.
    public func log() throws -> Tensor {
        if dtype == .float64 {
            let (x, out) = mapDouble { Foundation.log($0) }
            recordUnaryDouble(out, "log", saved: x) { g, x in g / x }
            return out
        }
        let (x, out) = try mapFloat("log") { Foundation.log($0) }
        recordUnary(out, "log", saved: x) { g, x in g / x }
        return out
    }

    /// Elementwise square root.
    public func sqrt() throws -> Tensor {
        if dtype == .float64 {
            let (_, out) = mapDouble { $0.squareRoot() }
            recordUnaryDouble(out, "sqrt", saved: out.detach()) { g, y in g / (2 * y) }
            return out
        }
        let (_, out) = try mapFloat("sqrt") { $0.squareRoot() }
        recordUnary(out, "sqrt", saved: out.detach()) { g, y in g / (2 * y) }
        return out
    }

    /// Limits every element to [min, max] (either bound may be nil); NaN stays NaN. The
    /// gradient passes only strictly inside the bounds given, as in PyTorch 2.15: an
    /// input exactly at a bound, or NaN, gets 0 (a missing bound does not stop it).
    public func clamp(min lo: Double? = nil, max hi: Double? = nil) throws -> Tensor {
        guard lo != nil || hi != nil else { throw TensorError("clamp", "at least one of min and max must be given") }
        if dtype == .int64 {
            let l = lo.map { Tensor.int64Bound($0.rounded(.up), ifNaN: .min) } ?? Int64.min
            let h = hi.map { Tensor.int64Bound($0.rounded(.down), ifNaN: .max) } ?? Int64.max
            return Elementwise.unary(self, outDType: .int64) { (x: Int64) -> Int64 in Swift.min(Swift.max(x, l), h) }
        }
        if dtype.isInteger {
            // The narrow integers clamp in int64 (the bounds saturate) and convert back.
            return try cast(.int64).clamp(min: lo, max: hi).cast(dtype)
        }
        if dtype == .float64 {
            // PyTorch's rules, as for float32 below: NaN in, NaN out; a NaN bound makes
            // every element NaN; no gradient at a bound.
            let l = lo ?? -Double.infinity, h = hi ?? Double.infinity
            let hasLow = lo != nil, hasHigh = hi != nil, boundIsNaN = l.isNaN || h.isNaN
            let (x, out) = mapDouble { boundIsNaN ? .nan : Swift.min(Swift.max($0, l), h) }
            recordUnaryDouble(out, "clamp", saved: x) { g, x in (!hasLow || x > l) && (!hasHigh || x < h) && !x.isNaN ? g : 0 }
            return out
        }
        let l = lo.map(Float.init) ?? -Float.infinity, h = hi.map(Float.init) ?? Float.infinity
        let hasLow = lo != nil, hasHigh = hi != nil
        // Swift.max/min return their first argument when a comparison with NaN is false,
        // so a NaN input comes out NaN.
        // A NaN bound makes every element NaN, as in PyTorch.
        let boundIsNaN = l.isNaN || h.isNaN
        let (x, out) = try mapFloat("clamp") { boundIsNaN ? .nan : Swift.min(Swift.max($0, l), h) }
        recordUnary(out, "clamp", saved: x) { g, x in (!hasLow || x > l) && (!hasHigh || x < h) && !x.isNaN ? g : 0 }
        return out
    }

    /// A clamp bound for int64 data: saturated to the int64 range, so that a huge or
    /// infinite bound cannot trap in the conversion; NaN means no bound.
    static func int64Bound(_ d: Double, ifNaN: Int64) -> Int64 {
        if d.isNaN { return ifNaN }
        if d >= 9.223372036854775807e18 { return .max }
        if d <= -9.223372036854775808e18 { return .min }
        return Int64(d)
    }

    /// max(x, 0).
    public func relu() throws -> Tensor {
        if dtype == .float64 {
            let (_, out) = mapDouble { $0 <= 0 ? 0 : $0 }  // NaN stays NaN, as PyTorch
            recordUnaryDouble(out, "relu", saved: out.detach()) { g, y in y > 0 ? g : 0 }
            return out
        }
        let (_, out) = try mapFloat("relu", kernel: ReluF())
        recordUnary(out, "relu", saved: out.detach(), kernel: ReluBackF())
        return out
    }

    /// x for x > 0, slope * x otherwise.
    public func leakyRelu(_ slope: Double = 0.01) throws -> Tensor {
        if dtype == .float64 {
            let (x, out) = mapDouble { $0 > 0 ? $0 : slope * $0 }
            recordUnaryDouble(out, "leaky_relu", saved: x) { g, x in x > 0 ? g : slope * g }
            return out
        }
        let s = Float(slope)
        let (x, out) = try mapFloat("leaky_relu") { $0 > 0 ? $0 : s * $0 }
        recordUnary(out, "leaky_relu", saved: x) { g, x in x > 0 ? g : s * g }
        return out
    }

    /// Gaussian error linear unit, the exact erf form (PyTorch's default):
    /// x * Phi(x) with Phi(x) = (1 + erf(x / sqrt 2)) / 2.
    public func gelu() throws -> Tensor {
        if dtype == .float64 {
            let (x, out) = mapDouble { 0.5 * $0 * (1 + Foundation.erf($0 * 0.70710678118654752)) }
            recordUnaryDouble(out, "gelu", saved: x) { g, x in
                g * (0.5 * (1 + Foundation.erf(x * 0.70710678118654752)) + x * Foundation.exp(-0.5 * x * x) * 0.3989422804014327)
            }
            return out
        }
        // GeluF / GeluBackF (ErfKernels.swift): the vectorised erf in place of libm's erff.
        let (x, out) = try mapFloat("gelu", kernel: GeluF())
        recordUnary(out, "gelu", saved: x, kernel: GeluBackF())
        return out
    }

    /// 1 / (1 + e^-x), computed without overflow for large |x|.
    public func sigmoid() throws -> Tensor {
        if dtype == .float64 {
            let (_, out) = mapDouble { $0 >= 0 ? 1 / (1 + Foundation.exp(-$0)) : Foundation.exp($0) / (1 + Foundation.exp($0)) }
            recordUnaryDouble(out, "sigmoid", saved: out.detach()) { g, s in g * s * (1 - s) }
            return out
        }
        let (_, out) = try mapFloat("sigmoid", kernel: SigmoidF())
        recordUnary(out, "sigmoid", saved: out.detach(), kernel: SigmoidBackF())
        return out
    }

    /// Hyperbolic tangent.
    public func tanh() throws -> Tensor {
        if dtype == .float64 {
            let (_, out) = mapDouble { Foundation.tanh($0) }
            recordUnaryDouble(out, "tanh", saved: out.detach()) { g, t in g * (1 - t * t) }
            return out
        }
        let (_, out) = try mapFloat("tanh", kernel: TanhF())
        recordUnary(out, "tanh", saved: out.detach(), kernel: TanhBackF())
        return out
    }

    /// x * sigmoid(x) (SiLU / swish), composed from differentiable ops.
    public func silu() throws -> Tensor { try mul(sigmoid()) }
}
