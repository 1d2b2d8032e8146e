import Foundation
import XCTest
@testable import VisREPL
import VisTensor

/// Issue 15 for pictures and plots: terminal drawing at any terminal width, NaN pixels,
/// rectangles and text off the canvas, grids past the size limit, extreme plot values
/// and long series. Each of these trapped or allocated without bound before.
final class PictureHardeningTests: XCTestCase {
    func testHalfBlocksAtTinyAndHugeTerminalWidths() throws {
        var canvas = Canvas(width: 40, height: 20)
        canvas.fill(x: 0, y: 0, w: 40, h: 20, (.nan, .infinity, -.infinity))
        for columns in [Int.min, -5, 0, 1, 2, 39, 40, 160, Int.max] {
            let out = try Show.halfBlocks(canvas, columns: columns)
            let lines = out.split(separator: "\n")
            XCTAssertFalse(lines.isEmpty, "columns \(columns)")
            // At most max(1, columns) cells a line, never more than the canvas.
            let cells = lines[0].filter { $0 == "▀" }.count
            XCTAssertEqual(cells, Swift.min(40, Swift.max(1, columns)), "columns \(columns)")
            // NaN drawn as 0, +inf as 255, -inf as 0 (where not resampled).
            if columns >= 40 { XCTAssertTrue(out.hasPrefix("\u{1b}[38;2;0;255;0m"), "columns \(columns)") }
        }
    }

    func testHalfBlocksOfATallCanvasIsBoundedInLines() throws {
        let canvas = Canvas(width: 4, height: 100_000)
        let lines = try Show.halfBlocks(canvas, columns: 100).split(separator: "\n")
        XCTAssertLessThanOrEqual(lines.count, Show.maxLines)
        XCTAssertGreaterThan(lines.count, 0)
    }

    func testCanvasClipsRectanglesTextAndLinesOutside() {
        var c = Canvas(width: 10, height: 10)
        c.fill(x: 20, y: 0, w: 5, h: 5, (0, 0, 0))
        c.fill(x: -30, y: -30, w: 5, h: 5, (0, 0, 0))
        c.fill(x: Int.max - 1, y: Int.max - 1, w: Int.max, h: Int.max, (0, 0, 0))
        c.fill(x: 5, y: 5, w: -3, h: -3, (0, 0, 0))
        XCTAssertTrue(c.pixels.allSatisfy { $0 == 1 })
        // Far ends are clipped (a segment with a non-finite end or length is skipped).
        c.line(-1e9, -1e9, 1e9, 1e9, (0, 0, 0))
        c.line(.nan, 0, 5, 5, (0, 0, 0))
        c.line(0, .infinity, 5, 5, (0, 0, 0))
        c.line(1e308, 5, -1e308, 5, (0, 0, 0))
        c.line(1e9, 5, -1e9, 5, (0, 0, 0))
        // The diagonal and the horizontal line through the canvas were drawn.
        XCTAssertEqual(c.get(5, 5).0, 0)
        XCTAssertEqual(c.get(0, 5).0, 0)
        XCTAssertEqual(c.get(9, 0).0, 1)
        // A long string starting far left draws only what falls on the canvas.
        c.text(String(repeating: "W", count: 100_000), x: -500, y: 2, (0.5, 0.5, 0.5), scale: 2)
        XCTAssertTrue(c.pixels.contains(0.5))
    }

    func testGridPastTheSizeLimitIsRefusedFromTheShape() throws {
        XCTAssertThrowsError(try Show.gridSize(count: Int.max / 2, h: 1, w: 1, nrow: 1, labelled: true)) {
            XCTAssertEqual("\($0)", "show: a grid of \(Int.max / 2) images of 1x1 is too large")
        }
        let saved = Shape.maxElements
        Shape.maxElements = 1 << 20
        defer { Shape.maxElements = saved }
        // 100,000 images of 1x1 from one pixel, expanded (no memory): 26 x 37502 pixels.
        let many = try Tensor.full([1, 1, 1, 1], 0.5).expand([100_000, 1, 1, 1])
        XCTAssertThrowsError(try Show.picture(many, nrow: 8, labels: nil)) {
            XCTAssertEqual("\($0)", "show: the grid of 100000 images of 1x1 would be 26x37502 pixels, more than the 1048576 elements a tensor may have (3 a pixel)")
        }
        XCTAssertNoThrow(try Show.picture(many.narrow(0, 0, 1000), nrow: 8, labels: nil))
        // show_mask checks its one picture the same way before copying the image.
        let tall = try Tensor.full([1, 1, 1], 0.5).expand([1, 1000, 1000])
        XCTAssertThrowsError(try Show.overlay(tall, try Tensor.zeros([1000, 1000], dtype: .int64), alpha: 0.5)) {
            XCTAssertEqual("\($0)", "show: the grid of 1 image of 1000x1000 would be 1004x1004 pixels, more than the 1048576 elements a tensor may have (3 a pixel)")
        }
    }

    func testPlotRangesOfExtremeValuesAreFinite() {
        for values in [[1e308, -1e308], [.greatestFiniteMagnitude, -.greatestFiniteMagnitude], [1e300, 1e300],
                       [.greatestFiniteMagnitude], [.nan, .infinity, -.infinity], [.leastNonzeroMagnitude, 0], [1e20, 1e20 + 1e5]] {
            let (lo, hi) = Plot.yRange([Series(name: "v", values: values)])
            XCTAssertTrue(lo.isFinite && hi.isFinite && lo <= hi, "\(values): (\(lo), \(hi))")
            for v in values where v.isFinite {
                let f = Plot.fraction(v, lo, hi)!
                XCTAssertTrue(f >= 0 && f <= 1, "\(values): \(v) at \(f)")
            }
            XCTAssertLessThanOrEqual(Plot.ticks(lo, hi).count, 50)
            _ = Plot.text([Series(name: "v", values: values)])
            _ = Plot.draw([Series(name: "v", values: values)], title: "t")
        }
    }

    func testLongTitlesAndNamesAreFitted() {
        let title = String(repeating: "x", count: 60)
        let (text, scale) = Plot.titleLayout(title, width: 640)
        XCTAssertEqual(scale, 1)
        XCTAssertEqual(text, title)
        XCTAssertEqual(Plot.titleLayout("loss", width: 640).scale, 2)
        let long = Plot.titleLayout(String(repeating: "y", count: 1000), width: 640).text
        XCTAssertTrue(long.hasSuffix("...") && Canvas.textWidth(long) <= 624, long)
        XCTAssertEqual(Canvas.fitted("abcdef", pixels: 0), "")
        _ = Plot.draw([Series(name: String(repeating: "n", count: 10_000), values: [1, 2])], title: String(repeating: "t", count: 10_000))
    }

    func testNoisyPlotOfAMillionPointsIsFastAndStopsOnInterrupt() {
        let g = Generator(seed: 1)
        let values = (0..<1_000_000).map { _ in g.uniformDouble() * 2 - 1 }
        let start = Date()
        let canvas = Plot.draw([Series(name: "noise", values: values)], title: nil)
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
        // Columns across the plot hold the full vertical stroke of the noise.
        let mid = Plot.margins.left + 280
        let blue = (0..<canvas.height).filter { y in (mid - 1...mid + 1).contains { x in
            let p = canvas.get(x, y)
            return p.2 > 0.6 && p.0 < 0.5
        } }.count
        XCTAssertGreaterThan(blue, 250)
        Interrupt.request()
        defer { Interrupt.clear() }
        let interrupted = Date()
        _ = Plot.draw([Series(name: "noise", values: values)], title: nil)
        XCTAssertLessThan(Date().timeIntervalSince(interrupted), 5)
        XCTAssertTrue(Interrupt.requested, "the builtin's check reports it")
    }

    func testPlotOfManyPointsIsFast() {
        let values = (0..<100_000).map { sin(Double($0) / 1000) }
        let start = Date()
        let canvas = Plot.draw([Series(name: "sin", values: values)], title: "100,000 points")
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
        // The curve is drawn: the first series' blue appears in many columns.
        var columns = Set<Int>()
        for x in 0..<canvas.width { for y in 0..<canvas.height where canvas.get(x, y) == Plot.palette[0] { columns.insert(x) } }
        XCTAssertGreaterThan(columns.count, 200)
        XCTAssertGreaterThan(columns.max()! - columns.min()!, 500)
    }
}
