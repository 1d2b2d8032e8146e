import Foundation
import VisTensor

/// CIFAR-10 from its binary batches (`data_batch_1.bin` ... `data_batch_5.bin`,
/// `test_batch.bin`, in `root` or `root/cifar-10-batches-bin`): each record is a label
/// byte and 3x32x32 pixel bytes (channel planes); or from torchvision's Python version
/// (`root/cifar-10-batches-py`, pickles turned into the same records). Images are
/// float32 [3, 32, 32] in [0, 1].
public final class CIFAR10: Dataset {
    public static let classNames = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
    static let recordSize = 1 + 3 * 32 * 32

    public let train: Bool
    public let transform: Transform?
    let records: [UInt8]
    public var classes: [String]? { CIFAR10.classNames }

    /// The folders searched, in order: `root/cifar-10-batches-bin` (the binary
    /// version's folder), then `root` itself; then torchvision's
    /// `root/cifar-10-batches-py` (the Python version's pickles).
    public static func folders(root: String) -> [String] { [root + "/cifar-10-batches-bin", root] }

    /// Loads the batches from the first of `folders(root:)` holding the binary ones,
    /// else from torchvision's `root/cifar-10-batches-py`. vis cannot download: when
    /// neither is there the error names the folders and where the files come from
    /// (`download` only changes how it begins).
    public init(root: String, train: Bool, transform: Transform? = nil, download: Bool = false) throws {
        let folders = CIFAR10.folders(root: root)
        let names = train ? (1...5).map { "data_batch_\($0).bin" } : ["test_batch.bin"]
        guard let dir = folders.first(where: { FileManager.default.fileExists(atPath: $0 + "/" + names[0]) }) else {
            let py = root + "/cifar-10-batches-py"
            let pyNames = train ? (1...5).map { "data_batch_\($0)" } : ["test_batch"]
            if FileManager.default.fileExists(atPath: py + "/" + pyNames[0]) {
                records = try pyNames.reduce(into: [UInt8]()) { all, n in all += try CIFAR10.pythonBatch(py + "/" + n) }
                self.train = train
                self.transform = transform
                return
            }
            let start = download ? "download=true cannot fetch the files: vis has no network access, and" : "dataset not found:"
            throw TensorError("CIFAR10", "\(start) no \(names[0]) in " + (folders + []).map { "'\($0)'" }.joined(separator: ", ") +
                              " and no \(pyNames[0]) in '\(py)'; extract https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz (torchvision's, makes cifar-10-batches-py) or the binary version https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz (makes cifar-10-batches-bin) into '\(root)'")
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

    /// One batch of the Python version (a pickled dict with `data`, a uint8 numpy
    /// array [N, 3072] of channel planes, and `labels`, N ints) as binary records
    /// (label byte, then the 3072 pixel bytes), the form the binary version has.
    /// CIFAR-100's batches hold `fine_labels` (0-99): `labelsKey` and `classCount` say so.
    static func pythonBatch(_ path: String, op: String = "CIFAR10", labelsKey: String = "labels", classCount: Int = 10) throws -> [UInt8] {
        let bytes = try FileBytes.contents(path, op: op)
        guard case .dict(let d) = try Pickle.load(bytes, name: path, op: op) else {
            throw TensorError(op, "'\(path)' does not hold a dict (a \(op) Python batch does)")
        }
        func bad(_ why: String) -> TensorError { TensorError(op, "'\(path)': \(why) (expected \(op)'s data [N, 3072] uint8 and N \(labelsKey))") }
        // data: numpy's _reconstruct, its state (version, shape, dtype, fortran, raw bytes).
        guard case .object(let array)? = d["data"], array.name?.hasSuffix("multiarray._reconstruct") == true,
              case .tuple(let state)? = array.state, state.count == 5,
              case .tuple(let shape) = state[1], shape.count == 2, case .int(let n) = shape[0], case .int(3072) = shape[1],
              case .object(let dtype) = state[2], case .tuple(let dargs) = dtype.args, dargs.first?.text == "u1",
              case .bool(false) = state[3], let raw = state[4].latin1 else {
            throw bad("no uint8 data array of 3072 columns")
        }
        guard raw.count == n * 3072 else { throw bad("the data array holds \(raw.count) bytes for \(n) rows") }
        guard case .list(let labels)? = d[labelsKey], labels.items.count == n else { throw bad("no list of \(n) \(labelsKey)") }
        var out: [UInt8] = []
        out.reserveCapacity(n * CIFAR10.recordSize)
        for (k, l) in labels.items.enumerated() {
            guard case .int(let label) = l, (0..<classCount).contains(label) else { throw bad("label \(k) is not an int in 0-\(classCount - 1)") }
            out.append(UInt8(label))
            out += raw[(k * 3072)..<((k + 1) * 3072)]
        }
        return out
    }

    public var count: Int { records.count / CIFAR10.recordSize }

    /// torchvision's `.data`: the images as uint8 [N, 32, 32, 3] (rows, columns,
    /// channels, as torchvision's numpy array), from the records' channel planes.
    public func data() -> Tensor { CIFAR10.hwc(records) }

    /// Records (label byte, 3072 bytes of channel planes) as uint8 [N, 32, 32, 3].
    static func hwc(_ records: [UInt8]) -> Tensor {
        let n = records.count / CIFAR10.recordSize, plane = 32 * 32
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
