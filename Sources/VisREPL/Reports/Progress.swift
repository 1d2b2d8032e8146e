import Foundation

/// A progress bar for loops over batches: done/total, items per second, the loss, the
/// time left, and the share of time spent waiting for data. On a terminal it redraws
/// one line in place; otherwise it prints a plain line every 10% (so logs and
/// `vis test` stay readable).
public final class Progress {
    public let total: Int
    public let label: String
    let terminal: Bool
    let write: (String) -> Void
    let start = DispatchTime.now().uptimeNanoseconds
    public private(set) var done = 0
    var items = 0
    var lastDraw: UInt64 = 0
    var nextPlainMark = 1
    var closed = false
    /// The latest loss shown.
    public var loss: Double?
    /// Seconds the loop waited for data so far.
    public var waitSeconds = 0.0

    public init(total: Int, label: String, terminal: Bool, write: @escaping (String) -> Void) {
        self.total = Swift.max(total, 0)
        self.label = label
        self.terminal = terminal
        self.write = write
    }

    var elapsed: Double { Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9 }

    /// `a + b`, held at the ends of Int instead of trapping (counts from the user).
    static func saturating(_ a: Int, _ b: Int) -> Int {
        let (s, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? Int.max : Int.min) : s
    }

    /// Records `steps` more steps of `items` items each (a batch of 64 images: 1, 64).
    /// Negative steps go back, as tqdm's `update(n)` allows; counts saturate at the
    /// ends of Int rather than overflow.
    public func update(steps: Int = 1, items: Int = 0, loss: Double? = nil) {
        done = Progress.saturating(done, steps)
        self.items = Progress.saturating(self.items, items)
        if let loss { self.loss = loss }
        let now = DispatchTime.now().uptimeNanoseconds
        if terminal {
            if now - lastDraw > 100_000_000 || done >= total {
                lastDraw = now
                write("\r" + line(bar: true) + "\u{1b}[K")
            }
        } else if total > 0 && done < total && tenths(done) >= nextPlainMark {
            // Compared in tenths of the total (done < total, so no product overflows).
            nextPlainMark = tenths(done) + 1
            write(line(bar: false) + "\n")
        }
    }

    /// How many tenths of the total `n` steps are (floor(10 n / total)), for 0 <= n < total.
    func tenths(_ n: Int) -> Int {
        guard n > 0 else { return 0 }
        return total.dividingFullWidth(n.multipliedFullWidth(by: 10)).quotient
    }

    /// Prints the final line.
    public func close() {
        guard !closed else { return }
        closed = true
        write((terminal ? "\r" : "") + line(bar: terminal) + (terminal ? "\u{1b}[K" : "") + "\n")
    }

    static func clock(_ s: Double) -> String {
        // Beyond a million hours the time says nothing (and would not fit an Int).
        guard s.isFinite, Swift.abs(s) < 3.6e9 else { return "--:--" }
        let t = Int(s.rounded())
        return t >= 3600 ? String(format: "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60) : String(format: "%d:%02d", t / 60, t % 60)
    }

    func line(bar: Bool) -> String {
        let e = elapsed
        let rate = e > 0 ? Double(items > 0 ? items : done) / e : 0
        let unit = items > 0 ? "items/s" : "it/s"
        var parts = [label.isEmpty ? "" : label + ":"]
        if bar {
            let width = 24
            let filled = total > 0 ? Swift.max(0, Swift.min(width, Int((Double(done) / Double(total) * Double(width)).rounded(.down)))) : 0
            parts.append("[" + String(repeating: "=", count: filled) + (filled < width ? ">" + String(repeating: " ", count: width - filled - 1) : "") + "]")
        }
        parts.append("\(done)/\(total)")
        parts.append(String(format: "%.1f %@", rate, unit))
        if let loss { parts.append(String(format: "loss %.4f", loss)) }
        let remaining = done > 0 && done < total ? e / Double(done) * (Double(total) - Double(done)) : 0
        parts.append(done < total ? "eta \(Progress.clock(remaining))" : "\(Progress.clock(e))")
        if e > 0 { parts.append(String(format: "data wait %.0f%%", 100 * Swift.min(1, waitSeconds / e))) }
        return parts.filter { !$0.isEmpty }.joined(separator: " ")
    }
}
