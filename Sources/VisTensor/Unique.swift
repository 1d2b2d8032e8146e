/// unique and unique_consecutive, over elements or over slices along a dimension,
/// with the inverse indices and counts PyTorch returns. As in PyTorch, NaN is never
/// equal to anything (each NaN is its own unique value, sorted last) and -0.0 equals 0.0.
extension Tensor {
    /// The result of unique / unique_consecutive.
    public struct UniqueResult {
        /// The distinct values (1-D), or slices along the dimension.
        public let values: Tensor
        /// For each input element (or slice), the position of its value in `values`.
        public let inverse: Tensor
        /// How many input elements (or slices) each value stands for.
        public let counts: Tensor
    }

    /// The sorted distinct elements (`dim` nil) or distinct slices along `dim`, sorted
    /// lexicographically (PyTorch's `unique`; vis always sorts, as PyTorch does on the CPU).
    public func unique(dim: Int? = nil) throws -> UniqueResult {
        try uniqueGroups(dim: dim, consecutive: false, op: "unique")
    }

    /// The runs of equal consecutive elements (or slices along `dim`) collapsed to one
    /// (PyTorch's `unique_consecutive`).
    public func uniqueConsecutive(dim: Int? = nil) throws -> UniqueResult {
        try uniqueGroups(dim: dim, consecutive: true, op: "unique_consecutive")
    }

    /// Groups the rows of this tensor seen as [n, m] (elements: m = 1; slices: the dim
    /// moved first), sorted unless `consecutive`, and builds the result.
    private func uniqueGroups(dim: Int?, consecutive: Bool, op: String) throws -> UniqueResult {
        let x = detach()
        var d = 0
        let rows: Tensor
        if let dim {
            d = try Shape.normalizeDim(dim, ndim, op: op)
            guard ndim > 0 else { throw TensorError(op, "dim \(dim) needs a tensor with at least 1 dimension, got a 0-d tensor") }
            let moved = d == 0 ? x : try x.transpose(0, d)
            let n = shape[d]
            let m = n == 0 ? 0 : count / n
            rows = try moved.contiguous().reshape([n, m])
        } else {
            rows = try x.reshape([count, 1])
        }
        let n = rows.shape[0], m = rows.shape[1]
        // Integers compare as int64 (through Double, 2^53 + 1 would equal 2^53), floats
        // as Double (exact for every float dtype).
        let ints: [Int64]? = (dtype.isInteger || dtype == .bool) ? rows.toInt64Array() : nil
        let data = ints == nil ? rows.toDoubleArray() : []
        // Row order: by sort key element by element (NaN last), ties by position.
        func less(_ a: Int, _ b: Int) -> Bool {
            if let ints {
                for k in 0..<m where ints[a * m + k] != ints[b * m + k] { return ints[a * m + k] < ints[b * m + k] }
                return false
            }
            for k in 0..<m {
                let u = data[a * m + k], v = data[b * m + k]
                if u == v { continue }
                if u.isNaN { return false }
                if v.isNaN { return true }
                return u < v
            }
            return false
        }
        func same(_ a: Int, _ b: Int) -> Bool {
            if let ints {
                for k in 0..<m where ints[a * m + k] != ints[b * m + k] { return false }
                return true
            }
            for k in 0..<m where !(data[a * m + k] == data[b * m + k]) { return false }
            return true
        }
        var order = Array(0..<n)
        if !consecutive {
            if m == 1 && dim == nil {
                order = try sortOrder()
            } else {
                // Swift's sort cannot be stopped: after Ctrl-C every comparison answers
                // at once (the order is then discarded), so the sort ends quickly.
                var calls = 0, stopped = false
                order.sort { a, b in
                    calls &+= 1
                    if calls & (Interrupt.pollBlock - 1) == 0 && Interrupt.requested { stopped = true }
                    if stopped { return false }
                    return less(a, b) || (!less(b, a) && a < b)
                }
                try Tensor.checkInterrupt()
            }
        }
        var firsts: [Int] = [], counts: [Int64] = []
        var inverse = [Int64](repeating: 0, count: n)
        for (i, r) in order.enumerated() {
            if Interrupt.due(i) { try Interrupt.check() }
            if i == 0 || !same(order[i - 1], r) { firsts.append(r); counts.append(0) }
            counts[counts.count - 1] += 1
            inverse[r] = Int64(firsts.count - 1)
        }
        let firstIdx = try Tensor(int64: firsts.map(Int64.init), shape: [firsts.count])
        let values: Tensor
        if dim != nil {
            values = try x.indexSelect(dim: d, index: firstIdx)
        } else {
            values = try x.reshape([count]).indexSelect(dim: 0, index: firstIdx)
        }
        let invShape = dim == nil ? shape : [n]
        return UniqueResult(values: values, inverse: try Tensor(int64: inverse, shape: invShape),
                            counts: try Tensor(int64: counts, shape: [counts.count]))
    }

    /// The stable ascending order of this tensor's elements (flattened), by the sort kernel.
    private func sortOrder() throws -> [Int] {
        try detach().reshape([count]).sort(dim: 0).indices.toInt64Array().map { Int($0) }
    }
}
