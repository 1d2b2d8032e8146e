/// The kernels of the fused batch-norm -> ReLU -> max-pool op on one [H, W] plane, with
/// non-overlapping square windows of 2 or more (stride = kernel = `window`, no padding,
/// floor mode). Without pooling the op runs NormKernels' masked loops instead.
///
/// Forward: out = max over the window of relu(x * scale + shift), keeping the first
/// winning tap (ky * window + kx) of each window, as max_pool2d on relu's output does:
/// relu maps NaN to 0, so the values pooled are never NaN and a window of zeros names
/// its first tap. The result is bit for bit that of the three ops run one by one.
///
/// The forward also keeps, per window, the input value at the winning tap: the
/// backward then reads pooled-size arrays and x once, densely.
///
/// Backward: the gradient reaching the normalised value is g at each window's winner
/// when out > 0, and 0 everywhere else. Batch norm's sums therefore run over the
/// windows alone (`NormKernels.maskedGradSums` on the pooled arrays), and its input
/// gradient is x * b + c everywhere except at the winners, where it is
/// g * a + x * b + c: one dense pass over the input, where the ops one by one make ten.
///
/// Window 2 (MaxPool2d(2), the common case) runs the forward 8 windows at a time in
/// SIMD lanes, where the choice of tap is a masked select (a branch per window
/// mispredicts; see MaxPoolKernel); other windows, and the last rows of the input
/// when they hold fewer than 8 windows, run a branch-free scalar loop.
struct NormReLUPoolPlane {
    let height: Int, width: Int, window: Int
    var outH: Int { height / window }
    var outW: Int { width / window }

    /// Pools plane `s` into `d` [outH, outW], with each window's winning tap in `taps`
    /// and the input value there in `winners`. Floats up to `readableEnd` (the end of
    /// the input tensor) may be read past the plane.
    func forward(_ s: UnsafePointer<Float>, readableEnd: UnsafePointer<Float>, into d: UnsafeMutablePointer<Float>,
                 taps: UnsafeMutablePointer<UInt8>, winners: UnsafeMutablePointer<Float>, scale: Float, shift: Float) {
        let ow = outW
        for oy in 0..<outH {
            let top = s + oy * window * width, o = oy * ow
            var ox = 0
            if window == 2 && ow >= 8 {
                // Blocks of 8 windows; the last block ends at the row's end, overlapping
                // the one before (recomputing a window writes the same values).
                while ox < ow {
                    let at = Swift.min(ox, ow - 8)
                    lanes(top + 2 * at, rowStride: width, into: d + o + at, taps: taps + o + at, winners: winners + o + at,
                          scale: scale, shift: shift)
                    ox = at + 8
                }
            } else if window == 2 && top + width + 16 <= readableEnd {
                // Fewer than 8 windows: the lanes past them read on into the next rows (or
                // the next plane) and, where the plane's next output row follows, store
                // into it, which is computed afterwards and overwrites them. The plane's
                // last rows store through a stack copy.
                if o + 8 <= outH * ow {
                    lanes(top, rowStride: width, into: d + o, taps: taps + o, winners: winners + o, scale: scale, shift: shift)
                } else {
                    var results = (SIMD8<Float>(), SIMD8<Float>(), SIMD8<UInt8>())
                    withUnsafeMutableBytes(of: &results) { raw in
                        let r = raw.baseAddress!.assumingMemoryBound(to: Float.self)
                        let t = (raw.baseAddress! + 64).assumingMemoryBound(to: UInt8.self)
                        lanes(top, rowStride: width, into: r, taps: t, winners: r + 8, scale: scale, shift: shift)
                        for l in 0..<ow {
                            d[o + l] = r[l]
                            winners[o + l] = r[8 + l]
                            taps[o + l] = t[l]
                        }
                    }
                }
            } else {
                for ox in 0..<ow {
                    var best: Float = 0, tap = 0, winner = top[ox * window]
                    for ky in 0..<window {
                        let p = top + ky * width + ox * window
                        for kx in 0..<window {
                            let z = p[kx] * scale + shift
                            let r: Float = z > 0 ? z : 0
                            let take = r > best
                            best = take ? r : best
                            tap = take ? ky * window + kx : tap
                            winner = take ? p[kx] : winner
                        }
                    }
                    d[o + ox] = best
                    taps[o + ox] = UInt8(truncatingIfNeeded: tap)
                    winners[o + ox] = winner
                }
            }
        }
    }

    /// 8 2x2 windows of one output row in SIMD lanes: `top` points at the first tap of
    /// the first window, the next input row starts `rowStride` floats later, and the
    /// lanes' taps are the even and odd floats of the two rows. Stores 8 results.
    ///
    /// Concrete SIMD8 on purpose: through a generic `SIMD` parameter, `.>` resolves to
    /// the protocol's lane-by-lane default even when specialised (measured 40x slower).
    @inline(__always)
    private func lanes(_ top: UnsafePointer<Float>, rowStride: Int, into d: UnsafeMutablePointer<Float>,
                       taps: UnsafeMutablePointer<UInt8>, winners: UnsafeMutablePointer<Float>, scale: Float, shift: Float) {
        let upper = loadPairs(top), lower = loadPairs(top + rowStride)
        let sc = SIMD8<Float>(repeating: scale), sh = SIMD8<Float>(repeating: shift), zero = SIMD8<Float>()
        let z0 = upper.even * sc + sh, z1 = upper.odd * sc + sh, z2 = lower.even * sc + sh, z3 = lower.odd * sc + sh
        let r0 = zero.replacing(with: z0, where: z0 .> zero), r1 = zero.replacing(with: z1, where: z1 .> zero)
        let r2 = zero.replacing(with: z2, where: z2 .> zero), r3 = zero.replacing(with: z3, where: z3 .> zero)
        var best = r0, tap = SIMD8<Int32>(), winner = upper.even
        var take = r1 .> best
        best.replace(with: r1, where: take)
        tap.replace(with: 1, where: take)
        winner.replace(with: upper.odd, where: take)
        take = r2 .> best
        best.replace(with: r2, where: take)
        tap.replace(with: 2, where: take)
        winner.replace(with: lower.even, where: take)
        take = r3 .> best
        best.replace(with: r3, where: take)
        tap.replace(with: 3, where: take)
        winner.replace(with: lower.odd, where: take)
        UnsafeMutableRawPointer(d).storeBytes(of: best, as: SIMD8<Float>.self)
        UnsafeMutableRawPointer(winners).storeBytes(of: winner, as: SIMD8<Float>.self)
        let t = SIMD8<UInt8>(truncatingIfNeeded: tap)
        UnsafeMutableRawPointer(taps).storeBytes(of: t, as: SIMD8<UInt8>.self)
    }

    /// 16 floats from p split into the even and the odd ones (the left and right taps
    /// of 8 windows); the lanes are picked one by one, which LLVM turns into shuffles.
    @inline(__always)
    private func loadPairs(_ p: UnsafePointer<Float>) -> (even: SIMD8<Float>, odd: SIMD8<Float>) {
        let a = UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
        let b = UnsafeRawPointer(p + 8).loadUnaligned(as: SIMD8<Float>.self)
        return (SIMD8(a[0], a[2], a[4], a[6], b[0], b[2], b[4], b[6]), SIMD8(a[1], a[3], a[5], a[7], b[1], b[3], b[5], b[7]))
    }

    /// The input position of tap t of the window at (oy, ox).
    @inline(__always)
    func position(_ oy: Int, _ ox: Int, tap t: Int) -> Int {
        let ky = window == 2 ? t >> 1 : t / window, kx = window == 2 ? t & 1 : t % window
        return (oy &* window &+ ky) &* width &+ ox &* window &+ kx
    }

    /// dst = x * b + c over the plane, then g' * a + x * b + c at each window's winner,
    /// g' = g where out > 0 else 0 (the dense formula g * a + x * b + c with g zero off
    /// the winners); `winners` holds x at the winners.
    func gradInput(_ g: UnsafePointer<Float>, out: UnsafePointer<Float>, taps: UnsafePointer<UInt8>,
                   winners: UnsafePointer<Float>, x: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>,
                   a: Float, b: Float, c: Float) {
        NormKernels.affine(x, dst, height * width, scale: b, shift: c)
        let ow = outW
        for oy in 0..<outH {
            for ox in 0..<ow {
                let j = oy &* ow &+ ox
                // Both loads first, so the choice is a select rather than a branch (which
                // would mispredict on about half of the windows).
                let gj = g[j], gv: Float = out[j] > 0 ? gj : 0
                dst[position(oy, ox, tap: Int(taps[j]))] = gv * a + winners[j] * b + c
            }
        }
    }
}
