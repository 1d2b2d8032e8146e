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
            XCTAssertEqual("\($0)", "MNIST: '\(dir)' has no train-images-idx3-ubyte (or train-images-idx3-ubyte.gz)")
        }
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
