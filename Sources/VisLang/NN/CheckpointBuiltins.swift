import Foundation
import VisNN
import VisTensor

/// `save` / `load` of checkpoints in the safetensors format with PyTorch's key names,
/// and `summary(model, input_shape)`.
enum CheckpointBuiltins {
    /// The named tensors of a model or a state dict value.
    static func entries(_ v: Value, _ fn: String) throws -> [(String, Tensor)] {
        switch v {
        case .object(let m as ModuleObject): return m.stateEntries()
        case .dict(let d):
            return try d.pairs.map { k, v in
                guard case .tensor(let t) = v else { throw NativeError("\(fn): entry \(k) is a \(v.typeName), not a tensor") }
                return (Repr.str(k.value), t)
            }
        default: throw NativeError("\(fn): expected a model or a state dict (dict of tensors), got \(v.typeName)")
        }
    }

    static func add(to t: inout BuiltinTable) {
        t.function("save", [Param("obj"), Param("path", .string)],
                   "save(obj, path): writes a safetensors file with PyTorch's key names, atomically.\n  save(net, \"model.safetensors\")") { a, _ in
            try SafeTensors.save(entries(a["obj"], "save"), to: a.string("path"))
            return .none
        }
        t.function("load", [Param("model"), Param("path", .string), Param("strict", .bool, default: .bool(true))],
                   "load(model, path, strict=true): loads a safetensors file into a model, checking every name, shape and dtype; nothing changes on a mismatch unless strict=false. load(path) returns the state dict.") { a, _ in
            let path = try a.string("path")
            let tensors = try SafeTensors.load(path)
            guard case .object(let m as ModuleObject) = a["model"] else {
                throw NativeError("load: the first argument must be a model, got \(a["model"].typeName) (use load_state_dict(path) for a dict)")
            }
            let report = try m.loadState(tensors, strict: a.bool("strict"))
            return report.isClean ? .none : .string("loaded with mismatches: missing \(report.missing), unexpected \(report.unexpected), mismatched \(report.mismatched)")
        }
        t.function("load_state_dict", [Param("path", .string)], "load_state_dict(path): the tensors of a safetensors file as a dict.") { a, _ in
            .dict(DictBox(try SafeTensors.load(a.string("path")).map { (.string($0.0), .tensor($0.1)) }))
        }
        t.function("summary", [Param("model"), Param("input_shape", .ints)],
                   "summary(model, input_shape): runs the model on zeros and prints each layer's name, type, output shape and parameter count, then the totals.\n  summary(net, [1, 1, 28, 28])") { a, rt in
            guard case .object(let m as ModuleObject) = a["model"] else { throw NativeError("summary: expected a model, got \(a["model"].typeName)") }
            rt.write(try Summary.run(m, inputShape: a.ints("input_shape"), runtime: rt))
            return .none
        }
    }
}
