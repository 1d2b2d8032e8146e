import VisTensor

/// The per-element function of an elementwise loss and its two partial derivatives,
/// as a type so that the driver's loops specialise on it (no call per element).
/// `i` is the element's index in the broadcast, contiguous layout, for kernels that
/// read a per-element weight.
protocol PointwiseLossKernel {
    /// The loss of one element with input `x` and target `t`.
    func loss(_ x: Float, _ t: Float, _ i: Int) -> Float
    /// d loss / d x.
    func gradInput(_ x: Float, _ t: Float, _ i: Int) -> Float
    /// d loss / d t.
    func gradTarget(_ x: Float, _ t: Float, _ i: Int) -> Float
}

extension Functional {
    /// What a pointwise loss does with its per-element values: keep them, or sum them
    /// and divide by `divisor` (1 for sum, the element count for mean, the batch size
    /// for kl_div's batchmean).
    enum PointwiseReduction {
        case none
        case total(divisor: Double)

        init(_ r: Reduction, count: Int) {
            switch r {
            case .none: self = .none
            case .mean: self = .total(divisor: Double(count))
            case .sum: self = .total(divisor: 1)
            }
        }
    }

    /// Runs an elementwise loss as one fused pass: input and target broadcast to
    /// `shape`, per-element losses kept or summed (in Double, see `LossLoop`), and a
    /// backward rule that is one more pass per operand needing a gradient (summed back
    /// over broadcast dimensions). `keep` holds tensors the kernel points into, so the
    /// backward closure keeps them alive.
    ///
    /// Dtypes as PyTorch: a float64 input or target computes in float64 with `float64`
    /// (a loss without a float64 form says so); float16 / bfloat16 operands compute in
    /// float32, and the loss is half when both are that half dtype.
    static func pointwiseLoss<K: PointwiseLossKernel>(
        _ op: String, _ input: Tensor, _ target: Tensor, shape: [Int],
        reduction: PointwiseReduction, kernel: K, keep: [Tensor] = [], float64: PointwiseFloat64Form? = nil
    ) throws -> Tensor {
        if pointwiseIsFloat64(input, target) {
            guard let float64 else { throw TensorError(op, "float64 inputs are not supported by this loss (use .float())") }
            return try float64PointwiseLoss(op, input, target, shape: shape, reduction: reduction, form: float64)
        }
        if input.dtype == target.dtype && (input.dtype == .float16 || input.dtype == .bfloat16) {
            return try pointwiseLoss(op, input.to(.float32), target.to(.float32), shape: shape, reduction: reduction,
                                     kernel: kernel, keep: keep).to(input.dtype)
        }
        // x, t: [shape], contiguous float32
        let x = try dense(input, shape), t = try dense(target, shape)
        let n = x.count
        let px = UnsafePointer(x.floatPointer), pt = UnsafePointer(t.floatPointer)
        let out: Tensor
        switch reduction {
        case .none:
            out = Tensor(uninitialized: shape)
            let po = out.floatPointer
            LossLoop.forEach(n, cost: 8) { s, e in
                for i in s..<e { po[i] = kernel.loss(px[i], pt[i], i) }
            }
        case .total(let divisor):
            let total = LossLoop.sum(n, cost: 8) { s, e in
                var acc = 0.0
                for i in s..<e { acc += Double(kernel.loss(px[i], pt[i], i)) }
                return acc
            }
            out = Tensor.scalar(total / divisor)
        }
        guard Autograd.needsGraph(input, target) else { return out }
        let needInput = input.requiresGrad, needTarget = target.requiresGrad
        let inputShape = input.shape, targetShape = target.shape
        Autograd.record(out, op, [input, target], saving: [input, target]) { g in
            // g: [shape] for reduction none, a scalar otherwise.
            let gc = g.contiguous()
            let pg = UnsafePointer(gc.floatPointer)
            var scalar: Float = 0
            if case .total(let divisor) = reduction { scalar = Float(Double(pg[0]) / divisor) }
            let perElement: Bool
            if case .none = reduction { perElement = true } else { perElement = false }
            // One pass writing g * d loss / d (input or target) per element; the loop
            // is written out per case so that each one specialises on the kernel.
            func pass(target: Bool) -> Tensor {
                let r = Tensor(uninitialized: shape)
                let pr = r.floatPointer
                let px = UnsafePointer(x.floatPointer), pt = UnsafePointer(t.floatPointer)
                LossLoop.forEach(n, cost: 8) { s, e in
                    switch (perElement, target) {
                    case (true, false): for i in s..<e { pr[i] = pg[i] * kernel.gradInput(px[i], pt[i], i) }
                    case (false, false): for i in s..<e { pr[i] = scalar * kernel.gradInput(px[i], pt[i], i) }
                    case (true, true): for i in s..<e { pr[i] = pg[i] * kernel.gradTarget(px[i], pt[i], i) }
                    case (false, true): for i in s..<e { pr[i] = scalar * kernel.gradTarget(px[i], pt[i], i) }
                    }
                }
                return r
            }
            let gi = needInput ? try sumToShape(pass(target: false), inputShape) : nil
            let gt = needTarget ? try sumToShape(pass(target: true), targetShape) : nil
            withExtendedLifetime(keep) {}
            return [gi, gt]
        }
        return out
    }
}
