import Foundation
import VisData
import VisNN
import VisOptim
import VisTensor

/// The image-decoding benchmarks of `vis bench`: 512 JPEG (quality 90) and 512 PNG
/// files of 256x256 RGB decoded to float [C, H, W] in [0, 1], on one thread and
/// through DataLoaders; and the data wait of W1-style training from PNG files.
enum DataBench {
    /// A smooth synthetic photo-like image (noise alone would make PNG unrealistically slow).
    static func image(_ k: Int) throws -> Tensor {
        let t = Tensor(uninitialized: [3, 256, 256])
        let p = t.floatPointer
        let g = Generator(seed: UInt64(k))
        let (a, b, c) = (Float(g.uniform()) * 6, Float(g.uniform()) * 6, Float(g.uniform()) * 6)
        for ch in 0..<3 {
            for y in 0..<256 {
                for x in 0..<256 {
                    let v = 0.5 + 0.25 * sin(Float(x) / 40 * (a + Float(ch))) * cos(Float(y) / 30 * b) + 0.2 * sin(Float(x + y) / 25 * c)
                    p[(ch * 256 + y) * 256 + x] = Swift.min(1, Swift.max(0, v + (g.uniform() - 0.5) * 0.04))
                }
            }
        }
        return t
    }

    /// Seconds `body` takes, the best of `runs` (the machine is shared; the best run is
    /// the one least disturbed).
    static func best(of runs: Int, _ body: () throws -> Void) rethrows -> Double {
        var best = Double.infinity
        for _ in 0..<runs {
            let t0 = DispatchTime.now().uptimeNanoseconds
            try body()
            best = Swift.min(best, Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9)
        }
        return best
    }

    static func run() throws {
        let dir = NSTemporaryDirectory() + "vis-bench-images-\(getpid())"
        try? FileManager.default.removeItem(atPath: dir)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try decodeRates(dir)
        try trainingDataWait(dir)
    }

    /// Decode rates on one and two threads, then through DataLoaders with 0 and 2
    /// workers (batches of 32, collated: the copy into the batch is extra work).
    static func decodeRates(_ dir: String) throws {
        for kind in ["jpg", "png"] {
            try FileManager.default.createDirectory(atPath: "\(dir)/\(kind)/all", withIntermediateDirectories: true)
        }
        for k in 0..<512 {
            let img = try image(k % 64)
            try ImageCodec.write(img, to: "\(dir)/jpg/all/\(k).jpg", quality: 90)
            try ImageCodec.write(img, to: "\(dir)/png/all/\(k).png")
        }
        for (kind, name, pil) in [("jpg", "JPEG q90", 1221.0), ("png", "PNG", 387.0)] {
            let ds = try ImageFolder(root: "\(dir)/\(kind)")
            let paths = ds.samples.map { $0.path }
            let one = try best(of: 3) { for p in paths { _ = try ImageCodec.read(p) } }
            let two = best(of: 3) {
                let group = DispatchGroup()
                for w in 0..<2 {
                    group.enter()
                    Thread {
                        for i in stride(from: w, to: paths.count, by: 2) { _ = try? ImageCodec.read(paths[i]) }
                        group.leave()
                    }.start()
                }
                group.wait()
            }
            TensorBench.line("decode 256x256 \(name), 1 thread", String(format: "%7.0f images/s  (PIL 13: %.0f, %.2fx)", 512 / one, pil, 512 / one / pil))
            TensorBench.line("decode 256x256 \(name), 2 threads", String(format: "%7.0f images/s  (%.2fx one thread)", 512 / two, one / two))
            // The same through DataLoaders (batches of 32, collated), best of warm epochs.
            var rates: [Double] = []
            for workers in [0, 2] {
                let loader = try DataLoader(ds, batchSize: 32, numWorkers: workers, seed: 0)
                rates.append(512 / (try best(of: 4) {
                    let it = loader.makeIterator()
                    while try it.next() != nil {}
                }))
            }
            TensorBench.line("DataLoader \(name), 0 workers", String(format: "%7.0f images/s", rates[0]))
            TensorBench.line("DataLoader \(name), 2 workers", String(format: "%7.0f images/s  (%.2fx 0 workers)", rates[1], rates[1] / rates[0]))
        }
    }

    /// W1-style training (SimpleCNN, batch 64, Adam) fed by a 2-worker DataLoader from an
    /// ImageFolder of 28x28 greyscale PNGs: the fraction of the loop spent waiting for data.
    static func trainingDataWait(_ dir: String) throws {
        let root = "\(dir)/grey"
        for c in 0..<10 {
            try FileManager.default.createDirectory(atPath: "\(root)/class\(c)", withIntermediateDirectories: true)
            for k in 0..<64 {
                let img = try image(c * 64 + k).slice(0, start: 0, end: 1).slice(1, start: 0, end: 28).slice(2, start: 0, end: 28)
                try ImageCodec.write(img.contiguous(), to: "\(root)/class\(c)/\(k).png")
            }
        }
        let ds = try ImageFolder(root: root, transform: try Normalize(mean: [0.2860], std: [0.3530]), mode: .L)
        let loader = try DataLoader(ds, batchSize: 64, shuffle: true, numWorkers: 2, seed: 0)
        seed(0)
        let net = try TrainingBench.simpleCNN(channels: 1, flat: 3136)
        let opt = try Adam(net.parameters(), lr: 1e-3)
        var waited = 0.0, total = 0.0
        for epoch in 0..<3 {
            let t0 = DispatchTime.now().uptimeNanoseconds
            let it = loader.makeIterator()
            while let batch = try it.next() {
                opt.zeroGrad()
                try Functional.crossEntropy(net(batch[0]), batch[1]).backward()
                try opt.step()
            }
            if epoch > 0 {  // the first epoch warms up buffers and the model
                waited += it.waitSeconds
                total += Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9
            }
        }
        TensorBench.line("W1 from PNG ImageFolder, 2 workers", String(format: "%7.1f ms/step  waiting for data %.1f%% of the time", total / 20 * 1e3, waited / total * 100))
    }
}
