/// im2col and its adjoint col2im: the copies that turn a convolution into one matrix
/// product per image (see `ConvGeometry` for the column layout).
///
/// Both walk the column matrix row by row. For each row (channel c, tap i, j) and each
/// window row oh, the valid windows ow (those whose tap lands inside the image rather
/// than in the zero padding) form one range [lo, hi) computed up front, so the inner
/// loops have no bounds tests: a stride-1 row is a straight copy (or add).
extension ConvGeometry {
    /// ceil(a / b) for b > 0, and 0 for a <= 0.
    @inline(__always)
    private static func ceilDivPositive(_ a: Int, _ b: Int) -> Int { a <= 0 ? 0 : (a + b - 1) / b }

    /// The windows ow whose tap column j lands inside the image: iw = ow * stride + shift.
    @inline(__always)
    private func validColumns(tap j: Int) -> (shift: Int, lo: Int, hi: Int) {
        let shift = j * dilationW - padLeft
        let lo = Swift.min(outW, ConvGeometry.ceilDivPositive(-shift, strideW))
        let hi = Swift.max(lo, Swift.min(outW, ConvGeometry.ceilDivPositive(width - shift, strideW)))
        return (shift, lo, hi)
    }

    /// Fills `col` [C * kh * kw, Ho * Wo] from one image [C, H, W] (zeros for padding).
    func im2col(_ image: UnsafePointer<Float>, into col: UnsafeMutablePointer<Float>) {
        let hw = height * width, p = patches
        for c in 0..<channels {
            let plane = image + c * hw
            for i in 0..<kernelH {
                for j in 0..<kernelW {
                    let row = col + ((c * kernelH + i) * kernelW + j) * p
                    let (shift, lo, hi) = validColumns(tap: j)
                    for oh in 0..<outH {
                        let dst = row + oh * outW
                        let ih = oh * strideH - padTop + i * dilationH
                        if ih < 0 || ih >= height {
                            dst.update(repeating: 0, count: outW)
                            continue
                        }
                        // src[ow * stride] is image column ow * stride + shift, valid for ow in lo..<hi.
                        let src = plane + ih * width + shift
                        for ow in 0..<lo { dst[ow] = 0 }
                        if strideW == 1 {
                            for ow in lo..<hi { dst[ow] = src[ow] }
                        } else {
                            for ow in lo..<hi { dst[ow] = src[ow * strideW] }
                        }
                        for ow in hi..<outW { dst[ow] = 0 }
                    }
                }
            }
        }
    }

    /// Overwrites one image [C, H, W] with the sum, over all windows and taps, of the
    /// column entries that im2col would have read from each pixel (padding dropped).
    func col2im(_ col: UnsafePointer<Float>, into image: UnsafeMutablePointer<Float>) {
        let hw = height * width, p = patches
        for c in 0..<channels {
            let plane = image + c * hw
            plane.update(repeating: 0, count: hw)
            for i in 0..<kernelH {
                for j in 0..<kernelW {
                    let row = col + ((c * kernelH + i) * kernelW + j) * p
                    let (shift, lo, hi) = validColumns(tap: j)
                    if lo >= hi { continue }
                    for oh in 0..<outH {
                        let ih = oh * strideH - padTop + i * dilationH
                        if ih < 0 || ih >= height { continue }
                        let src = row + oh * outW
                        let dst = plane + ih * width + shift
                        if strideW == 1 {
                            for ow in lo..<hi { dst[ow] += src[ow] }
                        } else {
                            for ow in lo..<hi { dst[ow * strideW] += src[ow] }
                        }
                    }
                }
            }
        }
    }
}
