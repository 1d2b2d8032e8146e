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

    public func member(_ name: String) throws -> Value? { nil }
    public var memberNames: [String] { [] }
    public var members: MemberTable? { DatasetObject.table }

    /// What every native dataset has: `classes`, `class_to_idx`, `targets`.
    static let table: MemberTable = {
        let t = MemberTable("Dataset")
        t.attribute("classes", of: DatasetObject.self, "ds.classes: the class names, in index order (folder datasets), or none.",
                    get: { d in d.dataset.classes.map { .list(ListBox($0.map { .string($0) })) } ?? Value.none })
        t.attribute("class_to_idx", of: DatasetObject.self, "ds.class_to_idx: a dict from class name to index, or none.", get: { d in
            guard let classes = d.dataset.classes else { return Value.none }
            return .dict(DictBox(classes.enumerated().map { (.string($0.element), .int($0.offset)) }))
        })
        t.attribute("targets", of: DatasetObject.self, "ds.targets: every sample's label as an int64 tensor, or none for unlabelled data.", get: { d in
            let ds = d.dataset
            guard ds.count > 0, ds.label(0) != nil else { return Value.none }
            return .tensor(try Tensor(int64: (0..<ds.count).map { Int64(ds.label($0) ?? -1) }))
        })
        return t
    }()
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

    public func member(_ name: String) throws -> Value? { nil }
    public var memberNames: [String] { [] }
    public var members: MemberTable? { LoaderObject.table }

    /// What a native DataLoader has: `dataset`, `batch_size`, `epoch`, `wait_seconds`.
    static let table: MemberTable = {
        let t = MemberTable("DataLoader")
        t.attribute("dataset", of: LoaderObject.self, "loader.dataset: the dataset it reads.", get: { .object(DatasetObject($0.loader.dataset)) })
        t.attribute("batch_size", of: LoaderObject.self, "loader.batch_size: samples per batch.", get: { .int($0.loader.batchSize) })
        t.attribute("epoch", of: LoaderObject.self, "loader.epoch: how many epochs have started (it picks the shuffle order).", get: { .int($0.loader.epoch) })
        t.attribute("wait_seconds", of: LoaderObject.self, "loader.wait_seconds: seconds the current epoch waited for data so far.",
                    get: { .float($0.current?.waitSeconds ?? 0) })
        return t
    }()
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
