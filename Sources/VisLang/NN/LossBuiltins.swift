import VisNN
import VisTensor

/// A loss as a callable object (`CrossEntropyLoss()`), for code that passes a
/// criterion around.
final class LossObject: CallableObject {
    let typeName: String
    let settings: String
    let body: (Tensor, Tensor) throws -> Tensor
    init(_ typeName: String, settings: String, _ body: @escaping (Tensor, Tensor) throws -> Tensor) {
        self.typeName = typeName
        self.settings = settings
        self.body = body
    }
    func member(_ name: String) throws -> Value? { CriterionMembers.member(self, typeName, name) }
    var memberNames: [String] { CriterionMembers.names }
    var repr: String { "\(typeName)(\(settings))" }
    func call(_ args: Arguments, _ runtime: Runtime) throws -> Value {
        guard args.positional.count == 2, args.keywords.isEmpty else {
            throw NativeError("\(typeName) takes (input, target), got \(args.positional.count) arguments")
        }
        return .tensor(try body(Convert.tensor(args.positional[0], context: "\(typeName) input"),
                                Convert.tensor(args.positional[1], context: "\(typeName) target")))
    }
}

/// The losses (LIBRARY.md "Losses") as functions and as classes.
enum LossBuiltins {
    static let reduction = Param("reduction", .string, default: .string("mean"))

    /// Declares `name(input, target, <extra>)` and its class form `ClassName(<extra>)`.
    static func both(_ t: inout BuiltinTable, _ name: String, _ className: String, _ extra: [Param], _ doc: String,
                     _ compute: @escaping (Tensor, Tensor, BoundArguments) throws -> Tensor) {
        t.function(name, [Param("input", .tensor), Param("target", .tensorLike)] + extra, "\(name)(input, target, ...): \(doc)") { a, _ in
            .tensor(try compute(a.tensor("input"), a.tensor("target"), a))
        }
        t.function(className, extra, "\(className)(...): the class form of \(name), called as criterion(input, target).") { a, _ in
            let shown = zip(extra, a.values).filter { p, v in !(p.defaultValue.map { (try? ValueOps.equal($0, v)) ?? false } ?? false) }
                .map { "\($0.0.name)=\(Repr.repr($0.1))" }.joined(separator: ", ")
            return .object(LossObject(className, settings: shown) { x, y in try compute(x, y, a) })
        }
    }

    static func add(to t: inout BuiltinTable) {
        typealias N = NNBuiltins
        both(&t, "cross_entropy", "CrossEntropyLoss",
             [Param("weight", .optional(.tensor), default: Value.none), Param("ignore_index", .int, default: .int(-100)), reduction,
              Param("label_smoothing", .float, default: .float(0))],
             "softmax cross-entropy from logits [N, C] (or [N, C, H, W]) and int64 class targets [N] (or [N, H, W]); fused log-softmax + NLL.") { x, y, a in
            try Functional.crossEntropy(x, y, weight: a.optionalTensor("weight"), ignoreIndex: a.int("ignore_index"), labelSmoothing: a.double("label_smoothing"), reduction: N.reduction(a))
        }
        both(&t, "nll_loss", "NLLLoss", [Param("weight", .optional(.tensor), default: Value.none), Param("ignore_index", .int, default: .int(-100)), reduction],
             "negative log-likelihood of log-probabilities and int64 class targets.") { x, y, a in
            try Functional.nllLoss(x, y, weight: a.optionalTensor("weight"), ignoreIndex: a.int("ignore_index"), reduction: N.reduction(a))
        }
        both(&t, "mse_loss", "MSELoss", [reduction], "mean squared error.") { x, y, a in
            try Functional.mseLoss(x, y, reduction: N.reduction(a))
        }
        both(&t, "l1_loss", "L1Loss", [reduction], "mean absolute error.") { x, y, a in
            try Functional.l1Loss(x, y, reduction: N.reduction(a))
        }
        both(&t, "smooth_l1_loss", "SmoothL1Loss", [reduction, Param("beta", .float, default: .float(1.0))], "Huber-like loss: quadratic below beta, linear above.") { x, y, a in
            try Functional.smoothL1Loss(x, y, beta: a.double("beta"), reduction: N.reduction(a))
        }
        both(&t, "binary_cross_entropy", "BCELoss", [Param("weight", .optional(.tensor), default: Value.none), reduction],
             "binary cross-entropy of probabilities in [0, 1].") { x, y, a in
            try Functional.binaryCrossEntropy(x, y, weight: a.optionalTensor("weight"), reduction: N.reduction(a))
        }
        both(&t, "binary_cross_entropy_with_logits", "BCEWithLogitsLoss",
             [Param("weight", .optional(.tensor), default: Value.none), reduction, Param("pos_weight", .optional(.tensor), default: Value.none)],
             "binary cross-entropy from logits, computed stably.") { x, y, a in
            try Functional.binaryCrossEntropyWithLogits(x, y, weight: a.optionalTensor("weight"), posWeight: a.optionalTensor("pos_weight"), reduction: N.reduction(a))
        }
        both(&t, "kl_div", "KLDivLoss", [reduction, Param("log_target", .bool, default: .bool(false))],
             "Kullback-Leibler divergence; input is log-probabilities (reduction \"batchmean\" divides by the batch size).") { x, y, a in
            try Functional.klDiv(x, y, reduction: Functional.KLDivReduction.parse(a.string("reduction")), logTarget: a.bool("log_target"))
        }
        t.function("dice_loss", [Param("probs", .tensor), Param("target", .tensorLike), Param("smooth", .float, default: .float(1.0))],
                   "dice_loss(probs, target, smooth=1.0): 1 - (2 sum(p t) + smooth) / (sum(p) + sum(t) + smooth).") { a, _ in
            .tensor(try Functional.diceLoss(a.tensor("probs"), a.tensor("target"), smooth: a.double("smooth")))
        }
        t.function("contrastive_loss", [Param("a", .tensor), Param("b", .tensor), Param("same", .tensorLike), Param("margin", .float, default: .float(1.0)), reduction],
                   "contrastive_loss(a, b, same, margin=1.0, reduction=\"mean\"): same * d^2 + (1 - same) * max(margin - d, 0)^2 on euclidean distances, then reduction.") { a, _ in
            .tensor(try Functional.contrastiveLoss(a.tensor("a"), a.tensor("b"), a.tensor("same"), margin: a.double("margin"), reduction: N.reduction(a)))
        }
    }
}
