/// Gathering along a dimension by an index tensor (`gather`), its adjoint
/// (`scatterAdd`), and `oneHot`, with PyTorch's semantics. gather's backward is a
/// scatter-add of the gradient into zeros; scatterAdd's backward is a gather.
extension Tensor {
    /// Walks the positions of a tensor of `shape` in row-major order, keeping two
    /// storage offsets (one per stride set), and calls `body(i, offA, offB)`; stops
    /// early (returning false) when `body` returns false, or when Ctrl-C is pending (polled
    /// every `Interrupt.pollBlock` positions; the caller then throws through
    /// `checkInterrupt`). Specialised per call site,
    /// so the inner loop has no closure call overhead.
    @inline(__always)
    static func walkPositions(_ shape: [Int], _ sa: [Int], _ sb: [Int],
                              _ body: (Int, Int, Int) -> Bool) -> Bool {
        let n = Shape.numel(shape)
        if n == 0 { return true }
        if shape.isEmpty { return body(0, 0, 0) }
        let last = shape.count - 1
        let inner = shape[last], ia = sa[last], ib = sb[last]
        var index = [Int](repeating: 0, count: shape.count)
        var offA = 0, offB = 0, i = 0
        while i < n {
            for j in 0..<inner {
                if Interrupt.due(i) { return false }  // Ctrl-C: the caller throws after the walk
                if !body(i, offA + j * ia, offB + j * ib) { return false }
                i += 1
            }
            var k = last - 1
            while k >= 0 {
                index[k] += 1
                offA += sa[k]
                offB += sb[k]
                if index[k] < shape[k] { break }
                offA -= sa[k] * shape[k]
                offB -= sb[k] * shape[k]
                index[k] = 0
                k -= 1
            }
            if k < 0 { break }
        }
        return true
    }

    /// Checks the shared preconditions of gather and scatter_add and returns the
    /// normalised dim. 0-d tensors count as 1-D, as in PyTorch.
    private func checkIndexOp(_ op: String, dim: Int, index: Tensor) throws -> Int {
        guard index.dtype == .int64 else {
            throw TensorError(op, "index must be an int64 tensor, got \(index.dtype)")
        }
        guard Swift.max(index.ndim, 1) == Swift.max(ndim, 1) else {
            throw TensorError(op, "index has \(index.ndim) dimension\(index.ndim == 1 ? "" : "s") (shape \(shapeString(index.shape))) but the input has \(ndim) (shape \(shapeString(shape))); they must match")
        }
        let d = try Shape.normalizeDim(dim, ndim, op: op)
        let xs = atLeast1D.shape, ishape = index.atLeast1D.shape
        for k in 0..<xs.count where k != d && ishape[k] > xs[k] {
            throw TensorError(op, "index shape \(shapeString(index.shape)) does not fit the input shape \(shapeString(shape)): dimension \(k) has size \(ishape[k]) > \(xs[k])")
        }
        return d
    }

    /// This tensor's geometry with a 0-d tensor seen as 1-D (no copy, no graph).
    var atLeast1D: Tensor { ndim == 0 ? view(shape: [1], strides: [1], offset: offset) : detach() }

    /// Values picked along `dim` by `index` (int64, same number of dimensions):
    /// for dim 1, `out[i][j][k] = self[i][index[i][j][k]][k]`. The result has the
    /// index's shape; indices must lie in `0..<size(dim)` (negative values are errors,
    /// as in PyTorch). Differentiable in `self`.
    public func gather(dim: Int, index: Tensor) throws -> Tensor {
        let d = try checkIndexOp("gather", dim: dim, index: index)
        let x = atLeast1D, idx = index.atLeast1D.contiguous()
        let out = Tensor(uninitialized: index.shape, dtype: dtype)
        // Offsets into x for every coordinate but `dim`; `dim`'s comes from the index.
        var baseStrides = x.strides
        baseStrides[d] = 0
        let size = x.shape[d], sd = x.strides[d]
        let pi = idx.int64Pointer
        var bad: Int64? = nil
        func run<T>(_ src: UnsafeMutablePointer<T>, _ dst: UnsafeMutablePointer<T>) {
            _ = Tensor.walkPositions(idx.shape, baseStrides, baseStrides) { i, off, _ in
                let v = pi[i]
                guard v >= 0 && v < size else { bad = v; return false }
                dst[i] = src[off + Int(v) * sd]
                return true
            }
        }
        // Gathering moves bytes: one loop per element size serves every dtype.
        switch dtype.size {
        case 8: run(x.pointer(as: UInt64.self), out.pointer(as: UInt64.self))
        case 4: run(x.pointer(as: UInt32.self), out.pointer(as: UInt32.self))
        case 2: run(x.pointer(as: UInt16.self), out.pointer(as: UInt16.self))
        default: run(x.pointer(as: UInt8.self), out.pointer(as: UInt8.self))
        }
        try Tensor.checkInterrupt()
        if let bad {
            throw TensorError("gather", "index \(bad) is out of bounds for dimension \(d) with size \(size)")
        }
        if Autograd.needsGraph(self) {
            let inShape = shape
            Autograd.record(out, "gather", [self], saving: [index]) { g in
                let z = Tensor.full(inShape, 0, dtype: g.dtype)
                try z.scatterAddKernel(dim: d, index: idx, source: g, op: "gather")
                return [z]
            }
        }
        return out
    }

    /// Adds `source` into this tensor (through its strides) at the positions `index` names along
    /// `dim` (duplicates accumulate), in place, outside autograd. Assumes the checks of
    /// `checkIndexOp` passed; index values are range-checked here.
    func scatterAddKernel(dim d: Int, index: Tensor, source: Tensor, op: String) throws {
        let x = atLeast1D, idx = index.atLeast1D.contiguous(), src = source.atLeast1D
        var dstStrides = x.strides
        dstStrides[d] = 0
        let size = x.shape[d], sd = x.strides[d]
        let pi = idx.int64Pointer
        var bad: Int64? = nil
        func run<T: AdditiveArithmetic>(_ s: UnsafeMutablePointer<T>, _ o: UnsafeMutablePointer<T>) {
            _ = Tensor.walkPositions(idx.shape, dstStrides, src.strides) { i, offDst, offSrc in
                let v = pi[i]
                guard v >= 0 && v < size else { bad = v; return false }
                o[offDst + Int(v) * sd] += s[offSrc]
                return true
            }
        }
        switch dtype {
        case .float32: run(src.floatPointer, x.floatPointer)
        case .int64: run(src.int64Pointer, x.int64Pointer)
        case .float64: run(src.doublePointer, x.doublePointer)
        default: throw TensorError(op, "\(dtype) tensors are not supported (float32, float64 and int64 are)")
        }
        try Tensor.checkInterrupt()
        if let bad {
            throw TensorError(op, "index \(bad) is out of bounds for dimension \(d) with size \(size)")
        }
    }

    /// A copy of this tensor with `source` added at the positions `index` names along
    /// `dim`: for dim 0, `out[index[i][j]][j] += source[i][j]` (duplicates accumulate).
    /// `index` (int64) must fit inside `source`, and inside this tensor in every
    /// dimension but `dim`; source must have this tensor's dtype (float32 or int64).
    /// Differentiable in `self` and `source` (PyTorch's `scatter_add`).
    public func scatterAdd(dim: Int, index: Tensor, source: Tensor) throws -> Tensor {
        let d = try checkIndexOp("scatter_add", dim: dim, index: index)
        guard source.dtype == dtype else {
            throw TensorError("scatter_add", "source has dtype \(source.dtype) but the tensor has dtype \(dtype); they must match")
        }
        // float16 / bfloat16: computed in float32 and rounded back once (see `isHalf`).
        if isHalf { return try to(.float32).scatterAdd(dim: dim, index: index, source: source.to(.float32)).to(dtype) }
        guard Swift.max(source.ndim, 1) == Swift.max(ndim, 1) else {
            throw TensorError("scatter_add", "source has shape \(shapeString(source.shape)) but the tensor has shape \(shapeString(shape)); they must have the same number of dimensions")
        }
        let ss = source.atLeast1D.shape, ishape = index.atLeast1D.shape
        for k in 0..<ss.count where ishape[k] > ss[k] {
            throw TensorError("scatter_add", "index shape \(shapeString(index.shape)) does not fit the source shape \(shapeString(source.shape)): dimension \(k) has size \(ishape[k]) > \(ss[k])")
        }
        let out = copyData()
        try out.scatterAddKernel(dim: d, index: index, source: source, op: "scatter_add")
        if Autograd.needsGraph(self, source) {
            let ra = requiresGrad, rb = source.requiresGrad, srcShape = source.shape
            let idx = index.contiguous()
            Autograd.record(out, "scatter_add", [self, source], saving: [index]) { g in
                var gs: Tensor? = nil
                if rb {
                    // d out / d source: the gradient at the positions each source
                    // element went to; source elements the index does not cover get 0.
                    let picked = try g.gather(dim: d, index: idx)
                    if picked.shape == srcShape { gs = picked } else {
                        let z = Tensor.full(srcShape, 0, dtype: picked.dtype)
                        var region = z.atLeast1D
                        for (k, n) in picked.atLeast1D.shape.enumerated() { region = try region.narrow(k, 0, n) }
                        try region.assign(picked.atLeast1D)
                        gs = z
                    }
                }
                return [ra ? g : nil, gs]
            }
        }
        return out
    }

    /// One-hot encoding of int64 class labels: a new last dimension of `numClasses`
    /// with a 1 at each label (int64, as in PyTorch). `numClasses` -1 means the
    /// largest label + 1. Negative or out-of-range labels are errors naming the value.
    public func oneHot(numClasses: Int = -1) throws -> Tensor {
        guard dtype == .int64 else {
            throw TensorError("one_hot", "expected an int64 tensor of class labels, got \(dtype) (convert with .long())")
        }
        guard numClasses >= -1 else {
            throw TensorError("one_hot", "num_classes must be -1 (infer) or non-negative, got \(numClasses)")
        }
        let labels = contiguous()
        let n = count, p = labels.int64Pointer
        var lo = Int64.max, hi = Int64.min
        for i in 0..<n { lo = Swift.min(lo, p[i]); hi = Swift.max(hi, p[i]) }
        if n > 0 && lo < 0 {
            throw TensorError("one_hot", "class values must be non-negative, got \(lo)")
        }
        let classes: Int
        if numClasses == -1 {
            guard n > 0 else {
                throw TensorError("one_hot", "cannot infer the number of classes from an empty tensor; pass num_classes")
            }
            guard hi < Int64(Shape.maxElements) else {
                throw TensorError("one_hot", "class value \(hi) is too large to infer num_classes from")
            }
            classes = Int(hi) + 1
        } else {
            classes = numClasses
            if n > 0 && hi >= Int64(classes) {
                let valid = classes > 0 ? "expected 0...\(classes - 1)" : "no value is valid"
                throw TensorError("one_hot", "class value \(hi) is out of range for num_classes=\(classes) (\(valid))")
            }
        }
        let out = try Tensor.full(checked: shape + [classes], 0, dtype: .int64, op: "one_hot")
        let o = out.int64Pointer
        for i in 0..<n { o[i * classes + Int(p[i])] = 1 }
        return out
    }
}
