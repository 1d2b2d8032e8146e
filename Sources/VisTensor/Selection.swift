/// Selecting elements by position or mask: nonzero / argwhere, masked_select,
/// index_select, index_add / index_copy / index_fill, take and take_along_dim, with
/// PyTorch's semantics, errors and gradients.
extension Tensor {
    /// The int64 coordinates of the non-zero elements (NaN counts as non-zero), one row
    /// per element in row-major order: shape [count, ndim] (PyTorch's `nonzero`).
    public func nonzero() throws -> Tensor {
        let coords = try nonzeroTuple(op: "nonzero")
        let nnz = coords.first?.count ?? 0
        if ndim == 0 {
            return Tensor.full([count == 1 && coords[0].count == 1 ? 1 : 0, 0], 0, dtype: .int64)
        }
        return try Tensor.stack(coords, dim: 1).reshape([nnz, ndim])
    }

    /// The coordinates of the non-zero elements as one int64 tensor per dimension
    /// (`nonzero(as_tuple=True)`; a 0-d tensor counts as 1-D).
    public func nonzeroTuple(op: String = "nonzero") throws -> [Tensor] {
        let mask = dtype == .bool ? detach() : try detach().ne(0)
        let coords = (ndim == 0 ? try mask.reshape([1]) : mask).nonzeroCoordinates()
        try Tensor.checkInterrupt()  // Ctrl-C stops the coordinates of a huge tensor
        return coords
    }

    /// The elements where the bool `mask` is true, as a 1-D tensor (input and mask
    /// broadcast together). Differentiable in the input.
    public func maskedSelect(_ mask: Tensor) throws -> Tensor {
        guard mask.dtype == .bool else {
            throw TensorError("masked_select", "expected a bool mask, got \(mask.dtype)")
        }
        let b = try Shape.broadcast(shape, mask.shape, op: "masked_select")
        let x = b == shape ? self : try expand(b)
        let m = b == mask.shape ? mask : try mask.detach().expand(b)
        if b.isEmpty { return try x.reshape([1]).index([.tensor(m.reshape([1]))]) }
        return try x.index([.tensor(m)])
    }

    /// The normalised 1-D index of index_select / index_add / index_copy / index_fill:
    /// int64, at most one dimension; negative values are errors unless `wrap`.
    private func selectionIndex(_ op: String, _ index: Tensor, size: Int, wrap: Bool) throws -> [Int] {
        guard index.dtype == .int64 else {
            throw TensorError(op, "index must be an int64 tensor, got \(index.dtype)")
        }
        guard index.ndim <= 1 else {
            throw TensorError(op, "index must be a vector (at most 1 dimension), got shape \(shapeString(index.shape))")
        }
        var seen = 0
        let out = try index.toInt64Array().map { v in
            if Interrupt.due(seen) { try Interrupt.check() }
            seen &+= 1
            let w = wrap && v < 0 ? v + Int64(size) : v
            guard w >= 0 && w < Int64(size) else {
                throw TensorError(op, "index \(v) is out of range for dimension of size \(size)")
            }
            return Int(w)
        }
        return out
    }

    /// This tensor as [pre, size, post] around dimension `d` (0-d as [1, 1, 1]).
    private func around(_ d: Int) -> (pre: Int, size: Int, post: Int) {
        if ndim == 0 { return (1, 1, 1) }
        let pre = shape[..<d].reduce(1, &*), post = shape[(d + 1)...].reduce(1, &*)
        return (pre, shape[d], post)
    }

    /// The slices along `dim` that `index` (int64, 1-D) names, in its order (PyTorch's
    /// `index_select`). Differentiable: the gradient adds into the selected slices.
    public func indexSelect(dim: Int, index: Tensor) throws -> Tensor {
        let op = "index_select"
        let d = try Shape.normalizeDim(dim, ndim, op: op)
        let (_, size, _) = around(d)
        let idx = try selectionIndex(op, index, size: size, wrap: false)
        if ndim == 0 {
            guard idx.count == 1 else { throw TensorError(op, "an index into a 0-d tensor must have one value, got \(idx.count)") }
            return clone()  // PyTorch keeps a 0-d input 0-d
        }
        var prefix = [TensorIndex](repeating: .all, count: d)
        prefix.append(.tensor(try Tensor(int64: idx.map(Int64.init), shape: [idx.count])))
        return try self.index(prefix)
    }

    /// Checks the shape of `source` for index_add / index_copy: this tensor's shape with
    /// dimension `d` of size `count`.
    private func checkIndexSource(_ op: String, _ d: Int, _ source: Tensor, count: Int) throws {
        guard source.dtype == dtype else {
            throw TensorError(op, "source has dtype \(source.dtype) but the tensor has dtype \(dtype); they must match")
        }
        var expected = ndim == 0 ? [] : shape
        if ndim > 0 { expected[d] = count }
        let srcShape = source.shape
        let ok = srcShape == expected || (ndim == 0 && source.count == 1 && source.ndim <= 1 && count == 1)
        guard ok else {
            throw TensorError(op, "source has shape \(shapeString(srcShape)) but must be \(shapeString(expected)): the tensor's shape with dimension \(d) the index's length (\(count))")
        }
    }

    /// The positions of every element of the slices `idx` along `d` in a contiguous
    /// tensor of this shape, in [pre, idx, post] order. Stops early when Ctrl-C is
    /// pending (the throwing caller then calls `checkInterrupt`).
    private func slicePositions(_ d: Int, _ idx: [Int]) -> [Int] {
        let (pre, size, post) = around(d)
        var out: [Int] = []
        out.reserveCapacity(pre * idx.count * post)
        for a in 0..<pre {
            for i in idx {
                let base = (a * size + i) * post
                for c in 0..<post { out.append(base + c) }
                if Interrupt.requested { return out }
            }
        }
        return out
    }

    /// A copy with `alpha * source` added into the slices along `dim` that `index`
    /// names (duplicates accumulate; PyTorch's `index_add`). Differentiable in self and
    /// source.
    public func indexAdd(dim: Int, index: Tensor, source: Tensor, alpha: Double = 1) throws -> Tensor {
        // float16 / bfloat16: computed in float32 and rounded back once (see `isHalf`).
        if isHalf && source.dtype == dtype {
            return try to(.float32).indexAdd(dim: dim, index: index, source: source.to(.float32), alpha: alpha).to(dtype)
        }
        let op = "index_add"
        let d = try Shape.normalizeDim(dim, ndim, op: op)
        let idx = try selectionIndex(op, index, size: around(d).size, wrap: false)
        try checkIndexSource(op, d, source, count: idx.count)
        let out = copyData(), src = source.detach().copyData()
        let pos = slicePositions(d, idx)
        /// One float kernel for float32 and float64 (alpha rounded to the dtype, as PyTorch does).
        func addFloat<T: VisFloat>(_ o: UnsafeMutablePointer<T>, _ s: UnsafeMutablePointer<T>) {
            let al = T(alpha)
            for (j, p) in pos.enumerated() { if Interrupt.due(j) { return }; o[p] += al * s[j] }
        }
        if dtype == .float32 {
            addFloat(out.floatPointer, src.floatPointer)
        } else if dtype == .float64 {
            addFloat(out.doublePointer, src.doublePointer)
        } else if dtype == .int64 {
            guard alpha.isFinite && Swift.abs(alpha) < 9.2e18 else { throw TensorError(op, "alpha \(alpha) does not fit int64") }
            let o = out.int64Pointer, s = src.int64Pointer, al = Int64(alpha)
            for (j, p) in pos.enumerated() { if Interrupt.due(j) { break }; o[p] = o[p] &+ al &* s[j] }
        } else if dtype == .bool {
            // PyTorch adds bools as a logical or (alpha 0 adds nothing).
            let o = out.boolPointer, s = src.boolPointer, on = alpha != 0
            for (j, p) in pos.enumerated() { if Interrupt.due(j) { break }; o[p] = o[p] || (on && s[j]) }
        } else {
            throw TensorError(op, "not supported for dtype \(dtype)")
        }
        withExtendedLifetime(src) {}
        try Tensor.checkInterrupt()  // Ctrl-C in the positions or the loop: the copy is half made
        if Autograd.needsGraph(self, source) {
            let ra = requiresGrad, rb = source.requiresGrad
            let idxT = try Tensor(int64: idx.map(Int64.init), shape: [idx.count])
            let srcShape = source.shape
            Autograd.record(out, op, [self, source]) { g in
                let gs = rb ? try g.indexSelect(dim: d, index: idxT).mul(alpha).reshape(srcShape) : nil
                return [ra ? g : nil, gs]
            }
        }
        return out
    }

    /// A copy with the slices along `dim` that `index` names replaced by those of
    /// `source` (with duplicate indices the last write wins; PyTorch's `index_copy`).
    /// Differentiable in self (zero gradient where overwritten) and source.
    public func indexCopy(dim: Int, index: Tensor, source: Tensor) throws -> Tensor {
        // float16 / bfloat16: computed in float32 and rounded back once (see `isHalf`).
        if isHalf && source.dtype == dtype { return try to(.float32).indexCopy(dim: dim, index: index, source: source.to(.float32)).to(dtype) }
        let op = "index_copy"
        let d = try Shape.normalizeDim(dim, ndim, op: op)
        let idx = try selectionIndex(op, index, size: around(d).size, wrap: false)
        try checkIndexSource(op, d, source, count: idx.count)
        let out = copyData(), src = source.detach().copyData()
        let pos = slicePositions(d, idx)
        func run<T>(_ o: UnsafeMutablePointer<T>, _ s: UnsafeMutablePointer<T>) {
            for (j, p) in pos.enumerated() { if Interrupt.due(j) { return }; o[p] = s[j] }
        }
        if dtype == .float32 { run(out.floatPointer, src.floatPointer) }
        else if dtype == .float64 { run(out.doublePointer, src.doublePointer) }
        else if dtype == .int64 { run(out.int64Pointer, src.int64Pointer) }
        else if dtype == .bool { run(out.boolPointer, src.boolPointer) }
        else { throw TensorError(op, "not supported for dtype \(dtype)") }
        withExtendedLifetime(src) {}
        try Tensor.checkInterrupt()  // Ctrl-C in the positions or the loop: the copy is half made
        if Autograd.needsGraph(self, source) {
            let ra = requiresGrad, rb = source.requiresGrad
            let idxT = try Tensor(int64: idx.map(Int64.init), shape: [idx.count])
            let srcShape = source.shape, inShape = shape
            Autograd.record(out, op, [self, source]) { g in
                var gself: Tensor? = nil
                if ra {
                    let z = g.copyData()
                    try z.zeroPositions(Tensor.full(inShape, 0).slicePositions(d, idx), op: op)
                    gself = z
                }
                // PyTorch's rule: every source slice gets the gradient at its target,
                // also one a later duplicate overwrote.
                let gsrc = rb ? try g.indexSelect(dim: d, index: idxT).reshape(srcShape) : nil
                return [gself, gsrc]
            }
        }
        return out
    }

    /// A copy with `value` written into the slices along `dim` that `index` names
    /// (negative indices count from the end; PyTorch's `index_fill`). Differentiable
    /// in self (zero gradient at the filled slices).
    public func indexFill(dim: Int, index: Tensor, value: Double) throws -> Tensor {
        // float16 / bfloat16: computed in float32 and rounded back once (see `isHalf`).
        if isHalf { return try to(.float32).indexFill(dim: dim, index: index, value: value).to(dtype) }
        let op = "index_fill"
        let d = try Shape.normalizeDim(dim, ndim, op: op)
        let idx = try selectionIndex(op, index, size: around(d).size, wrap: true)
        let out = copyData()
        let pos = slicePositions(d, idx)
        if dtype == .float32 {
            let o = out.floatPointer, v = Float(value)
            for (j, p) in pos.enumerated() { if Interrupt.due(j) { break }; o[p] = v }
        } else if dtype == .float64 {
            let o = out.doublePointer
            for (j, p) in pos.enumerated() { if Interrupt.due(j) { break }; o[p] = value }
        } else if dtype == .int64 {
            guard value.isFinite && Swift.abs(value) < 9.2e18 else { throw TensorError(op, "value \(value) does not fit int64") }
            let o = out.int64Pointer, v = Int64(value)
            for (j, p) in pos.enumerated() { if Interrupt.due(j) { break }; o[p] = v }
        } else if dtype == .bool {
            let o = out.boolPointer, v = value != 0
            for (j, p) in pos.enumerated() { if Interrupt.due(j) { break }; o[p] = v }
        } else {
            throw TensorError(op, "not supported for dtype \(dtype)")
        }
        try Tensor.checkInterrupt()  // Ctrl-C in the positions or the loop: the copy is half made
        if Autograd.needsGraph(self) {
            Autograd.record(out, op, [self]) { g in
                let z = g.copyData()
                try z.zeroPositions(pos, op: op)
                return [z]
            }
        }
        return out
    }

    /// Sets the elements at flat positions `pos` of this contiguous float gradient to
    /// zero (float32 or float64: a gradient has its input's dtype).
    func zeroPositions(_ pos: [Int], op: String) throws {
        if dtype == .float32 {
            let p = floatPointer
            for (j, q) in pos.enumerated() { if Interrupt.due(j) { break }; p[q] = 0 }
        } else if dtype == .float64 {
            let p = doublePointer
            for (j, q) in pos.enumerated() { if Interrupt.due(j) { break }; p[q] = 0 }
        } else {
            throw TensorError(op, "gradients of dtype \(dtype) are not supported")
        }
        try Tensor.checkInterrupt()
    }

    /// The elements at flat positions `index` (int64, any shape; negative values count
    /// from the end) of this tensor seen as 1-D: PyTorch's `take`. Differentiable.
    public func take(_ index: Tensor) throws -> Tensor {
        guard index.dtype == .int64 else { throw TensorError("take", "index must be an int64 tensor, got \(index.dtype)") }
        let n = count
        let flat = try wrapped(index, size: n) { v in
            TensorError("take", "index \(v) is out of range for a tensor of \(n) element\(n == 1 ? "" : "s")")
        }
        return try reshape([n]).index([.tensor(flat)])
    }

    /// `index` with negative values wrapped by `size`, range-checked.
    private func wrapped(_ index: Tensor, size: Int, _ error: (Int64) -> TensorError) throws -> Tensor {
        let c = index.detach().copyData()
        let p = c.int64Pointer, s = Int64(size)
        for i in 0..<c.count {
            if Interrupt.due(i) { try Interrupt.check() }
            let v = p[i]
            let w = v < 0 ? v + s : v
            guard w >= 0 && w < s else { throw error(v) }
            p[i] = w
        }
        return c
    }

    /// Values picked along `dim` by `indices` (PyTorch's `take_along_dim`): input and
    /// indices broadcast in every dimension but `dim`, negative indices count from the
    /// end; without a dim, both are flattened (and negative indices are errors, as in
    /// PyTorch). Differentiable.
    public func takeAlongDim(_ indices: Tensor, dim: Int?) throws -> Tensor {
        let op = "take_along_dim"
        guard indices.dtype == .int64 else { throw TensorError(op, "indices must be an int64 tensor, got \(indices.dtype)") }
        guard let dim else {
            // Without a dim PyTorch gathers from the flattened input as is: negative
            // indices are errors there (with a dim they count from the end).
            let n = count
            return try reshape([n]).gather(dim: 0, index: indices.reshape([indices.count]))
        }
        guard indices.ndim == ndim else {
            throw TensorError(op, "input and indices must have the same number of dimensions, got \(ndim) for input and \(indices.ndim) for indices")
        }
        let d = try Shape.normalizeDim(dim, ndim, op: op)
        if ndim == 0 {
            let w = try wrapped(indices, size: 1) { v in TensorError(op, "index \(v) is out of bounds for dimension 0 with size 1") }
            return try gather(dim: 0, index: w)
        }
        var a = shape, b = indices.shape
        a[d] = 1; b[d] = 1
        let common = try Shape.broadcast(a, b, op: op)
        var xs = common, ishape = common
        xs[d] = shape[d]; ishape[d] = indices.shape[d]
        let size = shape[d]
        let w = try wrapped(indices.expand(ishape), size: size) { v in
            TensorError(op, "index \(v) is out of bounds for dimension \(d) with size \(size)")
        }
        let x = xs == shape ? self : try expand(xs)
        return try x.gather(dim: d, index: w)
    }
}
