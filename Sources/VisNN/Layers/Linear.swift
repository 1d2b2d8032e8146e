import VisTensor

/// `y = x Wᵀ + b` (PyTorch's nn.Linear): weight [out_features, in_features],
/// initialised like PyTorch (kaiming-uniform with a = sqrt(5), bias uniform in
/// ±1/sqrt(in_features)).
public final class Linear: Module {
    public let inFeatures: Int
    public let outFeatures: Int
    public let weight: Tensor
    public let bias: Tensor?

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true) throws {
        guard inFeatures >= 0, outFeatures >= 0 else {
            throw TensorError("Linear", "in_features and out_features must be non-negative, got \(inFeatures) and \(outFeatures)")
        }
        try LayerSizeCheck.sizes("Linear", [("in_features", inFeatures), ("out_features", outFeatures)])
        try LayerSizeCheck.parameter("Linear", "weight", [outFeatures, inFeatures],
                                     from: "in_features=\(inFeatures), out_features=\(outFeatures)")
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        weight = try Tensor.zeros([outFeatures, inFeatures]).setRequiresGrad()
        self.bias = bias ? try Tensor.zeros([outFeatures]).setRequiresGrad() : nil
        super.init()
        try Init.defaultLinear(weight: weight, bias: self.bias)
    }

    public override var ownParameters: [(String, Tensor)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    public override var extraRepr: String {
        "in_features=\(inFeatures), out_features=\(outFeatures), bias=\(ReprFormat.bool(bias != nil))"
    }

    public override var hyperParameters: [(String, HyperValue)] {
        [("in_features", .int(inFeatures)), ("out_features", .int(outFeatures))]
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        guard x.ndim >= 1, x.shape[x.ndim - 1] == inFeatures else {
            let got = x.ndim >= 1 ? x.shape[x.ndim - 1] : 0
            throw TensorError("linear", "expected input with \(inFeatures) features in the last dimension, got shape \(shapeString(x.shape)); Linear(\(got), \(outFeatures)) would fit (or use LazyLinear(\(outFeatures)))")
        }
        return try Functional.linear(x, weight: weight, bias: bias)
    }
}

/// A Linear whose in_features is taken from the first input it sees (PyTorch's
/// nn.LazyLinear): handy after a Flatten whose size you would otherwise compute.
/// Its weight and bias exist from the start as uninitialised parameters (listed by
/// `parameters()`, so an optimizer made before the first forward holds them); the
/// first forward (or a state dict load) materialises them in place with Linear's init.
public final class LazyLinear: Module {
    public let outFeatures: Int
    let useBias: Bool
    /// The weight: uninitialised until the first forward, then [out_features, in_features].
    public let weight: Tensor
    /// The bias (uninitialised until the first forward), or nil with bias=false.
    public let bias: Tensor?
    /// The materialised layer's sizes and printed form, after the first forward (its
    /// own tensors are not used: `weight` and `bias` took their values in place).
    public private(set) var inner: Linear?

    public init(_ outFeatures: Int, bias: Bool = true) {
        self.outFeatures = outFeatures
        self.useBias = bias
        weight = Tensor.uninitializedParameter("LazyLinear.weight")
        self.bias = bias ? Tensor.uninitializedParameter("LazyLinear.bias") : nil
        super.init()
    }

    public override var typeName: String { inner == nil ? "LazyLinear" : "Linear" }
    public override var ownParameters: [(String, Tensor)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }
    public override var extraRepr: String {
        inner?.extraRepr ?? "in_features=0, out_features=\(outFeatures), bias=\(ReprFormat.bool(useBias))"
    }
    public override var hyperParameters: [(String, HyperValue)] {
        [("in_features", .int(inner?.inFeatures ?? 0)), ("out_features", .int(outFeatures))]
    }

    /// Creates the weights for `inFeatures` (done by the first forward, or by a state
    /// dict load): a Linear's initial values, moved into `weight` and `bias` in place.
    public func materialize(inFeatures: Int) throws {
        guard inner == nil else { return }
        let layer = try Linear(inFeatures, outFeatures, bias: useBias)
        try weight.materialize(layer.weight.detach())
        if let b = bias, let start = layer.bias { try b.materialize(start.detach()) }
        inner = layer
    }

    public override func forward(_ x: Tensor) throws -> Tensor {
        guard x.ndim >= 1 else { throw TensorError("LazyLinear", "expected an input with at least 1 dimension, got a scalar") }
        try materialize(inFeatures: x.shape[x.ndim - 1])
        guard let inner else { return x }
        guard x.shape[x.ndim - 1] == inner.inFeatures else {
            throw TensorError("linear", "expected input with \(inner.inFeatures) features in the last dimension, got shape \(shapeString(x.shape))")
        }
        return try Functional.linear(x, weight: weight, bias: bias)
    }
}
