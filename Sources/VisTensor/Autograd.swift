/// One recorded op in the autograd graph: where its inputs' gradients go and the rule
/// that turns the gradient of its output into gradients of those inputs. The rule
/// closure holds the tensors the op saved; it is dropped once used, freeing them.
final class Node {
    /// The op's name, shown in errors and in `grad_fn` (`"mul"`, `"conv2d"`).
    let name: String
    /// Where each input's gradient goes, in the order `backward` returns them. An edge
    /// is taken when the op is recorded (PyTorch's `next_functions`): an input that is
    /// later modified in place gets a new node, but this op still sends its gradient
    /// to the node that produced the value it read. The first two are stored inline
    /// (almost every op has one or two inputs), so recording allocates no array.
    private var edge0: Edge = .none, edge1: Edge = .none
    private var moreEdges: [Edge] = []
    /// The number of edges.
    private(set) var edgeCount: Int
    /// The tensors the backward rule reads, with the storage version each was saved
    /// at: backward refuses to run the rule once one of them was written in place.
    var saved: [SavedVersion]
    /// Gradient of the output -> gradients of the inputs (nil where an input needs none).
    var backward: ((Tensor) throws -> [Tensor?])?
    /// The dtype of the tensor the op produced, which its incoming gradient takes (nil:
    /// left as it arrives).
    var outputDType: DType?

    init(name: String, edges: [Edge], saved: [SavedVersion], backward: @escaping (Tensor) throws -> [Tensor?]) {
        self.name = name
        self.edgeCount = edges.count
        if edges.count > 0 { edge0 = edges[0] }
        if edges.count > 1 { edge1 = edges[1] }
        if edges.count > 2 { moreEdges = Array(edges[2...]) }
        self.saved = saved
        self.backward = backward
    }

    /// A node whose edges are taken from `inputs` now (`Autograd.edge`).
    @inline(__always)
    init(name: String, inputs: [Tensor], saved: [SavedVersion], backward: @escaping (Tensor) throws -> [Tensor?]) {
        self.name = name
        self.edgeCount = inputs.count
        if inputs.count > 0 { edge0 = Autograd.edge(inputs[0]) }
        if inputs.count > 1 { edge1 = Autograd.edge(inputs[1]) }
        if inputs.count > 2 { moreEdges = inputs[2...].map(Autograd.edge) }
        self.saved = saved
        self.backward = backward
    }

    /// Edge `i` (0 ..< edgeCount).
    @inline(__always)
    func edge(_ i: Int) -> Edge {
        i == 0 ? edge0 : (i == 1 ? edge1 : moreEdges[i - 2])
    }

    /// Drops the edges (after a backward that does not retain the graph).
    func clearEdges() {
        edge0 = .none
        edge1 = .none
        moreEdges = []
        edgeCount = 0
    }
}

/// Where one input's gradient goes: the node that produced it, a leaf that
/// accumulates it into `.grad`, or nowhere (an input that does not require grad).
enum Edge {
    case none
    case node(Node)
    case leaf(Tensor)
}

/// A tensor an op's backward rule reads, remembered by its storage and the storage's
/// version when it was saved (PyTorch's SavedVariable version check). Only the
/// storage is kept, not the tensor: a node saving its own output would otherwise
/// keep itself alive.
struct SavedVersion {
    /// The memory the rule reads (shared by all views of it).
    let storage: Storage
    /// `storage.version` when the op was recorded.
    let version: Int
    /// Shape and dtype of the saved tensor, for the error.
    let shape: [Int]
    let dtype: DType
    /// The op that produced the saved tensor (nil for a leaf), for the error.
    let producer: String?
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
    /// `saving` lists the tensors (inputs or `output` itself) whose values `backward`
    /// reads: writing one of them in place before backward makes backward throw, as in
    /// PyTorch, instead of computing a gradient from the new values.
    @inline(__always)
    @discardableResult
    public static func record(_ output: Tensor, _ name: String, _ inputs: [Tensor], saving: [Tensor] = [],
                       _ backward: @escaping (Tensor) throws -> [Tensor?]) -> Tensor {
        let saved = saving.isEmpty ? [] : saving.map { t in
            SavedVersion(storage: t.storage, version: t.storage.version, shape: t.shape, dtype: t.dtype,
                         producer: t.storage === output.storage ? name : t.gradFn?.name)
        }
        output.requiresGrad = true
        let node = Node(name: name, inputs: inputs, saved: saved, backward: backward)
        node.outputDType = output.dtype
        output.gradFn = node
        return output
    }

    /// Where a gradient for `t`, used as an input now, must go.
    @inline(__always)
    static func edge(_ t: Tensor) -> Edge {
        if let n = t.currentGradFn() { return .node(n) }
        return t.requiresGrad ? .leaf(t) : .none
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

    /// Runs backward from `root` with `gradient` as d(out)/d(root): every node reachable
    /// from the root's node runs once, in reverse topological order, after all the
    /// gradients of its output have been summed; leaves accumulate theirs at the end.
    static func run(_ root: Tensor, gradient: Tensor, retainGraph: Bool) throws {
        guard let rootNode = root.currentGradFn() else {
            var g = gradient
            try accumulate(into: root, &g)
            return
        }
        // Reverse topological order by iterative depth-first search over nodes.
        var order: [Node] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(Node, Bool)] = [(rootNode, false)]
        while let (n, expanded) = stack.popLast() {
            if expanded { order.append(n); continue }
            let id = ObjectIdentifier(n)
            if visited.contains(id) { continue }
            visited.insert(id)
            stack.append((n, true))
            for i in 0..<n.edgeCount {
                if case .node(let m) = n.edge(i), !visited.contains(ObjectIdentifier(m)) { stack.append((m, false)) }
            }
        }

        var grads: [ObjectIdentifier: Tensor] = [ObjectIdentifier(rootNode): gradient]
        var leaves: [ObjectIdentifier: Tensor] = [:]
        var leafGrads: [ObjectIdentifier: Tensor] = [:]
        try GradMode.with(enabled: false) {
            for node in order.reversed() {
                guard let g = grads.removeValue(forKey: ObjectIdentifier(node)) else { continue }
                guard let rule = node.backward else {
                    throw TensorError("backward", "the graph through '\(node.name)' was already used by an earlier backward() and freed; compute the loss again (or pass retain_graph=true to the first backward)")
                }
                try checkSaved(node)
                let inputGrads = try rule(g)
                for i in 0..<Swift.min(node.edgeCount, inputGrads.count) {
                    guard var ig = inputGrads[i] else { continue }
                    switch node.edge(i) {
                    case .none: continue
                    case .node(let m):
                        // A gradient has its input's dtype (PyTorch's rule): an op that mixed
                        // float32 with float64 computed in float64; a float32 input gets float32.
                        if let dt = m.outputDType, ig.dtype != dt { ig = ig.cast(dt) }
                        let key = ObjectIdentifier(m)
                        if let existing = grads[key] { grads[key] = try existing.add(ig) } else { grads[key] = ig }
                    case .leaf(let t):
                        if ig.dtype != t.dtype { ig = ig.cast(t.dtype) }
                        let key = ObjectIdentifier(t)
                        if let existing = leafGrads[key] { leafGrads[key] = try existing.add(ig) } else {
                            leafGrads[key] = ig
                            leaves[key] = t
                        }
                    }
                }
                if !retainGraph {
                    // Free what the node holds: its saved tensors (in the closure) and its
                    // edges, so that a loss kept after backward does not keep every
                    // intermediate of its step alive. A later backward that reaches this
                    // node still finds `backward == nil` and reports the freed graph.
                    node.backward = nil
                    node.clearEdges()
                    node.saved = []
                }
            }
            for (key, leaf) in leaves {
                guard var g = leafGrads.removeValue(forKey: key) else { continue }
                try accumulate(into: leaf, &g)
            }
        }
    }

    /// Throws PyTorch's error when a tensor `node` saved was modified in place after it
    /// was saved: its rule would compute the gradient from the new values.
    static func checkSaved(_ node: Node) throws {
        for s in node.saved where s.storage.version != s.version {
            let which = s.producer.map { ", which is output 0 of \(Tensor.backwardName($0))," } ?? ""
            throw TensorError("backward", "one of the variables needed for gradient computation has been modified by an inplace operation: [\(s.dtype) tensor of shape \(shapeString(s.shape))]\(which) is at version \(s.storage.version); expected version \(s.version) instead (the backward of '\(node.name)' needs its old values: clone() the tensor before modifying it, or use the out-of-place op)")
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
