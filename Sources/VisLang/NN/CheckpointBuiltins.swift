import Foundation
import VisNN
import VisTensor

/// `save` / `load` of checkpoints in the safetensors format with PyTorch's key names,
/// and `summary(model, input_shape)`.
enum CheckpointBuiltins {
    /// The named tensors of a model or a state dict value.
    static func entries(_ v: Value, _ fn: String) throws -> [(String, Tensor)] {
        let items: [(String, Tensor)]
        switch v {
        case .object(let m as ModuleObject): items = m.stateEntries()
        case .dict(let d):
            items = try d.pairs.map { k, v in
                guard case .tensor(let t) = v else { throw NativeError("\(fn): entry \(k) is a \(v.typeName), not a tensor") }
                return (Repr.str(k.value), t)
            }
        default: throw NativeError("\(fn): expected a model or a state dict (dict of tensors), got \(v.typeName)")
        }
        // A lazy layer's parameters have no shape before its first forward.
        if let (name, t) = items.first(where: { $0.1.isUninitialized }) { throw UninitializedParameterError.make(t, "\(fn): \(name)") }
        return items
    }

    /// PyTorch's own formats by extension: vis cannot write or read them yet, and a
    /// safetensors file named `.pth` would be one PyTorch's `torch.load` refuses, so
    /// such a path is an error rather than a silently different format.
    static func checkSafetensorsPath(_ path: String, _ fn: String) throws {
        let ext = (path as NSString).pathExtension.lowercased()
        guard ["pth", "pt", "bin", "ckpt", "tar"].contains(ext) else { return }
        throw NativeError("\(fn): '\(path)' is PyTorch's pickle format, which vis does not \(fn == "save" ? "write" : "read") yet; use a .safetensors path (PyTorch reads it with safetensors.torch.load_file and writes it with save_file)", kind: .valueError)
    }

    /// The tensors of a safetensors file; a file that is not one but is named like
    /// PyTorch's pickle files gets the error that says so.
    static func readSafetensors(_ path: String, _ fn: String) throws -> [(String, Tensor)] {
        do {
            return try SafeTensors.load(path)
        } catch {
            try checkSafetensorsPath(path, fn)
            throw error
        }
    }

    static func add(to t: inout BuiltinTable) {
        t.function("save", [Param("obj"), Param("path", .string), Param("dtype", .optional(.dtype), default: Value.none)],
                   "save(obj, path, dtype=none): writes a safetensors file with PyTorch's key names, atomically; dtype=\"float16\" (or another float dtype) writes the floating-point tensors in that dtype (a half-precision checkpoint), leaving integer and bool tensors as they are.\n  save(net, \"model.safetensors\")  or  save(net, \"model-fp16.safetensors\", dtype=torch.float16)") { a, _ in
            let path = try a.string("path")
            try checkSafetensorsPath(path, "save")
            var items = try entries(a["obj"], "save")
            if let dt = try a.dtype("dtype") {
                guard dt.isFloatingPoint else { throw NativeError("save: dtype must be a floating-point dtype (float16, bfloat16, float32, float64), got \(dt)") }
                // Only float tensors convert (as model.half() does in PyTorch): counters
                // such as BatchNorm's num_batches_tracked stay int64.
                items = items.map { ($0.0, $0.1.dtype.isFloatingPoint ? $0.1.cast(dt) : $0.1) }
            }
            try SafeTensors.save(items, to: path)
            return .none
        }
        t.function("load", [Param("model"), Param("path", .string), Param("strict", .bool, default: .bool(true))],
                   "load(model, path, strict=true): loads a safetensors file into a model, checking every name, shape and dtype; nothing changes on a mismatch unless strict=false. load(path) returns the state dict.") { a, _ in
            let path = try a.string("path")
            let tensors = try readSafetensors(path, "load")
            guard case .object(let m as ModuleObject) = a["model"] else {
                throw NativeError("load: the first argument must be a model, got \(a["model"].typeName) (use load_state_dict(path) for a dict)")
            }
            let report = try m.loadState(tensors, strict: a.bool("strict"))
            return report.isClean ? .none : .string("loaded with mismatches: missing \(report.missing), unexpected \(report.unexpected), mismatched \(report.mismatched)")
        }
        t.function("load_state_dict", [Param("path", .string)], "load_state_dict(path): the tensors of a safetensors file as a dict.") { a, _ in
            .dict(DictBox(try readSafetensors(a.string("path"), "load_state_dict").map { (.string($0.0), .tensor($0.1)) }))
        }
        t.function("summary", [Param("model"), Param("input_shape", .any, variadic: true)],
                   "summary(model, *input_shape): runs the model on zeros and prints each layer's name, type, output shape and parameter count, then the totals. A model with several inputs takes one shape per input: summary(m, shape1, shape2) or summary(m, [shape1, shape2]).\n  summary(net, [1, 1, 28, 28])  or  summary(two_input_net, [1, 3, 32, 32], [1, 10])") { a, rt in
            guard case .object(let m as ModuleObject) = a["model"] else { throw NativeError("summary: expected a model, got \(a["model"].typeName)") }
            rt.write(try Summary.run(m, inputShapes: Summary.shapes(a.list("input_shape")), runtime: rt))
            return .none
        }
    }
}
