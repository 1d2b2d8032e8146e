import VisOptim

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
public final class ParamGroupObject: KeyedObject {
    let group: ParamGroup
    init(_ group: ParamGroup) { self.group = group }

    public var typeName: String { "param_group" }
    public func member(_ name: String) throws -> Value? { nil }
    public var memberNames: [String] { [] }
    public var members: MemberTable? { ParamGroupObject.table }

    /// The group as a dict: `params`, then the options in name order.
    var pairs: [(DictKey, Value)] {
        [(.string("params"), .list(ListBox(group.params.map { .tensor($0) })))]
            + group.options.sorted { $0.key < $1.key }.map { (.string($0.key), .float($0.value)) }
    }
    public var repr: String { Repr.repr(.dict(DictBox(pairs))) }

    public func item(_ key: Value) throws -> Value {
        guard case .string(let k) = key else { throw NativeError("param group keys are strings, got \(key.typeName)", kind: .keyError) }
        if k == "params" { return .list(ListBox(group.params.map { .tensor($0) })) }
        guard let v = group.options[k] else { throw NativeError("key \(Repr.quote(k)) not found in the param group (it has \(pairs.map { Repr.str($0.0.value) }.joined(separator: ", ")))", kind: .keyError) }
        return .float(v)
    }

    public func setItem(_ key: Value, _ value: Value) throws {
        guard case .string(let k) = key else { throw NativeError("param group keys are strings, got \(key.typeName)", kind: .keyError) }
        guard k != "params" else { throw NativeError("a param group's \"params\" cannot be replaced; make a new optimizer or use add_param_group", kind: .valueError) }
        guard let d = value.asDouble else { throw NativeError("param group option '\(k)' must be a number, got \(value.typeName)", kind: .typeError) }
        group.options[k] = d
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
