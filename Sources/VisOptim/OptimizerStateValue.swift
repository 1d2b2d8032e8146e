import VisTensor

/// One value in an optimizer's or scheduler's state dict: a tree of named tensors,
/// numbers, flags, strings, lists and dictionaries, shaped like PyTorch's
/// `state_dict()` so that it can be written as safetensors (the tensors, by their
/// dotted path such as `state.0.exp_avg`) plus JSON (everything else).
///
/// Numbers are `Double`s and may be infinite (`ReduceLROnPlateau`'s `best` before any
/// metric is `inf` or `-inf`): a JSON writer must spell those as Python's `json` does
/// (`Infinity`, `-Infinity`). Tensors in a state dict are copies: later optimizer
/// steps never change a saved state dict, and loading one copies again.
public enum OptimizerStateValue {
    /// A float32 tensor (moment estimates, momentum buffers).
    case tensor(Tensor)
    /// A number (step counts, hyper-parameters, learning rates, epochs).
    case number(Double)
    /// A flag (`nesterov`, `amsgrad`, `centered`, `three_phase`).
    case bool(Bool)
    /// A name (`mode`, `threshold_mode`, `anneal_strategy`).
    case string(String)
    /// An ordered list (`base_lrs`, `param_groups`, a group's `params` indices).
    case list([OptimizerStateValue])
    /// Named entries (`state`, one parameter's state, one group's options).
    case dict([String: OptimizerStateValue])

    /// The number this value holds (flags read as 0 or 1), or nil.
    public var number: Double? {
        switch self {
        case .number(let x): return x
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }

    /// The integer this value holds when it is a whole number, or nil.
    public var int: Int? {
        guard let x = number, x.rounded() == x, Swift.abs(x) < 9.0e15 else { return nil }
        return Int(x)
    }

    /// The tensor this value holds, or nil.
    public var tensor: Tensor? {
        if case .tensor(let t) = self { return t }
        return nil
    }

    /// The string this value holds, or nil.
    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The list this value holds, or nil.
    public var list: [OptimizerStateValue]? {
        if case .list(let l) = self { return l }
        return nil
    }

    /// The dictionary this value holds, or nil.
    public var dict: [String: OptimizerStateValue]? {
        if case .dict(let d) = self { return d }
        return nil
    }

    /// A list of numbers.
    static func numbers(_ xs: [Double]) -> OptimizerStateValue { .list(xs.map { .number($0) }) }

    /// Every tensor in this tree with its dotted path (`state.0.exp_avg`), sorted by
    /// path: what a safetensors writer stores.
    public func tensors(prefix: String = "") -> [(String, Tensor)] {
        switch self {
        case .tensor(let t): return [(prefix, t)]
        case .list(let l):
            return l.enumerated().flatMap { $0.element.tensors(prefix: OptimizerStateValue.join(prefix, String($0.offset))) }
        case .dict(let d):
            return d.keys.sorted().flatMap { k in d[k].map { $0.tensors(prefix: OptimizerStateValue.join(prefix, k)) } ?? [] }
        default: return []
        }
    }

    private static func join(_ a: String, _ b: String) -> String { a.isEmpty ? b : a + "." + b }
}

extension OptimizerStateValue: Equatable {
    /// Deep equality: tensors are equal when dtype, shape and every element's bits are
    /// equal (so a resumed run can be checked to be exactly the same); numbers compare
    /// by value.
    public static func == (a: OptimizerStateValue, b: OptimizerStateValue) -> Bool {
        switch (a, b) {
        case (.tensor(let x), .tensor(let y)): return sameBits(x, y)
        case (.number(let x), .number(let y)): return x == y || (x.isNaN && y.isNaN)
        case (.bool(let x), .bool(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.list(let x), .list(let y)): return x == y
        case (.dict(let x), .dict(let y)): return x == y
        default: return false
        }
    }

    private static func sameBits(_ x: Tensor, _ y: Tensor) -> Bool {
        guard x.dtype == y.dtype, x.shape == y.shape else { return false }
        if x.dtype != .float32 { return x.toDoubleArray() == y.toDoubleArray() }
        return x.toFloatArray().map(\.bitPattern) == y.toFloatArray().map(\.bitPattern)
    }
}

/// Reading entries of a loaded state dict, with errors that name the entry.
struct StateReader {
    /// The owner's name for messages (`"Adam"`, `"StepLR"`).
    let owner: String
    let dict: [String: OptimizerStateValue]

    func value(_ key: String) throws -> OptimizerStateValue {
        guard let v = dict[key] else { throw TensorError(owner, "load_state_dict: the state dict has no entry '\(key)'") }
        return v
    }

    func number(_ key: String) throws -> Double {
        guard let x = try value(key).number else { throw wrong(key, "a number") }
        return x
    }

    func int(_ key: String) throws -> Int {
        guard let x = try value(key).int else { throw wrong(key, "an integer") }
        return x
    }

    func bool(_ key: String) throws -> Bool {
        switch try value(key) {
        case .bool(let b): return b
        case .number(let x) where x == 0 || x == 1: return x == 1
        default: throw wrong(key, "a flag")
        }
    }

    func string(_ key: String) throws -> String {
        guard let s = try value(key).string else { throw wrong(key, "a string") }
        return s
    }

    func numbers(_ key: String) throws -> [Double] {
        guard let l = try value(key).list else { throw wrong(key, "a list of numbers") }
        var out: [Double] = []
        for v in l {
            guard let x = v.number else { throw wrong(key, "a list of numbers") }
            out.append(x)
        }
        return out
    }

    func ints(_ key: String) throws -> [Int] {
        try numbers(key).map { x in
            guard x.rounded() == x, Swift.abs(x) < 9.0e15 else { throw wrong(key, "a list of integers") }
            return Int(x)
        }
    }

    func wrong(_ key: String, _ what: String) -> TensorError {
        TensorError(owner, "load_state_dict: entry '\(key)' should be \(what)")
    }
}
