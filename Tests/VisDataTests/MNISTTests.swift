import Foundation
import XCTest
@testable import VisData
import VisTensor

/// IDX files (plain and gzipped) and the MNIST / Fashion-MNIST datasets.
final class MNISTTests: XCTestCase {
    /// An IDX file of unsigned bytes.
    static func idx(_ shape: [Int], _ values: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0, 0, 0x08, UInt8(shape.count)]
        for d in shape { out += [UInt8(d >> 24 & 0xff), UInt8(d >> 16 & 0xff), UInt8(d >> 8 & 0xff), UInt8(d & 0xff)] }
        return out + values
    }

    func testIDXParsingAndErrors() throws {
        let a = try IDXArray(bytes: MNISTTests.idx([2, 3], [1, 2, 3, 4, 5, 6]), name: "x")
        XCTAssertEqual(a.shape, [2, 3])
        XCTAssertEqual(a.bytes, [1, 2, 3, 4, 5, 6])
        XCTAssertThrowsError(try IDXArray(bytes: [1, 2, 3, 4], name: "x")) { XCTAssertEqual("\($0)", "idx: 'x': not an IDX file (bad magic number)") }
        XCTAssertThrowsError(try IDXArray(bytes: [0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0], name: "x")) {
            XCTAssertEqual("\($0)", "idx: 'x': unsupported IDX element type 0xd (only unsigned bytes, 0x08, are supported)")
        }
        XCTAssertThrowsError(try IDXArray(bytes: MNISTTests.idx([2, 3], [1, 2]), name: "x")) {
            XCTAssertEqual("\($0)", "idx: 'x': truncated data: shape [2, 3] needs 6 bytes, the file has 2")
        }
    }

    func testMutatedIDXNeverCrashes() {
        let good = MNISTTests.idx([3, 2, 2], Array(0..<12))
        let rng = Generator(seed: 11)
        for _ in 0..<1000 {
            var b = good
            for _ in 0..<Int(rng.int(below: 4)) + 1 { b[Int(rng.int(below: UInt64(b.count)))] = UInt8(truncatingIfNeeded: rng.next()) }
            if rng.int(below: 3) == 0 { b = Array(b.prefix(Int(rng.int(below: UInt64(b.count))))) }
            _ = try? IDXArray(bytes: b, name: "fuzz")
            _ = try? FileBytes.gunzip(b, name: "fuzz", op: "idx")
        }
    }

    func testDatasetFromGeneratedFiles() throws {
        let dir = NSTemporaryDirectory() + "mnist-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pixels = (0..<(3 * 2 * 2)).map { UInt8($0 * 20) }
        try Data(MNISTTests.idx([3, 2, 2], pixels)).write(to: URL(fileURLWithPath: dir + "/t10k-images-idx3-ubyte"))
        try Data(MNISTTests.idx([3], [7, 0, 9])).write(to: URL(fileURLWithPath: dir + "/t10k-labels-idx1-ubyte"))
        let ds = try MNIST(root: dir, train: false, fashion: false)
        XCTAssertEqual(ds.count, 3)
        let s = try ds.sample(1, generator: Generator(seed: 0))
        guard case .tensor(let x) = s[0], case .label(let y) = s[1] else { return XCTFail("bad sample") }
        XCTAssertEqual(x.shape, [1, 2, 2])
        XCTAssertEqual(x.toFloatArray(), [80, 100, 120, 140].map { Float($0) / 255 })
        XCTAssertEqual(y, 0)
        XCTAssertThrowsError(try MNIST(root: dir, train: true, fashion: false)) {
            XCTAssertEqual("\($0)", "MNIST: dataset not found: no train-images-idx3-ubyte (or train-images-idx3-ubyte.gz) in '\(dir)/MNIST/raw', '\(dir)/MNIST', '\(dir)'; put train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz from https://ossci-datasets.s3.amazonaws.com/mnist/ (mirror of http://yann.lecun.com/exdb/mnist/) into '\(dir)/MNIST/raw'")
        }
        XCTAssertThrowsError(try MNIST(root: dir, train: true, fashion: true, download: true)) {
            XCTAssertTrue("\($0)".hasPrefix("FashionMNIST: download=true cannot fetch the files: vis has no network access, and no train-images-idx3-ubyte (or train-images-idx3-ubyte.gz) in '\(dir)/FashionMNIST/raw'"), "\($0)")
            XCTAssertTrue("\($0)".contains("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/ (or the Debian package dataset-fashion-mnist"), "\($0)")
        }
    }

    /// torchvision's layout, root/FashionMNIST/raw with gzipped files, is found from
    /// root; `.data` is the raw bytes as uint8 [N, H, W] and `.targets` int64 [N].
    func testTorchvisionLayoutAndRawData() throws {
        let root = NSTemporaryDirectory() + "mnist-tv-\(UUID().uuidString)"
        let raw = root + "/FashionMNIST/raw"
        try FileManager.default.createDirectory(atPath: raw, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let pixels = (0..<(2 * 3 * 2)).map { UInt8($0 * 21) }
        try Data(MNISTTests.idx([2, 3, 2], pixels)).write(to: URL(fileURLWithPath: raw + "/train-images-idx3-ubyte"))
        try Data(MNISTTests.idx([2], [4, 1])).write(to: URL(fileURLWithPath: raw + "/train-labels-idx1-ubyte"))
        let ds = try MNIST(root: root, train: true, fashion: true, download: true)
        XCTAssertEqual(ds.count, 2)
        let data = try ds.data()
        XCTAssertEqual(data.shape, [2, 3, 2])
        XCTAssertEqual(data.dtype, .uint8)
        XCTAssertEqual(data.toInt64Array(), pixels.map { Int64($0) })
        XCTAssertEqual(try ds.targets().toInt64Array(), [4, 1])
        guard case .tensor(let x) = try ds.sample(1, generator: Generator(seed: 0))[0] else { return XCTFail("bad sample") }
        XCTAssertEqual(x.toFloatArray(), pixels[6...].map { Float($0) / 255 })
        // MNIST does not look in FashionMNIST's folder.
        XCTAssertThrowsError(try MNIST(root: root, train: true, fashion: false))
    }

    func testInstalledFashionMNIST() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: MNIST.fashionRoot + "/t10k-images-idx3-ubyte.gz"),
                          "dataset-fashion-mnist is not installed (scripts/setup installs it)")
        let test = try MNIST(root: MNIST.fashionRoot, train: false, fashion: true)
        XCTAssertEqual(test.count, 10_000)
        XCTAssertEqual(test.classes?.first, "T-shirt/top")
        XCTAssertTrue(test.summary.contains("Ankle boot   1000"))
        let (x, y) = try test.tensors()
        XCTAssertEqual(x.shape, [10_000, 1, 28, 28])
        XCTAssertEqual(y.toInt64Array().prefix(3), [9, 2, 1])   // the first labels of the t10k file
    }
}
