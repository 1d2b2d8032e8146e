import Foundation
import VisTensor

/// CIFAR-100 (torchvision's CIFAR100): 100 fine classes. Read from torchvision's Python
/// version, `root/cifar-100-python/train` or `test` (pickles with `data` and
/// `fine_labels`, class names from `meta`'s `fine_label_names`), or from the binary
/// version, `root/cifar-100-binary/train.bin` or `test.bin` (records of a coarse label
/// byte, a fine label byte and 3072 pixel bytes; class names from
/// `fine_label_names.txt`). Samples are (float32 [3, 32, 32] in [0, 1], fine label).
public final class CIFAR100: Dataset {
    public let train: Bool
    public let transform: Transform?
    /// Records as CIFAR-10's: the fine label byte, then the 3072 pixel bytes.
    let records: [UInt8]
    public let classes: [String]?

    public init(root: String, train: Bool, transform: Transform? = nil, download: Bool = false) throws {
        let py = root + "/cifar-100-python", bin = root + "/cifar-100-binary"
        let split = train ? "train" : "test"
        let fm = FileManager.default
        if fm.fileExists(atPath: py + "/" + split) {
            records = try CIFAR10.pythonBatch(py + "/" + split, op: "CIFAR100", labelsKey: "fine_labels", classCount: 100)
            guard case .dict(let meta) = try Pickle.load(try FileBytes.contents(py + "/meta", op: "CIFAR100"), name: py + "/meta", op: "CIFAR100"),
                  case .list(let names)? = meta["fine_label_names"], names.items.count == 100 else {
                throw TensorError("CIFAR100", "'\(py)/meta' has no list of 100 fine_label_names")
            }
            classes = names.items.map { $0.text ?? "?" }
        } else if fm.fileExists(atPath: bin + "/" + split + ".bin") {
            let path = bin + "/" + split + ".bin"
            let data = try FileBytes.contents(path, op: "CIFAR100")
            let size = CIFAR10.recordSize + 1
            guard data.count % size == 0 else {
                throw TensorError("CIFAR100", "'\(path)' has \(data.count) bytes, not a whole number of \(size)-byte records")
            }
            var out: [UInt8] = []
            out.reserveCapacity(data.count / size * CIFAR10.recordSize)
            for r in 0..<(data.count / size) {
                let fine = data[r * size + 1]
                guard fine < 100 else { throw TensorError("CIFAR100", "'\(path)': record \(r) has fine label \(fine), outside 0-99") }
                out.append(fine)
                out += data[(r * size + 2)..<((r + 1) * size)]
            }
            records = out
            let names = (try? String(contentsOfFile: bin + "/fine_label_names.txt", encoding: .utf8))?
                .split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
            classes = names?.count == 100 ? names : (0..<100).map(String.init)
        } else {
            let start = download ? "download=true cannot fetch the files: vis has no network access, and" : "dataset not found:"
            throw TensorError("CIFAR100", "\(start) no \(split) in '\(py)' and no \(split).bin in '\(bin)'; extract https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz (torchvision's, makes cifar-100-python) or https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz into '\(root)'")
        }
        self.train = train
        self.transform = transform
    }

    public var count: Int { records.count / CIFAR10.recordSize }
    public var name: String { "CIFAR100(\(train ? "train" : "test"), \(count) samples)" }
    public var threadSafe: Bool { transform?.threadSafe ?? true }
    public func label(_ index: Int) -> Int? { Int(records[index * CIFAR10.recordSize]) }
    /// torchvision's `.data`: uint8 [N, 32, 32, 3].
    public func data() -> Tensor { CIFAR10.hwc(records) }
    /// torchvision's `.targets`: the fine labels as a list of ints.
    public var targets: [Int] { (0..<count).map { Int(records[$0 * CIFAR10.recordSize]) } }

    public func sample(_ index: Int, generator: Generator) throws -> [SampleItem] {
        let start = index * CIFAR10.recordSize
        var x = Tensor(uninitialized: [3, 32, 32])
        let p = x.floatPointer
        for i in 0..<(3 * 32 * 32) { p[i] = Float(records[start + 1 + i]) / 255 }
        if let transform { x = try transform.apply(x, generator: generator) }
        return [.tensor(x), .label(Int(records[start]))]
    }
}
