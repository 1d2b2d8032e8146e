// all, any and count_nonzero over all elements, a dim or a list of dims. Elements are
// truth values as in PyTorch: non-zero and NaN are true. all/any give bool tensors,
// count_nonzero int64; none of them is differentiable.

extension Tensor {
    /// Reduces the truth values of `dims` (all when empty) with `f(row, length) -> value`.
    private func truthReduction(_ op: String, dims: [Int], keepdim: Bool, outDType: DType,
                                _ f: @escaping (UnsafePointer<Bool>, Int, Int64) -> Int64) throws -> Tensor {
        let d = try reductionDims(dims, op: op)
        let layout = try bool().reductionLayout(d)
        let out = Tensor(uninitialized: [layout.rowCount], dtype: outDType)
        let src = UnsafePointer(layout.rows.boolPointer), n = layout.rowLength, reps = Int64(layout.repeats)
        Tensor.forRowBlocks(layout.rowCount, rowLength: n) { r0, r1 in
            for r in r0..<r1 {
                let v = f(src + r * n, n, reps)
                if outDType == .bool { out.boolPointer[r] = v != 0 } else { out.int64Pointer[r] = v }
            }
        }
        try Tensor.checkInterrupt()
        return try layout.expandRows(out).reshape(keepdim ? layout.keepShape : layout.outShape)
    }

    /// True where every element of `dims` (all when empty) is true; true for no elements.
    public func all(dims: [Int] = [], keepdim: Bool = false) throws -> Tensor {
        try truthReduction("all", dims: dims, keepdim: keepdim, outDType: .bool) { p, n, _ in
            for i in 0..<n where !p[i] { return 0 }
            return 1
        }
    }

    /// True where any element of `dims` (all when empty) is true; false for no elements.
    public func any(dims: [Int] = [], keepdim: Bool = false) throws -> Tensor {
        try truthReduction("any", dims: dims, keepdim: keepdim, outDType: .bool) { p, n, _ in
            for i in 0..<n where p[i] { return 1 }
            return 0
        }
    }

    /// The number of non-zero (or NaN) elements over `dims` (all when empty), int64.
    public func countNonzero(dims: [Int] = []) throws -> Tensor {
        try truthReduction("count_nonzero", dims: dims, keepdim: false, outDType: .int64) { p, n, reps in
            var c: Int64 = 0
            for i in 0..<n where p[i] { c += 1 }
            return c &* reps
        }
    }
}
