import Dispatch
import VisData
import VisTensor

/// A DataLoader over a dataset written in .vis (LIBRARY.md "Data"). The dataset's
/// `__getitem__` runs in the interpreter, which is single-threaded, so samples are read
/// on the calling thread one after another whatever `num_workers` says; the batches are
/// therefore the same for any `num_workers`. The epoch order follows the native
/// loader's rule (a permutation from (seed, epoch)), and while sample `i` is read the
/// global generator is seeded from (seed, epoch, i), so random transforms called inside
/// `__getitem__` are reproducible per sample as with native datasets. Batches are
/// collated by `Collate` (PyTorch's default_collate).
final class UserLoaderObject: IterableObject, SizedObject {
    let dataset: ValueDataset
    let batchSize: Int
    let shuffle: Bool
    let dropLast: Bool
    /// As given; only recorded (see the type's comment).
    let numWorkers: Int
    let seed: UInt64
    unowned let runtime: Runtime
    /// Epochs started so far.
    private(set) var epoch = 0
    /// Seconds the current epoch spent reading and collating samples (the progress
    /// bar's data wait: all of it is waiting, since nothing runs ahead).
    private(set) var waitSeconds = 0.0

    init(_ dataset: ValueDataset, batchSize: Int, shuffle: Bool, dropLast: Bool, numWorkers: Int, seed: UInt64?, runtime: Runtime) throws {
        guard batchSize > 0 else { throw NativeError("DataLoader: batch_size must be positive, got \(batchSize)") }
        guard numWorkers >= 0 else { throw NativeError("DataLoader: num_workers must be 0 or more, got \(numWorkers)") }
        self.dataset = dataset
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.dropLast = dropLast
        self.numWorkers = numWorkers
        self.seed = seed ?? Generator.global.next()
        self.runtime = runtime
    }

    var typeName: String { "DataLoader" }

    /// Batches per epoch for `n` samples.
    func batches(_ n: Int) -> Int { dropLast ? n / batchSize : n / batchSize + (n % batchSize == 0 ? 0 : 1) }

    func size() throws -> Int { batches(try dataset.count()) }

    func makeIterator() throws -> ValueIterator {
        let n = try ValueDatasets.checkedCount(dataset.count(), "DataLoader")
        let e = epoch
        epoch += 1
        waitSeconds = 0
        let order = DataLoader.epochOrder(count: n, shuffle: shuffle, seed: seed, epoch: e)
        let total = batches(n)
        var b = 0
        return ClosureIterator { [self] in
            guard b < total else { return nil }
            let t0 = DispatchTime.now().uptimeNanoseconds
            defer { waitSeconds += Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9 }
            let start = b * batchSize
            let indices = Array(order[start..<(start + Swift.min(batchSize, n - start))])
            b += 1
            return try Collate.batch(indices.map { try read($0, epoch: e) }, indices: indices)
        }
    }

    /// Sample `index` of epoch `epoch`, with the global generator seeded for it.
    private func read(_ index: Int, epoch: Int) throws -> Value {
        try runtime.checkInterrupt()
        return try DataBuiltins.withGlobalGenerator(Generator(seed: DataLoader.sampleSeed(seed, epoch: epoch, index: index))) {
            try dataset.sample(index)
        }
    }

    func member(_ name: String) throws -> Value? {
        switch name {
        case "dataset": return dataset.value
        case "batch_size": return .int(batchSize)
        case "epoch": return .int(epoch)
        case "wait_seconds": return .float(waitSeconds)
        default: return nil
        }
    }

    var memberNames: [String] { ["dataset", "batch_size", "epoch", "wait_seconds"] }
    var repr: String {
        let count = (try? size()).map { ", \($0) batches" } ?? ""
        return "DataLoader(\(dataset.name), batch_size=\(batchSize), shuffle=\(shuffle ? "true" : "false"), num_workers=0\(count))"
    }
}

/// PyTorch's default_collate over .vis samples: tensors stack into `[batch, ...]`
/// (equal shapes and dtypes), ints become an int64 tensor, floats a float32 tensor
/// (vis's default dtype; torch gives float64), bools a bool tensor, strings a list of
/// strings; tuples and lists collate per position (a tuple stays a tuple, a list a
/// list), dicts per key (the first sample's keys), recursively.
enum Collate {
    /// How deeply samples may nest (bounds the recursion).
    static let maxDepth = 100

    /// One batch from `samples`, the dataset's samples `indices` (for errors).
    static func batch(_ samples: [Value], indices: [Int]) throws -> Value {
        try collate(samples, indices, path: "", depth: 0)
    }

    static func collate(_ xs: [Value], _ indices: [Int], path: String, depth: Int) throws -> Value {
        guard depth < maxDepth else { throw NativeError("DataLoader: samples nested more than \(maxDepth) deep cannot be collated") }
        guard let first = xs.first else { return .list(ListBox([])) }
        let at = path.isEmpty ? "" : " item \(path)"
        func mismatch(_ k: Int) -> NativeError {
            let theirs = at.isEmpty ? "is \(first.typeNameWithArticle)" : "has \(first.typeNameWithArticle) there"
            return NativeError("DataLoader: sample \(indices[k])\(at) is \(xs[k].typeNameWithArticle) but the batch's first sample (\(indices[0])) \(theirs); every sample needs the same structure")
        }
        func sub(_ key: String) -> String { path.isEmpty ? key : path + "." + key }
        switch first {
        case .tensor(let t0):
            var ts: [Tensor] = []
            for (k, x) in xs.enumerated() {
                guard case .tensor(let t) = x else { throw mismatch(k) }
                guard t.shape == t0.shape else {
                    throw NativeError("DataLoader: sample \(indices[k])\(at) has shape \(shapeString(t.shape)) but the batch's first sample (\(indices[0])) has \(shapeString(t0.shape)); resize or crop to one size (Resize, CenterCrop) so samples can be stacked")
                }
                guard t.dtype == t0.dtype else {
                    throw NativeError("DataLoader: sample \(indices[k])\(at) is \(t.dtype) but the batch's first sample (\(indices[0])) is \(t0.dtype)")
                }
                ts.append(t)
            }
            return .tensor(try Tensor.stack(ts))
        case .bool:
            return .tensor(try Tensor(bools: xs.enumerated().map { k, x in
                guard case .bool(let b) = x else { throw mismatch(k) }
                return b
            }))
        case .int:
            return .tensor(try Tensor(int64: xs.enumerated().map { k, x in
                guard let i = x.asInt, !isFloat(x) else { throw mismatch(k) }
                return Int64(i)
            }))
        case .float:
            return .tensor(Tensor(try xs.enumerated().map { k, x in
                guard let d = x.asDouble else { throw mismatch(k) }
                return Float(d)
            }))
        case .string:
            return .list(ListBox(try xs.enumerated().map { k, x in
                guard case .string = x else { throw mismatch(k) }
                return x
            }))
        case .tuple, .list:
            let rows: [[Value]] = try xs.enumerated().map { k, x in
                switch (first, x) {
                case (.tuple, .tuple(let t)): return t
                case (.list, .list(let l)): return l.items
                default: throw mismatch(k)
                }
            }
            let width = rows[0].count
            for (k, r) in rows.enumerated() where r.count != width {
                throw NativeError("DataLoader: sample \(indices[k])\(at) has \(r.count) items but the batch's first sample (\(indices[0])) has \(width); every sample needs the same structure")
            }
            let columns = try (0..<width).map { j in try collate(rows.map { $0[j] }, indices, path: sub(String(j)), depth: depth + 1) }
            if case .tuple = first { return .tuple(columns) }
            return .list(ListBox(columns))
        case .dict(let d0):
            let out = DictBox()
            let dicts: [DictBox] = try xs.enumerated().map { k, x in
                guard case .dict(let d) = x else { throw mismatch(k) }
                return d
            }
            for key in d0.keys {
                let column = try dicts.enumerated().map { k, d -> Value in
                    guard let v = d[key] else { throw NativeError("DataLoader: sample \(indices[k])\(at) has no key \(key), which the batch's first sample (\(indices[0])) has") }
                    return v
                }
                out[key] = try collate(column, indices, path: sub(key.description), depth: depth + 1)
            }
            return .dict(out)
        default:
            throw NativeError("DataLoader: sample \(indices[0])\(at) is \(first.typeNameWithArticle), which cannot be collated (samples hold tensors, ints, floats, bools, strings, and tuples, lists or dicts of them)")
        }
    }

    /// True for a float value (an int batch must not silently truncate one).
    private static func isFloat(_ v: Value) -> Bool { if case .float = v { return true } else { return false } }
}
