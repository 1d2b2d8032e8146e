import VisNN
import VisTensor

/// A confusion matrix as a .vis value: prints as an aligned table with class names;
/// `.matrix` is the int64 [C, C] tensor (rows true, columns predicted).
public final class ConfusionMatrixObject: NativeObject {
    public let matrix: Tensor
    public let classes: [String]?
    init(_ matrix: Tensor, classes: [String]?) {
        self.matrix = matrix
        self.classes = classes
    }
    public var typeName: String { "ConfusionMatrix" }
    public func member(_ name: String) throws -> Value? { nil }
    public var memberNames: [String] { [] }
    public var members: MemberTable? { ConfusionMatrixObject.table }

    /// A confusion matrix's members: `matrix`, `classes`.
    static let table: MemberTable = {
        let t = MemberTable("ConfusionMatrix")
        t.attribute("matrix", of: ConfusionMatrixObject.self, "cm.matrix: the int64 [C, C] counts, rows true classes, columns predictions.",
                    get: { .tensor($0.matrix) })
        t.attribute("classes", of: ConfusionMatrixObject.self, "cm.classes: the class names given, or none.",
                    get: { cm in cm.classes.map { .list(ListBox($0.map { .string($0) })) } ?? Value.none })
        return t
    }()
    public var repr: String { Metrics.table(matrix, classes: classes) }
}

/// Metric bindings: accuracy, top-k accuracy, confusion matrix, precision/recall/F1,
/// IoU and Dice for segmentation.
enum MetricBuiltins {
    static func classes(_ v: Value) throws -> [String]? {
        switch v {
        case .none: return nil
        case .list(let l): return l.items.map(Repr.str)
        default: throw NativeError("classes must be a list of names, got \(v.typeName)")
        }
    }

    /// Averages per-class values: macro (mean over classes, NaN skipped) or none (a list).
    static func average(_ xs: [Double], _ how: String, _ fn: String) throws -> Value {
        switch how {
        case "none": return .list(ListBox(xs.map { .float($0) }))
        case "macro", "mean":
            let present = xs.filter { !$0.isNaN }
            return .float(present.isEmpty ? .nan : present.reduce(0, +) / Double(present.count))
        default: throw NativeError("\(fn): average must be \"macro\" or \"none\", got \(Repr.quote(how))")
        }
    }

    static func add(to t: inout BuiltinTable) {
        t.memberTables.append(ConfusionMatrixObject.table)
        let out = Param("outputs", .tensor)
        let target = Param("targets", .tensor)
        t.function("accuracy", [out, target], "accuracy(outputs, targets): fraction of argmax(outputs, dim=1) (or int64 predictions) equal to targets.") { a, _ in
            .float(try Metrics.accuracy(a.tensor("outputs"), a.tensor("targets")))
        }
        t.function("top_k_accuracy", [out, target, Param("k", .int, default: .int(5))], "top_k_accuracy(outputs, targets, k=5): fraction of targets among the k highest scores.") { a, _ in
            .float(try Metrics.topK(a.tensor("outputs"), a.tensor("targets"), k: a.int("k")))
        }
        t.function("confusion_matrix", [out, target, Param("num_classes", .optional(.int), default: Value.none), Param("classes", default: Value.none)],
                   "confusion_matrix(outputs, targets, num_classes=none, classes=none): counts with rows = true class, columns = predicted; prints as a table with class names.") { a, _ in
            let names = try classes(a["classes"])
            let m = try Metrics.confusionMatrix(a.tensor("outputs"), a.tensor("targets"), numClasses: a.optionalInt("num_classes") ?? names?.count)
            return .object(ConfusionMatrixObject(m, classes: names))
        }
        t.function("precision_recall_f1", [Param("outputs"), Param("targets", .optional(.tensor), default: Value.none), Param("average", .string, default: .string("macro")),
                                            Param("num_classes", .optional(.int), default: Value.none)],
                   "precision_recall_f1(outputs, targets, average=\"macro\"|\"micro\"|\"none\") or precision_recall_f1(confusion_matrix): a dict with precision, recall, f1 (lists per class for \"none\").") { a, _ in
            let cm: Tensor
            if case .object(let o as ConfusionMatrixObject) = a["outputs"] { cm = o.matrix } else {
                guard case .tensor(let x) = a["outputs"], let y = try a.optionalTensor("targets") else {
                    throw NativeError("precision_recall_f1: give outputs and targets, or a confusion matrix")
                }
                cm = try Metrics.confusionMatrix(x, y, numClasses: a.optionalInt("num_classes"))
            }
            let (p, r, f, support) = Metrics.perClass(cm)
            let how = try a.string("average")
            let d = DictBox()
            switch how {
            case "micro":
                let m = cm.toInt64Array(), c = cm.shape[0]
                let correct = (0..<c).reduce(0) { $0 + Int(m[$1 * c + $1]) }, total = m.reduce(0) { $0 + Int($1) }
                let v = total > 0 ? Double(correct) / Double(total) : 0
                d[string: "precision"] = .float(v); d[string: "recall"] = .float(v); d[string: "f1"] = .float(v)
            case "macro":
                d[string: "precision"] = .float(p.reduce(0, +) / Double(Swift.max(p.count, 1)))
                d[string: "recall"] = .float(r.reduce(0, +) / Double(Swift.max(r.count, 1)))
                d[string: "f1"] = .float(f.reduce(0, +) / Double(Swift.max(f.count, 1)))
            case "none":
                d[string: "precision"] = .list(ListBox(p.map { .float($0) }))
                d[string: "recall"] = .list(ListBox(r.map { .float($0) }))
                d[string: "f1"] = .list(ListBox(f.map { .float($0) }))
                d[string: "support"] = .list(ListBox(support.map { .int($0) }))
            default: throw NativeError("precision_recall_f1: average must be \"macro\", \"micro\" or \"none\", got \(Repr.quote(how))")
            }
            return .dict(d)
        }
        for (name, isDice) in [("iou", false), ("dice_score", true)] {
            t.function(name, [Param("outputs", .tensor), target, Param("num_classes", .int), Param("average", .string, default: .string("macro"))],
                       "\(name)(outputs, targets, num_classes, average=\"macro\"): \(isDice ? "Dice coefficient" : "intersection over union") of label maps (outputs may be scores [N, C, H, W]); macro averages the classes present.") { a, _ in
                let per = isDice ? try Metrics.dice(a.tensor("outputs"), a.tensor("targets"), numClasses: a.int("num_classes")) : try Metrics.iou(a.tensor("outputs"), a.tensor("targets"), numClasses: a.int("num_classes"))
                return try average(per, a.string("average"), name)
            }
        }
    }
}
