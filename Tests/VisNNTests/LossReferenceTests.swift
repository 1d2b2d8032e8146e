import Foundation
import XCTest
import VisNN
import VisTensor

/// Every loss against PyTorch: Fixtures/loss/cases.json lists the cases written by
/// Fixtures/make_loss_reference.py (a grid of weight, ignore_index, label_smoothing,
/// reductions, per-pixel and probability targets, pos_weight, log_target, beta, ...),
/// with the inputs, the upstream gradient, and torch's loss and input/target
/// gradients as .npy files.
///
/// Tolerance: |vis - torch| <= 1e-5 * |torch| + 1e-6 for every value. The references
/// are exact (float64 from the same float32 inputs); vis computes in float32 (unit
/// roundoff 6e-8) with a log-sum-exp, a few products and a Double-accumulated sum per
/// value, so a correct result is within ~1e-6 relative. The absolute 1e-6 covers
/// values that cancel to near zero (a gradient p - q with p close to q). Gradients of
/// 1e12 (bce_edges: PyTorch's 1 / max(p (1 - p), 1e-12) at p = 0 or 1) and logits of
/// 120 (ce_large_logits) need nothing looser. Measured worst case: 0.2 of the
/// tolerance (printed by the test).
final class LossReferenceTests: XCTestCase {
    struct Case: Decodable {
        let name: String
        let op: String
        let params: [String: Param]
        let inputs: [String: String]
        let grads: [String]
    }

    /// A parameter value: a number, a string or a bool.
    enum Param: Decodable {
        case number(Double), string(String), bool(Bool)
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let b = try? c.decode(Bool.self) { self = .bool(b) } else if let d = try? c.decode(Double.self) {
                self = .number(d)
            } else { self = .string(try c.decode(String.self)) }
        }
        var number: Double? { if case .number(let d) = self { return d } else { return nil } }
        var string: String? { if case .string(let s) = self { return s } else { return nil } }
        var bool: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    }

    struct Manifest: Decodable { let cases: [Case] }

    static let rtol: Float = 1e-5
    static let atol: Float = 1e-6

    func load(_ stem: String) throws -> Tensor {
        let url = try XCTUnwrap(Bundle.module.url(forResource: stem, withExtension: "npy", subdirectory: "Fixtures/loss"),
                                "Fixtures/loss/\(stem).npy is missing")
        return try Tensor.loadNPY(path: url.path)
    }

    func run(_ c: Case, _ t: [String: Tensor]) throws -> Tensor {
        let p = c.params
        let input = try XCTUnwrap(t["input"]), target = try XCTUnwrap(t["target"])
        let name = p["reduction"]?.string ?? "mean"
        let reduction = c.op == "kl_div" ? .mean : try Functional.Reduction.parse(name, op: c.op)
        switch c.op {
        case "cross_entropy":
            return try Functional.crossEntropy(input, target, weight: t["weight"],
                                               ignoreIndex: Int(p["ignore_index"]?.number ?? -100),
                                               labelSmoothing: p["label_smoothing"]?.number ?? 0, reduction: reduction)
        case "nll_loss":
            return try Functional.nllLoss(input, target, weight: t["weight"],
                                          ignoreIndex: Int(p["ignore_index"]?.number ?? -100), reduction: reduction)
        case "mse_loss": return try Functional.mseLoss(input, target, reduction: reduction)
        case "l1_loss": return try Functional.l1Loss(input, target, reduction: reduction)
        case "smooth_l1_loss":
            return try Functional.smoothL1Loss(input, target, beta: p["beta"]?.number ?? 1, reduction: reduction)
        case "binary_cross_entropy":
            return try Functional.binaryCrossEntropy(input, target, weight: t["weight"], reduction: reduction)
        case "binary_cross_entropy_with_logits":
            return try Functional.binaryCrossEntropyWithLogits(input, target, weight: t["weight"],
                                                               posWeight: t["pos_weight"], reduction: reduction)
        case "kl_div":
            return try Functional.klDiv(input, target,
                                        reduction: Functional.KLDivReduction.parse(name),
                                        logTarget: p["log_target"]?.bool ?? false)
        case "kl_distillation":
            // Seed 002: nn.KLDivLoss()(torch.log(student_prob), teacher_prob) * T ** 2.
            let T = p["temperature"]?.number ?? 2
            let student = try input.div(T).softmax(dim: 1), teacher = try target.div(T).softmax(dim: 1)
            return try Functional.klDiv(student.log(), teacher).mul(T * T)
        case "dice_loss": return try Functional.diceLoss(input, target, smooth: p["smooth"]?.number ?? 1)
        case "contrastive_loss":
            return try Functional.contrastiveLoss(input, target, XCTUnwrap(t["same"]), margin: p["margin"]?.number ?? 1)
        default: throw TensorError("reference", "unknown op \(c.op)")
        }
    }

    /// The largest share of its tolerance any compared value used, and where.
    var worstShare: (Float, String) = (0, "")
    var compared = 0

    func assertClose(_ actual: Tensor, _ expected: Tensor, _ what: String, atol: Float) {
        XCTAssertEqual(actual.shape, expected.shape, "\(what): shape")
        let a = actual.toFloatArray(), e = expected.toFloatArray()
        guard a.count == e.count else { return }
        var worst: (Int, Float, Float)? = nil
        for i in 0..<a.count {
            compared += 1
            if a[i].isNaN && e[i].isNaN { continue }
            let share = Swift.abs(a[i] - e[i]) / (Self.rtol * Swift.abs(e[i]) + atol)
            if share > worstShare.0 { worstShare = (share, "\(what)[\(i)]") }
            if !(Swift.abs(a[i] - e[i]) <= Self.rtol * Swift.abs(e[i]) + atol) { worst = worst ?? (i, a[i], e[i]) }
        }
        if let (i, x, y) = worst { XCTFail("\(what): element \(i) is \(x), torch says \(y)") }
    }

    func testEveryLossMatchesPyTorch() throws {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "cases", withExtension: "json", subdirectory: "Fixtures/loss"))
        let cases = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: url)).cases
        XCTAssertGreaterThan(cases.count, 90)
        for c in cases {
            var tensors: [String: Tensor] = [:]
            for (role, stem) in c.inputs {
                let t = try load(stem)
                if c.grads.contains(role) { try t.setRequiresGrad() }
                tensors[role] = t
            }
            let atol = Self.atol
            do {
                let loss = try run(c, tensors)
                assertClose(loss, try load(c.name + ".loss"), "\(c.name) loss", atol: atol)
                try loss.backward(load(c.name + ".grad_output"))
                for role in c.grads {
                    let grad = try XCTUnwrap(tensors[role]?.grad, "\(c.name): no gradient for \(role)")
                    assertClose(grad, try load("\(c.name).grad_\(role)"), "\(c.name) grad_\(role)", atol: atol)
                }
            } catch {
                XCTFail("\(c.name): \(error)")
            }
        }
        print("loss references: \(cases.count) cases, \(compared) values; worst: \(worstShare.1) used \(worstShare.0) of its tolerance")
    }
}
