import Foundation
import VisTensor

/// The margin and embedding losses of torch.nn.functional, each written as PyTorch's
/// ATen composes it (same ops, so the same gradients at ties: `clamp_min` passes the
/// gradient at 0 where PyTorch's composite uses it, `relu` does not where PyTorch's
/// kernel tests `z > 0`).
extension Functional {
    /// Checks that `t` has the same shape as `input`, naming both.
    static func sameShape(_ op: String, _ a: Tensor, _ aName: String, _ b: Tensor, _ bName: String) throws {
        guard a.shape == b.shape else {
            throw TensorError(op, "\(aName) \(shapeString(a.shape)) and \(bName) \(shapeString(b.shape)) must have the same shape")
        }
    }

    /// Checks that the named operands broadcast together, naming each shape when not.
    static func requireBroadcast(_ op: String, _ operands: [(String, Tensor)]) throws {
        var shape: [Int] = []
        do {
            for (_, t) in operands { shape = try Shape.broadcast(shape, t.shape, op: op) }
        } catch {
            let names = operands.map { "\($0.0) \(shapeString($0.1.shape))" }
            throw TensorError(op, names.dropLast().joined(separator: ", ") + " and " + (names.last ?? "") + " cannot be broadcast together")
        }
    }

    /// `t` as a float tensor (int64 and bool targets read as numbers).
    static func floatTarget(_ t: Tensor, like x: Tensor) throws -> Tensor {
        t.dtype.isFloatingPoint ? t : try t.to(x.dtype)
    }

    /// margin_ranking_loss: max(0, -target (x1 - x2) + margin); target is 1 or -1.
    public static func marginRankingLoss(_ x1: Tensor, _ x2: Tensor, _ target: Tensor, margin: Double = 0,
                                         reduction: Reduction = .mean) throws -> Tensor {
        let op = "margin_ranking_loss"
        try requireFloating(op, x1)
        try requireFloating(op, x2)
        guard x1.ndim == x2.ndim, x1.ndim == target.ndim else {
            throw TensorError(op, "All input tensors should have same dimension but got sizes: input1: \(shapeString(x1.shape)), input2: \(shapeString(x2.shape)), target: \(shapeString(target.shape))")
        }
        try requireBroadcast(op, [("input1", x1), ("input2", x2), ("target", target)])
        let y = try floatTarget(target, like: x1)
        return try reduce(y.neg().mul(x1.sub(x2)).add(margin).clamp(min: 0), reduction)
    }

    /// hinge_embedding_loss: x where target is 1, max(0, margin - x) where target is -1.
    public static func hingeEmbeddingLoss(_ input: Tensor, _ target: Tensor, margin: Double = 1.0,
                                          reduction: Reduction = .mean) throws -> Tensor {
        let op = "hinge_embedding_loss"
        try requireFloating(op, input)
        try requireBroadcast(op, [("input", input), ("target", target)])
        let y = try floatTarget(target, like: input)
        let zeros = try Tensor.zeros([], dtype: input.dtype)
        let marginPart = try Tensor.where(y.ne(1), input.neg().add(margin).clamp(min: 0), zeros)
        let selfPart = try Tensor.where(y.ne(-1), input, zeros)
        return try reduce(marginPart.add(selfPart), reduction)
    }

    /// soft_margin_loss: log(1 + exp(-target input)), target 1 or -1.
    public static func softMarginLoss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean) throws -> Tensor {
        let op = "soft_margin_loss"
        try requireFloating(op, input)
        try sameShape(op, input, "input", target, "target")
        let y = try floatTarget(target, like: input)
        return try reduce(input.neg().mul(y).exp().log1p(), reduction)
    }

    /// cosine_embedding_loss: 1 - cos(x1, x2) where target is 1, max(0, cos - margin)
    /// where it is -1; the cosine along dim 1 of [N, D] inputs (or dim 0 of [D] inputs
    /// with a 0-D target), with PyTorch's 1e-12 added to each squared norm.
    public static func cosineEmbeddingLoss(_ x1: Tensor, _ x2: Tensor, _ target: Tensor, margin: Double = 0,
                                           reduction: Reduction = .mean) throws -> Tensor {
        let op = "cosine_embedding_loss"
        try requireFloating(op, x1)
        try requireFloating(op, x2)
        guard x1.shape == x2.shape else {
            throw TensorError(op, "x1 \(shapeString(x1.shape)) and x2 \(shapeString(x2.shape)) must have the same shape")
        }
        guard (x1.ndim == 2 && target.ndim == 1 && target.shape[0] == x1.shape[0]) || (x1.ndim == 1 && target.ndim == 0) else {
            throw TensorError(op, "expected inputs [N, D] with target [N], or inputs [D] with a 0-D target, got inputs \(shapeString(x1.shape)) and target \(shapeString(target.shape))")
        }
        let d = x1.ndim - 1
        let product = try x1.mul(x2).sum(dim: d)
        let m1 = try x1.mul(x1).sum(dim: d).add(1e-12), m2 = try x2.mul(x2).sum(dim: d).add(1e-12)
        let cos = try product.div(m1.mul(m2).sqrt())
        let y = try floatTarget(target, like: x1)
        let zeros = try Tensor.zeros([], dtype: cos.dtype)
        let pos = try Tensor.where(y.eq(1), cos.neg().add(1), zeros)
        let neg = try Tensor.where(y.eq(-1), cos.sub(margin).clamp(min: 0), zeros)
        return try reduce(pos.add(neg), reduction)
    }

    /// triplet_margin_loss: max(0, margin + d(a, p) - d(a, n)) with d the
    /// pairwise_distance of order p (and eps); `swap` uses min(d(a, n), d(p, n)).
    public static func tripletMarginLoss(_ anchor: Tensor, _ positive: Tensor, _ negative: Tensor, margin: Double = 1.0,
                                         p: Double = 2, eps: Double = 1e-6, swap: Bool = false,
                                         reduction: Reduction = .mean) throws -> Tensor {
        let op = "triplet_margin_loss"
        guard anchor.ndim == positive.ndim, anchor.ndim == negative.ndim else {
            throw TensorError(op, "The anchor, positive, and negative tensors are expected to have the same number of dimensions, but got: anchor \(anchor.ndim)D, positive \(positive.ndim)D, and negative \(negative.ndim)D inputs")
        }
        guard margin > 0 else { throw TensorError(op, "margin must be greater than 0, got \(margin)") }
        var dNeg = try pairwiseDistance(anchor, negative, p: p, eps: eps)
        let dPos = try pairwiseDistance(anchor, positive, p: p, eps: eps)
        if swap { dNeg = try dNeg.minimum(pairwiseDistance(positive, negative, p: p, eps: eps)) }
        return try reduce(dPos.sub(dNeg).add(margin).clamp(min: 0), reduction)
    }

    /// multi_margin_loss for [N, C] (or [C]) scores and int64 targets [N] (or 0-D):
    /// sum over j != y of max(0, margin - x[y] + x[j])^p (times weight[y]), divided by C;
    /// p is 1 or 2.
    public static func multiMarginLoss(_ input: Tensor, _ target: Tensor, p: Int = 1, margin: Double = 1,
                                       weight: Tensor? = nil, reduction: Reduction = .mean) throws -> Tensor {
        let op = "multi_margin_loss"
        try requireFloating(op, input)
        guard p == 1 || p == 2 else { throw TensorError(op, "only p == 1 and p == 2 supported, got \(p)") }
        guard input.ndim == 1 || input.ndim == 2, input.count > 0 else {
            throw TensorError(op, "Expected non-empty vector or matrix with optional 0-dim batch size, but got: \(shapeString(input.shape))")
        }
        let x = input.ndim == 1 ? try input.unsqueeze(0) : input
        let n = x.shape[0], c = x.shape[1]
        guard target.count == n, target.ndim <= 1, !target.dtype.isFloatingPoint, target.dtype != .bool else {
            throw TensorError(op, "inconsistent target size: \(shapeString(target.shape)) (int64) for input of size: \(shapeString(input.shape))")
        }
        if let w = weight, w.ndim != 1 || w.count != c {
            throw TensorError(op, "weight must be a 1-D tensor of \(c) elements, got \(shapeString(w.shape))")
        }
        let y = try target.to(.int64).reshape([n, 1])
        try checkClassIndices(op, y, classes: c)
        let xy = try x.gather(dim: 1, index: y)
        var z = try xy.neg().add(margin).add(x).relu()
        if p == 2 { z = try z.mul(z) }
        if let w = weight { z = try z.mul(w.gather(dim: 0, index: y.reshape([n])).reshape([n, 1])) }
        // The target's own column does not count.
        let others = try Tensor.ones([n, c], dtype: x.dtype).scatter(dim: 1, index: y, value: 0)
        var loss = try z.mul(others).sum(dim: 1).div(Double(c))
        if input.ndim == 1 { loss = try loss.reshape([]) }
        return try reduce(loss, reduction)
    }

    /// Checks that int64 class indices lie in [0, classes).
    static func checkClassIndices(_ op: String, _ y: Tensor, classes: Int, allowMinusOne: Bool = false) throws {
        let t = y.contiguous()
        let p = t.int64Pointer
        for i in 0..<t.count where p[i] >= Int64(classes) || p[i] < (allowMinusOne ? -1 : 0) {
            throw TensorError(op, "target \(p[i]) is out of bounds for \(classes) classes")
        }
    }

    /// multilabel_soft_margin_loss: -(t log sigmoid(x) + (1 - t) log sigmoid(-x)), times
    /// weight, averaged over the C classes (last dimension), then `reduction` over samples.
    public static func multilabelSoftMarginLoss(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil,
                                                reduction: Reduction = .mean) throws -> Tensor {
        let op = "multilabel_soft_margin_loss"
        try requireFloating(op, input)
        guard input.ndim >= 1 else { throw TensorError(op, "input must have at least 1 dimension, got a 0-D tensor") }
        try sameShape(op, input, "input", target, "target")
        let t = try floatTarget(target, like: input)
        var loss = try t.mul(logsigmoid(input)).add(t.neg().add(1).mul(logsigmoid(input.neg()))).neg()
        if let w = weight { loss = try loss.mul(w) }
        let classDim = input.ndim - 1
        return try reduce(loss.sum(dim: classDim).div(Double(input.shape[classDim])), reduction)
    }

    /// multilabel_margin_loss for [N, C] (or [C]) scores and int64 targets of the same
    /// shape listing each sample's classes, ended by -1: for each listed class j and each
    /// unlisted class i, max(0, 1 - (x[j] - x[i])), summed and divided by C.
    public static func multilabelMarginLoss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean) throws -> Tensor {
        let op = "multilabel_margin_loss"
        try requireFloating(op, input)
        guard input.ndim == 1 || input.ndim == 2, input.count > 0 else {
            throw TensorError(op, "Expected non-empty vector or matrix with optional 0-dim batch size, but got: \(shapeString(input.shape))")
        }
        guard target.shape == input.shape, target.dtype == .int64 else {
            throw TensorError(op, "inconsistent target size: \(shapeString(target.shape)) (\(target.dtype)) for input of size: \(shapeString(input.shape)); the target must be int64 of the input's shape")
        }
        let x = input.ndim == 1 ? try input.unsqueeze(0) : input
        let n = x.shape[0], c = x.shape[1]
        let y = try target.reshape([n, c]).contiguous()
        try checkClassIndices(op, y, classes: c, allowMinusOne: true)
        // listed[n, k]: slot k is before the first -1; isTarget[n, i]: class i is listed.
        let listed = Tensor(uninitialized: [n, c], dtype: x.dtype == .float64 ? .float64 : .float32)
        let isTarget = try Tensor.zeros([n, c], dtype: listed.dtype)
        let py = y.int64Pointer
        for row in 0..<n {
            var open = true
            for k in 0..<c {
                let v = py[row * c + k]
                if v < 0 { open = false }
                let on: Double = open ? 1 : 0
                if listed.dtype == .float64 { listed.doublePointer[row * c + k] = on } else { listed.floatPointer[row * c + k] = Float(on) }
                if open {
                    if listed.dtype == .float64 { isTarget.doublePointer[row * c + Int(v)] = 1 } else { isTarget.floatPointer[row * c + Int(v)] = 1 }
                }
            }
        }
        let xj = try x.gather(dim: 1, index: y.clamp(min: 0).to(.int64))   // [N, C]: the score of slot k's class
        let z = try xj.unsqueeze(2).neg().add(1).add(x.unsqueeze(1)).relu()   // [N, k, i]
        let pairs = try listed.to(x.dtype).unsqueeze(2).mul(isTarget.to(x.dtype).neg().add(1).unsqueeze(1))
        var loss = try z.mul(pairs).sum(dims: [1, 2]).div(Double(c))
        if input.ndim == 1 { loss = try loss.reshape([]) }
        return try reduce(loss, reduction)
    }
}
