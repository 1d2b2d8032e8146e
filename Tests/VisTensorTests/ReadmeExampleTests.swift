import XCTest
import VisTensor

/// The Swift API example in README.md, kept compiling and correct.
final class ReadmeExampleTests: XCTestCase {
    func testReadmeExample() throws {
        seed(0)
        let w = try Tensor.randn([3, 2]).setRequiresGrad()
        let x = try Tensor([[1, 2, 3], [4, 5, 6]])
        let y = try x.matmul(w).relu().sum()
        try y.backward()
        let grad = try XCTUnwrap(w.grad)
        // d(sum(relu(x @ w)))/dw[i, j] = sum over rows r with (x @ w)[r, j] > 0 of x[r, i].
        let xw = try x.matmul(w.detach()).toFloatArray()
        for i in 0..<3 {
            for j in 0..<2 {
                var expected: Float = 0
                for r in 0..<2 where xw[r * 2 + j] > 0 { expected += x.toFloatArray()[r * 3 + i] }
                XCTAssertEqual(grad.toFloatArray()[i * 2 + j], expected, accuracy: 1e-5)
            }
        }
        let before = w.detach().clone().toFloatArray()
        try withNoGrad { try w.addInPlace(grad, alpha: -0.1) }
        for (a, (b, g)) in zip(w.toFloatArray(), zip(before, grad.toFloatArray())) {
            XCTAssertEqual(a, b - 0.1 * g, accuracy: 1e-6)
        }
        XCTAssertThrowsError(try x.matmul(Tensor([1, 2]))) { error in
            XCTAssertEqual("\(error)", "matmul: shapes [2, 3] and [2] do not align (3 != 2)")
        }
    }
}
