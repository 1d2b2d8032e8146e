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

    static func add(to t: inout BuiltinTable) {
        t.method("to", [Param("dtype_or_device", .string), Param("dtype", .optional(.dtype), default: Value.none),
                        Param("non_blocking", .bool, default: .bool(false)), Param("copy", .bool, default: .bool(false))],
                 "x.to(dtype) / x.to(device, dtype=none): the tensor with another dtype (\"float32\", \"int64\", \"bool\"), or on a device; the same tensor when nothing changes, as in PyTorch (vis has only the CPU).\n  x = x.to(device)") { a, _ in
            let x = try a.tensor("self")
            let first = try a.string("dtype_or_device")
            var dtype = try a.dtype("dtype")
            if isDevice(first) { try check(first, "to") } else {
                guard dtype == nil else { throw NativeError("to: give the dtype once") }
                dtype = try a.dtype("dtype_or_device")
            }
            let copy = try a.bool("copy")
            guard let d = dtype, d != x.dtype else { return .tensor(copy ? try x.clone() : x) }
            return .tensor(try x.to(d))
        }
        t.method("cpu", [], "x.cpu(): the tensor itself (vis tensors are always on the CPU).") { a, _ in .tensor(try a.tensor("self")) }
        t.method("cuda", [Param("device", default: Value.none)], "x.cuda(device=none): an error: vis runs on the CPU only.") { _, _ in
            throw NativeError("cuda: vis runs on the CPU only (use x.to(device) with device \"cpu\")")
        }
    }
}
