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

    /// Forward hooks, nil until one is registered (so a call without hooks checks
    /// one pointer).
    public var forwardHooks: ForwardHooks?

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
            guard let hooks = forwardHooks, !hooks.isEmpty else {
                let y = try forward(x)
                if let tracer = Module.tracer { tracer(self, y) }
                return y
            }
            let input = try hooks.runPre(self, x)
            let y = try hooks.runPost(self, input, try forward(input))
            if let tracer = Module.tracer { tracer(self, y) }
            return y
        } catch let e as TensorError {
            throw LayerError(layerType: typeName, message: e.message)
        }
    }

    /// Visits this module and every descendant depth first in registration order with
    /// the dotted prefix of its entries ("" here, "features.0." below) and its depth:
    /// `enter` before the children, `leave` after. Iterative, with the prefix kept on
    /// one growing string, so a Sequential nested 10,000 deep takes linear time and no
    /// native stack; a module met again inside itself (a cycle) is not entered again.
    /// `enter` gets the module, its name in its parent ("" here), the prefix and the depth.
    public func walk(prefix: String = "", enter: (Module, _ name: String, _ prefix: String, _ depth: Int) throws -> Void,
                     leave: ((Module, _ depth: Int) throws -> Void)? = nil) rethrows {
        var prefix = prefix
        var path: Set<ObjectIdentifier> = [ObjectIdentifier(self)]
        try enter(self, "", prefix, 0)
        // Each open module with its children, the next child, and the length of the
        // name it added to the prefix.
        var stack: [(module: Module, children: [(String, Module)], next: Int, added: Int)] = [(self, children, 0, 0)]
        while let top = stack.last {
            if top.next == top.children.count {
                stack.removeLast()
                path.remove(ObjectIdentifier(top.module))
                prefix.removeLast(top.added)
                try leave?(top.module, stack.count)
                continue
            }
            stack[stack.count - 1].next += 1
            let (name, child) = top.children[top.next]
            guard path.insert(ObjectIdentifier(child)).inserted else { continue }
            prefix += name + "."
            try enter(child, name, prefix, stack.count)
            stack.append((child, child.children, 0, name.count + 1))
        }
    }

    /// Every parameter with its dotted name, depth first in registration order.
    public func namedParameters(prefix: String = "") -> [(String, Tensor)] {
        var out: [(String, Tensor)] = []
        walk(prefix: prefix) { m, _, p, _ in for (n, t) in m.ownParameters { out.append((p + n, t)) } }
        return out
    }

    /// Every parameter.
    public func parameters() -> [Tensor] { namedParameters().map(\.1) }

    /// Parameters then buffers of each module, children after their parent: the order
    /// and names of PyTorch's `state_dict()`.
    public func stateDict(prefix: String = "") -> [(String, Tensor)] {
        var out: [(String, Tensor)] = []
        walk(prefix: prefix) { m, _, p, _ in
            for (n, t) in m.ownParameters { out.append((p + n, t)) }
            for (n, t) in m.ownBuffers { out.append((p + n, t)) }
        }
        return out
    }

    /// Sets training mode here and in every descendant.
    public func train(_ on: Bool = true) {
        walk { m, _, _, _ in m.training = on }
    }

    /// Evaluation mode (`train(false)`).
    public func eval() { train(false) }

    /// The PyTorch-style printed tree, written in one pass (linear in the text):
    /// `Name(args)` for a leaf, else `Name(` then each child two spaces further in as
    /// `(name): ` and its own tree, then `)`.
    public var tree: String {
        var out = ""
        walk(enter: { m, name, _, depth in
            let indent = String(repeating: " ", count: 2 * depth)
            if depth > 0 { out += "\n" + indent + "(" + name + "): " }
            let header = m.typeName + "(" + m.extraRepr + (m.children.isEmpty ? ")" : "")
            out += header.contains("\n") ? header.replacingOccurrences(of: "\n", with: "\n" + indent) : header
        }, leave: { m, depth in
            if !m.children.isEmpty { out += "\n" + String(repeating: " ", count: 2 * depth) + ")" }
        })
        return out
    }
}
