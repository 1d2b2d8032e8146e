/// A context manager made of an object's `__enter__` and `__exit__(exc_type,
/// exc_value, traceback)` methods (a model defining them, as a Python class would).
final class MethodContextManager: ContextManagerObject {
    let object: NativeObject
    let enterMethod: Value
    let exitMethod: Value

    init(object: NativeObject, enter: Value, exit: Value) {
        self.object = object
        self.enterMethod = enter
        self.exitMethod = exit
    }

    var typeName: String { object.typeName }
    func member(_ name: String) throws -> Value? { try object.member(name) }
    var memberNames: [String] { object.memberNames }

    func enter(_ runtime: Runtime) throws -> Value {
        try runtime.call(enterMethod, [], keywords: [])
    }

    /// Calls `__exit__` with the error's kind (the builtin of that name), its exception
    /// value and none for the traceback (vis has no traceback objects), or three nones
    /// when the block ended without an error; a true result swallows the error.
    func exit(_ error: Error?, _ runtime: Runtime) throws -> Bool {
        var args: [Value] = [.none, .none, .none]
        if let e = error as? RuntimeError, let interpreter = runtime as? Interpreter {
            let value = interpreter.exceptionValue(e)
            args = [interpreter.registry.globals[value.kind.rawValue] ?? .string(value.kind.rawValue), .object(value), .none]
        }
        return try runtime.call(exitMethod, args, keywords: []).truthy()
    }
}
