/// One activation of a function (its local slots), a model body or method scope (the
/// instance's fields), or the top level (the globals).
final class Frame {
    /// Local values by slot (nil until assigned).
    var slots: [Value?]
    /// The function this frame runs (nil for the top level and model bodies).
    let function: FunctionDecl?
    /// The lexically enclosing frame (closures read and write through it).
    let parent: Frame?
    /// The model instance whose fields this scope sees as plain names.
    let instance: ModelInstance?
    /// True for the body of a `model` block: assignments there create fields.
    let isModelBody: Bool

    init(function: FunctionDecl?, parent: Frame?, instance: ModelInstance? = nil, isModelBody: Bool = false) {
        self.function = function
        self.parent = parent
        self.instance = instance
        self.isModelBody = isModelBody
        self.slots = [Value?](repeating: nil, count: function?.localNames.count ?? 0)
    }

    /// A name visible in this scope itself (locals or fields), not its parents.
    func ownValue(_ name: String) -> Value? {
        if let f = function, let s = f.locals?[name] { return slots[s] }
        if let i = instance { return i.field(name) }
        return nil
    }
}

/// The top-level names of a session, by slot: a name use caches its slot the first time.
final class Globals {
    private(set) var names: [String: Int] = [:]
    var values: [Value?] = []
    var order: [String] = []

    /// The slot of `name`, created (empty) on first use.
    func slot(_ name: String) -> Int {
        if let s = names[name] { return s }
        let s = values.count
        names[name] = s
        values.append(nil)
        order.append(name)
        return s
    }

    /// The value of `name`, if defined.
    func value(_ name: String) -> Value? {
        guard let s = names[name] else { return nil }
        return values[s]
    }

    /// Defines or replaces `name`.
    func set(_ name: String, _ v: Value) { values[slot(name)] = v }

    /// Names that currently have values, in definition order.
    var defined: [String] { order.filter { names[$0].map { values[$0] != nil } ?? false } }
}
