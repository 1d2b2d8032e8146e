import Foundation

/// The machinery shared by the float elementwise functions (sin, erf, log2, ...):
/// PyTorch's dtype rule for their input and the recording of a derivative that is
/// computed from the saved input or the saved output in one fused pass.
extension Tensor {
    /// The float32 tensor a float function computes on: float32 as it is; int64 and bool
    /// converted, as PyTorch's `torch.sin(int_tensor)` gives float32. Other dtypes are
    /// refused by name, so a dtype added later cannot silently take a float32 path.
    func floatOperand(_ op: String) throws -> Tensor {
        if dtype == .float32 { return self }
        if dtype == .int64 || dtype == .bool { return try to(.float32) }
        throw TensorError(op, "not supported for dtype \(dtype)")
    }

    /// Applies the float kernel `k` (PyTorch's dtype rule, see `floatOperand`) and records
    /// `grad * derivative`: `derivative(x, y)` receives the input element `x` and the
    /// output element `y`. `fromOutput` says which of the two the rule actually reads, so
    /// that backward keeps one saved tensor and runs as one binary pass.
    @inline(__always)
    func floatFunction<K: UnaryKernel>(_ op: String, _ k: K, fromOutput: Bool,
                                       _ derivative: @escaping (Float, Float) -> Float) throws -> Tensor
    where K.A == Float, K.R == Float {
        if isHalf { return try to(.float32).floatFunction(op, k, fromOutput: fromOutput, derivative).to(dtype) }
        let x = try floatOperand(op)
        let out = Elementwise.unary(x, outDType: .float32, kernel: k)
        if Autograd.needsGraph(self) {
            let saved = fromOutput ? out.detach() : x.detach()
            Autograd.record(out, op, [self]) { g in
                if fromOutput {
                    return [Elementwise.binary(g, saved, outShape: g.shape, outDType: .float32) { (g: Float, y: Float) in g * derivative(0, y) }]
                }
                return [Elementwise.binary(g, saved, outShape: g.shape, outDType: .float32) { (g: Float, x: Float) in g * derivative(x, 0) }]
            }
        }
        return out
    }

    /// `floatFunction` with a vectorised kernel `fast` that is exact only where
    /// `inRange(x)`: on contiguous data the other elements are recomputed with `slow`
    /// (libm) in a second pass; strided data goes through `slow` alone.
    @inline(__always)
    func floatFunction<K: UnaryKernel>(_ op: String, fast: K, inRange: @escaping (Float) -> Bool, slow: @escaping (Float) -> Float,
                                       fromOutput: Bool, _ derivative: @escaping (Float, Float) -> Float) throws -> Tensor
    where K.A == Float, K.R == Float {
        if isHalf {
            return try to(.float32).floatFunction(op, fast: fast, inRange: inRange, slow: slow, fromOutput: fromOutput, derivative).to(dtype)
        }
        let x = try floatOperand(op)
        let out: Tensor
        if x.isContiguous {
            out = Elementwise.unary(x, outDType: .float32, kernel: fast)
            VectorMath.fixUp(x, out, fast: inRange, slow: slow)
        } else {
            out = Elementwise.unary(x, outDType: .float32, slow)
        }
        if Autograd.needsGraph(self) {
            let saved = fromOutput ? out.detach() : x.detach()
            Autograd.record(out, op, [self]) { g in
                if fromOutput {
                    return [Elementwise.binary(g, saved, outShape: g.shape, outDType: .float32) { (g: Float, y: Float) in g * derivative(0, y) }]
                }
                return [Elementwise.binary(g, saved, outShape: g.shape, outDType: .float32) { (g: Float, x: Float) in g * derivative(x, 0) }]
            }
        }
        return out
    }

    /// A float function without a gradient in PyTorch's sense that matters here: the
    /// derivative is zero almost everywhere (floor, sign...), so backward sends zeros.
    @inline(__always)
    func piecewiseConstant<K: UnaryKernel>(_ op: String, _ k: K) throws -> Tensor where K.A == Float, K.R == Float {
        if isHalf { return try to(.float32).piecewiseConstant(op, k).to(dtype) }
        let x = try floatOperand(op)
        let out = Elementwise.unary(x, outDType: .float32, kernel: k)
        if Autograd.needsGraph(self) {
            Autograd.record(out, op, [self]) { g in [Tensor.full(g.shape, 0)] }
        }
        return out
    }

    /// True for float16 and bfloat16: the float functions, sorts and scatters compute in
    /// float32 and round the result back once, as PyTorch's CPU kernels do (through differentiable conversions, so the
    /// gradient comes back in the input's dtype).
    var isHalf: Bool { dtype == .float16 || dtype == .bfloat16 }

    /// The float64 form of `floatFunction`, for a float64 tensor: `f` in double precision
    /// giving float64 (PyTorch computes float64 in float64, never through float32), and the
    /// gradient `grad * derivative(x, y)` in float64, reading the saved input or output as
    /// `fromOutput` says.
    func doubleFunction(_ op: String, _ f: @escaping (Double) -> Double, fromOutput: Bool,
                        _ derivative: @escaping (Double, Double) -> Double) -> Tensor {
        let out = Elementwise.unary(self, outDType: .float64, f)
        if Autograd.needsGraph(self) {
            let saved = fromOutput ? out.detach() : detach()
            Autograd.record(out, op, [self]) { g in
                if fromOutput {
                    return [Elementwise.binary(g.cast(.float64), saved, outShape: g.shape, outDType: .float64) { (g: Double, y: Double) in g * derivative(0, y) }]
                }
                return [Elementwise.binary(g.cast(.float64), saved, outShape: g.shape, outDType: .float64) { (g: Double, x: Double) in g * derivative(x, 0) }]
            }
        }
        return out
    }

    /// The float64 form of `piecewiseConstant`: `f` in float64, a zero float64 gradient.
    func doublePiecewiseConstant(_ op: String, _ f: @escaping (Double) -> Double) -> Tensor {
        let out = Elementwise.unary(self, outDType: .float64, f)
        if Autograd.needsGraph(self) {
            Autograd.record(out, op, [self]) { g in [Tensor.full(g.shape, 0, dtype: .float64)] }
        }
        return out
    }

    /// Both operands of a binary float function (atan2, hypot, lerp...): each converted
    /// by `floatOperand`, with the broadcast shape.
    func floatOperands(_ op: String, _ other: Tensor) throws -> (Tensor, Tensor, [Int]) {
        let shape = try Shape.broadcast(self.shape, other.shape, op: op)
        return (try floatOperand(op), try other.floatOperand(op), shape)
    }
}
