import Foundation
import VisTensor

/// How pixels are sampled when an image is resized or rotated.
public enum Interpolation: String {
    case nearest, bilinear
}

/// Resampling of [C, H, W] float images: antialiased separable bilinear (the triangle
/// filter widened by the downscale factor, as PIL and torchvision's antialiased resize
/// do) and nearest neighbour (torchvision's rule: source = floor(dst * in / out)).
public enum Resample {
    /// Per output index along one axis: the first source index and the weights.
    static func weights(inSize: Int, outSize: Int) -> [(start: Int, w: [Float])] {
        let scale = Double(inSize) / Double(outSize)
        let support = Swift.max(scale, 1.0)  // triangle half-width in source pixels
        var out: [(Int, [Float])] = []
        out.reserveCapacity(outSize)
        for i in 0..<outSize {
            let center = (Double(i) + 0.5) * scale
            let lo = Swift.max(Int(center - support + 0.5), 0)
            let hi = Swift.min(Int(center + support + 0.5), inSize)
            var ws: [Double] = []
            for x in lo..<Swift.max(lo + 1, hi) {
                let d = Swift.abs((Double(x) - center + 0.5) / support)
                ws.append(Swift.max(0, 1 - d))
            }
            let total = ws.reduce(0, +)
            out.append((lo, ws.map { Float(total > 0 ? $0 / total : 0) }))
        }
        return out
    }

    /// floor(i * n / d) without overflow (torchvision's nearest rule for i < d).
    @inline(__always)
    static func scaledIndex(_ i: Int, _ n: Int, _ d: Int) -> Int {
        d.dividingFullWidth(i.multipliedFullWidth(by: n)).quotient
    }

    /// `x` resized to [C, outH, outW]; `op` names the transform in errors. The output
    /// (and the intermediate of the separable pass) is checked against the tensor size
    /// limit before it is allocated; Ctrl-C stops the loops between rows.
    public static func resize(_ x: Tensor, _ outH: Int, _ outW: Int, _ mode: Interpolation, op: String = "resize") throws -> Tensor {
        guard x.ndim == 3 else { throw TensorError(op, "expected an image [C, H, W], got \(shapeString(x.shape))") }
        guard outH > 0, outW > 0 else { throw TensorError(op, "target size \(outH)x\(outW) must be positive") }
        let (c, h, w) = (x.shape[0], x.shape[1], x.shape[2])
        guard h > 0, w > 0 else { throw TensorError(op, "the image \(shapeString(x.shape)) is empty (it has no pixels)") }
        if h == outH && w == outW { return x }
        try checkElements([c, outH, outW], op, "the output")
        if mode != .nearest { try checkElements([c, h, outW], op, "the intermediate image") }
        let src = try x.to(.float32).contiguous()
        let s = src.floatPointer
        if mode == .nearest {
            let out = Tensor(uninitialized: [c, outH, outW])
            let o = out.floatPointer
            let ys = (0..<outH).map { Swift.min(h - 1, scaledIndex($0, h, outH)) }, xs = (0..<outW).map { Swift.min(w - 1, scaledIndex($0, w, outW)) }
            rows: for k in 0..<c {
                for i in 0..<outH {
                    if Interrupt.requested { break rows }
                    for j in 0..<outW { o[(k * outH + i) * outW + j] = s[(k * h + ys[i]) * w + xs[j]] }
                }
            }
            try Interrupt.check()
            return out
        }
        // Horizontal pass then vertical pass.
        let wx = weights(inSize: w, outSize: outW), wy = weights(inSize: h, outSize: outH)
        var mid = [Float](repeating: 0, count: c * h * outW)
        horizontal: for k in 0..<c {
            for i in 0..<h {
                if Interrupt.requested { break horizontal }
                let row = s + (k * h + i) * w
                for j in 0..<outW {
                    let (start, ws) = wx[j]
                    var acc: Float = 0
                    for (t, wt) in ws.enumerated() where start + t < w { acc += row[start + t] * wt }
                    mid[(k * h + i) * outW + j] = acc
                }
            }
        }
        try Interrupt.check()
        let out = Tensor(uninitialized: [c, outH, outW])
        let o = out.floatPointer
        vertical: for k in 0..<c {
            for i in 0..<outH {
                if Interrupt.requested { break vertical }
                let (start, ws) = wy[i]
                for j in 0..<outW {
                    var acc: Float = 0
                    for (t, wt) in ws.enumerated() where start + t < h { acc += mid[(k * h + start + t) * outW + j] * wt }
                    o[(k * outH + i) * outW + j] = acc
                }
            }
        }
        try Interrupt.check()
        return out
    }

    /// The window [top, top+height) x [left, left+width) of `x`, padding with `fill`
    /// where it reaches outside; `op` names the transform in errors. `top` and `left`
    /// may lie far outside (a huge padding): only the rows and columns that overlap the
    /// image are visited, and the output is checked against the size limit first.
    static func crop(_ x: Tensor, top: Int, left: Int, height: Int, width: Int, fill: Float = 0, op: String = "crop") throws -> Tensor {
        guard height > 0, width > 0 else { throw TensorError(op, "crop size \(height)x\(width) must be positive") }
        let (c, h, w) = (x.shape[0], x.shape[1], x.shape[2])
        if top >= 0, left >= 0, top <= h - height, left <= w - width {
            return try x.slice(1, start: top, end: top + height).slice(2, start: left, end: left + width).contiguous()
        }
        try checkElements([c, height, width], op, "the output")
        let src = try x.to(.float32).contiguous()
        let out = Tensor.full([c, height, width], Double(fill))
        let s = src.floatPointer, o = out.floatPointer
        // The overlap of the window with the image, in window coordinates (empty when
        // they do not meet; the ends are clamped before any addition can overflow).
        let i0 = Swift.max(0, Swift.min(height, -top)), i1 = Swift.max(i0, Swift.min(height, h - Swift.min(top, h)))
        let j0 = Swift.max(0, Swift.min(width, -left)), j1 = Swift.max(j0, Swift.min(width, w - Swift.min(left, w)))
        rows: for k in 0..<c {
            for i in i0..<i1 {
                if Interrupt.requested { break rows }
                for j in j0..<j1 { o[(k * height + i) * width + j] = s[(k * h + top + i) * w + left + j] }
            }
        }
        try Interrupt.check()
        return out
    }

    /// `x` rotated by `degrees` counter-clockwise about its centre (same size; corners
    /// filled with `fill`), as torchvision's rotate with expand=False.
    static func rotate(_ x: Tensor, degrees: Double, mode: Interpolation, fill: Float) throws -> Tensor {
        let (c, h, w) = (x.shape[0], x.shape[1], x.shape[2])
        let src = try x.to(.float32).contiguous()
        let out = Tensor(uninitialized: [c, h, w])
        let s = src.floatPointer, o = out.floatPointer
        // torchvision's tensor rotate, step by step in float32 so the nearest pixel (and
        // its ties, rounded to even) are the same: the inverse matrix [cos r, sin r;
        // -sin r, cos r] with r = -angle, divided by half the size (affine_grid's
        // normalised coordinates), applied to the pixel centres, then grid_sample's
        // unnormalisation ((g + 1) * size - 1) / 2 (align_corners=False).
        // Reduced to one turn first: a huge angle times pi would overflow to inf.
        let r = -degrees.truncatingRemainder(dividingBy: 360) * Double.pi / 180
        let (cosR, sinR) = (Float(Foundation.cos(r)), Float(Foundation.sin(r)))
        let (halfW, halfH) = (Float(w) * 0.5, Float(h) * 0.5)
        let (r00, r10) = (cosR / halfW, sinR / halfW)
        let (r01, r11) = (-sinR / halfH, cosR / halfH)
        let (fw, fh) = (Float(w), Float(h))
        rows: for i in 0..<h {
            if Interrupt.requested { break rows }
            // affine_grid's base grid: linspace(-size / 2 + 0.5, size / 2 - 0.5).
            let by = -halfH + 0.5 + Float(i)
            for j in 0..<w {
                let bx = -halfW + 0.5 + Float(j)
                let gx = bx * r00 + by * r10, gy = bx * r01 + by * r11
                let sx = ((gx + 1) * fw - 1) / 2, sy = ((gy + 1) * fh - 1) / 2
                for k in 0..<c {
                    var v = fill
                    if mode == .nearest {
                        // grid_sample's nearbyint: ties to even. Compared as floats
                        // first: a far point is outside without an Int conversion.
                        let xr = sx.rounded(.toNearestOrEven), yr = sy.rounded(.toNearestOrEven)
                        if xr >= 0 && xr < fw && yr >= 0 && yr < fh { v = s[(k * h + Int(yr)) * w + Int(xr)] }
                    } else if sx.isFinite && sy.isFinite && sx > -1 && sx < fw && sy > -1 && sy < fh {
                        // grid_sample bilinear with zero padding, then torchvision's fill:
                        // img * mask + (1 - mask) * fill, the mask being the same
                        // weights summed over the pixels inside the image.
                        let x0f = Foundation.floor(sx), y0f = Foundation.floor(sy)
                        let (x0, y0) = (Int(x0f), Int(y0f))
                        let (x1f, y1f) = (x0f + 1, y0f + 1)
                        let nw = (x1f - sx) * (y1f - sy), ne = (sx - x0f) * (y1f - sy)
                        let sw = (x1f - sx) * (sy - y0f), se = (sx - x0f) * (sy - y0f)
                        func inside(_ yy: Int, _ xx: Int) -> Bool { xx >= 0 && xx < w && yy >= 0 && yy < h }
                        func at(_ yy: Int, _ xx: Int) -> Float { inside(yy, xx) ? s[(k * h + yy) * w + xx] : 0 }
                        func one(_ yy: Int, _ xx: Int) -> Float { inside(yy, xx) ? 1 : 0 }
                        let value = at(y0, x0) * nw + at(y0, x0 + 1) * ne + at(y0 + 1, x0) * sw + at(y0 + 1, x0 + 1) * se
                        let mask = one(y0, x0) * nw + one(y0, x0 + 1) * ne + one(y0 + 1, x0) * sw + one(y0 + 1, x0 + 1) * se
                        v = value * mask + (1 - mask) * fill
                    }
                    o[(k * h + i) * w + j] = v
                }
            }
        }
        try Interrupt.check()
        return out
    }
}
