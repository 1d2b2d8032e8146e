import Foundation
import XCTest
import VisTensor

/// Helpers for the convolution, pooling and linear tests, in one namespace so that they
/// cannot clash with other helpers of this test target. Each passes `file`/`line`
/// through so a failure points at the calling test line.
enum ConvTest {
    /// A float32 leaf of `shape` with deterministic values uniform in `range` from its own
    /// generator (the global one is left alone), requiring grad unless told otherwise.
    static func leaf(_ shape: [Int], seed: UInt64, in range: ClosedRange<Float> = -1...1,
                     requiresGrad: Bool = true) -> Tensor {
        let g = Generator(seed: seed)
        let n = Shape.numel(shape)
        var values = [Float](repeating: 0, count: n)
        for i in 0..<n { values[i] = range.lowerBound + (range.upperBound - range.lowerBound) * g.uniform() }
        let t = (try? Tensor(values, shape: shape)) ?? Tensor.full(shape, 0)
        if requiresGrad { _ = try? t.setRequiresGrad() }
        return t
    }

    /// A float32 leaf whose values are distinct multiples of 1/16 in shuffled order, so that
    /// no max-pooling window has a tie and a ±1e-2 step never changes a window's winner.
    static func distinct(_ shape: [Int], seed: UInt64) -> Tensor {
        let g = Generator(seed: seed)
        let n = Shape.numel(shape)
        var values = (0..<n).map { Float($0) / 16 - Float(n) / 32 }
        for i in stride(from: n - 1, to: 0, by: -1) {
            let j = Int(g.uniform() * Float(i + 1)) % (i + 1)
            values.swapAt(i, j)
        }
        let t = (try? Tensor(values, shape: shape)) ?? Tensor.full(shape, 0)
        _ = try? t.setRequiresGrad()
        return t
    }

    /// The fixture `conv/NAME_KEY.npy` made by Fixtures/make_conv_reference.py, or nil
    /// when the case has no such file (an op without weight or bias).
    static func fixture(_ name: String, _ key: String) throws -> Tensor? {
        guard let url = Bundle.module.url(forResource: "\(name)_\(key)", withExtension: "npy", subdirectory: "Fixtures/conv") else {
            return nil
        }
        return try Tensor.loadNPY(path: url.path)
    }

    /// Asserts that `actual` has `expected`'s shape and every value within
    /// atol + rtol * |expected|; returns the largest error as a fraction of its tolerance.
    @discardableResult
    static func assertClose(_ actual: Tensor?, _ expected: Tensor, rtol: Double = 1e-5, atol: Double = 1e-5,
                            _ what: String, file: StaticString = #filePath, line: UInt = #line) -> Double {
        guard let actual else {
            XCTFail("\(what): no tensor (expected shape \(shapeString(expected.shape)))", file: file, line: line)
            return 0
        }
        guard actual.shape == expected.shape else {
            XCTFail("\(what): shape \(shapeString(actual.shape)), expected \(shapeString(expected.shape))", file: file, line: line)
            return 0
        }
        let a = actual.toDoubleArray(), e = expected.toDoubleArray()
        var worst = 0.0
        for i in 0..<a.count {
            let tol = atol + rtol * Swift.abs(e[i])
            let err = Swift.abs(a[i] - e[i])
            if !(err <= tol) {
                XCTFail("\(what): element \(i) is \(a[i]), expected \(e[i]) (tolerance \(tol))", file: file, line: line)
                return err / tol
            }
            worst = Swift.max(worst, err / tol)
        }
        return worst
    }

    /// Asserts that `body` throws a `TensorError` whose message is exactly `message`.
    static func assertThrows<T>(_ message: String, file: StaticString = #filePath, line: UInt = #line,
                                _ body: () throws -> T) {
        do {
            _ = try body()
            XCTFail("expected the error \"\(message)\", but nothing was thrown", file: file, line: line)
        } catch let error as TensorError {
            XCTAssertEqual(error.message, message, file: file, line: line)
        } catch {
            XCTFail("expected a TensorError, got \(error)", file: file, line: line)
        }
    }

    /// A straightforward direct convolution (seven nested loops, no im2col, no BLAS) on
    /// contiguous float32 tensors, as an independent check of the fast kernels.
    static func directConv2d(_ x: Tensor, _ w: Tensor, _ b: Tensor?, stride: (Int, Int), padTop: Int, padLeft: Int,
                             dilation: (Int, Int), groups: Int, outH: Int, outW: Int) -> [Double] {
        let n = x.shape[0], c = x.shape[1], h = x.shape[2], wd = x.shape[3]
        let o = w.shape[0], cg = w.shape[1], kh = w.shape[2], kw = w.shape[3], og = o / groups
        let xv = x.toDoubleArray(), wv = w.toDoubleArray(), bv = b?.toDoubleArray()
        var out = [Double](repeating: 0, count: n * o * outH * outW)
        for ni in 0..<n {
            for oc in 0..<o {
                let g = oc / og
                for oy in 0..<outH {
                    for ox in 0..<outW {
                        var s = bv?[oc] ?? 0
                        for ci in 0..<cg {
                            let ic = g * cg + ci
                            for i in 0..<kh {
                                for j in 0..<kw {
                                    let iy = oy * stride.0 - padTop + i * dilation.0
                                    let ix = ox * stride.1 - padLeft + j * dilation.1
                                    if iy < 0 || iy >= h || ix < 0 || ix >= wd { continue }
                                    s += xv[((ni * c + ic) * h + iy) * wd + ix] * wv[((oc * cg + ci) * kh + i) * kw + j]
                                }
                            }
                        }
                        out[((ni * o + oc) * outH + oy) * outW + ox] = s
                    }
                }
            }
        }
        return out
    }
}
