import Foundation
import XCTest
@testable import VisData
import VisTensor

/// Transform geometry on small known images, and paired / mask-aware application.
final class TransformTests: XCTestCase {
    /// A 1-channel image whose pixel (y, x) holds 10 * y + x.
    func ramp(_ h: Int, _ w: Int) throws -> Tensor {
        try Tensor((0..<(h * w)).map { Float(10 * ($0 / w) + $0 % w) }, shape: [1, h, w])
    }

    func testResizeShorterSideAndExactSize() throws {
        let x = try Tensor.rand([3, 20, 40])
        XCTAssertEqual(try Resize(size: [10]).apply(x, generator: Generator(seed: 0)).shape, [3, 10, 20])
        XCTAssertEqual(try Resize(size: [7, 9]).apply(x, generator: Generator(seed: 0)).shape, [3, 7, 9])
        // Antialiased downscaling by 2 of a constant image keeps it constant; a one-pixel
        // checker averages out to about 0.5 (PIL's triangle filter spans 3 source pixels
        // with weights 3/7, 3/7, 1/7, so not exactly: within 0.02).
        let constant = Tensor.full([1, 8, 8], 0.25)
        XCTAssertEqual(try Resize(size: [4, 4]).apply(constant, generator: Generator(seed: 0)).toFloatArray(), [Float](repeating: 0.25, count: 16))
        let checker = try Tensor((0..<64).map { Float(($0 / 8 + $0 % 8) % 2) }, shape: [1, 8, 8])
        for v in try Resize(size: [4, 4]).apply(checker, generator: Generator(seed: 0)).toFloatArray() { XCTAssertEqual(v, 0.5, accuracy: 0.02) }
        // Nearest picks source pixels floor(dst * in / out).
        let n = try Resize(size: [2, 3], interpolation: .nearest).apply(try ramp(4, 6), generator: Generator(seed: 0))
        XCTAssertEqual(n.toFloatArray(), [0, 2, 4, 20, 22, 24])
    }

    func testCropsAndFlips() throws {
        let x = try ramp(4, 5)
        XCTAssertEqual(try CenterCrop(size: (2, 3)).apply(x, generator: Generator(seed: 0)).toFloatArray(), [11, 12, 13, 21, 22, 23])
        let padded = try CenterCrop(size: (6, 5)).apply(x, generator: Generator(seed: 0))
        XCTAssertEqual(padded.shape, [1, 6, 5])
        XCTAssertEqual(try padded.select(1, 0).toFloatArray(), [0, 0, 0, 0, 0], "rows outside the image are zero")
        let flipped = try RandomFlip(p: 1, vertical: false).apply(x, generator: Generator(seed: 0))
        XCTAssertEqual(try flipped.select(1, 0).toFloatArray(), [4, 3, 2, 1, 0])
        let vflipped = try RandomFlip(p: 1, vertical: true).apply(x, generator: Generator(seed: 0))
        XCTAssertEqual(try vflipped.select(2, 0).toFloatArray(), [30, 20, 10, 0])
        XCTAssertEqual(try RandomFlip(p: 0, vertical: false).apply(x, generator: Generator(seed: 0)).toFloatArray(), x.toFloatArray())
        // RandomCrop windows always lie inside the (padded) image and vary with the seed.
        var tops = Set<Float>()
        for s in 0..<20 {
            let c = try RandomCrop(size: (2, 2)).apply(x, generator: Generator(seed: UInt64(s)))
            let v = c.toFloatArray()
            XCTAssertEqual(v[1] - v[0], 1)
            XCTAssertEqual(v[2] - v[0], 10)
            tops.insert(v[0])
        }
        XCTAssertGreaterThan(tops.count, 3)
    }

    func testRotationByRightAngles() throws {
        let x = try ramp(3, 3)
        // 90 degrees counter-clockwise: the top row becomes the left column, reversed.
        let r = try Resample.rotate(x, degrees: 90, mode: .nearest, fill: 0)
        XCTAssertEqual(r.toFloatArray(), [2, 12, 22, 1, 11, 21, 0, 10, 20])
        let r180 = try Resample.rotate(x, degrees: 180, mode: .bilinear, fill: 0)
        for (a, b) in zip(r180.toFloatArray(), x.toFloatArray().reversed()) { XCTAssertEqual(a, b, accuracy: 1e-4) }
    }

    func testRandomResizedCropAndColourJitter() throws {
        let x = try Tensor.rand([3, 32, 48])
        for s in 0..<10 {
            let y = try RandomResizedCrop(size: (16, 16)).apply(x, generator: Generator(seed: UInt64(s)))
            XCTAssertEqual(y.shape, [3, 16, 16])
        }
        let j = try ColorJitter(brightness: 0.5, contrast: 0.5, saturation: 0.5, hue: 0.2).apply(x, generator: Generator(seed: 1))
        XCTAssertEqual(j.shape, x.shape)
        XCTAssertGreaterThanOrEqual(try j.min().item(), 0)
        XCTAssertLessThanOrEqual(try j.max().item(), 1)
        XCTAssertEqual(try ColorJitter(brightness: 0.5).apply(x, generator: Generator(seed: 1)).toFloatArray(),
                       try ColorJitter(brightness: 0.5).apply(x, generator: Generator(seed: 1)).toFloatArray(), "seeded jitter repeats")
        let grey = try Grayscale(outputChannels: 3).apply(x, generator: Generator(seed: 0))
        XCTAssertEqual(try grey.select(0, 0).toFloatArray(), try grey.select(0, 2).toFloatArray())
    }

    func testPairTransformSharesGeometryAndMasksStayIntegral() throws {
        let image = try ramp(8, 8)
        let pair = PairTransform(geometric: [try RandomResizedCrop(size: (4, 4), scale: (0.3, 0.6)), try RandomFlip(p: 0.5, vertical: false)],
                                 each: [try ColorJitter(brightness: 0.3)])
        for s in 0..<10 {
            // Identical inputs get identical geometry (colour applies to each independently,
            // so compare a mask, which colour transforms never touch).
            let (a, b) = try pair.apply(image, image, generator: Generator(seed: UInt64(s)), secondIsMask: true)
            let noColour = PairTransform(geometric: pair.geometric, each: [])
            let (c, _) = try noColour.apply(image, image, generator: Generator(seed: UInt64(s)), secondIsMask: true)
            XCTAssertEqual(a.shape, [1, 4, 4])
            // The mask uses nearest sampling: its values are original pixel values.
            let original = Set(image.toFloatArray())
            XCTAssertTrue(b.toFloatArray().allSatisfy { original.contains($0) })
            // The image without colour follows the same window as the mask (bilinear vs nearest).
            for (u, v) in zip(c.toFloatArray(), b.toFloatArray()) { XCTAssertEqual(u, v, accuracy: 12) }
        }
    }

    func testNormalizeAndErrors() throws {
        let x = Tensor.full([2, 2, 2], 0.5)
        let n = try Normalize(mean: [0.5, 0.25], std: [0.5, 0.25]).apply(x, generator: Generator(seed: 0))
        XCTAssertEqual(n.toFloatArray(), [0, 0, 0, 0, 1, 1, 1, 1])
        XCTAssertThrowsError(try Normalize(mean: [0.5], std: [0.5, 0.5])) {
            XCTAssertEqual("\($0)", "Normalize: mean and std need the same, non-zero number of channels (got 1 and 2)")
        }
        XCTAssertThrowsError(try Normalize(mean: [0.5, 0.5, 0.5], std: [1, 1, 1]).apply(x, generator: Generator(seed: 0))) {
            XCTAssertEqual("\($0)", "Normalize: the image has 2 channels but mean/std have 3")
        }
        XCTAssertThrowsError(try RandomCrop(size: (9, 9)).apply(x, generator: Generator(seed: 0))) {
            XCTAssertEqual("\($0)", "RandomCrop: crop size 9x9 is larger than the (padded) image 2x2; use pad_if_needed=true")
        }
    }
}
