import VisData
import VisTensor

/// The data bindings (LIBRARY.md "Data"): datasets, transforms, DataLoader.
public enum DataBuiltins {
    static func dataset(_ v: Value, _ context: String) throws -> Dataset {
        guard case .object(let o as DatasetObject) = v else { throw NativeError("\(context) must be a dataset, got \(v.typeName)") }
        return o.dataset
    }

    /// A transform value: a transform object, or a .vis function (run on the calling
    /// thread only).
    static func transform(_ v: Value, _ context: String, runtime: Runtime) throws -> Transform? {
        switch v {
        case .none: return nil
        case .object(let o as TransformObject): return o.transform
        case .function:
            return LambdaTransform(threadSafe: false) { x in
                let out = try runtime.call(v, [.tensor(x)], keywords: [])
                guard case .tensor(let t) = out else { throw NativeError("\(context): the function returned a \(out.typeName), not a tensor") }
                return t
            }
        default: throw NativeError("\(context) must be a transform or a function, got \(v.typeName)")
        }
    }

    public static func table() -> BuiltinTable {
        var t = BuiltinTable()
        for (name, fashion) in [("FashionMNIST", true), ("MNIST", false)] {
            t.function(name, [Param("root", .optional(.string), default: Value.none), Param("train", .bool, default: .bool(true)),
                              Param("transform", default: Value.none)],
                       "\(name)(root=\(fashion ? "\"\(MNIST.fashionRoot)\"" : "none"), train=true, transform=none): the \(name) IDX files (gzipped or not) as (image [1, 28, 28] in [0, 1], label) samples.") { a, rt in
                let root: String
                if a[0].isNone {
                    guard fashion else { throw NativeError("MNIST: give root= (the folder with train-images-idx3-ubyte[.gz] and friends)") }
                    root = MNIST.fashionRoot
                } else {
                    root = try a.string(0)
                }
                return .object(DatasetObject(try MNIST(root: root, train: a.bool(1), fashion: fashion, transform: transform(a[2], "\(name): transform", runtime: rt))))
            }
        }
        t.function("CIFAR10", [Param("root", .string), Param("train", .bool, default: .bool(true)), Param("transform", default: Value.none)],
                   "CIFAR10(root, train=true, transform=none): the CIFAR-10 binary batches as (image [3, 32, 32] in [0, 1], label) samples.") { a, rt in
            .object(DatasetObject(try CIFAR10(root: a.string(0), train: a.bool(1), transform: transform(a[2], "CIFAR10: transform", runtime: rt))))
        }
        t.function("TensorDataset", [Param("tensors", .any, variadic: true)], "TensorDataset(*tensors): samples are the tensors' rows, as tuples.") { a, _ in
            .object(DatasetObject(try TensorDataset(try a.list(0).enumerated().map { try Convert.tensor($0.element, context: "TensorDataset: argument \($0.offset)") })))
        }
        t.function("Subset", [Param("dataset"), Param("indices", .list)], "Subset(dataset, indices): the samples at the given indices.") { a, _ in
            .object(DatasetObject(try Subset(dataset(a[0], "Subset: dataset"), indices: try a.ints(1))))
        }
        t.function("random_split", [Param("dataset"), Param("lengths", .list), Param("seed", .optional(.int), default: Value.none)],
                   "random_split(dataset, lengths, seed=none): disjoint random subsets of the given sizes (fractions summing to 1 are allowed).") { a, _ in
            let ds = try dataset(a[0], "random_split: dataset")
            let raw = try a.list(1)
            var sizes: [Int]
            if raw.allSatisfy({ if case .float = $0 { return true } else { return false } }) {
                let fractions = raw.compactMap(\.asDouble)
                sizes = fractions.map { Int(($0 * Double(ds.count)).rounded(.down)) }
                var i = 0
                while sizes.reduce(0, +) < ds.count { sizes[i % sizes.count] += 1; i += 1 }
            } else {
                sizes = try a.ints(1)
            }
            let seed = try a.optionalInt(2).map { UInt64(bitPattern: Int64($0)) } ?? Generator.global.next()
            return .list(ListBox(try Subset.randomSplit(ds, sizes: sizes, seed: seed).map { .object(DatasetObject($0)) }))
        }
        t.function("DataLoader", [Param("dataset"), Param("batch_size", .int, default: .int(1)), Param("shuffle", .bool, default: .bool(false)),
                                   Param("drop_last", .bool, default: .bool(false)), Param("num_workers", .int, default: .int(0)),
                                   Param("seed", .optional(.int), default: Value.none)],
                   "DataLoader(dataset, batch_size=1, shuffle=false, drop_last=false, num_workers=0, seed=none): batches (tuples of stacked tensors, labels int64); workers are threads, and order and augmentations are the same for any num_workers.\n  loader = DataLoader(train, batch_size=64, shuffle=true)") { a, _ in
            .object(LoaderObject(try DataLoader(dataset(a[0], "DataLoader: dataset"), batchSize: a.int(1), shuffle: a.bool(2), dropLast: a.bool(3),
                                                numWorkers: a.int(4), seed: a.optionalInt(5).map { UInt64(bitPattern: Int64($0)) })))
        }
        t.function("Normalize", [Param("mean", .oneOf([.list, .float])), Param("std", .oneOf([.list, .float]))],
                   "Normalize(mean, std): (x - mean) / std per channel.\n  Normalize([0.2860], [0.3530])") { a, _ in
            func numbers(_ i: Int) throws -> [Double] {
                if let d = a[i].asDouble { return [d] }
                return try a.list(i).map { guard let d = $0.asDouble else { throw NativeError("Normalize: mean and std must be numbers") }; return d }
            }
            return .object(TransformObject(try Normalize(mean: numbers(0), std: numbers(1))))
        }
        t.function("Compose", [Param("transforms", .list)], "Compose(transforms): applies transforms in order.") { a, rt in
            .object(TransformObject(Compose(try a.list(0).enumerated().compactMap { try transform($0.element, "Compose: element \($0.offset)", runtime: rt) })))
        }
        t.function("Lambda", [Param("fn", .callable)], "Lambda(fn): a transform from a function of one tensor.") { a, rt in
            guard let tr = try transform(a[0], "Lambda", runtime: rt) else { return Value.none }
            return .object(TransformObject(tr))
        }
        TransformBuiltins.add(to: &t)
        t.function("read_image", [Param("path", .string), Param("mode", .string, default: .string("RGB"))],
                   "read_image(path, mode=\"RGB\"): a PNG or JPEG file as float32 [C, H, W] in [0, 1]; mode \"RGB\", \"L\" (grey), \"RGBA\" or \"LA\". EXIF orientation is applied.") { a, _ in
            let m = try a.string(1)
            guard let mode = ImageMode(rawValue: m) else { throw NativeError("read_image: mode must be \"RGB\", \"L\", \"RGBA\" or \"LA\", got \(Repr.quote(m))") }
            return .tensor(try ImageCodec.read(a.string(0), mode: mode))
        }
        t.function("read_mask", [Param("path", .string)],
                   "read_mask(path): a segmentation mask as int64 [H, W] class indices (palette PNGs keep their indices).") { a, _ in
            .tensor(try ImageCodec.readMask(a.string(0)))
        }
        t.function("write_image", [Param("image", .tensor), Param("path", .string), Param("quality", .int, default: .int(75)),
                                    Param("bit_depth", .int, default: .int(8)), Param("progressive", .bool, default: .bool(false))],
                   "write_image(image, path, quality=75, bit_depth=8, progressive=false): writes [C, H, W] in [0, 1] (or [H, W]) as PNG or JPEG by the extension, atomically.") { a, _ in
            try ImageCodec.write(a.tensor(0), to: a.string(1), quality: a.int(2), bitDepth: a.int(3), progressive: a.bool(4))
            return .none
        }
        return t
    }
}
