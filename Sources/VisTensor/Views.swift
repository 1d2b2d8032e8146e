/// Ops that change how a tensor's elements are viewed without copying them
/// (reshape of contiguous data, permute, transpose, expand, squeeze, narrow, select),
/// plus `repeat`, which copies. Backward rules view the gradient the inverse way.
extension Tensor {
    /// Resolves a requested shape with at most one -1 against this tensor's element count.
    func inferShape(_ requested: [Int], op: String) throws -> [Int] {
        var shape = requested
        let unknown = requested.indices.filter { requested[$0] == -1 }
        guard unknown.count <= 1 else { throw TensorError(op, "only one dimension can be -1, got \(shapeString(requested))") }
        if let bad = requested.first(where: { $0 < -1 }) {
            throw TensorError(op, "invalid dimension \(bad) in shape \(shapeString(requested))")
        }
        // Overflow-checked: a product that wraps could even equal the element count.
        var known = 1
        for d in requested where d != -1 {
            let (m, overflow) = known.multipliedReportingOverflow(by: d)
            guard !overflow else {
                throw TensorError(op, "shape \(shapeString(requested)) is invalid for input of size \(count) (shape \(shapeString(self.shape)))")
            }
            known = m
        }
        if let u = unknown.first {
            guard known != 0, count % known == 0 else {
                throw TensorError(op, "shape \(shapeString(requested)) is invalid for input of size \(count) (shape \(shapeString(self.shape)))")
            }
            shape[u] = count / known
        }
        guard Shape.numel(shape) == count else {
            throw TensorError(op, "shape \(shapeString(requested)) is invalid for input of size \(count) (shape \(shapeString(self.shape)))")
        }
        return shape
    }

    /// The same elements with a new shape (one size may be -1). A view when the data
    /// is contiguous, a copy otherwise.
    public func reshape(_ newShape: [Int]) throws -> Tensor { try reshape(newShape, op: "reshape") }

    /// `reshape`, with errors naming `op` (`view` reports its own name).
    private func reshape(_ newShape: [Int], op: String) throws -> Tensor {
        let target = try inferShape(newShape, op: op)
        if target == shape { return self }
        let src = contiguous()
        let out = src.view(shape: target, strides: Shape.contiguousStrides(target), offset: src.offset)
        if Autograd.needsGraph(src) {
            let inShape = shape
            Autograd.record(out, "reshape", [src]) { g in [try g.reshape(inShape)] }
        }
        return out
    }

    /// Like `reshape`, but only for tensors whose memory is contiguous (PyTorch's `view`).
    public func view(_ newShape: [Int]) throws -> Tensor {
        guard isContiguous else {
            throw TensorError("view", "the tensor of shape \(shapeString(shape)) is not contiguous (it was transposed, permuted or sliced); use .reshape(...) or .contiguous().view(...)")
        }
        return try reshape(newShape, op: "view")
    }

    /// Merges dimensions `start...end` into one.
    public func flatten(_ start: Int = 0, _ end: Int = -1) throws -> Tensor {
        if ndim == 0 { return try reshape([1]) }
        let s = try Shape.normalizeDim(start, ndim, op: "flatten"), e = try Shape.normalizeDim(end, ndim, op: "flatten")
        guard s <= e else { throw TensorError("flatten", "start dimension \(start) comes after end dimension \(end)") }
        // Checked: an empty tensor's other sizes may not multiply ([0, 2**40, 2**40]).
        var merged = 1
        for d in shape[s...e] {
            let (m, overflow) = merged.multipliedReportingOverflow(by: d)
            guard !overflow else {
                throw TensorError("flatten", "dimensions \(s)...\(e) of shape \(shapeString(shape)) multiply past \(Int.max)")
            }
            merged = m
        }
        return try reshape(Array(shape[..<s]) + [merged] + Array(shape[(e + 1)...]))
    }

    /// Reorders dimensions: output dimension i is input dimension `dims[i]`.
    public func permute(_ dims: [Int]) throws -> Tensor {
        guard dims.count == ndim else {
            throw TensorError("permute", "got \(dims.count) dimensions \(shapeString(dims)) for a tensor with \(ndim) dimensions (shape \(shapeString(shape)))")
        }
        let d = try dims.map { try Shape.normalizeDim($0, ndim, op: "permute") }
        guard Set(d).count == d.count else { throw TensorError("permute", "repeated dimension in \(shapeString(dims))") }
        let out = view(shape: d.map { shape[$0] }, strides: d.map { strides[$0] }, offset: offset)
        if Autograd.needsGraph(self) {
            var inverse = [Int](repeating: 0, count: d.count)
            for (i, k) in d.enumerated() { inverse[k] = i }
            Autograd.record(out, "permute", [self]) { g in [try g.permute(inverse)] }
        }
        return out
    }

    /// Swaps two dimensions.
    public func transpose(_ d0: Int, _ d1: Int) throws -> Tensor {
        if ndim < 2 && d0 == 0 && d1 == 0 { return self }
        let a = try Shape.normalizeDim(d0, ndim, op: "transpose"), b = try Shape.normalizeDim(d1, ndim, op: "transpose")
        var dims = Array(0..<ndim)
        dims.swapAt(a, b)
        return try permute(dims)
    }

    /// Transpose of a matrix (a 0-D or 1-D tensor is returned as is).
    public func t() throws -> Tensor {
        guard ndim <= 2 else { throw TensorError("t", "expects a tensor with at most 2 dimensions, got shape \(shapeString(shape)); use transpose(d0, d1) or permute") }
        return ndim < 2 ? self : try transpose(0, 1)
    }

    /// Broadcasts size-1 dimensions to `newShape` without copying (-1 keeps a size).
    public func expand(_ newShape: [Int]) throws -> Tensor {
        guard newShape.count >= ndim else {
            throw TensorError("expand", "the target shape \(shapeString(newShape)) has fewer dimensions than the tensor's \(shapeString(shape))")
        }
        let lead = newShape.count - ndim
        var target = newShape
        var newStrides = [Int](repeating: 0, count: newShape.count)
        for i in 0..<newShape.count {
            if i < lead {
                guard newShape[i] >= 0 else { throw TensorError("expand", "-1 is not allowed for a new leading dimension in \(shapeString(newShape))") }
                continue
            }
            let have = shape[i - lead]
            if newShape[i] == -1 { target[i] = have }
            if target[i] == have {
                newStrides[i] = strides[i - lead]
            } else if have == 1 {
                newStrides[i] = 0
            } else {
                throw TensorError("expand", "cannot expand shape \(shapeString(shape)) to \(shapeString(newShape)): dimension \(i) has size \(have), which is not 1")
            }
        }
        try Shape.validate(target, op: "expand")
        if target == shape { return self }
        let out = view(shape: target, strides: newStrides, offset: offset)
        if Autograd.needsGraph(self) {
            let inShape = shape
            Autograd.record(out, "expand", [self]) { g in [try Autograd.reduceToShape(g, inShape)] }
        }
        return out
    }

    /// Removes size-1 dimensions (all, or only `dim`).
    public func squeeze(_ dim: Int? = nil) throws -> Tensor {
        if let dim {
            if ndim == 0 { return self }
            let d = try Shape.normalizeDim(dim, ndim, op: "squeeze")
            if shape[d] != 1 { return self }
            var s = shape; s.remove(at: d)
            return try reshapeView(s)
        }
        return try reshapeView(shape.filter { $0 != 1 })
    }

    /// Inserts a size-1 dimension at `dim` (which may be `ndim`).
    public func unsqueeze(_ dim: Int) throws -> Tensor {
        guard dim >= -(ndim + 1) && dim <= ndim else {
            // Not normalizeDim's message: that would count the dimension being inserted.
            throw TensorError("unsqueeze", "dimension \(dim) is out of range for inserting into a tensor with \(ndim) dimension\(ndim == 1 ? "" : "s") (expected \(-(ndim + 1))...\(ndim))")
        }
        let d = dim < 0 ? dim + ndim + 1 : dim
        var s = shape
        s.insert(1, at: d)
        return try reshapeView(s)
    }

    /// Adds or removes size-1 dimensions as a view, whatever the strides.
    private func reshapeView(_ newShape: [Int]) throws -> Tensor {
        if newShape == shape { return self }
        // Keep the strides of the non-1 dimensions in order; size-1 dims get any stride.
        var kept = zip(shape, strides).filter { $0.0 != 1 }.map { $0.1 }.makeIterator()
        let newStrides = newShape.map { $0 == 1 ? 1 : (kept.next() ?? 1) }
        let out = view(shape: newShape, strides: newStrides, offset: offset)
        if Autograd.needsGraph(self) {
            let inShape = shape
            Autograd.record(out, "reshape", [self]) { g in [try g.reshape(inShape)] }
        }
        return out
    }

    /// Elements `start..<start+length` along `dim` (a view).
    /// Unlike a slice, the range is not clamped: it must lie inside the dimension (as in
    /// PyTorch), so a view never silently has fewer than `length` elements.
    /// A negative `start` counts from the end.
    public func narrow(_ dim: Int, _ start: Int, _ length: Int) throws -> Tensor {
        guard ndim > 0 else { throw TensorError("narrow", "cannot be applied to a 0-d tensor") }
        let d = try Shape.normalizeDim(dim, ndim, op: "narrow")
        let n = shape[d]
        guard start >= -n && start <= n else {
            throw TensorError("narrow", "start \(start) is out of range for dimension \(dim) of size \(n)")
        }
        guard length >= 0 else { throw TensorError("narrow", "length must be non-negative, got \(length)") }
        let s = start < 0 ? start + n : start
        guard length <= n - s else {
            throw TensorError("narrow", "start \(start) + length \(length) exceeds the size \(n) of dimension \(dim)")
        }
        return try slice(d, start: s, end: s + length, step: 1)
    }

    /// Every `step`-th element of `start..<end` along `dim`, a view. Bounds are clamped
    /// as Python slices are; `step` must be positive.
    public func slice(_ dim: Int, start: Int, end: Int, step: Int = 1) throws -> Tensor {
        // normalizeDim accepts dim 0 of a 0-d tensor, which has no shape[0] to slice.
        guard ndim > 0 else { throw TensorError("slice", "cannot be applied to a 0-d tensor") }
        let d = try Shape.normalizeDim(dim, ndim, op: "slice")
        guard step > 0 else { throw TensorError("slice", "slice step must be positive, got \(step)") }
        let n = shape[d]
        let s = Swift.min(Swift.max(start < 0 ? start + n : start, 0), n)
        let e = Swift.min(Swift.max(end < 0 ? end + n : end, s), n)
        let length = e == s ? 0 : (e - s - 1) / step + 1  // ceil((e - s) / step), overflow-free
        var newShape = shape, newStrides = strides
        newShape[d] = length
        // With one element the step is irrelevant, and a huge step would overflow here;
        // with two or more, step < n and the product stays inside the storage.
        // Wrapping: exact for a view with elements (it addresses storage that exists); an
        // empty tensor's strides may have wrapped already (zeros(0, 2**40, 2**40)), and an
        // empty view never reads them.
        newStrides[d] = length <= 1 ? strides[d] : strides[d] &* step
        let out = view(shape: newShape, strides: newStrides, offset: offset &+ s &* strides[d])
        if Autograd.needsGraph(self) {
            let inShape = shape
            Autograd.record(out, "slice", [self]) { g in
                let z = Tensor.full(inShape, 0, dtype: g.dtype)
                try z.slice(d, start: s, end: e, step: step).assign(g)
                return [z]
            }
        }
        return out
    }

    /// The sub-tensor at `index` along `dim`, with that dimension removed (a view).
    public func select(_ dim: Int, _ index: Int) throws -> Tensor {
        guard ndim > 0 else { throw TensorError("select", "cannot be applied to a 0-d tensor") }
        let d = try Shape.normalizeDim(dim, ndim, op: "select")
        let n = shape[d]
        guard index >= -n && index < n else {
            throw TensorError("index", "index \(index) is out of range for dimension \(d) with size \(n)")
        }
        let i = index < 0 ? index + n : index
        var newShape = shape, newStrides = strides
        newShape.remove(at: d)
        newStrides.remove(at: d)
        // Wrapping, as in `slice`: an empty tensor's strides may have wrapped.
        let out = view(shape: newShape, strides: newStrides, offset: offset &+ i &* strides[d])
        if Autograd.needsGraph(self) {
            let inShape = shape
            Autograd.record(out, "select", [self]) { g in
                let z = Tensor.full(inShape, 0, dtype: g.dtype)
                try z.select(d, i).assign(g)
                return [z]
            }
        }
        return out
    }

    /// Tiles the tensor: dimension i is repeated `counts[i]` times (a copy).
    public func `repeat`(_ counts: [Int]) throws -> Tensor {
        guard counts.count >= ndim else {
            throw TensorError("repeat", "number of repeat counts (\(counts.count)) must be at least the number of dimensions (\(ndim))")
        }
        guard counts.allSatisfy({ $0 >= 0 }) else { throw TensorError("repeat", "repeat counts must be non-negative, got \(shapeString(counts))") }
        let lead = counts.count - ndim
        let base = [Int](repeating: 1, count: lead) + shape
        // View as [1, s0, 1, s1, ...], expand to [r0, s0, r1, s1, ...], then copy.
        var interleaved: [Int] = [], expanded: [Int] = []
        for (r, s) in zip(counts, base) {
            interleaved += [1, s]
            expanded += [r, s]
        }
        var outShape: [Int] = []
        for (r, s) in zip(counts, base) {
            let (size, overflow) = r.multipliedReportingOverflow(by: s)
            guard !overflow else {
                throw TensorError("repeat", "repeating shape \(shapeString(shape)) by \(shapeString(counts)) is too large")
            }
            outShape.append(size)
        }
        try Shape.validate(outShape, op: "repeat")
        return try reshape(interleaved).expand(expanded).contiguous().reshape(outShape)
    }
}
