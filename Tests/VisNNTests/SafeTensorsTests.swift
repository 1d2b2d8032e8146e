import Foundation
import XCTest
@testable import VisNN
import VisTensor

/// safetensors files: reading what PyTorch wrote (Fixtures/make_safetensors_reference.py),
/// round trips, the header layout, and errors for every kind of bad file.
final class SafeTensorsTests: XCTestCase {
    var dir: String!

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "st-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    func fixture(_ name: String, _ ext: String) throws -> String {
        try XCTUnwrap(Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Fixtures/safetensors")).path
    }

    func testReadsWhatPyTorchWrote() throws {
        let loaded = try SafeTensors.load(fixture("torch_cnn", "safetensors"))
        let keys = try String(contentsOfFile: fixture("keys", "txt"), encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(Set(loaded.map(\.0)), Set(keys))
        for (name, t) in loaded {
            let expected = try Tensor.loadNPY(path: fixture(name, "npy"))
            XCTAssertEqual(t.shape, expected.shape, name)
            XCTAssertEqual(t.dtype, expected.dtype, name)
            XCTAssertEqual(t.toDoubleArray(), expected.toDoubleArray(), name)
        }
        let batches = try XCTUnwrap(loaded.first { $0.0 == "1.num_batches_tracked" }?.1)
        XCTAssertEqual(batches.dtype, .int64)
        XCTAssertEqual(batches.shape, [])
    }

    func testRoundTripKeepsNamesOrderShapesAndDtypes() throws {
        let tensors: [(String, Tensor)] = [("features.0.weight", try Tensor.randn([4, 1, 3, 3])), ("features.0.bias", try Tensor.randn([4])),
                                           ("bn.num_batches_tracked", Tensor.scalar(7, dtype: .int64)), ("mask", try Tensor(bools: [true, false])),
                                           ("head.weight", try Tensor.randn([3, 4]).t())]
        let path = dir + "/m.safetensors"
        try SafeTensors.save(tensors, to: path, metadata: ["format": "pt"])
        let back = try SafeTensors.load(path)
        XCTAssertEqual(back.map(\.0), tensors.map(\.0))
        for ((_, a), (_, b)) in zip(tensors, back) {
            XCTAssertEqual(a.shape, b.shape)
            XCTAssertEqual(a.dtype, b.dtype)
            XCTAssertEqual(a.toDoubleArray(), b.toDoubleArray())
        }
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let n = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        XCTAssertEqual((8 + n) % 8, 0, "data starts 8-byte aligned")
        XCTAssertTrue(String(decoding: bytes[8..<(8 + n)], as: UTF8.self).contains("\"__metadata__\":{\"format\":\"pt\"}"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["m.safetensors"], "no temporary file left")
    }

    func assertDecodeError(_ bytes: [UInt8], _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try SafeTensors.decode(bytes, name: "f"), file: file, line: line) {
            XCTAssertEqual("\($0)", "load: 'f' is not a valid safetensors file: " + message, file: file, line: line)
        }
    }

    static func file(_ header: String, data: [UInt8]) -> [UInt8] {
        let h = Array(header.utf8)
        return (0..<8).map { UInt8(truncatingIfNeeded: h.count >> (8 * $0)) } + h + data
    }

    func testBadFiles() throws {
        assertDecodeError([1, 2, 3], "it is shorter than the 8-byte header length")
        assertDecodeError([255, 255, 0, 0, 0, 0, 0, 0, 1], "the header length 65535 exceeds the file size")
        assertDecodeError(SafeTensorsTests.file("[1, 2]", data: []), "the header is not a JSON object")
        assertDecodeError(SafeTensorsTests.file("{\"a\": {\"dtype\": \"F32\", \"shape\": [2]}}", data: []), "entry 'a' lacks dtype, shape or data_offsets")
        assertDecodeError(SafeTensorsTests.file("{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}}", data: [0, 0, 0, 0]),
                          "entry 'a' has data offsets [0, 8] outside the 4 data bytes")
        assertDecodeError(SafeTensorsTests.file("{\"a\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [0, 8]}}", data: [UInt8](repeating: 0, count: 8)),
                          "entry 'a' has 8 bytes of data but F32 shape [3] needs 12")
        assertDecodeError(SafeTensorsTests.file("{\"a\": {\"dtype\": \"C64\", \"shape\": [1], \"data_offsets\": [0, 8]}}", data: [UInt8](repeating: 0, count: 8)),
                          "entry 'a' has unsupported dtype C64 (supported: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL)")
        XCTAssertThrowsError(try SafeTensors.load(dir + "/missing.safetensors")) {
            XCTAssertEqual("\($0)", "load: cannot read '\(self.dir!)/missing.safetensors' (no such file, or not readable)")
        }
    }

    func testHalfPrecisionAndDoublesLoadAsThemselves() throws {
        // F16 1.0 = 0x3C00, BF16 2.0 = 0x4000, F64 0.5.
        let f16 = SafeTensorsTests.file("{\"h\": {\"dtype\": \"F16\", \"shape\": [1], \"data_offsets\": [0, 2]}, \"b\": {\"dtype\": \"BF16\", \"shape\": [1], \"data_offsets\": [2, 4]}, \"d\": {\"dtype\": \"F64\", \"shape\": [1], \"data_offsets\": [4, 12]}}",
                                        data: [0x00, 0x3C, 0x00, 0x40] + withUnsafeBytes(of: 0.5) { Array($0) })
        let t = Dictionary(uniqueKeysWithValues: try SafeTensors.decode(f16, name: "f"))
        XCTAssertEqual(try t["h"]?.item(), 1)
        XCTAssertEqual(try t["b"]?.item(), 2)
        XCTAssertEqual(try t["d"]?.item(), 0.5)
        XCTAssertEqual([t["h"]?.dtype, t["b"]?.dtype, t["d"]?.dtype], [.float16, .bfloat16, .float64])
    }

    /// A file the safetensors package wrote with one tensor of every dtype (made by
    /// Tests/notebooks/reference/make_dtype.py) loads each as itself and round-trips.
    func testEveryDTypeLoadsAsItselfAndRoundTrips() throws {
        let loaded = try SafeTensors.load(try fixture("dtypes", "safetensors"))
        let byName = Dictionary(uniqueKeysWithValues: loaded)
        XCTAssertEqual(byName.count, DType.allCases.count)
        for dtype in DType.allCases {
            let t = try XCTUnwrap(byName[dtype.rawValue], dtype.rawValue)
            XCTAssertEqual(t.dtype, dtype)
            XCTAssertEqual(t.shape, [2, 2])
            let expected: [Double] = dtype == .bool ? [1, 0, 1, 1] : dtype.isFloatingPoint ? [1.5, -2, 0.25, 100] : [1, 0, 7, 100]
            XCTAssertEqual(t.toDoubleArray(), expected, dtype.rawValue)
        }
        let again = try SafeTensors.decode(try SafeTensors.encode(loaded), name: "copy")
        for ((n1, a), (n2, b)) in zip(loaded, again) {
            XCTAssertEqual(n1, n2)
            XCTAssertEqual(a.dtype, b.dtype)
            XCTAssertEqual(a.toDoubleArray(), b.toDoubleArray())
        }
    }

    func testMutatedFilesNeverCrash() throws {
        let good = [UInt8](try Data(contentsOf: URL(fileURLWithPath: try fixture("torch_cnn", "safetensors"))))
        let rng = Generator(seed: 5)
        for _ in 0..<1000 {
            var b = good
            for _ in 0..<Int(rng.int(below: 6)) + 1 { b[Int(rng.int(below: UInt64(b.count)))] = UInt8(truncatingIfNeeded: rng.next()) }
            if rng.int(below: 4) == 0 { b = Array(b.prefix(Int(rng.int(below: UInt64(b.count))))) }
            _ = try? SafeTensors.decode(b, name: "fuzz")
        }
    }
}
