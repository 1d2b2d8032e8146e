import VisTensor

/// `y = x1ᵀ A x2 + b` (PyTorch's nn.Bilinear): weight [out_features, in1_features,
/// in2_features] and bias [out_features], both uniform in ±1/sqrt(in1_features).
public final class Bilinear: Module {
    public let in1Features: Int, in2Features: Int, outFeatures: Int
    public let weight: Tensor
    public let bias: Tensor?

    /// PyTorch's arguments and defaults.
    public init(_ in1Features: Int, _ in2Features: Int, _ outFeatures: Int, bias: Bool = true) throws {
        guard in1Features >= 0, in2Features >= 0, outFeatures >= 0 else {
            throw TensorError("Bilinear", "in1_features, in2_features and out_features must be non-negative, got \(in1Features), \(in2Features) and \(outFeatures)")
        }
        try LayerSizeCheck.parameter("Bilinear", "weight", [outFeatures, in1Features, in2Features],
                                     from: "in1_features=\(in1Features), in2_features=\(in2Features), out_features=\(outFeatures)")
        self.in1Features = in1Features
        self.in2Features = in2Features
        self.outFeatures = outFeatures
        weight = try Tensor.zeros([outFeatures, in1Features, in2Features]).setRequiresGrad()
        self.bias = bias ? try Tensor.zeros([outFeatures]).setRequiresGrad() : nil
        super.init()
        // PyTorch: bound = 1 / sqrt(weight.size(1)) for both (0 features: no bound to draw in).
        let bound = in1Features > 0 ? 1 / Double(in1Features).squareRoot() : 0
        try Init.uniform(weight, a: -bound, b: bound)
        if let b = self.bias { try Init.uniform(b, a: -bound, b: bound) }
    }

    public override var ownParameters: [(String, Tensor)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    public override var extraRepr: String {
        "in1_features=\(in1Features), in2_features=\(in2Features), out_features=\(outFeatures), bias=\(ReprFormat.bool(bias != nil))"
    }

    public override var hyperParameters: [(String, HyperValue)] {
        [("in1_features", .int(in1Features)), ("in2_features", .int(in2Features)), ("out_features", .int(outFeatures))]
    }

    /// `bilinear(x1, x2)`: [*, in1] and [*, in2] -> [*, out].
    public func forward(_ x1: Tensor, _ x2: Tensor) throws -> Tensor {
        try Functional.bilinear(x1, x2, weight: weight, bias: bias, op: "Bilinear")
    }

    /// A Bilinear needs two inputs.
    public override func forward(_ x: Tensor) throws -> Tensor {
        throw TensorError("Bilinear", "takes two inputs (input1, input2), got one tensor of shape \(shapeString(x.shape))")
    }
}
