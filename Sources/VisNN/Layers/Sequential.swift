import VisTensor

/// Modules applied in order (PyTorch's nn.Sequential); children are named "0", "1", ...
public final class Sequential: Module {
    public private(set) var layers: [Module]
    public init(_ layers: [Module]) { self.layers = layers }
    public override var children: [(String, Module)] { layers.enumerated().map { (String($0.offset), $0.element) } }
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
                throw e.inside(String(i))
            } catch let e as TensorError {
                // From a fused run: it failed in the batch norm at i.
                throw LayerError(layerType: layers[i].typeName, message: e.message).inside(String(i))
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
        guard i + 1 < layers.count, let bn = layers[i] as? BatchNorm,
              let act = layers[i + 1] as? Activation, act.kind == .relu else { return nil }
        if i + 2 < layers.count, let pool = layers[i + 2] as? MaxPool2d {
            let k = pool.kernelSize.0
            if pool.kernelSize == (k, k), pool.stride == (k, k), pool.padding == (0, 0), pool.dilation == (1, 1),
               !pool.ceilMode, (2...16).contains(k) {
                return try bn.forwardReLUMaxPool(x, window: k).map { ($0, 3) }
            }
        }
        return try bn.forwardReLUMaxPool(x, window: 1).map { ($0, 2) }
    }
    /// Adds a module at the end.
    public func append(_ m: Module) { layers.append(m) }
}

/// A list of modules registered as children "0", "1", ... (PyTorch's nn.ModuleList);
/// it has no forward of its own.
public final class ModuleList: Module {
    public private(set) var items: [Module]
    public init(_ items: [Module]) { self.items = items }
    public override var children: [(String, Module)] { items.enumerated().map { (String($0.offset), $0.element) } }
    /// Adds a module at the end.
    public func append(_ m: Module) { items.append(m) }
}
