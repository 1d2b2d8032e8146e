import Foundation

/// Binary arithmetic with PyTorch broadcasting and type promotion, and the
/// operators `+ - * /` on tensors and numbers. Forward and backward side by side.
extension Tensor {
    /// PyTorch's result dtype for an op on `a` and `b` (`torch.result_type`): tensors with
    /// dimensions outrank 0-d tensors, which outrank wrapped Python numbers, except that
    /// a lower-ranked operand of a higher category (bool < integer < float) promotes.
    public static func resultType(_ a: Tensor, _ b: Tensor) -> DType {
        var dim: [DType] = [], zero: [DType] = [], wrapped: [DType] = []
        for t in [a, b] {
            if t.isWrappedNumber {
                // A Python float counts as the default dtype (float32) whatever its storage.
                wrapped.append(t.dtype.isFloatingPoint ? .float32 : t.dtype)
            } else if t.ndim == 0 {
                zero.append(t.dtype)
            } else {
                dim.append(t.dtype)
            }
        }
        return DType.resultType(dimensioned: dim, zeroDim: zero, wrapped: wrapped) ?? a.dtype
    }

    /// Runs a promoted binary op in the result dtype's compute dtype: float32 and float64
    /// kernels for floats, int64 for integers and bools; a storage dtype (float16,
    /// bfloat16, the narrow integers, bool) gets the computed result converted back.
    @inline(__always)
    func arithmetic<F: BinaryKernel, D: BinaryKernel, I: BinaryKernel>(_ op: String, _ other: Tensor, float f: F, double d: D, int g: I) throws -> Tensor
    where F.A == Float, F.B == Float, F.R == Float, D.A == Double, D.B == Double, D.R == Double,
          I.A == Int64, I.B == Int64, I.R == Int64 {
        let outShape = try Shape.broadcast(shape, other.shape, op: op)
        if dtype == .float32 && other.dtype == .float32 {
            return Elementwise.binary(self, other, outShape: outShape, outDType: .float32, kernel: f)
        }
        let dt = Tensor.resultType(self, other)
        let ct: DType = dt == .bool ? .int64 : dt.computeDType
        let a = cast(ct), b = other.cast(ct)
        let out: Tensor
        if ct == .float32 {
            out = Elementwise.binary(a, b, outShape: outShape, outDType: .float32, kernel: f)
        } else if ct == .float64 {
            out = Elementwise.binary(a, b, outShape: outShape, outDType: .float64, kernel: d)
        } else {
            out = Elementwise.binary(a, b, outShape: outShape, outDType: .int64, kernel: g)
        }
        return out.dtype == dt ? out : out.cast(dt)
    }

    /// `arithmetic` for cold ops given as closures.
    func arithmetic(_ op: String, _ other: Tensor, float f: (Float, Float) -> Float, double d: (Double, Double) -> Double,
                    int g: (Int64, Int64) -> Int64) throws -> Tensor {
        try withoutActuallyEscaping(f) { f in
            try withoutActuallyEscaping(d) { d in
                try withoutActuallyEscaping(g) { g in
                    try arithmetic(op, other, float: ClosureBinary(f: f), double: ClosureBinary(f: d), int: ClosureBinary(f: g))
                }
            }
        }
    }

    /// A wrapped-number operand (see `isWrappedNumber`) for `value` combined with this
    /// tensor: int64 when this tensor holds integers and the value is integral, else
    /// float64 beside a float64 tensor (no precision lost) and float32 otherwise.
    func scalarOperand(_ value: Double) -> Tensor {
        let t: Tensor
        if !dtype.isFloatingPoint && value == value.rounded() && Swift.abs(value) < 9e18 {
            t = Tensor.scalar(value, dtype: .int64)
        } else {
            t = Tensor.scalar(value, dtype: dtype == .float64 ? .float64 : .float32)
        }
        t.isWrappedNumber = true
        return t
    }

    /// Elementwise `self + other` (broadcasting).
    public func add(_ other: Tensor) throws -> Tensor {
        let out = try arithmetic("add", other, float: AddF(), double: AddFP<Double>(), int: AddI())
        if Autograd.needsGraph(self, other) {
            let sa = shape, sb = other.shape, ra = requiresGrad, rb = other.requiresGrad
            Autograd.record(out, "add", [self, other]) { g in
                [ra ? try Autograd.reduceToShape(g, sa) : nil, rb ? try Autograd.reduceToShape(g, sb) : nil]
            }
        }
        return out
    }

    /// Elementwise `self - other` (broadcasting).
    public func sub(_ other: Tensor) throws -> Tensor {
        if dtype == .bool && other.dtype == .bool {
            throw TensorError("sub", "subtraction (the - operator) of two bool tensors is not supported; use ^ or logical_xor")
        }
        let out = try arithmetic("sub", other, float: SubF(), double: SubFP<Double>(), int: SubI())
        if Autograd.needsGraph(self, other) {
            let sa = shape, sb = other.shape, ra = requiresGrad, rb = other.requiresGrad
            Autograd.record(out, "sub", [self, other]) { g in
                [ra ? try Autograd.reduceToShape(g, sa) : nil, rb ? try Autograd.reduceToShape(g.neg(), sb) : nil]
            }
        }
        return out
    }

    /// Elementwise `self * other` (broadcasting).
    public func mul(_ other: Tensor) throws -> Tensor {
        let out = try arithmetic("mul", other, float: MulF(), double: MulFP<Double>(), int: MulI())
        if Autograd.needsGraph(self, other) {
            let ra = requiresGrad, rb = other.requiresGrad
            Autograd.record(out, "mul", [self, other], saving: (ra ? [other] : []) + (rb ? [self] : [])) { [self] g in
                [ra ? try Autograd.reduceToShape(g.mul(other), self.shape) : nil,
                 rb ? try Autograd.reduceToShape(g.mul(self), other.shape) : nil]
            }
        }
        return out
    }

    /// Elementwise true division `self / other` (integers divide as floats, as in PyTorch:
    /// the result is the promoted float dtype, float32 for integer operands).
    public func div(_ other: Tensor) throws -> Tensor {
        let outShape = try Shape.broadcast(shape, other.shape, op: "div")
        var dt = Tensor.resultType(self, other)
        if !dt.isFloatingPoint { dt = .float32 }
        let ct = dt.computeDType
        let a = cast(ct), b = other.cast(ct)
        var out = ct == .float64 ? Elementwise.binary(a, b, outShape: outShape, outDType: .float64, kernel: DivFP<Double>())
                                 : Elementwise.binary(a, b, outShape: outShape, outDType: .float32, kernel: DivF())
        if out.dtype != dt { out = out.cast(dt) }
        if Autograd.needsGraph(self, other) {
            let ra = requiresGrad, rb = other.requiresGrad
            // PyTorch's rule, -g * a / b^2, reads the inputs and not the output, so that
            // writing into the quotient in place (q = a / b; q += 1) leaves it valid.
            Autograd.record(out, "div", [self, other], saving: rb ? [a, b] : [b]) { g in
                [ra ? try Autograd.reduceToShape(g.div(b), a.shape) : nil,
                 rb ? try Autograd.reduceToShape(g.mul(a).div(b.mul(b)).neg(), b.shape) : nil]
            }
        }
        return out
    }

    /// Elementwise power `self ** exponent` (broadcasting). Integer tensors with
    /// integer exponents stay integers (the promoted dtype); a negative integer exponent
    /// is an error there. Floats compute in float32 or float64.
    public func pow(_ exponent: Tensor) throws -> Tensor {
        let outShape = try Shape.broadcast(shape, exponent.shape, op: "pow")
        if dtype == .bool && exponent.dtype == .bool {
            throw TensorError("pow", "pow is not defined for two bool tensors (as in PyTorch); convert one with .long() or .float()")
        }
        let dt = Tensor.resultType(self, exponent)
        if !dt.isFloatingPoint {
            let e = exponent.cast(.int64)
            if e.toInt64Array().contains(where: { $0 < 0 }) {
                throw TensorError("pow", "integers cannot be raised to negative integer powers; use a float tensor")
            }
            let out = Elementwise.binary(cast(.int64), e, outShape: outShape, outDType: .int64) { (x: Int64, n: Int64) -> Int64 in
                var r: Int64 = 1, b = x, k = n
                while k > 0 { if k & 1 == 1 { r = r &* b }; b = b &* b; k >>= 1 }
                return r
            }
            return out.dtype == dt ? out : out.cast(dt)
        }
        if dt.computeDType == .float64 { return try powFloat(exponent, Double.self, outShape: outShape, dtype: dt) }
        return try powFloat(exponent, Float.self, outShape: outShape, dtype: dt)
    }

    /// `pow` for floats computed in `T`, with its gradient; the result converted to `dtype`.
    private func powFloat<T: VisFloat>(_ exponent: Tensor, _: T.Type, outShape: [Int], dtype dt: DType) throws -> Tensor {
        let a = cast(T.dtype), b = exponent.cast(T.dtype)
        var out = Elementwise.binary(a, b, outShape: outShape, outDType: T.dtype) { (x: T, y: T) in T.pow(x, y) }
        if out.dtype != dt { out = out.cast(dt) }
        if Autograd.needsGraph(self, exponent) {
            let ra = requiresGrad, rb = exponent.requiresGrad
            let result = out.detach()
            Autograd.record(out, "pow", [self, exponent], saving: rb ? [self, exponent, out] : [self, exponent]) { g in
                var ga: Tensor? = nil, gb: Tensor? = nil
                if ra {
                    // d/da a^b = b * a^(b-1)
                    let d = Elementwise.binary(a, b, outShape: outShape, outDType: T.dtype) { (x: T, y: T) -> T in
                        y == 0 ? 0 : y * T.pow(x, y - 1)
                    }
                    ga = try Autograd.reduceToShape(g.mul(d), a.shape)
                }
                if rb {
                    // d/db a^b = a^b * ln a (0 where a == 0, as PyTorch does for b > 0)
                    let lnA = Elementwise.unary(a, outDType: T.dtype) { (x: T) -> T in x == 0 ? 0 : T.log(x) }
                    gb = try Autograd.reduceToShape(g.mul(result).mul(lnA), b.shape)
                }
                return [ga, gb]
            }
        }
        return out
    }

    /// Floor division (`//`): rounds the quotient down, in the promoted dtype. Not differentiable.
    public func floorDivide(_ other: Tensor) throws -> Tensor {
        let dt = Tensor.resultType(self, other)
        if dt == .bool { throw TensorError("floor_divide", "floor division is not defined for bool tensors (as in PyTorch)") }
        if !dt.isFloatingPoint {
            if other.cast(.int64).toInt64Array().contains(0) {
                throw TensorError("floor_divide", "integer division by zero")
            }
            return try detach().arithmetic("floor_divide", other.detach(), float: { ($0 / $1).rounded(.down) }, double: { ($0 / $1).rounded(.down) }, int: { x, y in
                // Int64.min / -1 overflows: wrap (as PyTorch does) rather than trap.
                let q = x.dividedReportingOverflow(by: y).partialValue
                return (x.remainderReportingOverflow(dividingBy: y).partialValue != 0) && ((x < 0) != (y < 0)) ? q - 1 : q
            })
        }
        return try detach().arithmetic("floor_divide", other.detach(), float: { ($0 / $1).rounded(.down) }, double: { ($0 / $1).rounded(.down) }, int: { $0 / $1 })
    }

    /// `-self`, in this tensor's dtype (unsigned uint8 wraps, as in PyTorch).
    public func neg() throws -> Tensor {
        if dtype == .bool { throw TensorError("neg", "negation is not defined for bool tensors; use logical_not") }
        let out: Tensor
        if dtype == .float32 {
            out = Elementwise.unary(self, outDType: .float32, kernel: NegF())
        } else if dtype == .float64 {
            out = Elementwise.unary(self, outDType: .float64, kernel: NegFP<Double>())
        } else if dtype.computeDType == .int64 {
            out = Elementwise.unary(cast(.int64), outDType: .int64) { (x: Int64) -> Int64 in 0 &- x }.cast(dtype)
        } else {
            // float16 / bfloat16: computed in float32 and converted back (exact: negation).
            out = Elementwise.unary(cast(.float32), outDType: .float32, kernel: NegF()).cast(dtype)
        }
        if Autograd.needsGraph(self) {
            Autograd.record(out, "neg", [self]) { g in [try g.neg()] }
        }
        return out
    }

    // MARK: Scalars

    /// `self + value`.
    public func add(_ value: Double) throws -> Tensor { try add(scalarOperand(value)) }
    /// `self - value`.
    public func sub(_ value: Double) throws -> Tensor { try sub(scalarOperand(value)) }
    /// `self * value`.
    public func mul(_ value: Double) throws -> Tensor { try mul(scalarOperand(value)) }
    /// `self / value`.
    public func div(_ value: Double) throws -> Tensor {
        let t = Tensor.scalar(value, dtype: dtype == .float64 ? .float64 : .float32)
        t.isWrappedNumber = true
        return try div(t)
    }
    /// `self ** exponent`.
    public func pow(_ exponent: Double) throws -> Tensor {
        if dtype == .float32 {
            let e = Float(exponent)
            let out: Tensor
            if e == 2 {
                out = Elementwise.unary(self, outDType: .float32, kernel: SquareF())
            } else {
                out = Elementwise.unary(self, outDType: .float32) { (x: Float) -> Float in Foundation.pow(x, e) }
            }
            if Autograd.needsGraph(self) {
                Autograd.record(out, "pow", [self], saving: [self]) { [self] g in
                    let d = Elementwise.unary(self, outDType: .float32) { (x: Float) -> Float in
                        e == 0 ? 0 : e * Foundation.pow(x, e - 1)
                    }
                    return [try g.mul(d)]
                }
            }
            return out
        }
        return try pow(scalarOperand(exponent))
    }

    // MARK: Operators

    public static func + (a: Tensor, b: Tensor) throws -> Tensor { try a.add(b) }
    public static func - (a: Tensor, b: Tensor) throws -> Tensor { try a.sub(b) }
    public static func * (a: Tensor, b: Tensor) throws -> Tensor { try a.mul(b) }
    public static func / (a: Tensor, b: Tensor) throws -> Tensor { try a.div(b) }
    public static func + (a: Tensor, b: Double) throws -> Tensor { try a.add(b) }
    public static func - (a: Tensor, b: Double) throws -> Tensor { try a.sub(b) }
    public static func * (a: Tensor, b: Double) throws -> Tensor { try a.mul(b) }
    public static func / (a: Tensor, b: Double) throws -> Tensor { try a.div(b) }
    public static func + (a: Double, b: Tensor) throws -> Tensor { try b.scalarOperand(a).add(b) }
    public static func - (a: Double, b: Tensor) throws -> Tensor { try b.scalarOperand(a).sub(b) }
    public static func * (a: Double, b: Tensor) throws -> Tensor { try b.scalarOperand(a).mul(b) }
    public static func / (a: Double, b: Tensor) throws -> Tensor {
        let t = Tensor.scalar(a, dtype: b.dtype == .float64 ? .float64 : .float32)
        t.isWrappedNumber = true
        return try t.div(b)
    }
    public static prefix func - (a: Tensor) throws -> Tensor { try a.neg() }
}
