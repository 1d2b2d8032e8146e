// nansum and nanmean: sum and mean that treat NaN as missing. The gradient is the
// output gradient times "not NaN", as PyTorch's (so an infinite gradient, as nanmean's
// of an all-NaN row, becomes NaN there rather than 0).

extension Tensor {
    /// The sum over `dims` (all when empty) with NaN counted as 0. int64 / bool sum to int64.
    public func nansum(dims: [Int] = [], keepdim: Bool = false) throws -> Tensor {
        // float16 / bfloat16: computed in float32 and rounded back, as PyTorch's CPU kernels.
        if isHalf { return try to(.float32).nansum(dims: dims, keepdim: keepdim).to(dtype) }
        if dtype == .int64 || dtype == .bool { return try sum(dims: dims, keepdim: keepdim) }
        guard dtype == .float32 || dtype == .float64 else { throw TensorError("nansum", "not supported for dtype \(dtype)") }
        let d = try reductionDims(dims, op: "nansum")
        let out = try Tensor.where(isnan(), Tensor.full([], 0, dtype: dtype), detach()).sum(dims: d, keepdim: keepdim)
        if Autograd.needsGraph(self) {
            let present = try isnan().logicalNot().to(dtype), keep = keepShape(d)
            Autograd.record(out, "nansum", [self]) { g in [try g.reshape(keep).mul(present)] }
        }
        return out
    }

    /// The mean of the non-NaN elements over `dims` (all when empty); NaN where there are
    /// none. Float only, as in PyTorch.
    public func nanmean(dims: [Int] = [], keepdim: Bool = false) throws -> Tensor {
        // float16 / bfloat16: computed in float32 and rounded back, as PyTorch's CPU kernels.
        if isHalf { return try to(.float32).nanmean(dims: dims, keepdim: keepdim).to(dtype) }
        guard dtype == .float32 || dtype == .float64 else {
            throw TensorError("nanmean", "expected a floating point tensor, got \(dtype)")
        }
        let present = try isnan().logicalNot().sum(dims: dims, keepdim: keepdim)
        return try nansum(dims: dims, keepdim: keepdim).div(present)
    }
}
