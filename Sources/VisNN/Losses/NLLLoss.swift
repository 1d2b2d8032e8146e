import VisTensor

extension Functional {
    /// Negative log-likelihood of class-index targets (PyTorch's `nll_loss`): `input`
    /// holds log-probabilities (e.g. from `logSoftmax(dim: 1)`) with the classes in
    /// dimension 1, shapes as in `crossEntropy` ([N, C] with [N], [N, C, d1, ...] with
    /// [N, d1, ...], or [C] with a 0-d target). Per position that is not `ignoreIndex`
    ///
    ///     l = -w[y] * input[y]
    ///
    /// and `mean` divides the sum by sum(w[y]) over the counted positions (PyTorch's
    /// rule; NaN when every target is ignored). The gradient is -w[y] at the target
    /// class and 0 elsewhere, times the incoming gradient / the normaliser; `weight`
    /// is a constant.
    public static func nllLoss(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil,
                               ignoreIndex: Int = -100, reduction: Reduction = .mean) throws -> Tensor {
        let op = "nll_loss"
        let dtype = try classLossDType(op, input, weight: weight)
        if let dtype, dtype != .float64 {
            return try nllLoss(input.to(.float32), target, weight: weight?.to(.float32), ignoreIndex: ignoreIndex,
                               reduction: reduction).to(dtype)
        }
        let layout = try classLayout(op, input, what: "log-probabilities")
        let w = try classWeights(op, weight, classes: layout.classes)
        let targets = try classTargets(op, input, target, layout, ignoreIndex: ignoreIndex, probabilitiesAllowed: false)
        if dtype == .float64 {
            return try Float64ClassLosses.nllLoss(input, targets, layout, weight: weight, ignoreIndex: ignoreIndex, reduction: reduction)
        }
        // x: [N, C, S] contiguous; targets: [N, S].
        let x = input.detach().contiguous()
        let S = layout.spatial, P = layout.positions
        let ignore = Int64(ignoreIndex)
        let perPosition = reduction == .none ? Tensor(uninitialized: layout.positionShape) : nil
        let px = UnsafePointer(x.floatPointer), py = UnsafePointer(targets.int64Pointer)
        let po = perPosition?.floatPointer, pw = w.map { UnsafePointer($0.floatPointer) }
        let (lossSum, weightSum) = LossLoop.sums(P, cost: 2) { s, e in
            var acc = 0.0, wacc = 0.0
            for p in s..<e {
                let y = py[p]
                if y == ignore { po?[p] = 0; continue }
                let yi = Int(y), wy = pw?[yi] ?? 1
                let loss = -wy * px[layout.base(p) + yi * S]
                po?[p] = loss
                acc += Double(loss)
                wacc += Double(wy)
            }
            return (acc, wacc)
        }
        let out: Tensor
        switch reduction {
        case .none: out = perPosition ?? Tensor.scalar(0)
        case .mean: out = Tensor.scalar(lossSum / weightSum)
        case .sum: out = Tensor.scalar(lossSum)
        }
        guard Autograd.needsGraph(input) else { return out }
        let inputShape = input.shape
        Autograd.record(out, op, [input], saving: [target]) { g in
            // g: [N, d1, ...] for none, a scalar otherwise.
            let gc = g.contiguous()
            let pg = UnsafePointer(gc.floatPointer)
            let perElement = reduction == .none
            let scalar = perElement ? 0 : Float(Double(pg[0]) / (reduction == .mean ? weightSum : 1))
            let grad = try Tensor.zeros(inputShape)
            let pd = grad.floatPointer
            let py = UnsafePointer(targets.int64Pointer), pw = w.map { UnsafePointer($0.floatPointer) }
            for p in 0..<P where py[p] != ignore {
                let yi = Int(py[p])
                pd[layout.base(p) + yi * S] = -(perElement ? pg[p] : scalar) * (pw?[yi] ?? 1)
            }
            return [grad]
        }
        return out
    }
}
