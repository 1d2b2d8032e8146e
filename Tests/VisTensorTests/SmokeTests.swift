import XCTest
@testable import VisTensor

final class SmokeTests: XCTestCase {
    func testAdd() throws {
        let a = Tensor([1, 2, 3])
        let b = try a + a
        XCTAssertEqual(b.toFloatArray(), [2, 4, 6])
    }
}
