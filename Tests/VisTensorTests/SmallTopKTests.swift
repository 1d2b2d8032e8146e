import XCTest
@testable import VisTensor

/// topk's small-k path (SmallTopK: a filtering pass, rows split across cores) must give
/// exactly the first k of the stable sort, as the radix-select path does: values and
/// positions, ties by position, NaN largest, every dtype, both directions, short and
/// long rows (long ones are split into chunks and merged).
final class SmallTopKTests: XCTestCase {
    /// The first k of the stable sort along the last dim (the documented topk result).
    func expected(_ x: Tensor, _ k: Int, largest: Bool) throws -> (Tensor, Tensor) {
        let s = try x.sort(dim: -1, descending: largest, stable: true)
        return (try s.values.narrow(-1, 0, k).contiguous(), try s.indices.narrow(-1, 0, k).contiguous())
    }

    func check(_ x: Tensor, _ k: Int, _ what: String, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertTrue(SmallTopK.applies(n: x.shape.last ?? 0, k: k), "\(what): not the small-k path", file: file, line: line)
        for largest in [true, false] {
            let got = try x.topk(k, dim: -1, largest: largest)
            let (v, i) = try expected(x, k, largest: largest)
            XCTAssertEqual(got.indices.contiguous().toInt64Array(), i.toInt64Array(), "\(what) largest=\(largest): indices", file: file, line: line)
            let gv = try got.values.to(.float64).contiguous().toDoubleArray(), ev = try v.to(.float64).toDoubleArray()
            XCTAssertEqual(gv.count, ev.count, file: file, line: line)
            for (a, b) in zip(gv, ev) where !(a == b || (a.isNaN && b.isNaN)) {
                XCTFail("\(what) largest=\(largest): value \(a) != \(b)", file: file, line: line)
                break
            }
        }
    }

    func testSmallKMatchesTheStableSort() throws {
        // Random rows, rows with many ties, NaN and infinities, ascending runs (every
        // element enters the buffer), int64 and float64.
        try check(Tensor.randn([64, 1024]), 10, "randn rows")
        try check(Tensor.randint(0, 5, [8, 2000]).to(.float32), 100, "ties")
        let special = try Tensor.randn([4, 4096])
        let p = special.floatPointer
        for j in stride(from: 0, to: special.count, by: 37) { p[j] = .nan }
        for j in stride(from: 5, to: special.count, by: 101) { p[j] = .infinity }
        for j in stride(from: 9, to: special.count, by: 103) { p[j] = -.infinity }
        try check(special, 50, "nan and inf")
        try check(Tensor.arange(0, 5000).reshape([1, 5000]), 300, "ascending")
        try check(Tensor.arange(0, 5000).neg().reshape([1, 5000]), 300, "descending")
        try check(Tensor.randint(-1000, 1000, [16, 3000]), 64, "int64")
        try check(Tensor.randn([16, 3000]).to(.float64), 64, "float64")
        try check(Tensor.randn([3, 100]), 1, "k=1")
    }

    func testLongRowsSplitAcrossCoresMatchTheStableSort() throws {
        // Long enough to be split into chunks (SmallTopK.minChunk each) on any core count >= 2.
        let n = 2 * SmallTopK.minChunk + 123
        try check(Tensor.randn([1, n]), 100, "one long row")
        try check(Tensor.randint(0, 50, [2, n]).to(.float32), 1000, "long rows of ties")
        try check(Tensor.randn([n]).reshape([1, n]).to(.float64), 7, "float64 long row")
    }

    func testSmallTopKStopsWhenInterrupted() throws {
        let x = try Tensor.randn([1, 4 * SmallTopK.minChunk])
        Interrupt.request()
        XCTAssertThrowsError(try x.topk(10)) { XCTAssertTrue($0 is InterruptError, "\($0)") }
        XCTAssertFalse(Interrupt.requested)
        XCTAssertNoThrow(try x.topk(10))
    }
}
