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
    let kind: String
    public let classes: [String]?
    let rows: Int, cols: Int

    /// Loads `train` or test files from `root` (`train-images-idx3-ubyte[.gz]` etc.).
    public init(root: String, train: Bool, fashion: Bool, transform: Transform? = nil) throws {
        let prefix = train ? "train" : "t10k"
        func find(_ stem: String) throws -> String {
            for candidate in [stem, stem + ".gz"] {
                let path = root + "/" + candidate
                if FileManagerProbe.exists(path) { return path }
            }
            throw TensorError(fashion ? "FashionMNIST" : "MNIST", "'\(root)' has no \(stem) (or \(stem).gz)" +
                              (fashion && root == MNIST.fashionRoot ? "; install it with: apt-get install dataset-fashion-mnist (scripts/setup does)" : ""))
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
