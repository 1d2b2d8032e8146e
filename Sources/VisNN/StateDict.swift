import VisTensor

/// What loading a state dict found: keys the model has that the state lacks, keys the
/// state has that the model lacks, and entries whose shape or dtype does not fit.
public struct LoadReport: Equatable {
    public var missing: [String] = []
    public var unexpected: [String] = []
    public var mismatched: [String] = []
    public var isClean: Bool { missing.isEmpty && unexpected.isEmpty && mismatched.isEmpty }
}

/// Loading named tensors into a model's named parameters and buffers: every name,
/// shape and dtype is checked first; nothing changes unless everything fits (or, with
/// `strict: false`, what fits is loaded and the rest reported).
public enum StateDict {
    /// Copies `entries` into `targets` (both name -> tensor); `owner` names the model in errors.
    @discardableResult
    public static func load(into targets: [(String, Tensor)], from entries: [(String, Tensor)], strict: Bool, owner: String) throws -> LoadReport {
        var report = LoadReport()
        let given = Dictionary(entries, uniquingKeysWith: { _, last in last })
        let targetNames = Set(targets.map(\.0))
        report.missing = targets.map(\.0).filter { given[$0] == nil }
        report.unexpected = entries.map(\.0).filter { !targetNames.contains($0) }
        var plan: [(Tensor, Tensor)] = []
        for (name, target) in targets {
            guard let src = given[name] else { continue }
            if src.shape != target.shape {
                report.mismatched.append("\(name): the model has shape \(shapeString(target.shape)), the state has \(shapeString(src.shape))")
            } else if src.dtype != target.dtype && (src.dtype == .bool || target.dtype == .bool) {
                report.mismatched.append("\(name): the model has dtype \(target.dtype), the state has \(src.dtype)")
            } else {
                plan.append((target, src))
            }
        }
        if strict && !report.isClean {
            var parts: [String] = []
            if !report.missing.isEmpty { parts.append("missing keys: " + report.missing.joined(separator: ", ")) }
            if !report.unexpected.isEmpty { parts.append("unexpected keys: " + report.unexpected.joined(separator: ", ")) }
            if !report.mismatched.isEmpty { parts.append("mismatched: " + report.mismatched.joined(separator: "; ")) }
            throw TensorError("load_state_dict", "the state does not fit \(owner), so nothing was loaded; " + parts.joined(separator: "; "))
        }
        try withNoGrad {
            for (target, src) in plan { try target.detach().assign(src) }
        }
        return report
    }
}

extension Module {
    /// Loads a state dict into this module's parameters and buffers (materialising
    /// lazy layers from the shapes in the state first).
    @discardableResult
    public func loadStateDict(_ entries: [(String, Tensor)], strict: Bool = true) throws -> LoadReport {
        try materializeLazy(from: Dictionary(entries, uniquingKeysWith: { _, last in last }), prefix: "")
        return try StateDict.load(into: stateDict(), from: entries, strict: strict, owner: typeName)
    }

    /// Gives lazy layers their input sizes from the weights a state dict holds for them.
    public func materializeLazy(from entries: [String: Tensor], prefix: String) throws {
        if let lazy = self as? LazyLinear, lazy.inner == nil, let w = entries[prefix + "weight"], w.ndim == 2 {
            try lazy.materialize(inFeatures: w.shape[1])
        }
        if let lazy = self as? LazyConv2d, lazy.inner == nil, let w = entries[prefix + "weight"], w.ndim == 4 {
            try lazy.materialize(inChannels: w.shape[1] * lazy.groups)
        }
        for (name, child) in children { try child.materializeLazy(from: entries, prefix: prefix + name + ".") }
    }
}
