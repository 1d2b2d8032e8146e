import VisTensor

/// The padding layers (PyTorch's ZeroPad1d/2d, ConstantPad1d/2d, ReflectionPad1d/2d,
/// ReplicationPad1d/2d, CircularPad1d/2d): `Functional.pad` with a fixed padding, mode
/// and value. The padding is (left, right) for the 1d layers and (left, right, top,
/// bottom) for the 2d ones; an int pads every side by that much.
public final class Pad: Module {
    /// The class name (`ReflectionPad2d`).
    public let name: String
    /// The padding in `Functional.pad`'s order, 2 values per padded dimension.
    public let padding: [Int]
    public let mode: PadMode
    /// The fill value (constant mode).
    public let value: Double
    /// Whether the repr shows `padding=..., value=...` (the ConstantPad classes).
    let showsValue: Bool

    /// A layer named `name` padding `dims` trailing dimensions: `padding` is one int
    /// (every side) or 2 * dims values.
    public init(_ name: String, dims: Int, padding: [Int], mode: PadMode, value: Double = 0, showsValue: Bool = false) throws {
        let expanded = padding.count == 1 ? Array(repeating: padding[0], count: 2 * dims) : padding
        guard expanded.count == 2 * dims else {
            throw TensorError(name, "padding must be an int or \(2 * dims) values (\(dims == 1 ? "left, right" : "left, right, top, bottom")), got \(padding.count) values \(padding)")
        }
        self.name = name
        self.padding = expanded
        self.mode = mode
        self.value = value
        self.showsValue = showsValue
    }

    public override var typeName: String { name }

    /// PyTorch's forms: `(1, 1, 1, 1)`, or `padding=(1, 1), value=3.5` for ConstantPad.
    public override var extraRepr: String {
        let tuple = "(" + padding.map(String.init).joined(separator: ", ") + ")"
        return showsValue ? "padding=\(tuple), value=\(ReprFormat.float(value))" : tuple
    }

    public override var hyperParameters: [(String, HyperValue)] {
        [("padding", .ints(padding))] + (mode == .constant ? [("value", .double(value))] : [])
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        try Functional.pad(x, padding, mode: mode, value: value, op: name)
    }
}
