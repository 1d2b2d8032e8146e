import COpenBLAS
import Foundation
import VisTensor

/// The tensor-engine benchmarks printed by `vis bench` (and scripts/bench): raw
/// sgemm against `matmul` on vis tensors, elementwise bandwidth against a
/// memcpy-bound loop, per-op overhead, and buffer reuse in a steady-state loop.
enum TensorBench {
    /// Seconds per call of `body`, the median of `repeats` timed runs after one warm-up.
    static func time(repeats: Int, _ body: () throws -> Void) rethrows -> Double {
        try body()
        var samples: [Double] = []
        for _ in 0..<repeats {
            let t0 = DispatchTime.now().uptimeNanoseconds
            try body()
            samples.append(Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9)
        }
        samples.sort()
        return samples[samples.count / 2]
    }

    static func line(_ name: String, _ value: String) {
        print(name.padding(toLength: 44, withPad: " ", startingAt: 0) + value)
        fflush(stdout)
    }

    /// The measured 1-element add overhead, for the language benchmark's ratio.
    nonisolated(unsafe) static var nativeAddMicros = 0.15

    static func run() throws {
        seed(0)
        var rawRates: [Int: Double] = [:]
        // "raw" is OpenBLAS threading the product itself, at one thread per core; vis runs
        // OpenBLAS single-threaded and splits products across the cores itself (BLAS.gemm).
        openblas_set_num_threads(Int32(Parallel.cores))
        for n in [1024, 2048] {
            let a = try Tensor.randn([n, n]), b = try Tensor.randn([n, n])
            let c = Tensor(uninitialized: [n, n])
            let flops = 2.0 * Double(n * n * n)
            let raw = time(repeats: n == 1024 ? 7 : 3) {
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1,
                            a.floatPointer, Int32(n), b.floatPointer, Int32(n), 0, c.floatPointer, Int32(n))
            }
            rawRates[n] = flops / raw / 1e9
            // OpenBLAS picks its kernels by CPU, or as OPENBLAS_CORETYPE says: name them,
            // since they set every GEMM-bound figure below.
            let kernels = openblas_get_corename().map { String(cString: $0) } ?? "unknown"
            line("sgemm raw cblas \(n)x\(n)", String(format: "%7.1f GFLOP/s", flops / raw / 1e9) + "  (OpenBLAS \(kernels) kernels)")
        }
        _ = BLAS.openBLASSingleThreaded
        openblas_set_num_threads(1)
        for n in [1024, 2048] {
            let a = try Tensor.randn([n, n]), b = try Tensor.randn([n, n])
            let bt = try Tensor.randn([n, n]).t()
            let flops = 2.0 * Double(n * n * n)
            let t = try time(repeats: n == 1024 ? 7 : 3) { _ = try a.matmul(b) }
            let tt = try time(repeats: n == 1024 ? 7 : 3) { _ = try a.matmul(bt) }
            let raw = rawRates[n] ?? 1
            line("matmul vis \(n)x\(n)", String(format: "%7.1f GFLOP/s  (%.0f%% of raw)", flops / t / 1e9, 100 * flops / t / 1e9 / raw))
            line("matmul vis \(n)x\(n), transposed view", String(format: "%7.1f GFLOP/s  (%.0f%% of raw)", flops / tt / 1e9, 100 * flops / tt / 1e9 / raw))
        }

        // Elementwise bandwidth on 16M floats, against a plain copy loop.
        let n = 16 << 20
        let x = try Tensor.randn([n]), y = try Tensor.randn([n])
        let dst = Tensor(uninitialized: [n])
        let copy = time(repeats: 5) { dst.floatPointer.update(from: x.floatPointer, count: n) }
        let copyRate = Double(2 * 4 * n) / copy / 1e9
        line("memcpy 16M floats (1 thread)", String(format: "%7.1f GB/s", copyRate))
        let parallelCopy = time(repeats: 5) {
            let s = x.floatPointer, d = dst.floatPointer
            Parallel.forRange(n) { a, b in (d + a).update(from: s + a, count: b - a) }
        }
        let parallelRate = Double(2 * 4 * n) / parallelCopy / 1e9
        line("memcpy 16M floats (\(Parallel.cores) threads)", String(format: "%7.1f GB/s", parallelRate))
        let ops: [(String, Int, () throws -> Tensor)] = [
            ("add", 3, { try x.add(y) }), ("mul", 3, { try x.mul(y) }), ("relu", 2, { try x.relu() }),
        ]
        for (name, arrays, op) in ops {
            let t = try time(repeats: 5) { _ = try op() }
            let rate = Double(arrays * 4 * n) / t / 1e9
            line("\(name) 16M floats", String(format: "%7.1f GB/s  (%.2fx the %d-thread copy time per byte)", rate, parallelRate / rate, Parallel.cores))
        }

        // Overhead of one tiny op, without and with autograd recording.
        let one = Tensor.full([1], 1), other = Tensor.full([1], 2)
        let iterations = 200_000
        let noGrad = time(repeats: 5) {
            for _ in 0..<iterations { _ = try? one.add(other) }
        }
        line("op overhead: 1-element add", String(format: "%7.3f us", noGrad / Double(iterations) * 1e6))
        nativeAddMicros = noGrad / Double(iterations) * 1e6
        let leaf = Tensor.full([1], 1)
        _ = try leaf.setRequiresGrad()
        let withGrad = time(repeats: 5) {
            for _ in 0..<iterations { _ = try? leaf.add(other) }
        }
        line("op overhead: 1-element add, with grad", String(format: "%7.3f us", withGrad / Double(iterations) * 1e6))

        // A steady-state training-like loop must not go back to the system for memory.
        let w = try Tensor.randn([256, 256]).setRequiresGrad()
        let input = try Tensor.randn([64, 256])
        func step() throws {
            let loss = try input.matmul(w).relu().mul(input.matmul(w).sigmoid()).sum()
            try loss.backward()
            w.grad = nil
        }
        try step()
        let before = BufferCache.shared.systemAllocations
        for _ in 0..<50 { try step() }
        line("steady-state loop: new system allocations", "\(BufferCache.shared.systemAllocations - before) over 50 iterations")
        try MathBench.run()
        try ShapeBench.run()
        try SelectBench.run()
        try DTypeBench.run()
    }
}
