/// Advanced (tensor) indexing: the element plan for `x[idx]`, `x[rows, cols]`,
/// `x[mask]`, and the copy, write and accumulate kernels that run it.
///
/// A plan covers a view whose indexed dimensions are adjacent, `[p, p + k)`: the
/// result has shape `pre + B + post`, where `pre = shape[..<p]`, `B` is the broadcast
/// shape of the k index tensors and `post = shape[(p + k)...]`. Element (a, b, c) of
/// the result lives at storage offset `pre[a] + mid[b] + post[c]` of the view.
struct AdvancedIndexPlan {
    /// The indexed view's shape and the first indexed dimension.
    let viewShape: [Int]
    let first: Int
    /// The broadcast shape of the index tensors.
    let broadcastShape: [Int]
    /// Normalised (non-negative, range-checked) index values: one contiguous int64
    /// tensor of `broadcastShape` per indexed dimension. Tensors, not Swift arrays, so
    /// that their memory comes from the buffer cache (no page faults in a loop).
    let values: [Tensor]

    var preShape: [Int] { Array(viewShape[..<first]) }
    var postShape: [Int] { Array(viewShape[(first + values.count)...]) }
    /// Shape of the indexed result: pre + B + post.
    var outShape: [Int] { preShape + broadcastShape + postShape }

    /// Builds a plan for index tensors applied to adjacent dimensions `first...` of a
    /// view of `viewShape`. `inRange[j]` marks tensors known to hold valid,
    /// non-negative indices (mask coordinates), which skip the check. `sourceDims` name
    /// the dimensions in the user's tensor for error messages.
    init(viewShape: [Int], first: Int, indices: [Tensor], inRange: [Bool], sourceDims: [Int], op: String) throws {
        var b: [Int] = indices.first?.shape ?? []
        for t in indices.dropFirst() {
            guard let s = try? Shape.broadcastUnchecked(b, t.shape, op: op) else {
                throw TensorError(op, "index tensors of shapes \(indices.map { shapeString($0.shape) }.joined(separator: ", ")) cannot be broadcast together")
            }
            b = s
        }
        try Shape.validate(b, op: op)
        var values: [Tensor] = []
        for (j, t) in indices.enumerated() {
            let same = t.shape == b && t.isContiguous
            if same && inRange[j] { values.append(t); continue }
            let flat = same ? t : try t.detach().expand(b).copyData()
            let size = viewShape[first + j], n = flat.count
            let normalized = Tensor(uninitialized: b, dtype: .int64)
            let src = flat.int64Pointer, dst = normalized.int64Pointer
            let lo = -Int64(size), hi = Int64(size)
            var bad: Int64? = nil
            for i in 0..<n {
                let v = src[i]
                if v < lo || v >= hi { bad = v; break }
                dst[i] = v < 0 ? v + hi : v
            }
            if let bad {
                throw TensorError(op, "index \(bad) is out of bounds for dimension \(sourceDims[j]) with size \(size)")
            }
            values.append(normalized)
        }
        self.viewShape = viewShape
        self.first = first
        self.broadcastShape = b
        self.values = values
    }

    /// Storage offsets (relative to the view's offset) of the pre, mid and post parts
    /// for a view of this plan's shape with `strides`; mid is an int64 tensor.
    func offsets(_ strides: [Int]) -> (pre: [Int], mid: Tensor, post: [Int]) {
        let pre = preShape, post = postShape
        var preOff = [Int](repeating: 0, count: Shape.numel(pre))
        Elementwise.stridedOffsets(pre, Array(strides[..<first]), into: &preOff)
        var postOff = [Int](repeating: 0, count: Shape.numel(post))
        Elementwise.stridedOffsets(post, Array(strides[(first + values.count)...]), into: &postOff)
        let mid = Tensor.full(broadcastShape, 0, dtype: .int64)
        let m = mid.int64Pointer, n = mid.count
        for (j, vals) in values.enumerated() {
            let s = Int64(strides[first + j]), v = vals.int64Pointer
            for i in 0..<n { m[i] &+= v[i] &* s }
        }
        return (preOff, mid, postOff)
    }

    /// A new contiguous tensor of `outShape` with the planned elements of `view`.
    func read(_ view: Tensor) -> Tensor {
        let out = Tensor(uninitialized: outShape, dtype: view.dtype)
        // Reading moves bytes: one loop per element size serves every dtype.
        switch view.dtype.size {
        case 8: copy(view, from: view.pointer(as: UInt64.self), to: out.pointer(as: UInt64.self))
        case 4: copy(view, from: view.pointer(as: UInt32.self), to: out.pointer(as: UInt32.self))
        case 2: copy(view, from: view.pointer(as: UInt16.self), to: out.pointer(as: UInt16.self))
        default: copy(view, from: view.pointer(as: UInt8.self), to: out.pointer(as: UInt8.self))
        }
        return out
    }

    private func copy<T>(_ view: Tensor, from src: UnsafeMutablePointer<T>, to dst: UnsafeMutablePointer<T>) {
        let (pre, midTensor, post) = offsets(view.strides)
        let mid = midTensor.int64Pointer
        let nm = midTensor.count, np = post.count, rows = pre.count * nm
        if rows == 0 || np == 0 { return }
        // A post part that is one contiguous run copies as a block.
        let contiguousPost = Tensor.computeContiguous(postShape, Array(view.strides[(first + values.count)...]))
        pre.withUnsafeBufferPointer { pre in
            post.withUnsafeBufferPointer { post in
                // In chunks that Ctrl-C skips (`index` then throws through checkInterrupt).
                Parallel.forChunks(rows, costPerElement: np) { r0, r1 in
                    // Row r is (a, m) = (r / nm, r % nm); step m like an odometer.
                    var a = r0 / nm, m = r0 % nm
                    for r in r0..<r1 {
                        let base = src + pre[a] + Int(mid[m])
                        let o = dst + r * np
                        if np == 1 { o[0] = base[post[0]] } else if contiguousPost { o.update(from: base, count: np) } else {
                            for c in 0..<np { o[c] = base[post[c]] }
                        }
                        m += 1
                        if m == nm { m = 0; a += 1 }
                    }
                }
            }
        }
    }

    /// Writes `values` (contiguous, the view's dtype, of `outShape` or a single value
    /// for all) into the planned elements of `view`, or adds them when `accumulate`.
    /// Duplicate positions: the last write wins, or every value is added.
    func write(_ view: Tensor, _ values: Tensor, accumulate: Bool, op: String) throws {
        let n = values.count
        // Literal closures (not one picked at run time) so each loop is specialised.
        switch view.dtype {
        case .float32:
            let d = view.floatPointer, s = values.floatPointer
            if accumulate { store(view, n, d, s) { $0 += $1 } } else { store(view, n, d, s) { $0 = $1 } }
        case .int64:
            let d = view.int64Pointer, s = values.int64Pointer
            if accumulate { store(view, n, d, s) { $0 &+= $1 } } else { store(view, n, d, s) { $0 = $1 } }
        case .float64:
            let d = view.doublePointer, s = values.doublePointer
            if accumulate { store(view, n, d, s) { $0 += $1 } } else { store(view, n, d, s) { $0 = $1 } }
        case .bool:
            guard !accumulate else { throw TensorError(op, "accumulate is not supported for bool tensors") }
            store(view, values.count, view.boolPointer, values.boolPointer) { $0 = $1 }
        default:
            // Storage dtypes: plain writes move bytes; accumulating would need their arithmetic.
            guard !accumulate else { throw TensorError(op, "accumulate is not supported for \(view.dtype) tensors (convert with .float() or .long())") }
            switch view.dtype.size {
            case 4: store(view, n, view.pointer(as: UInt32.self), values.pointer(as: UInt32.self)) { $0 = $1 }
            case 2: store(view, n, view.pointer(as: UInt16.self), values.pointer(as: UInt16.self)) { $0 = $1 }
            default: store(view, n, view.pointer(as: UInt8.self), values.pointer(as: UInt8.self)) { $0 = $1 }
            }
        }
    }

    @inline(__always)
    private func store<T>(_ view: Tensor, _ valueCount: Int, _ dst: UnsafeMutablePointer<T>, _ src: UnsafeMutablePointer<T>,
                          _ f: (inout T, T) -> Void) {
        let (pre, midTensor, post) = offsets(view.strides)
        let mid = midTensor.int64Pointer, nm = midTensor.count
        let step = valueCount == 1 ? 0 : 1  // 0: one value for every position
        var i = 0
        for a in pre {
            for m in 0..<nm {
                let base = dst + a + Int(mid[m])
                for c in post { f(&base[c], src[i]); i += step }
            }
        }
    }
}

extension Tensor {
    /// The coordinates of the true elements of a bool tensor: one int64 tensor of
    /// shape [nnz] per dimension, in row-major order (PyTorch's `nonzero(as_tuple=True)`).
    func nonzeroCoordinates() -> [Tensor] {
        let mask = contiguous()
        // Bools are stored as bytes 0 and 1: adding them counts without branches
        // (a random mask would mispredict about every other branch).
        let n = count, p = UnsafeRawPointer(mask.boolPointer).assumingMemoryBound(to: UInt8.self)
        var nnz = 0
        // Ctrl-C between blocks: the caller throws through checkInterrupt.
        guard Interrupt.inBlocks(n, { i0, i1 in for i in i0..<i1 { nnz &+= Int(p[i]) } }) else { return [] }
        // One spare slot each: the branch-free loop below writes before it knows
        // whether the element counts.
        let coords = (0..<ndim).map { _ in
            Tensor(storage: Storage(byteCount: (nnz + 1) * 8), shape: [nnz], strides: [1], dtype: .int64)
        }
        guard nnz > 0, let lastDim = shape.indices.last else { return coords }
        let ptrs = coords.map { $0.int64Pointer }, last = ptrs[lastDim]
        // Walk rows of the last dimension; the outer coordinates step like an odometer.
        let inner = shape[lastDim], rows = n / inner
        var index = [Int64](repeating: 0, count: ndim)
        var k = 0
        for r in 0..<rows {
            if Interrupt.requested { return coords }  // the caller throws through checkInterrupt
            let row = p + r * inner
            if lastDim == 0 {
                // One row (a 1-D mask): in blocks, so Ctrl-C stops a huge one.
                Interrupt.inBlocks(inner) { j0, j1 in for j in j0..<j1 { last[k] = Int64(j); k &+= Int(row[j]) } }
            } else if lastDim == 1 {
                let outer = ptrs[0], i0 = index[0]
                for j in 0..<inner { outer[k] = i0; last[k] = Int64(j); k &+= Int(row[j]) }
            } else {
                for j in 0..<inner where row[j] != 0 {
                    for d in 0..<lastDim { ptrs[d][k] = index[d] }
                    last[k] = Int64(j)
                    k += 1
                }
            }
            var d = lastDim - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < Int64(shape[d]) { break }
                index[d] = 0
                d -= 1
            }
        }
        return coords
    }
}
