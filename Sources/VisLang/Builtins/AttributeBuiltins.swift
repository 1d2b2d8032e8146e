/// Python's `getattr`, `setattr` and `hasattr`: attribute access by a name held in a
/// string, on every value `x.name` works on (models, layers, tensors, dicts, objects).
/// They go through `Members`, the code behind `x.name` and `x.name = v`, so they see
/// exactly the attributes the dot does and give the same errors.
enum AttributeBuiltins {
    /// The interpreter's builtin registry, which `Members` looks methods up in (every
    /// runtime that runs .vis code is an Interpreter).
    static func registry(_ rt: Runtime, _ fn: String) throws -> BuiltinRegistry {
        guard let interpreter = rt as? Interpreter else {
            throw NativeError("\(fn): needs the interpreter that runs the code")
        }
        return interpreter.registry
    }

    /// True for the error `x.name` gives when x has no attribute `name`: the one
    /// `getattr`'s default and `hasattr` answer (other errors pass through, as in Python).
    static func isMissingAttribute(_ error: Error) -> Bool {
        (error as? NativeError)?.kind == .attributeError
    }

    /// Adds getattr, setattr and hasattr to `t`.
    static func add(to t: inout BuiltinTable) {
        t.function("getattr", [Param("object"), Param("name", .string), Param("default", .any, variadic: true)],
                   "getattr(object, name, *default): the attribute `name` of object (object.name); with a default (one value, as in Python), the default when object has no such attribute (AttributeError otherwise).\n  act = getattr(nn, \"ReLU\")(); lr = getattr(args, \"lr\", 0.01)") { a, rt in
            let extra = try a.list("default")
            guard extra.count <= 1 else {
                throw NativeError("getattr expected at most 3 arguments, got \(2 + extra.count)", kind: .typeError)
            }
            let registry = try registry(rt, "getattr")
            do {
                return try Members.get(a["object"], try a.string("name"), registry: registry)
            } catch where extra.count == 1 && isMissingAttribute(error) {
                return extra[0]
            }
        }
        t.function("setattr", [Param("object"), Param("name", .string), Param("value")],
                   "setattr(object, name, value): object.name = value, with the name in a string (a layer into a model, an attribute of an object).\n  setattr(model, f\"fc{i}\", nn.Linear(8, 8))") { a, rt in
            try Members.set(a["object"], try a.string("name"), a["value"], registry: try registry(rt, "setattr"))
            return .none
        }
        t.function("hasattr", [Param("object"), Param("name", .string)],
                   "hasattr(object, name): true when object.name exists (getattr does not raise AttributeError).\n  if hasattr(model, \"fc\") { print(model.fc) }") { a, rt in
            let registry = try registry(rt, "hasattr")
            do {
                _ = try Members.get(a["object"], try a.string("name"), registry: registry)
                return .bool(true)
            } catch where isMissingAttribute(error) {
                return .bool(false)
            }
        }
    }
}
