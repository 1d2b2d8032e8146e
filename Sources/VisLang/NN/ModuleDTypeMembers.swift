import VisNN
import VisTensor

/// The dtype and device conversions of every module (PyTorch's `Module.double()`,
/// `.float()`, `.half()`, `.bfloat16()` and `.to(...)`): each floating-point parameter
/// and buffer (and its gradient) gets the new dtype IN PLACE, keeping the tensor
/// object, as PyTorch's `module._apply` replaces `.data` -- so an optimizer made before
/// still holds the parameters. Integer buffers (`num_batches_tracked`) keep their dtype.
/// Each method returns the module itself.
enum ModuleDTypeMembers {
    /// Registers the conversion methods on the Module member table.
    static func add(to t: MemberTable) {
        t.method("to", [Param("device", default: Value.none), Param("dtype", default: Value.none),
                        Param("non_blocking", .bool, default: .bool(false))],
                 "m.to(device=none, dtype=none, non_blocking=false): converts the floating-point parameters and buffers to dtype in place (m.to(torch.float64), m.to(\"cpu\", torch.float64), m.to(tensor) takes the tensor's dtype); vis runs on the CPU, so \"cpu\" is the only device. Returns the module.\n  model.to(device)") { a, _ in
            let m = try ModuleMembers.module(a)
            var target: DType? = nil
            for name in ["device", "dtype"] {
                switch a[name] {
                case .none: continue
                case .tensor(let x): target = x.dtype
                case .string(let s):
                    if Device.isDevice(s) {
                        guard name == "device" else { throw NativeError("to: dtype must be a dtype, got the device \(Repr.quote(s))") }
                        try Device.check(s, "to")
                    } else {
                        target = try Device.dtype(named: s, "to")
                    }
                default: throw NativeError("to: expected a device, a dtype or a tensor, got \(a[name].typeNameWithArticle)")
                }
            }
            if let target { try convert(m, to: target, "to") }
            return a["self"]
        }
        for (name, dt) in [("float", DType.float32), ("double", .float64), ("half", .float16), ("bfloat16", .bfloat16)] {
            t.method(name, [], "m.\(name)(): converts the floating-point parameters and buffers to \(dt) in place (the same tensor objects, so an optimizer made before still holds them); returns the module.\n  model.\(name)()") { a, _ in
                try convert(ModuleMembers.module(a), to: dt, name)
                return a["self"]
            }
        }
    }

    /// Converts every floating-point parameter and buffer of `m` and its descendants
    /// (each tensor once, shared ones included) and their gradients to `dtype`.
    static func convert(_ m: ModuleObject, to dtype: DType, _ fn: String) throws {
        guard dtype.isFloatingPoint else {
            throw NativeError("\(fn): nn.Module.to only accepts floating point dtypes, but got desired dtype=torch.\(dtype)")
        }
        var seen = Set<ObjectIdentifier>()
        var tensors: [Tensor] = []
        m.walkTree(enter: { v in
            for (_, t) in v.module.ownParameters + v.module.ownBuffers where seen.insert(ObjectIdentifier(t)).inserted {
                tensors.append(t)
            }
        })
        for t in tensors where t.dtype.isFloatingPoint && t.dtype != dtype {
            try t.replaceData(with: t.detach().cast(dtype))
            if let g = t.grad, g.dtype != dtype { try g.replaceData(with: g.detach().cast(dtype)) }
        }
    }
}
