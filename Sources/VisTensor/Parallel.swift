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

    /// Work (elements times `costPerElement`) of one chunk of `forChunks`: about a
    /// millisecond of simple float work, so an interrupt waits at most that long per core.
    public static let interruptGrain = 1 << 22

    /// `forRange` for loops long enough that Ctrl-C must stop them (pooling over large
    /// images): `0..<count` goes in chunks of about `interruptGrain` work that the cores
    /// take in turn, and once `Interrupt.requested` is set the chunks not yet started are
    /// skipped. The throwing op that runs it then calls `try Interrupt.check()`, which
    /// discards its half-made result. Loops of a few chunks run as `forRange` does.
    public static func forChunks(_ count: Int, costPerElement: Int = 1, _ body: (Int, Int) -> Void) {
        let (work, overflow) = count.multipliedReportingOverflow(by: Swift.max(costPerElement, 1))
        let chunks = Swift.min(count, overflow ? count : work / interruptGrain)
        if chunks <= cores {
            forRange(count, costPerElement: costPerElement, body)
            return
        }
        // Chunk c is [c * size + min(c, extra), ...): no product that could overflow.
        let size = count / chunks, extra = count % chunks
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            if Interrupt.requested { return }
            let start = c * size + Swift.min(c, extra)
            body(start, start + size + (c < extra ? 1 : 0))
        }
    }
}
