import Foundation

/// A size-bucketed cache of raw buffers, so that a training step in steady state
/// allocates nothing from the system: a freed tensor's buffer goes back to its bucket
/// (powers of two) and the next tensor of a similar size takes it.
///
/// The cache holds at most `limitBytes` of idle buffers; beyond that, freed buffers go
/// back to the system. It is thread-safe (DataLoader workers allocate too).
public final class BufferCache: @unchecked Sendable {
    /// The process-wide cache that `Storage` uses.
    public static let shared = BufferCache()

    /// Largest total size of idle buffers kept for reuse.
    public var limitBytes = 2 << 30

    private var buckets: [[UnsafeMutableRawPointer]] = Array(repeating: [], count: 64)
    private var idleBytes = 0
    private var lock = pthread_mutex_t()

    /// How many buffers were requested from the system (malloc) so far; a steady-state
    /// loop leaves it unchanged after its first iteration.
    public private(set) var systemAllocations = 0
    /// How many requests were served from the cache.
    public private(set) var reuses = 0

    init() { pthread_mutex_init(&lock, nil) }

    /// The bucket index and capacity for a request of `bytes` (at least 64 bytes,
    /// rounded up to a power of two).
    @inline(__always)
    static func bucket(for bytes: Int) -> (index: Int, capacity: Int) {
        let n = Swift.max(bytes, 64)
        let index = Int.bitWidth - (n - 1).leadingZeroBitCount
        return (index, 1 << index)
    }

    /// Returns a buffer of at least `bytes` bytes, 64-byte aligned, and its capacity.
    public func allocate(_ bytes: Int) -> (UnsafeMutableRawPointer, Int) {
        let (index, capacity) = BufferCache.bucket(for: bytes)
        pthread_mutex_lock(&lock)
        if let p = buckets[index].popLast() {
            idleBytes -= capacity
            reuses += 1
            pthread_mutex_unlock(&lock)
            return (p, capacity)
        }
        systemAllocations += 1
        pthread_mutex_unlock(&lock)
        return (UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 64), capacity)
    }

    /// Gives a buffer obtained from `allocate` back for reuse.
    public func release(_ p: UnsafeMutableRawPointer, capacity: Int) {
        let index = capacity.trailingZeroBitCount
        pthread_mutex_lock(&lock)
        if idleBytes + capacity <= limitBytes {
            buckets[index].append(p)
            idleBytes += capacity
            pthread_mutex_unlock(&lock)
            return
        }
        pthread_mutex_unlock(&lock)
        p.deallocate()
    }

    /// Returns every idle buffer to the system.
    public func trim() {
        pthread_mutex_lock(&lock)
        for i in buckets.indices {
            for p in buckets[i] { p.deallocate() }
            buckets[i].removeAll()
        }
        idleBytes = 0
        pthread_mutex_unlock(&lock)
    }
}
