import Foundation
import VisTensor

/// torch.nn.functional's activations beyond relu / leaky_relu / gelu / silu / sigmoid /
/// tanh / softmax (those are VisTensor's): each is PyTorch's formula, with the gradient
/// PyTorch's backward kernel gives, including its choice at every kink (checked against
/// PyTorch 2.15 by Tests/notebooks/reference/actloss.vis). Each `inplace` writes the
/// result into the input with PyTorch's in-place rules and returns it.
extension Functional {
    /// softplus: log(1 + exp(beta x)) / beta, and x itself where beta x > threshold.
    public static func softplus(_ x: Tensor, beta: Double = 1, threshold: Double = 20) throws -> Tensor {
        try pointwise("softplus", x, { v in
            beta * v > threshold ? v : Foundation.log1p(Foundation.exp(beta * v)) / beta
        }, derivative: { v in
            if beta * v > threshold { return 1 }
            let z = Foundation.exp(beta * v)
            return z / (z + 1)
        })
    }

    /// elu: x for x > 0, alpha (exp(x) - 1) otherwise (gradient alpha exp(x) at x <= 0).
    public static func elu(_ x: Tensor, alpha: Double = 1, inplace: Bool = false) throws -> Tensor {
        try maybeInPlace("elu", x, inplace) {
            try pointwise("elu", $0, { v in v > 0 ? v : alpha * Foundation.expm1(v) },
                          derivative: { v in v > 0 ? 1 : alpha * Foundation.exp(v) })
        }
    }

    /// SELU's constants (Klambauer et al. 2017), as PyTorch writes them.
    public static let seluAlpha = 1.6732632423543772848170429916717
    public static let seluScale = 1.0507009873554804934193349852946

    /// selu: scale * elu(x, alpha) with the fixed constants above.
    public static func selu(_ x: Tensor, inplace: Bool = false) throws -> Tensor {
        let a = seluAlpha, s = seluScale
        return try maybeInPlace("selu", x, inplace) {
            try pointwise("selu", $0, node: "elu", { v in v > 0 ? s * v : s * a * Foundation.expm1(v) },
                          derivative: { v in v > 0 ? s : s * a * Foundation.exp(v) })
        }
    }

    /// celu: max(0, x) + min(0, alpha (exp(x / alpha) - 1)); alpha 0 is an error, as in PyTorch.
    public static func celu(_ x: Tensor, alpha: Double = 1, inplace: Bool = false) throws -> Tensor {
        guard alpha != 0 else { throw TensorError("celu", "alpha cannot be 0 for CELU") }
        return try maybeInPlace("celu", x, inplace) {
            try pointwise("celu", $0, { v in v > 0 ? v : alpha * Foundation.expm1(v / alpha) },
                          derivative: { v in v > 0 ? 1 : Foundation.exp(v / alpha) })
        }
    }

    /// hardtanh: x clamped to [min_val, max_val] (NaN stays NaN); the gradient is 1 strictly
    /// inside and 0 at the bounds and outside (PyTorch's hardtanh_backward).
    public static func hardtanh(_ x: Tensor, minVal: Double = -1, maxVal: Double = 1, inplace: Bool = false,
                                op: String = "hardtanh") throws -> Tensor {
        guard minVal <= maxVal else { throw TensorError(op, "min_val cannot be greater than max_val (min_val=\(minVal), max_val=\(maxVal))") }
        return try maybeInPlace(op, x, inplace) {
            try pointwise(op, $0, node: "hardtanh", { v in v < minVal ? minVal : (v > maxVal ? maxVal : v) },
                          derivative: { v in v > minVal && v < maxVal ? 1 : 0 })
        }
    }

    /// relu6: hardtanh(x, 0, 6) (gradient 0 at 0 and at 6, as PyTorch).
    public static func relu6(_ x: Tensor, inplace: Bool = false) throws -> Tensor {
        try hardtanh(x, minVal: 0, maxVal: 6, inplace: inplace, op: "relu6")
    }

    /// hardswish: x relu6(x + 3) / 6; gradient 0 for x <= -3, x / 3 + 1/2 for x < 3, 1 above.
    public static func hardswish(_ x: Tensor, inplace: Bool = false) throws -> Tensor {
        try maybeInPlace("hardswish", x, inplace) {
            try pointwise("hardswish", $0, { v in v * Swift.min(Swift.max(v + 3, 0), 6) / 6 },
                          derivative: { v in v <= -3 ? 0 : (v < 3 ? v / 3 + 0.5 : 1) })
        }
    }

    /// hardsigmoid: relu6(x + 3) / 6; gradient 1/6 strictly inside (-3, 3), else 0.
    public static func hardsigmoid(_ x: Tensor, inplace: Bool = false) throws -> Tensor {
        try maybeInPlace("hardsigmoid", x, inplace) {
            try pointwise("hardsigmoid", $0, { v in v.isNaN ? v : Swift.min(Swift.max(v + 3, 0), 6) / 6 },
                          derivative: { v in v > -3 && v < 3 ? 1.0 / 6 : 0 })
        }
    }

    /// mish: x tanh(softplus(x)).
    public static func mish(_ x: Tensor, inplace: Bool = false) throws -> Tensor {
        try maybeInPlace("mish", x, inplace) {
            try pointwise("mish", $0, { v in v * Foundation.tanh(Foundation.log1p(Foundation.exp(v))) },
                          derivative: { v in
                              let t = Foundation.tanh(Foundation.log1p(Foundation.exp(v)))
                              let s = 1 / (1 + Foundation.exp(-v))
                              return t + v * s * (1 - t * t)
                          })
        }
    }

    /// logsigmoid: log(sigmoid(x)) = min(x, 0) - log(1 + exp(-|x|)), stable for large |x|.
    public static func logsigmoid(_ x: Tensor) throws -> Tensor {
        try pointwise("logsigmoid", x, node: "log_sigmoid", { v in Swift.min(v, 0) - Foundation.log1p(Foundation.exp(-Swift.abs(v))) },
                      derivative: { v in
                          let z = Foundation.exp(-Swift.abs(v))
                          return v < 0 ? 1 / (1 + z) : z / (1 + z)
                      })
    }

    /// softsign: x / (1 + |x|), composed as PyTorch composes it (so its gradient, NaN at
    /// +-inf included, is PyTorch's).
    public static func softsign(_ x: Tensor) throws -> Tensor {
        try requireFloating("softsign", x)
        return try x.div(x.abs().add(1))
    }

    /// tanhshrink: x - tanh(x), composed as PyTorch composes it.
    public static func tanhshrink(_ x: Tensor) throws -> Tensor {
        try requireFloating("tanhshrink", x)
        return try x.sub(x.tanh())
    }

    /// hardshrink: x where |x| > lambd, else 0 (gradient 0 on [-lambd, lambd]).
    public static func hardshrink(_ x: Tensor, lambd: Double = 0.5) throws -> Tensor {
        try pointwise("hardshrink", x, { v in v >= -lambd && v <= lambd ? 0 : v },
                      derivative: { v in v >= -lambd && v <= lambd ? 0 : 1 })
    }

    /// softshrink: x - lambd above lambd, x + lambd below -lambd, else 0 (NaN stays NaN);
    /// lambd must be non-negative, as in PyTorch.
    public static func softshrink(_ x: Tensor, lambd: Double = 0.5) throws -> Tensor {
        guard lambd >= 0 else { throw TensorError("softshrink", "lambd must be non-negative, got \(lambd)") }
        return try pointwise("softshrink", x, { v in v > lambd ? v - lambd : (v < -lambd ? v + lambd : v * 0) },
                             derivative: { v in v >= -lambd && v <= lambd ? 0 : 1 })
    }

    /// threshold: x where x > threshold, else value (gradient 0 where x <= threshold).
    public static func threshold(_ x: Tensor, threshold: Double, value: Double, inplace: Bool = false) throws -> Tensor {
        try maybeInPlace("threshold", x, inplace) {
            try pointwise("threshold", $0, { v in v <= threshold ? value : v },
                          derivative: { v in v <= threshold ? 0 : 1 })
        }
    }

    /// gelu with PyTorch's `approximate`: "none" (the exact erf form) or "tanh"
    /// (0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))).
    public static func gelu(_ x: Tensor, approximate: String = "none") throws -> Tensor {
        switch approximate {
        case "none": return try x.gelu()
        case "tanh":
            let k = (2 / Double.pi).squareRoot(), c = 0.044715
            return try pointwise("gelu", x, { v in 0.5 * v * (1 + Foundation.tanh(k * (v + c * v * v * v))) },
                                 derivative: { v in
                                     let t = Foundation.tanh(k * (v + c * v * v * v))
                                     return 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * k * (1 + 3 * c * v * v)
                                 })
        default:
            throw TensorError("gelu", "approximate argument must be either none or tanh, got '\(approximate)'")
        }
    }

    /// softmin: softmax(-x) along `dim`; with no dim PyTorch's implicit choice (0 for 0-,
    /// 1- and 3-D input, else 1).
    public static func softmin(_ x: Tensor, dim: Int? = nil) throws -> Tensor {
        try requireFloating("softmin", x)
        return try x.neg().softmax(dim: dim ?? implicitSoftmaxDim(x.ndim))
    }

    /// PyTorch's implicit dim of softmax / softmin / log_softmax without `dim`.
    public static func implicitSoftmaxDim(_ ndim: Int) -> Int { [0, 1, 3].contains(ndim) ? 0 : 1 }

    /// glu: a * sigmoid(b) where a and b are the two halves of x along `dim`.
    public static func glu(_ x: Tensor, dim: Int = -1) throws -> Tensor {
        try requireFloating("glu", x)
        guard x.ndim > 0 else { throw TensorError("glu", "glu does not support scalars because halving size must be even") }
        guard dim >= -x.ndim, dim < x.ndim else {
            throw TensorError("glu", "Dimension out of range (expected to be in range of [\(-x.ndim), \(x.ndim - 1)], but got \(dim))")
        }
        let d = dim < 0 ? dim + x.ndim : dim
        let size = x.shape[d]
        guard size % 2 == 0 else { throw TensorError("glu", "Halving dimension must be even, but dimension \(d) is size \(size)") }
        return try x.narrow(d, 0, size / 2).mul(x.narrow(d, size / 2, size / 2).sigmoid())
    }

    /// prelu: x where x > 0, weight * x elsewhere; `weight` holds 1 value or one per
    /// channel (dimension 1 of x; a 0-D or 1-D x has 1 channel), as PyTorch checks it.
    /// Composed with `where`, so the gradients (x: 1 or weight; weight: x where x <= 0)
    /// are PyTorch's.
    public static func prelu(_ x: Tensor, weight: Tensor) throws -> Tensor {
        try requireFloating("prelu", x)
        let channels = x.ndim >= 2 ? x.shape[1] : 1
        guard weight.count == 1 || weight.count == channels else {
            throw TensorError("prelu", "Mismatch of parameter numbers and input channel size. Found parameter numbers = \(weight.count) and channel size = \(channels).")
        }
        var w = weight
        if weight.count == 1 {
            w = try weight.reshape([])
        } else {
            w = try weight.reshape([channels] + Array(repeating: 1, count: x.ndim - 2))
        }
        return try Tensor.where(x.gt(0), x, w.mul(x))
    }

    /// Refuses integer and bool tensors with PyTorch's reason.
    static func requireFloating(_ op: String, _ x: Tensor) throws {
        guard x.dtype.isFloatingPoint else {
            throw TensorError(op, "expected a floating-point tensor, got \(x.dtype) (convert with .float())")
        }
    }
}
