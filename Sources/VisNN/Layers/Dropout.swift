import VisTensor

/// Dropout (PyTorch's nn.Dropout / nn.Dropout2d): in training, zeroes elements (or
/// whole channels) with probability p and scales the rest by 1/(1-p); identity in eval.
public final class Dropout: Module {
    public let p: Double
    /// True for Dropout2d (whole channels).
    public let channels: Bool

    public init(p: Double = 0.5, channels: Bool = false) throws {
        guard p >= 0 && p <= 1 else {
            throw TensorError(channels ? "Dropout2d" : "Dropout", "dropout probability has to be between 0 and 1, but got \(p)")
        }
        self.p = p
        self.channels = channels
    }

    public override var typeName: String { channels ? "Dropout2d" : "Dropout" }
    public override var extraRepr: String { "p=\(ReprFormat.float(p)), inplace=false" }
    public override var hyperParameters: [(String, HyperValue)] { [("p", .double(p))] }
    public override func forward(_ x: Tensor) throws -> Tensor {
        channels ? try Functional.dropout2d(x, p: p, training: training) : try Functional.dropout(x, p: p, training: training)
    }
}
