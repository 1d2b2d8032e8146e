import Dispatch
import Foundation
import VisTensor

/// One pass over a batch that computes, image by image, the matrix products of a
/// convolution between the image side x [N, C, H, W] and the grid side y [N, O, Ho, Wo]
/// with weight W [O, C/groups, kh, kw] (per group g, a [Og, Kg] matrix, Kg = C/groups * kh * kw):
///
///     forward:        col = im2col(x_n);  y_n[g] = W_g @ col_g (+ bias)
///     weight grad:    col = im2col(x_n);  dW_g += gy_n[g] @ col_g^T
///     data grad:      col_g = W_g^T @ gy_n[g];  dx_n = col2im(col)
///
/// conv2d's forward is the first; its backward the other two in the same pass (one
/// im2col serves the weight gradient, then the buffer takes W^T @ g). conv_transpose2d
/// runs the same pieces with the roles swapped: its forward is the data-grad product,
/// its backward the forward and weight-grad products.
///
/// Threading: each core runs one worker with its own column buffer, calling a
/// single-threaded sgemm on one image at a time (`BLAS.gemm(parallel: false)`), so the
/// cores never run more threads than they have. The images go in fixed chunks (about
/// four per worker) that idle workers take in turn, so a worker slowed by another
/// process on its core takes fewer; each chunk has its own weight-gradient partial,
/// added in chunk order, so results do not depend on the scheduling. A batch of one
/// image runs on the caller's thread, its products split across the cores by `BLAS.gemm`.
///
/// Why per image: on W1's [64, 32, 14, 14] -> 64 channels 3x3 (2 cores; best of 10 in
/// the calmest of several runs on a shared machine), forward / backward took 3.3 / 8.1 ms
/// this way, 7.8 / 14.2 ms with one 2-thread sgemm per image, and 8.6 / 14.6 ms with one
/// sgemm over the whole batch (im2col of all images into [K, N * Ho * Wo], then a
/// permute to NCHW); on a loaded machine the other two won a comparison now and then,
/// by less than the load noise, never by much. An image's column buffer (225 KB
/// there) stays in its core's L2 between im2col and sgemm, the output is written in
/// place in NCHW, and single-threaded sgemm on [64, 288] x [288, 196] runs at ~95% of
/// the core's large-sgemm rate, while 2-thread sgemm on matrices that small does not
/// scale and the batch-wide buffers (14 MB of columns) do not fit in cache.
/// Scratch buffers come from `Tensor(uninitialized:)`, i.e. the BufferCache, so a
/// training loop in steady state allocates nothing.
struct ConvPass {
    let geometry: ConvGeometry
    let batch: Int
    let groups: Int
    /// O: channels of the grid side (rows of the weight).
    let outChannels: Int
    /// [O, C/groups, kh, kw], contiguous.
    let weight: Tensor

    /// x [N, C, H, W] to im2col (forward and weight-grad products); contiguous.
    var imageIn: Tensor? = nil
    /// y [N, O, Ho, Wo] written by the forward product, plus `gridBias` [O] if given.
    var gridOut: Tensor? = nil
    var gridBias: Tensor? = nil
    /// gy [N, O, Ho, Wo] for the weight-grad product into `weightGrad` [O, Kg].
    var gridForWeight: Tensor? = nil
    var weightGrad: Tensor? = nil
    /// gy [N, O, Ho, Wo] for the data-grad product, written to `imageOut` [N, C, H, W]
    /// plus `imageBias` [C] if given.
    var gridForData: Tensor? = nil
    var imageOut: Tensor? = nil
    var imageBias: Tensor? = nil

    init(geometry: ConvGeometry, batch: Int, groups: Int, outChannels: Int, weight: Tensor) {
        self.geometry = geometry
        self.batch = batch
        self.groups = groups
        self.outChannels = outChannels
        self.weight = weight
    }

    /// Column buffers of all workers together stay below this many bytes (large images
    /// get fewer workers rather than gigabytes of scratch).
    static let scratchBudget = 512 << 20

    /// Runs the pass. Every tensor given is contiguous float32 of the documented shape.
    /// Ctrl-C: each image starts only while no interrupt is pending (a large image's
    /// products also stop part way, see `BLAS.gemm`), and the pass then throws
    /// `InterruptError`, so the op's half-made result is discarded.
    func run() throws {
        let g = geometry
        let kg = g.colRows / groups, og = outChannels / groups
        let needsCol = !g.isPointwise && ((imageIn != nil && (gridOut != nil || weightGrad != nil)) || imageOut != nil)
        let colCount = needsCol ? g.colRows * g.patches : 0
        var workers = Swift.min(Parallel.cores, batch)
        if colCount > 0 { workers = Swift.min(workers, Swift.max(1, ConvPass.scratchBudget / (colCount * 4))) }
        workers = Swift.max(workers, 1)

        if batch == 0 {
            if let weightGrad { weightGrad.floatPointer.update(repeating: 0, count: weightGrad.count) }
            return
        }
        // Images go in fixed chunks (several per worker), which idle workers take in turn:
        // a worker slowed by another process on its core takes fewer. Each chunk owns a
        // weight-gradient partial (chunk 0 writes straight into `weightGrad`), and the
        // partials are added in chunk order, so the result does not depend on which worker
        // ran which chunk: runs are reproducible.
        let chunks = workers == 1 ? 1 : Swift.min(batch, workers * 4)
        let cols = (0..<workers).map { _ in Tensor(uninitialized: [Swift.max(colCount, 1)]) }
        let partials: [Tensor] = weightGrad == nil ? [] : (1..<chunks).map { _ in Tensor(uninitialized: [outChannels * kg]) }

        let w = UnsafePointer(weight.floatPointer)
        let xIn = imageIn.map { UnsafePointer($0.floatPointer) }
        let yOut = gridOut?.floatPointer
        let yBias = gridBias.map { UnsafePointer($0.floatPointer) }
        let gyW = gridForWeight.map { UnsafePointer($0.floatPointer) }
        let gyD = gridForData.map { UnsafePointer($0.floatPointer) }
        let xOut = imageOut?.floatPointer
        let xBias = imageBias.map { UnsafePointer($0.floatPointer) }
        let dW0 = weightGrad?.floatPointer
        let p = g.patches, cg = g.channels / groups, hw = g.height * g.width
        let gridSize = outChannels * p, imageSize = g.imageSize
        // One worker leaves the cores to the products themselves.
        let splitProducts = workers == 1

        // The images of chunk c, on the worker owning `colBuffer`.
        func work(chunk c: Int, colBuffer: UnsafeMutablePointer<Float>) {
            let start = batch * c / chunks, end = batch * (c + 1) / chunks
            let dW = c == 0 || partials.isEmpty ? dW0 : partials[c - 1].floatPointer
            for n in start..<end {
                // One look at the Ctrl-C flag per image: an image is milliseconds of work.
                if Interrupt.requested { return }
                // The column matrix of image n (the image itself for a pointwise conv).
                var col = UnsafePointer(colBuffer)
                if let xIn, yOut != nil || dW != nil {
                    if g.isPointwise { col = xIn + n * imageSize } else { g.im2col(xIn + n * imageSize, into: colBuffer) }
                }
                if let yOut {
                    let y = yOut + n * gridSize
                    if let yBias {
                        for o in 0..<outChannels { (y + o * p).update(repeating: yBias[o], count: p) }
                    }
                    for gi in 0..<groups {
                        BLAS.gemm(m: og, n: p, k: kg, a: w + gi * og * kg, BLAS.plain(kg),
                                  b: col + gi * kg * p, BLAS.plain(p),
                                  c: y + gi * og * p, ldc: p, beta: yBias == nil ? 0 : 1, parallel: splitProducts)
                    }
                }
                if let gyW, let dW {
                    let gy = gyW + n * gridSize
                    for gi in 0..<groups {
                        BLAS.gemm(m: og, n: kg, k: p, a: gy + gi * og * p, BLAS.plain(p),
                                  b: col + gi * kg * p, BLAS.transposed(p),
                                  c: dW + gi * og * kg, ldc: kg, beta: n == start ? 0 : 1, parallel: splitProducts)
                    }
                }
                if let gyD, let xOut {
                    let gy = gyD + n * gridSize, x = xOut + n * imageSize
                    for gi in 0..<groups {
                        // col_g = W_g^T @ gy_g; a pointwise conv writes the image directly.
                        let dst = g.isPointwise ? x + gi * cg * hw : colBuffer + gi * kg * p
                        BLAS.gemm(m: kg, n: p, k: og, a: w + gi * og * kg, BLAS.transposed(kg),
                                  b: gy + gi * og * p, BLAS.plain(p), c: dst, ldc: p, parallel: splitProducts)
                    }
                    if !g.isPointwise { g.col2im(colBuffer, into: x) }
                    if let xBias {
                        for ch in 0..<g.channels {
                            let plane = x + ch * hw, b = xBias[ch]
                            for i in 0..<hw { plane[i] += b }
                        }
                    }
                }
            }
        }

        if workers == 1 {
            work(chunk: 0, colBuffer: cols[0].floatPointer)
            try Interrupt.check()
        } else {
            let queue = ChunkQueue(count: chunks)
            DispatchQueue.concurrentPerform(iterations: workers) { wk in
                let colBuffer = cols[wk].floatPointer
                while let c = queue.next() { work(chunk: c, colBuffer: colBuffer) }
            }
            try Interrupt.check()
            if let dW0 {
                let count = outChannels * kg
                for part in partials {
                    let src = UnsafePointer(part.floatPointer)
                    for i in 0..<count { dW0[i] += src[i] }
                }
            }
        }
        withExtendedLifetime((cols, partials)) {}
    }
}

extension ConvPass {
    /// Per-channel sums of y [N, C, P] (a bias gradient), accumulated in double precision.
    static func channelSums(_ y: Tensor, channels: Int) -> Tensor {
        let out = Tensor(uninitialized: [channels])
        let n = y.shape.first ?? 0
        let plane = channels == 0 || n == 0 ? 0 : y.count / (n * channels)
        let src = UnsafePointer(y.floatPointer), dst = out.floatPointer
        Parallel.forRange(channels, costPerElement: Swift.max(n * plane, 1)) { c0, c1 in
            for c in c0..<c1 {
                var total = 0.0
                for i in 0..<n { total += planeSum(src + (i * channels + c) * plane, plane) }
                dst[c] = Float(total)
            }
        }
        return out
    }

    /// Sum of `count` floats: 16 float lanes over blocks of 4096 values (so a lane adds at
    /// most 256 values in float), each block's lanes then added in double precision.
    @inline(__always)
    static func planeSum(_ p: UnsafePointer<Float>, _ count: Int) -> Double {
        var total = 0.0
        var i = 0
        while i + 16 <= count {
            let blockEnd = Swift.min(count, i + 4096)
            var a = SIMD16<Float>()
            while i + 16 <= blockEnd {
                a += UnsafeRawPointer(p + i).loadUnaligned(as: SIMD16<Float>.self)
                i += 16
            }
            for l in 0..<16 { total += Double(a[l]) }
        }
        while i < count { total += Double(p[i]); i += 1 }
        return total
    }
}

/// Hands out chunk indices 0, 1, ... to the workers of a `ConvPass`, each once.
private final class ChunkQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var nextChunk = 0
    private let count: Int

    init(count: Int) { self.count = count }

    /// The next chunk to run, or nil when all are taken.
    func next() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard nextChunk < count else { return nil }
        nextChunk += 1
        return nextChunk - 1
    }
}
