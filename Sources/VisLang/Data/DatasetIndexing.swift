import VisData
import VisTensor

/// A native object that takes, besides `x[i]`, an index selecting several elements at
/// once (a slice, a list, a range or a tensor). `Subscript.get` asks it first; it
/// answers nil for a plain int index, which then goes the usual way.
protocol MultiIndexObject: NativeObject {
    func multiIndex(_ part: SubscriptPart) throws -> Value?
}

/// `ds[10:20]`, `ds[[1, 5, 7]]`, `ds[range(64)]`, `ds[idx_tensor]` where PyTorch allows it:
/// a TensorDataset's `__getitem__` indexes every tensor with the index, so it gives a
/// tuple of tensors (the rows selected, in order); a Subset maps the positions to its
/// dataset's and asks it. Other datasets (MNIST, ImageFolder, ...) read one sample at a
/// time in PyTorch too: an error that says so and names Subset.
extension DatasetObject: MultiIndexObject {
    func multiIndex(_ part: SubscriptPart) throws -> Value? {
        let positions: [Int]
        switch part {
        case .ellipsis: throw NativeError("\(typeName) cannot be indexed with ...")
        case .slice(let a, let b, let c):
            if let t = dataset as? TensorDataset { return .tuple(try t.tensors.map { .tensor(try $0.index(Subscript.tensorIndices([part]))) }) }
            positions = try Subscript.sliceIndices(a, b, c, count: dataset.count)
        case .value(let v):
            switch v {
            case .int, .bool: return nil
            case .tensor(let t) where t.ndim == 0: return nil
            case .tensor(let t):
                if let d = dataset as? TensorDataset { return .tuple(try d.tensors.map { .tensor(try $0.index(Subscript.tensorIndices([part]))) }) }
                guard t.dtype == .int64 || t.dtype == .int32 || t.dtype == .int16 || t.dtype == .int8 || t.dtype == .uint8, t.ndim == 1 else {
                    throw NativeError("\(typeName): a tensor index of a dataset must be a 1-D integer tensor, got \(t.dtype) of shape \(shapeString(t.shape))")
                }
                positions = try ValueDatasets.indices(.tensor(t), "\(typeName): index").map { try DatasetObject.position($0, dataset.count, typeName) }
            case .list, .tuple, .range:
                positions = try ValueDatasets.indices(v, "\(typeName): index").map { try DatasetObject.position($0, dataset.count, typeName) }
            default: return nil
            }
        }
        return try DatasetObject.rows(dataset, positions, typeName)
    }

    /// `i` as a position in 0..<count (negative from the end, as a Python list).
    static func position(_ i: Int, _ count: Int, _ kind: String) throws -> Int {
        let p = i < 0 ? i + count : i
        guard p >= 0, p < count else { throw NativeError("\(kind) index \(i) is out of range for \(count) samples", kind: .indexError) }
        return p
    }

    /// The samples at `positions` of `ds` as PyTorch gives them for a list index.
    static func rows(_ ds: Dataset, _ positions: [Int], _ kind: String) throws -> Value {
        if let t = ds as? TensorDataset {
            let index = try Tensor(int64: positions.map(Int64.init))
            return .tuple(try t.tensors.map { .tensor(try $0.index([.tensor(index)])) })
        }
        if let s = ds as? Subset { return try rows(s.base, positions.map { s.indices[$0] }, kind) }
        throw NativeError("\(kind) cannot be indexed with a slice, list or tensor: its samples are read one at a time (PyTorch's \(kind) cannot either); index one sample (ds[i]), or make a dataset of several with Subset(ds, range(10, 20))")
    }
}
