/// Joining tensors (`cat`, `stack`) and cutting them apart (`split`, `chunk`), with
/// PyTorch's semantics. cat copies and records one node whose backward slices the
/// gradient; split and chunk are `slice` views, so they are differentiable already.
extension Tensor {
    /// The dtype `cat` and `stack` produce for these inputs. Like PyTorch's type
    /// promotion: one shared dtype stays as it is; otherwise float32 wins, and a mix of
    /// int64 and bool gives int64.
    static func joinDType(_ tensors: [Tensor]) -> DType {
        guard let first = tensors.first?.dtype else { return .float32 }
        if tensors.allSatisfy({ $0.dtype == first }) { return first }
        return tensors.dropFirst().reduce(first) { DType.promote($0, $1.dtype) }
    }

    /// Concatenates `tensors` along `dim` (a copy). Every tensor must have the same
    /// shape except in `dim`. Mixed dtypes are promoted (see `joinDType`: float32 wins,
    /// else int64), as `torch.cat` does. As in PyTorch, 1-D empty tensors (shape `[0]`)
    /// are skipped when joined with tensors of more dimensions.
    /// Differentiable: each input's gradient is its slice of the output's gradient.
    public static func cat(_ tensors: [Tensor], dim: Int = 0) throws -> Tensor {
        guard !tensors.isEmpty else { throw TensorError("cat", "expected a non-empty list of tensors") }
        if let z = tensors.firstIndex(where: { $0.ndim == 0 }) {
            throw TensorError("cat", "zero-dimensional tensor (at position \(z)) cannot be concatenated; use stack, or unsqueeze it first")
        }
        let refIndex = tensors.firstIndex { $0.shape != [0] } ?? 0
        let ref = tensors[refIndex]
        let d = try Shape.normalizeDim(dim, ref.ndim, op: "cat")
        // Legacy PyTorch rule: a [0] tensor joins anything by being left out.
        let skipped = tensors.map { $0.shape == [0] && ref.ndim != 1 }
        // The joined size is a checked sum, and the output is checked against the size
        // limit before any input is converted or copied.
        var total = 0
        for (i, t) in tensors.enumerated() where !skipped[i] {
            var same = t.ndim == ref.ndim
            if same { for k in 0..<t.ndim where k != d && t.shape[k] != ref.shape[k] { same = false } }
            guard same else {
                throw TensorError("cat", "tensor \(i) has shape \(shapeString(t.shape)) but tensor \(refIndex) has shape \(shapeString(ref.shape)); sizes must match except in dimension \(d)")
            }
            let (sum, overflow) = total.addingReportingOverflow(t.shape[d])
            guard !overflow else {
                throw TensorError("cat", "the sizes of dimension \(d) add up past \(Int.max) (at tensor \(i))")
            }
            total = sum
            try pollInterrupt(i)
        }
        var outShape = ref.shape
        outShape[d] = total
        try Shape.validate(outShape, op: "cat")
        let dt = joinDType(tensors)
        let inputs = try tensors.enumerated().map { i, t in
            try pollInterrupt(i)
            return try t.to(dt)
        }
        let out = Tensor(uninitialized: outShape, dtype: dt)

        // out: [outer, total, rest]; input i: [outer, size_i, rest], copied as row blocks.
        let outer = Shape.numel(Array(ref.shape[..<d]))
        let rest = Shape.numel(Array(ref.shape[(d + 1)...]))
        let es = dt.size
        let dstRow = total * rest * es
        var starts: [Int] = []
        var start = 0
        for (i, t) in inputs.enumerated() {
            starts.append(start)
            try pollInterrupt(i)
            if skipped[i] { continue }
            let size = t.shape[d]
            let block = size * rest * es
            if block > 0 && outer > 0 {
                let src = t.isContiguous ? t : t.copyData()
                let s = UnsafeRawPointer(src.storage.data + src.offset * es)
                let o = out.storage.data + start * rest * es
                Parallel.forRange(outer, costPerElement: size * rest) { r0, r1 in
                    for r in r0..<r1 { (o + r * dstRow).copyMemory(from: s + r * block, byteCount: block) }
                }
            }
            start += size
        }

        if Autograd.needsGraph(inputs) {
            let sizes = inputs.enumerated().map { skipped[$0.offset] ? 0 : $0.element.shape[d] }
            let needs = inputs.map { $0.requiresGrad }, offsets = starts
            Autograd.record(out, "cat", inputs) { g in
                try (0..<sizes.count).map { i in
                    guard needs[i], !skipped[i] else { return nil }
                    return try g.slice(d, start: offsets[i], end: offsets[i] + sizes[i])
                }
            }
        }
        return out
    }

    /// Joins equally shaped `tensors` along a new dimension `dim` (0...ndim), a copy.
    /// Dtypes are promoted as in `cat`. Differentiable.
    public static func stack(_ tensors: [Tensor], dim: Int = 0) throws -> Tensor {
        guard let first = tensors.first else { throw TensorError("stack", "expected a non-empty list of tensors") }
        for (i, t) in tensors.enumerated() {
            guard t.shape == first.shape else {
                throw TensorError("stack", "tensor \(i) has shape \(shapeString(t.shape)) but tensor 0 has shape \(shapeString(first.shape)); stack needs tensors of equal shape")
            }
            try pollInterrupt(i)
        }
        let d = try Shape.normalizeDim(dim, first.ndim + 1, op: "stack")
        // Checked before the unsqueezed views are made: n inputs of shape s give
        // s with n inserted at d.
        var outShape = first.shape
        outShape.insert(tensors.count, at: d)
        try Shape.validate(outShape, op: "stack")
        return try cat(tensors.enumerated().map { i, t in
            try pollInterrupt(i)
            return try t.unsqueeze(d)
        }, dim: d)
    }

    /// Honours Ctrl-C every 4096 inputs of a join: a list of 10^8 tensors takes seconds
    /// per pass, and the check costs nothing between.
    @inline(__always)
    static func pollInterrupt(_ i: Int) throws {
        if i & 4095 == 4095 { try Interrupt.check() }
    }

    /// The most tensors one op returns as a list: the interpreter's list limit
    /// (`Arith.maxLength`), so `zeros(0, 2**62).split(1, dim=1)` is an error, not
    /// 2**62 views built one by one.
    public static let maxPieces = 100_000_000

    /// Throws when an op would return more than `maxPieces` tensors.
    static func checkPieces(_ n: Int, op: String) throws {
        guard n <= maxPieces else {
            throw TensorError(op, "would return \(n) tensors (the limit is \(maxPieces))")
        }
    }

    /// Normalises `dim` for split/chunk, which need at least one dimension.
    private func splitDim(_ dim: Int, op: String) throws -> Int {
        guard ndim > 0 else { throw TensorError(op, "expects at least a 1-dimensional tensor, got a scalar") }
        return try Shape.normalizeDim(dim, ndim, op: op)
    }

    /// Cuts the tensor along `dim` into pieces of `size` (the last may be smaller),
    /// as views. A dimension of size 0 gives one empty piece, as in PyTorch.
    public func split(_ size: Int, dim: Int = 0) throws -> [Tensor] { try split(size, dim: dim, op: "split") }

    /// `split` with errors naming `op` (chunk reports its own name).
    private func split(_ size: Int, dim: Int, op: String) throws -> [Tensor] {
        let d = try splitDim(dim, op: op)
        guard size > 0 else { throw TensorError("split", "split size must be positive, got \(size)") }
        let n = shape[d]
        if n == 0 { return [self] }
        let pieces = (n - 1) / size + 1
        try Tensor.checkPieces(pieces, op: op)
        return try stride(from: 0, to: n, by: size).enumerated().map { i, start in
            try Tensor.pollInterrupt(i)
            return try slice(d, start: start, end: Swift.min(start + size, n))
        }
    }

    /// Cuts the tensor along `dim` into pieces of the given sizes, which must sum to
    /// the size of `dim` (views).
    public func split(sizes: [Int], dim: Int = 0) throws -> [Tensor] {
        let d = try splitDim(dim, op: "split")
        guard sizes.allSatisfy({ $0 >= 0 }) else {
            throw TensorError("split", "split sizes must be non-negative, got \(shapeString(sizes))")
        }
        let n = shape[d]
        // Saturating sum: huge sizes must be an error, not an overflow trap.
        let total = sizes.reduce(0) { $0 > Int.max - $1 ? Int.max : $0 + $1 }
        guard total == n else {
            throw TensorError("split", "split sizes \(shapeString(sizes)) sum to \(total) but dimension \(d) has size \(n) (shape \(shapeString(shape)))")
        }
        try Tensor.checkPieces(sizes.count, op: "split")
        var start = 0
        return try sizes.map { s in
            defer { start += s }
            return try slice(d, start: start, end: start + s)
        }
    }

    /// Cuts the tensor along `dim` into at most `n` pieces of ceil(size / n) elements
    /// (views). Like PyTorch, this can give fewer than `n` pieces (6 elements in 4
    /// chunks give 3 pieces of 2); a dimension of size 0 gives `n` empty pieces.
    public func chunk(_ n: Int, dim: Int = 0) throws -> [Tensor] {
        let d = try splitDim(dim, op: "chunk")
        guard n > 0 else { throw TensorError("chunk", "number of chunks must be positive, got \(n)") }
        let size = shape[d]
        if size == 0 {
            try Tensor.checkPieces(n, op: "chunk")
            return try (0..<n).map { i in
                try Tensor.pollInterrupt(i)
                return try slice(d, start: 0, end: 0)
            }
        }
        return try split((size - 1) / n + 1, dim: d, op: "chunk")  // ceil(size / n) without overflow
    }
}
