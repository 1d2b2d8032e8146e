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

    public init(root: String, train: Bool, transform: Transform? = nil) throws {
        let dir = FileManager.default.fileExists(atPath: root + "/cifar-10-batches-bin") ? root + "/cifar-10-batches-bin" : root
        let names = train ? (1...5).map { "data_batch_\($0).bin" } : ["test_batch.bin"]
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
