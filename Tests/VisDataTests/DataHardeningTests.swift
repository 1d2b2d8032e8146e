import Foundation
import XCTest
@testable import VisData
import VisTensor

/// Issue 15 for data: hostile or corrupt image, IDX, CIFAR and gzip files give an error
/// naming the file (never a crash or a huge allocation), geometry loops stop on Ctrl-C,
/// and random_split's sizes are checked without overflow.
final class DataHardeningTests: XCTestCase {
    var dir: String!

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "data-hardening-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        Interrupt.clear()
    }

    override func tearDownWithError() throws {
        Interrupt.clear()
        try? FileManager.default.removeItem(atPath: dir)
    }

    func fixture(_ name: String) throws -> [UInt8] {
        let url = try XCTUnwrap(Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures/images"))
        return [UInt8](try Data(contentsOf: url))
    }

    /// A PNG signature and IHDR declaring `w` x `h` (CRC left zero: the size is refused
    /// before libpng would read it), then nothing.
    func pngHeader(_ w: UInt32, _ h: UInt32) -> [UInt8] {
        func be(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + be(13) + Array("IHDR".utf8) + be(w) + be(h) + [8, 2, 0, 0, 0] + be(0)
    }

    func decodeError(_ bytes: [UInt8], name: String = "hostile.img") -> String? {
        do {
            _ = try ImageCodec.decode(bytes, name: name, mode: .RGB)
            return nil
        } catch {
            return "\(error)"
        }
    }

    func testPNGHeaderDeclaringHugeOrEmptySizesIsRefusedBeforeDecoding() {
        let huge = decodeError(pngHeader(1 << 31, 1 << 31), name: "bomb.png")
        XCTAssertEqual(huge, "read_image: 'bomb.png' declares 2147483648 x 2147483648 pixels, more than the 178956970 vis decodes (PIL's decompression-bomb limit)")
        XCTAssertEqual(decodeError(pngHeader(0xFFFF_FFFF, 1), name: "wide.png"),
                       "read_image: 'wide.png' declares 4294967295 x 1 pixels, more than the 178956970 vis decodes (PIL's decompression-bomb limit)")
        XCTAssertEqual(decodeError(pngHeader(0xFFFF_FFFF, 0xFFFF_FFFF), name: "max.png"),
                       "read_image: 'max.png' declares 4294967295 x 4294967295 pixels, more than the 178956970 vis decodes (PIL's decompression-bomb limit)")
        XCTAssertEqual(decodeError(pngHeader(0, 5), name: "empty.png"),
                       "read_image: 'empty.png' could not be decoded as PNG: its header declares an empty 0 x 5 image")
        // Any declared size: an error naming the file, never a trap.
        let g = Generator(seed: 7)
        for _ in 0..<300 {
            let (w, h) = (UInt32(truncatingIfNeeded: g.next()) >> (g.next() % 32), UInt32(truncatingIfNeeded: g.next()) >> (g.next() % 32))
            let e = decodeError(pngHeader(w, h), name: "r.png")
            XCTAssertTrue(e?.contains("'r.png'") ?? false, e ?? "decoded")
        }
        // Within the limit but with no data: the codec reports the damage, naming the file.
        let truncated = decodeError(pngHeader(100, 100), name: "short.png")
        XCTAssertTrue(truncated?.hasPrefix("read_image: 'short.png' could not be decoded as PNG") ?? false, truncated ?? "decoded")
    }

    func testJPEGHeaderDeclaringHugeSizeIsRefused() throws {
        var jpeg = try fixture("baseline.jpg")
        // Rewrite the SOF0 frame's height and width to 65500 x 65500 (4.3e9 pixels).
        let sof = try XCTUnwrap((2..<(jpeg.count - 9)).first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 })
        jpeg[sof + 5] = 0xFF; jpeg[sof + 6] = 0xDC; jpeg[sof + 7] = 0xFF; jpeg[sof + 8] = 0xDC
        XCTAssertEqual(decodeError(jpeg, name: "big.jpg"),
                       "read_image: 'big.jpg' declares 65500 x 65500 pixels, more than the 178956970 vis decodes (PIL's decompression-bomb limit)")
        // The same for a progressive JPEG (libjpeg would allocate the whole coefficient array).
        var progressive = try fixture("progressive.jpg")
        let sof2 = try XCTUnwrap((2..<(progressive.count - 9)).first { progressive[$0] == 0xFF && progressive[$0 + 1] == 0xC2 })
        progressive[sof2 + 5] = 0xFF; progressive[sof2 + 6] = 0xDC; progressive[sof2 + 7] = 0x7F; progressive[sof2 + 8] = 0xFF
        XCTAssertEqual(decodeError(progressive, name: "p.jpg"),
                       "read_image: 'p.jpg' declares 32767 x 65500 pixels, more than the 178956970 vis decodes (PIL's decompression-bomb limit)")
    }

    /// Truncations and byte flips of every fixture decode or fail with an error naming
    /// the file; none traps (a small deterministic fuzz; the fuzz helper runs the long one).
    func testCorruptImagesGiveErrorsNamingTheFile() throws {
        for name in ["rgb8.png", "rgba16.png", "palette2.png", "rgb8_interlaced.png", "baseline.jpg", "progressive.jpg", "cmyk.jpg", "orient6.jpg"] {
            let bytes = try fixture(name)
            let generator = Generator(seed: 15)
            for cut in stride(from: 0, to: bytes.count, by: Swift.max(1, bytes.count / 40)) {
                if let e = decodeError(Array(bytes[0..<cut]), name: name) { XCTAssertTrue(e.contains("'\(name)'"), e) }
            }
            for _ in 0..<150 {
                var b = bytes
                for _ in 0..<3 { b[Int(generator.int(below: UInt64(b.count)))] = UInt8(truncatingIfNeeded: generator.next()) }
                if let e = decodeError(b, name: name) { XCTAssertTrue(e.contains("'\(name)'"), e) }
            }
        }
    }

    func testIDXHeaderDeclaringHugeOrTruncatedDataIsAnError() {
        // Three dimensions of 2**31 each: 2**93 elements.
        let huge: [UInt8] = [0, 0, 8, 3, 0x80, 0, 0, 0, 0x80, 0, 0, 0, 0x80, 0, 0, 0]
        XCTAssertThrowsError(try IDXArray(bytes: huge, name: "bomb-idx3-ubyte")) {
            XCTAssertTrue("\($0)".hasPrefix("idx: 'bomb-idx3-ubyte': shape [2147483648, 2147483648, 2147483648] is too large"), "\($0)")
        }
        let truncated: [UInt8] = [0, 0, 8, 3, 0, 0, 0, 10, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2, 3]
        XCTAssertThrowsError(try IDXArray(bytes: truncated, name: "t-idx3-ubyte")) {
            XCTAssertEqual("\($0)", "idx: 't-idx3-ubyte': truncated data: shape [10, 28, 28] needs 7840 bytes, the file has 3")
        }
        XCTAssertThrowsError(try IDXArray(bytes: [0, 0, 8, 3, 0, 0], name: "h")) { XCTAssertEqual("\($0)", "idx: 'h': truncated header") }
        // Zero sizes are a valid, empty array.
        XCTAssertEqual(try IDXArray(bytes: [0, 0, 8, 2, 0, 0, 0, 0, 0, 0, 0, 28], name: "z").shape, [0, 28])
    }

    func testCIFARFilesOfTheWrongSizeKindOrLabelAreErrorsNamingThem() throws {
        let path = dir + "/test_batch.bin"
        try Data(repeating: 0, count: 3073 + 5).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try CIFAR10(root: dir, train: false)) {
            XCTAssertEqual("\($0)", "CIFAR10: '\(path)' has 3078 bytes, not a whole number of 3073-byte records")
        }
        var record = [UInt8](repeating: 0, count: 3073)
        record[0] = 200
        try Data(record).write(to: URL(fileURLWithPath: path))
        let ds = try CIFAR10(root: dir, train: false)
        XCTAssertThrowsError(try ds.sample(0, generator: Generator(seed: 0))) {
            XCTAssertEqual("\($0)", "CIFAR10: record 0 has label 200, outside 0-9")
        }
        // A folder (or a device) under the file's name is refused, not read.
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        XCTAssertThrowsError(try CIFAR10(root: dir, train: false)) {
            XCTAssertEqual("\($0)", "CIFAR10: cannot read '\(path)' (not a regular file)")
        }
    }

    func testAFifoIsRefusedAtOnceNotWaitedOn() throws {
        let fifo = dir + "/frame.png"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let start = Date()
        XCTAssertThrowsError(try ImageCodec.read(fifo)) {
            XCTAssertEqual("\($0)", "read_image: cannot read '\(fifo)' (not a regular file)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
    }

    func testGzipBombIsRefusedAtTheSizeLimit() throws {
        let raw = dir + "/zeros"
        try Data(repeating: 0, count: 4 << 20).write(to: URL(fileURLWithPath: raw))
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/usr/bin/gzip")
        gzip.arguments = [raw]
        try gzip.run()
        gzip.waitUntilExit()
        let saved = Shape.maxElements
        Shape.maxElements = 1 << 20
        defer { Shape.maxElements = saved }
        XCTAssertThrowsError(try FileBytes.read(raw + ".gz", op: "idx")) {
            XCTAssertEqual("\($0)", "idx: '\(raw).gz' decompresses to more than 1048576 bytes, more than vis reads at once")
        }
    }

    func testGeometryLoopsStopOnInterrupt() throws {
        let x = Tensor.full([3, 64, 64], 0.5)
        let runs: [(String, () throws -> Tensor)] = [
            ("resize bilinear", { try Resample.resize(x, 80, 80, .bilinear) }),
            ("resize nearest", { try Resample.resize(x, 80, 80, .nearest) }),
            ("crop with padding", { try Resample.crop(x, top: -4, left: -4, height: 72, width: 72) }),
            ("rotate", { try Resample.rotate(x, degrees: 30, mode: .bilinear, fill: 0) }),
            ("flip", { try RandomFlip(p: 1, vertical: true).apply(x, generator: Generator(seed: 0)) }),
        ]
        for (name, run) in runs {
            Interrupt.request()
            XCTAssertThrowsError(try run(), name) { XCTAssertTrue($0 is InterruptError, "\(name): \($0)") }
            XCTAssertFalse(Interrupt.requested, "\(name) leaves the flag set")
            XCTAssertNoThrow(try run(), name)
        }
    }

    func testCropFarOutsideVisitsOnlyTheOverlap() throws {
        let x = Tensor.full([1, 4, 4], 1)
        // A window 2**40 pixels away is all fill, made at once.
        let far = try Resample.crop(x, top: 1 << 40, left: -(1 << 40), height: 3, width: 3, fill: 0.25)
        XCTAssertEqual(far.toFloatArray(), [Float](repeating: 0.25, count: 9))
        let partial = try Resample.crop(x, top: -2, left: 3, height: 3, width: 2)
        XCTAssertEqual(partial.toFloatArray(), [0, 0, 0, 0, 1, 0])
    }

    func testSplitSizes() throws {
        XCTAssertEqual(try SplitSizes.fromFractions([0.5, 0.25, 0.25], count: 10), [6, 2, 2])
        XCTAssertEqual(try SplitSizes.fromFractions([1.0], count: Int.max), [Int.max])
        XCTAssertEqual(try SplitSizes.fromFractions([0.5, 0.5], count: 0), [0, 0])
        XCTAssertThrowsError(try SplitSizes.fromFractions([], count: 3)) {
            XCTAssertEqual("\($0)", "random_split: lengths is empty (give the parts' sizes or fractions)")
        }
        XCTAssertThrowsError(try SplitSizes.fromFractions([.nan, 0.5], count: 3))
        XCTAssertThrowsError(try SplitSizes.check([Int.max, Int.max, 4], count: 2)) {
            XCTAssertEqual("\($0)", "random_split: sizes [\(Int.max), \(Int.max), 4] sum to more than the dataset's length 2")
        }
        XCTAssertThrowsError(try SplitSizes.check([1, -1], count: 0)) { XCTAssertEqual("\($0)", "random_split: length at index 1 is negative (-1)") }
        XCTAssertNoThrow(try SplitSizes.check([], count: 0))
    }
}
