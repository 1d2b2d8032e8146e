import Foundation
import VisTensor

/// File-system helpers shared by the folder datasets.
enum Folders {
    /// Extensions read as images (compared case-insensitively).
    static let imageExtensions: Set<String> = ["png", "jpg", "jpeg"]

    /// Visible entries of a folder, sorted; an error names the folder when it cannot be read.
    static func list(_ path: String, op: String) throws -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else {
            throw TensorError(op, "cannot read folder '\(path)'")
        }
        return names.filter { !$0.hasPrefix(".") }.sorted()
    }

    static func isDirectory(_ path: String) -> Bool {
        var d: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &d) && d.boolValue
    }

    static func isImage(_ name: String) -> Bool {
        imageExtensions.contains((name as NSString).pathExtension.lowercased())
    }

    /// Class folders of `root` (sorted) and the image files in each, recursively.
    static func classFolders(_ root: String, op: String) throws -> [(String, [String])] {
        let classes = try list(root, op: op).filter { isDirectory(root + "/" + $0) }
        guard !classes.isEmpty else { throw TensorError(op, "'\(root)' has no class folders (expected one folder per class)") }
        return try classes.map { c in
            let dir = root + "/" + c
            var files: [String] = []
            let walker = FileManager.default.enumerator(atPath: dir)
            while let rel = walker?.nextObject() as? String {
                if rel.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
                if isImage(rel) && !isDirectory(dir + "/" + rel) { files.append(dir + "/" + rel) }
            }
            guard !files.isEmpty else { throw TensorError(op, "class folder '\(dir)' has no images (.png, .jpg, .jpeg)") }
            return (c, files.sorted())
        }
    }
}

/// Images in one folder per class (torchvision's ImageFolder): class names are the
/// sorted folder names, samples are (image [C, H, W], class index).
public final class ImageFolder: Dataset {
    public let root: String
    public let classes: [String]?
    public let samples: [(path: String, label: Int)]
    public let transform: Transform?
    public let mode: ImageMode

    public init(root: String, transform: Transform? = nil, mode: ImageMode = .RGB) throws {
        let folders = try Folders.classFolders(root, op: "ImageFolder")
        self.root = root
        classes = folders.map(\.0)
        samples = folders.enumerated().flatMap { i, f in f.1.map { (path: $0, label: i) } }
        self.transform = transform
        self.mode = mode
    }

    public var count: Int { samples.count }
    public var name: String { "ImageFolder('\(root)', \(count) images, \(classes?.count ?? 0) classes)" }
    public var threadSafe: Bool { transform?.threadSafe ?? true }
    public func label(_ index: Int) -> Int? { samples[index].label }

    public func sample(_ index: Int, generator: Generator) throws -> [SampleItem] {
        var x = try ImageCodec.read(samples[index].path, mode: mode)
        if let transform { x = try transform.apply(x, generator: generator) }
        return [.tensor(x), .label(samples[index].label)]
    }
}

/// Two views of one object per sample, as the two-input tutorials lay them out: in
/// each class folder `name.jpg` pairs with `name(1).jpg` (the `pairSuffix`). Samples
/// are (view1, view2, class index). Unpaired files are counted (`unpaired`), or an
/// error with `strict`.
public final class PairedImageFolder: Dataset {
    public let root: String
    public let classes: [String]?
    public let pairs: [(first: String, second: String, label: Int)]
    /// Files that had no partner.
    public let unpaired: [String]
    public let transform: Transform?
    public let pairTransform: PairTransform?
    public let mode: ImageMode

    public init(root: String, pairSuffix: String = "(1)", transform: Transform? = nil, pairTransform: PairTransform? = nil,
                strict: Bool = false, mode: ImageMode = .RGB) throws {
        let folders = try Folders.classFolders(root, op: "PairedImageFolder")
        var pairs: [(String, String, Int)] = []
        var unpaired: [String] = []
        for (label, (_, files)) in folders.enumerated() {
            let set = Set(files)
            var used = Set<String>()
            for f in files where !used.contains(f) {
                let ext = (f as NSString).pathExtension
                let stem = (f as NSString).deletingPathExtension
                if stem.hasSuffix(pairSuffix) { continue }
                let partnerStem: String = stem + pairSuffix
                var candidates: [String] = [partnerStem + "." + ext]
                for e in Folders.imageExtensions.sorted() {
                    candidates.append(partnerStem + "." + e)
                    candidates.append(partnerStem + "." + e.uppercased())
                }
                if let partner = candidates.first(where: { set.contains($0) }) {
                    pairs.append((f, partner, label))
                    used.insert(f)
                    used.insert(partner)
                }
            }
            unpaired += files.filter { !used.contains($0) }
        }
        if strict && !unpaired.isEmpty {
            throw TensorError("PairedImageFolder", "\(unpaired.count) file\(unpaired.count == 1 ? " has" : "s have") no partner with suffix '\(pairSuffix)': " + unpaired.prefix(5).joined(separator: ", ") + (unpaired.count > 5 ? ", ..." : ""))
        }
        guard !pairs.isEmpty else { throw TensorError("PairedImageFolder", "'\(root)' has no image pairs (name.jpg + name\(pairSuffix).jpg)") }
        self.root = root
        classes = folders.map(\.0)
        self.pairs = pairs.map { (first: $0.0, second: $0.1, label: $0.2) }
        self.unpaired = unpaired
        self.transform = transform
        self.pairTransform = pairTransform
        self.mode = mode
    }

    public var count: Int { pairs.count }
    public var name: String {
        "PairedImageFolder('\(root)', \(count) pairs, \(classes?.count ?? 0) classes" + (unpaired.isEmpty ? ")" : ", \(unpaired.count) unpaired files skipped)")
    }
    public var threadSafe: Bool { (transform?.threadSafe ?? true) && (pairTransform?.threadSafe ?? true) }
    public func label(_ index: Int) -> Int? { pairs[index].label }

    public func sample(_ index: Int, generator: Generator) throws -> [SampleItem] {
        let p = pairs[index]
        var a = try ImageCodec.read(p.first, mode: mode), b = try ImageCodec.read(p.second, mode: mode)
        if let pairTransform { (a, b) = try pairTransform.apply(a, b, generator: generator) }
        if let transform {
            a = try transform.apply(a, generator: generator)
            b = try transform.apply(b, generator: generator)
        }
        return [.tensor(a), .tensor(b), .label(p.label)]
    }
}

/// Images and segmentation masks matched by file stem (`images/x.jpg` with
/// `masks/x.png`): samples are (image [C, H, W], mask [H, W] int64 class indices).
/// Geometric transforms apply to both, with nearest-neighbour sampling for the mask.
public final class SegmentationFolder: Dataset {
    public let pairs: [(image: String, mask: String)]
    public let transform: PairTransform?
    public let mode: ImageMode
    let imagesRoot: String

    public init(images: String, masks: String, transform: PairTransform? = nil, mode: ImageMode = .RGB) throws {
        let imageFiles = try Folders.list(images, op: "SegmentationFolder").filter(Folders.isImage)
        let maskFiles = try Folders.list(masks, op: "SegmentationFolder").filter(Folders.isImage)
        var maskByStem: [String: String] = [:]
        for m in maskFiles { maskByStem[(m as NSString).deletingPathExtension] = masks + "/" + m }
        var pairs: [(String, String)] = []
        var missing: [String] = []
        for f in imageFiles {
            if let m = maskByStem[(f as NSString).deletingPathExtension] { pairs.append((images + "/" + f, m)) } else { missing.append(f) }
        }
        guard missing.isEmpty else {
            throw TensorError("SegmentationFolder", "\(missing.count) image\(missing.count == 1 ? " has" : "s have") no mask in '\(masks)': " + missing.prefix(5).joined(separator: ", "))
        }
        guard !pairs.isEmpty else { throw TensorError("SegmentationFolder", "'\(images)' has no images") }
        self.pairs = pairs.map { (image: $0.0, mask: $0.1) }
        self.transform = transform
        self.mode = mode
        imagesRoot = images
    }

    public var count: Int { pairs.count }
    public var name: String { "SegmentationFolder('\(imagesRoot)', \(count) images)" }
    public var threadSafe: Bool { transform?.threadSafe ?? true }

    public func sample(_ index: Int, generator: Generator) throws -> [SampleItem] {
        var image = try ImageCodec.read(pairs[index].image, mode: mode)
        var mask = try ImageCodec.readMask(pairs[index].mask)
        guard image.shape[1] == mask.shape[0] && image.shape[2] == mask.shape[1] else {
            throw TensorError("SegmentationFolder", "'\(pairs[index].image)' is \(image.shape[2])x\(image.shape[1]) but its mask '\(pairs[index].mask)' is \(mask.shape[1])x\(mask.shape[0])")
        }
        if let transform {
            let m = try mask.to(.float32).unsqueeze(0)
            let (a, b) = try transform.apply(image, m, generator: generator, secondIsMask: true)
            image = a
            mask = try b.squeeze(0).to(.int64)
        }
        return [.tensor(image), .tensor(mask)]
    }
}
