import VisTensor

/// The float64 form of a pointwise loss: the per-element losses and the derivatives
/// of one element's loss with respect to the input and the target, as float64 tensor
/// ops on the (broadcast, detached) input x and target t. The float32 kernels'
/// formulas, in float64.
struct PointwiseFloat64Form {
    let loss: (_ x: Tensor, _ t: Tensor) throws -> Tensor
    let gradInput: (_ x: Tensor, _ t: Tensor) throws -> Tensor
    let gradTarget: (_ x: Tensor, _ t: Tensor) throws -> Tensor
}

/// The losses in float64 (and the class-index losses' composites): computed with
/// float64 tensor ops, gradients recorded with the same formulas as the float32
/// kernels, in float64.
extension Functional {
    /// True when a pointwise loss of `input` and `target` computes in float64: PyTorch
    /// promotes, so a float64 input or target makes the loss float64.
    static func pointwiseIsFloat64(_ input: Tensor, _ target: Tensor) -> Bool {
        input.dtype == .float64 || target.dtype == .float64
    }

    /// A pointwise loss in float64 over `shape` (input and target broadcast to it), with
    /// the reduction and PyTorch's gradients; the gradient of a float32 operand is float32.
    static func float64PointwiseLoss(_ op: String, _ input: Tensor, _ target: Tensor, shape: [Int],
                                     reduction: PointwiseReduction, form: PointwiseFloat64Form) throws -> Tensor {
        func dense64(_ t: Tensor) throws -> Tensor {
            let d = try t.detach().to(.float64)
            return d.shape == shape ? d : try d.expand(shape).contiguous()
        }
        let x = try dense64(input), t = try dense64(target)
        let losses = try form.loss(x, t)
        let out: Tensor
        switch reduction {
        case .none: out = losses
        case .total(let divisor): out = try losses.sum().div(divisor)
        }
        guard Autograd.needsGraph(input, target) else { return out }
        let needInput = input.requiresGrad, needTarget = target.requiresGrad
        let inputShape = input.shape, targetShape = target.shape, inputType = input.dtype, targetType = target.dtype
        Autograd.record(out, op, [input, target]) { g in
            // g: [shape] for reduction none, a scalar otherwise (spread over the elements).
            var scale = try g.to(.float64)
            if case .total(let divisor) = reduction { scale = try scale.div(divisor) }
            let gi = needInput ? try sumToShape(scale.mul(form.gradInput(x, t)), inputShape).to(inputType) : nil
            let gt = needTarget ? try sumToShape(scale.mul(form.gradTarget(x, t)), targetShape).to(targetType) : nil
            return [gi, gt]
        }
        return out
    }

    /// `losses` with the elements where `mask` holds replaced by `value` (no gradient
    /// flows here: the forms are applied to detached tensors).
    static func float64Where(_ mask: Tensor, _ value: Double, _ losses: Tensor) throws -> Tensor {
        try losses.maskedFill(mask, value)
    }

    /// The float64 forms of mse_loss, l1_loss and smooth_l1_loss.
    static func squaredErrorForm() -> PointwiseFloat64Form {
        PointwiseFloat64Form(loss: { x, t in try x.sub(t).square() },
                             gradInput: { x, t in try x.sub(t).mul(2) },
                             gradTarget: { x, t in try t.sub(x).mul(2) })
    }

    /// l1_loss: |x - t|, derivative sign(x - t) (0 where equal).
    static func absoluteErrorForm() -> PointwiseFloat64Form {
        PointwiseFloat64Form(loss: { x, t in try x.sub(t).abs() },
                             gradInput: { x, t in try x.sub(t).sign() },
                             gradTarget: { x, t in try t.sub(x).sign() })
    }

    /// smooth_l1_loss: 0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta (beta = 0: L1).
    static func smoothL1Form(beta: Double) -> PointwiseFloat64Form {
        func gradInput(_ x: Tensor, _ t: Tensor) throws -> Tensor {
            let d = try x.sub(t)
            guard beta > 0 else { return try d.sign() }
            let inside = try d.abs().lt(Tensor.scalar(beta, dtype: .float64))
            return try d.div(beta).maskedFill(inside.logicalNot(), 0).add(d.sign().maskedFill(inside, 0))
        }
        return PointwiseFloat64Form(loss: { x, t in
            let z = try x.sub(t).abs()
            guard beta > 0 else { return z }
            let inside = try z.lt(Tensor.scalar(beta, dtype: .float64))
            let quadratic = try z.square().mul(0.5 / beta).maskedFill(inside.logicalNot(), 0)
            return try quadratic.add(z.sub(0.5 * beta).maskedFill(inside, 0))
        }, gradInput: gradInput, gradTarget: { x, t in try gradInput(x, t).neg() })
    }

    /// binary_cross_entropy: w ((t - 1) max(log1p(-x), -100) - t max(log x, -100)), with
    /// PyTorch's input gradient w (x - t) / max((1 - x) x, 1e-12).
    static func binaryCrossEntropyForm(weight: Tensor?) -> PointwiseFloat64Form {
        func logs(_ x: Tensor) throws -> (Tensor, Tensor) {
            (try x.log().clamp(min: -100), try x.neg().log1p().clamp(min: -100))
        }
        func weighted(_ v: Tensor) throws -> Tensor { try weight.map { try v.mul($0) } ?? v }
        return PointwiseFloat64Form(loss: { x, t in
            let (logX, log1mX) = try logs(x)
            return try weighted(t.sub(1).mul(log1mX).sub(t.mul(logX)))
        }, gradInput: { x, t in
            try weighted(x.sub(t).div(x.neg().add(1).mul(x).clamp(min: 1e-12)))
        }, gradTarget: { x, _ in
            let (logX, log1mX) = try logs(x)
            return try weighted(log1mX.sub(logX))
        })
    }

    /// binary_cross_entropy_with_logits: w ((1 - t) x + lw softplus(-x)) with
    /// lw = (pos_weight - 1) t + 1; softplus(-x) = max(-x, 0) + log1p(exp(-|x|)).
    static func binaryCrossEntropyWithLogitsForm(weight: Tensor?, posWeight: Tensor?) -> PointwiseFloat64Form {
        func weighted(_ v: Tensor) throws -> Tensor { try weight.map { try v.mul($0) } ?? v }
        func softplusNeg(_ x: Tensor) throws -> Tensor { try x.neg().relu().add(x.abs().neg().exp().log1p()) }
        return PointwiseFloat64Form(loss: { x, t in
            let sp = try softplusNeg(x)
            let term = try posWeight.map { pw in try pw.sub(1).mul(t).add(1).mul(sp) } ?? sp
            return try weighted(t.neg().add(1).mul(x).add(term))
        }, gradInput: { x, t in
            guard let posWeight else { return try weighted(x.sigmoid().sub(t)) }
            let pt = try posWeight.mul(t)
            return try weighted(pt.add(1).sub(t).mul(x.sigmoid()).sub(pt))
        }, gradTarget: { x, _ in
            guard let posWeight else { return try weighted(x.neg()) }
            return try weighted(x.neg().add(posWeight.sub(1).mul(softplusNeg(x))))
        })
    }

    /// kl_div: t log t - t x (0 log 0 = 0), or with log_target exp(t) (t - x).
    static func klDivForm(logTarget: Bool) -> PointwiseFloat64Form {
        if logTarget {
            return PointwiseFloat64Form(loss: { x, t in try t.exp().mul(t.sub(x)) },
                                        gradInput: { _, t in try t.exp().neg() },
                                        gradTarget: { x, t in try t.exp().mul(t.sub(x).add(1)) })
        }
        return PointwiseFloat64Form(loss: { x, t in
            let zero = try t.eq(Tensor.scalar(0, dtype: .float64))
            return try t.mul(t.log()).maskedFill(zero, 0).sub(t.mul(x))
        }, gradInput: { _, t in try t.neg() }, gradTarget: { x, t in
            // PyTorch's target gradient log t + 1 - x, NaN where t = 0 (as the float32 kernel).
            let zero = try t.eq(Tensor.scalar(0, dtype: .float64))
            return try t.log().add(1).sub(x).maskedFill(zero, .nan)
        })
    }
}

/// cross_entropy and nll_loss in float64, as composites of differentiable float64 ops
/// (log_softmax, gather, weighted sums): the rules of the float32 kernels (ignore_index,
/// class weights, label smoothing, the weighted mean) in float64.
enum Float64ClassLosses {
    /// x [N, C, S...] (or [C]) as [P, C] rows, one per position, and targets as [P].
    private static func rows(_ x: Tensor, _ layout: ClassLayout) throws -> Tensor {
        if x.ndim == 1 { return try x.reshape([1, layout.classes]) }
        return try x.reshape([layout.batch, layout.classes, layout.spatial]).transpose(1, 2)
            .reshape([layout.positions, layout.classes])
    }

    /// The negative log-likelihood terms of `logp` [P, C] at `targets` [P]: per position
    /// -w[y] logp[y] (0 where ignored), the per-position weights w[y] (0 where ignored),
    /// and the positions' mask of kept targets.
    private static func picked(_ logp: Tensor, _ targets: Tensor, weight: Tensor?, ignoreIndex: Int64)
        throws -> (losses: Tensor, weights: Tensor, kept: Tensor) {
        let y = try targets.reshape([-1])
        let ignored = try y.eq(Tensor(int64: [ignoreIndex], shape: []))
        let safe = try y.maskedFill(ignored, 0)
        var losses = try logp.gather(dim: 1, index: safe.unsqueeze(1)).squeeze(1).neg()
        var weights = Tensor.full([y.count], 1, dtype: .float64)
        if let weight { weights = try weight.detach().indexSelect(dim: 0, index: safe) }
        weights = try weights.maskedFill(ignored, 0)
        losses = try losses.mul(weights)
        return (losses, weights, try ignored.logicalNot())
    }

    /// The reduction of per-position losses [P]: none gives `positionShape`, mean divides
    /// by `divisor`.
    private static func reduce(_ losses: Tensor, _ reduction: Functional.Reduction, divisor: Tensor,
                               positionShape: [Int]) throws -> Tensor {
        switch reduction {
        case .none: return try losses.reshape(positionShape)
        case .sum: return try losses.sum()
        case .mean: return try losses.sum().div(divisor)
        }
    }

    /// nll_loss in float64 (arguments checked by `nllLoss`).
    static func nllLoss(_ input: Tensor, _ targets: Tensor, _ layout: ClassLayout, weight: Tensor?, ignoreIndex: Int,
                        reduction: Functional.Reduction) throws -> Tensor {
        let p = try picked(rows(input, layout), targets, weight: weight, ignoreIndex: Int64(ignoreIndex))
        return try reduce(p.losses, reduction, divisor: p.weights.sum(), positionShape: layout.positionShape)
    }

    /// cross_entropy with class-index targets in float64: label smoothing eps mixes in
    /// (eps / C) sum_c w[c] (-logp[c]) per kept position; the mean divides by sum w[y].
    static func crossEntropy(_ input: Tensor, _ targets: Tensor, _ layout: ClassLayout, weight: Tensor?, ignoreIndex: Int,
                             labelSmoothing eps: Double, reduction: Functional.Reduction) throws -> Tensor {
        let logp = try rows(input, layout).logSoftmax(dim: 1)
        let p = try picked(logp, targets, weight: weight, ignoreIndex: Int64(ignoreIndex))
        var losses = p.losses
        if eps > 0 {
            let weighted = try weight.map { try logp.mul($0.detach().reshape([1, layout.classes])) } ?? logp
            let smooth = try weighted.sum(dim: 1).neg().mul(p.kept.to(.float64))
            losses = try losses.mul(1 - eps).add(smooth.mul(eps / Double(Swift.max(layout.classes, 1))))
        }
        return try reduce(losses, reduction, divisor: p.weights.sum(), positionShape: layout.positionShape)
    }

    /// cross_entropy with class-probability targets [N, C, ...] in float64: per position
    /// -sum_c w[c] q[c] logp[c], q = (1 - eps) t + eps / C; the mean divides by the
    /// number of positions.
    static func softCrossEntropy(_ input: Tensor, _ target: Tensor, _ layout: ClassLayout, weight: Tensor?,
                                 labelSmoothing eps: Double, reduction: Functional.Reduction) throws -> Tensor {
        let logp = try rows(input, layout).logSoftmax(dim: 1)
        var q = try rows(target.to(.float64), layout)
        if eps > 0 { q = try q.mul(1 - eps).add(eps / Double(Swift.max(layout.classes, 1))) }
        var terms = try logp.mul(q)
        if let weight { terms = try terms.mul(weight.detach().reshape([1, layout.classes])) }
        let losses = try terms.sum(dim: 1).neg()
        return try reduce(losses, reduction, divisor: Tensor.scalar(Double(layout.positions), dtype: .float64),
                          positionShape: layout.positionShape)
    }
}
