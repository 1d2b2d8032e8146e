import VisTensor

/// The base class of every native layer: parameters, buffers and children in
/// registration order, train/eval mode, and state dicts with PyTorch's key names
/// (`features.0.weight`, `bn1.running_mean`, `bn1.num_batches_tracked`).
///
/// A layer overrides `ownParameters` / `ownBuffers` / `children` to list what it owns,
/// `forward` to compute, and `extraRepr` for its printed constructor arguments.
open class Module {
    /// Called after every module call with the module and its output while set (used by
    /// `summary` to record output shapes). Set it only around a single forward pass.
    nonisolated(unsafe) public static var tracer: ((Module, Tensor) -> Void)?

    /// Training mode (dropout active, batch norm using batch statistics).
    public var training = true

    public init() {}

    /// The name printed for this module (`Conv2d`).
    open var typeName: String { String(describing: type(of: self)) }

    /// Parameters owned directly (not by children), in registration order.
    open var ownParameters: [(String, Tensor)] { [] }
    /// Buffers owned directly (running statistics), in registration order.
    open var ownBuffers: [(String, Tensor)] { [] }
    /// Child modules in registration order.
    open var children: [(String, Module)] { [] }
    /// The constructor arguments shown when printed (`3, 16, kernel_size=(3, 3)`).
    open var extraRepr: String { "" }
    /// The constructor arguments by name, for reading back (`conv.kernel_size`).
    open var hyperParameters: [(String, HyperValue)] { [] }

    /// The layer's computation on one input tensor.
    open func forward(_ x: Tensor) throws -> Tensor {
        throw TensorError(typeName, "this module does not take a single tensor input")
    }

    /// `forward`, so a module can be called like a function. Errors come out as
    /// `LayerError`s naming this layer; containers add their child names on the way out.
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        do {
            let y = try forward(x)
            if let tracer = Module.tracer { tracer(self, y) }
            return y
        } catch let e as TensorError {
            throw LayerError(layerType: typeName, message: e.message)
        }
    }

    /// Every parameter with its dotted name, depth first in registration order.
    public func namedParameters(prefix: String = "") -> [(String, Tensor)] {
        var out = ownParameters.map { (prefix + $0.0, $0.1) }
        for (name, child) in children { out += child.namedParameters(prefix: prefix + name + ".") }
        return out
    }

    /// Every parameter.
    public func parameters() -> [Tensor] { namedParameters().map(\.1) }

    /// Parameters then buffers of each module, children after their parent: the order
    /// and names of PyTorch's `state_dict()`.
    public func stateDict(prefix: String = "") -> [(String, Tensor)] {
        var out = ownParameters.map { (prefix + $0.0, $0.1) } + ownBuffers.map { (prefix + $0.0, $0.1) }
        for (name, child) in children { out += child.stateDict(prefix: prefix + name + ".") }
        return out
    }

    /// Sets training mode here and in every descendant.
    public func train(_ on: Bool = true) {
        training = on
        for (_, c) in children { c.train(on) }
    }

    /// Evaluation mode (`train(false)`).
    public func eval() { train(false) }

    /// The PyTorch-style printed tree.
    public var tree: String {
        Module.formatTree(typeName: typeName, extraRepr: extraRepr, children: children.map { ($0.0, $0.1.tree) })
    }

    /// PyTorch's printed form of a module from its parts: `Name(args)` for a leaf, else
    /// `Name(` then each child's (already formatted) tree indented under `(name): `.
    public static func formatTree(typeName: String, extraRepr: String, children: [(String, String)]) -> String {
        if children.isEmpty { return "\(typeName)(\(extraRepr))" }
        var lines = ["\(typeName)(" + extraRepr]
        for (name, childTree) in children {
            let sub = childTree.split(separator: "\n", omittingEmptySubsequences: false)
            lines.append("  (\(name)): " + (sub.first.map(String.init) ?? ""))
            for l in sub.dropFirst() { lines.append("  " + l) }
        }
        lines.append(")")
        return lines.joined(separator: "\n")
    }
}
