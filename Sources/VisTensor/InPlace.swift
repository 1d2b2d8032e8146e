/// In-place writes: assigning into a view, filling, and the accumulating updates that
/// gradient accumulation and optimizers use. They bypass autograd, so they refuse to
/// modify tensors the graph depends on (PyTorch refuses the same).
extension Tensor {
    /// Throws unless this tensor may be modified in place under the current grad mode.
    func checkInPlace(_ op: String) throws {
        guard GradMode.isEnabled else { return }
        if requiresGrad && gradFn == nil {
            throw TensorError(op, "a leaf tensor that requires grad cannot be modified in place; wrap the update in no_grad")
        }
        if gradFn != nil {
            throw TensorError(op, "this tensor was computed by '\(gradFn?.name ?? "an op")' and is part of the autograd graph; modifying it in place would corrupt the gradients (use an out-of-place op, or .detach() it first)")
        }
    }

    /// Copies `source` (broadcast to this shape, converted to this dtype) into this
    /// view's elements, writing through its strides.
    public func assign(_ source: Tensor) throws {
        try checkInPlace("assign")
        let src0 = try source.to(dtype)
        let src = src0.shape == shape ? src0 : try src0.detach().expand(shape)
        let n = count
        if n == 0 { return }
        let esize = dtype.size
        if isContiguous && src.isContiguous {
            (storage.data + offset * esize).copyMemory(from: src.storage.data + src.offset * esize, byteCount: n * esize)
            return
        }
        let flat = src.copyData()
        // Row by row through this view's strides: no per-element offset scratch.
        var st = [strides]
        let rowsShape = Elementwise.coalesce(shape, &st)
        let sx = st[0]
        let inner = rowsShape[rowsShape.count - 1], step = sx[rowsShape.count - 1]
        func copy<T>(_ d: UnsafeMutablePointer<T>, _ s: UnsafeMutablePointer<T>) {
            Elementwise.walkRows(rowsShape, sx, from: 0, to: n / inner) { r, off in
                let dr = d + off, sr = s + r * inner
                for i in 0..<inner { dr[i * step] = sr[i] }
            }
        }
        // A copy moves bytes: one loop per element size serves every dtype.
        switch dtype.size {
        case 8: copy(pointer(as: UInt64.self), flat.pointer(as: UInt64.self))
        case 4: copy(pointer(as: UInt32.self), flat.pointer(as: UInt32.self))
        case 2: copy(pointer(as: UInt16.self), flat.pointer(as: UInt16.self))
        default: copy(pointer(as: UInt8.self), flat.pointer(as: UInt8.self))
        }
    }

    /// Sets every element to `value` (PyTorch's `fill_`).
    public func fill(_ value: Double) throws {
        try checkInPlace("fill_")
        try assign(Tensor.scalar(value, dtype: dtype))
    }

    /// Sets every element to zero (PyTorch's `zero_`).
    public func zero() throws { try fill(0) }

    /// `self += other` in place (other broadcast to this shape). Used for gradient
    /// accumulation and by optimizers.
    public func addInPlace(_ other: Tensor, alpha: Float = 1) throws {
        guard (dtype == .float32 || dtype == .float64) && (other.dtype == .float32 || other.dtype == .float64) else {
            throw TensorError("add_", "in-place add needs float32 or float64 tensors, got \(dtype) and \(other.dtype)")
        }
        try checkInPlace("add_")
        if dtype == .float64 && other.dtype == .float64 && isContiguous && other.isContiguous && other.shape == shape {
            let d = doublePointer, s = other.doublePointer, a = Double(alpha)
            Parallel.forRange(count) { lo, hi in for i in lo..<hi { d[i] += a * s[i] } }
            return
        }
        if dtype == .float32 && other.dtype == .float32 && isContiguous && other.isContiguous && other.shape == shape {
            let d = floatPointer, s = other.floatPointer
            Parallel.forRange(count) { a, b in for i in a..<b { d[i] += alpha * s[i] } }
            return
        }
        let sum = try detach().add(other.detach().mul(Double(alpha)))
        guard sum.shape == shape else {
            throw TensorError("add_", "cannot add a tensor of shape \(shapeString(other.shape)) in place into shape \(shapeString(shape))")
        }
        try assign(sum)
    }

    /// `self *= value` in place.
    public func mulInPlace(_ value: Float) throws {
        guard dtype == .float32 else { throw TensorError("mul_", "in-place multiply needs a float32 tensor, got \(dtype)") }
        try checkInPlace("mul_")
        Elementwise.updateInPlace(self, kernel: ScaleF(factor: value))
    }
}
