import VisTensor

/// One element of a sample: a tensor (image, mask, features) or a class label.
public enum SampleItem {
    case tensor(Tensor)
    case label(Int)
}

/// A dataset: a length and random access to samples. Random transforms draw from the
/// generator they are given, which the DataLoader seeds per sample, so augmentations
/// are the same whatever the number of workers.
public protocol Dataset: AnyObject {
    /// Number of samples.
    var count: Int { get }
    /// Sample `index` (0 <= index < count).
    func sample(_ index: Int, generator: Generator) throws -> [SampleItem]
    /// Class names, when the dataset has classes.
    var classes: [String]? { get }
    /// The label of sample `index` without loading it, when cheap (for counts per class).
    func label(_ index: Int) -> Int?
    /// A one-line name for printing (`FashionMNIST(train, 60000 samples)`).
    var name: String { get }
    /// False when sampling calls back into single-threaded code (a .vis Lambda):
    /// loaders then decode on the consumer thread.
    var threadSafe: Bool { get }
}

extension Dataset {
    public var classes: [String]? { nil }
    public func label(_ index: Int) -> Int? { nil }
    public var threadSafe: Bool { true }

    /// A summary for printing: the name, then samples per class when labels are known.
    public var summary: String {
        var lines = [name]
        if let classes, count > 0, label(0) != nil {
            var counts = [Int](repeating: 0, count: classes.count)
            for i in 0..<count { if let l = label(i), l >= 0, l < counts.count { counts[l] += 1 } }
            let width = classes.map(\.count).max() ?? 0
            for (c, n) in zip(classes, counts) {
                lines.append("  " + c + String(repeating: " ", count: width - c.count) + "  \(n)")
            }
        }
        return lines.joined(separator: "\n")
    }
}

/// Samples made of tensors sliced along their first dimension (PyTorch's TensorDataset).
public final class TensorDataset: Dataset {
    public let tensors: [Tensor]

    public init(_ tensors: [Tensor]) throws {
        guard let first = tensors.first else { throw TensorError("TensorDataset", "needs at least one tensor") }
        guard first.ndim >= 1 else { throw TensorError("TensorDataset", "tensors need a first dimension to index, got a scalar") }
        for (i, t) in tensors.enumerated() where t.ndim < 1 || t.shape[0] != first.shape[0] {
            throw TensorError("TensorDataset", "tensor \(i) has shape \(shapeString(t.shape)) but tensor 0 has \(first.shape[0]) samples (shape \(shapeString(first.shape)))")
        }
        self.tensors = tensors
    }

    public var count: Int { tensors[0].shape[0] }
    public var name: String { "TensorDataset(\(count) samples, \(tensors.count) tensors)" }

    public func sample(_ index: Int, generator: Generator) throws -> [SampleItem] {
        try tensors.map { .tensor(try $0.select(0, index)) }
    }
}

/// The samples of a dataset at the given indices (PyTorch's Subset).
public final class Subset: Dataset {
    public let base: Dataset
    public let indices: [Int]

    public init(_ base: Dataset, indices: [Int]) throws {
        for i in indices where i < 0 || i >= base.count {
            throw TensorError("Subset", "index \(i) is out of range for a dataset of \(base.count) samples")
        }
        self.base = base
        self.indices = indices
    }

    public var count: Int { indices.count }
    public var classes: [String]? { base.classes }
    public var name: String { "Subset(\(count) of \(base.name))" }
    public var threadSafe: Bool { base.threadSafe }
    public func label(_ index: Int) -> Int? { base.label(indices[index]) }
    public func sample(_ index: Int, generator: Generator) throws -> [SampleItem] {
        try base.sample(indices[index], generator: generator)
    }

    /// Splits `base` into random disjoint subsets of the given sizes (PyTorch's
    /// random_split); `seed` makes the split reproducible.
    public static func randomSplit(_ base: Dataset, sizes: [Int], seed: UInt64) throws -> [Subset] {
        try SplitSizes.check(sizes, count: base.count)
        let order = Shuffle.permutation(base.count, generator: Generator(seed: seed))
        var out: [Subset] = []
        var start = 0
        for s in sizes {
            out.append(try Subset(base, indices: Array(order[start..<(start + s)])))
            start += s
        }
        return out
    }
}

/// Datasets one after another (PyTorch's ConcatDataset): index `i` falls in the first
/// part whose cumulative size exceeds it.
public final class ConcatDataset: Dataset {
    public let parts: [Dataset]
    /// Cumulative sizes, fixed when built (as PyTorch's `cumulative_sizes`).
    public let cumulativeSizes: [Int]

    public init(_ parts: [Dataset]) throws {
        guard !parts.isEmpty else { throw TensorError("ConcatDataset", "needs at least one dataset") }
        var total = 0
        var sizes: [Int] = []
        for p in parts {
            let (s, overflow) = total.addingReportingOverflow(p.count)
            guard !overflow else { throw TensorError("ConcatDataset", "too many samples") }
            total = s
            sizes.append(total)
        }
        self.parts = parts
        cumulativeSizes = sizes
    }

    public var count: Int { cumulativeSizes.last ?? 0 }
    public var name: String { "ConcatDataset(\(count) samples, \(parts.count) datasets)" }
    public var threadSafe: Bool { parts.allSatisfy(\.threadSafe) }

    /// The part holding sample `index` and the index inside it.
    public func locate(_ index: Int) -> (Int, Int) {
        var lo = 0, hi = cumulativeSizes.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulativeSizes[mid] > index { hi = mid } else { lo = mid + 1 }
        }
        return (lo, index - (lo == 0 ? 0 : cumulativeSizes[lo - 1]))
    }

    public func label(_ index: Int) -> Int? {
        let (p, i) = locate(index)
        return parts[p].label(i)
    }

    public func sample(_ index: Int, generator: Generator) throws -> [SampleItem] {
        let (p, i) = locate(index)
        return try parts[p].sample(i, generator: generator)
    }
}

/// Fisher-Yates shuffles from a vis generator.
public enum Shuffle {
    /// A random permutation of 0..<n.
    public static func permutation(_ n: Int, generator: Generator) -> [Int] {
        var p = Array(0..<n)
        if n < 2 { return p }
        for i in stride(from: n - 1, to: 0, by: -1) {
            let j = Int(generator.int(below: UInt64(i + 1)))
            p.swapAt(i, j)
        }
        return p
    }
}
