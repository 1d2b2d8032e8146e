import XCTest
@testable import VisData
import VisTensor

/// ConcatDataset (index mapping, labels, thread safety) and the public epoch-order and
/// sample-seed rules that loaders over .vis datasets share with the native loader.
final class ConcatDatasetTests: XCTestCase {
    /// Samples are (offset + index) as a one-element tensor, labelled by index.
    final class Numbers: Dataset {
        let n: Int, offset: Int
        let threadSafe: Bool
        init(_ n: Int, offset: Int, threadSafe: Bool = true) {
            self.n = n
            self.offset = offset
            self.threadSafe = threadSafe
        }
        var count: Int { n }
        var name: String { "Numbers(\(n))" }
        func label(_ index: Int) -> Int? { index }
        func sample(_ index: Int, generator: Generator) throws -> [SampleItem] {
            [.tensor(Tensor([Float(offset + index)])), .label(index)]
        }
    }

    func value(_ ds: Dataset, _ i: Int) throws -> Float {
        guard case .tensor(let t) = try ds.sample(i, generator: Generator(seed: 0))[0] else { XCTFail("no tensor"); return -1 }
        return t.toFloatArray()[0]
    }

    func testIndexMappingAcrossParts() throws {
        let c = try ConcatDataset([Numbers(3, offset: 0), Numbers(0, offset: 50), Numbers(2, offset: 100)])
        XCTAssertEqual(c.count, 5)
        XCTAssertEqual(c.cumulativeSizes, [3, 3, 5])
        XCTAssertEqual(try (0..<5).map { try value(c, $0) }, [0, 1, 2, 100, 101])
        XCTAssertEqual((0..<5).map { c.label($0) }, [0, 1, 2, 0, 1])
        XCTAssertEqual(c.locate(3).0, 2, "an empty part is skipped")
    }

    func testEmptyIsAnErrorAndThreadSafetyFollowsParts() throws {
        XCTAssertThrowsError(try ConcatDataset([]))
        XCTAssertTrue(try ConcatDataset([Numbers(1, offset: 0)]).threadSafe)
        XCTAssertFalse(try ConcatDataset([Numbers(1, offset: 0), Numbers(1, offset: 0, threadSafe: false)]).threadSafe)
    }

    func testLoaderOverConcatBatchesInOrder() throws {
        let c = try ConcatDataset([Numbers(3, offset: 0), Numbers(2, offset: 10)])
        let it = try DataLoader(c, batchSize: 5, numWorkers: 2, seed: 1).makeIterator()
        let batch = try XCTUnwrap(try it.next())
        XCTAssertEqual(batch[0].toFloatArray(), [0, 1, 2, 10, 11])
    }

    func testEpochOrderIsTheLoadersOrder() throws {
        let ds = Numbers(20, offset: 0)
        let loader = try DataLoader(ds, batchSize: 20, shuffle: true, seed: 42)
        for epoch in 0..<3 {
            let batch = try XCTUnwrap(try loader.makeIterator().next())
            let expected = DataLoader.epochOrder(count: 20, shuffle: true, seed: 42, epoch: epoch).map(Float.init)
            XCTAssertEqual(batch[0].toFloatArray(), expected)
        }
        XCTAssertEqual(DataLoader.epochOrder(count: 4, shuffle: false, seed: 42, epoch: 7), [0, 1, 2, 3])
        XCTAssertNotEqual(DataLoader.sampleSeed(1, epoch: 0, index: 0), DataLoader.sampleSeed(1, epoch: 0, index: 1))
        XCTAssertNotEqual(DataLoader.sampleSeed(1, epoch: 0, index: 0), DataLoader.sampleSeed(1, epoch: 1, index: 0))
    }
}
