import VisTensor

/// Layer normalisation over the last dimensions (PyTorch's nn.LayerNorm).
public final class LayerNorm: Module {
    public let normalizedShape: [Int]
    public let eps: Double
    public let weight: Tensor?, bias: Tensor?

    public init(_ normalizedShape: [Int], eps: Double = 1e-5, elementwiseAffine: Bool = true) throws {
        guard !normalizedShape.isEmpty, normalizedShape.allSatisfy({ $0 > 0 }) else {
            throw TensorError("LayerNorm", "normalized_shape must be positive sizes, got \(shapeString(normalizedShape))")
        }
        try LayerSizeCheck.parameter("LayerNorm", "weight", normalizedShape, from: "normalized_shape=\(shapeString(normalizedShape))")
        self.normalizedShape = normalizedShape
        self.eps = eps
        weight = elementwiseAffine ? try Tensor.ones(normalizedShape).setRequiresGrad() : nil
        bias = elementwiseAffine ? try Tensor.zeros(normalizedShape).setRequiresGrad() : nil
    }

    public override var ownParameters: [(String, Tensor)] { [weight.map { ("weight", $0) }, bias.map { ("bias", $0) }].compactMap { $0 } }
    public override var extraRepr: String {
        "(" + normalizedShape.map(String.init).joined(separator: ", ") + (normalizedShape.count == 1 ? ",)" : ")") +
            ", eps=\(ReprFormat.float(eps)), elementwise_affine=\(ReprFormat.bool(weight != nil))"
    }
    public override func forward(_ x: Tensor) throws -> Tensor {
        try Functional.layerNorm(x, normalizedShape: normalizedShape, weight: weight, bias: bias, eps: eps)
    }
}

/// Group normalisation (PyTorch's nn.GroupNorm): channels split into groups, each
/// normalised over its channels and spatial positions.
public final class GroupNorm: Module {
    public let numGroups: Int, numChannels: Int
    public let eps: Double
    public let weight: Tensor?, bias: Tensor?

    public init(_ numGroups: Int, _ numChannels: Int, eps: Double = 1e-5, affine: Bool = true) throws {
        guard numGroups > 0, numChannels > 0, numChannels % numGroups == 0 else {
            throw TensorError("GroupNorm", "num_channels (\(numChannels)) must be divisible by num_groups (\(numGroups))")
        }
        try LayerSizeCheck.sizes("GroupNorm", [("num_channels", numChannels)])
        self.numGroups = numGroups
        self.numChannels = numChannels
        self.eps = eps
        weight = affine ? try Tensor.ones([numChannels]).setRequiresGrad() : nil
        bias = affine ? try Tensor.zeros([numChannels]).setRequiresGrad() : nil
    }

    public override var ownParameters: [(String, Tensor)] { [weight.map { ("weight", $0) }, bias.map { ("bias", $0) }].compactMap { $0 } }
    public override var extraRepr: String { "\(numGroups), \(numChannels), eps=\(ReprFormat.float(eps)), affine=\(ReprFormat.bool(weight != nil))" }
    public override func forward(_ x: Tensor) throws -> Tensor {
        try Functional.groupNorm(x, groups: numGroups, weight: weight, bias: bias, eps: eps)
    }
}
