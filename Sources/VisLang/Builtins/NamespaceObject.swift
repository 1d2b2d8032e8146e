/// A module value: `torch`, `nn`, `math`, `os.path`, or a loaded `.vis` file. Its
/// members are fixed values (functions, constants, sub-modules), PyTorch names looked up
/// lazily in the builtin registry (so a builtin registered later, such as `no_grad`,
/// appears under `torch.no_grad` without this table changing), or a loaded file's globals.
public class NamespaceObject: NativeObject {
    /// The dotted module path users see (`torch.nn.functional`).
    public let path: String
    /// Members fixed at creation.
    public private(set) var fixed: [String: Value]
    /// Member name -> registry name, resolved on each access.
    let lazy: [String: String]
    /// PyTorch names vis cannot offer, with the reason (`torch.float64`).
    let missing: [String: String]
    /// The registry lazy members resolve against (weak: the registry holds this object).
    weak var registry: BuiltinRegistry?
    /// A loaded file's globals: lookup and names (nil for built-in modules).
    let dynamic: (lookup: (String) -> Value?, names: () -> [String])?
    /// Fixed members scripts may assign (`torch.backends.cudnn.benchmark = true`).
    public var settable: Set<String> = []

    public init(_ path: String, fixed: [String: Value] = [:], lazy: [String: String] = [:], missing: [String: String] = [:],
                registry: BuiltinRegistry? = nil, dynamic: (lookup: (String) -> Value?, names: () -> [String])? = nil) {
        self.path = path
        self.fixed = fixed
        self.lazy = lazy
        self.missing = missing
        self.registry = registry
        self.dynamic = dynamic
    }

    public var typeName: String { "module" }
    public var repr: String { "<module '\(path)'>" }

    /// Adds or replaces a fixed member (sub-modules wired after creation, `sys.argv`).
    public func set(_ name: String, _ value: Value) { fixed[name] = value }

    /// The member, without an error when there is none.
    public func lookup(_ name: String) -> Value? {
        if let v = fixed[name] { return v }
        if let target = lazy[name], let v = registry?.globals[target] { return v }
        return dynamic?.lookup(name)
    }

    public func setMember(_ name: String, _ value: Value) throws -> Bool {
        guard settable.contains(name) else {
            throw NativeError("cannot set attribute '\(name)' of module \(path)")
        }
        fixed[name] = value
        return true
    }

    public func member(_ name: String) throws -> Value? {
        if let v = lookup(name) { return v }
        if let why = missing[name] { throw NativeError("\(path).\(name): \(why)") }
        if lazy[name] != nil {
            throw NativeError("\(path) has no attribute '\(name)' (PyTorch's \(path).\(name) is not in vis yet)")
        }
        let hint = Suggestions.closest(to: name, in: memberNames).map { " (did you mean '\($0)'?)" } ?? ""
        throw NativeError("\(path) has no attribute '\(name)'\(hint)")
    }

    public var memberNames: [String] {
        var names = Set(fixed.keys)
        for (name, target) in lazy where registry?.globals[target] != nil { names.insert(name) }
        if let dynamic { names.formUnion(dynamic.names()) }
        return names.sorted()
    }
}
