import Foundation
import VisData
import VisTensor

/// Pictures of tensors: a grid of images (each scaled to [0, 1] for display when its
/// values lie outside), segmentation masks over images, and true-colour half-block
/// drawing for terminals.
public enum Show {
    /// Class colours for masks (class 0, the background, stays transparent).
    static let classColors: [Canvas.Color] = [(0, 0, 0), (0.9, 0.1, 0.1), (0.1, 0.7, 0.2), (0.1, 0.3, 0.9), (0.95, 0.8, 0.1),
                                              (0.8, 0.2, 0.8), (0.1, 0.8, 0.8), (1.0, 0.5, 0.0), (0.5, 0.3, 0.1), (0.6, 0.6, 0.6)]

    /// Images of a [C, H, W] / [N, C, H, W] / [H, W] tensor as [3, H, W] images in [0, 1].
    static func images(_ x: Tensor) throws -> [Tensor] {
        var t = try x.detach().to(.float32)
        if t.ndim == 2 { t = try t.unsqueeze(0) }
        if t.ndim == 3 { t = try t.unsqueeze(0) }
        guard t.ndim == 4, [1, 3, 4].contains(t.shape[1]) else {
            throw TensorError("show", "expected images [N, C, H, W], [C, H, W] or [H, W] with 1, 3 or 4 channels, got \(shapeString(x.shape))")
        }
        return try (0..<t.shape[0]).map { i in
            try Interrupt.check()
            var img = try t.select(0, i)
            if img.shape[0] == 4 { img = try img.narrow(0, 0, 3) }
            if img.shape[0] == 1 { img = try img.expand([3, img.shape[1], img.shape[2]]) }
            return displayed(img.contiguous())
        }
    }

    /// A copy of `img` in [0, 1] for display: scaled by the range of its finite values
    /// when they lie outside [0, 1] (a constant becomes 0). Non-finite values are kept
    /// and written as the codec does (NaN black, +inf white, -inf black), as matplotlib
    /// leaves NaN out of the colour range.
    static func displayed(_ img: Tensor) -> Tensor {
        let p = img.floatPointer, n = img.count
        var lo = Float.infinity, hi = -Float.infinity
        for k in 0..<n where p[k].isFinite { lo = Swift.min(lo, p[k]); hi = Swift.max(hi, p[k]) }
        let out = Tensor(uninitialized: img.shape)
        let o = out.floatPointer
        guard lo <= hi, lo < 0 || hi > 1 else {
            o.update(from: p, count: n)
            return out
        }
        // In doubles: hi - lo of two large floats may pass Float's range.
        let (dlo, span) = (Double(lo), Double(hi) - Double(lo))
        for k in 0..<n { o[k] = span > 0 ? Float((Double(p[k]) - dlo) / span) : (p[k].isFinite ? 0 : p[k]) }
        return out
    }

    /// Width and height of the grid canvas for `count` images of h x w, `nrow` a row:
    /// checked against the tensor size limit before the canvas (3 floats a pixel) is made.
    static func gridSize(count: Int, h: Int, w: Int, nrow: Int, labelled: Bool) throws -> (width: Int, height: Int) {
        let cols = Swift.max(1, Swift.min(nrow, count)), rows = count / cols + (count % cols == 0 ? 0 : 1)
        let pad = 2, labelHeight = labelled ? 10 : 0
        func mul(_ a: Int, _ b: Int) throws -> Int {
            let (m, overflow) = a.multipliedReportingOverflow(by: b)
            guard !overflow, m < Int.max / 4 else { throw TensorError("show", "a grid of \(count) images of \(h)x\(w) is too large") }
            return m
        }
        let width = try mul(cols, w + pad) + pad, height = try mul(rows, h + pad + labelHeight) + pad
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= Shape.maxElements / 3 else {
            throw TensorError("show", "the grid of \(count) image\(count == 1 ? "" : "s") of \(h)x\(w) would be \(width)x\(height) pixels, more than the \(Shape.maxElements) elements a tensor may have (3 a pixel)")
        }
        return (width, height)
    }

    /// The grid picture of `x` ([N, C, H, W], [C, H, W] or [H, W]): its size is checked
    /// from the shape before any image is copied for display.
    static func picture(_ x: Tensor, nrow: Int, labels: [String]?) throws -> Canvas {
        if x.ndim >= 2 && x.ndim <= 4 {
            let n = x.ndim == 4 ? x.shape[0] : 1
            _ = try gridSize(count: Swift.max(1, n), h: x.shape[x.ndim - 2], w: x.shape[x.ndim - 1], nrow: nrow, labelled: labels != nil)
        }
        return try grid(images(x), nrow: nrow, labels: labels)
    }

    /// A grid of the images, `nrow` per row, 2-pixel black padding, labels underneath.
    static func grid(_ imgs: [Tensor], nrow: Int, labels: [String]?) throws -> Canvas {
        guard let first = imgs.first else { throw TensorError("show", "nothing to show (no images)") }
        let (h, w) = (first.shape[1], first.shape[2])
        let cols = Swift.max(1, Swift.min(nrow, imgs.count))
        let labelHeight = labels == nil ? 0 : 10
        let pad = 2
        let size = try gridSize(count: imgs.count, h: h, w: w, nrow: nrow, labelled: labels != nil)
        var c = Canvas(width: size.width, height: size.height, background: (0, 0, 0))
        for (k, img) in imgs.enumerated() {
            guard img.shape[1] == h, img.shape[2] == w else {
                throw TensorError("show", "images differ in size: \(first.shape[1])x\(first.shape[2]) and \(img.shape[1])x\(img.shape[2])")
            }
            let ox = pad + (k % cols) * (w + pad), oy = pad + (k / cols) * (h + pad + labelHeight)
            let p = img.floatPointer, plane = h * w
            for y in 0..<h {
                if Interrupt.requested { break }  // a large picture stops between rows
                for x in 0..<w { c.set(ox + x, oy + y, (p[y * w + x], p[plane + y * w + x], p[2 * plane + y * w + x])) }
            }
            try Interrupt.check()
            if let labels, k < labels.count {
                c.text(String(labels[k].prefix(Swift.max(1, (w + pad) / 6))), x: ox, y: oy + h + 2, (1, 1, 1))
            }
        }
        return c
    }

    /// `image` [C, H, W] with the classes of `mask` [H, W] blended in colour.
    static func overlay(_ image: Tensor, _ mask: Tensor, alpha: Float) throws -> Canvas {
        guard alpha >= 0, alpha <= 1 else { throw TensorError("show_mask", "alpha must be in [0, 1], got \(alpha)") }
        guard image.ndim == 2 || image.ndim == 3 else {
            throw TensorError("show_mask", "expected an image [C, H, W] or [H, W], got \(shapeString(image.shape))")
        }
        _ = try gridSize(count: 1, h: image.shape[image.ndim - 2], w: image.shape[image.ndim - 1], nrow: 1, labelled: false)
        let img = try images(image)[0]
        let m = try mask.to(.int64).contiguous()
        guard m.ndim == 2, m.shape[0] == img.shape[1], m.shape[1] == img.shape[2] else {
            throw TensorError("show_mask", "mask \(shapeString(mask.shape)) must be [H, W] matching the image \(shapeString(image.shape))")
        }
        var c = try grid([img], nrow: 1, labels: nil)
        let (h, w) = (img.shape[1], img.shape[2])
        for y in 0..<h {
            for x in 0..<w {
                let k = Int(m.int64Pointer[y * w + x])
                if k > 0 { c.set(2 + x, 2 + y, classColors[k % classColors.count], alpha: alpha) }
            }
        }
        return c
    }

    /// True when the terminal advertises 24-bit colour.
    static var trueColor: Bool {
        let v = ProcessInfo.processInfo.environment["COLORTERM"]?.lowercased() ?? ""
        return v.contains("truecolor") || v.contains("24bit")
    }

    /// The most text lines a picture takes in the terminal (a tall image is scaled down).
    static let maxLines = 400

    /// The canvas as half-block characters ("▀": top pixel in the foreground colour,
    /// bottom pixel in the background colour), at most `columns` wide (at least 1,
    /// whatever the terminal says) and `maxLines` lines tall, keeping the aspect ratio.
    static func halfBlocks(_ canvas: Canvas, columns: Int) throws -> String {
        var img = try canvas.tensor()
        let maxWidth = Swift.max(1, Swift.min(columns, canvas.width)), maxHeight = 2 * maxLines
        let scale = Swift.min(Double(maxWidth) / Double(canvas.width), Double(maxHeight) / Double(canvas.height), 1)
        let w = Swift.max(1, Swift.min(maxWidth, Int((Double(canvas.width) * scale).rounded())))
        let h = Swift.max(1, Swift.min(maxHeight, Int((Double(canvas.height) * scale).rounded())))
        if w != canvas.width || h != canvas.height { img = try Resample.resize(img, h, w, .bilinear, op: "show") }
        let p = img.floatPointer, plane = h * w
        func rgb(_ y: Int, _ x: Int) -> String {
            let i = y * w + x
            return [p[i], p[plane + i], p[2 * plane + i]].map { String(Int(ImageCodec.quantize($0, 255))) }.joined(separator: ";")
        }
        var out = ""
        for y in stride(from: 0, to: h, by: 2) {
            for x in 0..<w {
                out += "\u{1b}[38;2;\(rgb(y, x))m"
                out += y + 1 < h ? "\u{1b}[48;2;\(rgb(y + 1, x))m▀" : "\u{1b}[49m▀"
            }
            out += "\u{1b}[0m\n"
        }
        return out
    }
}
