import Foundation
import XCTest
@testable import VisData
import VisTensor

/// torchvision's image-to-tensor conversions, make_grid's layout, CenterCrop's offsets
/// and CIFAR-10's `.data` layout (the numbers are also checked against torchvision in
/// Tests/notebooks/reference/data.vis).
final class ImageToolTests: XCTestCase {
    let g = Generator(seed: 0)

    func uint8(_ values: [Int64], _ shape: [Int]) throws -> Tensor { try Tensor(int64: values, shape: shape).to(.uint8) }

    func testToTensorLaysOutHWCAndDividesBy255() throws {
        let a = try uint8([0, 255, 51, 102, 0, 0], [1, 2, 3])   // H=1, W=2, C=3
        let t = try ToTensor().apply(a, generator: g)
        XCTAssertEqual(t.shape, [3, 1, 2])
        XCTAssertEqual(t.dtype, .float32)
        XCTAssertEqual(t.toFloatArray(), [0, 102, 255, 0, 51, 0].map { Float($0) / 255 })
        let f = try Tensor([0.5, 1], shape: [1, 1, 2])
        XCTAssertTrue(try ToTensor().apply(f, generator: g) === f, "a float image passes through unchanged")
        XCTAssertThrowsError(try ToTensor().apply(Tensor(int64: [1, 2], shape: [1, 1, 2]), generator: g))
    }

    func testPILToTensorAndTheScaledConversions() throws {
        let f = try Tensor([0, 128.0 / 255, 1, 64.0 / 255].map { Float($0) }, shape: [1, 2, 2])
        let p = try PILToTensor().apply(f, generator: g)
        XCTAssertEqual(p.dtype, .uint8)
        XCTAssertEqual(p.toInt64Array(), [0, 128, 255, 64])
        XCTAssertThrowsError(try PILToTensor().apply(Tensor([1.5], shape: [1, 1, 1]), generator: g))
        // uint8 to float: / 255 (ConvertImageDtype) or * (1 / 255) (ToDtype, scale=true).
        XCTAssertEqual(try ConvertImageDtype(dtype: .float32).apply(p, generator: g).toFloatArray(), [0, 128, 255, 64].map { Float($0) / 255 })
        XCTAssertEqual(try ToDtype(dtype: .float32, scale: true).apply(p, generator: g).toFloatArray(), [0, 128, 255, 64].map { Float($0) * Float(1.0 / 255) })
        XCTAssertEqual(try ToDtype(dtype: .float32).apply(p, generator: g).toFloatArray(), [0, 128, 255, 64])
        // float to uint8: x * 255.999 truncated; uint8 to int8 halves, to int16 * 128.
        let half = try Tensor([0, 0.5, 1, 0.999], shape: [4])
        XCTAssertEqual(try ConvertImageDtype(dtype: .uint8).apply(half, generator: g).toInt64Array(), [0, 127, 255, 255])
        XCTAssertEqual(try ConvertImageDtype(dtype: .int8).apply(p, generator: g).toInt64Array(), [0, 64, 127, 32])
        XCTAssertEqual(try ConvertImageDtype(dtype: .int16).apply(p, generator: g).toInt64Array(), [0, 16384, 32640, 8192])
        XCTAssertThrowsError(try ConvertImageDtype(dtype: .int32).apply(half, generator: g)) {
            XCTAssertTrue("\($0)".contains("cannot be performed safely"), "\($0)")
        }
    }

    func testCenterCropOffsetsRoundHalfToEvenAndPadLargerCrops() {
        XCTAssertEqual(CenterCrop.offset(7, 6), 0)   // margin 1: round(0.5) = 0
        XCTAssertEqual(CenterCrop.offset(7, 4), 2)   // margin 3: round(1.5) = 2
        XCTAssertEqual(CenterCrop.offset(9, 4), 2)   // margin 5: round(2.5) = 2
        XCTAssertEqual(CenterCrop.offset(9, 2), 4)   // margin 7: round(3.5) = 4
        XCTAssertEqual(CenterCrop.offset(7, 10), -1) // pad (10 - 7) // 2 = 1 before
        XCTAssertEqual(CenterCrop.offset(3, 6), -1)
    }

    func testMakeGridLayout() throws {
        // Five 1x1x1 images, nrow 2, padding 1: 3 rows, one-channel made three.
        let batch = try Tensor([1, 2, 3, 4, 5], shape: [5, 1, 1, 1])
        let grid = try ImageGrid.make([batch], nrow: 2, padding: 1, padValue: 9)
        XCTAssertEqual(grid.shape, [3, 7, 5])
        let plane = Array(grid.toFloatArray()[0..<35])
        XCTAssertEqual(plane, [9, 9, 9, 9, 9,
                               9, 1, 9, 2, 9,
                               9, 9, 9, 9, 9,
                               9, 3, 9, 4, 9,
                               9, 9, 9, 9, 9,
                               9, 5, 9, 9, 9,
                               9, 9, 9, 9, 9])
        // A batch of one comes back without padding; normalize maps min..max to 0..1.
        let one = try ImageGrid.make([Tensor([2, 4], shape: [1, 1, 1, 2])], normalize: true)
        XCTAssertEqual(one.shape, [3, 1, 2])
        XCTAssertEqual(one.toFloatArray(), [0, 1, 0, 1, 0, 1])
        XCTAssertThrowsError(try ImageGrid.make([batch], nrow: 0))
        XCTAssertThrowsError(try ImageGrid.make([batch], padding: Int.max))
        // save_image's bytes: x * 255 + 0.5, clamped, truncated (NaN to 0).
        let q = try ImageGrid.quantized(Tensor([0.5, 1.2, -1, .nan, 0.0019], shape: [5]))
        XCTAssertEqual(q.toFloatArray().map { ($0 * 255).rounded() }, [128, 255, 0, 0, 0])
    }

    func testCIFARDataIsHWC() throws {
        let dir = NSTemporaryDirectory() + "cifar-\(UUID().uuidString)"
        let bin = dir + "/cifar-10-batches-bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // One record: label 3, red plane all 1, green 2, blue 3.
        var record: [UInt8] = [3]
        for c in 1...3 { record += [UInt8](repeating: UInt8(c), count: 1024) }
        try Data(record).write(to: URL(fileURLWithPath: bin + "/test_batch.bin"))
        let ds = try CIFAR10(root: dir, train: false, download: true)
        let data = ds.data()
        XCTAssertEqual(data.shape, [1, 32, 32, 3])
        XCTAssertEqual(data.dtype, .uint8)
        XCTAssertEqual(Array(data.toInt64Array().prefix(6)), [1, 2, 3, 1, 2, 3])
        XCTAssertEqual(ds.targets, [3])
        XCTAssertThrowsError(try CIFAR10(root: dir, train: true)) {
            XCTAssertTrue("\($0)".hasPrefix("CIFAR10: dataset not found: no data_batch_1.bin in '\(bin)', '\(dir)'"), "\($0)")
        }
    }
}
