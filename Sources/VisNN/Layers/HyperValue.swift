/// A constructor argument of a layer as the language reads it back
/// (`conv.kernel_size`, `bn.momentum`).
public enum HyperValue {
    case int(Int)
    case double(Double)
    case bool(Bool)
    case string(String)
    case ints([Int])
    case none
}

/// Formatting of constructor arguments the way PyTorch's `extra_repr` writes them.
enum ReprFormat {
    /// `(3, 3)`.
    static func pair(_ p: (Int, Int)) -> String { "(\(p.0), \(p.1))" }
    /// A float as Python prints it (`1e-05`, `0.1`).
    static func float(_ d: Double) -> String { d.description }
    /// `true` / `false` (vis's spelling).
    static func bool(_ b: Bool) -> String { b ? "true" : "false" }
}
