import Foundation
import XCTest
@testable import VisData
import VisTensor

/// PNG and JPEG decoding against reference pixels (Fixtures/make_image_fixtures.py:
/// pypng for every PNG colour type, depth and interlacing; Pillow for the JPEGs),
/// round trips, and errors for bad files.
final class CodecTests: XCTestCase {
    var reference: [String: Any] = [:]
    var dir: String!

    override func setUpWithError() throws {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "reference", withExtension: "json", subdirectory: "Fixtures/images"))
        reference = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        dir = NSTemporaryDirectory() + "codec-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }

    func fixture(_ name: String) throws -> String {
        let url = URL(fileURLWithPath: name)
        return try XCTUnwrap(Bundle.module.url(forResource: url.deletingPathExtension().lastPathComponent, withExtension: url.pathExtension,
                                               subdirectory: "Fixtures/images")).path
    }

    func flat(_ v: Any) -> [Double] {
        if let d = v as? Double { return [d] }
        if let n = v as? NSNumber { return [n.doubleValue] }
        if let a = v as? [Any] { return a.flatMap(flat) }
        return []
    }

    /// Decoded pixels equal the reference within `tolerance` (exact codecs: 1e-6).
    func check(_ name: String, mode: ImageMode, tolerance: Double = 1e-6, key: String? = nil, file: StaticString = #filePath, line: UInt = #line) throws {
        let t = try ImageCodec.read(fixture(name), mode: mode)
        var ref = reference[name]
        if let key, let d = ref as? [String: Any] { ref = d[key] }
        let expected = flat(ref as Any)
        let got = t.toDoubleArray()
        XCTAssertEqual(got.count, expected.count, "\(name): element count", file: file, line: line)
        let worst = zip(got, expected).map { Swift.abs($0 - $1) }.max() ?? 0
        XCTAssertLessThanOrEqual(worst, tolerance, "\(name): max difference \(worst)", file: file, line: line)
    }

    func testEveryPNGColourTypeAndDepth() throws {
        for d in [1, 2, 4, 8, 16] { try check("grey\(d).png", mode: .L) }
        for d in [8, 16] {
            try check("ga\(d).png", mode: .LA)
            try check("rgb\(d).png", mode: .RGB)
            try check("rgba\(d).png", mode: .RGBA)
        }
        try check("rgb8_interlaced.png", mode: .RGB)
        for d in [2, 8] { try check("palette\(d).png", mode: .RGB, key: "rgb") }
    }

    func testPaletteMasksKeepTheirIndices() throws {
        for d in [2, 8] {
            let m = try ImageCodec.readMask(fixture("palette\(d).png"))
            XCTAssertEqual(m.dtype, .int64)
            XCTAssertEqual(m.toDoubleArray(), flat((reference["palette\(d).png"] as? [String: Any])?["indices"] as Any))
        }
    }

    func testJPEGVariantsMatchPillow() throws {
        // Pillow decodes with libjpeg(-turbo) too; allow 2/255 for IDCT differences.
        try check("baseline.jpg", mode: .RGB, tolerance: 2.0 / 255)
        let progressive = try ImageCodec.read(fixture("progressive.jpg"))
        let baseline = try ImageCodec.read(fixture("baseline.jpg"))
        XCTAssertLessThanOrEqual(try progressive.sub(baseline).abs().max().item(), 6.0 / 255)
        try check("grey.jpg", mode: .L, tolerance: 2.0 / 255)
        try check("cmyk.jpg", mode: .RGB, tolerance: 3.0 / 255)
        // EXIF orientation 6 turns the stored 16x12 image upright: 12 wide, 16 high.
        let o = try ImageCodec.read(fixture("orient6.jpg"))
        XCTAssertEqual(o.shape, [3, 16, 12])
        try check("orient6.jpg", mode: .RGB, tolerance: 2.0 / 255)
    }

    func testModeConversions() throws {
        let rgb = try ImageCodec.read(fixture("rgb8.png"), mode: .RGB)
        let grey = try ImageCodec.read(fixture("rgb8.png"), mode: .L)
        let expected = try rgb.select(0, 0).mul(0.299).add(rgb.select(0, 1).mul(0.587)).add(rgb.select(0, 2).mul(0.114))
        XCTAssertLessThanOrEqual(try grey.squeeze(0).sub(expected).abs().max().item(), 1e-5)
        let fromGrey = try ImageCodec.read(fixture("grey8.png"), mode: .RGB)
        XCTAssertEqual(fromGrey.shape[0], 3)
        XCTAssertEqual(try fromGrey.select(0, 0).toFloatArray(), try fromGrey.select(0, 2).toFloatArray())
        let rgba = try ImageCodec.read(fixture("rgb8.png"), mode: .RGBA)
        XCTAssertEqual(try rgba.select(0, 3).min().item(), 1)   // opaque
    }

    func testRoundTrips() throws {
        seed(3)
        let x = try Tensor.rand([3, 9, 7])
        // JPEG is lossy (and subsamples colour): round-trip a smooth image instead of noise.
        let smooth = try Tensor.linspace(0.2, 0.8, steps: 63).reshape([1, 9, 7]).expand([3, 9, 7]).contiguous()
        for (name, image, tolerance) in [("a.png", x, 0.5 / 255 + 1e-6), ("a.jpg", smooth, 0.03)] {
            let path = dir + "/" + name
            try ImageCodec.write(image, to: path, quality: 95)
            let y = try ImageCodec.read(path)
            XCTAssertEqual(y.shape, [3, 9, 7])
            XCTAssertLessThanOrEqual(try y.sub(image).abs().max().item(), tolerance, name)
        }
        let grey16 = try Tensor.rand([1, 4, 4])
        try ImageCodec.write(grey16, to: dir + "/g16.png", bitDepth: 16)
        XCTAssertLessThanOrEqual(try ImageCodec.read(dir + "/g16.png", mode: .L).sub(grey16).abs().max().item(), 0.5 / 65535 + 1e-6)
        try ImageCodec.write(x, to: dir + "/p.jpg", progressive: true)
        XCTAssertEqual(try ImageCodec.read(dir + "/p.jpg").shape, [3, 9, 7])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix(".") }, [], "no temporary files left")
    }

    func assertError(_ message: String, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void) {
        XCTAssertThrowsError(try body(), file: file, line: line) { XCTAssertEqual("\($0)", message, file: file, line: line) }
    }

    func testBadFilesGiveErrorsNamingTheFile() throws {
        let text = dir + "/notes.png"
        try "not an image".write(toFile: text, atomically: true, encoding: .utf8)
        assertError("read_image: '\(text)' is not a PNG or JPEG image (unrecognised file signature)") { _ = try ImageCodec.read(text) }
        let png = try Data(contentsOf: URL(fileURLWithPath: fixture("rgb8.png")))
        let cut = dir + "/cut.png"
        try png.prefix(60).write(to: URL(fileURLWithPath: cut))
        assertError("read_image: '\(cut)' could not be decoded as PNG: the file is truncated") { _ = try ImageCodec.read(cut) }
        let jpg = try Data(contentsOf: URL(fileURLWithPath: fixture("baseline.jpg")))
        let cutJ = dir + "/cut.jpg"
        try jpg.prefix(jpg.count * 2 / 3).write(to: URL(fileURLWithPath: cutJ))
        assertError("read_image: '\(cutJ)' could not be decoded as JPEG: the file is truncated") { _ = try ImageCodec.read(cutJ) }
        assertError("write_image: JPEG holds grey or RGB images; this one has 4 channels (drop alpha with x[:3])") {
            try ImageCodec.write(Tensor.full([4, 2, 2], 0.5), to: self.dir + "/x.jpg")
        }
        assertError("write_image: unknown image extension '.bmp' in '\(dir!)/x.bmp' (use .png, .jpg or .jpeg)") {
            try ImageCodec.write(Tensor.full([3, 2, 2], 0.5), to: self.dir + "/x.bmp")
        }
    }

    func testMutatedImagesNeverCrash() throws {
        let seeds = [try Data(contentsOf: URL(fileURLWithPath: fixture("rgb8_interlaced.png"))),
                     try Data(contentsOf: URL(fileURLWithPath: fixture("palette8.png"))),
                     try Data(contentsOf: URL(fileURLWithPath: fixture("baseline.jpg"))),
                     try Data(contentsOf: URL(fileURLWithPath: fixture("progressive.jpg")))].map { [UInt8]($0) }
        let rng = Generator(seed: 99)
        var failures = 0
        for k in 0..<1200 {
            var b = seeds[k % seeds.count]
            // Keep the signature most of the time so the decoders get exercised.
            for _ in 0..<Int(rng.int(below: 8)) + 1 {
                let i = 8 + Int(rng.int(below: UInt64(b.count - 8)))
                b[i] = UInt8(truncatingIfNeeded: rng.next())
            }
            if rng.int(below: 4) == 0 { b = Array(b.prefix(Int(rng.int(below: UInt64(b.count))))) }
            do { _ = try ImageCodec.decode(b, name: "fuzz", mode: .RGB) } catch { failures += 1 }
            _ = try? ImageCodec.readMask(dir + "/none")
        }
        XCTAssertGreaterThan(failures, 100, "most mutations are detected as errors")
    }

    /// Files that cannot be read name the file and the reason: missing, a folder, or
    /// larger than vis reads at once (the limit lowered here to 10 bytes).
    func testUnreadableFilesAreErrorsNamingTheFile() throws {
        XCTAssertThrowsError(try ImageCodec.read(dir + "/missing.png")) {
            XCTAssertEqual("\($0)", "read_image: cannot read '\(self.dir!)/missing.png' (No such file or directory)")
        }
        XCTAssertThrowsError(try ImageCodec.read(dir)) {
            XCTAssertEqual("\($0)", "read_image: cannot read '\(self.dir!)' (not a regular file)")
        }
        let path = dir + "/big.png"
        try Data(repeating: 7, count: 100).write(to: URL(fileURLWithPath: path))
        let limit = Shape.maxElements
        Shape.maxElements = 10
        defer { Shape.maxElements = limit }
        XCTAssertThrowsError(try ImageCodec.read(path)) {
            XCTAssertEqual("\($0)", "read_image: cannot read '\(path)' (100 bytes is more than vis reads at once, 10)")
        }
    }
}