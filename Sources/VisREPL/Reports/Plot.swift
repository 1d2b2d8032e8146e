import Foundation

/// A named series of numbers to draw.
public struct Series {
    public let name: String
    public let values: [Double]
    public init(name: String, values: [Double]) {
        self.name = name
        self.values = values
    }
}

/// Line charts: a PNG raster (axes, ticks, legend, title) and a compact text chart for
/// terminals. The x axis counts from 1 (epochs).
public enum Plot {
    /// matplotlib's first colours, so curves look familiar.
    static let palette: [Canvas.Color] = [(0.12, 0.47, 0.71), (1.0, 0.5, 0.05), (0.17, 0.63, 0.17), (0.84, 0.15, 0.16),
                                          (0.58, 0.40, 0.74), (0.55, 0.34, 0.29), (0.89, 0.47, 0.76), (0.5, 0.5, 0.5)]
    /// Plot-area margins in pixels: left, right, top, bottom.
    static let margins = (left: 64, right: 16, top: 32, bottom: 36)

    /// Tick positions covering [lo, hi] with a "nice" step (1, 2 or 5 times a power of ten).
    static func ticks(_ lo: Double, _ hi: Double, target: Int = 5) -> [Double] {
        guard hi > lo, lo.isFinite, hi.isFinite else { return [lo] }
        let raw = (hi - lo) / Double(target)
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let step = [1.0, 2.0, 5.0, 10.0].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        var t = (lo / step).rounded(.up) * step
        var out: [Double] = []
        while t <= hi + step * 1e-9 && out.count < 50 { out.append(abs(t) < step * 1e-9 ? 0 : t); t += step }
        return out
    }

    static func label(_ v: Double) -> String {
        if v == v.rounded() && abs(v) < 1e6 { return String(Int(v)) }
        return String(format: "%.3g", v)
    }

    /// The y range of all finite values, padded by 5% (or ±0.5 around a constant).
    static func yRange(_ series: [Series]) -> (Double, Double) {
        let all = series.flatMap(\.values).filter(\.isFinite)
        guard var lo = all.min(), var hi = all.max() else { return (0, 1) }
        if hi - lo < 1e-12 { lo -= 0.5; hi += 0.5 }
        let pad = (hi - lo) * 0.05
        return (lo - pad, hi + pad)
    }

    /// The chart drawn on a canvas.
    static func draw(_ series: [Series], title: String?, width: Int = 640, height: Int = 400) -> Canvas {
        var c = Canvas(width: width, height: height)
        let m = margins
        let (x0, y0) = (m.left, m.top), (pw, ph) = (width - m.left - m.right, height - m.top - m.bottom)
        let n = series.map(\.values.count).max() ?? 0
        let (lo, hi) = yRange(series)
        let xMax = Double(Swift.max(n, 2))
        func px(_ i: Double) -> Double { Double(x0) + (i - 1) / (xMax - 1) * Double(pw) }
        func py(_ v: Double) -> Double { Double(y0 + ph) - (v - lo) / (hi - lo) * Double(ph) }
        let grid: Canvas.Color = (0.9, 0.9, 0.9), axis: Canvas.Color = (0.3, 0.3, 0.3)
        for t in ticks(lo, hi) {
            let y = Int(py(t).rounded())
            c.fill(x: x0, y: y, w: pw, h: 1, grid)
            let s = label(t)
            c.text(s, x: x0 - 6 - Canvas.textWidth(s), y: y - 3)
        }
        for t in ticks(1, xMax, target: Swift.min(8, Swift.max(1, n - 1))) where t >= 1 && t == t.rounded() {
            let x = Int(px(t).rounded())
            c.fill(x: x, y: y0, w: 1, h: ph, grid)
            let s = label(t)
            c.text(s, x: x - Canvas.textWidth(s) / 2, y: y0 + ph + 6)
        }
        c.fill(x: x0, y: y0, w: 1, h: ph + 1, axis)
        c.fill(x: x0, y: y0 + ph, w: pw + 1, h: 1, axis)
        c.text("epoch", x: x0 + pw / 2 - Canvas.textWidth("epoch") / 2, y: height - 14)
        if let title { c.text(title, x: width / 2 - Canvas.textWidth(title, scale: 2) / 2, y: 8, scale: 2) }
        for (k, s) in series.enumerated() {
            let color = palette[k % palette.count]
            let pts = s.values.enumerated().filter { $0.element.isFinite }.map { (px(Double($0.offset + 1)), py($0.element)) }
            for (a, b) in zip(pts, pts.dropFirst()) { c.line(a.0, a.1, b.0, b.1, color) }
            for p in pts { c.line(p.0, p.1, p.0, p.1, color, thickness: 5) }
        }
        // Legend, top right inside the plot area.
        let legendWidth = (series.map { Canvas.textWidth($0.name) }.max() ?? 0) + 28
        var ly = y0 + 8
        let lx = x0 + pw - legendWidth - 8
        c.fill(x: lx - 4, y: ly - 4, w: legendWidth + 8, h: series.count * 14 + 6, (1, 1, 1))
        for (k, s) in series.enumerated() {
            c.fill(x: lx, y: ly + 2, w: 16, h: 3, palette[k % palette.count])
            c.text(s.name, x: lx + 22, y: ly)
            ly += 14
        }
        return c
    }

    /// A compact text chart (one marker per series) for terminals.
    public static func text(_ series: [Series], width: Int = 60, height: Int = 12) -> String {
        let n = series.map(\.values.count).max() ?? 0
        guard n > 0 else { return "(no data)" }
        let (lo, hi) = yRange(series)
        var grid = [[Character]](repeating: [Character](repeating: " ", count: width), count: height)
        let markers: [Character] = ["*", "o", "+", "x", "#", "@"]
        for (k, s) in series.enumerated() {
            for (i, v) in s.values.enumerated() where v.isFinite {
                let col = n == 1 ? 0 : Int((Double(i) / Double(n - 1) * Double(width - 1)).rounded())
                let row = height - 1 - Int(((v - lo) / (hi - lo) * Double(height - 1)).rounded())
                grid[Swift.max(0, Swift.min(height - 1, row))][col] = markers[k % markers.count]
            }
        }
        let hiLabel = label(hi), loLabel = label(lo)
        let lw = Swift.max(hiLabel.count, loLabel.count)
        var lines: [String] = []
        for (r, row) in grid.enumerated() {
            let l = r == 0 ? hiLabel : (r == height - 1 ? loLabel : "")
            lines.append(String(repeating: " ", count: lw - l.count) + l + " |" + String(row))
        }
        lines.append(String(repeating: " ", count: lw) + " +" + String(repeating: "-", count: width))
        lines.append(String(repeating: " ", count: lw + 2) + "1" + String(repeating: " ", count: Swift.max(1, width - 1 - String(n).count)) + String(n))
        lines.append(series.enumerated().map { "\(markers[$0.offset % markers.count]) \($0.element.name)" }.joined(separator: "   "))
        return lines.joined(separator: "\n")
    }
}
