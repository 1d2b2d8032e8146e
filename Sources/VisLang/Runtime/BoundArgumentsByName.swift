import VisTensor

/// Name-based readers of bound arguments (`a.int("dim")`), the overloads main adds in
/// Signature.swift; this branch predates them. When merging, delete this file in favour
/// of main's (same names and signatures).
extension BoundArguments {
    /// The index of the declared parameter `name` (a misspelt name is a bug in the binding).
    private func index(_ name: String) -> Int {
        guard let i = params.firstIndex(where: { $0.name == name }) else {
            preconditionFailure("\(function): no parameter named '\(name)'")
        }
        return i
    }
    /// An int argument.
    public func int(_ name: String) throws -> Int { try int(index(name)) }
    /// An int argument or nil for none.
    public func optionalInt(_ name: String) throws -> Int? { try optionalInt(index(name)) }
    /// A number argument.
    public func double(_ name: String) throws -> Double { try double(index(name)) }
    /// A number argument or nil for none.
    public func optionalDouble(_ name: String) throws -> Double? { try optionalDouble(index(name)) }
    /// A bool argument.
    public func bool(_ name: String) throws -> Bool { try bool(index(name)) }
    /// A string argument.
    public func string(_ name: String) throws -> String { try string(index(name)) }
    /// A string argument or nil for none.
    public func optionalString(_ name: String) throws -> String? { self[name].isNone ? nil : try string(name) }
    /// A tensor argument.
    public func tensor(_ name: String) throws -> Tensor { try tensor(index(name)) }
    /// The elements of a list or tuple argument.
    public func list(_ name: String) throws -> [Value] { try list(index(name)) }
}
