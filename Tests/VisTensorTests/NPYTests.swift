import Foundation
import XCTest
@testable import VisTensor

/// `.npy` reading and writing: round trips, files NumPy wrote (made by
/// Fixtures/make_npy_fixtures.py), and an error for every kind of bad file.
final class NPYTests: XCTestCase {
    var dir: String!

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "npy-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    func fixture(_ name: String) throws -> String {
        try XCTUnwrap(Bundle.module.url(forResource: name, withExtension: "npy", subdirectory: "Fixtures")).path
    }

    func assertLoadError(_ path: String, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try Tensor.loadNPY(path: path), file: file, line: line) { error in
            XCTAssertEqual("\(error)", message, file: file, line: line)
        }
    }

    func testRoundTripsEveryDtypeAndShape() throws {
        let cases: [Tensor] = [
            try Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3]),
            try Tensor(int64: [-1, 0, Int64.max], shape: [3]),
            try Tensor(bools: [true, false, false, true], shape: [2, 2]),
            Tensor.scalar(2.5),
            try Tensor.zeros([0, 4]),
            try Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3]).t(),   // non-contiguous: saved in logical order
        ]
        for (i, t) in cases.enumerated() {
            let path = dir + "/t\(i).npy"
            try t.saveNPY(path: path)
            let back = try Tensor.loadNPY(path: path)
            XCTAssertEqual(back.shape, t.shape)
            XCTAssertEqual(back.dtype, t.dtype)
            XCTAssertEqual(back.toDoubleArray(), t.toDoubleArray())
        }
        // The atomic write leaves nothing but the files themselves.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).sorted(), (0..<cases.count).map { "t\($0).npy" }.sorted())
    }

    func testHeaderIsWhatNumPyWrites() throws {
        let path = dir + "/h.npy"
        try Tensor([1, 2, 3]).saveNPY(path: path)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        XCTAssertEqual(Array(bytes[0..<8]), [0x93] + Array("NUMPY".utf8) + [1, 0])
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        XCTAssertEqual((10 + headerLength) % 64, 0, "data starts on a 64-byte boundary")
        let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
        XCTAssertTrue(header.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"))
        XCTAssertTrue(header.hasSuffix("\n"))
    }

    func testReadsFilesNumPyWrote() throws {
        let f4 = try Tensor.loadNPY(path: fixture("npy_f4"))
        XCTAssertEqual(f4.shape, [2, 3])
        XCTAssertEqual(f4.toFloatArray(), [0, 0.25, 0.5, 0.75, 1, 1.25])
        let i8 = try Tensor.loadNPY(path: fixture("npy_i8"))
        XCTAssertEqual(i8.dtype, .int64)
        XCTAssertEqual(i8.toInt64Array(), [-3, 0, 7, 1 << 40])
        let b1 = try Tensor.loadNPY(path: fixture("npy_b1"))
        XCTAssertEqual(b1.dtype, .bool)
        XCTAssertEqual(b1.toBoolArray(), [true, false, true])
        let f8 = try Tensor.loadNPY(path: fixture("npy_f8"))
        XCTAssertEqual(f8.dtype, .float64)  // read as itself since vis has float64
        XCTAssertEqual(f8.toDoubleArray(), [0.5, -1.25])
        let scalar = try Tensor.loadNPY(path: fixture("npy_scalar"))
        XCTAssertEqual(scalar.shape, [])
        XCTAssertEqual(try scalar.item(), 3.5)
        XCTAssertEqual(try Tensor.loadNPY(path: fixture("npy_empty")).shape, [0, 3])
        let fortran = try Tensor.loadNPY(path: fixture("npy_fortran"))
        XCTAssertEqual(fortran.shape, [2, 3])
        XCTAssertEqual(fortran.toFloatArray(), [0, 1, 2, 3, 4, 5])
    }

    /// Files NumPy wrote (Tests/notebooks/reference/make_dtype.py) load as their own dtype,
    /// and vis writes them back byte for byte.
    func testReadsAndWritesEveryDType() throws {
        let floats: [Double] = [-1, -0.5, 0, 0.5, 49, 62.5], ints: [Double] = [0, 1, 2, 3, 100, 127]
        for (name, dtype, values) in [("float64", DType.float64, floats), ("float16", .float16, floats), ("int32", .int32, ints),
                                      ("int16", .int16, ints), ("int8", .int8, ints), ("uint8", .uint8, ints)] {
            let path = try fixture("npy_dtype_" + name)
            let t = try Tensor.loadNPY(path: path)
            XCTAssertEqual(t.dtype, dtype, name)
            XCTAssertEqual(t.shape, [2, 3], name)
            XCTAssertEqual(t.toDoubleArray(), values, name)
            let copy = dir + "/\(name).npy"
            try t.saveNPY(path: copy)
            XCTAssertEqual(try Tensor.loadNPY(path: copy).toDoubleArray(), values, name)
            XCTAssertEqual(try Tensor.loadNPY(path: copy).dtype, dtype, name)
        }
        XCTAssertThrowsError(try Tensor.full([2], 1, dtype: .bfloat16).saveNPY(path: dir + "/b.npy")) {
            XCTAssertEqual("\($0)", "save_npy: NumPy has no bfloat16 dtype; convert with .float() first")
        }
    }

    func testErrorsForBadFiles() throws {
        assertLoadError(dir + "/missing.npy", "load_npy: cannot read '\(dir!)/missing.npy' (no such file, or not readable)")
        let text = dir + "/text.npy"
        try "hello, this is not numpy".write(toFile: text, atomically: true, encoding: .utf8)
        assertLoadError(text, "load_npy: '\(text)': not a NumPy .npy file (bad magic bytes)")
        let big = try fixture("npy_bigendian")
        assertLoadError(big, "load_npy: '\(big)': big-endian data ('>f4') is not supported; convert with arr.astype(arr.dtype.newbyteorder('<'))")
        let complex = try fixture("npy_complex")
        assertLoadError(complex, "load_npy: '\(complex)': unsupported dtype '<c8' (supported: '<f8', '<f4', '<f2', '<i8', '<i4', '<i2', '|i1', '|u1', '|b1'; NumPy has no bfloat16)")
        // Truncated data: cut the last 4 bytes off a valid file.
        let good = try Data(contentsOf: URL(fileURLWithPath: try fixture("npy_f4")))
        let cut = dir + "/cut.npy"
        try good.dropLast(4).write(to: URL(fileURLWithPath: cut))
        assertLoadError(cut, "load_npy: '\(cut)': data is truncated: shape [2, 3] needs 24 bytes, the file has 20")
        // Truncated header.
        let header = dir + "/header.npy"
        try good.prefix(40).write(to: URL(fileURLWithPath: header))
        assertLoadError(header, "load_npy: '\(header)': truncated header")
        // Unknown version.
        var v9 = [UInt8](good)
        v9[6] = 9
        let version = dir + "/v9.npy"
        try Data(v9).write(to: URL(fileURLWithPath: version))
        assertLoadError(version, "load_npy: '\(version)': unsupported .npy format version 9.0 (supported: 1.0, 2.0, 3.0)")
    }

    func testMutatedFilesNeverCrash() throws {
        let good = [UInt8](try Data(contentsOf: URL(fileURLWithPath: try fixture("npy_i8"))))
        let rng = Generator(seed: 7)
        for _ in 0..<500 {
            var bytes = good
            for _ in 0..<Int(rng.int(below: 6)) + 1 {
                let i = Int(rng.int(below: UInt64(bytes.count)))
                bytes[i] = UInt8(truncatingIfNeeded: rng.next())
            }
            if rng.int(below: 4) == 0 { bytes = Array(bytes.prefix(Int(rng.int(below: UInt64(bytes.count))))) }
            _ = try? Tensor.parseNPY(bytes, name: "fuzz")
        }
    }
}
