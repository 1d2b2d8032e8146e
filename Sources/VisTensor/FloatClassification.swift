import Foundation

// isnan, isinf, isfinite, isposinf, isneginf (bool tensors) and nan_to_num. Integer
// and bool tensors hold no NaN or infinity: they answer all-false (all-true for
// isfinite) and nan_to_num returns them unchanged, as in PyTorch.

extension Tensor {
    /// A bool tensor of `test` on float elements, or `constant` everywhere for the
    /// integer dtypes, which cannot hold NaN or infinity.
    /// `test64` is the same test on float64 elements.
    private func classify(_ op: String, constant: Bool, _ test: @escaping (Float) -> Bool,
                          _ test64: @escaping (Double) -> Bool) throws -> Tensor {
        if dtype == .float32 { return Elementwise.unary(self, outDType: .bool, test) }
        if dtype == .float64 { return Elementwise.unary(self, outDType: .bool, test64) }
        // float16 / bfloat16 widen exactly to float32, NaN and infinities included.
        if dtype == .float16 || dtype == .bfloat16 { return Elementwise.unary(cast(.float32), outDType: .bool, test) }
        if dtype == .int64 || dtype == .bool { return Tensor.full(shape, constant ? 1 : 0, dtype: .bool) }
        throw TensorError(op, "not supported for dtype \(dtype)")
    }

    /// Elementwise test for NaN.
    public func isnan() throws -> Tensor { try classify("isnan", constant: false, { $0.isNaN }, { $0.isNaN }) }
    /// Elementwise test for ±infinity.
    public func isinf() throws -> Tensor { try classify("isinf", constant: false, { $0.isInfinite }, { $0.isInfinite }) }
    /// Elementwise test for a finite value (not NaN, not infinite).
    public func isfinite() throws -> Tensor { try classify("isfinite", constant: true, { $0.isFinite }, { $0.isFinite }) }
    /// Elementwise test for +infinity.
    public func isposinf() throws -> Tensor { try classify("isposinf", constant: false, { $0 == .infinity }, { $0 == .infinity }) }
    /// Elementwise test for -infinity.
    public func isneginf() throws -> Tensor { try classify("isneginf", constant: false, { $0 == -.infinity }, { $0 == -.infinity }) }

    /// NaN, +inf and -inf replaced by `nan`, `posinf` and `neginf`; the infinities
    /// default to the largest and lowest finite value of the dtype, as in PyTorch. The gradient
    /// passes where the input was finite and is zero at the replaced elements.
    public func nanToNum(nan: Double = 0, posinf: Double? = nil, neginf: Double? = nil) throws -> Tensor {
        if isHalf {
            // The default infinities are the half type's own largest finite values.
            let big = dtype == .float16 ? 65504.0 : 3.3895313892515355e38
            return try to(.float32).nanToNum(nan: nan, posinf: posinf ?? big, neginf: neginf ?? -big).to(dtype)
        }
        if dtype == .int64 || dtype == .bool { return copyData() }
        if dtype == .float64 { return nanToNumDouble(nan: nan, posinf: posinf, neginf: neginf) }
        guard dtype == .float32 else { throw TensorError("nan_to_num", "not supported for dtype \(dtype)") }
        let n = Float(nan), p = posinf.map(Float.init) ?? Float.greatestFiniteMagnitude
        let m = neginf.map(Float.init) ?? -Float.greatestFiniteMagnitude
        let out = Elementwise.unary(self, outDType: .float32) { (x: Float) -> Float in
            x.isNaN ? n : (x == .infinity ? p : (x == -.infinity ? m : x))
        }
        if Autograd.needsGraph(self) {
            let x = detach()
            Autograd.record(out, "nan_to_num", [self]) { g in
                [Elementwise.binary(g, x, outShape: g.shape, outDType: .float32) { (g: Float, x: Float) in x.isFinite ? g : 0 }]
            }
        }
        return out
    }

    /// nan_to_num in float64: the infinities default to the largest and lowest finite
    /// float64 (PyTorch's default is the dtype's own limit).
    private func nanToNumDouble(nan: Double, posinf: Double?, neginf: Double?) -> Tensor {
        let p = posinf ?? Double.greatestFiniteMagnitude, m = neginf ?? -Double.greatestFiniteMagnitude
        let out = Elementwise.unary(self, outDType: .float64) { (x: Double) -> Double in
            x.isNaN ? nan : (x == .infinity ? p : (x == -.infinity ? m : x))
        }
        if Autograd.needsGraph(self) {
            let x = detach()
            Autograd.record(out, "nan_to_num", [self]) { g in
                [Elementwise.binary(g.cast(.float64), x, outShape: g.shape, outDType: .float64) { (g: Double, x: Double) in x.isFinite ? g : 0 }]
            }
        }
        return out
    }
}
