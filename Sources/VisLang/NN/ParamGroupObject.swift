import VisOptim
import VisTensor

/// A native object read and written by key, as a dict is (`g["lr"]`, `g["lr"] = 0.01`).
public protocol KeyedObject: NativeObject {
    /// `object[key]`.
    func item(_ key: Value) throws -> Value
    /// `object[key] = value`.
    func setItem(_ key: Value, _ value: Value) throws
}

/// One entry of `opt.param_groups`: the optimizer's live parameter group, read and
/// written like PyTorch's group dict, so `for g in opt.param_groups { g["lr"] = lr }`
/// changes the learning rate the next `step()` uses (a snapshot dict silently did not).
/// Keys are PyTorch's: pairs stored as two numbers show as one tuple (`betas`, `etas`,
/// `step_sizes`) and are written as one, flags (`nesterov`, `amsgrad`, `maximize`, ...)
/// read as booleans; the halves' storage names (`beta1`, ...) are not keys, so writing
/// one cannot silently miss the optimizer.
public final class ParamGroupObject: KeyedObject {
    let group: ParamGroup
    /// The optimizer the group belongs to: its flags and its option checks.
    let optimizer: Optimizer
    init(_ group: ParamGroup, of optimizer: Optimizer) {
        self.group = group
        self.optimizer = optimizer
    }

    public var typeName: String { "param_group" }
    public func member(_ name: String) throws -> Value? { nil }
    public var memberNames: [String] { [] }
    public var members: MemberTable? { ParamGroupObject.table }

    /// The stored names that are halves of a pair option.
    static let halves: Set<String> = Set(Optimizer.pairOptions.flatMap { [$0.first, $0.second] })

    /// The group's keys (besides `params`), in name order.
    var keys: [String] {
        var keys = group.options.keys.filter { !ParamGroupObject.halves.contains($0) }
        for pair in Optimizer.pairOptions where group.options[pair.first] != nil && group.options[pair.second] != nil {
            keys.append(pair.key)
        }
        return keys.sorted()
    }

    /// The value of key `k` (not `params`), or nil when the group has no such key.
    func option(_ k: String) -> Value? {
        if let pair = Optimizer.pairOptions.first(where: { $0.key == k }) {
            guard let a = group.options[pair.first], let b = group.options[pair.second] else { return nil }
            return .tuple([.float(a), .float(b)])
        }
        guard !ParamGroupObject.halves.contains(k), let v = group.options[k] else { return nil }
        return optimizer.flagOptions.contains(k) ? .bool(v != 0) : .float(v)
    }

    /// The group as a dict: `params`, then the options in name order.
    var pairs: [(DictKey, Value)] {
        [(.string("params"), .list(ListBox(group.params.map { .tensor($0) })))]
            + keys.compactMap { k in option(k).map { (.string(k), $0) } }
    }
    public var repr: String { Repr.repr(.dict(DictBox(pairs))) }

    public func item(_ key: Value) throws -> Value {
        guard case .string(let k) = key else { throw NativeError("param group keys are strings, got \(key.typeName)", kind: .keyError) }
        if k == "params" { return .list(ListBox(group.params.map { .tensor($0) })) }
        guard let v = option(k) else { throw NativeError("key \(Repr.quote(k)) not found in the param group (it has params, \(keys.joined(separator: ", ")))", kind: .keyError) }
        return v
    }

    /// Sets an option (a pair as a tuple, a flag as a bool) after the optimizer's own
    /// checks, so the next `step()` uses it; a bad value changes nothing.
    public func setItem(_ key: Value, _ value: Value) throws {
        guard case .string(let k) = key else { throw NativeError("param group keys are strings, got \(key.typeName)", kind: .keyError) }
        guard k != "params" else { throw NativeError("a param group's \"params\" cannot be replaced; make a new optimizer or use add_param_group", kind: .valueError) }
        var options = group.options
        for (name, n) in try OptimBuiltins.optionNumbers(k, value) { options[name] = n }
        if optimizer.flagOptions.contains(k), let n = options[k], n != 0 && n != 1 {
            throw NativeError("param group option \(Repr.quote(k)) is a flag: set it to true or false, got \(Repr.repr(value))", kind: .valueError)
        }
        do { try optimizer.validate(options) } catch let e as TensorError { throw NativeError("\(e.op): \(e.reason)", kind: .valueError) }
        group.options = options
    }

    static func of(_ a: BoundArguments) throws -> ParamGroupObject { try a.object("self", ParamGroupObject.self) }

    /// The dict methods a group answers.
    static let table: MemberTable = {
        let t = MemberTable("param_group")
        t.method("keys", [], "g.keys(): \"params\" and the option names.") { a, _ in .list(ListBox(try of(a).pairs.map { $0.0.value })) }
        t.method("values", [], "g.values(): the parameters and the option values.") { a, _ in .list(ListBox(try of(a).pairs.map(\.1))) }
        t.method("items", [], "g.items(): (key, value) pairs.") { a, _ in .list(ListBox(try of(a).pairs.map { .tuple([$0.0.value, $0.1]) })) }
        t.method("get", [Param("key"), Param("default", default: Value.none)], "g.get(key, default=none): an option's value, or default.") { a, _ in
            (try? of(a).item(a["key"])) ?? a["default"]
        }
        return t
    }()
}
