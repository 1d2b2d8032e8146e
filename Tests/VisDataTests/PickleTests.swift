import Foundation
import XCTest
@testable import VisData
import VisTensor

/// CIFAR-10's Python version (torchvision's root/cifar-10-batches-py) read through the
/// pickle reader: the fixtures of Fixtures/cifar/make_cifar_fixtures.py (Python 3,
/// protocols 2 and 4), a Python 2 batch built byte by byte (how the real files are
/// written), and malformed pickles refused without a crash.
final class PickleTests: XCTestCase {
    func fixture(_ name: String) throws -> String {
        try XCTUnwrap(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures/cifar")).path
    }

    /// torchvision's reading: the first 12 values of .data (HWC) and the labels.
    func expected() throws -> ([Int64], [Int]) {
        let lines = try String(contentsOfFile: fixture("expected.txt"), encoding: .utf8).split(separator: "\n")
        return (lines[0].split(separator: " ").map { Int64($0)! }, lines[1].split(separator: " ").map { Int($0)! })
    }

    func testPython3PicklesAsTorchvisionReadsThem() throws {
        let (pixels, labels) = try expected()
        for proto in ["p2", "p4"] {
            let ds = try CIFAR10(root: fixture(proto), train: false)
            XCTAssertEqual(ds.count, 3, proto)
            XCTAssertEqual(ds.targets, labels, proto)
            XCTAssertEqual(Array(ds.data().toInt64Array().prefix(12)), pixels, proto)
            XCTAssertThrowsError(try CIFAR10(root: fixture(proto), train: true)) {
                XCTAssertTrue("\($0)".contains("no data_batch_1 in"), "\($0)")
            }
        }
    }

    func testCIFAR100PythonVersion() throws {
        let ds = try CIFAR100(root: fixture("p2"), train: false)
        XCTAssertEqual(ds.count, 2)
        XCTAssertEqual(ds.targets, [42, 99])
        XCTAssertEqual(ds.classes?.count, 100)
        XCTAssertEqual(ds.classes?[42], "class42")
        let (pixels, _) = try expected()
        XCTAssertEqual(Array(ds.data().toInt64Array().prefix(12)), pixels)
        XCTAssertThrowsError(try CIFAR100(root: fixture("p2"), train: true, download: true)) {
            XCTAssertTrue("\($0)".hasPrefix("CIFAR100: download=true cannot fetch the files: vis has no network access, and no train in"), "\($0)")
        }
    }

    /// A Python 2 cPickle batch of one image: keys and pixels as BINSTRING / SHORT_BINSTRING.
    static func python2Batch(label: UInt8, pixels: [UInt8]) -> [UInt8] {
        func short(_ s: String) -> [UInt8] { [0x55, UInt8(s.utf8.count)] + Array(s.utf8) }
        func global(_ m: String, _ n: String) -> [UInt8] { [0x63] + Array((m + "\n" + n + "\n").utf8) }
        var b: [UInt8] = [0x80, 0x02, 0x7D, 0x71, 0x00, 0x28]
        b += short("data")
        b += global("numpy.core.multiarray", "_reconstruct") + global("numpy", "ndarray")
        b += [0x4B, 0x00, 0x85] + short("b") + [0x87, 0x52, 0x71, 0x01]
        b += [0x28, 0x4B, 0x01, 0x4B, 0x01, 0x4D, 0x00, 0x0C, 0x86]             // (1, (1, 3072)
        b += global("numpy", "dtype") + short("u1") + [0x4B, 0x00, 0x4B, 0x01, 0x87, 0x52]
        b += [0x28, 0x4B, 0x03] + short("|") + [0x4E, 0x4E, 0x4E, 0x4A, 0xFF, 0xFF, 0xFF, 0xFF, 0x4A, 0xFF, 0xFF, 0xFF, 0xFF, 0x4B, 0x00, 0x74, 0x62]
        b += [0x89, 0x54, 0x00, 0x0C, 0x00, 0x00] + pixels + [0x74, 0x62]     // False, BINSTRING, ) BUILD
        b += short("labels") + [0x5D, 0x71, 0x02, 0x4B, label, 0x61]
        b += [0x75, 0x2E]
        return b
    }

    func testPython2BatchLikeTheRealFiles() throws {
        let root = NSTemporaryDirectory() + "cifar-py2-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root + "/cifar-10-batches-py", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let pixels = (0..<3072).map { UInt8($0 % 256) }
        try Data(PickleTests.python2Batch(label: 7, pixels: pixels)).write(to: URL(fileURLWithPath: root + "/cifar-10-batches-py/test_batch"))
        let ds = try CIFAR10(root: root, train: false)
        XCTAssertEqual(ds.targets, [7])
        guard case .tensor(let x) = try ds.sample(0, generator: Generator(seed: 0))[0] else { return XCTFail("no image") }
        XCTAssertEqual(x.shape, [3, 32, 32])
        XCTAssertEqual(Array(x.toFloatArray().prefix(3)), [0, 1, 2].map { Float($0) / 255 })
        // HWC: pixel 0's channels are planes 0, 1 and 2 (values 0, 1024 % 256, 2048 % 256).
        XCTAssertEqual(Array(ds.data().toInt64Array().prefix(3)), [0, 0, 0])
        XCTAssertEqual(Array(ds.data().toInt64Array()[3..<6]), [1, 1, 1])
    }

    func testMalformedPicklesAreErrorsNotCrashes() throws {
        XCTAssertThrowsError(try Pickle.load([0x80, 0x02, 0x7D], name: "t", op: "CIFAR10")) {
            XCTAssertEqual("\($0)", "CIFAR10: 't': not a pickle vis can read (truncated at byte 3)")
        }
        XCTAssertThrowsError(try Pickle.load([0x80, 0x02, 0xFF], name: "t", op: "CIFAR10")) {
            XCTAssertEqual("\($0)", "CIFAR10: 't': not a pickle vis can read (unsupported opcode 0xff at byte 3)")
        }
        XCTAssertThrowsError(try Pickle.load([0x2E], name: "t", op: "CIFAR10"))          // STOP on an empty stack
        XCTAssertThrowsError(try Pickle.load([0x68, 0x05, 0x2E], name: "t", op: "CIFAR10")) // a missing memo entry
        XCTAssertThrowsError(try Pickle.load([0x54, 0xFF, 0xFF, 0xFF, 0x7F], name: "t", op: "CIFAR10")) // a length past the end
        let good = try Array(Data(contentsOf: URL(fileURLWithPath: fixture("p4") + "/cifar-10-batches-py/test_batch")))
        let rng = Generator(seed: 5)
        for _ in 0..<300 {
            var b = good
            for _ in 0..<Int(rng.int(below: 4)) + 1 { b[Int(rng.int(below: UInt64(b.count)))] = UInt8(truncatingIfNeeded: rng.next()) }
            if rng.int(below: 3) == 0 { b = Array(b.prefix(Int(rng.int(below: UInt64(b.count))))) }
            _ = try? Pickle.load(b, name: "fuzz", op: "CIFAR10")
        }
    }
}
