import XCTest
import VisNN
import VisTensor

/// Finite-difference gradient checking for the losses (adapted from VisTensorTests'
/// GradCheck.swift, under its own name so other checkers in this target do not clash).
///
/// For float32 leaf inputs x_1..x_k and a loss `f`, the checker compares the autograd
/// gradient of L(x) = sum(f(x) * R) with central differences of L, where R is a fixed
/// pseudo-random weight tensor of f's output shape (entries in ±[0.5, 1.5]), so that
/// every element of an unreduced loss is checked separately. L is accumulated in
/// Double from f's float32 outputs, and the step is the one actually applied after
/// rounding x ± eps to float32.
///
/// Tolerance (defaults): |analytic - numeric| <= atol + rtol * |numeric| with
/// atol = rtol = 5e-3 and eps = 1e-2. Float32 rounding of a loss of size ~10 moves the
/// difference quotient by ~1e-5 / 2e-2 = 5e-4; the central difference's truncation
/// error, eps^2 / 6 * |L'''|, stays below 2e-3 for the smooth losses and moderate
/// inputs the tests use (inputs are kept away from kinks: |x - t| = 0 for L1, the
/// beta boundary of smooth L1, d = margin for the contrastive loss). A wrong rule
/// (sign, factor, normaliser, a gradient sent to the wrong class) is off by O(1).
enum LossGradCheck {
    static func assertGradients(_ inputs: [Tensor], eps: Float = 1e-2, atol: Double = 5e-3, rtol: Double = 5e-3,
                                file: StaticString = #filePath, line: UInt = #line,
                                _ f: ([Tensor]) throws -> Tensor) {
        do {
            for p in try mismatches(inputs, eps: eps, atol: atol, rtol: rtol, f) {
                XCTFail("gradcheck: " + p, file: file, line: line)
            }
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
        guard out.requiresGrad else { return ["the output does not require grad, so no graph was recorded"] }
        let r = weights(out.shape)
        let rD = r.toDoubleArray()
        try out.mul(r).sum().backward()

        func lossValue() throws -> Double {
            try withNoGrad {
                let v = try f(inputs).toDoubleArray()
                var s = 0.0
                for i in 0..<v.count { s += v[i] * rD[i] }
                return s
            }
        }

        var problems: [String] = []
        let withGrad = out.toDoubleArray()
        let noGrad = try withNoGrad { try f(inputs) }.toDoubleArray()
        if withGrad != noGrad { problems.append("forward differs between grad and no_grad mode") }

        for (k, x) in inputs.enumerated() {
            guard let g = x.grad, g.shape == x.shape else {
                problems.append("input \(k) received no gradient of its shape")
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
                if !(Swift.abs(analytic[j] - numeric) <= atol + rtol * Swift.abs(numeric)) {
                    failures.append("element \(j): analytic \(analytic[j]), numeric \(numeric)")
                }
            }
            if !failures.isEmpty {
                problems.append("input \(k) (shape \(x.shape)): \(failures.count) of \(x.count) gradients differ; "
                                + failures.prefix(6).joined(separator: "; "))
            }
        }
        return problems
    }

    /// The fixed weights R: entries in ±[0.5, 1.5] from a private generator.
    static func weights(_ shape: [Int]) -> Tensor {
        let g = Generator(seed: 0xC0FFEE)
        var values: [Float] = []
        for _ in 0..<Shape.numel(shape) {
            let magnitude = 0.5 + g.uniform()
            values.append(g.uniform() < 0.5 ? -magnitude : magnitude)
        }
        return (try? Tensor(values, shape: shape)) ?? Tensor.full(shape, 1)
    }
}
