import XCTest
@testable import VisTensor

/// dtype conversion, copies and reading values out.
final class ConversionTests: XCTestCase {
    func testDTypeConversions() throws {
        let f = tensor([1.9, -1.9, 0, 2.5], [4])
        assertInt64(try f.to(.int64), [4], [1, -1, 0, 2])                  // toward zero
        assertBool(try f.to(.bool), [4], [true, true, false, true])
        assertTensor(try ints([3, -4]).to(.float32), [2], [3, -4])
        assertBool(try ints([3, 0]).bool(), [2], [true, false])
        assertTensor(try bools([true, false]).float(), [2], [1, 0])
        assertInt64(try bools([true, false]).long(), [2], [1, 0])
        XCTAssertTrue(try f.to(.float32) === f, "converting to the same dtype returns the tensor itself")
        // Conversion of a non-contiguous view reads it in row-major order.
        assertInt64(try tensor([1, 2, 3, 4], [2, 2]).t().to(.int64), [2, 2], [1, 3, 2, 4])
        XCTAssertEqual(DType(name: "long"), .int64)
        XCTAssertEqual(DType(name: "float"), .float32)
        XCTAssertEqual(DType(name: "float64"), .float64)
        XCTAssertEqual(DType(name: "torch.half"), .float16)
        XCTAssertNil(DType(name: "complex64"))
    }

    func testNonFiniteAndOutOfRangeFloatsSaturate() throws {
        // PyTorch leaves these undefined; vis saturates and makes NaN 0 (LIBRARY.md "dtypes").
        XCTAssertEqual(try tensor([1, .nan, .infinity, -.infinity, 1e19], [5]).to(.int64).toInt64Array(),
                       [1, 0, .max, .min, .max])
        XCTAssertEqual(try tensor([300, -5, .nan], [3]).to(.uint8).toInt64Array(), [255, 0, 0])
    }

    func testItemAndArrays() throws {
        XCTAssertEqual(try Tensor.scalar(2.5).item(), 2.5)
        XCTAssertEqual(try tensor([4], [1, 1]).item(), 4)
        XCTAssertEqual(try ints([7]).item(), 7)
        XCTAssertEqual(try bools([true]).item(), 1)
        // item of a view reads the view's element.
        XCTAssertEqual(try tensor([1, 2, 3], [3]).select(0, 2).item(), 3)
        assertThrowsMessage("item: only a tensor with one element can be converted to a number; this one has shape [2]") {
            try tensor([1, 2], [2]).item()
        }
        XCTAssertEqual(tensor([1.5, -2.5], [2]).toInt64Array(), [1, -2])
        XCTAssertEqual(ints([1, 2]).toDoubleArray(), [1, 2])
        XCTAssertEqual(tensor([0, 2], [2]).toBoolArray(), [false, true])
    }

    func testCloneAndContiguousCopy() throws {
        let x = tensor([1, 2, 3, 4], [2, 2])
        let c = x.clone()
        try c.fill(0)
        assertTensor(x, [2, 2], [1, 2, 3, 4])
        let t = try x.t().contiguous()
        XCTAssertEqual(t.strides, [2, 1])
        assertTensor(t, [2, 2], [1, 3, 2, 4])
        assertInt64(try ints([1, 2, 3, 4], [2, 2]).t().contiguous(), [2, 2], [1, 3, 2, 4])
        assertBool(try bools([true, false, false, false], [2, 2]).t().contiguous(), [2, 2], [true, false, false, false])
    }
}
