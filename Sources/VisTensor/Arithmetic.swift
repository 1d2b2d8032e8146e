import Foundation

/// Binary arithmetic with PyTorch broadcasting and type promotion, and the
/// operators `+ - * /` on tensors and numbers. Forward and backward side by side.
extension Tensor {
    /// Runs a promoted binary op: float32 if either side is float32, else int64.
    @inline(__always)
    func arithmetic<F: BinaryKernel, I: BinaryKernel>(_ op: String, _ other: Tensor, float f: F, int g: I) throws -> Tensor
    where F.A == Float, F.B == Float, F.R == Float, I.A == Int64, I.B == Int64, I.R == Int64 {
        let outShape = try Shape.broadcast(shape, other.shape, op: op)
        if dtype == .float32 && other.dtype == .float32 {
            return Elementwise.binary(self, other, outShape: outShape, outDType: .float32, kernel: f)
        }
        let dt = DType.promote(dtype, other.dtype)
        let a = try to(dt), b = try other.to(dt)
        if dt == .float32 { return Elementwise.binary(a, b, outShape: outShape, outDType: .float32, kernel: f) }
        return Elementwise.binary(a, b, outShape: outShape, outDType: .int64, kernel: g)
    }

    /// `arithmetic` for cold ops given as closures.
    func arithmetic(_ op: String, _ other: Tensor,
                    float f: (Float, Float) -> Float, int g: (Int64, Int64) -> Int64) throws -> Tensor {
        try withoutActuallyEscaping(f) { f in
            try withoutActuallyEscaping(g) { g in
                try arithmetic(op, other, float: ClosureBinary(f: f), int: ClosureBinary(f: g))
            }
        }
    }

    /// A scalar tensor for `value` combined with this tensor: int64 when this tensor
    /// holds integers and the value is integral, float32 otherwise.
    func scalarOperand(_ value: Double) -> Tensor {
        if dtype != .float32 && value == value.rounded() && Swift.abs(value) < 9e18 {
            return Tensor.scalar(value, dtype: .int64)
        }
        return Tensor.scalar(value)
    }

    /// Elementwise `self + other` (broadcasting).
    public func add(_ other: Tensor) throws -> Tensor {
        let out = try arithmetic("add", other, float: AddF(), int: AddI())
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
        let out = try arithmetic("sub", other, float: SubF(), int: SubI())
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
        let out = try arithmetic("mul", other, float: MulF(), int: MulI())
        if Autograd.needsGraph(self, other) {
            let ra = requiresGrad, rb = other.requiresGrad
            Autograd.record(out, "mul", [self, other], saving: (ra ? [other] : []) + (rb ? [self] : [])) { [self] g in
                [ra ? try Autograd.reduceToShape(g.mul(other), self.shape) : nil,
                 rb ? try Autograd.reduceToShape(g.mul(self), other.shape) : nil]
            }
        }
        return out
    }

    /// Elementwise true division `self / other` (integers divide as floats, as in PyTorch).
    public func div(_ other: Tensor) throws -> Tensor {
        let outShape = try Shape.broadcast(shape, other.shape, op: "div")
        let a = try to(.float32), b = try other.to(.float32)
        let out = Elementwise.binary(a, b, outShape: outShape, outDType: .float32, kernel: DivF())
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
    /// integer exponents stay int64; a negative integer exponent is an error there.
    public func pow(_ exponent: Tensor) throws -> Tensor {
        let outShape = try Shape.broadcast(shape, exponent.shape, op: "pow")
        if dtype != .float32 && exponent.dtype != .float32 {
            let e = try exponent.to(.int64)
            if e.toInt64Array().contains(where: { $0 < 0 }) {
                throw TensorError("pow", "integers cannot be raised to negative integer powers; use a float tensor")
            }
            return Elementwise.binary(try to(.int64), e, outShape: outShape, outDType: .int64) { (x: Int64, n: Int64) -> Int64 in
                var r: Int64 = 1, b = x, k = n
                while k > 0 { if k & 1 == 1 { r = r &* b }; b = b &* b; k >>= 1 }
                return r
            }
        }
        let a = try to(.float32), b = try exponent.to(.float32)
        let out = Elementwise.binary(a, b, outShape: outShape, outDType: .float32) { (x: Float, y: Float) in Foundation.pow(x, y) }
        if Autograd.needsGraph(self, exponent) {
            let ra = requiresGrad, rb = exponent.requiresGrad
            let result = out.detach()
            Autograd.record(out, "pow", [self, exponent], saving: rb ? [self, exponent, out] : [self, exponent]) { g in
                var ga: Tensor? = nil, gb: Tensor? = nil
                if ra {
                    // d/da a^b = b * a^(b-1)
                    let d = Elementwise.binary(a, b, outShape: outShape, outDType: .float32) { (x: Float, y: Float) -> Float in
                        y == 0 ? 0 : y * Foundation.pow(x, y - 1)
                    }
                    ga = try Autograd.reduceToShape(g.mul(d), a.shape)
                }
                if rb {
                    // d/db a^b = a^b * ln a (0 where a == 0, as PyTorch does for b > 0)
                    let lnA = Elementwise.unary(a, outDType: .float32) { (x: Float) -> Float in x == 0 ? 0 : Foundation.log(x) }
                    gb = try Autograd.reduceToShape(g.mul(result).mul(lnA), b.shape)
                }
                return [ga, gb]
            }
        }
        return out
    }

    /// Floor division (`//`): rounds the quotient down. Not differentiable.
    public func floorDivide(_ other: Tensor) throws -> Tensor {
        if dtype != .float32 && other.dtype != .float32 {
            if try other.to(.int64).toInt64Array().contains(0) {
                throw TensorError("floor_divide", "integer division by zero")
            }
            return try arithmetic("floor_divide", other, float: { ($0 / $1).rounded(.down) }, int: { x, y in
                // Int64.min / -1 overflows: wrap (as PyTorch does) rather than trap.
                let q = x.dividedReportingOverflow(by: y).partialValue
                return (x.remainderReportingOverflow(dividingBy: y).partialValue != 0) && ((x < 0) != (y < 0)) ? q - 1 : q
            })
        }
        return try detach().arithmetic("floor_divide", other.detach(), float: { ($0 / $1).rounded(.down) }, int: { $0 / $1 })
    }

    /// `-self`.
    public func neg() throws -> Tensor {
        if dtype == .bool { throw TensorError("neg", "negation is not defined for bool tensors; use logical_not") }
        let out: Tensor
        if dtype == .int64 {
            out = Elementwise.unary(self, outDType: .int64) { (x: Int64) -> Int64 in 0 &- x }
        } else {
            out = Elementwise.unary(self, outDType: .float32, kernel: NegF())
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
    public func div(_ value: Double) throws -> Tensor { try div(Tensor.scalar(value)) }
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
    public static func / (a: Double, b: Tensor) throws -> Tensor { try Tensor.scalar(a).div(b) }
    public static prefix func - (a: Tensor) throws -> Tensor { try a.neg() }
}
