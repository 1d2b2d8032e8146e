/// Closeness of two tensors as PyTorch defines it (`torch.isclose`, `torch.allclose`,
/// `torch.equal`, `torch.testing.assert_close`): |a - b| <= atol + rtol * |b|, computed
/// in double precision so the test itself adds no rounding.
extension Tensor {
    /// The elements of `self` and `other`, broadcast to one shape, as Doubles.
    private func broadcastPair(_ other: Tensor, op: String) throws -> (shape: [Int], a: [Double], b: [Double]) {
        let outShape = try Shape.broadcast(shape, other.shape, op: op)
        let a = try expand(outShape).toDoubleArray(), b = try other.expand(outShape).toDoubleArray()
        return (outShape, a, b)
    }

    /// Whether `a` is close to `b`: |a - b| <= atol + rtol * |b|; infinities are close
    /// only to the same infinity, NaN only to NaN when `equalNaN`.
    @inline(__always)
    static func isClose(_ a: Double, _ b: Double, rtol: Double, atol: Double, equalNaN: Bool) -> Bool {
        if a == b { return true }
        if a.isNaN || b.isNaN { return equalNaN && a.isNaN && b.isNaN }
        if !a.isFinite || !b.isFinite { return false }
        return Swift.abs(a - b) <= atol + rtol * Swift.abs(b)
    }

    /// Elementwise closeness (`torch.isclose`), a bool tensor of the broadcast shape.
    public func isClose(_ other: Tensor, rtol: Double = 1e-5, atol: Double = 1e-8, equalNaN: Bool = false) throws -> Tensor {
        try Tensor.checkTolerances(rtol: rtol, atol: atol, op: "isclose")
        let (outShape, a, b) = try broadcastPair(other, op: "isclose")
        let flags = zip(a, b).map { Tensor.isClose($0, $1, rtol: rtol, atol: atol, equalNaN: equalNaN) ? 1.0 : 0.0 }
        return try Tensor(flags.map(Float.init), shape: outShape).to(.bool)
    }

    /// True when every element is close (`torch.allclose`).
    public func allClose(_ other: Tensor, rtol: Double = 1e-5, atol: Double = 1e-8, equalNaN: Bool = false) throws -> Bool {
        try Tensor.checkTolerances(rtol: rtol, atol: atol, op: "allclose")
        let (_, a, b) = try broadcastPair(other, op: "allclose")
        return zip(a, b).allSatisfy { Tensor.isClose($0, $1, rtol: rtol, atol: atol, equalNaN: equalNaN) }
    }

    /// True when both tensors have the same shape and the same elements (`torch.equal`).
    public func equal(_ other: Tensor) -> Bool {
        shape == other.shape && toDoubleArray() == other.toDoubleArray()
    }

    private static func checkTolerances(rtol: Double, atol: Double, op: String) throws {
        guard rtol >= 0, atol >= 0 else { throw TensorError(op, "rtol and atol must be non-negative, got rtol=\(rtol), atol=\(atol)") }
    }

    /// PyTorch's default tolerances of `assert_close` for a dtype: float32 (1.3e-6, 1e-5),
    /// float64 (1e-7, 1e-7), float16 (1e-3, 1e-5), bfloat16 (1.6e-2, 1e-5), exact for
    /// integers and bools.
    public static func defaultTolerances(_ dtype: DType) -> (rtol: Double, atol: Double) {
        switch dtype {
        case .float32: return (1.3e-6, 1e-5)
        case .float64: return (1e-7, 1e-7)
        case .float16: return (1e-3, 1e-5)
        case .bfloat16: return (1.6e-2, 1e-5)
        default: return (0, 0)
        }
    }

    /// Why `self` (actual) is not close to `expected`, in `torch.testing.assert_close`'s
    /// words, or nil when it is: shapes must match exactly, dtypes when `checkDType`.
    public func closenessFailure(to expected: Tensor, rtol: Double, atol: Double, equalNaN: Bool,
                                 checkDType: Bool) throws -> String? {
        if shape != expected.shape {
            return "The values for attribute 'shape' do not match: \(shapeString(shape)) != \(shapeString(expected.shape))."
        }
        if checkDType && dtype != expected.dtype {
            return "The values for attribute 'dtype' do not match: \(dtype) != \(expected.dtype)."
        }
        try Tensor.checkTolerances(rtol: rtol, atol: atol, op: "assert_close")
        let a = toDoubleArray(), b = expected.toDoubleArray()
        var mismatched = 0, worstAbs = 0.0, worstAbsAt = 0, worstRel = 0.0, worstRelAt = 0
        for i in a.indices where !Tensor.isClose(a[i], b[i], rtol: rtol, atol: atol, equalNaN: equalNaN) {
            mismatched += 1
            let d = Swift.abs(a[i] - b[i])
            let diff = d.isNaN ? Double.infinity : d
            if diff > worstAbs || mismatched == 1 { worstAbs = diff; worstAbsAt = i }
            let r = diff / Swift.abs(b[i])
            let rel = r.isNaN ? Double.infinity : r
            if rel > worstRel || mismatched == 1 { worstRel = rel; worstRelAt = i }
        }
        guard mismatched > 0 else { return nil }
        func at(_ flat: Int) -> String {
            var index: [Int] = [], rest = flat
            for size in shape.reversed() { index.append(rest % Swift.max(size, 1)); rest /= Swift.max(size, 1) }
            let parts = index.reversed().map(String.init)
            return "(" + parts.joined(separator: ", ") + (parts.count == 1 ? ",)" : ")")
        }
        let percent = (Double(mismatched) / Double(a.count) * 1000).rounded() / 10
        return """
            Tensor-likes are not close!

            Mismatched elements: \(mismatched) / \(a.count) (\(percent)%)
            Greatest absolute difference: \(worstAbs) at index \(at(worstAbsAt)) (up to \(atol) allowed)
            Greatest relative difference: \(worstRel) at index \(at(worstRelAt)) (up to \(rtol) allowed)
            """
    }
}
