/// The forward kernel of max_pool2d on one plane.
///
/// Which tap of a window wins is data-dependent and unpredictable, so a compare-and-
/// branch loop mispredicts about once per window (measured: ~9 ns per output on
/// [64, 32, 28, 28] with 2x2 windows). Windows whose taps all lie inside the input
/// (the interior columns of each row) are therefore computed up to 8 at a time in SIMD
/// lanes, where the choice is a masked select; only border windows take the scalar path.
/// Both visit taps row by row and keep the first of equal maxima, and NaN wins (as in
/// PyTorch's `val > max || isnan(val)`).
extension PoolGeometry {
    /// Output columns [start, end) whose windows lie inside the input horizontally.
    var interiorColumns: (start: Int, end: Int) {
        let start = Swift.min(outW, (padW + strideW - 1) / strideW)
        // The last tap of column ox is ox * stride - pad + dilation * (kernel - 1) <= width - 1.
        let room = width - 1 + padW - dilationW * (kernelW - 1)
        let end = room < 0 ? start : Swift.max(start, Swift.min(outW, room / strideW + 1))
        return (start, end)
    }

    /// Pools one plane [H, W] into [Ho, Wo], with each window's winning index
    /// (h * W + w; -1 for a window with no input tap) when `indices` is given.
    func maxPlane(_ s: UnsafePointer<Float>, into d: UnsafeMutablePointer<Float>, indices: UnsafeMutablePointer<Int64>?) {
        let (c0, c1) = interiorColumns
        // The lanes hold plane indices as Int32.
        let vectorizable = height * width <= Int(Int32.max)
        for oy in 0..<outH {
            let (y0, y1) = rows(oy)
            var ox = 0
            while ox < outW {
                if vectorizable && ox >= c0 && ox < c1 && y0 < y1 {
                    let count = Swift.min(8, c1 - ox)
                    maxLanes(s, row: oy, column: ox, count: count, y0: y0, y1: y1, into: d, indices: indices)
                    ox += count
                } else {
                    maxWindow(s, row: oy, column: ox, y0: y0, y1: y1, into: d, indices: indices)
                    ox += 1
                }
            }
        }
    }

    /// One window, scalar.
    @inline(__always)
    private func maxWindow(_ s: UnsafePointer<Float>, row oy: Int, column ox: Int, y0: Int, y1: Int,
                           into d: UnsafeMutablePointer<Float>, indices: UnsafeMutablePointer<Int64>?) {
        let (x0, x1) = columns(ox)
        var best = -Float.infinity
        // PyTorch starts from the window's first in-bounds tap, so a window of -inf still
        // names an input; a window with no in-bounds tap names none.
        var at = y0 < y1 && x0 < x1 ? y0 * width + x0 : -1
        var y = y0
        while y < y1 {
            var x = x0
            while x < x1 {
                let v = s[y * width + x]
                if v > best || v.isNaN {
                    best = v
                    at = y * width + x
                }
                x += dilationW
            }
            y += dilationH
        }
        d[oy * outW + ox] = best
        indices?[oy * outW + ox] = Int64(at)
    }

    /// Windows ox ..< ox + count (count <= 8) of row oy, all inside the input
    /// horizontally, in SIMD lanes (unused lanes hold -inf and are not stored).
    @inline(__always)
    private func maxLanes(_ s: UnsafePointer<Float>, row oy: Int, column ox: Int, count: Int, y0: Int, y1: Int,
                          into d: UnsafeMutablePointer<Float>, indices: UnsafeMutablePointer<Int64>?) {
        let laneStep = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7) &* Int32(truncatingIfNeeded: strideW)
        let left = ox * strideW - padW
        var best = SIMD8<Float>(repeating: -.infinity)
        var at = SIMD8<Int32>(repeating: Int32(truncatingIfNeeded: y0 * width + left)) &+ laneStep
        var y = y0
        while y < y1 {
            for kx in 0..<kernelW {
                let first = y * width + left + kx * dilationW
                let p = s + first
                var v = SIMD8<Float>(repeating: -.infinity)
                if count == 8 && strideW == 1 {
                    v = UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
                } else {
                    for l in 0..<count { v[l] = p[l * strideW] }
                }
                let take = (v .> best) .| (v .!= v)
                best.replace(with: v, where: take)
                at.replace(with: SIMD8<Int32>(repeating: Int32(truncatingIfNeeded: first)) &+ laneStep, where: take)
            }
            y += dilationH
        }
        let o = oy * outW + ox
        if count == 8 {
            UnsafeMutableRawPointer(d + o).storeBytes(of: best, as: SIMD8<Float>.self)
        } else {
            for l in 0..<count { d[o + l] = best[l] }
        }
        if let indices {
            for l in 0..<count { indices[o + l] = Int64(at[l]) }
        }
    }
}
