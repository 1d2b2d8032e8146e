import Foundation
import VisTensor

/// The negative log-likelihood losses of count and Gaussian targets, as PyTorch writes them.
extension Functional {
    /// poisson_nll_loss: exp(input) - target * input (log_input), or
    /// input - target * log(input + eps); `full` adds Stirling's term
    /// target log target - target + 0.5 log(2 pi target) where target > 1.
    public static func poissonNLLLoss(_ input: Tensor, _ target: Tensor, logInput: Bool = true, full: Bool = false,
                                      eps: Double = 1e-8, reduction: Reduction = .mean) throws -> Tensor {
        let op = "poisson_nll_loss"
        try requireFloating(op, input)
        try requireBroadcast(op, [("input", input), ("target", target)])
        let t = try floatTarget(target, like: input)
        var loss = logInput ? try input.exp().sub(t.mul(input)) : try input.sub(t.mul(input.add(eps).log()))
        if full {
            let stirling = try t.mul(t.log()).sub(t).add(t.mul(2 * Double.pi).log().mul(0.5))
            loss = try loss.add(stirling.maskedFill(t.le(1), 0))
        }
        return try reduce(loss, reduction)
    }

    /// gaussian_nll_loss: 0.5 (log var + (input - target)^2 / var) (+ 0.5 log 2 pi with
    /// `full`), var clamped below at eps without changing its gradient (PyTorch's
    /// no_grad clamp); var has input's shape, or one dimension fewer, or input's shape
    /// with one dimension 1; a negative var is an error.
    public static func gaussianNLLLoss(_ input: Tensor, _ target: Tensor, _ variance: Tensor, full: Bool = false,
                                       eps: Double = 1e-6, reduction: Reduction = .mean) throws -> Tensor {
        let op = "gaussian_nll_loss"
        try requireFloating(op, input)
        try requireBroadcast(op, [("input", input), ("target", target)])
        var v = try floatTarget(variance, like: input)
        if v.shape != input.shape {
            if Array(input.shape.dropLast()) == v.shape {
                v = try v.unsqueeze(-1)
            } else if !(v.ndim == input.ndim && zip(input.shape, v.shape).filter { $0 != $1 }.map(\.1).reduce(0, +) == 1) {
                // Homoscedastic: one dimension of var is 1 where input's is not (PyTorch's test).
                throw TensorError(op, "var is of incorrect size: var \(shapeString(variance.shape)) for input \(shapeString(input.shape))")
            }
        }
        if try v.lt(0).any().item() != 0 { throw TensorError(op, "var has negative entry/entries") }
        v = try valueKeepingGradient(v, v.detach().clamp(min: eps))
        var loss = try v.log().add(input.sub(target).pow(2).div(v)).mul(0.5)
        if full { loss = try loss.add(0.5 * Foundation.log(2 * Double.pi)) }
        return try reduce(loss, reduction)
    }
}
