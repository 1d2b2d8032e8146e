import VisTensor

extension Functional {
    /// How a loss combines its per-element values (PyTorch's `reduction=`).
    public enum Reduction: String, CaseIterable, Sendable {
        /// The per-element (or per-sample) losses, unreduced.
        case none
        /// Their mean. Class-index losses with `weight` divide by the total weight of
        /// the counted targets instead of their number (PyTorch's rule).
        case mean
        /// Their sum.
        case sum

        /// Parses `reduction="..."` as users write it; anything else is an error
        /// naming `op` and the valid choices.
        public static func parse(_ name: String, op: String) throws -> Reduction {
            guard let r = Reduction(rawValue: name) else {
                throw TensorError(op, "reduction must be 'none', 'mean' or 'sum', got '\(name)'")
            }
            return r
        }
    }

    /// Applies `reduction` to a tensor of per-element losses with differentiable ops
    /// (for the losses written as compositions).
    static func reduce(_ losses: Tensor, _ reduction: Reduction) throws -> Tensor {
        switch reduction {
        case .none: return losses
        case .mean: return try losses.mean()
        case .sum: return try losses.sum()
        }
    }

    /// Sums a gradient computed at a broadcast shape back to the `shape` of the operand
    /// that was broadcast (VisTensor's rule, for the fused kernels here).
    static func sumToShape(_ grad: Tensor, _ shape: [Int]) throws -> Tensor {
        if grad.shape == shape { return grad }
        let lead = grad.ndim - shape.count
        var dims = Array(0..<lead)
        for i in 0..<shape.count where shape[i] == 1 && grad.shape[lead + i] != 1 { dims.append(lead + i) }
        let summed = dims.isEmpty ? grad : try grad.sum(dims: dims, keepdim: true)
        return try summed.reshape(shape)
    }

    /// `t` as a contiguous float32 tensor of `shape` (broadcast, converted from int64
    /// or bool when needed) with no autograd history: what a fused kernel reads.
    static func dense(_ t: Tensor, _ shape: [Int]) throws -> Tensor {
        let f = try t.detach().to(.float32)
        let e = f.shape == shape ? f : try f.expand(shape)
        return e.contiguous()
    }

    /// Checks that a loss operand is floating point (float32, float64, float16 or
    /// bfloat16), for the losses that compute in each of them (see `pointwiseLoss`).
    static func requireFloating(_ op: String, _ t: Tensor, _ name: String, _ what: String) throws {
        guard t.dtype.isFloatingPoint else {
            throw TensorError(op, "\(name) must be a floating-point tensor of \(what), got \(t.dtype) (use .float())")
        }
    }

    /// Checks that a loss input holds floats (gradients need them).
    static func requireFloat(_ op: String, _ t: Tensor, _ name: String, _ what: String) throws {
        guard t.dtype == .float32 else {
            throw TensorError(op, "\(name) must be a float32 tensor of \(what), got \(t.dtype) (use .float())")
        }
    }
}
