import Foundation
import XCTest
@testable import VisData
import VisTensor

/// Folder datasets built in temporary folders: class order, extensions, hidden files,
/// pairs, masks, and the errors for bad layouts.
final class FolderDatasetTests: XCTestCase {
    var root: String!

    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + "folders-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: root) }

    func image(_ path: String, value: Double = 0.5, size: Int = 6) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try ImageCodec.write(Tensor.full([3, size, size], value), to: path)
    }

    func testImageFolderClassesExtensionsAndHiddenFiles() throws {
        try image(root + "/zebra/a.png")
        try image(root + "/ant/b.PNG")
        try image(root + "/ant/c.jpg")
        try image(root + "/ant/.hidden.png")
        try "notes".write(toFile: root + "/ant/readme.txt", atomically: true, encoding: .utf8)
        let ds = try ImageFolder(root: root)
        XCTAssertEqual(ds.classes, ["ant", "zebra"])
        XCTAssertEqual(ds.count, 3)
        XCTAssertEqual(ds.samples.map(\.label), [0, 0, 1])
        XCTAssertTrue(ds.summary.hasSuffix("ant    2\n  zebra  1"))
        let s = try ds.sample(2, generator: Generator(seed: 0))
        guard case .tensor(let x) = s[0], case .label(let y) = s[1] else { return XCTFail("bad sample") }
        XCTAssertEqual(x.shape, [3, 6, 6])
        XCTAssertEqual(y, 1)
    }

    func testImageFolderErrorsNameTheFolder() throws {
        XCTAssertThrowsError(try ImageFolder(root: root)) { XCTAssertEqual("\($0)", "ImageFolder: '\(self.root!)' has no class folders (expected one folder per class)") }
        try FileManager.default.createDirectory(atPath: root + "/empty", withIntermediateDirectories: true)
        XCTAssertThrowsError(try ImageFolder(root: root)) { XCTAssertEqual("\($0)", "ImageFolder: class folder '\(self.root!)/empty' has no images (.png, .jpg, .jpeg)") }
        XCTAssertThrowsError(try ImageFolder(root: root + "/missing")) { XCTAssertEqual("\($0)", "ImageFolder: cannot read folder '\(self.root!)/missing'") }
    }

    func testPairedFolderPairsAndUnpaired() throws {
        for c in ["a", "b"] {
            try image("\(root!)/\(c)/img1.png", value: 0.2)
            try image("\(root!)/\(c)/img1(1).png", value: 0.8)
        }
        try image(root + "/a/lonely.png")
        let ds = try PairedImageFolder(root: root)
        XCTAssertEqual(ds.count, 2)
        XCTAssertEqual(ds.unpaired.map { ($0 as NSString).lastPathComponent }, ["lonely.png"])
        let s = try ds.sample(0, generator: Generator(seed: 0))
        guard case .tensor(let v1) = s[0], case .tensor(let v2) = s[1], case .label(0) = s[2] else { return XCTFail("bad sample") }
        XCTAssertEqual(try v1.mean().item(), 0.2, accuracy: 0.01)
        XCTAssertEqual(try v2.mean().item(), 0.8, accuracy: 0.01)
        XCTAssertThrowsError(try PairedImageFolder(root: root, strict: true)) {
            XCTAssertEqual("\($0)", "PairedImageFolder: 1 file has no partner with suffix '(1)': \(self.root!)/a/lonely.png")
        }
    }

    func testSegmentationFolderMatchesStemsAndTransformsBoth() throws {
        try image(root + "/images/x.jpg", size: 8)
        try FileManager.default.createDirectory(atPath: root + "/masks", withIntermediateDirectories: true)
        // A grey PNG mask with classes 0 and 2 (values 0 and 2 out of 255).
        let mask = try Tensor((0..<64).map { Float($0 % 8 < 4 ? 0 : 2) / 255 }, shape: [1, 8, 8])
        try ImageCodec.write(mask, to: root + "/masks/x.png")
        let plain = try SegmentationFolder(images: root + "/images", masks: root + "/masks")
        let s = try plain.sample(0, generator: Generator(seed: 0))
        guard case .tensor(let m) = s[1] else { return XCTFail("no mask") }
        XCTAssertEqual(m.dtype, .int64)
        XCTAssertEqual(Set(m.toInt64Array()), [0, 2])
        let flipped = try SegmentationFolder(images: root + "/images", masks: root + "/masks",
                                             transform: PairTransform(geometric: [try RandomFlip(p: 1, vertical: false)], each: []))
        guard case .tensor(let fm) = try flipped.sample(0, generator: Generator(seed: 0))[1] else { return XCTFail("no mask") }
        XCTAssertEqual(Array(fm.toInt64Array().prefix(8)), [2, 2, 2, 2, 0, 0, 0, 0])
        try image(root + "/images/y.png", size: 8)
        XCTAssertThrowsError(try SegmentationFolder(images: root + "/images", masks: root + "/masks")) {
            XCTAssertEqual("\($0)", "SegmentationFolder: 1 image has no mask in '\(self.root!)/masks': y.png")
        }
    }

    func testLoaderOverImageFolderIsDeterministicAcrossWorkers() throws {
        for c in ["a", "b"] { for i in 0..<6 { try image("\(root!)/\(c)/\(i).png", value: Double(i) / 6) } }
        let ds = try ImageFolder(root: root, transform: Compose([try RandomResizedCrop(size: (4, 4)), try RandomFlip(p: 0.5, vertical: false)]))
        func run(_ workers: Int) throws -> [Float] {
            let it = try DataLoader(ds, batchSize: 5, shuffle: true, numWorkers: workers, seed: 9).makeIterator()
            var out: [Float] = []
            while let b = try it.next() { out += b[0].toFloatArray() + b[1].toFloatArray() }
            return out
        }
        let reference = try run(0)
        XCTAssertEqual(try run(1), reference)
        XCTAssertEqual(try run(2), reference)
    }
}
