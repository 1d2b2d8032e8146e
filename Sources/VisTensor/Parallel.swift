import Foundation

/// Splits large loops across the machine's cores. Small loops run inline: waking a
/// thread costs microseconds, so work below `Parallel.grain` elements stays on the
/// caller's thread.
public enum Parallel {
    /// Number of worker chunks to split large loops into (the core count).
    public static let cores = Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Elements below which a loop is not split.
    public static let grain = 1 << 15

    /// Runs `body(start, end)` over `0..<count` in up to `cores` contiguous chunks,
    /// in parallel when `count * costPerElement` is at least `grain`.
    @inline(__always)
    public static func forRange(_ count: Int, costPerElement: Int = 1, _ body: (Int, Int) -> Void) {
        let work = count &* costPerElement
        if cores == 1 || work < grain || count < 2 {
            body(0, count)
            return
        }
        let chunks = Swift.min(cores, count)
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let start = count * c / chunks
            let end = count * (c + 1) / chunks
            if start < end { body(start, end) }
        }
    }
}
