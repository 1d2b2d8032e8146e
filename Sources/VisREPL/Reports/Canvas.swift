import VisTensor

/// An RGB raster to draw charts on: lines, rectangles and text, then a [3, H, W]
/// tensor for the PNG writer.
struct Canvas {
    typealias Color = (Float, Float, Float)
    let width: Int, height: Int
    var pixels: [Float]

    init(width: Int, height: Int, background: Color = (1, 1, 1)) {
        self.width = width
        self.height = height
        pixels = [Float](repeating: 0, count: 3 * width * height)
        fill(x: 0, y: 0, w: width, h: height, background)
    }

    mutating func set(_ x: Int, _ y: Int, _ c: Color, alpha: Float = 1) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let i = y * width + x, plane = width * height
        pixels[i] = pixels[i] * (1 - alpha) + c.0 * alpha
        pixels[plane + i] = pixels[plane + i] * (1 - alpha) + c.1 * alpha
        pixels[2 * plane + i] = pixels[2 * plane + i] * (1 - alpha) + c.2 * alpha
    }

    /// The colour at (x, y).
    func get(_ x: Int, _ y: Int) -> Color {
        let i = y * width + x, plane = width * height
        return (pixels[i], pixels[plane + i], pixels[2 * plane + i])
    }

    /// Fills the rectangle, clipped to the canvas: a rectangle partly or wholly outside
    /// (a long title's first letters, a legend wider than the plot) draws what is inside.
    mutating func fill(x: Int, y: Int, w: Int, h: Int, _ c: Color) {
        let y0 = Swift.max(0, y), y1 = Swift.min(height, y.addingReportingOverflow(h).overflow ? height : y + h)
        let x0 = Swift.max(0, x), x1 = Swift.min(width, x.addingReportingOverflow(w).overflow ? width : x + w)
        guard y0 < y1, x0 < x1 else { return }
        for yy in y0..<y1 { for xx in x0..<x1 { set(xx, yy, c) } }
    }

    /// The part of the segment (x0, y0)-(x1, y1) within `margin` pixels of the canvas
    /// (Liang-Barsky clipping), or nil when none is: a segment to a far-off point draws
    /// only its visible part, in steps proportional to that part.
    func clip(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, margin: Double) -> (Double, Double, Double, Double)? {
        guard x0.isFinite, y0.isFinite, x1.isFinite, y1.isFinite else { return nil }
        let (dx, dy) = (x1 - x0, y1 - y0)
        guard dx.isFinite, dy.isFinite else { return nil }
        var (t0, t1) = (0.0, 1.0)
        let lo = -margin, hiX = Double(width) + margin, hiY = Double(height) + margin
        for (p, q) in [(-dx, x0 - lo), (dx, hiX - x0), (-dy, y0 - lo), (dy, hiY - y0)] {
            if p == 0 {
                if q < 0 { return nil }
            } else {
                let r = q / p
                if p < 0 { t0 = Swift.max(t0, r) } else { t1 = Swift.min(t1, r) }
            }
        }
        guard t0 <= t1 else { return nil }
        return (x0 + t0 * dx, y0 + t0 * dy, x0 + t1 * dx, y0 + t1 * dy)
    }

    /// A line `thickness` pixels wide (a disc stamped along the segment), clipped to
    /// the canvas; a segment with a non-finite end is not drawn.
    mutating func line(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, _ c: Color, thickness: Double = 2) {
        let r = thickness / 2
        guard let (x0, y0, x1, y1) = clip(x0, y0, x1, y1, margin: r + 2) else { return }
        let steps = Int(Swift.max(Swift.abs(x1 - x0), Swift.abs(y1 - y0)).rounded(.up)) + 1
        for s in 0...steps {
            let t = Double(s) / Double(steps)
            let cx = x0 + (x1 - x0) * t, cy = y0 + (y1 - y0) * t
            for yy in Int((cy - r).rounded(.down))...Int((cy + r).rounded(.up)) {
                for xx in Int((cx - r).rounded(.down))...Int((cx + r).rounded(.up)) {
                    let d = ((Double(xx) - cx) * (Double(xx) - cx) + (Double(yy) - cy) * (Double(yy) - cy)).squareRoot()
                    if d <= r { set(xx, yy, c) } else if d < r + 1 { set(xx, yy, c, alpha: Float(r + 1 - d)) }
                }
            }
        }
    }

    /// Text with its top-left corner at (x, y), `scale` pixels per font pixel; letters
    /// that fall outside the canvas are not drawn (and not visited: a long string
    /// costs no more than the letters that fit).
    mutating func text(_ s: String, x: Int, y: Int, _ c: Color = (0.15, 0.15, 0.15), scale: Int = 1) {
        let advance = (Font.width + 1) * scale
        for (k, ch) in s.prefix(Swift.max(0, (width - x) / Swift.max(1, advance) + 1)).enumerated() {
            for gx in 0..<Font.width { for gy in 0..<Font.height where Font.pixel(ch, gx, gy) {
                fill(x: x + (k * (Font.width + 1) + gx) * scale, y: y + gy * scale, w: scale, h: scale, c)
            } }
        }
    }

    /// Width in pixels of `s` at `scale`.
    static func textWidth(_ s: String, scale: Int = 1) -> Int { Swift.max(0, s.count * (Font.width + 1) - 1) * scale }

    /// `s` cut to at most `pixels` wide at `scale`, ending in "..." when it was cut
    /// (matplotlib lets long text run off the figure; a cut shows it was longer).
    static func fitted(_ s: String, pixels: Int, scale: Int = 1) -> String {
        if textWidth(s, scale: scale) <= pixels { return s }
        let fits = Swift.max(0, (pixels / scale + 1) / (Font.width + 1))
        return fits <= 3 ? String(s.prefix(fits)) : String(s.prefix(fits - 3)) + "..."
    }

    /// The canvas as a float32 [3, H, W] image.
    func tensor() throws -> Tensor { try Tensor(pixels, shape: [3, height, width]) }
}
