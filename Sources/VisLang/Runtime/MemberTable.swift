/// The members of a native type, declared as a table (Lua's `meth[]` tables in
/// liolib.c): attributes with a getter (and a setter where they can be assigned) and
/// methods declared like builtins, with a signature and a doc. One table drives member
/// access, assignment, completion after `.`, argument errors and `:help Type.member`.
public final class MemberTable {
    /// The name `:help` knows the table by (`Optimizer`, `Module`, `DataLoader`).
    public let typeName: String
    /// An attribute: read by `x.name`, written by `x.name = v` when it has a setter.
    public struct Attribute {
        public let doc: String
        let get: (NativeObject) throws -> Value
        let set: ((NativeObject, Value) throws -> Void)?
    }
    /// Attributes by name.
    public private(set) var attributes: [String: Attribute] = [:]
    /// Methods by name; each takes the receiver as its parameter `self`.
    public private(set) var methods: [String: NativeFunction] = [:]
    /// Member names in declaration order.
    public private(set) var names: [String] = []

    public init(_ typeName: String) { self.typeName = typeName }

    /// Declares an attribute of objects of type `T`.
    public func attribute<T>(_ name: String, of type: T.Type, _ doc: String, get: @escaping (T) throws -> Value,
                             set: ((T, Value) throws -> Void)? = nil) {
        func object(_ o: NativeObject) throws -> T {
            guard let t = o as? T else { throw NativeError("\(o.typeName) has no attribute '\(name)'") }
            return t
        }
        let setter: ((NativeObject, Value) throws -> Void)? = set.map { s in { o, v in try s(object(o), v) } }
        if attributes[name] == nil && methods[name] == nil { names.append(name) }
        attributes[name] = Attribute(doc: doc, get: { try get(object($0)) }, set: setter)
    }

    /// Declares a method; the body reads the receiver with `a.object("self", T.self)`.
    public func method(_ name: String, _ params: [Param], _ doc: String,
                       _ body: @escaping (BoundArguments, Runtime) throws -> Value) {
        if attributes[name] == nil && methods[name] == nil { names.append(name) }
        methods[name] = NativeFunction(name, [Param("self")] + params, doc: doc, body)
    }

    /// `object.name`: an attribute's value or a method bound to the object, or nil.
    public func member(of object: NativeObject, _ name: String) throws -> Value? {
        if let a = attributes[name] { return try a.get(object) }
        if let m = methods[name] { return .function(m.bound(to: .object(object))) }
        return nil
    }

    /// `object.name = value`; false when `name` is not a settable attribute here.
    public func set(_ object: NativeObject, _ name: String, _ value: Value) throws -> Bool {
        guard let s = attributes[name]?.set else { return false }
        try s(object, value)
        return true
    }

    /// The help text of a member: the method's signature and doc, or the attribute's doc.
    public func help(_ name: String) -> String? {
        // The signature generated from the declaration, then the doc without its
        // hand-written one, as builtins show.
        if let m = methods[name] { return "\(typeName).\(m.signature.description.dropSelf)\n" + HandWrittenSignature.strip(m.doc) }
        if let a = attributes[name] { return "\(typeName).\(name)\n" + HandWrittenSignature.strip(a.doc) }
        return nil
    }
}

extension String {
    /// A method's signature without its receiver: `step(self, metric=none)` -> `step(metric=none)`.
    var dropSelf: String {
        replacingOccurrences(of: "(self, ", with: "(").replacingOccurrences(of: "(self)", with: "()")
    }
}
