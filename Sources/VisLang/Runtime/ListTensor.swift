import VisTensor

/// Nested lists of numbers straight into a tensor's storage (`tensor([[1, 2], [3, 4]])`).
///
/// The values are read twice, once to check the shape and find the dtype and once to
/// fill the storage, so no intermediate tree is built (a `TensorLiteral` per element
/// cost a heap box each: `tensor([0] * 100000000)` took gigabytes and could not be
/// stopped). The shape is checked against `Shape.maxElements` before anything is
/// allocated, and both passes poll for Ctrl-C every `ListTensor.chunk` elements.
enum ListTensor {
    /// How many elements are read between two polls of the interrupt flag.
    static let chunk = 1 << 16
    /// The deepest nesting of lists accepted (tensors have far fewer dimensions).
    static let maxDepth = 64

    /// What the first pass learns: the shape, whether every element is a bool, and
    /// whether any is a float (PyTorch's inference: all bools give bool, any float
    /// float32, otherwise int64).
    struct Survey {
        var shape: [Int] = []
        var allBool = true
        var anyFloat = false
        var count = 0

        /// The dtype PyTorch infers for the data surveyed: float32 when empty (as
        /// `torch.tensor([])`) or when any element is a float, bool when all are bools,
        /// int64 for ints (mixed with bools or not).
        var inferred: DType {
            if count == 0 || anyFloat { return .float32 }
            return allBool ? .bool : .int64
        }
    }

    /// The tensor holding the nested list `v` (a list or tuple of numbers, bools,
    /// one-element tensors, or tensors of equal shape), with `dtype` or the one PyTorch
    /// infers (`Survey.inferred`). `context` names the operation in errors.
    static func tensor(_ v: Value, dtype: DType?, context: String) throws -> Tensor {
        let shape = try probeShape(v, context: context)
        try Shape.validate(shape, op: "tensor")
        var survey = Survey(shape: shape)
        try check(v, depth: 0, &survey, context: context)
        let dt = dtype ?? survey.inferred
        if dt != .float32 && dt != .int64 && dt != .bool {
            // Other dtypes: filled exactly in float64 and converted (overflow checked as
            // PyTorch checks it; ints and floats differ there, so the filler notes floats).
            let n = Shape.numel(shape)
            let storage = Storage(byteCount: Swift.max(n, 1) * 8)
            var filler = Filler(storage: storage, dtype: .float64)
            try fill(v, &filler)
            let wide = Tensor(storage: storage, shape: shape, strides: Shape.contiguousStrides(shape), dtype: .float64)
            try Tensor.checkFits(wide, dt, integers: !filler.sawFloat)
            // Integers wrap into the type (through int64, as PyTorch does for -1 -> 255).
            return filler.sawFloat ? wide.cast(dt) : wide.cast(.int64).cast(dt)
        }
        let n = Shape.numel(shape)
        let storage = Storage(byteCount: Swift.max(n, 1) * dt.size)
        var filler = Filler(storage: storage, dtype: dt)
        try fill(v, &filler)
        return Tensor(storage: storage, shape: shape, strides: Shape.contiguousStrides(shape), dtype: dt)
    }

    /// The shape read along the first elements: each list's length, then the shape of a
    /// tensor found at the bottom.
    static func probeShape(_ v: Value, context: String) throws -> [Int] {
        var shape: [Int] = []
        var probe = v
        while true {
            switch probe {
            case .list(let l):
                shape.append(l.items.count)
                guard let first = l.items.first else { return shape }
                probe = first
            case .tuple(let items):
                shape.append(items.count)
                guard let first = items.first else { return shape }
                probe = first
            case .tensor(let t):
                return shape + t.shape
            default:
                return shape
            }
            guard shape.count < maxDepth else { throw NativeError("\(context): list nested too deeply (more than \(maxDepth) levels)") }
        }
    }

    /// The items of a list or tuple, or nil for anything else.
    @inline(__always)
    static func items(_ v: Value) -> [Value]? {
        switch v {
        case .list(let l): return l.items
        case .tuple(let t): return t
        default: return nil
        }
    }

    /// Counts an element read, polling for Ctrl-C once per chunk.
    @inline(__always)
    static func tick(_ count: inout Int) throws {
        count += 1
        if count & (chunk - 1) == 0 { try Interrupt.check() }
    }

    /// The first pass: every list has the length the shape says at its depth, every
    /// element is a number, a bool or a tensor of the remaining shape.
    static func check(_ v: Value, depth: Int, _ s: inout Survey, context: String) throws {
        if let xs = items(v) {
            guard depth < s.shape.count, xs.count == s.shape[depth] else {
                let expected = depth < s.shape.count ? "a list of length \(s.shape[depth])" : "a number"
                throw TensorError("tensor", "ragged nested list: expected \(expected) at depth \(depth), got a list of length \(xs.count)")
            }
            if depth + 1 == s.shape.count {
                // The innermost lists: numbers checked in place, without a call each.
                for x in xs {
                    switch x {
                    case .bool: try tick(&s.count)
                    case .int: s.allBool = false; try tick(&s.count)
                    case .float: s.allBool = false; s.anyFloat = true; try tick(&s.count)
                    default: try check(x, depth: depth + 1, &s, context: context)
                    }
                }
                return
            }
            for x in xs { try check(x, depth: depth + 1, &s, context: context) }
            return
        }
        switch v {
        case .bool: break
        case .int: s.allBool = false
        case .float: s.allBool = false; s.anyFloat = true
        case .tensor(let t):
            let rest = Array(s.shape[Swift.min(depth, s.shape.count)...])
            guard t.shape == rest else {
                throw TensorError("tensor", "ragged nested list: expected \(rest.isEmpty ? "a number" : "a tensor of shape \(shapeString(rest))") at depth \(depth), got a tensor of shape \(shapeString(t.shape))")
            }
            if t.dtype != .bool { s.allBool = false }
            if t.dtype.isFloatingPoint { s.anyFloat = true }
            s.count += t.count
            if s.count & (chunk - 1) < t.count { try Interrupt.check() }
            return
        default:
            throw NativeError("\(context): expected numbers in a nested list, found \(v.typeName)")
        }
        guard depth == s.shape.count else {
            throw TensorError("tensor", "ragged nested list: expected a list of length \(s.shape[depth]) at depth \(depth), got a number")
        }
        try tick(&s.count)
    }

    /// Writes elements into storage in order, converting to its dtype.
    struct Filler {
        let storage: Storage
        let dtype: DType
        var index = 0
        /// True once a float (not an int or bool) was written.
        var sawFloat = false

        mutating func put(int x: Int64) throws {
            switch dtype {
            case .float32: storage.floats[index] = Float(x)
            case .int64: storage.int64s[index] = x
            case .bool: storage.bools[index] = x != 0
            case .float64: storage.doubles[index] = Double(x)
            default: throw TensorError("tensor", "internal: no list filler for \(dtype)")
            }
            try ListTensor.tick(&index)
        }

        mutating func put(double d: Double) throws {
            switch dtype {
            case .float32: storage.floats[index] = Float(d)
            case .int64:
                guard d.isFinite, Swift.abs(d) < 9.2e18 else { throw TensorError("tensor", "value \(Repr.float(d)) does not fit int64") }
                storage.int64s[index] = Int64(d)
            case .bool: storage.bools[index] = d != 0
            case .float64: storage.doubles[index] = d
            default: throw TensorError("tensor", "internal: no list filler for \(dtype)")
            }
            sawFloat = true
            try ListTensor.tick(&index)
        }
    }

    /// The second pass: the elements, in order, into the storage.
    static func fill(_ v: Value, _ f: inout Filler) throws {
        switch v {
        case .list(let l):
            for x in l.items {
                // Numbers written in place, without a call each.
                switch x {
                case .int(let i): try f.put(int: Int64(i))
                case .float(let d): try f.put(double: d)
                case .bool(let b): try f.put(int: b ? 1 : 0)
                default: try fill(x, &f)
                }
            }
        case .tuple(let t): for x in t { try fill(x, &f) }
        case .int(let i): try f.put(int: Int64(i))
        case .bool(let b): try f.put(int: b ? 1 : 0)
        case .float(let d): try f.put(double: d)
        case .tensor(let t):
            if !t.dtype.isFloatingPoint {
                for x in t.toInt64Array() { try f.put(int: x) }
            } else {
                for x in t.toDoubleArray() { try f.put(double: x) }
            }
        default: break  // the first pass rejected everything else
        }
    }
}
