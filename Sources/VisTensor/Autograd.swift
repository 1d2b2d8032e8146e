/// One recorded op in the autograd graph: its inputs and the rule that turns the
/// gradient of its output into gradients of those inputs. The rule closure holds the
/// tensors the op saved; it is dropped once used, freeing them.
final class Node {
    /// The op's name, shown in errors and in `grad_fn` (`"mul"`, `"conv2d"`).
    let name: String
    /// The op's tensor inputs, in the order `backward` returns their gradients.
    var inputs: [Tensor]
    /// Gradient of the output -> gradients of `inputs` (nil where an input needs none).
    var backward: ((Tensor) throws -> [Tensor?])?

    init(name: String, inputs: [Tensor], backward: @escaping (Tensor) throws -> [Tensor?]) {
        self.name = name
        self.inputs = inputs
        self.backward = backward
    }
}

/// Recording and running the autograd tape.
public enum Autograd {
    /// True when an op on these inputs must record a node.
    @inline(__always)
    public static func needsGraph(_ a: Tensor) -> Bool { GradMode.enabledFlag && a.requiresGrad }
    @inline(__always)
    public static func needsGraph(_ a: Tensor, _ b: Tensor) -> Bool {
        GradMode.enabledFlag && (a.requiresGrad || b.requiresGrad)
    }
    public static func needsGraph(_ inputs: [Tensor]) -> Bool {
        GradMode.enabledFlag && inputs.contains { $0.requiresGrad }
    }

    /// Attaches a node to `output` when any input requires grad and recording is on.
    /// `backward` receives the output's gradient and returns one gradient per input.
    @inline(__always)
    @discardableResult
    public static func record(_ output: Tensor, _ name: String, _ inputs: [Tensor],
                       _ backward: @escaping (Tensor) throws -> [Tensor?]) -> Tensor {
        output.requiresGrad = true
        output.gradFn = Node(name: name, inputs: inputs, backward: backward)
        return output
    }

    /// Marks `t`, a gradient a backward rule has just created in storage of its own, as
    /// one that a leaf may adopt as its `.grad` rather than copy (a 6.4 MB copy per step
    /// for a 512 x 3136 Linear weight). The leaf adopts it only if, when it arrives, no
    /// other reference to the tensor remains (the same gradient sent to two inputs, or
    /// kept by a retained graph, is copied as before).
    @inline(__always)
    @discardableResult
    public static func fresh(_ t: Tensor) -> Tensor {
        t.isFreshGradient = true
        return t
    }

    /// Sums a gradient of a broadcast result back to the shape of the operand that was
    /// broadcast. This is the one place broadcasting's gradient rule lives.
    static func reduceToShape(_ grad: Tensor, _ shape: [Int]) throws -> Tensor {
        if grad.shape == shape { return grad }
        let lead = grad.ndim - shape.count
        var dims: [Int] = Array(0..<lead)
        for i in 0..<shape.count where shape[i] == 1 && grad.shape[lead + i] != 1 {
            dims.append(lead + i)
        }
        var g = grad
        if !dims.isEmpty { g = try g.sum(dims: dims, keepdim: true) }
        if lead > 0 || g.shape != shape { g = try g.reshape(shape) }
        return g
    }

    /// Runs backward from `root` with `gradient` as d(out)/d(root).
    static func run(_ root: Tensor, gradient: Tensor, retainGraph: Bool) throws {
        // Reverse topological order by iterative depth-first search over tensors.
        var order: [Tensor] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(Tensor, Bool)] = [(root, false)]
        while let (t, expanded) = stack.popLast() {
            if expanded { order.append(t); continue }
            let id = ObjectIdentifier(t)
            if visited.contains(id) { continue }
            visited.insert(id)
            stack.append((t, true))
            if let node = t.gradFn {
                for input in node.inputs where input.requiresGrad && !visited.contains(ObjectIdentifier(input)) {
                    stack.append((input, false))
                }
            }
        }

        var grads: [ObjectIdentifier: Tensor] = [ObjectIdentifier(root): gradient]
        try GradMode.with(enabled: false) {
            for t in order.reversed() {
                let id = ObjectIdentifier(t)
                guard var g = grads.removeValue(forKey: id) else { continue }
                guard let node = t.gradFn else {
                    try accumulate(into: t, &g)
                    continue
                }
                guard let rule = node.backward else {
                    throw TensorError("backward", "the graph through '\(node.name)' was already used by an earlier backward() and freed; compute the loss again (or pass retain_graph=true to the first backward)")
                }
                let inputGrads = try rule(g)
                for (input, ig) in zip(node.inputs, inputGrads) {
                    guard var ig, input.requiresGrad else { continue }
                    // A gradient has its input's dtype (PyTorch's rule): an op that mixed
                    // float32 with float64 computed in float64; the float32 input gets float32.
                    if ig.dtype != input.dtype { ig = ig.cast(input.dtype) }
                    let key = ObjectIdentifier(input)
                    if let existing = grads[key] { grads[key] = try existing.add(ig) } else { grads[key] = ig }
                }
                if !retainGraph {
                    // Free what the node holds: its saved tensors (in the closure) and its
                    // inputs, so that a loss kept after backward does not keep every
                    // intermediate of its step alive. A later backward that reaches this
                    // node still finds `backward == nil` and reports the freed graph.
                    node.backward = nil
                    node.inputs = []
                }
            }
        }
    }

    /// Adds `g` into a leaf's `.grad`, which the leaf owns: the first gradient is copied,
    /// unless it is a fresh one (`fresh`) that nothing else refers to any more.
    static func accumulate(into leaf: Tensor, _ g: inout Tensor) throws {
        guard leaf.requiresGrad else { return }
        if let existing = leaf.grad {
            try existing.addInPlace(g)
        } else if g.isFreshGradient && g.shape == leaf.shape && isKnownUniquelyReferenced(&g) {
            g.isFreshGradient = false
            leaf.grad = g
        } else {
            leaf.grad = g.clone()
        }
    }
}

extension Tensor {
    /// Computes gradients of this tensor with respect to every leaf that requires grad,
    /// adding them into each leaf's `.grad`. A non-scalar tensor needs `gradient`
    /// (d(out)/d(self), same shape). The graph is freed afterwards unless `retainGraph`.
    public func backward(_ gradient: Tensor? = nil, retainGraph: Bool = false) throws {
        guard requiresGrad else {
            throw TensorError("backward", "this tensor does not require grad: it was not computed from a tensor with requires_grad=true")
        }
        let g: Tensor
        if let gradient {
            guard gradient.shape == shape else {
                throw TensorError("backward", "gradient has shape \(shapeString(gradient.shape)) but the tensor has shape \(shapeString(shape))")
            }
            g = gradient.dtype == dtype ? gradient.detach() : gradient.cast(dtype)
        } else {
            guard count == 1 else {
                throw TensorError("backward", "a gradient can be created implicitly only for a scalar output; this tensor has shape \(shapeString(shape)) (pass a gradient of that shape, or reduce with .sum() or .mean())")
            }
            g = Tensor.full(shape, 1.0).cast(dtype)
        }
        try Autograd.run(self, gradient: g, retainGraph: retainGraph)
    }
}
