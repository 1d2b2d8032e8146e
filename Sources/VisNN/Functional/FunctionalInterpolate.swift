import Foundation
import VisTensor

/// How `Functional.interpolate` computes each output pixel.
public enum InterpolationMode: String, Sendable {
    /// The nearest input pixel by PyTorch's legacy rule: src = floor(dst * scale).
    case nearest
    /// A weighted sum of the 2 x 2 nearest input pixels.
    case bilinear
}

/// Resizing [N, C, H, W] images (PyTorch's `F.interpolate` for 4-D inputs), with the
/// backward pass scattering each output gradient onto the input pixels it was read
/// from, weighted as in the forward pass.
extension Functional {
    /// Resizes the last two dimensions of `x` to `size`, or by `scaleFactor`.
    ///
    /// - x: [N, C, H, W] -> [N, C, outH, outW]
    /// - size: (outH, outW); or scaleFactor: (sh, sw) giving outH = floor(H * sh), and
    ///   then, as PyTorch does by default (recompute_scale_factor unset), the source
    ///   positions use 1 / sh rather than H / outH.
    /// - alignCorners: bilinear only (nil means false): map the corner pixel centres of
    ///   input and output onto each other, scale = (in - 1) / (out - 1).
    ///
    /// Differentiable with respect to x.
    public static func interpolate(_ x: Tensor, size: (Int, Int)? = nil, scaleFactor: (Double, Double)? = nil,
                                   mode: InterpolationMode = .nearest, alignCorners: Bool? = nil) throws -> Tensor {
        let op = "interpolate"
        if x.dtype == .float16 || x.dtype == .bfloat16 {
            return try interpolate(x.to(.float32), size: size, scaleFactor: scaleFactor, mode: mode, alignCorners: alignCorners).to(x.dtype)
        }
        if mode == .nearest && alignCorners != nil {
            throw TensorError(op, "align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear")
        }
        if size != nil && scaleFactor != nil { throw TensorError(op, "only one of size or scale_factor should be defined") }
        guard x.ndim == 4 else {
            throw TensorError(op, "expected a 4-D [N, C, H, W] input, got \(shapeString(x.shape))")
        }
        try NormChecks.float32(x, op)
        let n = x.shape[0], c = x.shape[1], inH = x.shape[2], inW = x.shape[3]
        let outH: Int, outW: Int
        if let size {
            (outH, outW) = size
        } else if let (sh, sw) = scaleFactor {
            guard sh.isFinite, sw.isFinite else {
                throw TensorError(op, "scale_factor must be finite, got (\(sh), \(sw))")
            }
            // floor for positive values; truncation (as Python's int()) otherwise, so a
            // negative factor reaches the size check below rather than trapping.
            func scaled(_ size: Int, _ s: Double) throws -> Int {
                let v = (Double(size) * s).rounded(.towardZero)
                guard Swift.abs(v) < Double(Shape.maxElements) else {
                    throw TensorError(op, "scale_factor (\(sh), \(sw)) gives an output too large for input \(shapeString(x.shape))")
                }
                return Int(v)
            }
            outH = try scaled(inH, sh)
            outW = try scaled(inW, sw)
        } else {
            throw TensorError(op, "either size or scale_factor should be defined")
        }
        guard inH > 0, inW > 0, outH > 0, outW > 0 else {
            throw TensorError(op, "Input and output sizes should be greater than 0, but got input (H: \(inH), W: \(inW)) output (H: \(outH), W: \(outW))")
        }
        let outShape = [n, c, outH, outW]
        try Shape.validate(outShape, op: op)
        // An empty batch passes the check above with any size, but the axis maps and
        // the plane sizes below are built from the sizes themselves.
        try ConvCheck.bounded(op, [("size", (outH, outW))])
        try ConvCheck.extents(op, [("input", x)])
        try Shape.validateExtent([outH, outW], op: op, name: "output")

        let corners = alignCorners ?? false
        if x.dtype == .float64 {
            return try Float64Resize.interpolate(x, outH: outH, outW: outW, scaleFactor: scaleFactor, mode: mode, alignCorners: corners)
        }
        let rowsMap = AxisMap(inSize: inH, outSize: outH, scaleFactor: scaleFactor?.0, alignCorners: corners, mode: mode)
        let colsMap = AxisMap(inSize: inW, outSize: outW, scaleFactor: scaleFactor?.1, alignCorners: corners, mode: mode)
        let planes = n * c
        let inPlane = inH * inW, outPlane = outH * outW
        let xc = x.detach().contiguous()
        let out = Tensor(uninitialized: outShape)
        let px = UnsafePointer(xc.floatPointer), po = out.floatPointer
        let kernel = ResizeKernel(rows: rowsMap, cols: colsMap, inH: inH, inW: inW, outH: outH, outW: outW)

        // Each plane (sample, channel) is independent: split planes across cores.
        let cost = outPlane * (mode == .nearest ? 1 : 4)
        Parallel.forRange(planes, costPerElement: cost) { p0, p1 in
            // Bilinear is separable: rows blended across columns into scratch, then
            // those rows blended down (a vectorised pass).
            let scratch = mode == .bilinear ? Storage(byteCount: inH * outW * MemoryLayout<Float>.size) : nil
            let tmp = scratch?.data.assumingMemoryBound(to: Float.self)
            for p in p0..<p1 {
                if let tmp {
                    kernel.bilinearForward(px + p * inPlane, po + p * outPlane, tmp)
                } else {
                    kernel.nearestForward(px + p * inPlane, po + p * outPlane)
                }
            }
            withExtendedLifetime(scratch) {}
        }
        withExtendedLifetime(xc) {}

        if Autograd.needsGraph(x) {
            let inShape = x.shape
            Autograd.record(out, op, [x]) { g in
                // g: [N, C, outH, outW] -> dx: [N, C, H, W], each output gradient added to
                // the input pixels it was read from, with the forward weights.
                let gc = g.contiguous()
                let pg = UnsafePointer(gc.floatPointer)
                let dx = Tensor.full(inShape, 0)
                let pd = dx.floatPointer
                Parallel.forRange(planes, costPerElement: cost) { p0, p1 in
                    let scratch = mode == .bilinear ? Storage(byteCount: inH * outW * MemoryLayout<Float>.size) : nil
                    let tmp = scratch?.data.assumingMemoryBound(to: Float.self)
                    for p in p0..<p1 {
                        if let tmp {
                            kernel.bilinearBackward(pg + p * outPlane, pd + p * inPlane, tmp)
                        } else {
                            kernel.nearestBackward(pg + p * outPlane, pd + p * inPlane)
                        }
                    }
                    withExtendedLifetime(scratch) {}
                }
                withExtendedLifetime(gc) {}
                return [dx]
            }
        }
        return out
    }
}

/// The per-plane loops of `interpolate` and its backward, over the two axis maps.
struct ResizeKernel {
    let rows: AxisMap
    let cols: AxisMap
    let inH: Int, inW: Int, outH: Int, outW: Int
    /// Input rows some output row reads; when shrinking, the others need no horizontal
    /// pass. (Both rows of each pair count, even at weight 0: an unfilled scratch row
    /// times 0 could still be NaN.)
    let rowUsed: [Bool]

    init(rows: AxisMap, cols: AxisMap, inH: Int, inW: Int, outH: Int, outW: Int) {
        self.rows = rows
        self.cols = cols
        self.inH = inH; self.inW = inW; self.outH = outH; self.outW = outW
        var used = [Bool](repeating: false, count: inH)
        for oh in 0..<outH {
            used[rows.i0[oh]] = true
            used[rows.i1[oh]] = true
        }
        rowUsed = used
    }

    /// dst[oh, ow] = src[i0[oh], j0[ow]]: src [inH, inW] -> dst [outH, outW].
    @inline(__always)
    func nearestForward(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>) {
        let h0 = rows.i0, c0 = cols.i0
        for oh in 0..<outH {
            let row = dst + oh * outW, r0 = src + h0[oh] * inW
            for ow in 0..<outW { row[ow] = r0[c0[ow]] }
        }
    }

    /// Backward of `nearestForward`: dsrc[i0[oh], j0[ow]] += g[oh, ow] (dsrc zeroed).
    @inline(__always)
    func nearestBackward(_ g: UnsafePointer<Float>, _ dsrc: UnsafeMutablePointer<Float>) {
        let h0 = rows.i0, c0 = cols.i0
        for oh in 0..<outH {
            let row = g + oh * outW, r0 = dsrc + h0[oh] * inW
            for ow in 0..<outW { r0[c0[ow]] += row[ow] }
        }
    }

    /// dst[oh, ow] = a0 * (b0 * src[h0, j0] + b1 * src[h0, j1]) + a1 * (the same on row h1),
    /// the bracket computed once per input row into tmp [inH, outW].
    @inline(__always)
    func bilinearForward(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ tmp: UnsafeMutablePointer<Float>) {
        let c0 = cols.i0, c1 = cols.i1, b0 = cols.w0, b1 = cols.w1
        for h in 0..<inH where rowUsed[h] {
            let r = src + h * inW, t = tmp + h * outW
            for ow in 0..<outW { t[ow] = b0[ow] * r[c0[ow]] + b1[ow] * r[c1[ow]] }
        }
        let h0 = rows.i0, h1 = rows.i1, a0 = rows.w0, a1 = rows.w1
        for oh in 0..<outH {
            let t0 = tmp + h0[oh] * outW, t1 = tmp + h1[oh] * outW, row = dst + oh * outW
            let wa = a0[oh], wb = a1[oh]
            for ow in 0..<outW { row[ow] = wa * t0[ow] + wb * t1[ow] }
        }
    }

    /// Backward of `bilinearForward` (dsrc zeroed): the vertical blend's transpose into
    /// tmp, then each tmp row scattered onto its input row.
    @inline(__always)
    func bilinearBackward(_ g: UnsafePointer<Float>, _ dsrc: UnsafeMutablePointer<Float>, _ tmp: UnsafeMutablePointer<Float>) {
        tmp.initialize(repeating: 0, count: inH * outW)
        let h0 = rows.i0, h1 = rows.i1, a0 = rows.w0, a1 = rows.w1
        for oh in 0..<outH {
            let t0 = tmp + h0[oh] * outW, t1 = tmp + h1[oh] * outW, row = g + oh * outW
            let wa = a0[oh], wb = a1[oh]
            for ow in 0..<outW { t0[ow] += wa * row[ow] }
            for ow in 0..<outW { t1[ow] += wb * row[ow] }
        }
        let c0 = cols.i0, c1 = cols.i1, b0 = cols.w0, b1 = cols.w1
        for h in 0..<inH where rowUsed[h] {
            let t = tmp + h * outW, d = dsrc + h * inW
            for ow in 0..<outW {
                let v = t[ow]
                d[c0[ow]] += b0[ow] * v
                d[c1[ow]] += b1[ow] * v
            }
        }
    }
}

/// For one axis, the input indices and weights each output index reads:
/// out[d] = w0[d] * in[i0[d]] + w1[d] * in[i1[d]] (nearest: w0 = 1, w1 = 0, i1 = i0).
/// The tables live in one buffer that this object owns.
final class AxisMap {
    private let storage: Storage
    let i0: UnsafeMutablePointer<Int>
    let i1: UnsafeMutablePointer<Int>
    let w0: UnsafeMutablePointer<Float>
    let w1: UnsafeMutablePointer<Float>

    /// PyTorch's index rules (UpSample.h), in float32 as its CPU kernels compute them.
    init(inSize: Int, outSize: Int, scaleFactor: Double?, alignCorners: Bool, mode: InterpolationMode) {
        let ints = 2 * outSize * MemoryLayout<Int>.size
        storage = Storage(byteCount: ints + 2 * outSize * MemoryLayout<Float>.size)
        i0 = storage.data.assumingMemoryBound(to: Int.self)
        i1 = i0 + outSize
        w0 = (storage.data + ints).assumingMemoryBound(to: Float.self)
        w1 = w0 + outSize
        // Without align_corners: 1 / scale_factor when one was given, else in / out.
        let scale: Float
        if alignCorners {
            scale = outSize > 1 ? Float(inSize - 1) / Float(outSize - 1) : 0
        } else if let s = scaleFactor, s > 0 {
            scale = Float(1.0 / s)
        } else {
            scale = Float(inSize) / Float(outSize)
        }
        for d in 0..<outSize {
            if inSize == outSize {
                // Same size: the identity, whatever the scale factor says (as PyTorch).
                set(d, d, d, 1, 0)
                continue
            }
            switch mode {
            case .nearest:
                // PyTorch's nearest_idx, including its exact-doubling shortcut.
                let src = outSize == 2 * inSize ? d >> 1 : Swift.min(Int((Float(d) * scale).rounded(.down)), inSize - 1)
                set(d, src, src, 1, 0)
            case .bilinear:
                var real: Float
                if alignCorners {
                    real = scale * Float(d)
                } else {
                    // (d + 0.5) * scale - 0.5, rounded once (what PyTorch's fused multiply-add gives).
                    real = Float(Double(scale) * (Double(d) + 0.5) - 0.5)
                    if real < 0 { real = 0 }
                }
                let lo = Swift.min(Int(real.rounded(.down)), inSize - 1)
                let lambda = Swift.min(Swift.max(real - Float(lo), 0), 1)
                set(d, lo, lo < inSize - 1 ? lo + 1 : lo, 1 - lambda, lambda)
            }
        }
    }

    private func set(_ d: Int, _ a: Int, _ b: Int, _ wa: Float, _ wb: Float) {
        i0[d] = a
        i1[d] = b
        w0[d] = wa
        w1[d] = wb
    }
}
