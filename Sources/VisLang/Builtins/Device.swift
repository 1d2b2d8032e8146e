import VisTensor

/// Devices: vis runs on the CPU, so `x.to("cpu")`, `x.cpu()` and `model.to(device)` are
/// what PyTorch does when the tensor is already there (the same value back), and a GPU
/// device is an error that says so rather than a silent CPU run the user did not ask for.
enum Device {
    /// True for a device name (`"cpu"`, `"cuda"`, `"cuda:0"`, `"mps"`), as opposed to a dtype name.
    static func isDevice(_ name: String) -> Bool {
        let base = name.split(separator: ":", maxSplits: 1).first.map(String.init) ?? name
        return ["cpu", "cuda", "mps", "xpu", "meta"].contains(base)
    }

    /// Checks that `name` is the CPU.
    static func check(_ name: String, _ function: String) throws {
        guard name == "cpu" || name == "cpu:0" else {
            throw NativeError("\(function): vis runs on the CPU only; device \(Repr.quote(name)) is not available (use \"cpu\", or torch.device(\"cuda\" if torch.cuda.is_available() else \"cpu\"))")
        }
    }

    /// PyTorch's legacy type strings (`x.type()`), by dtype name.
    static let typeStrings: [(dtype: String, type: String)] = [
        ("float32", "torch.FloatTensor"), ("int64", "torch.LongTensor"), ("bool", "torch.BoolTensor"),
        ("float64", "torch.DoubleTensor"), ("float16", "torch.HalfTensor"), ("bfloat16", "torch.BFloat16Tensor"),
        ("uint8", "torch.ByteTensor"), ("int8", "torch.CharTensor"), ("int16", "torch.ShortTensor"), ("int32", "torch.IntTensor"),
    ]

    /// The dtype a string names: a dtype name (`"int64"`, what `torch.long` is) or a
    /// legacy type string (`"torch.LongTensor"`).
    static func dtype(named name: String, _ function: String) throws -> DType {
        let dtypeName = typeStrings.first { $0.type == name }?.dtype ?? name
        guard let d = DType(name: dtypeName) else {
            throw NativeError("\(function): unknown dtype \(Repr.quote(name)) (expected one of \(DType.namesList))")
        }
        return d
    }

    /// `x.to(...)`'s target dtype from its arguments (nil: keep the dtype), checking any
    /// device named on the way.
    static func target(_ a: BoundArguments) throws -> DType? {
        var dtype: DType? = nil
        switch a["dtype"] {
        case .none: break
        case .string(let s): dtype = try Self.dtype(named: s, "to")
        // x.to(torch.long, False): PyTorch's to(dtype, non_blocking) puts the flag second.
        case .bool:
            guard case .string = a["device"] else { throw NativeError("to: argument 'dtype' must be a dtype, got bool") }
        default: throw NativeError("to: argument 'dtype' must be a dtype, got \(a["dtype"].typeName)")
        }
        switch a["device"] {
        case .none: break
        case .tensor(let other):
            // x.to(other): other's dtype (and device, always the CPU here).
            guard dtype == nil else { throw NativeError("to: give either a tensor or a dtype, not both") }
            dtype = other.dtype
        case .string(let s):
            if isDevice(s) { try check(s, "to"); break }
            // x.to(torch.long): the first positional argument is the dtype.
            guard dtype == nil else { throw NativeError("to: \(Repr.quote(s)) is not a device, and the dtype is given as well") }
            dtype = try Self.dtype(named: s, "to")
        default:
            throw NativeError("to: expected a dtype, a device or a tensor, got \(a["device"].typeName)")
        }
        return dtype
    }

    static func add(to t: inout BuiltinTable) {
        t.method("to", [Param("device", .any, default: Value.none), Param("dtype", .any, default: Value.none),
                        Param("non_blocking", .bool, default: .bool(false)), Param("copy", .bool, default: .bool(false))],
                 "x.to(dtype) / x.to(device, dtype=none) / x.to(other): the tensor with another dtype, on a device (vis has only the CPU: \"cuda\" and \"mps\" are errors), or with other's dtype; the same tensor when nothing changes, as in PyTorch (copy=true always copies).\n  x = x.to(device)  x.to(torch.long)  x.to(\"cpu\", torch.float32)") { a, _ in
            let x = try a.tensor("self")
            let dtype = try target(a)
            let copy = try a.bool("copy")
            guard let d = dtype, d != x.dtype else { return .tensor(copy ? try x.clone() : x) }
            return .tensor(try x.to(d))
        }
        t.method("cpu", [], "x.cpu(): the tensor itself (vis tensors are always on the CPU).") { a, _ in .tensor(try a.tensor("self")) }
        t.method("cuda", [Param("device", default: Value.none)], "x.cuda(device=none): an error: vis runs on the CPU only.") { _, _ in
            throw NativeError("cuda: vis runs on the CPU only (use x.to(device) with device \"cpu\")")
        }
        t.method("numpy", [], "x.numpy(): the tensor itself: vis has no NumPy, and a tensor does what the array would (use x.tolist() for Python lists).\n  x.numpy()") { a, _ in
            .tensor(try a.tensor("self"))
        }
        t.method("type", [Param("dtype", .optional(.string), default: Value.none)],
                 "x.type(dtype=none): PyTorch's type string (\"torch.FloatTensor\", \"torch.LongTensor\", \"torch.BoolTensor\"); with a dtype or type string, the tensor converted to it.\n  x.type()  x.type(torch.long)") { a, _ in
            let x = try a.tensor("self")
            guard let name = try a.optionalString("dtype") else {
                return .string(typeStrings.first { $0.dtype == x.dtype.rawValue }?.type ?? "torch.\(x.dtype.rawValue)")
            }
            let d = try dtype(named: name, "type")
            return .tensor(d == x.dtype ? x : try x.to(d))
        }
    }
}
