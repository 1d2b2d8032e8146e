import Foundation
import VisNN
import VisTensor

/// `summary(model, input_shape)`: one forward pass on zeros (eval mode, no gradients,
/// so nothing in the model changes) recording every leaf layer's output shape.
enum Summary {
    /// The input shapes from summary's arguments: one shape (a list of ints), several
    /// shapes, or one list of shapes.
    static func shapes(_ args: [Value]) throws -> [[Int]] {
        func ints(_ v: Value) -> [Int]? {
            let items: [Value]
            switch v {
            case .list(let l): items = l.items
            case .tuple(let t): items = t
            default: return nil
            }
            var out: [Int] = []
            for x in items {
                guard case .int(let n) = x else { return nil }
                out.append(n)
            }
            return out
        }
        let usage = "summary: input_shape must be a list of ints, or one list of ints per input (summary(m, [1, 3, 32, 32], [1, 10]))"
        guard !args.isEmpty else { throw NativeError("summary: missing the input shape (summary(net, [1, 1, 28, 28]))", kind: .typeError) }
        if args.count == 1, let s = ints(args[0]) { return [s] }
        var list = args
        if args.count == 1 {
            switch args[0] {
            case .list(let l): list = l.items
            case .tuple(let t): list = t
            default: throw NativeError(usage, kind: .typeError)
            }
        }
        let shapes = list.compactMap(ints)
        guard !shapes.isEmpty, shapes.count == list.count else { throw NativeError(usage, kind: .typeError) }
        return shapes
    }

    static func run(_ model: ModuleObject, inputShapes: [[Int]], runtime: Runtime) throws -> String {
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
        for s in inputShapes where s.contains(where: { $0 < 0 }) {
            throw NativeError("summary: input shape \(shapeString(s)) has a negative size", kind: .valueError)
        }
        // In the model's dtype: a model.double() / .half() model gets inputs it takes.
        let dtype = model.namedParameters().first { !$0.1.isUninitialized && $0.1.dtype.isFloatingPoint }?.1.dtype ?? .float32
        let inputs = try inputShapes.map { Value.tensor(try Tensor.zeros($0, dtype: dtype)) }
        let callable: Value = .object(model)
        _ = try withNoGrad { try runtime.call(callable, inputs, keywords: []) }
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
