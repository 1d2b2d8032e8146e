import VisTensor

/// Modules applied in order (PyTorch's nn.Sequential); children are named "0", "1", ...
public final class Sequential: Module {
    public private(set) var layers: [Module]
    public init(_ layers: [Module]) { self.layers = layers }
    public override var children: [(String, Module)] { layers.enumerated().map { (String($0.offset), $0.element) } }
    public override func forward(_ x: Tensor) throws -> Tensor {
        var y = x
        for (i, layer) in layers.enumerated() {
            do {
                y = try layer(y)
            } catch let e as LayerError {
                throw e.inside(String(i))
            }
        }
        return y
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
