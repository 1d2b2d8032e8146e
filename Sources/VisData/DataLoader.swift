import Foundation
import VisTensor

/// Batches of samples from a dataset (PyTorch's DataLoader): shuffled per epoch,
/// collated (tensors stacked, labels as int64), decoded and augmented ahead of the
/// training loop on `numWorkers` threads with a bounded queue.
///
/// Each epoch's order and each sample's random augmentations come from generators
/// derived from (seed, epoch, sample index), so they are identical for any number of
/// workers (unlike PyTorch, pytorch#7068).
public final class DataLoader {
    public let dataset: Dataset
    public let batchSize: Int
    public let shuffle: Bool
    public let dropLast: Bool
    public let numWorkers: Int
    /// The seed every epoch's order and augmentations derive from.
    public let seed: UInt64
    /// Epochs started so far.
    public private(set) var epoch = 0

    /// A loader; without `seed`, one is drawn from the global generator (so `seed(n)`
    /// still makes runs reproducible).
    public init(_ dataset: Dataset, batchSize: Int = 1, shuffle: Bool = false, dropLast: Bool = false,
                numWorkers: Int = 0, seed: UInt64? = nil) throws {
        guard batchSize > 0 else { throw TensorError("DataLoader", "batch_size must be positive, got \(batchSize)") }
        guard numWorkers >= 0 else { throw TensorError("DataLoader", "num_workers must be 0 or more, got \(numWorkers)") }
        self.dataset = dataset
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.dropLast = dropLast
        self.numWorkers = dataset.threadSafe ? numWorkers : 0
        self.seed = seed ?? Generator.global.next()
    }

    /// Number of batches per epoch.
    public var batchCount: Int {
        // Without count + batchSize - 1, which overflows for batch_size near 2**63.
        dropLast ? dataset.count / batchSize : dataset.count / batchSize + (dataset.count % batchSize == 0 ? 0 : 1)
    }

    /// Starts the next epoch.
    public func makeIterator() -> BatchIterator {
        defer { epoch += 1 }
        return BatchIterator(loader: self, order: DataLoader.epochOrder(count: dataset.count, shuffle: shuffle, seed: seed, epoch: epoch), epoch: epoch)
    }

    /// The order of samples in epoch `epoch`: 0..<count, or a permutation drawn from
    /// (seed, epoch). The one rule for native loaders and loaders over .vis datasets.
    public static func epochOrder(count: Int, shuffle: Bool, seed: UInt64, epoch: Int) -> [Int] {
        shuffle ? Shuffle.permutation(count, generator: Generator(seed: mix(seed, UInt64(epoch), 0x5EED))) : Array(0..<count)
    }

    /// The seed of sample `index`'s random augmentations in epoch `epoch`.
    public static func sampleSeed(_ seed: UInt64, epoch: Int, index: Int) -> UInt64 {
        mix(seed, UInt64(epoch), UInt64(index))
    }

    /// A well-mixed seed from three numbers (SplitMix64 finaliser over their combination).
    static func mix(_ a: UInt64, _ b: UInt64, _ c: UInt64) -> UInt64 {
        var z = a &+ 0x9E37_79B9_7F4A_7C15 &* (b &+ 1) &+ 0xBF58_476D_1CE4_E5B9 &* (c &+ 1)
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Loads and collates batch `b` of an epoch's `order`. Each sample is copied into
    /// its batch slot as soon as it is made, while its pixels are still in cache, and
    /// its own buffer goes back to the cache for the next sample (this is what lets two
    /// workers decode at twice the rate of one, see BatchCollator).
    func loadBatch(_ b: Int, order: [Int], epoch: Int, cancelled: () -> Bool) throws -> [Tensor] {
        let start = b * batchSize  // b < batchCount, so start < order.count
        let end = start + Swift.min(batchSize, order.count - start)
        var collator = BatchCollator(count: end - start)
        for i in start..<end {
            if cancelled() { throw InterruptError() }
            let index = order[i]
            let generator = Generator(seed: DataLoader.sampleSeed(seed, epoch: epoch, index: index))
            let sample: [SampleItem]
            do {
                sample = try dataset.sample(index, generator: generator)
            } catch let e as TensorError {
                throw TensorError("DataLoader", "sample \(index): \(e.message)")
            }
            try collator.add(sample, index: index)
        }
        return try collator.finish()
    }

    /// Stacks each position of the samples: tensors into a batch tensor, labels into int64.
    public static func collate(_ samples: [[SampleItem]]) throws -> [Tensor] {
        var collator = BatchCollator(count: samples.count)
        for (i, s) in samples.enumerated() { try collator.add(s, index: i) }
        return try collator.finish()
    }
}

/// Builds one batch sample by sample (PyTorch's default_collate, streamed): tensors
/// at each position of the sample go into one [count, ...] tensor, labels into an
/// int64 vector. Copying each sample in as it arrives keeps the copy in cache, where
/// stacking a finished list would read every image back from memory.
struct BatchCollator {
    let count: Int
    private var columns: [Column] = []
    private var added = 0

    /// One position of the samples: a batch tensor being filled, or labels.
    private enum Column {
        case tensor(Tensor)
        case labels([Int64])

        /// "tensor" or "label", for errors.
        var kind: String {
            if case .tensor = self { return "tensor" }
            return "label"
        }
    }

    init(count: Int) { self.count = count }

    /// Copies `sample` (the dataset's sample `index`, for errors) into the next slot.
    mutating func add(_ sample: [SampleItem], index: Int) throws {
        if added == 0 {
            columns = try sample.map { item in
                switch item {
                case .tensor(let t):
                    try Shape.validate([count] + t.shape, op: "DataLoader")
                    return .tensor(Tensor(uninitialized: [count] + t.shape, dtype: t.dtype))
                case .label: return .labels([])
                }
            }
        }
        guard sample.count == columns.count else {
            throw TensorError("DataLoader", "sample \(index) has \(sample.count) items but the batch's first sample has \(columns.count); every sample needs the same structure")
        }
        for k in 0..<columns.count {
            switch (columns[k], sample[k]) {
            case (.tensor(let batch), .tensor(let t)):
                let expected = Array(batch.shape.dropFirst())
                guard t.shape == expected else {
                    throw TensorError("DataLoader", "sample \(index) item \(k) has shape \(shapeString(t.shape)) but the batch's first sample has \(shapeString(expected)); resize or crop to one size (Resize, CenterCrop) so samples can be stacked")
                }
                guard t.dtype == batch.dtype else {
                    throw TensorError("DataLoader", "sample \(index) item \(k) is \(t.dtype) but the batch's first sample is \(batch.dtype)")
                }
                let src = t.contiguous()
                let es = t.dtype.size, bytes = t.count * es
                (batch.storage.data + batch.offset * es + added * bytes)
                    .copyMemory(from: src.storage.data + src.offset * es, byteCount: bytes)
            case (.labels(var labels), .label(let l)):
                columns[k] = .labels([])  // keep the array uniquely referenced while it grows
                labels.append(Int64(l))
                columns[k] = .labels(labels)
            default:
                throw TensorError("DataLoader", "sample \(index) item \(k) is a \(sample[k].kind) where the batch's first sample has a \(columns[k].kind); every sample needs the same structure")
            }
        }
        added += 1
    }

    /// The batch: one tensor per position (labels as int64 [count]).
    func finish() throws -> [Tensor] {
        try columns.map { column in
            switch column {
            case .tensor(let t): return t
            case .labels(let ls): return try Tensor(int64: ls)
            }
        }
    }
}

extension SampleItem {
    /// "tensor" or "label", for errors.
    var kind: String {
        if case .tensor = self { return "tensor" }
        return "label"
    }
}

/// One epoch of batches. Workers fill a bounded set of ready batches ahead of the
/// consumer; `close()` (also on deinit, when a loop ends early) stops them.
public final class BatchIterator {
    let loader: DataLoader
    let queue: BatchQueue
    private var nextToTake = 0
    /// Seconds the consumer spent waiting for batches (for the progress bar).
    public private(set) var waitSeconds = 0.0
    /// Batches handed out so far.
    public var delivered: Int { nextToTake }

    init(loader: DataLoader, order: [Int], epoch: Int) {
        self.loader = loader
        let total = loader.batchCount
        // At most `maxWorkers` threads whatever num_workers says (the batches are the
        // same for any number; a million threads would only exhaust the process).
        let workers = Swift.min(loader.numWorkers, total, BatchIterator.maxWorkers)
        queue = BatchQueue(total: total, prefetch: Swift.max(2, 2 * workers)) { b, cancelled in
            try loader.loadBatch(b, order: order, epoch: epoch, cancelled: cancelled)
        }
        queue.start(workers: workers)
    }

    deinit { queue.close() }

    /// The most worker threads one epoch starts.
    static let maxWorkers = 64

    /// The next batch, or nil at the end of the epoch. Polls Ctrl-C while waiting.
    public func next() throws -> [Tensor]? {
        guard nextToTake < queue.total else { return nil }
        let b = nextToTake
        let t0 = DispatchTime.now().uptimeNanoseconds
        defer { waitSeconds += Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9 }
        let batch = try queue.take(b)
        nextToTake += 1
        return batch
    }

    /// Stops the workers (they finish the sample they are on).
    public func close() { queue.close() }
}

/// The state workers and consumer share: which batches are claimed, which are ready.
/// Workers hold this, not the iterator, so dropping the iterator mid-epoch stops them.
final class BatchQueue: @unchecked Sendable {
    let total: Int
    let prefetch: Int
    let load: (Int, () -> Bool) throws -> [Tensor]
    private let condition = NSCondition()
    private var ready: [Int: Result<[Tensor], Error>] = [:]
    private var nextToClaim = 0
    private var taken = 0
    private var cancelled = false
    private var running = 0
    /// True when the consumer loads batches itself (no workers).
    private var inline = true

    init(total: Int, prefetch: Int, load: @escaping (Int, () -> Bool) throws -> [Tensor]) {
        self.total = total
        self.prefetch = prefetch
        self.load = load
    }

    func start(workers: Int) {
        running = workers
        inline = workers == 0
        for _ in 0..<workers { Thread { self.work() }.start() }
    }

    var isCancelled: Bool {
        condition.lock()
        defer { condition.unlock() }
        return cancelled
    }

    private func work() {
        while true {
            condition.lock()
            while !cancelled && nextToClaim < total && nextToClaim >= taken + prefetch { condition.wait() }
            if cancelled || nextToClaim >= total {
                running -= 1
                condition.broadcast()
                condition.unlock()
                return
            }
            let b = nextToClaim
            nextToClaim += 1
            condition.unlock()
            let result = Result { try load(b) { self.isCancelled } }
            condition.lock()
            ready[b] = result
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Batch `b`: loaded here when there are no workers, else waited for.
    func take(_ b: Int) throws -> [Tensor] {
        if inline {
            taken += 1
            return try load(b) { Interrupt.requested }
        }
        condition.lock()
        while ready[b] == nil {
            if Interrupt.requested || cancelled {
                condition.unlock()
                close()
                try Interrupt.check()
                throw InterruptError()
            }
            _ = condition.wait(until: Date().addingTimeInterval(0.05))
        }
        let result = ready.removeValue(forKey: b)
        taken += 1
        condition.broadcast()
        condition.unlock()
        switch result {
        case .success(let batch)?: return batch
        case .failure(let error)?:
            close()
            throw error
        case nil: throw InterruptError()
        }
    }

    /// Stops the workers and waits until they have.
    func close() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        while running > 0 { condition.wait() }
        ready.removeAll()
        condition.unlock()
    }
}
