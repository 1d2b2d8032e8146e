import VisTensor

/// Table lookup (PyTorch's `F.embedding` / nn.Embedding): row i of the weight for each
/// index i. One autograd node: the gradient of the weight adds the output gradient of
/// every position into the row it read (repeated indices accumulate), skips positions
/// holding `padding_idx` (its row never trains) and, with `scale_grad_by_freq`, divides
/// each row's gradient by how often its index occurs in the input.
extension Functional {
    /// The rows of `weight` ([num_embeddings, embedding_dim]) named by `input` (int64 or
    /// int32 indices of any shape): output shape `input.shape + [embedding_dim]`.
    ///
    /// - paddingIdx: an index (negative counts from the end) whose row gets no gradient.
    /// - maxNorm: before the lookup, each referenced row whose `normType`-norm exceeds
    ///   it is rescaled in place to norm maxNorm (PyTorch's `embedding_renorm_`, with its
    ///   1e-7 guard), outside autograd.
    /// - Throws: `TensorError` for float indices, an index out of range, or a weight that
    ///   is not 2-D.
    public static func embedding(_ input: Tensor, weight: Tensor, paddingIdx: Int? = nil, maxNorm: Double? = nil,
                                 normType: Double = 2, scaleGradByFreq: Bool = false,
                                 op: String = "embedding") throws -> Tensor {
        guard input.dtype == .int64 || input.dtype == .int32 else {
            throw TensorError(op, "expected indices of dtype int64 or int32, got \(input.dtype) (convert with .long())")
        }
        guard weight.ndim == 2 else {
            throw TensorError(op, "weight must be 2-D [num_embeddings, embedding_dim], got shape \(shapeString(weight.shape))")
        }
        let rows = weight.shape[0], dim = weight.shape[1]
        var pad: Int? = nil
        if let p = paddingIdx {
            guard p >= -rows && p < rows else {
                throw TensorError(op, "padding_idx \(p) must be within num_embeddings \(rows) (from \(-rows) to \(rows - 1))")
            }
            pad = p < 0 ? p + rows : p
        }
        let indices = input.contiguous().toInt64Array().map(Int.init)
        for i in indices where i < 0 || i >= rows {
            throw TensorError(op, "index \(i) is out of range for \(rows) embeddings (num_embeddings; indices run from 0 to \(rows - 1))")
        }
        if let maxNorm {
            try renorm(weight, rows: Set(indices), maxNorm: maxNorm, normType: normType)
        }
        let flat = try Tensor(int64: indices.map(Int64.init), shape: [indices.count])
        let picked = try weight.detach().index([.tensor(flat)])
        let out = try picked.reshape(input.shape + [dim])
        guard Autograd.needsGraph(weight) else { return out }
        // Positions whose gradient reaches the weight (all but padding_idx), and the
        // per-position scale 1 / count when scaling by frequency.
        let kept = pad.map { p in indices.indices.filter { indices[$0] != p } } ?? Array(indices.indices)
        var counts: [Int: Int] = [:]
        if scaleGradByFreq { for i in indices { counts[i, default: 0] += 1 } }
        let weightShape = weight.shape, dtype = weight.dtype
        return Autograd.record(out, op, [weight]) { g in
            var rowsGrad = try g.contiguous().reshape([indices.count, dim])
            if kept.count != indices.count {
                rowsGrad = try rowsGrad.indexSelect(dim: 0, index: Tensor(int64: kept.map(Int64.init), shape: [kept.count]))
            }
            if scaleGradByFreq {
                let scale = kept.map { Float(1) / Float(counts[indices[$0]] ?? 1) }
                rowsGrad = try rowsGrad.mul(Tensor(scale, shape: [kept.count, 1]).to(dtype))
            }
            let target = try Tensor(int64: kept.map { Int64(indices[$0]) }, shape: [kept.count])
            return [try Tensor.zeros(weightShape, dtype: dtype).indexAdd(dim: 0, index: target, source: rowsGrad)]
        }
    }

    /// PyTorch's `embedding_renorm_`: each row in `rows` whose norm exceeds maxNorm is
    /// scaled by maxNorm / (norm + 1e-7), in place and outside autograd.
    private static func renorm(_ weight: Tensor, rows: Set<Int>, maxNorm: Double, normType: Double) throws {
        try withNoGrad {
            for r in rows.sorted() {
                let row = try weight.select(0, r)
                let norm = try row.vectorNorm(normType).item()
                if norm > maxNorm {
                    try row.assign(row.detach().mul(maxNorm / (norm + 1e-7)))
                }
            }
        }
    }
}
