import Foundation
import VisTensor

/// Parameter initialisation (PyTorch's `torch.nn.init`). Every function fills its tensor
/// in place outside autograd (as under `no_grad`) and returns it, so a parameter that
/// requires grad can be re-initialised. Random fills draw from `generator` in row-major
/// element order, so a seeded generator reproduces them.
public enum Init {
    /// The recommended gain for a nonlinearity (PyTorch's `calculate_gain`): 1 for
    /// linear, conv and sigmoid, 5/3 for tanh, sqrt(2) for relu, sqrt(2 / (1 + slope^2))
    /// for leaky_relu (`param` is the negative slope, default 0.01), 3/4 for selu.
    public static func calculateGain(_ nonlinearity: String, param: Double? = nil) throws -> Double {
        switch nonlinearity {
        case "linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "sigmoid":
            return 1
        case "tanh":
            return 5.0 / 3
        case "relu":
            return 2.0.squareRoot()
        case "leaky_relu":
            let slope = param ?? 0.01
            guard slope.isFinite else { throw TensorError("calculate_gain", "negative_slope \(slope) not a valid number") }
            return (2.0 / (1 + slope * slope)).squareRoot()
        case "selu":
            // Found empirically by PyTorch (pytorch/pytorch#50664).
            return 3.0 / 4
        default:
            throw TensorError("calculate_gain", "Unsupported nonlinearity \(nonlinearity)")
        }
    }

    /// (fan_in, fan_out) of a weight: [out, in] for linear; for conv weights
    /// [out, in / groups, k...] each is multiplied by the receptive field size (the
    /// product of the kernel dimensions), as PyTorch computes it.
    public static func fans(_ t: Tensor) throws -> (fanIn: Int, fanOut: Int) {
        guard t.ndim >= 2 else {
            throw TensorError("init", "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
        }
        let receptive = t.shape.dropFirst(2).reduce(1, *)
        return (t.shape[1] * receptive, t.shape[0] * receptive)
    }

    /// Fills `t` from N(0, std^2) with std = gain / sqrt(fan), gain from
    /// `calculateGain(nonlinearity, a)` and fan the fan_in or fan_out (`mode`).
    @discardableResult
    public static func kaimingNormal(_ t: Tensor, a: Double = 0, mode: String = "fan_in",
                                     nonlinearity: String = "leaky_relu", generator: Generator = .global) throws -> Tensor {
        if t.count == 0 { return t }   // PyTorch: initialising a zero-element tensor is a no-op
        let std = try kaimingStd(t, a: a, mode: mode, nonlinearity: nonlinearity, op: "kaiming_normal_")
        return try normal(t, mean: 0, std: std, generator: generator)
    }

    /// Fills `t` from U(-bound, bound) with bound = sqrt(3) * gain / sqrt(fan) (the
    /// uniform distribution with the std of `kaimingNormal`).
    @discardableResult
    public static func kaimingUniform(_ t: Tensor, a: Double = 0, mode: String = "fan_in",
                                      nonlinearity: String = "leaky_relu", generator: Generator = .global) throws -> Tensor {
        if t.count == 0 { return t }
        let std = try kaimingStd(t, a: a, mode: mode, nonlinearity: nonlinearity, op: "kaiming_uniform_")
        let bound = 3.0.squareRoot() * std
        return try uniform(t, a: -bound, b: bound, generator: generator)
    }

    /// Fills `t` from U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)) (Glorot & Bengio).
    @discardableResult
    public static func xavierUniform(_ t: Tensor, gain: Double = 1, generator: Generator = .global) throws -> Tensor {
        let (fanIn, fanOut) = try fans(t)
        let std = gain * (2.0 / Double(fanIn + fanOut)).squareRoot()
        let bound = 3.0.squareRoot() * std
        return try uniform(t, a: -bound, b: bound, generator: generator)
    }

    /// Fills `t` from N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out)).
    @discardableResult
    public static func xavierNormal(_ t: Tensor, gain: Double = 1, generator: Generator = .global) throws -> Tensor {
        let (fanIn, fanOut) = try fans(t)
        let std = gain * (2.0 / Double(fanIn + fanOut)).squareRoot()
        return try normal(t, mean: 0, std: std, generator: generator)
    }

    /// Fills `t` from N(mean, std^2).
    @discardableResult
    public static func normal(_ t: Tensor, mean: Double = 0, std: Double = 1, generator: Generator = .global) throws -> Tensor {
        guard std >= 0 else { throw TensorError("normal_", "expects std >= 0.0, but found std \(std)") }
        return try fill(t, op: "normal_") { _ in mean + std * generator.normal() }
    }

    /// Fills `t` from U(a, b).
    @discardableResult
    public static func uniform(_ t: Tensor, a: Double = 0, b: Double = 1, generator: Generator = .global) throws -> Tensor {
        guard a <= b else {
            throw TensorError("uniform_", "expects to return a [from, to) range, but found from=\(a) > to=\(b)")
        }
        // float64 draws a double per element (53 random bits), as PyTorch's double fill.
        return try fill(t, op: "uniform_") { double in a + (b - a) * (double ? generator.uniformDouble() : Double(generator.uniform())) }
    }

    /// Fills `t` with `v` (any dtype; converted as `fill` converts).
    @discardableResult
    public static func constant(_ t: Tensor, _ v: Double) throws -> Tensor {
        try withNoGrad { try t.fill(v) }
        return t
    }

    /// Fills `t` with zeros.
    @discardableResult
    public static func zeros(_ t: Tensor) throws -> Tensor { try constant(t, 0) }

    /// Fills `t` with ones.
    @discardableResult
    public static func ones(_ t: Tensor) throws -> Tensor { try constant(t, 1) }

    /// PyTorch's default initialisation of `nn.Linear` (weight [out, in], bias [out]):
    /// weight = kaiming_uniform(a = sqrt(5)), i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in)),
    /// and bias from U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (0 bound when fan_in = 0).
    public static func defaultLinear(weight: Tensor, bias: Tensor?, generator: Generator = .global) throws {
        try kaimingUniform(weight, a: 5.0.squareRoot(), generator: generator)
        if let bias {
            let (fanIn, _) = try fans(weight)
            let bound = fanIn > 0 ? 1 / Double(fanIn).squareRoot() : 0
            try uniform(bias, a: -bound, b: bound, generator: generator)
        }
    }

    /// PyTorch's default initialisation of `nn.Conv2d` and the other convolutions
    /// (weight [out, in / groups, k...], bias [out]): the same rule as `defaultLinear`
    /// with fan_in = in / groups * prod(k).
    public static func defaultConv(weight: Tensor, bias: Tensor?, generator: Generator = .global) throws {
        try defaultLinear(weight: weight, bias: bias, generator: generator)
    }

    private static func kaimingStd(_ t: Tensor, a: Double, mode: String, nonlinearity: String, op: String) throws -> Double {
        let m = mode.lowercased()
        guard m == "fan_in" || m == "fan_out" else {
            throw TensorError(op, "Mode \(mode) not supported, please use one of fan_in, fan_out")
        }
        let (fanIn, fanOut) = try fans(t)
        let fan = m == "fan_in" ? fanIn : fanOut
        let gain = try calculateGain(nonlinearity, param: a)
        return gain / Double(fan).squareRoot()
    }

    /// Writes `sample(isDouble)` into every element of the floating-point tensor `t`, in
    /// row-major order, under no-grad: float64 tensors get the double samples unrounded
    /// (`isDouble` true), the others float32 ones (half tensors rounded once more);
    /// directly when `t` is contiguous float32 / float64, else through `assign`.
    private static func fill(_ t: Tensor, op: String, _ sample: (_ isDouble: Bool) -> Double) throws -> Tensor {
        guard t.dtype.isFloatingPoint else {
            throw TensorError(op, "expected a floating-point tensor, got \(t.dtype)")
        }
        let n = t.count
        if t.dtype == .float64 {
            let target = t.isContiguous ? t : Tensor(uninitialized: t.shape, dtype: .float64)
            let p = target.doublePointer
            for i in 0..<n { p[i] = sample(true) }
            if target !== t { try withNoGrad { try t.assign(target) } }
            return t
        }
        let target = t.isContiguous && t.dtype == .float32 ? t : Tensor(uninitialized: t.shape)
        let p = target.floatPointer
        for i in 0..<n { p[i] = Float(sample(false)) }
        if target !== t { try withNoGrad { try t.assign(target) } }
        return t
    }
}
