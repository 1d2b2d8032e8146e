/// One component of a subscript such as `x[0, 1:3, ..., None, idx]`, with NumPy and
/// PyTorch meaning.
public enum TensorIndex {
    /// One position of a dimension (negative counts from the end); removes the dimension.
    case int(Int)
    /// `start:stop:step` with Python's defaults and clamping; step must be positive.
    case slice(start: Int?, stop: Int?, step: Int?)
    /// `...`: as many full slices as the other components leave dimensions.
    case ellipsis
    /// `None`: inserts a dimension of size 1.
    case newAxis
    /// An int64 index tensor (advanced indexing, a copy) or a bool mask selecting the
    /// elements where it is true over the dimensions it covers.
    case tensor(Tensor)

    /// `:`, every element of a dimension.
    public static var all: TensorIndex { .slice(start: nil, stop: nil, step: nil) }
}

/// Reading and writing through subscripts: `index` is `x[...]` and `indexPut` is
/// `x[...] = value`. Ints, slices, `...` and new axes make views (no copy); index
/// tensors and masks gather a copy through `AdvancedIndexPlan`. PyTorch's rules: ints
/// are applied (as `select`) before index tensors are placed, index tensors broadcast
/// together, and the result's indexed dimensions go where the index tensors stood
/// when those are adjacent, or first when they are separated by a slice.
extension Tensor {
    /// The view after the basic components, plus the index tensors still to apply,
    /// each with the view dimension it indexes and its dimension in the user's tensor.
    struct ResolvedIndex {
        var view: Tensor
        var tensors: [Tensor] = []
        var viewDims: [Int] = []
        var sourceDims: [Int] = []
        /// True for mask coordinates, which are valid indices by construction.
        var inRange: [Bool] = []
    }

    /// Applies ints, slices, `...` and new axes to this tensor (recording the view ops
    /// in the graph when it requires grad) and turns masks into coordinate tensors.
    func resolveIndices(_ indices: [TensorIndex], op: String) throws -> ResolvedIndex {
        // int8 / int16 / int32 index tensors index as int64 does (PyTorch takes them too).
        let indices = indices.map { ix -> TensorIndex in
            if case .tensor(let t) = ix, t.dtype == .int32 || t.dtype == .int16 || t.dtype == .int8 { return .tensor(t.cast(.int64)) }
            return ix
        }
        let items = Array(indices.enumerated())
        var consumed = 0, ellipses = 0
        for (pos, ix) in items {
            switch ix {
            case .int, .slice: consumed += 1
            case .ellipsis: ellipses += 1
            case .newAxis: break
            case .tensor(let t):
                switch t.dtype {
                case .bool: consumed += t.ndim
                case .int64: consumed += 1
                default:
                    throw TensorError(op, "tensors used as indices must be int64 or bool, got \(t.dtype) at index position \(pos) (convert with .long())")
                }
            }
        }
        guard ellipses <= 1 else { throw TensorError(op, "an index can only have a single ellipsis (...)") }
        guard consumed <= ndim else {
            throw TensorError(op, "too many indices for a tensor of dimension \(ndim) (shape \(shapeString(shape))): the index covers \(consumed) dimensions")
        }

        var r = ResolvedIndex(view: self)
        var d = 0, src = 0  // the current dimension of the view and of the user's tensor
        for (pos, ix) in items {
            switch ix {
            case .int(let i):
                let n = r.view.shape[d]
                guard i >= -n && i < n else {
                    throw TensorError(op, "index \(i) is out of bounds for dimension \(src) with size \(n)")
                }
                r.view = try r.view.select(d, i)
                src += 1
            case .slice(let start, let stop, let step):
                let s = step ?? 1
                guard s > 0 else { throw TensorError(op, "step must be greater than zero (got \(s))") }
                let n = r.view.shape[d]
                let a = start ?? 0, b = stop ?? n
                let full = s == 1 && (a == 0 || a <= -n) && b >= n
                if !full { r.view = try r.view.slice(d, start: a, end: b, step: s) }
                d += 1; src += 1
            case .ellipsis:
                d += ndim - consumed; src += ndim - consumed
            case .newAxis:
                r.view = try r.view.unsqueeze(d)
                d += 1
            case .tensor(let t) where t.dtype == .bool && t.ndim == 0:
                // x[True]: a new axis of size 1, selected by a 1-element mask.
                r.view = try r.view.unsqueeze(d)
                for c in try t.reshape([1]).nonzeroCoordinates() {
                    r.tensors.append(c); r.viewDims.append(d); r.sourceDims.append(src); r.inRange.append(true)
                }
                d += 1
            case .tensor(let t) where t.dtype == .bool:
                let covered = Array(r.view.shape[d..<(d + t.ndim)])
                guard t.shape == covered else {
                    throw TensorError(op, "mask of shape \(shapeString(t.shape)) at index position \(pos) does not match the shape \(shapeString(covered)) of the dimensions it indexes (dimension \(src) on, indexed tensor shape \(shapeString(r.view.shape)))")
                }
                let coords = t.nonzeroCoordinates()
                try Tensor.checkInterrupt()  // Ctrl-C stops the coordinates of a huge mask
                for (k, c) in coords.enumerated() {
                    r.tensors.append(c); r.viewDims.append(d + k); r.sourceDims.append(src + k); r.inRange.append(true)
                }
                d += t.ndim; src += t.ndim
            case .tensor(let t):
                r.tensors.append(t); r.viewDims.append(d); r.sourceDims.append(src); r.inRange.append(false)
                d += 1; src += 1
            }
        }
        return r
    }

    /// Moves the dimensions that index tensors apply to next to each other: when they
    /// are separated, they go first (PyTorch/NumPy rule). Returns the view and the first
    /// indexed dimension.
    private func gatherIndexedDims(_ r: ResolvedIndex) throws -> (view: Tensor, first: Int) {
        let dims = r.viewDims
        guard let first = dims.first, let last = dims.last else { return (r.view, 0) }
        if last - first == dims.count - 1 { return (r.view, first) }
        let rest = (0..<r.view.ndim).filter { !dims.contains($0) }
        return (try r.view.permute(dims + rest), 0)
    }

    /// `x[indices]`: ints, slices, `...` and `.newAxis` give a view sharing storage;
    /// index tensors (int64, negative values count from the end) and bool masks give a
    /// copy. Differentiable: the backward of a copy adds the gradient into zeros at the
    /// indexed positions (duplicates accumulate).
    public func index(_ indices: [TensorIndex]) throws -> Tensor {
        let r = try resolveIndices(indices, op: "index")
        if r.tensors.isEmpty { return r.view }
        let (v, first) = try gatherIndexedDims(r)
        let plan = try AdvancedIndexPlan(viewShape: v.shape, first: first, indices: r.tensors, inRange: r.inRange,
                                         sourceDims: r.sourceDims, op: "index")
        let out = plan.read(v)
        try Tensor.checkInterrupt()  // Ctrl-C skipped chunks of the read: out is half made
        if Autograd.needsGraph(v) {
            Autograd.record(out, "index", [v]) { g in
                let z = Tensor.full(plan.viewShape, 0, dtype: g.dtype)  // the gradient's dtype (float64 too)
                try plan.write(z, g.contiguous(), accumulate: true, op: "index")
                return [z]
            }
        }
        return out
    }

    /// `value` shaped for writing into a region of `target` shape: leading size-1
    /// dimensions dropped (as PyTorch's setitem does), broadcast, converted to this
    /// tensor's dtype, and copied so it cannot alias the destination.
    private func fitValue(_ value: Tensor, to target: [Int], op: String) throws -> Tensor {
        var v = value.detach()
        while v.ndim > target.count, v.shape.first == 1 { v = try v.squeeze(0) }
        guard let b = try? Shape.broadcast(v.shape, target, op: op), b == target else {
            throw TensorError(op, "value of shape \(shapeString(value.shape)) cannot be broadcast to the indexed shape \(shapeString(target))")
        }
        return try v.to(dtype).expand(target).copyData()
    }

    /// `value` shaped for writing into a region of `target` shape as an autograd op:
    /// converted to this tensor's dtype, leading size-1 dimensions dropped, broadcast and
    /// copied (so it cannot alias the destination), each step recorded when `value`
    /// requires grad.
    private func fitTrackedValue(_ value: Tensor, to target: [Int], op: String) throws -> Tensor {
        var v = try value.to(dtype)
        while v.ndim > target.count, v.shape.first == 1 { v = try v.squeeze(0) }
        guard let b = try? Shape.broadcast(v.shape, target, op: op), b == target else {
            throw TensorError(op, "value of shape \(shapeString(value.shape)) cannot be broadcast to the indexed shape \(shapeString(target))")
        }
        return try v.expand(target).clone()
    }

    /// `x[indices] = value`, in place: `value` is broadcast to the indexed shape and
    /// converted to this tensor's dtype. With index tensors and duplicate positions the
    /// last write wins, or with `accumulate` every value is added (PyTorch's
    /// `index_put_(..., accumulate=True)`). PyTorch's in-place rules apply: a leaf that
    /// requires grad (or a view of one) cannot be written while gradients are recorded;
    /// writing into a tensor in the graph, or writing a value that requires grad, is
    /// recorded (CopySlices: the written elements get their gradient from the value, the
    /// others from the tensor's old history).
    public func indexPut(_ indices: [TensorIndex], _ value: Tensor, accumulate: Bool = false) throws {
        let op = "index_put_"
        let base = viewBase ?? self
        let recording = GradMode.isEnabled && (base.requiresGrad || value.requiresGrad)
        let r = try detach().resolveIndices(indices, op: op)
        if GradMode.isEnabled && (base.requiresGrad && base.gradFn == nil || requiresGrad && gradFn == nil) {
            // PyTorch writes a basic index through a view (x[0] = v is x[0].copy_(v)), an
            // index tensor into x itself (index_put_), and names the leaf accordingly.
            let what = r.tensors.isEmpty || self !== base ? "a view of a leaf Variable" : "a leaf Variable"
            throw TensorError(op, "\(what) that requires grad is being used in an in-place operation (wrap the update in no_grad, or write into a clone)")
        }
        if accumulate && dtype == .bool { throw TensorError(op, "accumulate is not supported for bool tensors") }
        if r.tensors.isEmpty {
            // A basic index is a view: the write is an in-place op on that view.
            let region = Tensor(storage: storage, shape: r.view.shape, strides: r.view.strides, offset: r.view.offset, dtype: dtype)
            region.viewBase = base
            region.viewVersion = storage.version
            if recording {
                let val = try fitTrackedValue(value, to: region.shape, op: op)
                try region.writeInPlace(op, others: [val], savesSelf: false) { old in accumulate ? try old.add(val) : val }
                if self !== base { ViewHistory.recordView(self, of: base) }
            } else {
                let val = try fitValue(value, to: region.shape, op: op)
                try region.writeInPlace(op, savesSelf: false) { old in accumulate ? try old.add(val) : val }
            }
            return
        }
        let (v, first) = try gatherIndexedDims(r)
        let plan = try AdvancedIndexPlan(viewShape: v.shape, first: first, indices: r.tensors, inRange: r.inRange,
                                         sourceDims: r.sourceDims, op: op)
        if v.hasInternalOverlap {
            throw TensorError(op, "unsupported operation: more than one element of the written-to tensor refers to a single memory location; clone() the tensor before performing the operation")
        }
        guard recording else {
            // A single value is written to every position without being broadcast first.
            let val = value.count == 1 ? try value.detach().to(dtype).contiguous()
                                       : try fitValue(value, to: plan.outShape, op: op)
            try plan.write(v, val, accumulate: accumulate, op: op)
            storage.bumpVersion()
            return
        }
        let val = try fitTrackedValue(value, to: plan.outShape, op: op)
        try plan.write(v, val.detach(), accumulate: accumulate, op: op)
        storage.bumpVersion()
        // The base's new history: the written positions' gradient goes to the value
        // (all of it with accumulate), the rest (or all, with accumulate) to the old history.
        let vg = ViewHistory.Geometry(v), bg = ViewHistory.Geometry(base)
        let elements = base.storage.byteCount / Swift.max(base.dtype.size, 1)
        let hasValue = val.requiresGrad
        let node = Node(name: "index_put", edges: [Autograd.edge(base), Autograd.edge(val)], saved: [], backward: { g in
            let (buf, region) = ViewHistory.buffers(bg, vg, elements: elements, dtype: g.dtype)
            try ViewHistory.rawCopy(into: buf, from: g)
            let gValue = hasValue ? plan.read(region) : nil
            if !accumulate { try plan.write(region, Tensor.full([1], 0, dtype: g.dtype), accumulate: false, op: op) }
            return [buf.contiguous(), gValue]
        })
        base.gradFn = node
        base.requiresGrad = true
        if self !== base { ViewHistory.recordView(self, of: base) }
    }
}
