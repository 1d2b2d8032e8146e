import VisNN
import VisTensor

/// `nn.Parameter` and `nn.ModuleDict`: the module-building names that are not layers.
enum ModuleBuiltins {
    static func add(to t: inout BuiltinTable) {
        t.function("Parameter", [Param("data", default: Value.none), Param("requires_grad", .bool, default: .bool(true))],
                   "Parameter(data=none, requires_grad=true): a tensor to be registered as a parameter of the model block whose field it is assigned to (sharing data's memory, as PyTorch's); with requires_grad=false it is a frozen parameter, still in parameters() and state_dict().\n  self.scale = nn.Parameter(torch.ones(1))") { a, _ in
            let data = a["data"].isNone ? try Tensor.zeros([0]) : try a.tensor("data")
            let grad = try a.bool("requires_grad")
            guard data.dtype.isFloatingPoint || !grad else {
                throw NativeError("Parameter: only floating-point tensors can require gradients (data is \(data.dtype)); pass requires_grad=false", kind: .runtimeError)
            }
            let p = data.detach()
            try p.setRequiresGrad(grad)
            p.isParameter = true
            return .tensor(p)
        }
        t.function("ModuleDict", [Param("modules", default: Value.none)],
                   "ModuleDict(modules=none): modules by string key in insertion order (a dict, or (key, module) pairs), registered as children under their keys; index it with d[\"key\"].\n  heads = nn.ModuleDict({\"cls\": nn.Linear(64, 10), \"box\": nn.Linear(64, 4)})") { a, _ in
            let pairs = a["modules"].isNone ? [] : try ModuleContainers.pairs(a["modules"], "ModuleDict")
            var entries: [(String, Module)] = []
            for (k, v) in pairs {
                try ModuleRegistration.checkName(k, "module")
                entries.append((k, try ModuleContainers.child(v, k)))
            }
            return NNBuiltins.value(ModuleDict(entries))
        }
    }
}
