/// PyTorch's shape helpers built on the view ops: movedim, unflatten, unbind, tile,
/// repeat_interleave, meshgrid, broadcast_tensors, atleast_1d/2d/3d, the stacks
/// (hstack, vstack, dstack, column_stack) and tensor_split with hsplit / vsplit / dsplit.
/// They compose permute, reshape, expand, select, slice and cat, so their gradients are
/// those ops' rules.
extension Tensor {
    /// Moves dimensions `source` to positions `destination`, the others keeping their
    /// order (PyTorch's `movedim` / `moveaxis`; a view).
    public func movedim(_ source: [Int], _ destination: [Int]) throws -> Tensor {
        guard source.count == destination.count else {
            throw TensorError("movedim", "invalid source or destination dims: source (\(shapeString(source)) dims) should contain the same number of dims as destination (\(shapeString(destination)) dims)")
        }
        let src = try source.map { try Shape.normalizeDim($0, ndim, op: "movedim") }
        let dst = try destination.map { try Shape.normalizeDim($0, ndim, op: "movedim") }
        guard Set(src).count == src.count else { throw TensorError("movedim", "repeated dim in `source` (\(shapeString(source)))") }
        guard Set(dst).count == dst.count else { throw TensorError("movedim", "repeated dim in `destination` (\(shapeString(destination)))") }
        if ndim <= 1 { return self }
        var order = [Int](repeating: -1, count: ndim)
        for (s, d) in zip(src, dst) { order[d] = s }
        var rest = (0..<ndim).filter { !src.contains($0) }.makeIterator()
        for i in 0..<ndim where order[i] == -1 { order[i] = rest.next() ?? 0 }
        return try permute(order)
    }

    /// Splits dimension `dim` into `sizes` (one may be -1), a view when possible
    /// (PyTorch's `unflatten`).
    public func unflatten(_ dim: Int, _ sizes: [Int]) throws -> Tensor {
        guard ndim > 0 else { throw TensorError("unflatten", "cannot unflatten a 0-d tensor") }
        let d = try Shape.normalizeDim(dim, ndim, op: "unflatten")
        guard !sizes.isEmpty else { throw TensorError("unflatten", "sizes must be non-empty") }
        let n = shape[d]
        guard sizes.filter({ $0 == -1 }).count <= 1, sizes.allSatisfy({ $0 >= -1 }) else {
            throw TensorError("unflatten", "sizes \(shapeString(sizes)) may hold one -1 and otherwise non-negative sizes")
        }
        var sized = sizes, known = 1
        for s in sizes where s != -1 {
            let (m, overflow) = known.multipliedReportingOverflow(by: s)
            guard !overflow else { throw TensorError("unflatten", "sizes \(shapeString(sizes)) multiply past \(Int.max)") }
            known = m
        }
        if let u = sizes.firstIndex(of: -1) {
            guard known != 0, n % known == 0 else {
                throw TensorError("unflatten", "provided sizes \(shapeString(sizes)) don't multiply up to the size of dim \(dim) (\(n)) in the input tensor")
            }
            sized[u] = n / known
        } else if known != n {
            throw TensorError("unflatten", "provided sizes \(shapeString(sizes)) don't multiply up to the size of dim \(dim) (\(n)) in the input tensor")
        }
        return try reshape(Array(shape[..<d]) + sized + Array(shape[(d + 1)...]))
    }

    /// The slices along `dim`, each with that dimension removed (PyTorch's `unbind`; views).
    public func unbind(_ dim: Int = 0) throws -> [Tensor] {
        guard ndim > 0 else { throw TensorError("unbind", "dimension specified as \(dim) but tensor has no dimensions") }
        let d = try Shape.normalizeDim(dim, ndim, op: "unbind")
        try Tensor.checkPieces(shape[d], op: "unbind")
        return try (0..<shape[d]).map { i in
            try Tensor.pollInterrupt(i)
            return try select(d, i)
        }
    }

    /// Repeats the tensor `dims[i]` times along each dimension; fewer counts than
    /// dimensions are padded with leading 1s (PyTorch's `tile`, a copy).
    public func tile(_ dims: [Int]) throws -> Tensor {
        let counts = dims.count < ndim ? [Int](repeating: 1, count: ndim - dims.count) + dims : dims
        guard counts.allSatisfy({ $0 >= 0 }) else { throw TensorError("tile", "repeat counts must be non-negative, got \(shapeString(dims))") }
        return try self.repeat(counts)
    }

    /// Repeats each element `repeats` times along `dim` (the flattened tensor when nil),
    /// PyTorch's `repeat_interleave` with an int count.
    public func repeatInterleave(_ repeats: Int, dim: Int?) throws -> Tensor {
        guard repeats >= 0 else { throw TensorError("repeat_interleave", "repeats can not be negative, got \(repeats)") }
        let x = dim == nil ? try flatten() : self
        let d = try Shape.normalizeDim(dim ?? 0, x.ndim, op: "repeat_interleave")
        if x.ndim == 0 { return try x.reshape([1]).repeatInterleave(repeats, dim: 0) }
        var expanded = x.shape
        expanded.insert(repeats, at: d + 1)
        var outShape = x.shape
        let (size, overflow) = x.shape[d].multipliedReportingOverflow(by: repeats)
        guard !overflow else { throw TensorError("repeat_interleave", "the result is too large") }
        outShape[d] = size
        try Shape.validate(outShape, op: "repeat_interleave")
        return try x.unsqueeze(d + 1).expand(expanded).reshape(outShape)
    }

    /// Repeats element i along `dim` (the flattened tensor when nil) `repeats[i]` times;
    /// `repeats` is a 1-D int64 tensor with one count per element, or one count.
    public func repeatInterleave(_ repeats: Tensor, dim: Int?) throws -> Tensor {
        guard repeats.dtype == .int64 else { throw TensorError("repeat_interleave", "repeats must be an int64 tensor, got \(repeats.dtype)") }
        guard repeats.ndim <= 1 else { throw TensorError("repeat_interleave", "repeats must be 0-dim or 1-dim tensor, got shape \(shapeString(repeats.shape))") }
        let counts = repeats.toInt64Array()
        if counts.count == 1 { return try repeatInterleave(Int(counts[0]), dim: dim) }
        let x = dim == nil ? try flatten() : self
        let d = try Shape.normalizeDim(dim ?? 0, x.ndim, op: "repeat_interleave")
        let n = x.ndim == 0 ? 1 : x.shape[d]
        guard counts.count == n else {
            throw TensorError("repeat_interleave", "repeats must have the same size as input along dim, but got repeats.size(0) = \(counts.count) and input.size(\(d)) = \(n)")
        }
        guard counts.allSatisfy({ $0 >= 0 }) else { throw TensorError("repeat_interleave", "repeats can not be negative") }
        var total = 0
        for c in counts {
            let (s, overflow) = total.addingReportingOverflow(Int(c))
            guard !overflow else { throw TensorError("repeat_interleave", "the repeats add up past \(Int.max)") }
            total = s
        }
        var outShape = x.shape
        outShape[d] = total
        try Shape.validate(outShape, op: "repeat_interleave")
        // The index list has `total` entries even when another dimension is 0.
        try Shape.validate([total], op: "repeat_interleave")
        var index: [Int64] = []
        index.reserveCapacity(total)
        for (i, c) in counts.enumerated() { for _ in 0..<Int(c) { index.append(Int64(i)) } }
        let idx = try Tensor(int64: index, shape: [total])
        let lead = [TensorIndex](repeating: .all, count: d)
        return try x.index(lead + [.tensor(idx)])
    }

    /// Coordinate grids: for 0-d or 1-D inputs of sizes n0, n1, ..., each output has shape
    /// [n0, n1, ...] and varies along its own dimension ("ij"); "xy" swaps the first two
    /// dimensions of the outputs (PyTorch's `meshgrid`; expanded views).
    public static func meshgrid(_ tensors: [Tensor], indexing: String = "ij") throws -> [Tensor] {
        guard !tensors.isEmpty else { throw TensorError("meshgrid", "expects a non-empty list of tensors") }
        guard indexing == "ij" || indexing == "xy" else {
            throw TensorError("meshgrid", "indexing must be one of \"xy\" or \"ij\", but received: \(indexing)")
        }
        for (i, t) in tensors.enumerated() where t.ndim > 1 {
            throw TensorError("meshgrid", "expects 0D or 1D tensors, but tensor \(i) has shape \(shapeString(t.shape))")
        }
        for t in tensors where t.dtype != tensors[0].dtype {
            throw TensorError("meshgrid", "expects all tensors to have the same dtype, got \(tensors[0].dtype) and \(t.dtype)")
        }
        let swap = indexing == "xy" && tensors.count >= 2
        var order = tensors
        if swap { order.swapAt(0, 1) }
        let sizes = order.map { $0.count }
        try Shape.validate(sizes, op: "meshgrid")
        var grids = try order.enumerated().map { i, t -> Tensor in
            var view = [Int](repeating: 1, count: sizes.count)
            view[i] = sizes[i]
            return try t.reshape(view).expand(sizes)
        }
        // "xy" is "ij" on the first two inputs swapped, with the outputs swapped back.
        if swap { grids.swapAt(0, 1) }
        return grids
    }

    /// The tensors expanded to their common broadcast shape (views).
    public static func broadcastTensors(_ tensors: [Tensor]) throws -> [Tensor] {
        var shape: [Int] = []
        for t in tensors { shape = try Shape.broadcast(shape, t.shape, op: "broadcast_tensors") }
        return try tensors.map { try $0.expand(shape) }
    }

    /// The tensor viewed with at least `rank` dimensions, as PyTorch's atleast_1d / 2d / 3d
    /// place the new size-1 dimensions (3-D: [n] -> [1, n, 1], [m, n] -> [m, n, 1]).
    public func atleast(_ rank: Int) throws -> Tensor {
        if ndim >= rank { return self }
        switch (rank, ndim) {
        case (_, 0): return try reshape([Int](repeating: 1, count: rank))
        case (2, 1): return try unsqueeze(0)
        case (3, 1): return try unsqueeze(0).unsqueeze(2)
        case (3, 2): return try unsqueeze(2)
        default: return self
        }
    }

    /// Joins horizontally: along dimension 1, or 0 when every input is 1-D (`hstack`).
    public static func hstack(_ tensors: [Tensor]) throws -> Tensor {
        let ts = try tensors.map { try $0.atleast(1) }
        return try cat(ts, dim: ts.allSatisfy { $0.ndim == 1 } ? 0 : 1)
    }

    /// Joins vertically: the inputs as at least 2-D, along dimension 0 (`vstack` / `row_stack`).
    public static func vstack(_ tensors: [Tensor]) throws -> Tensor {
        try cat(tensors.map { try $0.atleast(2) }, dim: 0)
    }

    /// Joins depth-wise: the inputs as at least 3-D, along dimension 2 (`dstack`).
    public static func dstack(_ tensors: [Tensor]) throws -> Tensor {
        try cat(tensors.map { try $0.atleast(3) }, dim: 2)
    }

    /// Joins as columns: 0-d and 1-D inputs become [n, 1] columns, then along dimension 1.
    public static func columnStack(_ tensors: [Tensor]) throws -> Tensor {
        try cat(tensors.map { $0.ndim <= 1 ? try $0.reshape([$0.count, 1]) : $0 }, dim: 1)
    }

    /// Splits along `dim` into `sections` nearly equal pieces (the first size % sections
    /// pieces one longer), PyTorch's `tensor_split` with an int (views).
    public func tensorSplit(sections: Int, dim: Int, op: String = "tensor_split") throws -> [Tensor] {
        guard ndim > 0 else { throw TensorError(op, "expected at least a 1-dimensional tensor") }
        guard sections > 0 else { throw TensorError(op, "number of sections must be larger than 0, got \(sections)") }
        try Tensor.checkPieces(sections, op: op)
        let d = try Shape.normalizeDim(dim, ndim, op: op)
        let n = shape[d]
        let small = n / sections, extra = n % sections
        var start = 0
        return try (0..<sections).map { i in
            try Tensor.pollInterrupt(i)
            let size = small + (i < extra ? 1 : 0)
            defer { start += size }
            return try slice(d, start: start, end: start + size)
        }
    }

    /// Splits along `dim` before each of `indices` (clamped as Python slices are),
    /// PyTorch's `tensor_split` with a list (views).
    public func tensorSplit(indices: [Int], dim: Int, op: String = "tensor_split") throws -> [Tensor] {
        guard ndim > 0 else { throw TensorError(op, "expected at least a 1-dimensional tensor") }
        try Tensor.checkPieces(indices.count + 1, op: op)
        let d = try Shape.normalizeDim(dim, ndim, op: op)
        let n = shape[d]
        let clampIndex = { (i: Int) -> Int in Swift.min(Swift.max(i < 0 ? i + n : i, 0), n) }
        var bounds = [0] + indices.map(clampIndex)
        bounds.append(n)
        return try (0..<(bounds.count - 1)).map { i in
            try slice(d, start: bounds[i], end: Swift.max(bounds[i], bounds[i + 1]))
        }
    }

    /// `hsplit` / `vsplit` / `dsplit`: tensor_split along dimension `dim` (hsplit uses 0 for
    /// 1-D input), where an int must divide the dimension evenly.
    public func directionalSplit(_ op: String, sections: Int?, indices: [Int]?, dim: Int, minRank: Int) throws -> [Tensor] {
        guard ndim >= minRank else {
            throw TensorError(op, "requires a tensor with at least \(minRank) dimension\(minRank == 1 ? "" : "s"), but got a tensor with \(ndim) dimensions")
        }
        if let sections {
            guard sections > 0 else { throw TensorError(op, "number of sections must be larger than 0, got \(sections)") }
            guard shape[dim] % sections == 0 else {
                throw TensorError(op, "attempted to split along dimension \(dim), but the size of the dimension \(shape[dim]) is not divisible by the split_size \(sections)!")
            }
            return try tensorSplit(sections: sections, dim: dim, op: op)
        }
        return try tensorSplit(indices: indices ?? [], dim: dim, op: op)
    }
}
