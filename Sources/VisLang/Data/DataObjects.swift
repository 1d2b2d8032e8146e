import VisData
import VisTensor

/// A dataset as a .vis value: `len(ds)`, `ds[i]` (a tuple like `(image, label)`),
/// iteration, `.classes`, `.class_to_idx`, and a printed form with counts per class.
public final class DatasetObject: IndexableObject {
    public let dataset: Dataset
    public init(_ dataset: Dataset) { self.dataset = dataset }

    public var typeName: String {
        let ds = (dataset as? TargetTransformed)?.base ?? dataset
        if let m = ds as? MNIST { return m.kind }
        return String(describing: type(of: ds))
    }
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

    /// What every native dataset has: `classes`, `class_to_idx`, `targets`, and
    /// torchvision's `data`, `tensors`, `samples`, `imgs`, `train` (none where the
    /// dataset has no such thing).
    static let table: MemberTable = {
        let t = MemberTable("Dataset")
        t.attribute("classes", of: DatasetObject.self, "ds.classes: the class names, in index order (folder datasets), or none.",
                    get: { d in d.dataset.classes.map { .list(ListBox($0.map { .string($0) })) } ?? Value.none })
        t.attribute("class_to_idx", of: DatasetObject.self, "ds.class_to_idx: a dict from class name to index, or none.", get: { d in
            guard let classes = d.dataset.classes else { return Value.none }
            return .dict(DictBox(classes.enumerated().map { (.string($0.element), .int($0.offset)) }))
        })
        t.attribute("targets", of: DatasetObject.self, "ds.targets: every sample's label, as torchvision has it: an int64 tensor (MNIST, FashionMNIST, and vis's other labelled datasets), a list of ints (CIFAR10, CIFAR100, ImageFolder); none for unlabelled data.", get: { d in
            let ds = (d.dataset as? TargetTransformed)?.base ?? d.dataset
            if let m = ds as? MNIST { return .tensor(try m.targets()) }
            if let c = ds as? CIFAR10 { return .list(ListBox(c.targets.map { .int($0) })) }
            if let c = ds as? CIFAR100 { return .list(ListBox(c.targets.map { .int($0) })) }
            if let f = ds as? ImageFolder { return .list(ListBox(f.samples.map { .int($0.label) })) }
            guard ds.count > 0, ds.label(0) != nil else { return Value.none }
            return .tensor(try Tensor(int64: (0..<ds.count).map { Int64(ds.label($0) ?? -1) }))
        })
        t.attribute("data", of: DatasetObject.self, "ds.data: the raw images as torchvision's .data: uint8 [N, 28, 28] (MNIST, FashionMNIST), uint8 [N, 32, 32, 3] (CIFAR10, CIFAR100); none for other datasets.", get: { d in
            let ds = (d.dataset as? TargetTransformed)?.base ?? d.dataset
            if let m = ds as? MNIST { return .tensor(try m.data()) }
            if let c = ds as? CIFAR10 { return .tensor(c.data()) }
            if let c = ds as? CIFAR100 { return .tensor(c.data()) }
            return Value.none
        })
        t.attribute("tensors", of: DatasetObject.self, "ds.tensors: a TensorDataset's tensors, as a tuple; none for other datasets.", get: { d in
            guard let td = d.dataset as? TensorDataset else { return Value.none }
            return .tuple(td.tensors.map { .tensor($0) })
        })
        for name in ["samples", "imgs"] {
            t.attribute(name, of: DatasetObject.self, "ds.\(name): an ImageFolder's (path, class index) pairs, as a list of tuples in sample order; none for other datasets.", get: { d in
                guard let f = ((d.dataset as? TargetTransformed)?.base ?? d.dataset) as? ImageFolder else { return Value.none }
                return .list(ListBox(f.samples.map { .tuple([.string($0.path), .int($0.label)]) }))
            })
        }
        t.attribute("train", of: DatasetObject.self, "ds.train: whether MNIST, FashionMNIST, CIFAR10 or CIFAR100 holds the training split; none for other datasets.", get: { d in
            let ds = (d.dataset as? TargetTransformed)?.base ?? d.dataset
            if let m = ds as? MNIST { return .bool(m.train) }
            if let c = ds as? CIFAR10 { return .bool(c.train) }
            if let c = ds as? CIFAR100 { return .bool(c.train) }
            return Value.none
        })
        return t
    }()
    public var repr: String { dataset.summary }
}

/// A DataLoader as a .vis value: `for x, y in loader`, `len(loader)` batches.
public final class LoaderObject: IterableObject, IndexableObject {
    public let loader: DataLoader
    /// Seconds the latest epoch waited for its batches so far. Kept here, not read from
    /// the epoch's iterator: that iterator is gone once the loop ends, and `fit` reads
    /// the epoch's total after the loop (its history's `data_wait`).
    public private(set) var waitSeconds = 0.0

    public init(_ loader: DataLoader) { self.loader = loader }

    public var typeName: String { "DataLoader" }
    public var length: Int { loader.batchCount }

    public func element(at index: Int) throws -> Value {
        throw NativeError("a DataLoader cannot be indexed; iterate over it (for x, y in loader)")
    }

    public func makeIterator() throws -> ValueIterator {
        let it = loader.makeIterator()
        waitSeconds = 0
        // Weak: a loop that stops early drops the iterator (stopping its workers) even
        // if the loader value lives on.
        return ClosureIterator { [weak self] in
            defer { self?.waitSeconds = it.waitSeconds }
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
        t.attribute("wait_seconds", of: LoaderObject.self, "loader.wait_seconds: seconds the current (or, after the loop, the latest) epoch waited for data.",
                    get: { .float($0.waitSeconds) })
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
