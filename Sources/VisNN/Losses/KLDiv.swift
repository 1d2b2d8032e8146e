import Foundation
import VisTensor

/// t (log t - x) per element, with 0 log 0 = 0 (PyTorch's `xlogy`).
struct KLDivKernel: PointwiseLossKernel {
    @inline(__always) func loss(_ x: Float, _ t: Float, _ i: Int) -> Float {
        (t == 0 ? 0 : t * Foundation.log(t)) - t * x
    }
    @inline(__always) func gradInput(_ x: Float, _ t: Float, _ i: Int) -> Float { -t }
    /// log t + 1 - x; NaN at t = 0, as in PyTorch (d(t log t)/dt is unbounded there).
    @inline(__always) func gradTarget(_ x: Float, _ t: Float, _ i: Int) -> Float {
        t == 0 ? .nan : Foundation.log(t) + 1 - x
    }
}

/// e^t (t - x) per element: the target given as log-probabilities. A log target of
/// -inf gives 0 * -inf = NaN, as in PyTorch (the 0 log 0 convention is `KLDivKernel`'s).
struct KLDivLogTargetKernel: PointwiseLossKernel {
    @inline(__always) func loss(_ x: Float, _ t: Float, _ i: Int) -> Float { Foundation.exp(t) * (t - x) }
    @inline(__always) func gradInput(_ x: Float, _ t: Float, _ i: Int) -> Float { -Foundation.exp(t) }
    @inline(__always) func gradTarget(_ x: Float, _ t: Float, _ i: Int) -> Float { Foundation.exp(t) * (t - x + 1) }
}

extension Functional {
    /// kl_div's reductions: PyTorch's three plus `batchmean`, the sum divided by the
    /// batch size (the size of dimension 0), which is the true KL divergence per
    /// sample; `mean` divides by the number of elements, as PyTorch's default does.
    public enum KLDivReduction: String, CaseIterable, Sendable {
        /// Per-element terms, unreduced.
        case none
        /// Sum / number of elements (PyTorch's default).
        case mean
        /// Sum / input.size(0): the KL divergence per sample.
        case batchmean
        /// The sum.
        case sum

        /// Parses `reduction="..."`; anything else is an error naming the choices.
        public static func parse(_ name: String) throws -> KLDivReduction {
            guard let r = KLDivReduction(rawValue: name) else {
                throw TensorError("kl_div", "reduction must be 'none', 'mean', 'batchmean' or 'sum', got '\(name)'")
            }
            return r
        }
    }

    /// Kullback-Leibler divergence KL(target || input-distribution) in PyTorch's form
    /// (`kl_div`): `input` holds log-probabilities, `target` probabilities (or
    /// log-probabilities with `logTarget`), and per element
    ///
    ///     l = t * (log t - x)           (0 where t = 0: 0 log 0 = 0)
    ///     l = e^t * (t - x)             with logTarget
    ///
    /// then `reduction` (`batchmean` is the mathematically correct KL per sample;
    /// `mean`, the default as in PyTorch, divides by every element). Input and target
    /// broadcast. d/dx = -t (-e^t); differentiable in the target as well
    /// (log t + 1 - x, resp. e^t (t - x + 1)). Distillation with temperature T:
    /// `klDiv(logSoftmax(s / T), softmax(t / T), reduction: .batchmean) * T^2`.
    public static func klDiv(_ input: Tensor, _ target: Tensor, reduction: KLDivReduction = .mean,
                             logTarget: Bool = false) throws -> Tensor {
        let op = "kl_div"
        try requireFloating(op, input, "input", "log-probabilities")
        try requireFloating(op, target, "target", logTarget ? "log-probabilities" : "probabilities")
        let shape: [Int]
        do {
            shape = try Shape.broadcast(input.shape, target.shape, op: op)
        } catch {
            throw TensorError(op, "input \(shapeString(input.shape)) and target \(shapeString(target.shape)) cannot be broadcast together")
        }
        let count = Shape.numel(shape)
        let mode: PointwiseReduction
        switch reduction {
        case .none: mode = .none
        case .mean: mode = .total(divisor: Double(count))
        case .sum: mode = .total(divisor: 1)
        // PyTorch divides by input.size(0), and a 0-d input by 1.
        case .batchmean: mode = .total(divisor: Double(input.ndim == 0 ? 1 : input.shape[0]))
        }
        if logTarget {
            return try pointwiseLoss(op, input, target, shape: shape, reduction: mode, kernel: KLDivLogTargetKernel(),
                                     float64: klDivForm(logTarget: true))
        }
        return try pointwiseLoss(op, input, target, shape: shape, reduction: mode, kernel: KLDivKernel(), float64: klDivForm(logTarget: false))
    }
}
