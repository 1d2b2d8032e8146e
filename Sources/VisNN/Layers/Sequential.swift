import VisTensor

/// Modules applied in order (PyTorch's nn.Sequential); children are named "0", "1", ...
/// A slice keeps its layers' names (`seq[1:]` has children "1", "2", as PyTorch's);
/// deleting or inserting numbers them 0, 1, ... again, as PyTorch does.
public final class Sequential: Module {
    public private(set) var layers: [Module]
    /// The children's names, one per layer.
    public private(set) var names: [String]
    public init(_ layers: [Module], names: [String]? = nil) {
        self.layers = layers
        self.names = names ?? layers.indices.map(String.init)
    }
    public override var children: [(String, Module)] { Array(zip(names, layers)) }
    /// Runs the layers in order. A BatchNorm2d -> ReLU (-> MaxPool2d(k)) run goes
    /// through one fused op (see `fusedRun`) unless a tracer watches each layer's output.
    public override func forward(_ x: Tensor) throws -> Tensor {
        var y = x
        var i = 0
        while i < layers.count {
            do {
                if Module.tracer == nil, let (out, consumed) = try fusedRun(at: i, y) {
                    y = out
                    i += consumed
                    continue
                }
                y = try layers[i](y)
            } catch let e as LayerError {
                throw e.inside(names[i])
            } catch let e as TensorError {
                // From a fused run: it failed in the batch norm at i.
                throw LayerError(layerType: layers[i].typeName, message: e.message).inside(names[i])
            }
            i += 1
        }
        return y
    }

    /// BatchNorm2d, ReLU and optionally MaxPool2d(k) (square, stride k, no padding or
    /// dilation, floor mode) starting at layer i, computed as one op on x: the output
    /// and the number of layers it stands for, or nil where the layers at i are not
    /// such a run or the fused op does not take x.
    private func fusedRun(at i: Int, _ x: Tensor) throws -> (Tensor, Int)? {
        // Hooked layers run one by one, so their hooks see each output.
        guard i + 1 < layers.count, let bn = layers[i] as? BatchNorm, bn.forwardHooks == nil,
              let act = layers[i + 1] as? Activation, act.kind == .relu, act.forwardHooks == nil else { return nil }
        if i + 2 < layers.count, let pool = layers[i + 2] as? MaxPool2d, pool.forwardHooks == nil {
            let k = pool.kernelSize.0
            if pool.kernelSize == (k, k), pool.stride == (k, k), pool.padding == (0, 0), pool.dilation == (1, 1),
               !pool.ceilMode, (2...16).contains(k) {
                return try bn.forwardReLUMaxPool(x, window: k).map { ($0, 3) }
            }
        }
        return try bn.forwardReLUMaxPool(x, window: 1).map { ($0, 2) }
    }
    /// Adds a module at the end under the name `len(self)`, as PyTorch's append
    /// (`add_module(str(len(self)), m)`: a child already named so is replaced).
    public func append(_ m: Module) { addModule(String(layers.count), m) }

    /// Sets the child `name` (replacing it where it exists, else appending), as
    /// PyTorch's `add_module`.
    public func addModule(_ name: String, _ m: Module) {
        if let i = names.firstIndex(of: name) { layers[i] = m } else { layers.append(m); names.append(name) }
    }

    /// Replaces the layer at position `i` (in 0..<count), keeping its name.
    public func replace(at i: Int, with m: Module) { layers[i] = m }

    /// Removes the layers at `positions` (each in 0..<count) and numbers the rest 0, 1, ...
    public func remove(at positions: Set<Int>) {
        layers = layers.enumerated().filter { !positions.contains($0.offset) }.map(\.element)
        names = layers.indices.map(String.init)
    }

    /// Inserts `m` before position `i` (in 0...count) and numbers the layers 0, 1, ...
    public func insert(_ m: Module, at i: Int) {
        layers.insert(m, at: i)
        names = layers.indices.map(String.init)
    }
}

/// A list of modules registered as children "0", "1", ... (PyTorch's nn.ModuleList);
/// it has no forward of its own.
public final class ModuleList: Module {
    public private(set) var items: [Module]
    public init(_ items: [Module]) { self.items = items }
    public override var children: [(String, Module)] { items.enumerated().map { (String($0.offset), $0.element) } }
    /// Adds a module at the end.
    public func append(_ m: Module) { items.append(m) }
    /// Replaces the module at position `i` (in 0..<count).
    public func replace(at i: Int, with m: Module) { items[i] = m }
    /// Removes the modules at `positions` (each in 0..<count); the rest are numbered 0, 1, ...
    public func remove(at positions: Set<Int>) { items = items.enumerated().filter { !positions.contains($0.offset) }.map(\.element) }
    /// Inserts `m` before position `i` (in 0...count).
    public func insert(_ m: Module, at i: Int) { items.insert(m, at: i) }
}

/// Modules by name in insertion order (PyTorch's nn.ModuleDict); no forward of its own.
public final class ModuleDict: Module {
    public private(set) var entries: [(String, Module)]
    public init(_ entries: [(String, Module)]) {
        self.entries = []
        super.init()
        for (k, m) in entries { set(k, m) }
    }
    public override var children: [(String, Module)] { entries }
    /// The module under `key`, or nil.
    public func get(_ key: String) -> Module? { entries.first { $0.0 == key }?.1 }
    /// Sets `key` (replacing it in place where it exists, else adding it at the end).
    public func set(_ key: String, _ m: Module) {
        if let i = entries.firstIndex(where: { $0.0 == key }) { entries[i].1 = m } else { entries.append((key, m)) }
    }
    /// Removes `key`; returns its module, or nil where it was absent.
    @discardableResult
    public func remove(_ key: String) -> Module? {
        guard let i = entries.firstIndex(where: { $0.0 == key }) else { return nil }
        return entries.remove(at: i).1
    }
    /// Removes every entry.
    public func clear() { entries = [] }
}
