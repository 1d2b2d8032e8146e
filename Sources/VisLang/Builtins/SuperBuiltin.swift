/// `super()`: what a PyTorch model's `__init__` calls first (`super().__init__()` or
/// `super(Net, self).__init__()`). In PyTorch that call sets up the registration of
/// parameters and submodules; a vis `model` body registers them itself, so a ported
/// body can keep the line: `__init__` of the value `super()` gives does nothing.
final class SuperObject: NativeObject {
    var typeName: String { "super" }
    func member(_ name: String) throws -> Value? { nil }
    var memberNames: [String] { [] }
    var members: MemberTable? { SuperObject.table }

    static let table: MemberTable = {
        let t = MemberTable("super")
        t.method("__init__", [Param("args", .any, variadic: true), Param("kwargs", .any, keywords: true)],
                 "super().__init__(): kept for code ported from PyTorch; a model's body registers its layers itself, so this does nothing.") { _, _ in .none }
        return t
    }()
}

enum SuperBuiltin {
    static func add(to t: inout BuiltinTable) {
        t.memberTables.append(SuperObject.table)
        t.function("super", [Param("type", default: Value.none), Param("object", default: Value.none)],
                   "super(type=none, object=none): lets `super().__init__()` and `super(Net, self).__init__()` from a PyTorch model's __init__ stay in a ported model body, where they do nothing (vis registers a model's layers itself).\n  model Net(classes=10) {\n    super().__init__()\n    fc = Linear(16, classes)\n  }") { _, _ in
            .object(SuperObject())
        }
    }
}
