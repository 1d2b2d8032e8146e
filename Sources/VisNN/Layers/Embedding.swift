import VisTensor

/// A lookup table of vectors (PyTorch's nn.Embedding): `weight` [num_embeddings,
/// embedding_dim] initialised N(0, 1) with the padding_idx row zeroed; calling it with
/// int64 indices of any shape gives `indices.shape + [embedding_dim]`.
public final class Embedding: Module {
    public let numEmbeddings: Int
    public let embeddingDim: Int
    /// The row that gets no gradient, normalised to 0..<numEmbeddings (PyTorch stores
    /// a negative padding_idx the same way).
    public let paddingIdx: Int?
    /// Rows referenced by an input are renormalised to at most this norm first.
    public let maxNorm: Double?
    public let normType: Double
    public let scaleGradByFreq: Bool
    public let weight: Tensor

    /// A new table with PyTorch's init, or (`weight` given) a table over that tensor,
    /// as `from_pretrained` makes.
    /// - Throws: for a padding_idx outside [-num_embeddings, num_embeddings) or sparse.
    public init(_ numEmbeddings: Int, _ embeddingDim: Int, paddingIdx: Int? = nil, maxNorm: Double? = nil,
                normType: Double = 2, scaleGradByFreq: Bool = false, weight: Tensor? = nil) throws {
        guard numEmbeddings >= 0, embeddingDim >= 0 else {
            throw TensorError("Embedding", "num_embeddings and embedding_dim must be non-negative, got \(numEmbeddings) and \(embeddingDim)")
        }
        try LayerSizeCheck.parameter("Embedding", "weight", [numEmbeddings, embeddingDim],
                                     from: "num_embeddings=\(numEmbeddings), embedding_dim=\(embeddingDim)")
        if let p = paddingIdx {
            guard p >= -numEmbeddings && p < numEmbeddings else {
                throw TensorError("Embedding", "padding_idx must be within num_embeddings: got \(p) for num_embeddings=\(numEmbeddings)")
            }
        }
        self.numEmbeddings = numEmbeddings
        self.embeddingDim = embeddingDim
        self.paddingIdx = paddingIdx.map { $0 < 0 ? $0 + numEmbeddings : $0 }
        self.maxNorm = maxNorm
        self.normType = normType
        self.scaleGradByFreq = scaleGradByFreq
        if let weight {
            self.weight = weight
        } else {
            self.weight = try Tensor.zeros([numEmbeddings, embeddingDim]).setRequiresGrad()
        }
        super.init()
        if weight == nil {
            try Init.normal(self.weight, mean: 0, std: 1)
            if let p = self.paddingIdx { try withNoGrad { try self.weight.select(0, p).fill(0) } }
        }
    }

    public override var ownParameters: [(String, Tensor)] { [("weight", weight)] }

    /// PyTorch's form: `10, 3, padding_idx=0, max_norm=1.0` (optional parts only when set).
    public override var extraRepr: String {
        var s = "\(numEmbeddings), \(embeddingDim)"
        if let paddingIdx { s += ", padding_idx=\(paddingIdx)" }
        if let maxNorm { s += ", max_norm=\(ReprFormat.float(maxNorm))" }
        if normType != 2 { s += ", norm_type=\(ReprFormat.float(normType))" }
        if scaleGradByFreq { s += ", scale_grad_by_freq=\(ReprFormat.bool(true))" }
        return s
    }

    /// The constructor arguments by PyTorch's names.
    public override var hyperParameters: [(String, HyperValue)] {
        [("num_embeddings", .int(numEmbeddings)), ("embedding_dim", .int(embeddingDim)),
         ("padding_idx", paddingIdx.map { .int($0) } ?? .none), ("max_norm", maxNorm.map { .double($0) } ?? .none),
         ("norm_type", .double(normType)), ("scale_grad_by_freq", .bool(scaleGradByFreq)), ("sparse", .bool(false))]
    }

    /// The rows of `weight` named by the indices `x` (int64 or int32, any shape).
    public override func forward(_ x: Tensor) throws -> Tensor {
        try Functional.embedding(x, weight: weight, paddingIdx: paddingIdx, maxNorm: maxNorm, normType: normType,
                                 scaleGradByFreq: scaleGradByFreq, op: "Embedding")
    }
}
