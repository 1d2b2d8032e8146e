import VisNN
import VisTensor

/// A loss or distance class with any number of inputs (`nn.TripletMarginLoss()`,
/// `nn.CosineSimilarity()`), called as `criterion(a, b, ...)` with PyTorch's forward
/// arguments.
final class CriterionObject: CallableObject {
    let typeName: String
    let settings: String
    let inputs: [String]
    let body: ([Tensor]) throws -> Tensor
    init(_ typeName: String, settings: String, inputs: [String], _ body: @escaping ([Tensor]) throws -> Tensor) {
        self.typeName = typeName
        self.settings = settings
        self.inputs = inputs
        self.body = body
    }
    func member(_ name: String) throws -> Value? { CriterionMembers.member(self, typeName, name) }
    var memberNames: [String] { CriterionMembers.names }
    var repr: String { "\(typeName)(\(settings))" }
    func call(_ args: Arguments, _ runtime: Runtime) throws -> Value {
        guard args.positional.count == inputs.count, args.keywords.isEmpty else {
            throw NativeError("\(typeName) takes (\(inputs.joined(separator: ", "))), got \(args.positional.count) positional and \(args.keywords.count) keyword arguments")
        }
        return .tensor(try body(CriterionBuiltins.numbersAsFull(args.positional, inputs, typeName)))
    }
}

/// torch.nn's other losses and distances as functions (`F.huber_loss`) and classes
/// (`nn.HuberLoss`), with PyTorch's arguments and order (LIBRARY.md "Losses"); also the
/// classes of vis's own dice_loss and contrastive_loss.
enum CriterionBuiltins {
    static let reduction = LossBuiltins.reduction
    /// PyTorch's deprecated `size_average` / `reduce`, kept so that positional arguments
    /// after them land where PyTorch puts them; giving one is an error.
    static let legacy = [Param("size_average", .any, default: Value.none), Param("reduce", .any, default: Value.none)]

    /// Declares `function(inputs..., extra...)` and `ClassName(extra...)` whose objects
    /// take the inputs.
    /// `functionOnly` are parameters only the function has (F.huber_loss's weight).
    static func criterion(_ t: inout BuiltinTable, _ function: String, _ className: String, inputs: [Param], _ extra: [Param],
                          functionOnly: [Param] = [], _ doc: String, example: String, classExample: String,
                          _ compute: @escaping ([Tensor], BoundArguments) throws -> Tensor) {
        // The help line lists every parameter (size_average and reduce too: their slots are real).
        let signature = extra.map(ActivationBuiltins.shown).joined(separator: ", ")
        let functionSignature = (extra + functionOnly).map(ActivationBuiltins.shown).joined(separator: ", ")
        t.function(function, inputs + extra + functionOnly, "\(function)(\(inputs.map(\.name).joined(separator: ", "))\(functionSignature.isEmpty ? "" : ", " + functionSignature)): \(doc)\n  \(example)") { a, _ in
            try checkLegacy(a)
            return .tensor(try compute(try numbersAsFull(inputs.map { a[$0.name] }, inputs.map(\.name), function), a))
        }
        t.function(className, extra, "\(className)(\(signature)): the class form of \(function), called as criterion(\(inputs.map(\.name).joined(separator: ", "))).\n  \(classExample)") { a, _ in
            try checkLegacy(a)
            let shown = zip(extra, a.values).filter { p, v in
                p.name != "size_average" && p.name != "reduce" && !(p.defaultValue.map { (try? ValueOps.equal($0, v)) ?? false } ?? false)
            }.map { "\($0.0.name)=\(Repr.repr($0.1))" }.joined(separator: ", ")
            return .object(CriterionObject(className, settings: shown, inputs: inputs.map(\.name)) { xs in try compute(xs, a) })
        }
    }

    /// The inputs as tensors. gaussian_nll_loss's `var` may be a number, meaning that
    /// variance everywhere (PyTorch: var * ones_like(input)); a negative one is an error.
    static func numbersAsFull(_ values: [Value], _ names: [String], _ fn: String) throws -> [Tensor] {
        var out: [Tensor] = []
        for (v, name) in zip(values, names) {
            var number: Double?
            switch v {
            case .int(let i): number = Double(i)
            case .float(let d): number = d
            default: number = nil
            }
            if name == "var", let number, !out.isEmpty {
                guard number >= 0 else { throw NativeError("\(fn): var has negative entry/entries (var=\(Repr.repr(v)))") }
                out.append(Tensor.full(out[0].shape, number, dtype: out[0].dtype == .float64 ? .float64 : .float32))
                continue
            }
            out.append(try Convert.tensor(v, context: "\(fn) \(name)"))
        }
        return out
    }

    static func checkLegacy(_ a: BoundArguments) throws {
        for name in ["size_average", "reduce"] where a.params.contains(where: { $0.name == name }) && !a[name].isNone {
            throw NativeError("\(a.function): \(name) is deprecated in PyTorch and not in vis: use reduction=\"mean\", \"sum\" or \"none\"")
        }
    }

    static func add(to t: inout BuiltinTable) {
        typealias N = NNBuiltins
        typealias F = Functional
        let input = Param("input", .tensor), target = Param("target", .tensorLike)
        let x1 = Param("input1", .tensor), x2 = Param("input2", .tensor)
        let weight = Param("weight", .optional(.tensor), default: Value.none)
        criterion(&t, "huber_loss", "HuberLoss", inputs: [input, target], [reduction, Param("delta", .float, default: .float(1.0))], functionOnly: [weight],
                  "Huber's loss: 0.5 z^2 where z = |input - target| < delta, delta (z - 0.5 delta) elsewhere; delta > 0; the function's weight (input's shape) multiplies each element's loss before the reduction.",
                  example: "F.huber_loss(pred, y, delta=2.0)", classExample: "nn.HuberLoss(delta=2.0)") { x, a in
            let w = a.params.contains { $0.name == "weight" } ? try a.optionalTensor("weight") : nil
            return try F.huberLoss(x[0], x[1], delta: a.double("delta"), reduction: N.reduction(a), weight: w)
        }
        criterion(&t, "cosine_embedding_loss", "CosineEmbeddingLoss", inputs: [x1, x2, target], [Param("margin", .float, default: .float(0))] + legacy + [reduction],
                  "1 - cos(input1, input2) where target is 1, max(0, cos - margin) where it is -1; inputs [N, D] with target [N], or [D] with a 0-D target.",
                  example: "F.cosine_embedding_loss(a, b, y, margin=0.5)", classExample: "nn.CosineEmbeddingLoss(margin=0.5)") { x, a in
            try F.cosineEmbeddingLoss(x[0], x[1], x[2], margin: a.double("margin"), reduction: N.reduction(a))
        }
        criterion(&t, "margin_ranking_loss", "MarginRankingLoss", inputs: [x1, x2, target], [Param("margin", .float, default: .float(0))] + legacy + [reduction],
                  "max(0, -target (input1 - input2) + margin), target 1 (input1 should rank higher) or -1.",
                  example: "F.margin_ranking_loss(s1, s2, y, margin=0.1)", classExample: "nn.MarginRankingLoss(margin=0.1)") { x, a in
            try F.marginRankingLoss(x[0], x[1], x[2], margin: a.double("margin"), reduction: N.reduction(a))
        }
        criterion(&t, "triplet_margin_loss", "TripletMarginLoss", inputs: [Param("anchor", .tensor), Param("positive", .tensor), Param("negative", .tensor)],
                  [Param("margin", .float, default: .float(1.0)), Param("p", .float, default: .float(2)), Param("eps", .float, default: .float(1e-6)),
                   Param("swap", .bool, default: .bool(false))] + legacy + [reduction],
                  "max(0, margin + d(anchor, positive) - d(anchor, negative)), d the pairwise_distance of order p; swap uses min(d(a, n), d(p, n)).",
                  example: "F.triplet_margin_loss(a, p, n, margin=0.2)", classExample: "nn.TripletMarginLoss(margin=0.2)") { x, a in
            try F.tripletMarginLoss(x[0], x[1], x[2], margin: a.double("margin"), p: a.double("p"), eps: a.double("eps"), swap: a.bool("swap"), reduction: N.reduction(a))
        }
        criterion(&t, "poisson_nll_loss", "PoissonNLLLoss", inputs: [input, target],
                  [Param("log_input", .bool, default: .bool(true)), Param("full", .bool, default: .bool(false)), legacy[0],
                   Param("eps", .float, default: .float(1e-8)), legacy[1], reduction],
                  "Poisson negative log-likelihood: exp(input) - target input (log_input), or input - target log(input + eps); full adds Stirling's term where target > 1.",
                  example: "F.poisson_nll_loss(log_rate, counts)", classExample: "nn.PoissonNLLLoss(log_input=false)") { x, a in
            try F.poissonNLLLoss(x[0], x[1], logInput: a.bool("log_input"), full: a.bool("full"), eps: a.double("eps"), reduction: N.reduction(a))
        }
        criterion(&t, "gaussian_nll_loss", "GaussianNLLLoss", inputs: [input, target, Param("var", .tensorLike)],
                  [Param("full", .bool, default: .bool(false)), Param("eps", .float, default: .float(1e-6)), reduction],
                  "Gaussian negative log-likelihood 0.5 (log var + (input - target)^2 / var) (+ 0.5 log 2 pi with full); var clamped below at eps; var of input's shape, one dimension fewer, or a last dimension of 1.",
                  example: "F.gaussian_nll_loss(mu, y, var)", classExample: "nn.GaussianNLLLoss(full=true)") { x, a in
            try F.gaussianNLLLoss(x[0], x[1], x[2], full: a.bool("full"), eps: a.double("eps"), reduction: N.reduction(a))
        }
        criterion(&t, "soft_margin_loss", "SoftMarginLoss", inputs: [input, target], legacy + [reduction],
                  "log(1 + exp(-target input)), target 1 or -1, same shape as input.",
                  example: "F.soft_margin_loss(scores, y)", classExample: "nn.SoftMarginLoss()") { x, a in
            try F.softMarginLoss(x[0], x[1], reduction: N.reduction(a))
        }
        criterion(&t, "multilabel_margin_loss", "MultiLabelMarginLoss", inputs: [input, target], legacy + [reduction],
                  "multi-label hinge loss: input [N, C] (or [C]), int64 target of the same shape listing each sample's classes, ended by -1; sums max(0, 1 - (x[j] - x[i])) over listed j and unlisted i, divided by C.",
                  example: "F.multilabel_margin_loss(scores, tensor([[3, 0, -1, 1]]))", classExample: "nn.MultiLabelMarginLoss()") { x, a in
            try F.multilabelMarginLoss(x[0], x[1], reduction: N.reduction(a))
        }
        criterion(&t, "multilabel_soft_margin_loss", "MultiLabelSoftMarginLoss", inputs: [input, target], [weight] + legacy + [reduction],
                  "-(t log sigmoid(x) + (1 - t) log sigmoid(-x)), times weight, averaged over the C classes (last dimension); target of input's shape holding 0 / 1.",
                  example: "F.multilabel_soft_margin_loss(logits, labels)", classExample: "nn.MultiLabelSoftMarginLoss()") { x, a in
            try F.multilabelSoftMarginLoss(x[0], x[1], weight: a.optionalTensor("weight"), reduction: N.reduction(a))
        }
        criterion(&t, "multi_margin_loss", "MultiMarginLoss", inputs: [input, target],
                  [Param("p", .int, default: .int(1)), Param("margin", .float, default: .float(1.0)), weight] + legacy + [reduction],
                  "multi-class hinge loss: input [N, C] (or [C]), int64 targets [N]; sum over j != y of max(0, margin - x[y] + x[j])^p (times weight[y]) / C; p 1 or 2.",
                  example: "F.multi_margin_loss(scores, labels)", classExample: "nn.MultiMarginLoss(margin=0.5)") { x, a in
            try F.multiMarginLoss(x[0], x[1], p: a.int("p"), margin: a.double("margin"), weight: a.optionalTensor("weight"), reduction: N.reduction(a))
        }
        criterion(&t, "hinge_embedding_loss", "HingeEmbeddingLoss", inputs: [input, target], [Param("margin", .float, default: .float(1.0))] + legacy + [reduction],
                  "input where target is 1, max(0, margin - input) where target is -1 (input is usually a distance).",
                  example: "F.hinge_embedding_loss(d, y, margin=2.0)", classExample: "nn.HingeEmbeddingLoss(margin=2.0)") { x, a in
            try F.hingeEmbeddingLoss(x[0], x[1], margin: a.double("margin"), reduction: N.reduction(a))
        }
        criterion(&t, "cosine_similarity", "CosineSimilarity", inputs: [Param("x1", .tensor), Param("x2", .tensor)],
                  [Param("dim", .int, default: .int(1)), Param("eps", .float, default: .float(1e-8))],
                  "the cosine of the angle between x1 and x2 (broadcast) along dim, each norm clamped below at eps.",
                  example: "F.cosine_similarity(a, b, dim=1)", classExample: "nn.CosineSimilarity(dim=0)") { x, a in
            try F.cosineSimilarity(x[0], x[1], dim: a.int("dim"), eps: a.double("eps"))
        }
        criterion(&t, "pairwise_distance", "PairwiseDistance", inputs: [Param("x1", .tensor), Param("x2", .tensor)],
                  [Param("p", .float, default: .float(2.0)), Param("eps", .float, default: .float(1e-6)), Param("keepdim", .bool, default: .bool(false))],
                  "the p-norm of x1 - x2 + eps along the last dimension.",
                  example: "F.pairwise_distance(a, b)", classExample: "nn.PairwiseDistance(p=1.0)") { x, a in
            try F.pairwiseDistance(x[0], x[1], p: a.double("p"), eps: a.double("eps"), keepdim: a.bool("keepdim"))
        }
        // The classes of vis's own losses (their functions are LossBuiltins').
        t.function("DiceLoss", [Param("smooth", .float, default: .float(1.0))],
                   "DiceLoss(smooth=1.0): the class form of dice_loss, called as criterion(probs, target).\n  criterion = DiceLoss()") { a, _ in
            let smooth = try a.double("smooth")
            return .object(CriterionObject("DiceLoss", settings: smooth == 1 ? "" : "smooth=\(Repr.repr(a["smooth"]))", inputs: ["probs", "target"]) { xs in
                try F.diceLoss(xs[0], xs[1], smooth: smooth)
            })
        }
        t.function("ContrastiveLoss", [Param("margin", .float, default: .float(1.0)), reduction],
                   "ContrastiveLoss(margin=1.0, reduction=\"mean\"): the class form of contrastive_loss, called as criterion(a, b, same).\n  criterion = ContrastiveLoss(margin=2.0)") { a, _ in
            let margin = try a.double("margin"), r = try N.reduction(a)
            let shown = [margin == 1 ? nil : "margin=\(Repr.repr(a["margin"]))", r == .mean ? nil : "reduction=\(Repr.repr(a["reduction"]))"].compactMap { $0 }.joined(separator: ", ")
            return .object(CriterionObject("ContrastiveLoss", settings: shown, inputs: ["a", "b", "same"]) { xs in
                try F.contrastiveLoss(xs[0], xs[1], xs[2], margin: margin, reduction: r)
            })
        }
    }
}
