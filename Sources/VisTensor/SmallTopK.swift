import Foundation

/// topk when k is small against the row (k = 10 of 1024, 100 of a million): one pass
/// over the row keeps a buffer of candidates and a threshold, the key of the k-th best
/// candidate so far, so almost every element costs one key and one comparison and is
/// dropped (on random data about k * ln(n / k) elements ever enter the buffer). A full
/// buffer is compacted to its best k by the stable radix sort. A long row is split
/// across the cores, each chunk gives its best k, and the chunks' candidates merge by
/// one more stable sort.
///
/// The result is exactly the radix-select path's: the first k of the row's stable order
/// by (key, position). Candidates enter in position order and every sort is stable, so
/// among equal keys the earlier position wins, and an element whose key only equals the
/// threshold comes after the k kept ones and is dropped.
enum SmallTopK {
    /// True when this path is the faster one: k at most a sixteenth of the row (and at
    /// most 4096, so the buffers stay in cache).
    static func applies(n: Int, k: Int) -> Bool { k > 0 && k <= 4096 && k <= n / 16 }

    /// Elements per chunk when one row is split across the cores: below this the
    /// dispatch costs more than it saves.
    static let minChunk = 1 << 16

    /// Scratch of one scanning worker: the candidate buffer (keys and positions), the
    /// sort's temporaries and histograms.
    struct Scratch<K: FixedWidthInteger & UnsignedInteger> {
        let capacity: Int
        let storages: [Storage]
        let keys: UnsafeMutablePointer<K>, pos: UnsafeMutablePointer<UInt32>
        let tk: UnsafeMutablePointer<K>, tp: UnsafeMutablePointer<UInt32>
        let counts: UnsafeMutablePointer<Int>

        /// Buffers for `capacity` candidates.
        init(capacity: Int) {
            self.capacity = capacity
            let (a, keys) = SortKernel.scratch(capacity, K.self)
            let (b, pos) = SortKernel.scratch(capacity, UInt32.self)
            let (c, tk) = SortKernel.scratch(capacity, K.self)
            let (d, tp) = SortKernel.scratch(capacity, UInt32.self)
            let (e, counts) = SortKernel.scratch(256 * 8, Int.self)
            (self.keys, self.pos, self.tk, self.tp, self.counts) = (keys, pos, tk, tp, counts)
            storages = [a, b, c, d, e]
        }
    }

    /// The buffer size for k: room for several times k new candidates between
    /// compactions, so a compaction's sort is paid for by many dropped elements.
    static func capacity(_ k: Int) -> Int { Swift.max(4 * k, 256) }

    /// The best `k` (key, position) of `row[start..<end]`, sorted by (key, position), in
    /// `s.keys` / `s.pos`; returns how many (k, or fewer for a shorter range), or nil
    /// when Ctrl-C stopped it. Keys are complemented for `largest`.
    @inline(__always)
    static func scan<T: SortableElement>(_ row: UnsafePointer<T>, _ start: Int, _ end: Int, _ k: Int,
                                         _ largest: Bool, _ s: Scratch<T.Key>) -> Int? {
        let flip: T.Key = largest ? ~0 : 0
        let cap = s.capacity, bk = s.keys, bp = s.pos
        var m = 0, full = false, threshold: T.Key = 0
        // Sorts the m candidates and keeps the best k; the k-th is the new threshold.
        func compact() -> Bool {
            guard SortKernel.sort(bk, bp, m, s.tk, s.tp, s.counts) else { return false }
            if m >= k {
                m = k
                threshold = bk[k - 1]
                full = true
            }
            return true
        }
        var j = start
        while j < end {
            let stop = Swift.min(end, j + Interrupt.pollBlock)
            while j < stop {
                let key = T.sortKey(row[j]) ^ flip
                if !full || key < threshold {
                    bk[m] = key
                    bp[m] = UInt32(truncatingIfNeeded: j)
                    m += 1
                    if m == cap && !compact() { return nil }
                }
                j += 1
            }
            if Interrupt.requested { return nil }
        }
        guard compact() else { return nil }
        return Swift.min(m, k)
    }

    /// topk of each of `rowCount` rows of `n` elements (`SmallTopK.applies(n, k)`):
    /// values into `values` and positions into `indices`, k per row, best first.
    static func run<T: SortableElement>(_ src: UnsafeMutablePointer<T>, _ values: UnsafeMutablePointer<T>,
                                        _ indices: UnsafeMutablePointer<Int64>, _ rowCount: Int, _ n: Int,
                                        _ k: Int, _ largest: Bool) {
        if rowCount == 0 { return }
        let chunks = Swift.min(Parallel.cores, n / minChunk)
        if rowCount >= Parallel.cores || chunks < 2 {
            // Rows in parallel, each row scanned whole by one core.
            Parallel.forRange(rowCount, costPerElement: n) { r0, r1 in
                let s = Scratch<T.Key>(capacity: capacity(k))
                defer { withExtendedLifetime(s.storages) {} }
                for r in r0..<r1 {
                    let row = UnsafePointer(src + r * n)
                    guard let got = scan(row, 0, n, k, largest, s) else { return }
                    emit(row, s.pos, got, values + r * k, indices + r * k)
                }
            }
            return
        }
        // A few long rows: each row in `chunks` pieces across the cores, merged.
        let workers = (0..<chunks).map { _ in Scratch<T.Key>(capacity: capacity(k)) }
        let merged = Scratch<T.Key>(capacity: chunks * k)
        defer { withExtendedLifetime((workers.map(\.storages), merged.storages)) {} }
        var found = [Int](repeating: 0, count: chunks)
        for r in 0..<rowCount {
            if Interrupt.requested { return }
            let row = UnsafePointer(src + r * n)
            found.withUnsafeMutableBufferPointer { found in
                DispatchQueue.concurrentPerform(iterations: chunks) { c in
                    let start = n / chunks * c + Swift.min(c, n % chunks)
                    let end = start + n / chunks + (c < n % chunks ? 1 : 0)
                    found[c] = scan(row, start, end, k, largest, workers[c]) ?? -1
                }
            }
            if found.contains(-1) { return }
            // Chunks in position order, each sorted by (key, position): a stable sort by
            // key of their concatenation orders equal keys by position.
            var m = 0
            for c in 0..<chunks {
                (merged.keys + m).update(from: workers[c].keys, count: found[c])
                (merged.pos + m).update(from: workers[c].pos, count: found[c])
                m += found[c]
            }
            guard SortKernel.sort(merged.keys, merged.pos, m, merged.tk, merged.tp, merged.counts) else { return }
            emit(row, merged.pos, Swift.min(m, k), values + r * k, indices + r * k)
        }
    }

    /// Writes the values and int64 positions of the first `count` candidates.
    @inline(__always)
    static func emit<T>(_ row: UnsafePointer<T>, _ pos: UnsafeMutablePointer<UInt32>, _ count: Int,
                        _ vo: UnsafeMutablePointer<T>, _ io: UnsafeMutablePointer<Int64>) {
        for j in 0..<count {
            let p = Int(pos[j])
            vo[j] = row[p]
            io[j] = Int64(p)
        }
    }
}
