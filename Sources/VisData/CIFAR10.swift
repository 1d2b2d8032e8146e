import Foundation
import VisTensor

/// CIFAR-10 from its binary batches (`data_batch_1.bin` ... `data_batch_5.bin`,
/// `test_batch.bin`, in `root` or `root/cifar-10-batches-bin`): each record is a label
/// byte and 3x32x32 pixel bytes (channel planes). Images are float32 [3, 32, 32] in [0, 1].
public final class CIFAR10: Dataset {
    public static let classNames = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
    static let recordSize = 1 + 3 * 32 * 32

    public let train: Bool
    public let transform: Transform?
    let records: [UInt8]
    public var classes: [String]? { CIFAR10.classNames }

    /// The folders searched, in order: `root/cifar-10-batches-bin` (the binary
    /// version's folder), then `root` itself.
    public static func folders(root: String) -> [String] { [root + "/cifar-10-batches-bin", root] }

    /// Loads the binary batches from the first of `folders(root:)` holding them. vis
    /// cannot download: when they are missing the error names the folders and where
    /// the files come from (`download` only changes how it begins).
    public init(root: String, train: Bool, transform: Transform? = nil, download: Bool = false) throws {
        let folders = CIFAR10.folders(root: root)
        let names = train ? (1...5).map { "data_batch_\($0).bin" } : ["test_batch.bin"]
        guard let dir = folders.first(where: { FileManager.default.fileExists(atPath: $0 + "/" + names[0]) }) else {
            let start = download ? "download=true cannot fetch the files: vis has no network access, and" : "dataset not found:"
            let python = FileManager.default.fileExists(atPath: root + "/cifar-10-batches-py")
                ? " ('\(root)/cifar-10-batches-py' holds the Python version, pickles vis does not read)" : ""
            throw TensorError("CIFAR10", "\(start) no \(names[0]) in " + folders.map { "'\($0)'" }.joined(separator: ", ") + python +
                              "; extract the binary version, https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz, into '\(root)' (it makes cifar-10-batches-bin)")
        }
        var all: [UInt8] = []
        for n in names {
            let path = dir + "/" + n
            guard FileManager.default.fileExists(atPath: path) else {
                throw TensorError("CIFAR10", "'\(dir)' has no \(n) (the binary version of CIFAR-10)")
            }
            // Through FileBytes: a regular file within the size limit (a device or a
            // fifo under the name is refused, not read without end).
            let data = try FileBytes.contents(path, op: "CIFAR10")
            guard data.count % CIFAR10.recordSize == 0 else {
                throw TensorError("CIFAR10", "'\(path)' has \(data.count) bytes, not a whole number of \(CIFAR10.recordSize)-byte records")
            }
            let (total, overflow) = all.count.addingReportingOverflow(data.count)
            guard !overflow, total <= Shape.maxElements else {
                throw TensorError("CIFAR10", "'\(dir)': the batches hold more than \(Shape.maxElements) bytes")
            }
            all += data
        }
        records = all
        self.train = train
        self.transform = transform
    }

    public var count: Int { records.count / CIFAR10.recordSize }

    /// torchvision's `.data`: the images as uint8 [N, 32, 32, 3] (rows, columns,
    /// channels, as torchvision's numpy array), from the records' channel planes.
    public func data() -> Tensor {
        let n = count, plane = 32 * 32
        let t = Tensor(uninitialized: [n, 32, 32, 3], dtype: .uint8)
        let o = t.storage.uint8s
        records.withUnsafeBufferPointer { r in
            for i in 0..<n {
                let src = i * CIFAR10.recordSize + 1
                for p in 0..<plane {
                    for c in 0..<3 { o[(i * plane + p) * 3 + c] = r[src + c * plane + p] }
                }
            }
        }
        return t
    }

    /// torchvision's `.targets`: the labels as a list of ints.
    public var targets: [Int] { (0..<count).map { Int(records[$0 * CIFAR10.recordSize]) } }
    public var name: String { "CIFAR10(\(train ? "train" : "test"), \(count) samples)" }
    public var threadSafe: Bool { transform?.threadSafe ?? true }
    public func label(_ index: Int) -> Int? { Int(records[index * CIFAR10.recordSize]) }

    public func sample(_ index: Int, generator: Generator) throws -> [SampleItem] {
        let start = index * CIFAR10.recordSize
        let label = Int(records[start])
        guard label < 10 else { throw TensorError("CIFAR10", "record \(index) has label \(label), outside 0-9") }
        var x = Tensor(uninitialized: [3, 32, 32])
        let p = x.floatPointer
        for i in 0..<(3 * 32 * 32) { p[i] = Float(records[start + 1 + i]) / 255 }
        if let transform { x = try transform.apply(x, generator: generator) }
        return [.tensor(x), .label(label)]
    }
}
