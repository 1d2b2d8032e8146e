/// The reference-counted memory behind one or more tensor views. Views share a
/// Storage; the buffer goes back to the `BufferCache` when the last view is gone.
public final class Storage {
    /// Start of the buffer (64-byte aligned).
    public let data: UnsafeMutableRawPointer
    /// Bytes requested (the usable size).
    public let byteCount: Int
    private let capacity: Int
    /// How many in-place writes this memory has had (PyTorch's version counter, shared
    /// by every view of it). Autograd compares it with the version a saved tensor had.
    public internal(set) var version = 0

    /// The storage whose memory this one shares (`x.data`), kept alive by it; nil when
    /// the memory is this storage's own.
    private let owner: Storage?

    /// Memory for `byteCount` bytes, uninitialised.
    public init(byteCount: Int) {
        (data, capacity) = BufferCache.shared.allocate(byteCount)
        self.byteCount = byteCount
        owner = nil
    }

    /// The same memory as `other` with a version counter of its own, starting at 0:
    /// PyTorch's `x.data` shares x's memory but not its version counter, so writes
    /// through it are not seen by autograd's saved-tensor checks (that is what `.data`
    /// is for; `detach()` shares the counter).
    public init(aliasing other: Storage) {
        let root = other.owner ?? other
        data = root.data
        byteCount = root.byteCount
        capacity = root.capacity
        owner = root
    }

    /// True when this storage and `other` are the same memory (one may alias the other).
    @inline(__always) public func sharesMemory(with other: Storage) -> Bool { data == other.data }

    /// Memory for `count` elements of `dtype`, filled with zero bytes.
    public convenience init(zeroed count: Int, dtype: DType) {
        self.init(byteCount: count * dtype.size)
        data.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount)
    }

    /// Counts one in-place write (every write into existing memory calls it).
    @inline(__always) public func bumpVersion() { version &+= 1 }

    deinit {
        // An alias's memory goes back with its owner.
        if owner == nil { BufferCache.shared.release(data, capacity: capacity) }
    }

    /// The buffer as float32 elements.
    @inline(__always) public var floats: UnsafeMutablePointer<Float> { data.assumingMemoryBound(to: Float.self) }
    /// The buffer as int64 elements.
    @inline(__always) public var int64s: UnsafeMutablePointer<Int64> { data.assumingMemoryBound(to: Int64.self) }
    /// The buffer as bool elements (one byte each, 0 or 1).
    @inline(__always) public var bools: UnsafeMutablePointer<Bool> { data.assumingMemoryBound(to: Bool.self) }
    /// The buffer as float64 elements.
    @inline(__always) public var doubles: UnsafeMutablePointer<Double> { data.assumingMemoryBound(to: Double.self) }
    /// The buffer as float16 elements.
    @inline(__always) public var halfs: UnsafeMutablePointer<Float16> { data.assumingMemoryBound(to: Float16.self) }
    /// The buffer as bfloat16 elements.
    @inline(__always) public var bfloat16s: UnsafeMutablePointer<BFloat16> { data.assumingMemoryBound(to: BFloat16.self) }
    /// The buffer as uint8 elements.
    @inline(__always) public var uint8s: UnsafeMutablePointer<UInt8> { data.assumingMemoryBound(to: UInt8.self) }
    /// The buffer as int8 elements.
    @inline(__always) public var int8s: UnsafeMutablePointer<Int8> { data.assumingMemoryBound(to: Int8.self) }
    /// The buffer as int16 elements.
    @inline(__always) public var int16s: UnsafeMutablePointer<Int16> { data.assumingMemoryBound(to: Int16.self) }
    /// The buffer as int32 elements.
    @inline(__always) public var int32s: UnsafeMutablePointer<Int32> { data.assumingMemoryBound(to: Int32.self) }
}
