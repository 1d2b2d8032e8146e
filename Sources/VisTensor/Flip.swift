/// Reversing and rotating: flip, fliplr, flipud, roll and rot90, with PyTorch's
/// semantics (each returns a copy, as PyTorch's do). flip reads the input through a
/// private view with negative strides and copies it; the view never leaves this file,
/// since BLAS and the fast paths expect non-negative strides.
extension Tensor {
    /// The elements in reverse order along each of `dims` (PyTorch's `flip`).
    public func flip(_ dims: [Int]) throws -> Tensor {
        let d = try dims.map { try Shape.normalizeDim($0, ndim, op: "flip") }
        if let twice = d.indices.first(where: { d[..<$0].contains(d[$0]) }) {
            throw TensorError("flip", "dim \(d[twice]) appears multiple times in the list of dims")
        }
        // Empty tensors (whose other sizes may be huge, [0, 2**62]) have nothing to reverse.
        if ndim == 0 || count == 0 { return clone() }
        var newStrides = strides, start = offset
        for k in d where shape[k] > 1 {
            start += (shape[k] - 1) * strides[k]
            newStrides[k] = -strides[k]
        }
        let out = view(shape: shape, strides: newStrides, offset: start).copyData()
        if Autograd.needsGraph(self) {
            Autograd.record(out, "flip", [self]) { g in [try g.flip(d)] }
        }
        return out
    }

    /// Flips the columns (dimension 1) of a tensor with at least 2 dimensions.
    public func fliplr() throws -> Tensor {
        guard ndim >= 2 else { throw TensorError("fliplr", "input must be at least 2-D, got shape \(shapeString(shape))") }
        return try flip([1])
    }

    /// Flips the rows (dimension 0) of a tensor with at least 1 dimension.
    public func flipud() throws -> Tensor {
        guard ndim >= 1 else { throw TensorError("flipud", "input must be at least 1-D, got a 0-d tensor") }
        return try flip([0])
    }

    /// Rolls the elements by `shifts[i]` along `dims[i]`: an element leaving one end comes
    /// back at the other. With no dims the flattened tensor rolls and keeps its shape
    /// (PyTorch's `roll`). Differentiable as a `cat` of two slices per dimension.
    public func roll(_ shifts: [Int], dims: [Int]) throws -> Tensor {
        if dims.isEmpty {
            guard shifts.count == 1 else {
                throw TensorError("roll", "with no dims, shifts must be one number, got \(shifts.count)")
            }
            return try flatten().roll(shifts, dims: [0]).reshape(shape)
        }
        guard shifts.count == dims.count else {
            throw TensorError("roll", "shifts and dimensions must align. shifts: \(shifts.count), dims: \(dims.count)")
        }
        var out = self
        for (shift, dim) in zip(shifts, dims) {
            guard ndim > 0 else { throw TensorError("roll", "dimension \(dim) is out of range for a 0-d tensor") }
            let d = try Shape.normalizeDim(dim, ndim, op: "roll")
            let n = shape[d]
            if n == 0 || out.count == 0 { continue }
            // Not (shift % n + n) % n: n may be near Int.max for an empty tensor.
            var s = shift % n
            if s < 0 { s += n }
            if s == 0 { continue }
            out = try Tensor.cat([out.narrow(d, n - s, s), out.narrow(d, 0, n - s)], dim: d)
        }
        return out === self ? clone() : out
    }

    /// Rotates by 90 degrees `k` times in the plane of `dims`, from the first toward the
    /// second dimension (PyTorch's `rot90`).
    public func rot90(_ k: Int = 1, dims: [Int] = [0, 1]) throws -> Tensor {
        guard dims.count == 2 else { throw TensorError("rot90", "expected total rotation dims == 2, but got dims = \(dims.count)") }
        guard ndim >= 2 else { throw TensorError("rot90", "expected total dims >= 2, but got total dims = \(ndim)") }
        let a = try Shape.normalizeDim(dims[0], ndim, op: "rot90"), b = try Shape.normalizeDim(dims[1], ndim, op: "rot90")
        guard a != b else { throw TensorError("rot90", "expected rotation dims to be different, but got dim0 = \(a) and dim1 = \(b)") }
        switch ((k % 4) + 4) % 4 {
        case 1: return try flip([b]).transpose(a, b)
        case 2: return try flip([a, b])
        case 3: return try flip([a]).transpose(a, b)
        default: return clone()
        }
    }
}
