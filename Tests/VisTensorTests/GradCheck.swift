import XCTest
@testable import VisTensor

/// Finite-difference gradient checking for any differentiable op.
///
/// For float32 leaf inputs x_1..x_k and a function `f` producing a float32 tensor, the
/// checker compares the autograd gradient of
///
///     L(x) = sum(f(x) * R)
///
/// with central differences of L, where R is a fixed pseudo-random weight tensor of f's
/// output shape (entries in ±[0.5, 1.5]). Weighting by R makes every output element
/// count separately, so a non-scalar output is checked in full rather than only through
/// its plain sum (which would hide, e.g., a gradient permuted across elements).
///
/// Numerics: f runs in float32 as it always does; L is accumulated in Double from f's
/// float32 outputs, and the step is the one actually applied after rounding `x ± eps`
/// to float32: numeric = (L(x+) - L(x-)) / (x+ - x-).
///
/// Tolerance (defaults): pass when |analytic - numeric| <= atol + rtol * |numeric| with
/// atol = 5e-3, rtol = 5e-3 and eps = 1e-2. Why that is both safe and sharp:
/// - rounding: a float32 forward pass has a relative error of a few ulps (~1e-6) per
///   output; for |L| up to ~10 that is ~1e-5 in L, i.e. ~1e-5 / (2 * 1e-2) = 5e-4 in the
///   difference quotient;
/// - truncation: the central difference is off by eps^2 / 6 * |L'''| ~ 2e-5 * |L'''|,
///   below 2e-3 for the smooth functions and moderate inputs the tests use (inputs are
///   kept away from kinks such as |x| and relu at 0, and from ties in max/min);
/// - measured: the worst check in this suite uses 5% of the tolerance (1.5e-3 off at a
///   gradient of 5.2: truncation error);
/// - a wrong backward rule (wrong sign, missing factor, missing broadcast sum, gradient
///   sent to the wrong element) is off by O(1), far outside 5e-3.
/// Callers may pass their own eps/atol/rtol where an op needs it, and say why.
func assertGradientsMatch(_ inputs: [Tensor],
                          eps: Float = 1e-2, atol: Double = 5e-3, rtol: Double = 5e-3,
                          file: StaticString = #filePath, line: UInt = #line,
                          _ f: ([Tensor]) throws -> Tensor) {
    do {
        let problems = try gradientMismatches(inputs, eps: eps, atol: atol, rtol: rtol, f)
        for p in problems { XCTFail("gradcheck: " + p, file: file, line: line) }
    } catch {
        XCTFail("gradcheck: \(error)", file: file, line: line)
    }
}

/// The checking behind `assertGradientsMatch`: returns one line per problem found
/// (empty when the gradients match), so that the checker itself can be tested.
func gradientMismatches(_ inputs: [Tensor], eps: Float = 1e-2, atol: Double = 5e-3, rtol: Double = 5e-3,
                        _ f: ([Tensor]) throws -> Tensor) throws -> [String] {
    for (k, x) in inputs.enumerated() {
        guard x.dtype == .float32, x.isContiguous, x.isLeaf else {
            return ["input \(k) must be a contiguous float32 leaf"]
        }
        if !x.requiresGrad { try x.setRequiresGrad() }
        x.grad = nil
    }
    defer { for x in inputs { x.grad = nil } }

    // Analytic gradients.
    let out = try f(inputs)
    guard out.dtype == .float32 else { return ["f must return a float32 tensor, got \(out.dtype)"] }
    guard out.requiresGrad else { return ["the output does not require grad, so no graph was recorded"] }
    let r = gradCheckWeights(out.shape)
    let rD = r.toDoubleArray()
    try out.mul(r).sum().backward()

    func lossValue() throws -> Double {
        try withNoGrad {
            let o = try f(inputs)
            guard o.shape == out.shape else {
                throw TensorError("gradcheck", "f returned shape \(shapeString(o.shape)) under no_grad, \(shapeString(out.shape)) with grad")
            }
            let v = o.toDoubleArray()
            var s = 0.0
            for i in 0..<v.count { s += v[i] * rD[i] }
            return s
        }
    }

    var problems: [String] = []
    // The forward pass must not depend on whether the graph is recorded.
    let withGrad = out.toDoubleArray()
    let noGrad = try withNoGrad { try f(inputs) }.toDoubleArray()
    if withGrad != noGrad { problems.append("forward differs between grad and no_grad mode: \(withGrad) vs \(noGrad)") }

    for (k, x) in inputs.enumerated() {
        guard let g = x.grad else {
            problems.append("input \(k) received no gradient")
            continue
        }
        guard g.shape == x.shape else {
            problems.append("gradient of input \(k) has shape \(shapeString(g.shape)), input has \(shapeString(x.shape))")
            continue
        }
        let analytic = g.toDoubleArray()
        let p = x.floatPointer
        var failures: [String] = []
        for j in 0..<x.count {
            let original = p[j]
            let plus = original + eps, minus = original - eps
            p[j] = plus
            let lPlus = try lossValue()
            p[j] = minus
            let lMinus = try lossValue()
            p[j] = original
            let numeric = (lPlus - lMinus) / (Double(plus) - Double(minus))
            let diff = Swift.abs(analytic[j] - numeric)
            if !(diff <= atol + rtol * Swift.abs(numeric)) {
                failures.append("element \(j): analytic \(analytic[j]), numeric \(numeric)")
            }
        }
        if !failures.isEmpty {
            problems.append("input \(k) (shape \(shapeString(x.shape))): \(failures.count) of \(x.count) gradients differ; "
                            + failures.prefix(6).joined(separator: "; "))
        }
    }
    return problems
}

/// The fixed weights R of `assertGradientsMatch`: entries in ±[0.5, 1.5] from a private
/// generator (the global one is left alone), so every output element has a distinct,
/// non-negligible weight.
func gradCheckWeights(_ shape: [Int]) -> Tensor {
    let g = Generator(seed: 0xC0FFEE)
    let n = Shape.numel(shape)
    var values = [Float](repeating: 0, count: n)
    for i in 0..<n {
        let magnitude = 0.5 + g.uniform()
        values[i] = g.uniform() < 0.5 ? -magnitude : magnitude
    }
    // Shape and count agree by construction.
    return (try? Tensor(values, shape: shape)) ?? Tensor.full(shape, 1)
}
