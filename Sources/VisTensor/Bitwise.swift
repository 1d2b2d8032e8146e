/// Bitwise operators on integer and bool tensors (PyTorch's `&`, `|`, `^`, `~`, `<<`,
/// `>>`): bool tensors combine logically and stay bool (masks: `(x > 0) & (x < 1)`),
/// int64 tensors bitwise; a bool operand next to an int64 one counts as 0 / 1. Float
/// tensors have no bitwise operators, as in PyTorch.
extension Tensor {
    /// Checks that both operands are integer or bool tensors and gives the result's dtype.
    func bitwiseDType(_ op: String, _ other: Tensor) throws -> DType {
        guard !dtype.isFloatingPoint, !other.dtype.isFloatingPoint else {
            throw TensorError(op, "bitwise operators need bool or integer tensors, got \(dtype) and \(other.dtype)")
        }
        return Tensor.resultType(self, other)
    }

    /// `self op other` on bool (logical) or int64 (bitwise) tensors, broadcast.
    func bitwise(_ op: String, _ other: Tensor, _ b: @escaping (Bool, Bool) -> Bool, _ i: @escaping (Int64, Int64) -> Int64) throws -> Tensor {
        let dt = try bitwiseDType(op, other)
        let outShape = try Shape.broadcast(shape, other.shape, op: op)
        if dt == .bool { return Elementwise.binary(self, other, outShape: outShape, outDType: .bool, b) }
        // Integers compute in int64 and convert back to the promoted dtype (exact: the
        // low bits of a bitwise result depend only on the low bits of the operands).
        let out = Elementwise.binary(cast(.int64), other.cast(.int64), outShape: outShape, outDType: .int64, i)
        return out.dtype == dt ? out : out.cast(dt)
    }

    /// Elementwise `&`: logical and of bool tensors, bitwise and of int64 tensors.
    public func bitwiseAnd(_ o: Tensor) throws -> Tensor { try bitwise("bitwise_and", o, { $0 && $1 }, { $0 & $1 }) }
    /// Elementwise `|`: logical or of bool tensors, bitwise or of int64 tensors.
    public func bitwiseOr(_ o: Tensor) throws -> Tensor { try bitwise("bitwise_or", o, { $0 || $1 }, { $0 | $1 }) }
    /// Elementwise `^`: logical xor of bool tensors, bitwise xor of int64 tensors.
    public func bitwiseXor(_ o: Tensor) throws -> Tensor { try bitwise("bitwise_xor", o, { $0 != $1 }, { $0 ^ $1 }) }

    /// Elementwise `~`: logical not of a bool tensor, bitwise not of an int64 tensor.
    public func bitwiseNot() throws -> Tensor {
        switch dtype {
        case .bool: return Elementwise.unary(self, outDType: .bool) { (x: Bool) in !x }
        case .int64: return Elementwise.unary(self, outDType: .int64) { (x: Int64) in ~x }
        default:
            guard dtype.isInteger else { throw TensorError("bitwise_not", "bitwise operators need bool or integer tensors, got \(dtype)") }
            return Elementwise.unary(cast(.int64), outDType: .int64) { (x: Int64) in ~x }.cast(dtype)
        }
    }

    /// Elementwise `<<` (left) or `>>` (right, arithmetic) on int64 values (bools count
    /// as 0 / 1). Shifting by 64 or more gives 0 (or -1 for a negative value shifted
    /// right), as PyTorch does; a negative count is an error.
    public func shift(left: Bool, _ counts: Tensor) throws -> Tensor {
        let op = left ? "bitwise_left_shift" : "bitwise_right_shift"
        var dt = try bitwiseDType(op, counts)
        if dt == .bool { dt = .int64 }
        let outShape = try Shape.broadcast(shape, counts.shape, op: op)
        let c = try counts.to(.int64).contiguous()
        let pc = c.int64Pointer
        for k in 0..<c.count where pc[k] < 0 {
            throw TensorError(op, "negative shift count \(pc[k])")
        }
        // Computed in int64 and converted to the promoted dtype. (For narrow types
        // PyTorch shifts within the type's width; a shift past it differs here.)
        let out: Tensor
        if left {
            out = Elementwise.binary(cast(.int64), c, outShape: outShape, outDType: .int64) { (x: Int64, n: Int64) in n >= 64 ? 0 : x << n }
        } else {
            out = Elementwise.binary(cast(.int64), c, outShape: outShape, outDType: .int64) { (x: Int64, n: Int64) in n >= 64 ? (x < 0 ? -1 : 0) : x >> n }
        }
        return out.dtype == dt ? out : out.cast(dt)
    }
}
