import VisNN
import VisTensor

/// Shared helpers of the neural-network bindings: turning values into modules, pairs
/// and padding, and the table that gathers every NN area.
public enum NNBuiltins {
    /// Every layer, functional op, loss, init function and checkpoint builtin.
    public static func table() -> BuiltinTable {
        var t = BuiltinTable()
        LayerBuiltins.add(to: &t)
        NewLayerBuiltins.add(to: &t)
        ModuleBuiltins.add(to: &t)
        // Every layer has the members of `Module` (`:help Conv2d.parameters`).
        t.memberTables.append(ModuleMembers.table)
        t.memberTypeAliases += t.functions.map { ($0.name, "Module") }
        FunctionalBuiltins.add(to: &t)
        ActivationBuiltins.add(to: &t)
        LossBuiltins.add(to: &t)
        CriterionBuiltins.add(to: &t)
        InitBuiltins.add(to: &t)
        CheckpointBuiltins.add(to: &t)
        Diagnostics.add(to: &t)
        OptimBuiltins.add(to: &t)

        return t
    }

    /// A module value as a VisNN module (model instances get an adapter).
    static func nativeModule(_ m: ModuleObject, runtime: Runtime) -> Module {
        if let n = m as? NativeModule { return n.module }
        if let i = m as? ModelInstance { return ModelModule(i, runtime: runtime) }
        return Identity()
    }

    /// The module in a value, or an error naming what was given.
    static func module(_ v: Value, _ context: String, runtime: Runtime) throws -> Module {
        guard case .object(let o as ModuleObject) = v else {
            throw NativeError("\(context) must be a module (a layer or a model), got \(v.typeName)")
        }
        return nativeModule(o, runtime: runtime)
    }

    /// An int or a pair of ints as a pair (`3` -> (3, 3), `[3, 5]` -> (3, 5)).
    static func pair(_ a: BoundArguments, _ name: String) throws -> (Int, Int) {
        let xs = try a.ints(name, count: 2)
        guard xs.count == 2 else { throw NativeError("\(a.function): argument '\(name)' must be an int or a pair of ints, got \(xs.count) values") }
        return (xs[0], xs[1])
    }

    /// True when the argument was written as one int (PyTorch prints those as ints).
    static func isInt(_ a: BoundArguments, _ name: String) -> Bool { if case .int = a[name] { return true } else { return false } }

    /// Padding as an int, a pair, "same" or "valid".
    static func padding(_ a: BoundArguments, _ name: String) throws -> ConvPadding {
        if case .string(let s) = a[name] {
            switch s {
            case "same": return .same
            case "valid": return .valid
            default: throw NativeError("\(a.function): padding must be an int, a pair, \"same\" or \"valid\", got \(Repr.quote(s))")
            }
        }
        let p = try pair(a, name)
        return .explicit(p.0, p.1)
    }

    /// A reduction name.
    static func reduction(_ a: BoundArguments, _ name: String = "reduction") throws -> Functional.Reduction {
        let s = try a.string(name)
        guard let r = Functional.Reduction(rawValue: s) else { throw NativeError("\(a.function): reduction must be \"mean\", \"sum\" or \"none\", got \(Repr.quote(s))") }
        return r
    }

    /// The wrapper value of a module.
    static func value(_ m: Module) -> Value { .object(NativeModule.wrap(m)) }
}
