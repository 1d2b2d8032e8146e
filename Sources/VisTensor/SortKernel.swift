/// The row kernels behind sort, argsort, topk and kthvalue: every element becomes an
/// unsigned integer key whose unsigned order is PyTorch's order of the values, and rows
/// of keys are sorted by a stable LSD radix sort (or selected by a radix select), so
/// one code path serves every dtype and both directions.
///
/// PyTorch's order: -inf < ... < -0.0 == +0.0 < ... < inf < NaN (every NaN is equal to
/// every other and larger than everything). Descending order is the ascending order of
/// the complemented keys, so NaN comes first and ties keep their index order.

/// An element type that sorts through an unsigned key.
protocol SortableElement {
    /// The unsigned key type (its unsigned order is the element's sort order).
    associatedtype Key: FixedWidthInteger & UnsignedInteger
    /// The key of `x` for ascending order.
    static func sortKey(_ x: Self) -> Key
}

extension Float: SortableElement {
    /// IEEE bits with the sign flipped for positives and all bits flipped for
    /// negatives; -0.0 maps to +0.0's key and every NaN to the largest key.
    @inline(__always)
    static func sortKey(_ x: Float) -> UInt32 {
        if x.isNaN { return .max }
        if x == 0 { return 0x8000_0000 }
        let b = x.bitPattern
        return b & 0x8000_0000 != 0 ? ~b : b | 0x8000_0000
    }
}

extension Double: SortableElement {
    /// Float's key on the 64-bit pattern: -0.0 maps to +0.0's key, every NaN to the
    /// largest key, so float64 sorts by PyTorch's order in the same radix kernel.
    @inline(__always)
    static func sortKey(_ x: Double) -> UInt64 {
        if x.isNaN { return .max }
        if x == 0 { return 0x8000_0000_0000_0000 }
        let b = x.bitPattern
        return b & 0x8000_0000_0000_0000 != 0 ? ~b : b | 0x8000_0000_0000_0000
    }
}

extension Int64: SortableElement {
    /// Two's complement with the sign bit flipped: unsigned order is signed order.
    @inline(__always)
    static func sortKey(_ x: Int64) -> UInt64 { UInt64(bitPattern: x) ^ (1 << 63) }
}

extension Bool: SortableElement {
    /// false < true, as PyTorch sorts bools.
    @inline(__always)
    static func sortKey(_ x: Bool) -> UInt8 { x ? 1 : 0 }
}

/// Sorting and selecting rows of keys; positions within a row are UInt32.
enum SortKernel {
    /// Rows longer than this cannot be sorted (positions are 32-bit).
    static let maxRowLength = Int(UInt32.max)

    /// Rows this short sort by insertion (no histograms to clear).
    static let insertionLimit = 48

    /// Sorts `keys[0..<n]` ascending, carrying `pos` along, stably (equal keys keep
    /// the order of their positions). `tk` / `tp` are scratch of `n` elements. Returns
    /// false when Ctrl-C stopped it (the order is then garbage).
    @inline(__always)
    static func sort<K: FixedWidthInteger & UnsignedInteger>(
        _ keys: UnsafeMutablePointer<K>, _ pos: UnsafeMutablePointer<UInt32>, _ n: Int,
        _ tk: UnsafeMutablePointer<K>, _ tp: UnsafeMutablePointer<UInt32>, _ counts: UnsafeMutablePointer<Int>
    ) -> Bool {
        if n <= insertionLimit {
            insertionSort(keys, pos, n)
            return true
        }
        let passes = K.bitWidth / 8
        counts.initialize(repeating: 0, count: passes * 256)
        // One read of the keys fills the histograms of every byte.
        for i in 0..<n {
            let k = keys[i]
            for p in 0..<passes { counts[p &* 256 &+ Int(truncatingIfNeeded: (k >> (p &* 8)) & 0xFF)] &+= 1 }
        }
        var sk = keys, sp = pos, dk = tk, dp = tp
        for p in 0..<passes {
            let c = counts + p * 256
            // A byte every key shares cannot reorder anything: skip the pass (small
            // integers and floats of one sign skip most of theirs).
            var trivial = false
            for b in 0..<256 where c[b] != 0 { trivial = c[b] == n; break }
            if trivial { continue }
            if Interrupt.requested { return false }
            var sum = 0
            for b in 0..<256 { let v = c[b]; c[b] = sum; sum &+= v }
            let shift = K(p * 8)
            for i in 0..<n {
                let k = sk[i]
                let b = Int(truncatingIfNeeded: (k >> shift) & 0xFF)
                let at = c[b]
                c[b] = at &+ 1
                dk[at] = k
                dp[at] = sp[i]
            }
            swap(&sk, &dk)
            swap(&sp, &dp)
        }
        if sk != keys {
            keys.update(from: sk, count: n)
            pos.update(from: sp, count: n)
        }
        return true
    }

    /// Stable insertion sort of short rows.
    @inline(__always)
    static func insertionSort<K: FixedWidthInteger>(_ keys: UnsafeMutablePointer<K>, _ pos: UnsafeMutablePointer<UInt32>, _ n: Int) {
        if n < 2 { return }
        for i in 1..<n {
            let k = keys[i], p = pos[i]
            var j = i
            while j > 0 && keys[j - 1] > k {
                keys[j] = keys[j - 1]
                pos[j] = pos[j - 1]
                j -= 1
            }
            keys[j] = k
            pos[j] = p
        }
    }

    /// The top byte of a key (the first digit of `select`).
    @inline(__always)
    static func topByte<K: FixedWidthInteger & UnsignedInteger>(_ key: K) -> Int {
        Int(truncatingIfNeeded: key >> K(K.bitWidth - 8))
    }

    /// The k-th smallest key (1-based) of `keys[0..<n]` and how many keys are
    /// smaller, by a radix select from the top byte down: each round keeps only the
    /// keys that share the prefix found so far (`scratch` holds them, `n` elements).
    /// `c` holds 256 counts: on entry, the histogram of the keys' top bytes (the
    /// caller counts them while it writes the keys, saving a pass).
    @inline(__always)
    static func select<K: FixedWidthInteger & UnsignedInteger>(
        _ keys: UnsafePointer<K>, _ n: Int, _ k: Int, _ scratch: UnsafeMutablePointer<K>, _ c: UnsafeMutablePointer<Int>
    ) -> (threshold: K, less: Int) {
        var prefix: K = 0, remaining = k, m = n
        var src = keys
        var shift = K.bitWidth - 8
        do {
            var first = true
            while true {
                let sh = K(shift)
                if !first {
                    c.initialize(repeating: 0, count: 256)
                    for i in 0..<m { c[Int(truncatingIfNeeded: (src[i] >> sh) & 0xFF)] &+= 1 }
                }
                first = false
                var b = 0, below = 0
                while below + c[b] < remaining { below += c[b]; b += 1 }
                remaining -= below
                prefix |= K(b) << sh
                if shift == 0 { break }
                // Keep the keys in bucket b for the next byte.
                var w = 0
                for i in 0..<m where Int(truncatingIfNeeded: (src[i] >> sh) & 0xFF) == b { scratch[w] = src[i]; w += 1 }
                src = UnsafePointer(scratch)
                m = w
                shift -= 8
            }
            return (prefix, k - remaining)
        }
    }

    /// Scratch memory for a kernel, from the buffer cache (a warm buffer: no page
    /// faults on every call), kept alive by the returned storage.
    static func scratch<T>(_ count: Int, _ type: T.Type) -> (Storage, UnsafeMutablePointer<T>) {
        let s = Storage(byteCount: Swift.max(count, 1) * MemoryLayout<T>.stride)
        return (s, s.data.bindMemory(to: T.self, capacity: Swift.max(count, 1)))
    }
}
