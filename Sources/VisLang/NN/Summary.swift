import Foundation
import VisNN
import VisTensor

/// `summary(model, input_shape)`: one forward pass on zeros (eval mode, no gradients,
/// so nothing in the model changes) recording every leaf layer's output shape.
enum Summary {
    static func run(_ model: ModuleObject, inputShape: [Int], runtime: Runtime) throws -> String {
        // Names of every native layer in the tree, by identity.
        var names: [ObjectIdentifier: String] = [:]
        func walk(_ m: ModuleObject, _ path: String) {
            if let n = m as? NativeModule { names[ObjectIdentifier(n.module)] = path }
            for (name, c) in m.childModules { walk(c, path.isEmpty ? name : path + "." + name) }
        }
        walk(model, "")
        var rows: [(String, String, [Int], Int)] = []
        let wasTraining = model.isTraining
        model.setTraining(false)
        defer { model.setTraining(wasTraining) }
        Module.tracer = { module, output in
            guard module.children.isEmpty else { return }
            let name = names[ObjectIdentifier(module)] ?? "-"
            rows.append((name, module.typeName, output.shape, module.namedParameters().reduce(0) { $0 + $1.1.count }))
        }
        defer { Module.tracer = nil }
        // In the model's dtype: a model.double() / .half() model gets an input it takes.
        let dtype = model.namedParameters().first { $0.1.dtype.isFloatingPoint }?.1.dtype ?? .float32
        let input = try Tensor.zeros(inputShape, dtype: dtype)
        let callable: Value = .object(model)
        _ = try withNoGrad { try runtime.call(callable, [.tensor(input)], keywords: []) }
        // Lazy layers got their weights during the pass: count after it.
        let params = model.namedParameters()
        let total = params.reduce(0) { $0 + $1.1.count }
        let trainable = params.filter { $0.1.requiresGrad }.reduce(0) { $0 + $1.1.count }
        let bytes = model.stateEntries().reduce(0) { $0 + $1.1.count * $1.1.dtype.size }
        let header = ("Layer (type)", "Output shape", "Params")
        let cells = rows.map { ("\($0.0) (\($0.1))", shapeString($0.2), grouped($0.3)) }
        let w0 = ([header.0] + cells.map(\.0)).map(\.count).max() ?? 0
        let w1 = ([header.1] + cells.map(\.1)).map(\.count).max() ?? 0
        let w2 = ([header.2] + cells.map(\.2)).map(\.count).max() ?? 0
        func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: Swift.max(0, w - s.count)) }
        func lpad(_ s: String, _ w: Int) -> String { String(repeating: " ", count: Swift.max(0, w - s.count)) + s }
        let rule = String(repeating: "-", count: w0 + w1 + w2 + 4)
        var out = [pad(header.0, w0) + "  " + pad(header.1, w1) + "  " + lpad(header.2, w2), rule]
        out += cells.map { pad($0.0, w0) + "  " + pad($0.1, w1) + "  " + lpad($0.2, w2) }
        out.append(rule)
        out.append("Total params: \(grouped(total))")
        out.append("Trainable params: \(grouped(trainable))")
        out.append("Non-trainable params: \(grouped(total - trainable))")
        out.append(String(format: "Model size: %.2f MB", Double(bytes) / 1_048_576))
        return out.joined(separator: "\n") + "\n"
    }

    /// 1234567 -> "1,234,567".
    static func grouped(_ n: Int) -> String { Format.group(String(n), ",") }
}
