import XCTest
import VisTensor

/// Finite-difference gradient checking for the recurrent ops (the checker of
/// Tests/VisTensorTests/GradCheck.swift, under its own name so that other helpers in
/// this target do not clash with it).
///
/// For float32 leaf inputs x_1..x_k and a function `f` producing a float32 tensor, it
/// compares the autograd gradient of
///
///     L(x) = sum(f(x) * R)
///
/// with central differences of L, R being fixed pseudo-random weights of f's output
/// shape (entries in ±[0.5, 1.5]), so every output element counts separately.
///
/// Numerics: f runs in float32; L is accumulated in Double; the step is the one actually
/// applied after rounding `x ± eps` to float32.
///
/// Tolerance (defaults): pass when |analytic - numeric| <= atol + rtol * |numeric| with
/// atol = rtol = 5e-3 and eps = 1e-2:
/// - rounding: float32 outputs carry ~1e-6 relative error; for |L| up to ~10 that is
///   ~1e-5 in L, i.e. ~5e-4 in the difference quotient;
/// - truncation: eps^2 / 6 * |L'''| ~ 2e-5 * |L'''|; sigmoid and tanh have third
///   derivatives below 1 and the weights (±0.7) keep their compositions tame, so over a
///   few steps and two layers |L'''| stays of order 10;
/// - a wrong backward rule (a gate's derivative, a missing carry between steps, the
///   reverse direction's time order, a gradient sent to the wrong gate block) is off by
///   O(0.1-1), far outside 5e-3.
enum RecurrentGradCheck {
    /// Asserts that the autograd gradients of `f` at `inputs` match finite differences.
    static func assertGradients(_ inputs: [Tensor], eps: Float = 1e-2, atol: Double = 5e-3, rtol: Double = 5e-3,
                                file: StaticString = #filePath, line: UInt = #line,
                                _ f: ([Tensor]) throws -> Tensor) {
        do {
            let problems = try mismatches(inputs, eps: eps, atol: atol, rtol: rtol, f)
            for p in problems { XCTFail("gradcheck: " + p, file: file, line: line) }
        } catch {
            XCTFail("gradcheck: \(error)", file: file, line: line)
        }
    }

    /// One line per problem found (empty when the gradients match).
    static func mismatches(_ inputs: [Tensor], eps: Float, atol: Double, rtol: Double,
                           _ f: ([Tensor]) throws -> Tensor) throws -> [String] {
        for (k, x) in inputs.enumerated() {
            guard x.dtype == .float32, x.isContiguous, x.isLeaf else {
                return ["input \(k) must be a contiguous float32 leaf"]
            }
            if !x.requiresGrad { try x.setRequiresGrad() }
            x.grad = nil
        }
        defer { for x in inputs { x.grad = nil } }

        let out = try f(inputs)
        guard out.dtype == .float32 else { return ["f must return a float32 tensor, got \(out.dtype)"] }
        guard out.requiresGrad else { return ["the output does not require grad, so no graph was recorded"] }
        let r = weights(out.shape)
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
        if withGrad != noGrad { problems.append("forward differs between grad and no_grad mode") }

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

    /// The fixed weights R: entries in ±[0.5, 1.5] from a private generator.
    static func weights(_ shape: [Int]) -> Tensor {
        let g = Generator(seed: 0xC0FFEE)
        let n = Shape.numel(shape)
        var values = [Float](repeating: 0, count: n)
        for i in 0..<n {
            let magnitude = 0.5 + g.uniform()
            values[i] = g.uniform() < 0.5 ? -magnitude : magnitude
        }
        return (try? Tensor(values, shape: shape)) ?? Tensor.full(shape, 1)
    }
}
