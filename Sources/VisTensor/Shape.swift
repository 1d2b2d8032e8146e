import Foundation

/// Shape arithmetic shared by every op: element counts, contiguous strides,
/// PyTorch broadcasting and dimension normalisation.
public enum Shape {
    /// Number of elements in a tensor of `shape` (1 for a scalar).
    @inline(__always)
    public static func numel(_ shape: [Int]) -> Int {
        var n = 1
        for d in shape { n &*= d }
        return n
    }

    /// Row-major (C order) strides for `shape`.
    @inline(__always)
    public static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var s = 1
        var i = shape.count - 1
        while i >= 0 {
            strides[i] = s
            s &*= shape[i]
            i -= 1
        }
        return strides
    }

    /// `strides` when they are exactly the row-major strides of `shape` (size-1
    /// dimensions may carry any stride in a contiguous view, so those must be checked).
    @inline(__always)
    static func contiguousStridesIfUnit(_ shape: [Int], _ strides: [Int]) -> [Int] {
        var expected = 1
        var i = shape.count - 1
        while i >= 0 {
            if strides[i] != expected { return contiguousStrides(shape) }
            expected &*= shape[i]
            i -= 1
        }
        return strides
    }

    /// The broadcast shape of `a` and `b` (NumPy/PyTorch rules: align trailing
    /// dimensions; each pair must be equal or contain a 1).
    /// The result is checked against the size limit: every caller allocates it.
    public static func broadcast(_ a: [Int], _ b: [Int], op: String) throws -> [Int] {
        if a == b { return a }
        let out = try broadcastUnchecked(a, b, op: op)
        // [100000, 1] + [1, 100000] must be a size error here, not an allocation
        // failure (equal shapes are valid already).
        try validate(out, op: op)
        return out
    }

    /// `broadcast` without the size check, for callers that validate a larger shape
    /// built from it (matmul's batch, advanced indexing) and report broadcast failures
    /// in their own words.
    static func broadcastUnchecked(_ a: [Int], _ b: [Int], op: String) throws -> [Int] {
        if a == b { return a }
        let n = Swift.max(a.count, b.count)
        var out = [Int](repeating: 1, count: n)
        for i in 0..<n {
            let da = i < n - a.count ? 1 : a[i - (n - a.count)]
            let db = i < n - b.count ? 1 : b[i - (n - b.count)]
            if da == db || db == 1 { out[i] = da } else if da == 1 { out[i] = db } else {
                throw TensorError(op, "shapes \(shapeString(a)) and \(shapeString(b)) cannot be broadcast (dimension \(i): \(da) vs \(db))")
            }
        }
        return out
    }

    /// Strides that read a tensor of `shape`/`strides` as if it had the broadcast
    /// shape `target`: broadcast dimensions get stride 0.
    public static func broadcastStrides(_ shape: [Int], _ strides: [Int], to target: [Int]) -> [Int] {
        let lead = target.count - shape.count
        var out = [Int](repeating: 0, count: target.count)
        for i in 0..<shape.count where shape[i] != 1 || target[lead + i] == 1 {
            out[lead + i] = shape[i] == 1 ? 0 : strides[i]
        }
        return out
    }

    /// Turns a possibly negative `dim` into an index in `0..<ndim`, or throws an error
    /// naming the op and the valid range.
    @inline(__always)
    public static func normalizeDim(_ dim: Int, _ ndim: Int, op: String) throws -> Int {
        let n = Swift.max(ndim, 1)
        let d = dim < 0 ? dim + n : dim
        guard d >= 0 && d < n else {
            throw TensorError(op, "dimension \(dim) is out of range for a tensor with \(ndim) dimension\(ndim == 1 ? "" : "s") (expected \(-n)...\(n - 1))")
        }
        return d
    }

    /// Checks that every size in `shape` is non-negative and that the element count
    /// is within reason (an enormous allocation is an error, not a crash).
    public static func validate(_ shape: [Int], op: String) throws {
        var n = 1
        for d in shape {
            guard d >= 0 else { throw TensorError(op, "negative dimension \(d) in shape \(shapeString(shape))") }
            let (m, overflow) = n.multipliedReportingOverflow(by: d)
            guard !overflow, m <= maxElements else {
                throw TensorError(op, "shape \(shapeString(shape)) is too large (more than \(maxElements) elements)")
            }
            n = m
        }
    }

    /// Checks that the non-zero sizes of an existing tensor multiply to at most
    /// `maxElements`. A tensor with a zero-size dimension may have other sizes whose
    /// product overflows ([0, 2**62, 2**62] holds no element); ops that compute with
    /// those sizes (a plane H * W, a window over H) call this first, so their
    /// arithmetic cannot overflow.
    public static func validateExtent(_ shape: [Int], op: String, name: String = "input") throws {
        var n = 1
        for d in shape where d != 0 {
            let (m, overflow) = n.multipliedReportingOverflow(by: d)
            guard !overflow, m <= maxElements else {
                throw TensorError(op, "\(name) of shape \(shapeString(shape)) has sizes too large to compute with (their product exceeds \(maxElements))")
            }
            n = m
        }
    }

    /// The largest tensor vis will allocate: a quarter of the machine's memory in
    /// float32 elements (and at most 16 Gi), so a typo such as
    /// `zeros(100000, 100000, 100)` is an error rather than an out-of-memory kill.
    /// (The fuzz tests lower it, so generated programs stay small.)
    nonisolated(unsafe) public static var maxElements: Int = {
        let quarter = Int(clamping: ProcessInfo.processInfo.physicalMemory / 16)
        return Swift.max(1 << 20, Swift.min(quarter, 1 << 34))
    }()
}
