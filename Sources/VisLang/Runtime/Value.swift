import VisTensor

/// A .vis value. Lists and dicts are shared by reference (Python semantics); tensors
/// and native objects are reference types already.
public enum Value {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case list(ListBox)
    /// An immutable sequence, as Python's tuple: what natives return for pairs such as
    /// `x.max(dim=1)` and dataset samples, and what `a, b` builds.
    case tuple([Value])
    case dict(DictBox)
    case range(RangeValue)
    case function(Callable)
    case tensor(Tensor)
    case object(NativeObject)

    /// The type name users see in errors and from `type(x)`.
    public var typeName: String {
        switch self {
        case .none: return "none"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .string: return "string"
        case .list: return "list"
        case .tuple: return "tuple"
        case .dict: return "dict"
        case .range: return "range"
        case .function: return "function"
        case .tensor: return "tensor"
        case .object(let o): return o.typeName
        }
    }

    /// The type name with its indefinite article (`an int`, `a tensor`), for messages.
    public var typeNameWithArticle: String {
        let name = typeName
        return ("aeiou".contains(name.first.map { Character($0.lowercased()) } ?? "x") ? "an " : "a ") + name
    }

    /// Python truthiness: none, false, 0, 0.0, "" and empty containers are false. A
    /// tensor is true or false only when it has one element. A model asks its
    /// `__bool__`, else its `__len__`.
    public func truthy() throws -> Bool {
        switch self {
        case .none: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .float(let d): return d != 0
        case .string(let s): return !s.isEmpty
        case .list(let l): return !l.items.isEmpty
        case .tuple(let t): return !t.isEmpty
        case .dict(let d): return d.count > 0
        case .range(let r): return r.count > 0
        case .object(let m as ModelInstance): return try m.userTruthy()
        case .function, .object: return true
        case .tensor(let t):
            guard t.count == 1 else {
                throw NativeError("the truth value of a tensor with \(t.count) elements (shape \(shapeString(t.shape))) is ambiguous; use .any(), .all() or compare one element")
            }
            return try t.item() != 0
        }
    }

    /// True for `none`.
    public var isNone: Bool { if case .none = self { return true } else { return false } }

    /// The number as a Double, for int, float and bool values.
    public var asDouble: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .float(let d): return d
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }

    /// The value as an Int, for int and bool values (floats are not silently truncated).
    public var asInt: Int? {
        switch self {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }
}

/// A mutable list shared by reference.
public final class ListBox {
    /// The elements.
    public var items: [Value]
    public init(_ items: [Value]) { self.items = items }
    /// Nested lists and dicts are released one by one rather than by recursion (see
    /// `ContainerRelease`): `x = [x]` in a loop builds millions of levels.
    deinit { ContainerRelease.dismantle(&items) }
}

/// A key of a dict: strings and ints, as LANGUAGE.md allows (bools count as ints).
public enum DictKey: Hashable, CustomStringConvertible {
    case string(String)
    case int(Int)

    /// The key for a value, or nil when the value cannot be a key.
    public init?(_ v: Value) {
        switch v {
        case .string(let s): self = .string(s)
        case .int(let i): self = .int(i)
        case .bool(let b): self = .int(b ? 1 : 0)
        default: return nil
        }
    }

    /// The key as a value.
    public var value: Value {
        switch self {
        case .string(let s): return .string(s)
        case .int(let i): return .int(i)
        }
    }

    public var description: String {
        switch self {
        case .string(let s): return Repr.quote(s)
        case .int(let i): return String(i)
        }
    }
}

/// An insertion-ordered dict shared by reference.
public final class DictBox {
    /// Keys in insertion order.
    public private(set) var keys: [DictKey] = []
    private var storage: [DictKey: Value] = [:]

    public init() {}
    /// Nested lists and dicts are released one by one rather than by recursion (see
    /// `ContainerRelease`).
    deinit {
        guard storage.values.contains(where: ContainerRelease.isContainer) else { return }
        var values = Array(storage.values)
        storage = [:]
        ContainerRelease.dismantle(&values)
    }

    /// Empties the dict, handing back its values (for `ContainerRelease`).
    func takeValues() -> [Value] {
        let values = Array(storage.values)
        storage = [:]
        keys = []
        return values
    }
    /// A dict holding `pairs` in order.
    public init(_ pairs: [(DictKey, Value)]) { for (k, v) in pairs { self[k] = v } }

    /// Number of entries.
    public var count: Int { keys.count }

    /// Reads or writes an entry; writing a new key appends it, writing nil removes it.
    public subscript(key: DictKey) -> Value? {
        get { storage[key] }
        set {
            if let newValue {
                if storage.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if storage.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    /// Entries in insertion order.
    public var pairs: [(DictKey, Value)] { keys.compactMap { k in storage[k].map { (k, $0) } } }

    /// Reads a string-keyed entry.
    public subscript(string key: String) -> Value? {
        get { self[.string(key)] }
        set { self[.string(key)] = newValue }
    }
}

/// `range(start, stop, step)`: a lazy arithmetic sequence of ints.
public struct RangeValue {
    public let start: Int, stop: Int, step: Int

    /// Number of elements (computed without overflow, even for ranges spanning most of
    /// the ints; `range()` rejects ranges with more than `Int.max` elements).
    public var count: Int {
        guard step > 0 ? stop > start : start > stop else { return 0 }
        let span = UInt(bitPattern: step > 0 ? stop &- start : start &- stop)  // exact as a UInt even where the Int difference overflows
        return Int(truncatingIfNeeded: (span - 1) / step.magnitude + 1)
    }

    /// True when the range has more elements than an Int can count.
    public var isTooLong: Bool {
        guard step > 0 ? stop > start : start > stop else { return false }
        let span = UInt(bitPattern: step > 0 ? stop &- start : start &- stop)
        return (span - 1) / step.magnitude + 1 > UInt(Int.max)
    }

    /// The element at `i` (0 <= i < count).
    public func element(_ i: Int) -> Int { start &+ i &* step }  // exact: the result lies between start and stop
}

/// The error natives throw for misuse that is not a tensor error (wrong argument type,
/// bad value). The interpreter attaches the source range of the call.
public struct NativeError: Error, CustomStringConvertible {
    /// What went wrong, in the user's terms (already prefixed with the function name
    /// where that helps).
    public let message: String
    /// The Python exception kind `except` clauses match (see `ErrorKind`).
    public let kind: ErrorKind
    public init(_ message: String, kind: ErrorKind = .runtimeError) {
        self.message = message
        self.kind = kind
    }
    public var description: String { message }
}
