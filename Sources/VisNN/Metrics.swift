import VisTensor

/// Classification and segmentation metrics on predictions and targets.
public enum Metrics {
    /// Class predictions from scores [N, C] (argmax over dim 1), or the tensor itself
    /// when it already holds int64 class indices.
    public static func predictions(_ scores: Tensor) throws -> Tensor {
        if scores.dtype == .int64 { return scores }
        if scores.dtype.isInteger { return scores.cast(.int64) }
        guard scores.ndim >= 2 else { throw TensorError("accuracy", "expected scores [N, C] or int64 class indices, got \(scores.dtype) \(shapeString(scores.shape))") }
        return try scores.argmax(dim: 1)
    }

    /// Fraction of predictions equal to the targets.
    public static func accuracy(_ scores: Tensor, _ target: Tensor) throws -> Double {
        let p = try predictions(scores)
        guard p.shape == target.shape else {
            throw TensorError("accuracy", "predictions \(shapeString(p.shape)) and targets \(shapeString(target.shape)) differ in shape")
        }
        guard p.count > 0 else { return 0 }
        return try p.eq(target.to(.int64)).to(.int64).sum().item() / Double(p.count)
    }

    /// Fraction of samples whose target is among the k highest scores.
    public static func topK(_ scores: Tensor, _ target: Tensor, k: Int) throws -> Double {
        guard scores.ndim == 2, target.ndim == 1, target.shape[0] == scores.shape[0] else {
            throw TensorError("top_k_accuracy", "expected scores [N, C] and targets [N], got \(shapeString(scores.shape)) and \(shapeString(target.shape))")
        }
        let (n, c) = (scores.shape[0], scores.shape[1])
        guard k >= 1 && k <= c else { throw TensorError("top_k_accuracy", "k must be in 1...\(c), got \(k)") }
        let s = try scores.to(.float32).contiguous().toFloatArray(), t = try target.to(.int64).toInt64Array()
        var hits = 0
        for i in 0..<n {
            let ti = Int(t[i])
            guard ti >= 0 && ti < c else { continue }
            let v = s[i * c + ti]
            // Rank = number of classes scoring strictly higher.
            var higher = 0
            for j in 0..<c where s[i * c + j] > v { higher += 1 }
            if higher < k { hits += 1 }
        }
        return n == 0 ? 0 : Double(hits) / Double(n)
    }

    /// Counts [C, C]: row = true class, column = predicted class (sklearn's layout).
    public static func confusionMatrix(_ scores: Tensor, _ target: Tensor, numClasses: Int? = nil) throws -> Tensor {
        let p = try predictions(scores).toInt64Array(), t = try target.to(.int64).toInt64Array()
        guard p.count == t.count else { throw TensorError("confusion_matrix", "\(p.count) predictions but \(t.count) targets") }
        if let numClasses, numClasses < 1 {
            throw TensorError("confusion_matrix", "num_classes must be positive, got \(numClasses)")
        }
        // The largest label + 1, saturating: a label of Int64.max must not overflow here
        // (zeros then rejects the size with a named error).
        let c = numClasses ?? Swift.min(Int((p + t).max() ?? -1), Int.max - 1) + 1
        guard c > 0 else { throw TensorError("confusion_matrix", "no classes (empty input)") }
        let m = try Tensor.zeros([c, c], dtype: .int64)
        for (pi, ti) in zip(p, t) {
            guard pi >= 0, ti >= 0, Int(pi) < c, Int(ti) < c else {
                throw TensorError("confusion_matrix", "class \(Swift.max(pi, ti)) is outside 0..<\(c)")
            }
            m.int64Pointer[Int(ti) * c + Int(pi)] += 1
        }
        return m
    }

    /// Precision, recall and F1 per class from a confusion matrix (0 where undefined).
    public static func perClass(_ cm: Tensor) -> (precision: [Double], recall: [Double], f1: [Double], support: [Int]) {
        let c = cm.shape[0]
        let m = cm.toInt64Array()
        var p: [Double] = [], r: [Double] = [], f: [Double] = [], s: [Int] = []
        for k in 0..<c {
            let tp = Double(m[k * c + k])
            let predicted = (0..<c).reduce(0.0) { $0 + Double(m[$1 * c + k]) }
            let actual = (0..<c).reduce(0.0) { $0 + Double(m[k * c + $1]) }
            let pk = predicted > 0 ? tp / predicted : 0, rk = actual > 0 ? tp / actual : 0
            p.append(pk); r.append(rk); f.append(pk + rk > 0 ? 2 * pk * rk / (pk + rk) : 0); s.append(Int(actual))
        }
        return (p, r, f, s)
    }

    /// Intersection over union per class of int64 label maps (NaN where a class is absent from both).
    public static func iou(_ pred: Tensor, _ target: Tensor, numClasses: Int) throws -> [Double] {
        let (inter, union) = try overlap(pred, target, numClasses, "iou")
        return zip(inter, union).map { $1 > 0 ? $0 / $1 : .nan }
    }

    /// Dice coefficient 2|A∩B| / (|A| + |B|) per class (NaN where a class is absent from both).
    public static func dice(_ pred: Tensor, _ target: Tensor, numClasses: Int) throws -> [Double] {
        let (inter, union) = try overlap(pred, target, numClasses, "dice_score")
        return zip(inter, union).map { i, u in u + i > 0 ? 2 * i / (u + i) : .nan }
    }

    static func overlap(_ pred: Tensor, _ target: Tensor, _ c: Int, _ op: String) throws -> ([Double], [Double]) {
        // Two per-class counters: a class count must be positive and as bounded as a tensor.
        guard c >= 1 else { throw TensorError(op, "num_classes must be positive, got \(c)") }
        // The per-class result is a list: bounded like lists are (Tensor.maxPieces).
        let most = Swift.min(Shape.maxElements, Tensor.maxPieces)
        guard c <= most else { throw TensorError(op, "num_classes \(c) is too large (at most \(most))") }
        let p = try (pred.dtype.isFloatingPoint && pred.ndim == target.ndim + 1 ? pred.argmax(dim: 1) : pred.to(.int64)).toInt64Array()
        let t = try target.to(.int64).toInt64Array()
        guard p.count == t.count else { throw TensorError(op, "predictions have \(p.count) pixels but targets \(t.count)") }
        var inter = [Double](repeating: 0, count: c), union = [Double](repeating: 0, count: c)
        for (a, b) in zip(p, t) {
            let ai = Int(a), bi = Int(b)
            if ai == bi, ai >= 0, ai < c { inter[ai] += 1; union[ai] += 1; continue }
            if ai >= 0 && ai < c { union[ai] += 1 }
            if bi >= 0 && bi < c { union[bi] += 1 }
        }
        return (inter, union)
    }

    /// A confusion matrix as an aligned table with class names.
    public static func table(_ cm: Tensor, classes: [String]?) -> String {
        let c = cm.shape[0]
        let names = (0..<c).map { k -> String in
            if let classes, k < classes.count { return classes[k] }
            return String(k)
        }
        let m = cm.toInt64Array()
        let cellWidth = Swift.max(m.map { String($0).count }.max() ?? 1, names.map { Swift.min($0.count, 10) }.max() ?? 1)
        let rowLabel = Swift.max(names.map(\.count).max() ?? 1, "true \\ pred".count)
        func pad(_ s: String, _ w: Int) -> String { String(repeating: " ", count: Swift.max(0, w - s.count)) + s }
        var lines = [pad("true \\ pred", rowLabel) + " " + names.map { pad(String($0.prefix(10)), cellWidth) }.joined(separator: " ")]
        for i in 0..<c {
            lines.append(pad(names[i], rowLabel) + " " + (0..<c).map { pad(String(m[i * c + $0]), cellWidth) }.joined(separator: " "))
        }
        return lines.joined(separator: "\n")
    }
}
