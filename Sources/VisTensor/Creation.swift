import Foundation

/// A nested list of numbers or bools, the Swift form of `tensor([[1, 2], [3, 4]])`.
public indirect enum TensorLiteral: Sendable {
    case float(Double)
    case int(Int64)
    case bool(Bool)
    case list([TensorLiteral])
}

extension Tensor {
    // MARK: Filled tensors

    /// A tensor of `shape` filled with `value` (converted to `dtype`).
    public static func full(_ shape: [Int], _ value: Double, dtype: DType = .float32) -> Tensor {
        let t = Tensor(uninitialized: shape, dtype: dtype)
        let n = t.count
        switch dtype {
        case .float32: t.floatPointer.initialize(repeating: Float(value), count: n)
        case .int64: t.int64Pointer.initialize(repeating: Int64(exactly: value.rounded(.towardZero)) ?? 0, count: n)
        case .bool: t.boolPointer.initialize(repeating: value != 0, count: n)
        case .float64: t.doublePointer.initialize(repeating: value, count: n)
        default:
            // The other dtypes: one element converted by `cast` (its rounding and
            // saturation rules), then its bytes repeated.
            let one = Tensor(uninitialized: [], dtype: .float64)
            one.doublePointer[0] = value
            let e = one.cast(dtype)
            let size = dtype.size
            for i in 0..<n { (t.storage.data + i * size).copyMemory(from: e.storage.data, byteCount: size) }
        }
        return t
    }

    /// Checked form of `full` for shapes that come from users.
    public static func full(checked shape: [Int], _ value: Double, dtype: DType = .float32, op: String = "full") throws -> Tensor {
        try Shape.validate(shape, op: op)
        return full(shape, value, dtype: dtype)
    }

    /// Zeros of `shape`.
    public static func zeros(_ shape: [Int], dtype: DType = .float32) throws -> Tensor {
        try full(checked: shape, 0, dtype: dtype, op: "zeros")
    }

    /// Ones of `shape`.
    public static func ones(_ shape: [Int], dtype: DType = .float32) throws -> Tensor {
        try full(checked: shape, 1, dtype: dtype, op: "ones")
    }

    /// A scalar (0-dimensional) tensor.
    public static func scalar(_ value: Double, dtype: DType = .float32) -> Tensor { full([], value, dtype: dtype) }

    /// Zeros with this tensor's shape (and dtype unless given).
    public func zerosLike(dtype: DType? = nil) -> Tensor { Tensor.full(shape, 0, dtype: dtype ?? self.dtype) }
    /// Ones with this tensor's shape (and dtype unless given).
    public func onesLike(dtype: DType? = nil) -> Tensor { Tensor.full(shape, 1, dtype: dtype ?? self.dtype) }
    /// Standard normal samples with this tensor's shape. A float input keeps its dtype, as PyTorch's `*_like` do (float64 / half samples are
    /// float32 draws converted); integer and bool inputs give float32 (vis's rule).
    public func randnLike() -> Tensor { Tensor.randnUnchecked(shape, dtype: dtype).cast(dtype.isFloatingPoint ? dtype : .float32) }
    /// Uniform [0, 1) samples with this tensor's shape. A float input keeps its dtype, as PyTorch's `*_like` do (float64 / half samples are
    /// float32 draws converted); integer and bool inputs give float32 (vis's rule).
    public func randLike() -> Tensor { Tensor.randUnchecked(shape, dtype: dtype).cast(dtype.isFloatingPoint ? dtype : .float32) }

    // MARK: Ranges

    /// Values from `start` up to (not including) `end` by `step`. Integer arguments
    /// give int64 as in PyTorch unless `dtype` says otherwise.
    public static func arange(_ start: Double, _ end: Double, step: Double = 1, dtype: DType = .float32) throws -> Tensor {
        guard step != 0, step.isFinite, start.isFinite, end.isFinite else {
            throw TensorError("arange", "step must be a finite non-zero number (got start=\(start), end=\(end), step=\(step))")
        }
        guard (end - start) / step < Double(Shape.maxElements) else {
            throw TensorError("arange", "range from \(start) to \(end) by \(step) is too large")
        }
        // Clamp before converting: a hugely negative count (an empty range) would trap in Int().
        let n = Int(Swift.max(0, ((end - start) / step).rounded(.up)))
        if dtype == .int64 && n > 0 {
            let last = start + Double(n - 1) * step
            guard Swift.abs(start) < 9.2e18 && Swift.abs(last) < 9.2e18 else {
                throw TensorError("arange", "values from \(start) to \(last) do not fit int64")
            }
        }
        let t = Tensor(uninitialized: [n], dtype: dtype)
        switch dtype {
        case .float32: for i in 0..<n { t.floatPointer[i] = Float(start + Double(i) * step) }
        case .int64: for i in 0..<n { t.int64Pointer[i] = Int64(start + Double(i) * step) }
        case .bool: throw TensorError("arange", "dtype bool is not supported")
        case .float64: for i in 0..<n { t.doublePointer[i] = start + Double(i) * step }
        default:
            // Computed in float64 (or int64 for integer dtypes) and converted, as PyTorch does.
            return try arange(start, end, step: step, dtype: dtype.isInteger ? .int64 : .float64).cast(dtype)
        }
        return t
    }

    /// `steps` evenly spaced values from `start` to `end` inclusive.
    public static func linspace(_ start: Double, _ end: Double, steps: Int) throws -> Tensor {
        try linspace(start, end, steps: steps, dtype: .float32)
    }

    /// `steps` evenly spaced values from `start` to `end` inclusive, in `dtype` (float32,
    /// or int64 truncating each value toward zero, as PyTorch does).
    public static func linspace(_ start: Double, _ end: Double, steps: Int, dtype: DType, op: String = "linspace") throws -> Tensor {
        try spaced(start, end, steps: steps, dtype: dtype, op: op) { $0 }
    }

    /// `steps` values `base ** v` for v evenly spaced from `start` to `end` inclusive
    /// (PyTorch's logspace), in `dtype` (float32, or int64 truncating toward zero).
    public static func logspace(_ start: Double, _ end: Double, steps: Int, base: Double = 10, dtype: DType = .float32) throws -> Tensor {
        try spaced(start, end, steps: steps, dtype: dtype, op: "logspace") { Foundation.pow(base, $0) }
    }

    /// The values of linspace (computed in Double), mapped by `f`, into a tensor of `dtype`.
    private static func spaced(_ start: Double, _ end: Double, steps: Int, dtype: DType, op: String,
                               _ f: (Double) -> Double) throws -> Tensor {
        guard steps >= 0 else { throw TensorError(op, "number of steps must be non-negative (got \(steps))") }
        guard start.isFinite, end.isFinite else { throw TensorError(op, "start and end must be finite (got \(start) and \(end))") }
        try Shape.validate([steps], op: op)
        let step = steps > 1 ? (end - start) / Double(steps - 1) : 0
        // As PyTorch does: the second half counts back from `end` so both ends are exact.
        // With one step there is no second half: the single value is `start` (as in
        // PyTorch and NumPy), not `end`.
        let half = steps == 1 ? 1 : steps / 2
        @inline(__always) func value(_ i: Int) -> Double {
            f(i < half ? start + step * Double(i) : end - step * Double(steps - 1 - i))
        }
        if dtype == .float32 {
            let t = Tensor(uninitialized: [steps])
            for i in 0..<steps { t.floatPointer[i] = Float(value(i)) }
            return t
        } else if dtype == .int64 {
            let t = Tensor(uninitialized: [steps], dtype: .int64)
            for i in 0..<steps {
                let v = value(i).rounded(.towardZero)
                guard v.isFinite, Swift.abs(v) < 9.2e18 else { throw TensorError(op, "value \(v) does not fit int64") }
                t.int64Pointer[i] = Int64(v)
            }
            return t
        }
        throw TensorError(op, "not supported for dtype \(dtype) (PyTorch refuses it too)")
    }

    /// The `n` x `m` identity matrix (m defaults to n).
    public static func eye(_ n: Int, _ m: Int? = nil, dtype: DType = .float32) throws -> Tensor {
        let cols = m ?? n
        if dtype != .float32 && dtype != .int64 && dtype != .bool && dtype != .float64 {
            return try eye(n, m, dtype: .float32).cast(dtype)
        }
        let t = try full(checked: [n, cols], 0, dtype: dtype, op: "eye")
        for i in 0..<Swift.min(n, cols) {
            switch dtype {
            case .float32: t.floatPointer[i * cols + i] = 1
            case .int64: t.int64Pointer[i * cols + i] = 1
            case .bool: t.boolPointer[i * cols + i] = true
            case .float64: t.doublePointer[i * cols + i] = 1
            default:
                // Converted from float32 below (every dtype represents 0 and 1 exactly).
                break
            }
        }
        return t
    }

    // MARK: Random

    /// Uniform samples in [0, 1) from the global generator.
    /// `dtype` float64 draws doubles (53 random bits each, as PyTorch's double
    /// sampling), anything else float32 samples.
    public static func rand(_ shape: [Int], dtype: DType = .float32, generator: Generator = .global) throws -> Tensor {
        try Shape.validate(shape, op: "rand")
        return randUnchecked(shape, dtype: dtype, generator: generator)
    }

    static func randUnchecked(_ shape: [Int], dtype: DType = .float32, generator: Generator = .global) -> Tensor {
        if dtype == .float64 {
            let t = Tensor(uninitialized: shape, dtype: .float64)
            let p = t.doublePointer
            for i in 0..<t.count { p[i] = generator.uniformDouble() }
            return t
        }
        let t = Tensor(uninitialized: shape)
        let p = t.floatPointer
        for i in 0..<t.count { p[i] = generator.uniform() }
        return t
    }

    /// Standard normal samples from the global generator.
    /// `dtype` float64 keeps the double samples unrounded; anything else gets float32.
    public static func randn(_ shape: [Int], dtype: DType = .float32, generator: Generator = .global) throws -> Tensor {
        try Shape.validate(shape, op: "randn")
        return randnUnchecked(shape, dtype: dtype, generator: generator)
    }

    static func randnUnchecked(_ shape: [Int], dtype: DType = .float32, generator: Generator = .global) -> Tensor {
        if dtype == .float64 {
            let t = Tensor(uninitialized: shape, dtype: .float64)
            let p = t.doublePointer
            for i in 0..<t.count { p[i] = generator.normal() }
            return t
        }
        let t = Tensor(uninitialized: shape)
        let p = t.floatPointer
        for i in 0..<t.count { p[i] = Float(generator.normal()) }
        return t
    }

    /// Integers uniformly drawn from `low..<high`, as int64.
    public static func randint(_ low: Int, _ high: Int, _ shape: [Int], generator: Generator = .global) throws -> Tensor {
        guard high > low else {
            throw TensorError("randint", "high (\(high)) must be greater than low (\(low))")
        }
        try Shape.validate(shape, op: "randint")
        let t = Tensor(uninitialized: shape, dtype: .int64)
        // high - low can overflow Int (e.g. Int.min..<Int.max); in wrapping arithmetic
        // the span is still exact as an unsigned number, and so is low + offset.
        let span = UInt64(bitPattern: Int64(high) &- Int64(low))
        for i in 0..<t.count { t.int64Pointer[i] = Int64(low) &+ Int64(bitPattern: generator.int(below: span)) }
        return t
    }

    /// A random permutation of 0..<n (int64), drawn from the generator by Fisher-Yates.
    public static func randperm(_ n: Int, generator: Generator = .global) throws -> Tensor {
        guard n >= 0 else { throw TensorError("randperm", "n must be non-negative, got \(n)") }
        try Shape.validate([n], op: "randperm")
        let t = Tensor(uninitialized: [n], dtype: .int64)
        let p = t.int64Pointer
        for i in 0..<n { p[i] = Int64(i) }
        var i = n - 1
        while i > 0 {
            if i & 0xFFFFF == 0 { try Interrupt.check() }
            let j = Int(generator.int(below: UInt64(i + 1)))
            let held = p[i]; p[i] = p[j]; p[j] = held
            i -= 1
        }
        return t
    }

    // MARK: From Swift values

    /// A float32 tensor holding `values` in row-major order with `shape`.
    public convenience init(_ values: [Float], shape: [Int]) throws {
        // Negative sizes can multiply to the right count ([-1, -2] holds 2 values).
        try Shape.validate(shape, op: "tensor")
        guard Shape.numel(shape) == values.count else {
            throw TensorError("tensor", "\(values.count) values cannot fill shape \(shapeString(shape))")
        }
        let storage = Storage(byteCount: Swift.max(values.count, 1) * 4)
        values.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { storage.floats.update(from: base, count: values.count) }
        }
        self.init(storage: storage, shape: shape, strides: Shape.contiguousStrides(shape), dtype: .float32)
    }

    /// A 1-D float32 tensor.
    public convenience init(_ values: [Float]) {
        let storage = Storage(byteCount: Swift.max(values.count, 1) * 4)
        values.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { storage.floats.update(from: base, count: values.count) }
        }
        self.init(storage: storage, shape: [values.count], strides: [1], dtype: .float32)
    }

    /// A 2-D float32 tensor from rows of equal length.
    public convenience init(_ rows: [[Float]]) throws {
        let cols = rows.first?.count ?? 0
        guard rows.allSatisfy({ $0.count == cols }) else {
            throw TensorError("tensor", "rows have different lengths \(rows.map(\.count))")
        }
        try self.init(rows.flatMap { $0 }, shape: [rows.count, cols])
    }

    /// An int64 tensor holding `values` with `shape` (default 1-D).
    public convenience init(int64 values: [Int64], shape: [Int]? = nil) throws {
        let shape = shape ?? [values.count]
        try Shape.validate(shape, op: "tensor")
        guard Shape.numel(shape) == values.count else {
            throw TensorError("tensor", "\(values.count) values cannot fill shape \(shapeString(shape))")
        }
        let storage = Storage(byteCount: Swift.max(values.count, 1) * 8)
        values.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { storage.int64s.update(from: base, count: values.count) }
        }
        self.init(storage: storage, shape: shape, strides: Shape.contiguousStrides(shape), dtype: .int64)
    }

    /// A bool tensor holding `values` with `shape` (default 1-D).
    public convenience init(bools values: [Bool], shape: [Int]? = nil) throws {
        let shape = shape ?? [values.count]
        try Shape.validate(shape, op: "tensor")
        guard Shape.numel(shape) == values.count else {
            throw TensorError("tensor", "\(values.count) values cannot fill shape \(shapeString(shape))")
        }
        let storage = Storage(byteCount: Swift.max(values.count, 1))
        for (i, v) in values.enumerated() { storage.bools[i] = v }
        self.init(storage: storage, shape: shape, strides: Shape.contiguousStrides(shape), dtype: .bool)
    }

    /// A tensor from a nested literal. The dtype is float32 for numbers and bool for
    /// all-bool data unless `dtype` is given; ragged lists are an error.
    public convenience init(literal: TensorLiteral, dtype: DType? = nil) throws {
        var shape: [Int] = []
        var probe = literal
        while case .list(let items) = probe {
            shape.append(items.count)
            guard let first = items.first else { break }
            probe = first
        }
        try Shape.validate(shape, op: "tensor")
        var flat: [TensorLiteral] = []
        flat.reserveCapacity(Shape.numel(shape))
        func walk(_ v: TensorLiteral, _ depth: Int) throws {
            switch v {
            case .list(let items):
                guard depth < shape.count, items.count == shape[depth] else {
                    let expected = depth < shape.count ? "a list of length \(shape[depth])" : "a number"
                    throw TensorError("tensor", "ragged nested list: expected \(expected) at depth \(depth), got a list of length \(items.count)")
                }
                for item in items { try walk(item, depth + 1) }
            default:
                guard depth == shape.count else {
                    throw TensorError("tensor", "ragged nested list: expected a list of length \(shape[depth]) at depth \(depth), got a number")
                }
                flat.append(v)
            }
        }
        try walk(literal, 0)
        let allBool = !flat.isEmpty && flat.allSatisfy { if case .bool = $0 { return true } else { return false } }
        let dt = dtype ?? (allBool ? .bool : .float32)
        if dt != .float32 && dt != .int64 && dt != .bool && dt != .float64 {
            // Other dtypes: built exactly in float64 (int64 for integer dtypes given
            // integers), then converted. An integer that the target cannot hold is an
            // error, as in PyTorch ("value cannot be converted to type uint8 without overflow").
            let allInt = flat.allSatisfy { if case .list = $0 { return false }; if case .float = $0 { return false }; return true }
            let wide = try Tensor(literal: literal, dtype: dt.isInteger && allInt ? .int64 : .float64)
            try Tensor.checkFits(wide, dt, integers: allInt)
            let out = wide.dtype == .int64 || !dt.isInteger || !allInt ? wide.cast(dt) : wide.cast(.int64).cast(dt)
            self.init(storage: out.storage, shape: out.shape, strides: out.strides, dtype: dt)
            return
        }
        let storage = Storage(byteCount: Swift.max(flat.count, 1) * dt.size)
        for (i, v) in flat.enumerated() {
            let d: Double
            switch v {
            case .float(let x): d = x
            case .int(let x): d = Double(x)
            case .bool(let b): d = b ? 1 : 0
            case .list: d = 0
            }
            switch dt {
            case .float32: storage.floats[i] = Float(d)
            case .int64:
                if case .int(let x) = v { storage.int64s[i] = x } else {
                    guard d.isFinite, Swift.abs(d) < 9.2e18 else { throw TensorError("tensor", "value \(d) does not fit int64") }
                    storage.int64s[i] = Int64(d)
                }
            case .bool: storage.bools[i] = d != 0
            case .float64: storage.doubles[i] = d
            default: break  // handled above
            }
        }
        self.init(storage: storage, shape: shape, strides: Shape.contiguousStrides(shape), dtype: dt)
    }

    /// Throws unless every value of `wide` (float64 or int64) converts to the integer
    /// dtype `dt` without overflow, by PyTorch's rule for `tensor(data, dtype=...)`
    /// (c10::overflows): floats must lie in [lo, hi + 1), integers
    /// inside [lo, hi], where uint8 also takes -255...-1 (wrapping, as PyTorch does).
    /// Float dtypes take every value.
    public static func checkFits(_ wide: Tensor, _ dt: DType, integers: Bool) throws {
        guard dt.isInteger && dt != .int64 else { return }
        let (lo, hi): (Double, Double)
        switch dt {
        case .uint8: (lo, hi) = (0, 255)
        case .int8: (lo, hi) = (-128, 127)
        case .int16: (lo, hi) = (-32768, 32767)
        default: (lo, hi) = (-2147483648, 2147483647)
        }
        for v in wide.toDoubleArray() where integers ? !(v >= (dt == .uint8 ? -hi : lo) && v <= hi) : !(v >= lo && v < hi + 1) {
            let shown = integers && Swift.abs(v) < 9e18 ? String(Int64(v)) : "\(v)"
            throw TensorError("tensor", "value \(shown) cannot be converted to type \(dt) without overflow")
        }
    }
}
