import VisData
import VisTensor

/// A PairTransform as a .vis value. Calling it on a pair, `pt(image, mask)` or
/// `pt(img1, img2)`, applies it as the datasets do and returns the two results: an
/// int64 [H, W] second argument (read_mask's mask) is a mask, sampled nearest, filled
/// with class 0, untouched by the colour transforms, and returned int64 [H, W].
public final class PairTransformObject: CallableObject {
    public let transform: PairTransform
    public init(_ t: PairTransform) { transform = t }
    public var typeName: String { "PairTransform" }
    public func member(_ name: String) throws -> Value? { nil }
    public var memberNames: [String] { [] }
    public var repr: String { transform.description }
    public func call(_ args: Arguments, _ runtime: Runtime) throws -> Value {
        guard args.positional.count == 2, args.keywords.isEmpty else {
            throw NativeError("PairTransform takes two tensors, (image, mask) or (img1, img2), got \(args.positional.count) argument\(args.positional.count == 1 ? "" : "s")")
        }
        let x = try Convert.tensor(args.positional[0], context: "PairTransform: the first image")
        let y = try Convert.tensor(args.positional[1], context: "PairTransform: the second image")
        let generator = Generator(seed: Generator.global.next())
        if y.dtype == .int64 && y.ndim == 2 {
            let (a, b) = try transform.apply(x, y.to(.float32).unsqueeze(0), generator: generator, secondIsMask: true)
            return .tuple([.tensor(a), .tensor(try b.squeeze(0).to(.int64))])
        }
        let (a, b) = try transform.apply(x, y, generator: generator)
        return .tuple([.tensor(a), .tensor(b)])
    }
}

/// Bindings of the image transforms and folder datasets (LIBRARY.md "Data").
enum TransformBuiltins {
    static func object(_ t: Transform) -> Value { .object(TransformObject(t)) }

    static func pair(_ a: BoundArguments, _ name: String) throws -> (Int, Int) {
        let xs = try a.ints(name, count: 2)
        guard xs.count == 2 else { throw NativeError("\(a.function): size must be an int or [h, w]") }
        return (xs[0], xs[1])
    }

    static func range(_ a: BoundArguments, _ name: String, symmetric: Bool) throws -> (Double, Double) {
        if let d = a[name].asDouble { return symmetric ? (-Swift.abs(d), Swift.abs(d)) : (d, d) }
        let xs = try a.list(name).map { v -> Double in
            guard let d = v.asDouble else { throw NativeError("\(a.function): expected numbers") }
            return d
        }
        guard xs.count == 2 else { throw NativeError("\(a.function): expected a number or a pair of numbers") }
        return (xs[0], xs[1])
    }

    static func interpolation(_ a: BoundArguments, _ name: String = "interpolation") throws -> Interpolation {
        let s = try a.string(name)
        guard let m = Interpolation(rawValue: s) else { throw NativeError("\(a.function): interpolation must be \"bilinear\" or \"nearest\", got \(Repr.quote(s))") }
        return m
    }

    /// The geometric transforms in a value (a list, a Compose or one transform).
    static func geometric(_ v: Value, runtime: Runtime) throws -> [GeometricTransform] {
        let items: [Value]
        switch v {
        case .none: return []
        case .list(let l): items = l.items
        default: items = [v]
        }
        return try items.flatMap { item -> [GeometricTransform] in
            guard case .object(let o as TransformObject) = item else { throw NativeError("PairTransform: geometric= takes transforms, got \(item.typeName)") }
            if let c = o.transform as? Compose {
                return try c.transforms.map { t in
                    guard let g = t as? GeometricTransform else { throw NativeError("PairTransform: \(t.description) is not geometric; put it in each=") }
                    return g
                }
            }
            guard let g = o.transform as? GeometricTransform else { throw NativeError("PairTransform: \(o.transform.description) is not geometric; put it in each=") }
            return [g]
        }
    }

    static func add(to t: inout BuiltinTable) {
        let size = Param("size", .ints)
        t.function("Resize", [size, Param("interpolation", .string, default: .string("bilinear"))],
                   "Resize(size, interpolation=\"bilinear\"): an int makes the shorter side that long; [h, w] resizes exactly. Antialiased like torchvision.") { a, _ in
            object(try Resize(size: a.ints("size"), interpolation: interpolation(a, "interpolation")))
        }
        t.function("CenterCrop", [size], "CenterCrop(size): the centre [h, w] window.") { a, _ in object(try CenterCrop(size: pair(a, "size"))) }
        t.function("RandomCrop", [size, Param("padding", .int, default: .int(0)), Param("pad_if_needed", .bool, default: .bool(false)), Param("fill", .float, default: .float(0))],
                   "RandomCrop(size, padding=0, pad_if_needed=false, fill=0): a random window after zero padding.") { a, _ in
            object(try RandomCrop(size: pair(a, "size"), padding: a.int("padding"), padIfNeeded: a.bool("pad_if_needed"), fill: a.double("fill")))
        }
        t.function("RandomResizedCrop", [size, Param("scale", .list, default: .list(ListBox([.float(0.08), .float(1.0)]))),
                                          Param("ratio", .list, default: .list(ListBox([.float(3.0 / 4), .float(4.0 / 3)]))),
                                          Param("interpolation", .string, default: .string("bilinear"))],
                   "RandomResizedCrop(size, scale=[0.08, 1.0], ratio=[0.75, 1.3333333333333333], interpolation=\"bilinear\"): a random area and aspect, resized (torchvision's sampling).") { a, _ in
            object(try RandomResizedCrop(size: pair(a, "size"), scale: range(a, "scale", symmetric: false), ratio: range(a, "ratio", symmetric: false), interpolation: interpolation(a, "interpolation")))
        }
        for (name, vertical) in [("RandomHorizontalFlip", false), ("RandomVerticalFlip", true)] {
            t.function(name, [Param("p", .float, default: .float(0.5))], "\(name)(p=0.5): mirrors the image with probability p.") { a, _ in
                object(try RandomFlip(p: a.double("p"), vertical: vertical))
            }
        }
        t.function("RandomRotation", [Param("degrees", .oneOf([.float, .list])), Param("interpolation", .string, default: .string("nearest")), Param("fill", .float, default: .float(0))],
                   "RandomRotation(degrees, interpolation=\"nearest\", fill=0): rotates by an angle in [-degrees, degrees] (or a [min, max] range).") { a, _ in
            object(try RandomRotation(degrees: range(a, "degrees", symmetric: true), interpolation: interpolation(a, "interpolation"), fill: a.double("fill")))
        }
        t.function("ColorJitter", [Param("brightness", .float, default: .float(0)), Param("contrast", .float, default: .float(0)),
                                    Param("saturation", .float, default: .float(0)), Param("hue", .float, default: .float(0))],
                   "ColorJitter(brightness=0, contrast=0, saturation=0, hue=0): random colour changes in a random order.") { a, _ in
            object(try ColorJitter(brightness: a.double("brightness"), contrast: a.double("contrast"), saturation: a.double("saturation"), hue: a.double("hue")))
        }
        t.function("Grayscale", [Param("num_output_channels", .int, default: .int(1))], "Grayscale(num_output_channels=1): RGB to grey.") { a, _ in
            object(try Grayscale(outputChannels: a.int("num_output_channels")))
        }
        t.function("PairTransform", [Param("geometric", default: .list(ListBox([]))), Param("each", default: .list(ListBox([])))],
                   "PairTransform(geometric=[...], each=[...]): the same random geometry for both images of a pair, independent colour transforms for each.") { a, rt in
            let each: [Transform]
            switch a["each"] {
            case .list(let l): each = try l.items.compactMap { try DataBuiltins.transform($0, "PairTransform: each", runtime: rt) }
            default: each = try DataBuiltins.transform(a["each"], "PairTransform: each", runtime: rt).map { [$0] } ?? []
            }
            return .object(PairTransformObject(PairTransform(geometric: try geometric(a["geometric"], runtime: rt), each: each)))
        }
        t.function("ImageFolder", [Param("root", .string), Param("transform", default: Value.none), Param("target_transform", default: Value.none),
                                    Param("mode", .string, default: .string("RGB"))],
                   "ImageFolder(root, transform=none, target_transform=none, mode=\"RGB\"): images in one folder per class (sorted names), samples (image, class index); .samples, .imgs, .targets, .classes as torchvision.") { a, rt in
            let ds = try ImageFolder(root: a.string("root"), transform: DataBuiltins.transform(a["transform"], "ImageFolder: transform", runtime: rt), mode: mode(a, "mode"))
            let fn = a["target_transform"]
            if fn.isNone { return .object(DatasetObject(ds)) }
            guard DataBuiltins.isCallable(fn) else { throw NativeError("ImageFolder: target_transform must be a function or a model with forward or __call__, got \(fn.typeName)") }
            return .object(DatasetObject(TargetTransformed(ds, fn, runtime: rt, context: "ImageFolder: target_transform")))
        }
        t.function("PairedImageFolder", [Param("root", .string), Param("pair_suffix", .string, default: .string("(1)")), Param("transform", default: Value.none),
                                          Param("pair_transform", default: Value.none), Param("strict", .bool, default: .bool(false)), Param("mode", .string, default: .string("RGB"))],
                   "PairedImageFolder(root, pair_suffix=\"(1)\", transform=none, pair_transform=none, strict=false, mode=\"RGB\"): two views per sample (name.jpg + name(1).jpg), samples (img1, img2, label).") { a, rt in
            var pt: PairTransform? = nil
            if case .object(let o as PairTransformObject) = a["pair_transform"] { pt = o.transform } else if DataBuiltins.isCallable(a["pair_transform"]) {
                pt = joint(a["pair_transform"], "PairedImageFolder: pair_transform", runtime: rt)
            } else if !a["pair_transform"].isNone {
                throw NativeError("PairedImageFolder: pair_transform must be a PairTransform or a function of two images, got \(a["pair_transform"].typeName)")
            }
            let ds = try PairedImageFolder(root: a.string("root"), pairSuffix: a.string("pair_suffix"), transform: DataBuiltins.transform(a["transform"], "PairedImageFolder: transform", runtime: rt),
                                           pairTransform: pt, strict: a.bool("strict"), mode: mode(a, "mode"))
            if !ds.unpaired.isEmpty { rt.write("warning: PairedImageFolder skipped \(ds.unpaired.count) unpaired file\(ds.unpaired.count == 1 ? "" : "s") (strict=true makes this an error)\n") }
            return .object(DatasetObject(ds))
        }
        t.function("SegmentationFolder", [Param("images", .string), Param("masks", .string), Param("transform", default: Value.none), Param("mode", .string, default: .string("RGB"))],
                   "SegmentationFolder(images, masks, transform=none, mode=\"RGB\"): images and masks matched by file stem; samples (image, mask int64 [H, W]); geometric transforms apply to both.") { a, rt in
            var pt: PairTransform? = nil
            switch a["transform"] {
            case .none: break
            case .object(let o as PairTransformObject): pt = o.transform
            case _ where DataBuiltins.isCallable(a["transform"]): pt = joint(a["transform"], "SegmentationFolder: transform", runtime: rt)
            default: pt = PairTransform(geometric: try geometric(a["transform"], runtime: rt), each: [])
            }
            return .object(DatasetObject(try SegmentationFolder(images: a.string("images"), masks: a.string("masks"), transform: pt, mode: mode(a, "mode"))))
        }
    }

    /// A hand-written transform of a pair (`fn(img, mask) { ...; return img, mask }`, a
    /// model with `forward` or `__call__` of two arguments, like the seed tutorials'
    /// synchronized PairTransform class): called with both tensors, it must return two.
    static func joint(_ f: Value, _ context: String, runtime: Runtime) -> PairTransform {
        let name = DataBuiltins.transformName(f)
        return PairTransform(geometric: [], each: [], joint: { x, y, generator in
            let out = try DataBuiltins.withGlobalGenerator(generator) { try runtime.call(f, [.tensor(x), .tensor(y)], keywords: []) }
            var items: [Value] = []
            if case .tuple(let t) = out { items = t } else if case .list(let l) = out { items = l.items }
            if items.count == 2, case .tensor(let a) = items[0], case .tensor(let b) = items[1] { return (a, b) }
            throw NativeError("\(context): \(name) returned \(out.typeNameWithArticle), not a pair of tensors")
        }, jointName: name)
    }

    static func mode(_ a: BoundArguments, _ name: String = "mode") throws -> ImageMode {
        let s = try a.string(name)
        guard let m = ImageMode(rawValue: s) else { throw NativeError("\(a.function): mode must be \"RGB\", \"L\", \"RGBA\" or \"LA\", got \(Repr.quote(s))") }
        return m
    }
}
