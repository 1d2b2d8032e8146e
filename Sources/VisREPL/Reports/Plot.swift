import Foundation
import VisTensor

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
        // Divided before subtracting: hi - lo overflows for ranges near ±1e308.
        let raw = hi / Double(target) - lo / Double(target)
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

    /// The y range of all finite values, padded by 5% (or ±0.5 around a constant, ±5%
    /// of a large one). Non-finite values are skipped, as matplotlib does; the range is
    /// computed in halves so values near ±1e308 do not overflow it to infinity.
    static func yRange(_ series: [Series]) -> (Double, Double) {
        var lo = Double.infinity, hi = -Double.infinity
        for s in series { for v in s.values where v.isFinite { lo = Swift.min(lo, v); hi = Swift.max(hi, v) } }
        guard lo <= hi else { return (0, 1) }
        let big = Double.greatestFiniteMagnitude
        let mid = lo / 2 + hi / 2
        var half = hi / 2 - lo / 2
        // A constant (or a range too small to tell apart from one at this magnitude).
        if half <= Swift.max(Swift.abs(lo), Swift.abs(hi)) * 1e-12 { half = Swift.max(0.5, Swift.abs(mid) * 0.05) }
        half *= 1.1  // 5% of the range on each side
        // Both ends stay finite: the padding shrinks where it would pass the largest double.
        half = Swift.min(half, big - Swift.abs(mid))
        return (mid - half, mid + half)
    }

    /// Where `v` lies between `lo` and `hi` (0 at lo, 1 at hi), computed in halves so
    /// it cannot overflow; nil for a non-finite value.
    static func fraction(_ v: Double, _ lo: Double, _ hi: Double) -> Double? {
        guard v.isFinite else { return nil }
        let span = hi / 2 - lo / 2
        guard span > 0 else { return 0.5 }
        return (v / 2 - lo / 2) / span
    }

    /// The longest title that fits `width` pixels: at twice the font size when it fits,
    /// else at the normal size, else cut with "..." (a long title never runs off the image).
    static func titleLayout(_ title: String, width: Int) -> (text: String, scale: Int) {
        let room = Swift.max(0, width - 16)
        if Canvas.textWidth(title, scale: 2) <= room { return (title, 2) }
        return (Canvas.fitted(title, pixels: room), 1)
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
        // Finite for every finite value in range (the range holds them all).
        func py(_ v: Double) -> Double { Double(y0 + ph) - (fraction(v, lo, hi) ?? 0) * Double(ph) }
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
        if let title {
            let (text, scale) = titleLayout(title, width: width)
            c.text(text, x: width / 2 - Canvas.textWidth(text, scale: scale) / 2, y: scale == 2 ? 8 : 12, scale: scale)
        }
        // Markers only while they stay apart (at least 4 pixels per point); a long
        // series is drawn as its line alone, which is also what keeps it fast.
        let markers = n <= pw / 4
        for (k, s) in series.enumerated() {
            if Interrupt.requested { break }  // many series: Ctrl-C stops between them
            let color = palette[k % palette.count]
            // A non-finite value leaves a gap in the line, as in matplotlib.
            var previous: (Double, Double)? = nil
            // With more points than pixel columns, the points falling in one column are
            // drawn as one vertical stroke from their lowest to their highest, joined to
            // the neighbouring columns (the picture matplotlib's path simplification
            // gives): the cost follows the columns, not the points (a noisy series of
            // 10**6 points draws in seconds instead of minutes).
            var column: (x: Int, first: (Double, Double), last: (Double, Double), top: Double, bottom: Double)? = nil
            func flush() {
                guard let g = column else { return }
                if let a = previous { c.line(a.0, a.1, g.first.0, g.first.1, color) }
                if g.top != g.bottom { c.line(g.first.0, g.top, g.first.0, g.bottom, color) }
                previous = g.last
                column = nil
            }
            let simplify = s.values.count > pw
            for (i, v) in s.values.enumerated() {
                if i & 0xFFFF == 0 && Interrupt.requested { break }
                guard v.isFinite else {
                    flush()
                    previous = nil
                    continue
                }
                let p = (px(Double(i + 1)), py(v))
                if simplify {
                    let x = Int(p.0.rounded(.down))
                    if let g = column, g.x == x {
                        column = (x, g.first, p, Swift.min(g.top, p.1), Swift.max(g.bottom, p.1))
                    } else {
                        flush()
                        column = (x, p, p, p.1, p.1)
                    }
                    continue
                }
                if let a = previous { c.line(a.0, a.1, p.0, p.1, color) }
                if markers { c.line(p.0, p.1, p.0, p.1, color, thickness: 5) }
                previous = p
            }
            flush()
        }
        // Legend, top right inside the plot area; names cut to half the plot's width.
        let names = series.map { Canvas.fitted($0.name, pixels: Swift.max(24, pw / 2 - 28)) }
        let legendWidth = (names.map { Canvas.textWidth($0) }.max() ?? 0) + 28
        var ly = y0 + 8
        let lx = x0 + pw - legendWidth - 8
        c.fill(x: lx - 4, y: ly - 4, w: legendWidth + 8, h: Swift.min(series.count, height) * 14 + 6, (1, 1, 1))
        // Entries below the canvas are not drawn (100,000 series make no legend).
        for k in series.indices where ly < height {
            c.fill(x: lx, y: ly + 2, w: 16, h: 3, palette[k % palette.count])
            c.text(names[k], x: lx + 22, y: ly)
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
            for (i, v) in s.values.enumerated() {
                guard let f = fraction(v, lo, hi) else { continue }
                let col = n == 1 ? 0 : Int((Double(i) / Double(n - 1) * Double(width - 1)).rounded())
                let row = height - 1 - Int((Swift.min(Swift.max(f, 0), 1) * Double(height - 1)).rounded())
                grid[row][col] = markers[k % markers.count]
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
