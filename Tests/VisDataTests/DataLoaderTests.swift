import Foundation
import XCTest
@testable import VisData
import VisTensor

/// DataLoader: batching, collation, shuffling, determinism across worker counts,
/// early exit, and errors surfacing from workers.
final class DataLoaderTests: XCTestCase {
    /// A dataset whose samples are their index plus a random draw from the sample's generator.
    final class Noisy: Dataset {
        let n: Int
        var failAt: Int?
        init(_ n: Int) { self.n = n }
        var count: Int { n }
        var name: String { "Noisy(\(n))" }
        func sample(_ index: Int, generator: Generator) throws -> [SampleItem] {
            if index == failAt { throw TensorError("read_image", "'img\(index).png': truncated file") }
            return [.tensor(Tensor([Float(index), generator.uniform()])), .label(index % 3)]
        }
    }

    func epochs(_ loader: DataLoader, _ count: Int) throws -> [[Float]] {
        var out: [[Float]] = []
        for _ in 0..<count {
            let it = loader.makeIterator()
            while let batch = try it.next() { out.append(batch[0].toFloatArray() + batch[1].toFloatArray()) }
        }
        return out
    }

    func testBatchingAndCollation() throws {
        let loader = try DataLoader(Noisy(10), batchSize: 4, seed: 1)
        XCTAssertEqual(loader.batchCount, 3)
        let it = loader.makeIterator()
        let first = try XCTUnwrap(try it.next())
        XCTAssertEqual(first[0].shape, [4, 2])
        XCTAssertEqual(first[1].dtype, .int64)
        XCTAssertEqual(first[1].toInt64Array(), [0, 1, 2, 0])
        _ = try it.next()
        XCTAssertEqual(try XCTUnwrap(try it.next())[0].shape, [2, 2])
        XCTAssertNil(try it.next())
        XCTAssertEqual(try DataLoader(Noisy(10), batchSize: 4, dropLast: true).batchCount, 2)
    }

    /// Samples whose tensors are views (a transpose) or change shape at `oddAt`.
    final class Views: Dataset {
        var oddAt: Int?
        var count: Int { 6 }
        var name: String { "Views" }
        func sample(_ index: Int, generator: Generator) throws -> [SampleItem] {
            let n = index == oddAt ? 3 : 2
            let t = try Tensor.arange(Double(10 * index), Double(10 * index + 2 * n)).reshape([n, 2]).t()
            return [.tensor(t), .label(index)]
        }
    }

    func testCollationCopiesViewsLikeStack() throws {
        let data = Views()
        let batch = try XCTUnwrap(try DataLoader(data, batchSize: 6).makeIterator().next())
        let expected = try Tensor.stack((0..<6).map { i -> Tensor in
            guard case .tensor(let t) = try data.sample(i, generator: Generator(seed: 0))[0] else { throw TensorError("test", "no tensor") }
            return t
        })
        XCTAssertEqual(batch[0].shape, [6, 2, 2])
        XCTAssertEqual(batch[0].toFloatArray(), expected.toFloatArray())
        XCTAssertEqual(batch[1].toInt64Array(), [0, 1, 2, 3, 4, 5])
    }

    func testSamplesOfDifferentShapesNameTheSampleAndBothShapes() throws {
        let data = Views()
        data.oddAt = 4
        for workers in [0, 2] {
            let it = try DataLoader(data, batchSize: 6, numWorkers: workers).makeIterator()
            XCTAssertThrowsError(try it.next()) { error in
                XCTAssertEqual("\(error)", "DataLoader: sample 4 item 0 has shape [2, 3] but the batch's first sample has [2, 2]; resize or crop to one size (Resize, CenterCrop) so samples can be stacked")
            }
        }
    }

    func testSameOrderAndAugmentationForAnyWorkerCount() throws {
        let reference = try epochs(DataLoader(Noisy(50), batchSize: 7, shuffle: true, numWorkers: 0, seed: 42), 2)
        for workers in [1, 2] {
            XCTAssertEqual(try epochs(DataLoader(Noisy(50), batchSize: 7, shuffle: true, numWorkers: workers, seed: 42), 2), reference)
        }
        // Shuffled: not the identity order; and each epoch differs.
        let firstColumn = reference.prefix(8).flatMap { Array($0.prefix(14)).enumerated().filter { $0.offset % 2 == 0 }.map(\.element) }
        XCTAssertNotEqual(firstColumn, firstColumn.sorted())
        XCTAssertNotEqual(reference[0], reference[8])
    }

    func testBreakingOutStopsWorkers() throws {
        let loader = try DataLoader(Noisy(1000), batchSize: 4, numWorkers: 2, seed: 3)
        for _ in 0..<20 {
            let it = loader.makeIterator()
            _ = try it.next()
            it.close()
        }
        // A fresh epoch after many abandoned ones still works.
        XCTAssertEqual(try epochs(loader, 1).count, 250)
    }

    func testWorkerErrorSurfacesWithTheFileName() throws {
        let data = Noisy(20)
        data.failAt = 9
        for workers in [0, 2] {
            let it = try DataLoader(data, batchSize: 4, numWorkers: workers, seed: 0).makeIterator()
            XCTAssertThrowsError(try { while try it.next() != nil {} }()) { error in
                XCTAssertEqual("\(error)", "DataLoader: sample 9: read_image: 'img9.png': truncated file")
            }
        }
    }

    func testTensorDatasetSubsetAndRandomSplit() throws {
        let x = try Tensor.arange(0, 12).reshape([6, 2])
        let y = try Tensor(int64: [0, 1, 0, 1, 0, 1])
        let ds = try TensorDataset([x, y])
        XCTAssertEqual(ds.count, 6)
        let parts = try Subset.randomSplit(ds, sizes: [4, 2], seed: 5)
        XCTAssertEqual(Set(parts[0].indices + parts[1].indices), Set(0..<6))
        XCTAssertEqual(try Subset.randomSplit(ds, sizes: [4, 2], seed: 5)[0].indices, parts[0].indices)
        XCTAssertThrowsError(try Subset.randomSplit(ds, sizes: [4, 1], seed: 5)) {
            XCTAssertEqual("\($0)", "random_split: sizes [4, 1] must be non-negative and sum to the dataset's length 6")
        }
        XCTAssertThrowsError(try TensorDataset([x, try Tensor(int64: [1, 2])])) {
            XCTAssertEqual("\($0)", "TensorDataset: tensor 1 has shape [2] but tensor 0 has 6 samples (shape [6, 2])")
        }
    }
}
