import Foundation
import VisTensor

/// MNIST and Fashion-MNIST from their IDX files (gzipped or not): images as float32
/// [1, 28, 28] in [0, 1] (torchvision's ToTensor), labels as class indices.
public final class MNIST: Dataset {
    /// Where Debian's `dataset-fashion-mnist` package installs its files.
    public static let fashionRoot = "/usr/share/datasets/fashion-mnist"
    /// Fashion-MNIST's class names, in label order.
    public static let fashionClasses = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

    public let train: Bool
    public let transform: Transform?
    let images: IDXArray
    let labels: IDXArray
    /// "MNIST" or "FashionMNIST", as the dataset prints and errors name it.
    public let kind: String
    public let classes: [String]?
    let rows: Int, cols: Int

    /// Where the IDX files come from, for the error when they are missing.
    static func source(fashion: Bool) -> String {
        fashion ? "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/ (or the Debian package dataset-fashion-mnist, which installs them in \(MNIST.fashionRoot))"
                : "https://ossci-datasets.s3.amazonaws.com/mnist/ (mirror of http://yann.lecun.com/exdb/mnist/)"
    }

    /// The folders searched for the files under `root`, in order: torchvision's layout
    /// `root/<Kind>/raw`, then `root/<Kind>`, then `root` itself (vis's own layout and
    /// Debian's package).
    public static func folders(root: String, kind: String) -> [String] {
        [root + "/" + kind + "/raw", root + "/" + kind, root]
    }

    /// Loads `train` or test files (`train-images-idx3-ubyte[.gz]` etc.) from the first
    /// of `folders(root:kind:)` that has them. vis cannot download: when they are
    /// missing the error names the folders, the files and where they come from
    /// (`download` only changes how it begins).
    public init(root: String, train: Bool, fashion: Bool, transform: Transform? = nil, download: Bool = false) throws {
        let prefix = train ? "train" : "t10k"
        let kindName = fashion ? "FashionMNIST" : "MNIST"
        let folders = MNIST.folders(root: root, kind: kindName)
        func find(_ stem: String) throws -> String {
            for folder in folders {
                for candidate in [stem, stem + ".gz"] {
                    let path = folder + "/" + candidate
                    if FileManagerProbe.exists(path) { return path }
                }
            }
            let files = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"].joined(separator: ", ")
            let start = download ? "download=true cannot fetch the files: vis has no network access, and" : "dataset not found:"
            throw TensorError(kindName, "\(start) no \(stem) (or \(stem).gz) in " + folders.map { "'\($0)'" }.joined(separator: ", ") +
                              "; put \(files) from \(MNIST.source(fashion: fashion)) into '\(folders[0])'")
        }
        let (imagePath, labelPath) = (try find("\(prefix)-images-idx3-ubyte"), try find("\(prefix)-labels-idx1-ubyte"))
        images = try IDXArray(path: imagePath)
        labels = try IDXArray(path: labelPath)
        kind = fashion ? "FashionMNIST" : "MNIST"
        guard images.shape.count == 3, labels.shape.count == 1, images.shape[0] == labels.shape[0] else {
            throw TensorError(kind, "image file '\(imagePath)' has shape \(shapeString(images.shape)) and label file '\(labelPath)' shape \(shapeString(labels.shape)): they do not match ([N, rows, cols] images and [N] labels)")
        }
        rows = images.shape[1]
        cols = images.shape[2]
        self.train = train
        self.transform = transform
        classes = fashion ? MNIST.fashionClasses : (0..<10).map(String.init)
    }

    public var count: Int { labels.shape[0] }
    public var name: String { "\(kind)(\(train ? "train" : "test"), \(count) samples)" }
    public var threadSafe: Bool { transform?.threadSafe ?? true }
    public func label(_ index: Int) -> Int? { Int(labels.bytes[index]) }

    /// The raw image `index` as float32 [1, H, W] in [0, 1].
    public func image(_ index: Int) -> Tensor {
        let t = Tensor(uninitialized: [1, rows, cols])
        let n = rows * cols
        let p = t.floatPointer
        images.bytes.withUnsafeBufferPointer { b in
            let start = index * n
            // As torchvision: x.float().div(255).
            for i in 0..<n { p[i] = Float(b[start + i]) / 255 }
        }
        return t
    }

    public func sample(_ index: Int, generator: Generator) throws -> [SampleItem] {
        var x = image(index)
        if let transform { x = try transform.apply(x, generator: generator) }
        return [.tensor(x), .label(Int(labels.bytes[index]))]
    }

    /// torchvision's `.data`: every image's bytes as uint8 [N, H, W].
    public func data() throws -> Tensor {
        try Shape.validate(images.shape, op: kind)
        let t = Tensor(uninitialized: images.shape, dtype: .uint8)
        images.bytes.withUnsafeBufferPointer { b in
            if let base = b.baseAddress { t.storage.uint8s.update(from: base, count: b.count) }
        }
        return t
    }

    /// torchvision's `.targets`: the labels as int64 [N].
    public func targets() throws -> Tensor { try Tensor(int64: labels.bytes.map { Int64($0) }) }

    /// All images as one float32 [N, 1, H, W] tensor in [0, 1] and labels as int64 [N]
    /// (for code that wants the whole set in memory).
    public func tensors() throws -> (Tensor, Tensor) {
        let n = count, size = rows * cols
        let x = Tensor(uninitialized: [n, 1, rows, cols])
        images.bytes.withUnsafeBufferPointer { b in
            let p = x.floatPointer
            for i in 0..<(n * size) { p[i] = Float(b[i]) / 255 }
        }
        return (x, try Tensor(int64: labels.bytes.map { Int64($0) }))
    }
}

enum FileManagerProbe {
    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }
}
