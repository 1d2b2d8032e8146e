import VisTensor

/// The bilinear form `y_k = x1ᵀ W_k x2 + b_k` (PyTorch's `F.bilinear` / nn.Bilinear), as a
/// composite of differentiable ops: one matrix product of x1 with all of W's
/// [in1, out * in2] columns, then a product with x2 summed over in2.
extension Functional {
    /// - input1: [*, in1_features]; input2: [*, in2_features] with the same leading shape.
    /// - weight: [out_features, in1_features, in2_features]; bias: [out_features] or nil.
    /// - Returns: [*, out_features].
    /// - Throws: `TensorError` naming the mismatched shapes.
    public static func bilinear(_ input1: Tensor, _ input2: Tensor, weight: Tensor, bias: Tensor?,
                                op: String = "bilinear") throws -> Tensor {
        guard weight.ndim == 3 else {
            throw TensorError(op, "weight must be 3-D [out_features, in1_features, in2_features], got shape \(shapeString(weight.shape))")
        }
        let (o, i1, i2) = (weight.shape[0], weight.shape[1], weight.shape[2])
        guard input1.ndim >= 1, input1.shape[input1.ndim - 1] == i1 else {
            throw TensorError(op, "input1 must end in in1_features = \(i1), got shape \(shapeString(input1.shape))")
        }
        guard input2.ndim >= 1, input2.shape[input2.ndim - 1] == i2 else {
            throw TensorError(op, "input2 must end in in2_features = \(i2), got shape \(shapeString(input2.shape))")
        }
        let lead = Array(input1.shape.dropLast())
        guard lead == Array(input2.shape.dropLast()) else {
            throw TensorError(op, "input1 and input2 must have the same batch dimensions, got shapes \(shapeString(input1.shape)) and \(shapeString(input2.shape))")
        }
        if let bias, bias.shape != [o] {
            throw TensorError(op, "bias must have shape [\(o)] (out_features), got \(shapeString(bias.shape))")
        }
        let b = lead.reduce(1, *)
        let w = try weight.permute([1, 0, 2]).reshape([i1, o * i2])
        let t = try input1.reshape([b, i1]).matmul(w).reshape([b, o, i2])
        var y = try t.mul(input2.reshape([b, 1, i2])).sum(dim: 2)
        if let bias { y = try y.add(bias) }
        return try y.reshape(lead + [o])
    }
}
