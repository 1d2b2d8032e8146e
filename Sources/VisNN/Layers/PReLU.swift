import VisTensor

/// PyTorch's nn.PReLU: x where x > 0, weight * x elsewhere, with a learned `weight` of
/// `num_parameters` values (1, or one per channel of dimension 1) filled with `init`.
public final class PReLU: Module {
    public let numParameters: Int
    public let weight: Tensor

    public init(numParameters: Int = 1, initialValue: Double = 0.25) throws {
        // PyTorch accepts 0 (and fails at the first forward); negative counts cannot be allocated.
        guard numParameters >= 0 else { throw TensorError("PReLU", "num_parameters must be non-negative, got \(numParameters)") }
        try LayerSizeCheck.sizes("PReLU", [("num_parameters", numParameters)])
        self.numParameters = numParameters
        weight = try Tensor.full(checked: [numParameters], initialValue, op: "PReLU").setRequiresGrad()
        super.init()
    }

    public override var ownParameters: [(String, Tensor)] { [("weight", weight)] }
    public override var extraRepr: String { "num_parameters=\(numParameters)" }
    public override var hyperParameters: [(String, HyperValue)] { [("num_parameters", .int(numParameters))] }
    public override func forward(_ x: Tensor) throws -> Tensor { try Functional.prelu(x, weight: weight) }
}
