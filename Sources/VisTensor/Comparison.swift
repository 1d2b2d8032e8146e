/// Comparisons (giving bool tensors), logical ops, `where` and `masked_fill`.
extension Tensor {
    @inline(__always)
    func compare(_ op: String, _ other: Tensor, _ f: (Float, Float) -> Bool, _ fd: (Double, Double) -> Bool,
                 _ fi: (Int64, Int64) -> Bool) throws -> Tensor {
        let outShape = try Shape.broadcast(shape, other.shape, op: op)
        // Compared in the promoted dtype's compute dtype (PyTorch compares in the
        // promoted dtype; float16/bfloat16 values are exact in float32).
        let dt = Tensor.resultType(self, other)
        let ct: DType = dt == .bool ? .int64 : dt.computeDType
        let a = cast(ct), b = other.cast(ct)
        if ct == .float32 { return Elementwise.binary(a, b, outShape: outShape, outDType: .bool, f) }
        if ct == .float64 { return Elementwise.binary(a, b, outShape: outShape, outDType: .bool, fd) }
        return Elementwise.binary(a, b, outShape: outShape, outDType: .bool, fi)
    }

    /// Elementwise `==`, a bool tensor.
    public func eq(_ o: Tensor) throws -> Tensor { try compare("eq", o, { $0 == $1 }, { $0 == $1 }, { $0 == $1 }) }
    /// Elementwise `!=`, a bool tensor.
    public func ne(_ o: Tensor) throws -> Tensor { try compare("ne", o, { $0 != $1 }, { $0 != $1 }, { $0 != $1 }) }
    /// Elementwise `<`, a bool tensor.
    public func lt(_ o: Tensor) throws -> Tensor { try compare("lt", o, { $0 < $1 }, { $0 < $1 }, { $0 < $1 }) }
    /// Elementwise `<=`, a bool tensor.
    public func le(_ o: Tensor) throws -> Tensor { try compare("le", o, { $0 <= $1 }, { $0 <= $1 }, { $0 <= $1 }) }
    /// Elementwise `>`, a bool tensor.
    public func gt(_ o: Tensor) throws -> Tensor { try compare("gt", o, { $0 > $1 }, { $0 > $1 }, { $0 > $1 }) }
    /// Elementwise `>=`, a bool tensor.
    public func ge(_ o: Tensor) throws -> Tensor { try compare("ge", o, { $0 >= $1 }, { $0 >= $1 }, { $0 >= $1 }) }

    /// Comparison with a number.
    public func eq(_ v: Double) throws -> Tensor { try eq(scalarOperand(v)) }
    public func ne(_ v: Double) throws -> Tensor { try ne(scalarOperand(v)) }
    public func lt(_ v: Double) throws -> Tensor { try lt(scalarOperand(v)) }
    public func le(_ v: Double) throws -> Tensor { try le(scalarOperand(v)) }
    public func gt(_ v: Double) throws -> Tensor { try gt(scalarOperand(v)) }
    public func ge(_ v: Double) throws -> Tensor { try ge(scalarOperand(v)) }

    /// Elementwise logical and of two tensors (non-zero is true).
    public func logicalAnd(_ o: Tensor) throws -> Tensor {
        let outShape = try Shape.broadcast(shape, o.shape, op: "logical_and")
        return Elementwise.binary(try bool(), try o.bool(), outShape: outShape, outDType: .bool) { (x: Bool, y: Bool) in x && y }
    }
    /// Elementwise logical or.
    public func logicalOr(_ o: Tensor) throws -> Tensor {
        let outShape = try Shape.broadcast(shape, o.shape, op: "logical_or")
        return Elementwise.binary(try bool(), try o.bool(), outShape: outShape, outDType: .bool) { (x: Bool, y: Bool) in x || y }
    }
    /// Elementwise logical not.
    public func logicalNot() throws -> Tensor {
        Elementwise.unary(try bool(), outDType: .bool) { (x: Bool) in !x }
    }

    /// Elements of `a` where `condition` is true, of `b` elsewhere (all broadcast).
    /// Differentiable in `a` and `b`.
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        guard condition.dtype == .bool else {
            throw TensorError("where", "condition must be a bool tensor, got \(condition.dtype) (compare with a value, e.g. x > 0)")
        }
        let abShape = try Shape.broadcast(a.shape, b.shape, op: "where")
        let outShape = try Shape.broadcast(condition.shape, abShape, op: "where")
        // PyTorch's result type of the two values (two bool operands give bool).
        let dt = Tensor.resultType(a, b)
        let x = try a.cast(dt).expand(outShape).contiguous().detach()
        let y = try b.cast(dt).expand(outShape).contiguous().detach()
        let c = try condition.expand(outShape).contiguous()
        let out: Tensor
        // A selection moves bytes: one loop per element size serves every dtype.
        switch dt.size {
        case 8: out = selectElements(c, x, y, UInt64.self)
        case 4: out = selectElements(c, x, y, UInt32.self)
        case 2: out = selectElements(c, x, y, UInt16.self)
        default: out = selectElements(c, x, y, UInt8.self)
        }
        if Autograd.needsGraph(a, b) {
            let ra = a.requiresGrad, rb = b.requiresGrad, sa = a.shape, sb = b.shape
            Autograd.record(out, "where", [a, b], saving: [condition]) { g in
                let zero = Tensor.scalar(0)
                return [ra ? try Autograd.reduceToShape(Tensor.where(c, g, zero), sa) : nil,
                        rb ? try Autograd.reduceToShape(Tensor.where(c, zero, g), sb) : nil]
            }
        }
        return out
    }

    /// `c ? x : y` elementwise for contiguous operands of one shape, as elements of `T`'s size.
    private static func selectElements<T>(_ c: Tensor, _ x: Tensor, _ y: Tensor, _: T.Type) -> Tensor {
        let out = Tensor(uninitialized: x.shape, dtype: x.dtype)
        let po = out.pointer(as: T.self), px = x.pointer(as: T.self), py = y.pointer(as: T.self), pc = c.boolPointer
        for i in 0..<out.count { po[i] = pc[i] ? px[i] : py[i] }
        return out
    }

    /// A copy with `value` wherever `mask` (broadcast to this shape) is true.
    public func maskedFill(_ mask: Tensor, _ value: Double) throws -> Tensor {
        guard mask.dtype == .bool else {
            throw TensorError("masked_fill", "mask must be a bool tensor, got \(mask.dtype)")
        }
        let outShape = try Shape.broadcast(shape, mask.shape, op: "masked_fill")
        guard outShape == shape else {
            throw TensorError("masked_fill", "mask of shape \(shapeString(mask.shape)) cannot be broadcast to the tensor's shape \(shapeString(shape))")
        }
        return try Tensor.where(mask, Tensor.scalar(value, dtype: dtype), self)
    }
}

/// `maximum` / `minimum`: PyTorch's elementwise extremes of two tensors (broadcast,
/// promoted), with its NaN and tie rules.
extension Tensor {
    /// Elementwise maximum; a NaN in either operand gives NaN.
    public func maximum(_ other: Tensor) throws -> Tensor { try extremum(other, op: "maximum", greater: true) }
    /// Elementwise minimum; a NaN in either operand gives NaN.
    public func minimum(_ other: Tensor) throws -> Tensor { try extremum(other, op: "minimum", greater: false) }

    /// The larger (`greater`) or smaller of `x` and `y`, NaN if either is NaN.
    @inline(__always)
    static func pick<T: BinaryFloatingPoint>(_ x: T, _ y: T, greater: Bool) -> T {
        if x.isNaN { return x }
        if y.isNaN { return y }
        return greater ? (x > y ? x : y) : (x < y ? x : y)
    }

    /// The share of the gradient that goes to `x` (the first operand) where the result is
    /// pick(x, y): PyTorch 2.15's rule, g/2 at a tie, 0 where the other operand wins,
    /// else g (so with a NaN on either side both operands get the whole gradient).
    @inline(__always)
    static func share<T: BinaryFloatingPoint>(_ x: T, _ y: T, greater: Bool) -> T {
        if x == y { return 0.5 }
        return (greater ? x < y : x > y) ? 0 : 1
    }

    private func extremum(_ other: Tensor, op: String, greater: Bool) throws -> Tensor {
        let outShape = try Shape.broadcast(shape, other.shape, op: op)
        // Two bool operands stay bool (or / and), as in PyTorch.
        let dt = dtype == other.dtype ? dtype : DType.promote(dtype, other.dtype)
        let a = try to(dt), b = try other.to(dt)
        let out: Tensor
        if dt == .float32 {
            out = Elementwise.binary(a, b, outShape: outShape, outDType: .float32) { (x: Float, y: Float) in Tensor.pick(x, y, greater: greater) }
        } else if dt == .float64 {
            out = Elementwise.binary(a, b, outShape: outShape, outDType: .float64) { (x: Double, y: Double) in Tensor.pick(x, y, greater: greater) }
        } else if dt == .int64 {
            out = Elementwise.binary(a, b, outShape: outShape, outDType: .int64) { (x: Int64, y: Int64) in greater ? Swift.max(x, y) : Swift.min(x, y) }
        } else if dt == .bool {
            out = Elementwise.binary(a, b, outShape: outShape, outDType: .bool) { (x: Bool, y: Bool) in greater ? (x || y) : (x && y) }
        } else {
            throw TensorError(op, "not supported for dtype \(dt)")
        }
        if (dt == .float32 || dt == .float64) && Autograd.needsGraph(a, b) {
            let ra = a.requiresGrad, rb = b.requiresGrad, sa = a.shape, sb = b.shape
            let xa = a.detach(), xb = b.detach()
            Autograd.record(out, op, [a, b]) { g in
                // The shares are computed in the operands' dtype, so float64 gradients stay float64.
                let wa = dt == .float64
                    ? Elementwise.binary(xa, xb, outShape: outShape, outDType: .float64) { (x: Double, y: Double) in Tensor.share(x, y, greater: greater) }
                    : Elementwise.binary(xa, xb, outShape: outShape, outDType: .float32) { (x: Float, y: Float) in Tensor.share(x, y, greater: greater) }
                let wb = dt == .float64
                    ? Elementwise.binary(xb, xa, outShape: outShape, outDType: .float64) { (y: Double, x: Double) in Tensor.share(y, x, greater: greater) }
                    : Elementwise.binary(xb, xa, outShape: outShape, outDType: .float32) { (y: Float, x: Float) in Tensor.share(y, x, greater: greater) }
                return [ra ? try Autograd.reduceToShape(g.mul(wa), sa) : nil,
                        rb ? try Autograd.reduceToShape(g.mul(wb), sb) : nil]
            }
        }
        return out
    }
}
