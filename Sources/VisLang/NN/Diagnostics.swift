import VisNN
import VisTensor

/// Finding where a model's numbers went bad, for fit's NaN/Inf tripwire.
enum Diagnostics {
    /// The dotted path and type of the first layer (in execution order) whose output
    /// holds NaN or infinity when `model` runs on `input`, or nil when none does.
    static func firstNonFinite(_ model: ModuleObject, _ inputs: [Value], runtime: Runtime) throws -> String? {
        var names: [ObjectIdentifier: String] = [:]
        func walk(_ m: ModuleObject, _ path: String) {
            if let n = m as? NativeModule { names[ObjectIdentifier(n.module)] = path }
            for (name, c) in m.childModules { walk(c, path.isEmpty ? name : path + "." + name) }
        }
        walk(model, "")
        var found: String?
        Module.tracer = { module, output in
            guard found == nil, module.children.isEmpty, output.dtype == .float32 else { return }
            if !output.allFinite() {
                found = "\(names[ObjectIdentifier(module)] ?? "?") (\(module.typeName))"
            }
        }
        defer { Module.tracer = nil }
        _ = try withNoGrad { try runtime.call(.object(model), inputs, keywords: []) }
        return found
    }

    static func add(to t: inout BuiltinTable) {
        t.function("first_nonfinite_layer", [Param("model"), Param("inputs", .list)],
                   "first_nonfinite_layer(model, inputs): the path and type of the first layer whose output holds NaN or infinity when the model runs on the list of inputs, or none.") { a, rt in
            guard case .object(let m as ModuleObject) = a["model"] else { throw NativeError("first_nonfinite_layer: expected a model, got \(a["model"].typeName)") }
            return try firstNonFinite(m, a.list("inputs"), runtime: rt).map { .string($0) } ?? Value.none
        }
    }
}
