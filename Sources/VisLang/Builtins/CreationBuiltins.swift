import VisTensor

/// The creation functions (LIBRARY.md "Tensors", "Creation"): PyTorch's names, arguments
/// and dtype inference, each taking `dtype=`, `device=` and `requires_grad=` where PyTorch
/// does. `device=` accepts only the CPU (vis has no other); `requires_grad=true` on an
/// integer or bool result is PyTorch's error.
enum CreationBuiltins {
    static let dtypeParam = Param("dtype", .optional(.dtype), default: Value.none)
    static let deviceParam = Param("device", .any, default: Value.none)
    static let gradParam = Param("requires_grad", .bool, default: .bool(false))
    /// `dtype=none, device=none, requires_grad=false`, the options most creation functions end with.
    static let options = [dtypeParam, deviceParam, gradParam]

    /// Checks `device=`: none, or a CPU device name (`torch.device("cpu")` is `"cpu"`).
    static func checkDevice(_ a: BoundArguments) throws {
        switch a["device"] {
        case .none: return
        case .string(let name): try Device.check(name, a.function)
        default:
            throw NativeError("\(a.function): argument 'device' must be a device (\"cpu\" or torch.device(\"cpu\")), got \(a["device"].typeName)")
        }
    }

    /// Applies `requires_grad=`: only floating-point tensors can require gradients, as
    /// PyTorch says (`zeros(2, dtype=torch.long, requires_grad=true)` is its error too).
    static func finish(_ t: Tensor, _ a: BoundArguments) throws -> Value {
        if try a.bool("requires_grad") {
            guard t.dtype.isFloatingPoint else {
                throw NativeError("\(a.function): only floating-point tensors can require gradients, and this one is \(t.dtype) (as in PyTorch; pass dtype=torch.float32)")
            }
            try t.setRequiresGrad(true)
        }
        return .tensor(t)
    }

    /// The dtype of a random float function (rand, randn and their _like forms): PyTorch
    /// draws them only in floating-point dtypes.
    static func floatDType(_ dt: DType, _ fn: String) throws -> DType {
        guard dt.isFloatingPoint else {
            throw NativeError("\(fn): dtype \(dt) is not supported: \(fn) draws floating-point numbers (PyTorch refuses \(dt) too; use randint for integers)")
        }
        return dt
    }

    /// `t` in `dtype` (the same tensor when it already has it).
    static func cast(_ t: Tensor, _ dtype: DType) throws -> Tensor { t.dtype == dtype ? t : try t.to(dtype) }

    /// A fill value and the dtype PyTorch infers from it: bool for a bool, int64 for an
    /// int, float32 for a float, a one-element tensor's own dtype. `exact` keeps an
    /// integer whole (a Double rounds ints past 2^53).
    static func fillValue(_ v: Value, _ fn: String) throws -> (value: Double, dtype: DType, exact: Int64?) {
        switch v {
        case .bool(let b): return (b ? 1 : 0, .bool, b ? 1 : 0)
        case .int(let i): return (Double(i), .int64, Int64(i))
        case .float(let d): return (d, .float32, nil)
        case .tensor(let t) where t.count == 1 && t.ndim == 0:
            let exact: Int64? = t.dtype == .int64 ? Int64(try Convert.intItem(t)) : nil
            return (try t.item(), t.dtype, exact)
        default: throw NativeError("\(fn): argument 'fill_value' must be a number, got \(v.typeName)\(Repr.briefValue(v))")
        }
    }

    /// `Tensor.full` of a fill value in `dtype`, refusing a value int64 cannot hold; an
    /// integer fill of an int64 tensor is written exactly.
    static func filled(_ shape: [Int], _ fill: (value: Double, dtype: DType, exact: Int64?), _ dtype: DType, _ fn: String) throws -> Tensor {
        if dtype == .int64, let exact = fill.exact {
            try Shape.validate(shape, op: fn)
            return try Tensor(literal: .int(exact), dtype: .int64).expand(shape).contiguous()
        }
        let value = fill.value
        guard dtype != .int64 || (value.isFinite && Swift.abs(value) < 9.2e18) else {
            throw NativeError("\(fn): fill value \(Repr.float(value)) does not fit int64")
        }
        return try Tensor.full(checked: shape, value, dtype: dtype, op: fn)
    }

    /// The tensor of `data` (a number, bool, nested list or tensor) with PyTorch's
    /// inference: ints give int64, any float float32, all bools bool.
    static func fromData(_ data: Value, _ dtype: DType?, _ fn: String) throws -> Tensor {
        switch data {
        case .tensor(let src): return try cast(src.detach().clone(), dtype ?? src.dtype)
        case .list, .tuple: return try ListTensor.tensor(data, dtype: dtype, context: fn)
        case .int(let i): return try Tensor(literal: .int(Int64(i)), dtype: dtype ?? .int64)
        case .bool(let b): return try Tensor(literal: .bool(b), dtype: dtype ?? .bool)
        case .float(let d): return try Tensor(literal: .float(d), dtype: dtype ?? .float32)
        default: throw NativeError("\(fn): expected a number, a nested list of numbers or a tensor, got \(data.typeName)")
        }
    }

    /// The n of `randint(low, high, size)`, `randint(high, size)` and the keyword forms.
    static func randintBounds(_ a: BoundArguments) throws -> (low: Int, high: Int, size: [Int]) {
        var low = a["low"], high = a["high"], size = a["size"]
        // randint(high, size): PyTorch's low defaults to 0 when only two are given.
        if size.isNone, !high.isNone, high.asInt == nil { (low, high, size) = (.int(0), low, high) }
        if high.isNone, !low.isNone { (low, high) = (.int(0), low) }
        guard let h = high.asInt else { throw NativeError("randint: argument 'high' must be an int, got \(high.typeName)") }
        guard let l = low.isNone ? 0 : low.asInt else { throw NativeError("randint: argument 'low' must be an int, got \(low.typeName)") }
        let shape: [Int]
        switch size {
        case .list(let l): shape = try l.items.map { guard let n = $0.asInt else { throw NativeError("randint: size must be ints, got \($0.typeName)") }; return n }
        case .tuple(let t): shape = try t.map { guard let n = $0.asInt else { throw NativeError("randint: size must be ints, got \($0.typeName)") }; return n }
        case .none: throw NativeError("randint: missing required argument 'size' (randint(low, high, size) or randint(high, size))")
        default: throw NativeError("randint: argument 'size' must be a tuple or list of ints, got \(size.typeName)")
        }
        return (l, h, shape)
    }

    /// Integers in [low, high) in `dtype` (int64 by default); a bool result only for
    /// values 0 and 1, as PyTorch checks.
    static func randint(_ low: Int, _ high: Int, _ shape: [Int], _ dtype: DType, _ fn: String) throws -> Tensor {
        if dtype == .bool && (low < 0 || high > 2) {
            throw NativeError("\(fn): values in [\(low), \(high)) are out of bounds for dtype bool")
        }
        return try cast(Tensor.randint(low, high, shape), dtype)
    }

    static func add(to t: inout BuiltinTable) {
        let shape = Param("size", .any, variadic: true)
        let kwOptions = options.map { Param($0.name, $0.type, default: $0.defaultValue, keywordOnly: true) }

        t.function("tensor", [Param("data", .any)] + options,
                   "tensor(data, dtype=none, device=none, requires_grad=false): a tensor from a number or nested list, with PyTorch's dtype: ints give int64, any float float32, all bools bool.\n  tensor([[1.0, 2.0], [3.0, 4.0]])  tensor([1, 2])  tensor(0.5)") { a, _ in
            try checkDevice(a)
            return try finish(fromData(a["data"], a.dtype("dtype"), "tensor"), a)
        }
        t.function("as_tensor", [Param("data", .any), dtypeParam, deviceParam],
                   "as_tensor(data, dtype=none, device=none): the tensor itself when data is a tensor of that dtype (no copy, as in PyTorch), else a new tensor as tensor() makes it.\n  as_tensor([1, 2, 3])") { a, _ in
            try checkDevice(a)
            let dtype = try a.dtype("dtype")
            if case .tensor(let src) = a["data"] { return .tensor(try cast(src, dtype ?? src.dtype)) }
            return .tensor(try fromData(a["data"], dtype, "as_tensor"))
        }
        for (name, value) in [("zeros", 0.0), ("ones", 1.0), ("empty", 0.0)] {
            let what = name == "empty" ? "an uninitialised tensor (in vis zero-filled; PyTorch leaves the values undefined, so no program may rely on them)" : "a tensor of \(name)"
            t.function(name, [shape] + kwOptions,
                       "\(name)(*size, dtype=float32, device=none, requires_grad=false): \(what).\n  \(name)(2, 3)  or  \(name)([2, 3])") { a, _ in
                try checkDevice(a)
                return try finish(Tensor.full(checked: TensorBuiltins.shapeArg(a, "size"), value, dtype: a.dtype("dtype") ?? .float32, op: name), a)
            }
        }
        t.function("full", [Param("size", .ints), Param("fill_value", .any)] + kwOptions,
                   "full(size, fill_value, dtype=none, device=none, requires_grad=false): a tensor filled with one value; the dtype follows fill_value as in PyTorch (int: int64, float: float32, bool: bool).\n  full([2, 2], 7)  full([3], 0.5)") { a, _ in
            try checkDevice(a)
            let fill = try fillValue(a["fill_value"], "full")
            return try finish(filled(a.ints("size"), fill, a.dtype("dtype") ?? fill.dtype, "full"), a)
        }
        t.function("arange", [Param("start", .number), Param("end", .optional(.number), default: Value.none), Param("step", .number, default: .int(1))] + kwOptions,
                   "arange(start, end=none, step=1, dtype=none, device=none, requires_grad=false): values from start up to end (exclusive). Integer arguments give int64, as in PyTorch.\n  arange(5)  arange(0, 1, 0.25)") { a, _ in
            try checkDevice(a)
            let allInts = [a["start"], a["end"], a["step"]].allSatisfy { if case .float = $0 { return false } else { return true } }
            let (start, end) = a["end"].isNone ? (0, try a.double("start")) : (try a.double("start"), try a.double("end"))
            let dt = try a.dtype("dtype") ?? (allInts ? .int64 : .float32)
            return try finish(Tensor.arange(start, end, step: a.double("step"), dtype: dt), a)
        }
        t.function("linspace", [Param("start", .float), Param("end", .float), Param("steps", .int)] + kwOptions,
                   "linspace(start, end, steps, dtype=none, device=none, requires_grad=false): steps evenly spaced values from start to end inclusive (float32; int64 truncates toward zero).\n  linspace(0, 1, 5)") { a, _ in
            try checkDevice(a)
            return try finish(Tensor.linspace(a.double("start"), a.double("end"), steps: a.int("steps"), dtype: a.dtype("dtype") ?? .float32), a)
        }
        t.function("logspace", [Param("start", .float), Param("end", .float), Param("steps", .int), Param("base", .float, default: .float(10))] + kwOptions,
                   "logspace(start, end, steps, base=10.0, dtype=none, device=none, requires_grad=false): base ** v for steps values v evenly spaced from start to end inclusive.\n  logspace(-3, 0, 4)  # 0.001, 0.01, 0.1, 1") { a, _ in
            try checkDevice(a)
            return try finish(Tensor.logspace(a.double("start"), a.double("end"), steps: a.int("steps"), base: a.double("base"), dtype: a.dtype("dtype") ?? .float32), a)
        }
        t.function("eye", [Param("n", .int), Param("m", .optional(.int), default: Value.none)] + kwOptions,
                   "eye(n, m=none, dtype=none, device=none, requires_grad=false): the n x m identity matrix (m defaults to n).\n  eye(3)") { a, _ in
            try checkDevice(a)
            return try finish(Tensor.eye(a.int("n"), a.optionalInt("m"), dtype: a.dtype("dtype") ?? .float32), a)
        }
        for (name, normal) in [("rand", false), ("randn", true)] {
            let what = normal ? "standard normal samples" : "uniform samples in [0, 1)"
            t.function(name, [shape] + kwOptions,
                       "\(name)(*size, dtype=none, device=none, requires_grad=false): \(what) from the seeded generator (floating-point dtypes only, as in PyTorch).\n  \(name)(2, 3)") { a, _ in
                try checkDevice(a)
                let dt = try floatDType(a.dtype("dtype") ?? .float32, name)
                let size = try TensorBuiltins.shapeArg(a, "size")
                return try finish(cast(normal ? Tensor.randn(size, dtype: dt) : Tensor.rand(size, dtype: dt), dt), a)
            }
        }
        t.function("randint", [Param("low", .any, default: Value.none), Param("high", .any, default: Value.none), Param("size", .any, default: Value.none)] + kwOptions,
                   "randint(low=0, high, size, dtype=int64, device=none, requires_grad=false): integers uniform in [low, high); randint(high, size) starts at 0.\n  randint(0, 10, [4])  randint(10, (2, 2))") { a, _ in
            try checkDevice(a)
            let (low, high, size) = try randintBounds(a)
            return try finish(randint(low, high, size, a.dtype("dtype") ?? .int64, "randint"), a)
        }
        t.function("randperm", [Param("n", .int)] + kwOptions,
                   "randperm(n, dtype=int64, device=none, requires_grad=false): a random permutation of 0 .. n-1 from the seeded generator.\n  randperm(5)") { a, _ in
            try checkDevice(a)
            return try finish(cast(Tensor.randperm(a.int("n")), a.dtype("dtype") ?? .int64), a)
        }

        // The _like forms: input's shape, and its dtype unless dtype= says otherwise.
        for (name, value) in [("zeros_like", 0.0), ("ones_like", 1.0), ("empty_like", 0.0)] {
            let what = name == "empty_like" ? "an uninitialised tensor (zero-filled in vis)" : (value == 0 ? "zeros" : "ones")
            t.function(name, [Param("input", .tensor)] + kwOptions,
                       "\(name)(input, dtype=none, device=none, requires_grad=false): \(what) with input's shape and dtype (or the dtype given).\n  \(name)(x)") { a, _ in
                try checkDevice(a)
                let x = try a.tensor("input")
                return try finish(Tensor.full(x.shape, value, dtype: a.dtype("dtype") ?? x.dtype), a)
            }
        }
        t.function("full_like", [Param("input", .tensor), Param("fill_value", .any)] + kwOptions,
                   "full_like(input, fill_value, dtype=none, device=none, requires_grad=false): fill_value in input's shape and dtype (or the dtype given).\n  full_like(x, 7)") { a, _ in
            try checkDevice(a)
            let x = try a.tensor("input")
            let fill = try fillValue(a["fill_value"], "full_like")
            return try finish(filled(x.shape, fill, a.dtype("dtype") ?? x.dtype, "full_like"), a)
        }
        for (name, normal) in [("rand_like", false), ("randn_like", true)] {
            let what = normal ? "standard normal samples" : "uniform samples in [0, 1)"
            t.function(name, [Param("input", .tensor)] + kwOptions,
                       "\(name)(input, dtype=none, device=none, requires_grad=false): \(what) with input's shape and dtype (floating-point only, as in PyTorch).\n  \(name)(x)") { a, _ in
                try checkDevice(a)
                let x = try a.tensor("input")
                let dt = try floatDType(a.dtype("dtype") ?? x.dtype, name)
                return try finish(cast(normal ? x.randnLike() : x.randLike(), dt), a)
            }
        }
        t.function("randint_like", [Param("input", .tensor), Param("low", .int), Param("high", .optional(.int), default: Value.none)] + kwOptions,
                   "randint_like(input, low=0, high, dtype=none, device=none, requires_grad=false): integers uniform in [low, high) with input's shape and dtype; randint_like(x, high) starts at 0.\n  randint_like(x, 10)") { a, _ in
            try checkDevice(a)
            let x = try a.tensor("input")
            let (low, high) = a["high"].isNone ? (0, try a.int("low")) : (try a.int("low"), try a.int("high"))
            return try finish(randint(low, high, x.shape, a.dtype("dtype") ?? x.dtype, "randint_like"), a)
        }
    }
}
