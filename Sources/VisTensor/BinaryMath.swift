import Foundation

// Binary elementwise math with broadcasting and PyTorch's gradients: atan2, hypot,
// fmod and remainder (the `%` operator), lerp, clamp_min / clamp_max, logical_xor.

extension Tensor {
    /// Elementwise angle of the point (other, self): atan2(y=self, x=other) in (-pi, pi].
    /// Integers give float32. The gradient at the origin is 0, as PyTorch 2 defines it.
    public func atan2(_ other: Tensor) throws -> Tensor {
        if Tensor.resultType(self, other) == .float64 { return try atan2Double(other) }
        let (a, b, shape) = try floatOperands("atan2", other)
        let out = Elementwise.binary(a, b, outShape: shape, outDType: .float32) { (y: Float, x: Float) in Foundation.atan2(y, x) }
        if Autograd.needsGraph(self, other) {
            let ra = requiresGrad, rb = other.requiresGrad, ya = a.detach(), xb = b.detach()
            Autograd.record(out, "atan2", [self, other]) { g in
                // 1 / (y^2 + x^2), defined as 0 where both are 0.
                let recip = Elementwise.binary(ya, xb, outShape: shape, outDType: .float32) { (y: Float, x: Float) -> Float in
                    let d = y * y + x * x
                    return d == 0 ? 0 : 1 / d
                }
                return [ra ? try Autograd.reduceToShape(g.mul(xb).mul(recip), ya.shape) : nil,
                        rb ? try Autograd.reduceToShape(g.mul(ya).mul(recip).neg(), xb.shape) : nil]
            }
        }
        return out
    }

    /// atan2 where PyTorch's result type is float64: both operands in float64, the same
    /// gradient rule in float64.
    private func atan2Double(_ other: Tensor) throws -> Tensor {
        let shape = try Shape.broadcast(self.shape, other.shape, op: "atan2")
        let a = try to(.float64), b = try other.to(.float64)
        let out = Elementwise.binary(a, b, outShape: shape, outDType: .float64) { (y: Double, x: Double) in Foundation.atan2(y, x) }
        if Autograd.needsGraph(self, other) {
            let ra = requiresGrad, rb = other.requiresGrad, ya = a.detach(), xb = b.detach()
            Autograd.record(out, "atan2", [a, b]) { g in
                let recip = Elementwise.binary(ya, xb, outShape: shape, outDType: .float64) { (y: Double, x: Double) -> Double in
                    let d = y * y + x * x
                    return d == 0 ? 0 : 1 / d
                }
                return [ra ? try Autograd.reduceToShape(g.mul(xb).mul(recip), ya.shape) : nil,
                        rb ? try Autograd.reduceToShape(g.mul(ya).mul(recip).neg(), xb.shape) : nil]
            }
        }
        return out
    }

    /// Elementwise sqrt(self^2 + other^2) without overflow (float only, as in PyTorch;
    /// float64 with float32 promotes to float64).
    public func hypot(_ other: Tensor) throws -> Tensor {
        if dtype.isFloatingPoint && other.dtype.isFloatingPoint && Tensor.resultType(self, other) == .float64 {
            let shape = try Shape.broadcast(self.shape, other.shape, op: "hypot")
            let a = try to(.float64), b = try other.to(.float64)
            let out = Elementwise.binary(a, b, outShape: shape, outDType: .float64) { (x: Double, y: Double) in Foundation.hypot(x, y) }
            if Autograd.needsGraph(a, b) {
                let ra = a.requiresGrad, rb = b.requiresGrad, xa = a.detach(), xb = b.detach(), r = out.detach()
                Autograd.record(out, "hypot", [a, b]) { g in
                    [ra ? try Autograd.reduceToShape(g.mul(xa).div(r), xa.shape) : nil,
                     rb ? try Autograd.reduceToShape(g.mul(xb).div(r), xb.shape) : nil]
                }
            }
            return out
        }
        guard dtype == .float32, other.dtype == .float32 else {
            throw TensorError("hypot", "expected float32 tensors, got \(dtype) and \(other.dtype)")
        }
        let shape = try Shape.broadcast(self.shape, other.shape, op: "hypot")
        let out = Elementwise.binary(self, other, outShape: shape, outDType: .float32) { (a: Float, b: Float) in Foundation.hypot(a, b) }
        if Autograd.needsGraph(self, other) {
            let ra = requiresGrad, rb = other.requiresGrad, a = detach(), b = other.detach(), r = out.detach()
            Autograd.record(out, "hypot", [self, other]) { g in
                [ra ? try Autograd.reduceToShape(g.mul(a).div(r), a.shape) : nil,
                 rb ? try Autograd.reduceToShape(g.mul(b).div(r), b.shape) : nil]
            }
        }
        return out
    }

    /// The integer operands of fmod / remainder, with PyTorch's error for a zero divisor
    /// (an integer division by zero has no value); bool is refused as PyTorch does.
    private func modOperands(_ op: String, _ other: Tensor) throws -> DType {
        if dtype == .bool || other.dtype == .bool { throw TensorError(op, "not supported for bool tensors") }
        let dt = DType.promote(dtype, other.dtype)
        let zeroDivisor = dt == .int64 ? try other.to(.int64).toInt64Array().contains(0) : false
        if zeroDivisor {
            throw TensorError(op, "integer modulo by zero")
        }
        return dt
    }

    /// C's fmod: the remainder of the quotient rounded toward zero, with the sign of the
    /// dividend (`fmod(-3, 2) == -1`). Gradients: 1 for self, -trunc(self / other) for other.
    public func fmod(_ other: Tensor) throws -> Tensor {
        _ = try modOperands("fmod", other)
        let out = try detach().arithmetic("fmod", other.detach(), float: { fmodf($0, $1) }, double: { Foundation.fmod($0, $1) }, int: { x, y in
            x.remainderReportingOverflow(dividingBy: y).partialValue
        })
        return try recordModulo(out, "fmod", other, rounding: .towardZero)
    }

    /// Python's and PyTorch's remainder (the `%` operator): the sign of the divisor
    /// (`-3 % 2 == 1`). Gradients: 1 for self, -floor(self / other) for other.
    public func remainder(_ other: Tensor) throws -> Tensor {
        _ = try modOperands("remainder", other)
        let out = try detach().arithmetic("remainder", other.detach(), float: { x, y in
            let r = fmodf(x, y)
            return (r != 0 && (r < 0) != (y < 0)) ? r + y : r
        }, double: { x, y in
            let r = Foundation.fmod(x, y)
            return (r != 0 && (r < 0) != (y < 0)) ? r + y : r
        }, int: { x, y in
            let r = x.remainderReportingOverflow(dividingBy: y).partialValue
            return (r != 0 && (r < 0) != (y < 0)) ? r &+ y : r
        })
        return try recordModulo(out, "remainder", other, rounding: .down)
    }

    private func recordModulo(_ out: Tensor, _ op: String, _ other: Tensor, rounding: FloatingPointRoundingRule) throws -> Tensor {
        if out.dtype == .float64 && Autograd.needsGraph(self, other) {
            // float64: the quotient rounded in float64, gradients float64.
            let ra = requiresGrad, rb = other.requiresGrad, a = try to(.float64).detach(), b = try other.to(.float64).detach()
            Autograd.record(out, op, [self, other]) { g in
                var gb: Tensor? = nil
                if rb {
                    let q = Elementwise.binary(a, b, outShape: g.shape, outDType: .float64) { (x: Double, y: Double) in -(x / y).rounded(rounding) }
                    gb = try Autograd.reduceToShape(g.cast(.float64).mul(q), b.shape)
                }
                return [ra ? try Autograd.reduceToShape(g.cast(.float64), a.shape) : nil, gb]
            }
            return out
        }
        guard out.dtype == .float32, Autograd.needsGraph(self, other) else { return out }
        let ra = requiresGrad, rb = other.requiresGrad, a = try floatOperand(op).detach(), b = try other.floatOperand(op).detach()
        Autograd.record(out, op, [self, other]) { g in
            var gb: Tensor? = nil
            if rb {
                let q = Elementwise.binary(a, b, outShape: g.shape, outDType: .float32) { (x: Float, y: Float) in -(x / y).rounded(rounding) }
                gb = try Autograd.reduceToShape(g.mul(q), b.shape)
            }
            return [ra ? try Autograd.reduceToShape(g, a.shape) : nil, gb]
        }
        return out
    }

    /// Linear interpolation self + weight * (end - self), evaluated as PyTorch does
    /// (from `end` when weight >= 0.5, so that weight 1 gives exactly end). Float only.
    /// Built from differentiable ops: gradients (1 - w), w and (end - self).
    public func lerp(_ end: Tensor, weight: Tensor) throws -> Tensor {
        // float64: PyTorch requires the same dtype for self and end (and a float64 weight tensor).
        let ft: DType = dtype == .float64 ? .float64 : .float32
        guard dtype == ft, end.dtype == ft else {
            throw TensorError("lerp", "expected float32 or float64 tensors of one dtype, got \(dtype) and \(end.dtype)")
        }
        guard weight.dtype == ft || (weight.isWrappedNumber && weight.dtype.isFloatingPoint) else {
            throw TensorError("lerp", "weight must be \(ft), got \(weight.dtype)")
        }
        let shape = try Shape.broadcast(try Shape.broadcast(self.shape, end.shape, op: "lerp"), weight.shape, op: "lerp")
        let diff = try end.sub(self)
        let low = try add(weight.mul(diff))
        let high = try end.sub(diff.mul(Tensor.full([], 1, dtype: ft).sub(weight)))
        let out = try Tensor.where(weight.lt(0.5), low, high)
        return out.shape == shape ? out : try out.expand(shape)
    }

    /// The elementwise larger (`greater`) or smaller of self and a number: clamp_min /
    /// clamp_max. NaN in either gives NaN; the gradient passes only where self is
    /// strictly inside the bound (0 at the bound itself, as in PyTorch).
    public func clampBound(_ bound: Double, greater: Bool) throws -> Tensor {
        let op = greater ? "clamp_min" : "clamp_max"
        if (dtype == .int64 || dtype == .bool) && bound == bound.rounded() && Swift.abs(bound) < 9.2e18 {
            let b = Int64(bound), x = try to(.int64)
            return Elementwise.unary(x, outDType: .int64) { (v: Int64) -> Int64 in greater ? Swift.max(v, b) : Swift.min(v, b) }
        }
        if dtype == .float64 {
            let b = bound
            let (x, out) = mapDouble { v in v.isNaN || b.isNaN ? .nan : (greater ? Swift.max(v, b) : Swift.min(v, b)) }
            recordUnaryDouble(out, op, saved: x) { g, v in (greater ? v > b : v < b) ? g : 0 }
            return out
        }
        let x = try floatOperand(op), b = Float(bound)
        let out = Elementwise.unary(x, outDType: .float32) { (v: Float) -> Float in
            v.isNaN || b.isNaN ? .nan : (greater ? Swift.max(v, b) : Swift.min(v, b))
        }
        if Autograd.needsGraph(self) {
            let saved = x.detach()
            Autograd.record(out, op, [self]) { g in
                [Elementwise.binary(g, saved, outShape: g.shape, outDType: .float32) { (g: Float, v: Float) in
                    (greater ? v > b : v < b) ? g : 0 }]
            }
        }
        return out
    }

    /// clamp_min / clamp_max with a tensor bound (broadcast): the elementwise maximum or
    /// minimum with NaN propagated; at equal values the gradient is split in halves, as
    /// PyTorch's clamp_min(Tensor) does.
    public func clampBound(_ bound: Tensor, greater: Bool) throws -> Tensor {
        let op = greater ? "clamp_min" : "clamp_max"
        if Tensor.resultType(self, bound) == .float64 { return try maximumLikeDouble(bound, op: op, greater: greater) }
        if dtype != .float32 && bound.dtype != .float32 {
            if dtype == .bool && bound.dtype == .bool { throw TensorError(op, "not supported for bool tensors") }
            return try detach().arithmetic(op, bound.detach(), float: { a, _ in a }, double: { a, _ in a }, int: { a, b in greater ? Swift.max(a, b) : Swift.min(a, b) })
        }
        let (a, b, shape) = try floatOperands(op, bound)
        let out = Elementwise.binary(a, b, outShape: shape, outDType: .float32) { (x: Float, y: Float) -> Float in
            x.isNaN || y.isNaN ? .nan : (greater ? Swift.max(x, y) : Swift.min(x, y))
        }
        if Autograd.needsGraph(self, bound) {
            let ra = requiresGrad, rb = bound.requiresGrad, sa = a.detach(), sb = b.detach()
            Autograd.record(out, op, [self, bound]) { g in
                // The share of the gradient that goes to self: 1 where self wins, 1/2 on ties.
                let share = Elementwise.binary(sa, sb, outShape: shape, outDType: .float32) { (x: Float, y: Float) -> Float in
                    x == y ? 0.5 : ((greater ? x > y : x < y) ? 1 : 0)
                }
                return [ra ? try Autograd.reduceToShape(g.mul(share), sa.shape) : nil,
                        rb ? try Autograd.reduceToShape(g.mul(Tensor.scalar(1).sub(share)), sb.shape) : nil]
            }
        }
        return out
    }

    /// clamp_min / clamp_max with a tensor bound where the result type is float64: the
    /// float64 elementwise maximum / minimum (the NaN and tie rules of `maximum`).
    private func maximumLikeDouble(_ bound: Tensor, op: String, greater: Bool) throws -> Tensor {
        let shape = try Shape.broadcast(self.shape, bound.shape, op: op)
        let a = try to(.float64), b = try bound.to(.float64)
        let out = Elementwise.binary(a, b, outShape: shape, outDType: .float64) { (x: Double, y: Double) -> Double in
            x.isNaN || y.isNaN ? .nan : (greater ? Swift.max(x, y) : Swift.min(x, y))
        }
        if Autograd.needsGraph(a, b) {
            let ra = a.requiresGrad, rb = b.requiresGrad, sa = a.detach(), sb = b.detach()
            Autograd.record(out, op, [a, b]) { g in
                let share = Elementwise.binary(sa, sb, outShape: shape, outDType: .float64) { (x: Double, y: Double) -> Double in
                    x == y ? 0.5 : ((greater ? x > y : x < y) ? 1 : 0)
                }
                return [ra ? try Autograd.reduceToShape(g.mul(share), sa.shape) : nil,
                        rb ? try Autograd.reduceToShape(g.mul(Tensor.full([], 1, dtype: .float64).sub(share)), sb.shape) : nil]
            }
        }
        return out
    }

    /// Elementwise exclusive or of truth values (non-zero and NaN are true), a bool tensor.
    public func logicalXor(_ o: Tensor) throws -> Tensor {
        let outShape = try Shape.broadcast(shape, o.shape, op: "logical_xor")
        return Elementwise.binary(try bool(), try o.bool(), outShape: outShape, outDType: .bool) { (x: Bool, y: Bool) in x != y }
    }
}
