/// In-place writes: assigning into a view, filling, the accumulating updates that
/// gradient accumulation and optimizers use, and PyTorch's in-place ops (`add_`,
/// `x[i] = v`, `x += y`) with its autograd rules. Every write counts one version of the
/// storage (`Storage.version`), so a backward that needs the old values refuses to run.
extension Tensor {
    /// Throws unless this tensor may be modified by a raw (unrecorded) write under the
    /// current grad mode: the internal writers (`assign`, `fill`, `addInPlace`) do not
    /// record the write, so they refuse tensors the graph depends on.
    func checkInPlace(_ op: String) throws {
        guard GradMode.isEnabled else { return }
        if requiresGrad && gradFn == nil {
            throw TensorError(op, "a leaf Variable that requires grad is being used in an in-place operation (wrap the update in no_grad)")
        }
        if gradFn != nil {
            throw TensorError(op, "this tensor was computed by '\(gradFn?.name ?? "an op")' and is part of the autograd graph; modifying it in place would corrupt the gradients (use an out-of-place op, or .detach() it first)")
        }
    }

    /// Copies `source` (broadcast to this shape, converted to this dtype) into this
    /// view's elements, writing through its strides. Not recorded by autograd.
    public func assign(_ source: Tensor) throws {
        try checkInPlace("assign")
        let src0 = try source.to(dtype)
        let src = src0.shape == shape ? src0 : try src0.detach().expand(shape)
        let n = count
        storage.bumpVersion()
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

    /// Sets every element to `value` (not recorded; the `fill_` builtin records).
    public func fill(_ value: Double) throws {
        try checkInPlace("fill_")
        try assign(Tensor.scalar(value, dtype: dtype))
    }

    /// Sets every element to zero (not recorded; the `zero_` builtin records).
    public func zero() throws { try fill(0) }

    /// `self += other` in place (other broadcast to this shape). Used for gradient
    /// accumulation and by optimizers.
    public func addInPlace(_ other: Tensor, alpha: Float = 1) throws {
        guard (dtype == .float32 || dtype == .float64) && (other.dtype == .float32 || other.dtype == .float64) else {
            throw TensorError("add_", "in-place add needs float32 or float64 tensors, got \(dtype) and \(other.dtype)")
        }
        try checkInPlace("add_")
        if dtype == .float64 && other.dtype == .float64 && isContiguous && other.isContiguous && other.shape == shape {
            storage.bumpVersion()
            let d = doublePointer, s = other.doublePointer, a = Double(alpha)
            Parallel.forRange(count) { lo, hi in for i in lo..<hi { d[i] += a * s[i] } }
            return
        }
        if dtype == .float32 && other.dtype == .float32 && isContiguous && other.isContiguous && other.shape == shape {
            storage.bumpVersion()
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
        storage.bumpVersion()
        Elementwise.updateInPlace(self, kernel: ScaleF(factor: value))
    }

    /// The number of in-place writes into this tensor's memory so far (PyTorch's
    /// `x._version`, shared by every view of the same memory).
    public var version: Int { storage.version }
}

// MARK: - PyTorch's in-place ops, recorded by autograd

extension Tensor {
    /// True when two elements of this view are one memory location (a dimension of
    /// size > 1 with stride 0, as `expand` makes): PyTorch refuses to write into those.
    var hasInternalOverlap: Bool {
        for (n, s) in zip(shape, strides) where n > 1 && s == 0 { return true }
        return false
    }

    /// PyTorch's checks before an in-place op: no writing into an expanded view, and,
    /// while gradients are recorded, none into a leaf that requires grad or a view of
    /// one (the leaf's gradient would no longer be the gradient of what it held).
    func checkInPlaceWrite(_ op: String) throws {
        if hasInternalOverlap {
            throw TensorError(op, "unsupported operation: more than one element of the written-to tensor (shape \(shapeString(shape)), strides \(strides)) refers to a single memory location; clone() the tensor before performing the operation")
        }
        guard GradMode.isEnabled else { return }
        // A view made a leaf of its own (requires_grad_() on a view of a plain tensor)
        // counts as a view of a leaf, as in PyTorch.
        let leaf = requiresGrad && gradFn == nil
        if let b = viewBase, leaf || b.requiresGrad && b.gradFn == nil {
            throw TensorError(op, "a view of a leaf Variable that requires grad is being used in an in-place operation (wrap the update in no_grad, or write into a clone)")
        }
        if leaf {
            throw TensorError(op, "a leaf Variable that requires grad is being used in an in-place operation (wrap the update in no_grad, or write into a clone)")
        }
    }

    /// PyTorch's rule for writing a result of dtype `from` into a tensor of dtype `to`:
    /// a floating-point result cannot go into an integer or bool tensor, nor a
    /// non-bool result into a bool tensor.
    static func canCast(from: DType, to: DType) -> Bool {
        if from.isFloatingPoint && !to.isFloatingPoint { return false }
        if to == .bool && from != .bool { return false }
        return true
    }

    /// This tensor's current value as an input to an op, with its autograd history:
    /// a non-view's own node, or for a view of a tracked base a fresh `as_strided` node
    /// from the base's current history (earlier writes may have changed it).
    func historyAlias() -> Tensor {
        let a = Tensor(storage: storage, shape: shape, strides: strides, offset: offset, dtype: dtype)
        if let b = viewBase {
            if b.requiresGrad { ViewHistory.recordView(a, of: b) }
        } else if requiresGrad {
            a.gradFn = gradFn
            a.requiresGrad = true
        }
        return a
    }

    /// Runs an in-place op as PyTorch does: `compute` gets this tensor's current value
    /// (with its autograd history; a copy when `savesSelf`, since the op's backward may
    /// read the old values after they are overwritten) and returns the new value, of this
    /// shape, out of place; the new value is written into this tensor's memory (one
    /// version) and becomes its autograd history. For a view of a tensor in the graph
    /// the base's history becomes PyTorch's CopySlices: the written region gets its
    /// gradient from the new value, the rest from the base's old history. `others` are
    /// the other tensor inputs (decide whether a graph is needed before computing).
    @discardableResult
    public func writeInPlace(_ op: String, others: [Tensor] = [], savesSelf: Bool = true,
                             _ compute: (Tensor) throws -> Tensor) throws -> Tensor {
        try checkInPlaceWrite(op)
        let recording = GradMode.isEnabled
        let tracked = recording && (viewBase?.requiresGrad ?? requiresGrad)
        let graph = tracked || (recording && others.contains { $0.requiresGrad })
        var result: Tensor
        if graph {
            let input = historyAlias()
            result = try compute(savesSelf ? input.clone() : input)
        } else {
            result = try compute(detach())
        }
        guard result.shape == shape else {
            throw TensorError(op, "output with shape \(shapeString(shape)) doesn't match the broadcast shape \(shapeString(result.shape))")
        }
        guard Tensor.canCast(from: result.dtype, to: dtype) else {
            throw TensorError(op, "result type \(result.dtype) can't be cast to the desired output type \(dtype)")
        }
        if result.storage.sharesMemory(with: storage) || (result.requiresGrad && result.gradFn == nil) {
            // The result aliases this memory (or is a leaf someone holds): copy it first.
            result = result.requiresGrad ? result.clone() : result.copyData()
        }
        try ViewHistory.rawCopy(into: self, from: result.to(dtype))
        storage.bumpVersion()
        guard tracked || result.requiresGrad else { return self }
        // The history of the new value. A node that saved the result saved what is now
        // this memory: re-point it so a later write here is caught as in PyTorch.
        var node: Node
        if result.requiresGrad, let n = result.gradFn {
            n.saved = n.saved.map { s in
                s.storage === result.storage
                    ? SavedVersion(storage: storage, version: storage.version, shape: s.shape, dtype: s.dtype, producer: s.producer)
                    : s
            }
            node = n
        } else {
            // The new value does not depend on anything that requires grad (fill_,
            // zero_): the old history gets no gradient.
            node = Node(name: op, edges: [], saved: [], backward: { _ in [] })
        }
        if let b = viewBase {
            ViewHistory.copySlices(view: self, base: b, valueNode: result.requiresGrad ? node : nil)
        } else {
            gradFn = node
            requiresGrad = true
        }
        return self
    }

    /// PyTorch's `detach_()`: this tensor leaves the autograd graph (its history is
    /// dropped and it no longer requires grad). A view of a tracked tensor cannot: its
    /// memory stays part of its base's history.
    public func detachInPlace() throws {
        if let b = viewBase, requiresGrad || b.requiresGrad {
            throw TensorError("detach_", "Can't detach views in-place. Use detach() instead (this tensor is a view of a tensor in the autograd graph)")
        }
        gradFn = nil
        requiresGrad = false
    }
}
