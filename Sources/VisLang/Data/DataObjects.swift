import VisData
import VisTensor

/// A dataset as a .vis value: `len(ds)`, `ds[i]` (a tuple like `(image, label)`),
/// iteration, `.classes`, `.class_to_idx`, and a printed form with counts per class.
public final class DatasetObject: IndexableObject {
    public let dataset: Dataset
    public init(_ dataset: Dataset) { self.dataset = dataset }

    public var typeName: String { String(describing: type(of: dataset)) }
    public var length: Int { dataset.count }

    public func element(at index: Int) throws -> Value {
        DatasetObject.value(try dataset.sample(index, generator: Generator(seed: Generator.global.next())))
    }

    /// A sample as a tuple of tensors and ints.
    static func value(_ sample: [SampleItem]) -> Value {
        .tuple(sample.map { item in
            switch item {
            case .tensor(let t): return .tensor(t)
            case .label(let l): return .int(l)
            }
        })
    }

    public func member(_ name: String) throws -> Value? {
        switch name {
        case "classes": return dataset.classes.map { .list(ListBox($0.map { .string($0) })) } ?? Value.none
        case "class_to_idx":
            guard let classes = dataset.classes else { return Value.none }
            return .dict(DictBox(classes.enumerated().map { (.string($0.element), .int($0.offset)) }))
        case "targets":
            guard dataset.count > 0, dataset.label(0) != nil else { return Value.none }
            return .tensor(try Tensor(int64: (0..<dataset.count).map { Int64(dataset.label($0) ?? -1) }))
        default: return nil
        }
    }

    public var memberNames: [String] { ["classes", "class_to_idx", "targets"] }
    public var repr: String { dataset.summary }
}

/// A DataLoader as a .vis value: `for x, y in loader`, `len(loader)` batches.
public final class LoaderObject: IterableObject, IndexableObject {
    public let loader: DataLoader
    /// The iterator of the epoch being read, for the progress bar's waiting time.
    public private(set) weak var current: BatchIterator?

    public init(_ loader: DataLoader) { self.loader = loader }

    public var typeName: String { "DataLoader" }
    public var length: Int { loader.batchCount }

    public func element(at index: Int) throws -> Value {
        throw NativeError("a DataLoader cannot be indexed; iterate over it (for x, y in loader)")
    }

    public func makeIterator() throws -> ValueIterator {
        let it = loader.makeIterator()
        current = it
        return ClosureIterator {
            guard let batch = try it.next() else { return nil }
            return .tuple(batch.map { .tensor($0) })
        }
    }

    public func member(_ name: String) throws -> Value? {
        switch name {
        case "dataset": return .object(DatasetObject(loader.dataset))
        case "batch_size": return .int(loader.batchSize)
        case "epoch": return .int(loader.epoch)
        case "wait_seconds": return .float(current?.waitSeconds ?? 0)
        default: return nil
        }
    }

    public var memberNames: [String] { ["dataset", "batch_size", "epoch", "wait_seconds"] }
    public var repr: String {
        "DataLoader(\(loader.dataset.name), batch_size=\(loader.batchSize), shuffle=\(loader.shuffle ? "true" : "false"), num_workers=\(loader.numWorkers), \(loader.batchCount) batches)"
    }
}

/// A transform as a .vis value; calling it applies it (`t(img)`).
public final class TransformObject: CallableObject {
    public let transform: Transform
    /// For a Compose or Lambda holding hand-written transforms: its elements, run in
    /// order on any value when called from .vis (a dataset's own `__getitem__` may pass
    /// and get back anything); native datasets use `transform`, which needs tensors.
    let steps: [Value]?
    public init(_ transform: Transform) {
        self.transform = transform
        steps = nil
    }
    init(_ transform: Transform, steps: [Value]?) {
        self.transform = transform
        self.steps = steps
    }
    public var typeName: String { String(describing: type(of: transform)) }
    public func member(_ name: String) throws -> Value? { nil }
    public var memberNames: [String] { [] }
    public var repr: String { transform.description }
    public func call(_ args: Arguments, _ runtime: Runtime) throws -> Value {
        guard args.positional.count == 1 else { throw NativeError("\(typeName) takes one image tensor") }
        if let steps {
            var x = args.positional[0]
            for s in steps { x = try runtime.call(s, [x], keywords: []) }
            return x
        }
        return .tensor(try transform.apply(Convert.tensor(args.positional[0], context: "\(typeName) input"), generator: Generator(seed: Generator.global.next())))
    }
}
