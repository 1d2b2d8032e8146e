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

    /// Stride 1 with Wo == W (every "same"-padded convolution): a column row's valid
    /// windows read one contiguous run of the image, so im2col and col2im move whole
    /// runs and only patch the one or two padding columns of each window row.
    private var rowsAreRuns: Bool { strideH == 1 && strideW == 1 && outW == width }

    /// The window rows oh whose tap row i lands inside the image (stride 1): ih = oh - padTop + i * dilation.
    @inline(__always)
    private func validRows(tap i: Int) -> (lo: Int, hi: Int) {
        let shift = i * dilationH - padTop
        let lo = Swift.min(outH, Swift.max(0, -shift))
        return (lo, Swift.max(lo, Swift.min(outH, height - shift)))
    }

    /// Fills `col` [C * kh * kw, Ho * Wo] from one image [C, H, W] (zeros for padding).
    func im2col(_ image: UnsafePointer<Float>, into col: UnsafeMutablePointer<Float>) {
        let hw = height * width, p = patches
        if rowsAreRuns {
            for c in 0..<channels {
                for i in 0..<kernelH {
                    let (r0, r1) = validRows(tap: i)
                    for j in 0..<kernelW {
                        let row = col + ((c * kernelH + i) * kernelW + j) * p
                        let (shift, lo, hi) = validColumns(tap: j)
                        if lo >= hi || r0 >= r1 {
                            row.update(repeating: 0, count: p)
                            continue
                        }
                        row.update(repeating: 0, count: r0 * outW)
                        (row + r1 * outW).update(repeating: 0, count: (outH - r1) * outW)
                        // One run from the first valid element of row r0 to the last of row r1 - 1;
                        // every element read lies inside the image plane.
                        let dst = row + r0 * outW
                        let src = image + c * hw + (r0 + i * dilationH - padTop) * width + shift
                        let end = (r1 - r0 - 1) * outW + hi
                        (dst + lo).update(from: src + lo, count: end - lo)
                        // The run also copied neighbouring pixels into the padding columns.
                        for oh in 0..<(r1 - r0) {
                            let d = dst + oh * outW
                            for ow in 0..<lo { d[ow] = 0 }
                            for ow in hi..<outW { d[ow] = 0 }
                        }
                    }
                }
            }
            return
        }
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
    /// Entries of `col` that fall on padding may be overwritten with zeros.
    func col2im(_ col: UnsafeMutablePointer<Float>, into image: UnsafeMutablePointer<Float>) {
        let hw = height * width, p = patches
        if rowsAreRuns {
            for c in 0..<channels {
                let plane = image + c * hw
                plane.update(repeating: 0, count: hw)
                for i in 0..<kernelH {
                    let (r0, r1) = validRows(tap: i)
                    if r0 >= r1 { continue }
                    for j in 0..<kernelW {
                        let row = col + ((c * kernelH + i) * kernelW + j) * p
                        let (shift, lo, hi) = validColumns(tap: j)
                        if lo >= hi { continue }
                        // Zero the padding columns, then add one contiguous run (see im2col).
                        let src = row + r0 * outW
                        for oh in 0..<(r1 - r0) {
                            let s = src + oh * outW
                            for ow in 0..<lo { s[ow] = 0 }
                            for ow in hi..<outW { s[ow] = 0 }
                        }
                        let dst = plane + (r0 + i * dilationH - padTop) * width + shift
                        for t in lo..<((r1 - r0 - 1) * outW + hi) { dst[t] += src[t] }
                    }
                }
            }
            return
        }
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
