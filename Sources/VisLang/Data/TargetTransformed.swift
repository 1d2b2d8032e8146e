import VisData
import VisTensor

/// A built-in dataset with torchvision's `target_transform=`: the label of every sample
/// goes through a .vis function (or any callable) after the image's transform. It must
/// give back an int (a class label) or a tensor; it runs on the consumer thread (the
/// interpreter is single-threaded), so loaders over it use no workers.
final class TargetTransformed: Dataset {
    let base: Dataset
    let fn: Value
    unowned let runtime: Runtime
    let context: String

    init(_ base: Dataset, _ fn: Value, runtime: Runtime, context: String) {
        self.base = base
        self.fn = fn
        self.runtime = runtime
        self.context = context
    }

    var count: Int { base.count }
    var classes: [String]? { base.classes }
    var name: String { base.name }
    var threadSafe: Bool { false }
    /// The label before the transform: counts per class in the printed summary.
    func label(_ index: Int) -> Int? { base.label(index) }

    func sample(_ index: Int, generator: Generator) throws -> [SampleItem] {
        var items = try base.sample(index, generator: generator)
        guard let last = items.last, case .label(let l) = last else { return items }
        let out = try DataBuiltins.withGlobalGenerator(generator) { try runtime.call(fn, [.int(l)], keywords: []) }
        switch out {
        case .int(let i): items[items.count - 1] = .label(i)
        case .tensor(let t): items[items.count - 1] = .tensor(t)
        default:
            throw NativeError("\(context): \(DataBuiltins.transformName(fn)) returned \(out.typeNameWithArticle), not an int or a tensor (a native dataset's label must be one)")
        }
        return items
    }
}
