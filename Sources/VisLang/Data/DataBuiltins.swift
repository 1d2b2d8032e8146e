import VisData
import VisTensor

/// The data bindings (LIBRARY.md "Data"): datasets, transforms, DataLoader.
public enum DataBuiltins {
    static func dataset(_ v: Value, _ context: String) throws -> Dataset {
        guard case .object(let o as DatasetObject) = v else { throw NativeError("\(context) must be a dataset, got \(v.typeName)") }
        return o.dataset
    }

    /// True for values a transform may be written as: a transform object, a function,
    /// or a callable object (a model with `forward` or `__call__`).
    static func isCallable(_ v: Value) -> Bool {
        switch v {
        case .function: return true
        case .object(let m as ModelInstance): return m.hasMethod("forward") || m.hasMethod("__call__")
        case .object(is CallableObject): return true
        default: return false
        }
    }

    /// How a hand-written transform is named in errors (`<fn flip>`, `MyTransform`).
    static func transformName(_ v: Value) -> String {
        if case .object(let o) = v { return o.typeName }
        return Repr.repr(v)
    }

    /// A transform value: a transform object, or a hand-written one (a function, a
    /// model with `forward` or `__call__`, any callable object), run on the calling
    /// thread only. A native dataset needs a tensor back from it.
    static func transform(_ v: Value, _ context: String, runtime: Runtime) throws -> Transform? {
        switch v {
        case .none: return nil
        case .object(let o as TransformObject): return o.transform
        case _ where isCallable(v):
            let name = transformName(v)
            return LambdaTransform(threadSafe: false, description: "Lambda(\(name))", withGenerator: { x, generator in
                let out = try withGlobalGenerator(generator) { try runtime.call(v, [.tensor(x)], keywords: []) }
                guard case .tensor(let t) = out else {
                    throw NativeError("\(context): \(name) returned \(out.typeNameWithArticle), not a tensor (a native dataset needs a tensor back)")
                }
                return t
            })
        default: throw NativeError("\(context) must be a transform, a function or a model with forward or __call__, got \(v.typeName)")
        }
    }

    /// Runs `body` with the global generator set to `generator` (a sample's), restoring
    /// it afterwards: .vis code called for one sample (a hand-written dataset's
    /// `__getitem__`, a hand-written transform) draws per-sample random numbers, so
    /// augmentations depend on (seed, epoch, index) as native ones do.
    static func withGlobalGenerator<T>(_ generator: Generator, _ body: () throws -> T) rethrows -> T {
        let saved = Generator.global
        Generator.global = generator
        defer { Generator.global = saved }
        return try body()
    }

    /// The elements of `Compose([...])` / `Lambda(fn)` as .vis values when one is
    /// hand-written: calling the transform from .vis then runs them in order on any
    /// value (a hand-written step may take and return anything); nil when all are native.
    static func valueSteps(_ items: [Value]) -> [Value]? {
        let steps = items.filter { !$0.isNone }
        return steps.allSatisfy({ if case .object(is TransformObject) = $0 { return true } else { return false } }) ? nil : steps
    }

    public static func table() -> BuiltinTable {
        var t = BuiltinTable()
        // torchvision's dataset parameters: root, train, transform, target_transform, download.
        func datasetParams(root: Param) -> [Param] {
            [root, Param("train", .bool, default: .bool(true)), Param("transform", default: Value.none),
             Param("target_transform", default: Value.none), Param("download", .bool, default: .bool(false))]
        }
        func withTarget(_ ds: Dataset, _ a: BoundArguments, _ rt: Runtime) throws -> Value {
            let fn = a["target_transform"]
            if fn.isNone { return .object(DatasetObject(ds)) }
            guard isCallable(fn) else { throw NativeError("\(a.function): target_transform must be a function or a model with forward or __call__, got \(fn.typeName)") }
            return .object(DatasetObject(TargetTransformed(ds, fn, runtime: rt, context: "\(a.function): target_transform")))
        }
        for (name, fashion) in [("FashionMNIST", true), ("MNIST", false)] {
            t.function(name, datasetParams(root: Param("root", .optional(.string), default: Value.none)),
                       """
                       \(name)(root=\(fashion ? "\"\(MNIST.fashionRoot)\"" : "none"), train=true, transform=none, target_transform=none, download=false): the \(name) IDX files (gzipped or not) as (image [1, 28, 28] in [0, 1], label) samples; .data (uint8 [N, 28, 28]), .targets (int64), .classes.
                       The files are looked for in torchvision's root/\(name)/raw, then root/\(name), then root. vis cannot download (no network access): download=true uses the files when present, else the error says where they come from.
                         train = \(name)(root="data", train=true, download=true, transform=ToTensor())
                       """) { a, rt in
                let root: String
                if a["root"].isNone {
                    guard fashion else { throw NativeError("MNIST: give root= (the folder with MNIST/raw/train-images-idx3-ubyte[.gz] and friends, torchvision's layout)") }
                    root = MNIST.fashionRoot
                } else {
                    root = try a.string("root")
                }
                return try withTarget(try MNIST(root: root, train: a.bool("train"), fashion: fashion, transform: transform(a["transform"], "\(name): transform", runtime: rt),
                                                download: a.bool("download")), a, rt)
            }
        }
        t.function("CIFAR10", datasetParams(root: Param("root", .string)),
                   """
                   CIFAR10(root, train=true, transform=none, target_transform=none, download=false): CIFAR-10 (the binary batches in root/cifar-10-batches-bin or root, or torchvision's root/cifar-10-batches-py) as (image [3, 32, 32] in [0, 1], label) samples; .data (uint8 [N, 32, 32, 3]), .targets (a list), .classes.
                   vis cannot download (no network access): download=true uses the files when present, else the error says where they come from.
                     test = CIFAR10("data", train=false, transform=ToTensor())
                   """) { a, rt in
            try withTarget(try CIFAR10(root: a.string("root"), train: a.bool("train"), transform: transform(a["transform"], "CIFAR10: transform", runtime: rt),
                                       download: a.bool("download")), a, rt)
        }
        t.function("CIFAR100", datasetParams(root: Param("root", .string)),
                   """
                   CIFAR100(root, train=true, transform=none, target_transform=none, download=false): CIFAR-100 (torchvision's root/cifar-100-python, or root/cifar-100-binary) as (image [3, 32, 32] in [0, 1], fine label) samples; .data (uint8 [N, 32, 32, 3]), .targets (a list), .classes (the 100 fine names).
                   vis cannot download (no network access): download=true uses the files when present, else the error says where they come from.
                     train = CIFAR100("data", train=true, transform=ToTensor())
                   """) { a, rt in
            try withTarget(try CIFAR100(root: a.string("root"), train: a.bool("train"), transform: transform(a["transform"], "CIFAR100: transform", runtime: rt),
                                        download: a.bool("download")), a, rt)
        }
        t.function("TensorDataset", [Param("tensors", .any, variadic: true)], "TensorDataset(*tensors): samples are the tensors' rows, as tuples.") { a, _ in
            .object(DatasetObject(try TensorDataset(try a.list("tensors").enumerated().map { try Convert.tensor($0.element, context: "TensorDataset: argument \($0.offset)") })))
        }
        t.function("Subset", [Param("dataset"), Param("indices")],
                   "Subset(dataset, indices): the samples at the given indices (a list, a range or an int64 tensor); works on native and hand-written datasets.\n  val = Subset(ds, range(0, 100))") { a, _ in
            let indices = try ValueDatasets.indices(a["indices"], "Subset: indices")
            guard let user = try ValueDatasets.of(a["dataset"], "Subset: dataset") else {
                return .object(DatasetObject(try Subset(dataset(a["dataset"], "Subset: dataset"), indices: indices)))
            }
            return .object(try ValueSubsetObject(user, indices: indices))
        }
        t.function("ConcatDataset", [Param("datasets", .list)],
                   "ConcatDataset(datasets): the datasets one after another; native parts stay native (worker threads), a hand-written part makes it read on the calling thread.\n  both = ConcatDataset([train_a, train_b])") { a, _ in
            let parts = try a.list("datasets")
            guard !parts.isEmpty else { throw NativeError("ConcatDataset: needs at least one dataset") }
            var native: [Dataset] = []
            for (k, p) in parts.enumerated() {
                if case .object(let o as DatasetObject) = p { native.append(o.dataset) } else { _ = try ValueDatasets.any(p, "ConcatDataset: element \(k)") }
            }
            if native.count == parts.count { return .object(DatasetObject(try ConcatDataset(native))) }
            return .object(try ValueConcatObject(parts.enumerated().map { try ValueDatasets.any($0.element, "ConcatDataset: element \($0.offset)") }))
        }
        t.function("random_split", [Param("dataset"), Param("lengths", .list), Param("generator", default: Value.none), Param("seed", .optional(.int), default: Value.none)],
                   "random_split(dataset, lengths, generator=none, seed=none): disjoint random subsets of the given sizes (fractions summing to 1 are allowed: floor(n * f) each, the remainder one at a time from the first, as PyTorch); generator= a torch.Generator, or seed= an int, makes it reproducible; native and hand-written datasets.\n  train, val = random_split(ds, [0.8, 0.2], generator=torch.Generator().manual_seed(42))") { a, _ in
            let user = try ValueDatasets.of(a["dataset"], "random_split: dataset")
            let count = try ValueDatasets.checkedCount(user?.count() ?? dataset(a["dataset"], "random_split: dataset").count, "random_split")
            let raw = try a.list("lengths")
            var sizes: [Int]
            // Any float makes the lengths fractions (all numbers then); else counts.
            if raw.contains(where: { if case .float = $0 { return true } else { return false } }) {
                let fractions = try raw.enumerated().map { i, v -> Double in
                    guard let d = v.asDouble else { throw NativeError("random_split: length at index \(i) is \(v.typeNameWithArticle) value, not a number") }
                    return d
                }
                sizes = try SplitSizes.fromFractions(fractions, count: count)
            } else {
                sizes = try a.ints("lengths")
            }
            let seed = try TorchGenerator.seed(generator: a["generator"], seed: a["seed"], "random_split") ?? Generator.global.next()
            guard let user else {
                return .list(ListBox(try Subset.randomSplit(dataset(a["dataset"], "random_split: dataset"), sizes: sizes, seed: seed).map { .object(DatasetObject($0)) }))
            }
            try SplitSizes.check(sizes, count: count)
            // The native split's rule: one permutation from the seed, cut in order.
            let order = Shuffle.permutation(count, generator: Generator(seed: seed))
            var out: [Value] = []
            var start = 0
            for s in sizes {
                out.append(.object(try ValueSubsetObject(user, indices: Array(order[start..<(start + s)]))))
                start += s
            }
            return .list(ListBox(out))
        }
        t.memberTables += [DatasetObject.table, LoaderObject.table]
        t.memberTypeAliases += ["ImageFolder", "PairedImageFolder", "SegmentationFolder", "MNIST", "FashionMNIST", "CIFAR10", "CIFAR100", "TensorDataset"].map { ($0, "Dataset") }
        t.function("DataLoader", [Param("dataset"), Param("batch_size", .int, default: .int(1)), Param("shuffle", .bool, default: .bool(false)),
                                   Param("drop_last", .bool, default: .bool(false)), Param("num_workers", .int, default: .int(0)),
                                   Param("seed", .optional(.int), default: Value.none), Param("generator", default: Value.none)],
                   """
                   DataLoader(dataset, batch_size=1, shuffle=false, drop_last=false, num_workers=0, seed=none, generator=none): batches collated as PyTorch's default_collate (tuples of stacked tensors, labels int64); order and augmentations are the same for any num_workers.
                   Native datasets decode on num_workers threads ahead of the loop. A hand-written dataset (a model with __len__ and __getitem__) runs in the single-threaded interpreter: its samples are read on the calling thread, one after another, whatever num_workers says (the batches are the same).
                     loader = DataLoader(train, batch_size=64, shuffle=true)
                   """) { a, rt in
            let seed = try TorchGenerator.seed(generator: a["generator"], seed: a["seed"], "DataLoader")
            let ds = a["dataset"]
            if let user = try ValueDatasets.of(ds, "DataLoader: dataset") {
                return .object(try UserLoaderObject(user, batchSize: a.int("batch_size"), shuffle: a.bool("shuffle"), dropLast: a.bool("drop_last"),
                                                    numWorkers: a.int("num_workers"), seed: seed, runtime: rt))
            }
            return .object(LoaderObject(try DataLoader(dataset(ds, "DataLoader: dataset"), batchSize: a.int("batch_size"), shuffle: a.bool("shuffle"), dropLast: a.bool("drop_last"),
                                                       numWorkers: a.int("num_workers"), seed: seed)))
        }
        t.function("Normalize", [Param("mean", .oneOf([.list, .float])), Param("std", .oneOf([.list, .float]))],
                   "Normalize(mean, std): (x - mean) / std per channel.\n  Normalize([0.2860], [0.3530])") { a, _ in
            func numbers(_ name: String) throws -> [Double] {
                if let d = a[name].asDouble { return [d] }
                return try a.list(name).map { guard let d = $0.asDouble else { throw NativeError("Normalize: mean and std must be numbers") }; return d }
            }
            return .object(TransformObject(try Normalize(mean: numbers("mean"), std: numbers("std"))))
        }
        t.function("Compose", [Param("transforms", .list)],
                   "Compose(transforms): applies transforms in order; elements may be native transforms, functions or models with forward or __call__.\n  Compose([Resize(64), fn(x) => x * 2])") { a, rt in
            let items = try a.list("transforms")
            return .object(TransformObject(Compose(try items.enumerated().compactMap { try transform($0.element, "Compose: element \($0.offset)", runtime: rt) }),
                                           steps: valueSteps(items)))
        }
        t.function("Lambda", [Param("fn")], "Lambda(fn): a transform from a function (or callable model) of one value.\n  Lambda(fn(x) => x.flip(2))") { a, rt in
            let fn = a["fn"]
            guard isCallable(fn) else { throw NativeError("Lambda: fn must be a function or a model with forward or __call__, got \(fn.typeName)") }
            guard let tr = try transform(fn, "Lambda", runtime: rt) else { return Value.none }
            return .object(TransformObject(tr, steps: [fn]))
        }
        TransformBuiltins.add(to: &t)
        DataToolBuiltins.add(to: &t)
        TorchGenerator.add(to: &t)
        // iter/next live here with StopIteration: the iteration protocols datasets use.
        IteratorBuiltins.add(to: &t)
        t.function("read_image", [Param("path", .string), Param("mode", .string, default: .string("RGB"))],
                   "read_image(path, mode=\"RGB\"): a PNG or JPEG file as float32 [C, H, W] in [0, 1]; mode \"RGB\", \"L\" (grey), \"RGBA\" or \"LA\". EXIF orientation is applied.") { a, _ in
            let m = try a.string("mode")
            guard let mode = ImageMode(rawValue: m) else { throw NativeError("read_image: mode must be \"RGB\", \"L\", \"RGBA\" or \"LA\", got \(Repr.quote(m))") }
            return .tensor(try ImageCodec.read(a.string("path"), mode: mode))
        }
        t.function("read_mask", [Param("path", .string)],
                   "read_mask(path): a segmentation mask as int64 [H, W] class indices (palette PNGs keep their indices).") { a, _ in
            .tensor(try ImageCodec.readMask(a.string("path")))
        }
        t.function("write_image", [Param("image", .tensor), Param("path", .string), Param("quality", .int, default: .int(75)),
                                    Param("bit_depth", .int, default: .int(8)), Param("progressive", .bool, default: .bool(false))],
                   "write_image(image, path, quality=75, bit_depth=8, progressive=false): writes [C, H, W] in [0, 1] (or [H, W]) as PNG or JPEG by the extension, atomically.") { a, _ in
            try ImageCodec.write(a.tensor("image"), to: a.string("path"), quality: a.int("quality"), bitDepth: a.int("bit_depth"), progressive: a.bool("progressive"))
            return .none
        }
        return t
    }
}
