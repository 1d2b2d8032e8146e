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

    mutating func fill(x: Int, y: Int, w: Int, h: Int, _ c: Color) {
        for yy in Swift.max(0, y)..<Swift.min(height, y + h) { for xx in Swift.max(0, x)..<Swift.min(width, x + w) { set(xx, yy, c) } }
    }

    /// A line `thickness` pixels wide (a disc stamped along the segment).
    mutating func line(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, _ c: Color, thickness: Double = 2) {
        let steps = Int(Swift.max(Swift.abs(x1 - x0), Swift.abs(y1 - y0)).rounded(.up)) + 1
        let r = thickness / 2
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

    /// Text with its top-left corner at (x, y), `scale` pixels per font pixel.
    mutating func text(_ s: String, x: Int, y: Int, _ c: Color = (0.15, 0.15, 0.15), scale: Int = 1) {
        for (k, ch) in s.enumerated() {
            for gx in 0..<Font.width { for gy in 0..<Font.height where Font.pixel(ch, gx, gy) {
                fill(x: x + (k * (Font.width + 1) + gx) * scale, y: y + gy * scale, w: scale, h: scale, c)
            } }
        }
    }

    /// Width in pixels of `s` at `scale`.
    static func textWidth(_ s: String, scale: Int = 1) -> Int { Swift.max(0, s.count * (Font.width + 1) - 1) * scale }

    /// The canvas as a float32 [3, H, W] image.
    func tensor() throws -> Tensor { try Tensor(pixels, shape: [3, height, width]) }
}
