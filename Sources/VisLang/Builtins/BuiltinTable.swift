/// A library area's natives: global functions and methods on one receiver type,
/// declared as tables (Lua's luaL_Reg, clox's defineNative). The interpreter merges
/// the tables at start-up; `:help` and completion read the same entries.
public struct BuiltinTable {
    /// Global functions by name.
    public var functions: [NativeFunction] = []
    /// Methods by receiver type name (`"tensor"`, `"string"`, `"list"`, `"dict"`); each
    /// takes the receiver as its first argument.
    public var methods: [(String, NativeFunction)] = []
    /// Named constants (`float32`, `pi`).
    public var constants: [(String, Value)] = []
    /// Member tables of native types, and the type names users see that use them
    /// (`SGD` -> `Optimizer`), for `:help SGD.step`.
    public var memberTables: [MemberTable] = []
    public var memberTypeAliases: [(String, String)] = []
    /// Help topics that are not values (the REPL's `:` commands): name and text.
    public var topics: [(String, String)] = []

    public init() {}

    /// Declares a global function.
    public mutating func function(_ name: String, _ params: [Param], _ doc: String,
                                  _ body: @escaping (BoundArguments, Runtime) throws -> Value) {
        functions.append(NativeFunction(name, params, doc: doc, body))
    }

    /// Declares a method of `type` (tensor by default); the receiver is bound to the
    /// parameter `self`.
    public mutating func method(_ name: String, on type: String = "tensor", _ params: [Param], _ doc: String,
                                _ body: @escaping (BoundArguments, Runtime) throws -> Value) {
        let receiver: ParamType = type == "tensor" ? .tensor : .any
        methods.append((type, NativeFunction(name, [Param("self", receiver)] + params, doc: doc, body)))
    }

    /// Declares a tensor op both as a function `name(input, ...)` and as a method
    /// `x.name(...)`, as torch has `torch.sum(input, dim)` and `Tensor.sum(dim)`: one
    /// signature and one body, the method's receiver bound to the first parameter.
    public mutating func functionAndMethod(_ name: String, _ params: [Param], _ doc: String,
                                           _ body: @escaping (BoundArguments, Runtime) throws -> Value) {
        precondition(!params.isEmpty, "\(name): a function-and-method needs its receiver as the first parameter")
        functions.append(NativeFunction(name, params, doc: doc, body))
        let receiver = Param(params[0].name, .tensor)
        methods.append(("tensor", NativeFunction(name, [receiver] + params.dropFirst(), doc: doc, body)))
    }
}

/// All natives, merged from every library area's table.
public final class BuiltinRegistry {
    /// Global functions and constants by name.
    public private(set) var globals: [String: Value] = [:]
    /// Methods by receiver type name, then method name.
    public private(set) var methods: [String: [String: NativeFunction]] = [:]
    /// Every native by name, for `:help` (methods as `tensor.name`, `list.append`).
    public private(set) var docs: [String: NativeFunction] = [:]
    /// Member tables of native types by their name and by the type names that use them.
    public private(set) var memberTables: [String: MemberTable] = [:]
    /// Help texts of topics that are not values (`:save`), for `:help` and `help()`.
    public private(set) var topics: [String: String] = [:]

    public init(_ tables: [BuiltinTable]) {
        for table in tables { add(table) }
    }

    /// Adds a table (later tables override earlier names).
    public func add(_ table: BuiltinTable) {
        for f in table.functions {
            globals[f.name] = .function(f)
            docs[f.name] = f
        }
        for (type, m) in table.methods {
            methods[type, default: [:]][m.name] = m
            docs[type + "." + m.name] = m
        }
        for (name, v) in table.constants { globals[name] = v }
        for m in table.memberTables { memberTables[m.typeName] = m }
        for (alias, type) in table.memberTypeAliases { memberTables[alias] = memberTables[type] }
        for (name, text) in table.topics { topics[name] = text }
    }

    /// The registry with every built-in library area.
    public static func standard() -> BuiltinRegistry {
        let registry = BuiltinRegistry([BasicBuiltins.table(), ValueMethods.table(), TensorBuiltins.table(), DataBuiltins.table(), NNBuiltins.table(),
                                        ExceptionBuiltins.table(), HelpBuiltins.table()])
        // Module values (torch, nn, math, os...) resolve members against the registry itself.
        registry.add(Namespaces.table(registry: registry))
        registry.add(PythonModules.table(registry: registry))
        return registry
    }
}
