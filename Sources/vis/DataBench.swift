import Foundation
import VisData
import VisTensor

/// The image-decoding benchmarks of `vis bench`: 512 JPEG (quality 90) and 512 PNG
/// files of 256x256 RGB decoded to float [C, H, W] in [0, 1], on one thread and
/// through a DataLoader with 2 workers.
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

    static func run() throws {
        let dir = NSTemporaryDirectory() + "vis-bench-images"
        try? FileManager.default.removeItem(atPath: dir)
        for kind in ["jpg", "png"] {
            try FileManager.default.createDirectory(atPath: "\(dir)/\(kind)/all", withIntermediateDirectories: true)
        }
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for k in 0..<512 {
            let img = try image(k % 64)
            try ImageCodec.write(img, to: "\(dir)/jpg/all/\(k).jpg", quality: 90)
            try ImageCodec.write(img, to: "\(dir)/png/all/\(k).png")
        }
        for kind in ["jpg", "png"] {
            let ds = try ImageFolder(root: "\(dir)/\(kind)")
            // One thread: decode every file.
            let t0 = DispatchTime.now().uptimeNanoseconds
            for s in ds.samples { _ = try ImageCodec.read(s.path) }
            let one = Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9
            // Two DataLoader workers.
            let loader = try DataLoader(ds, batchSize: 32, numWorkers: 2, seed: 0)
            let t1 = DispatchTime.now().uptimeNanoseconds
            let it = loader.makeIterator()
            while try it.next() != nil {}
            let two = Double(DispatchTime.now().uptimeNanoseconds - t1) * 1e-9
            TensorBench.line("decode 256x256 \(kind == "jpg" ? "JPEG q90" : "PNG"), 1 thread",
                             String(format: "%7.0f images/s", 512 / one))
            TensorBench.line("decode 256x256 \(kind == "jpg" ? "JPEG q90" : "PNG"), DataLoader 2 workers",
                             String(format: "%7.0f images/s  (%.2fx one thread)", 512 / two, one / two))
        }
    }
}
