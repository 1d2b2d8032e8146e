import Foundation
import VisNN
import VisOptim
import VisTensor

/// The training-step workloads W1-W5 of `vis bench` (definitions in the project's
/// issues): one step = zero_grad, forward, loss, backward, Adam step. Prints the
/// median ms per step and the achieved GFLOP/s (forward FLOPs of convolutions and
/// matrix products, times 3 for forward + backward).
enum TrainingBench {
    /// FLOPs of a convolution's forward pass.
    static func conv(_ n: Int, _ c: Int, _ o: Int, _ h: Int, _ w: Int, _ k: Int) -> Double { 2.0 * Double(n * o * h * w * c * k * k) }
    static func fc(_ n: Int, _ i: Int, _ o: Int) -> Double { 2.0 * Double(n * i * o) }

    static func measure(_ name: String, flops: Double, pytorch: Double, steps: Int = 10, _ step: () throws -> Void) throws {
        for _ in 0..<2 { try step() }
        var times: [Double] = []
        for _ in 0..<steps {
            let t0 = DispatchTime.now().uptimeNanoseconds
            try step()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-6)
        }
        times.sort()
        let ms = times[times.count / 2]
        TensorBench.line("\(name): training step", String(format: "%7.1f ms  %6.1f GFLOP/s  (PyTorch 2.15: %.0f ms, ratio %.2f)", ms, 3 * flops / ms / 1e6, pytorch, ms / pytorch))
    }

    /// The SimpleCNN of W1 / W2 (W1 takes 1 channel and flattens 3136 features).
    static func simpleCNN(channels c: Int, flat: Int) throws -> Sequential {
        Sequential([try Conv2d(c, 32, kernelSize: (3, 3), padding: .explicit(1, 1)), try BatchNorm(32, spatialDims: 2), Activation(.relu),
                    MaxPool2d(kernelSize: (2, 2)), try Conv2d(32, 64, kernelSize: (3, 3), padding: .explicit(1, 1)), try BatchNorm(64, spatialDims: 2),
                    Activation(.relu), MaxPool2d(kernelSize: (2, 2)), Flatten(), try Linear(flat, 512), Activation(.relu), try Dropout(p: 0.5), try Linear(512, 10)])
    }

    static func run() throws {
        seed(0)
        // W1 / W2: SimpleCNN on [64, 1, 28, 28] / [64, 3, 32, 32].
        for (name, c, s, flat, pt) in [("W1", 1, 28, 3136, 60.0), ("W2", 3, 32, 4096, 78.0)] {
            let net = try simpleCNN(channels: c, flat: flat)
            let opt = try Adam(net.parameters(), lr: 1e-3)
            let x = try Tensor.randn([64, c, s, s]), y = try Tensor.randint(0, 10, [64])
            let flops = conv(64, c, 32, s, s, 3) + conv(64, 32, 64, s / 2, s / 2, 3) + fc(64, flat, 512) + fc(64, 512, 10)
            try measure(name, flops: flops, pytorch: pt) {
                opt.zeroGrad()
                try Functional.crossEntropy(net(x), y).backward()
                try opt.step()
            }
        }
        // W3: two inputs through one shared branch, concatenated.
        do {
            let branch = Sequential([try Conv2d(3, 32, kernelSize: (3, 3), padding: .explicit(1, 1)), Activation(.relu), MaxPool2d(kernelSize: (2, 2)),
                                     try Conv2d(32, 64, kernelSize: (3, 3), padding: .explicit(1, 1)), Activation(.relu), MaxPool2d(kernelSize: (2, 2))])
            let head = Sequential([try Linear(32768, 512), Activation(.relu), try Linear(512, 10)])
            let opt = try Adam(branch.parameters() + head.parameters(), lr: 1e-3)
            let x1 = try Tensor.randn([32, 3, 64, 64]), x2 = try Tensor.randn([32, 3, 64, 64]), y = try Tensor.randint(0, 10, [32])
            let flops = 2 * (conv(32, 3, 32, 64, 64, 3) + conv(32, 32, 64, 32, 32, 3)) + fc(32, 32768, 512) + fc(32, 512, 10)
            try measure("W3", flops: flops, pytorch: 381) {
                opt.zeroGrad()
                let f = try Tensor.cat([branch(x1).flatten(1), branch(x2).flatten(1)], dim: 1)
                try Functional.crossEntropy(head(f), y).backward()
                try opt.step()
            }
        }
        // W4: a small U-Net on [8, 1, 64, 64], CE + (1 - soft Dice of class 1).
        do {
            func block(_ i: Int, _ o: Int) throws -> Sequential {
                Sequential([try Conv2d(i, o, kernelSize: (3, 3), padding: .explicit(1, 1)), try BatchNorm(o, spatialDims: 2), Activation(.relu),
                            try Conv2d(o, o, kernelSize: (3, 3), padding: .explicit(1, 1)), try BatchNorm(o, spatialDims: 2), Activation(.relu)])
            }
            let e1 = try block(1, 16), e2 = try block(16, 32), e3 = try block(32, 64), mid = try block(64, 128)
            let u3 = try ConvTranspose2d(128, 64, kernelSize: (2, 2), stride: (2, 2)), d3 = try block(128, 64)
            let u2 = try ConvTranspose2d(64, 32, kernelSize: (2, 2), stride: (2, 2)), d2 = try block(64, 32)
            let u1 = try ConvTranspose2d(32, 16, kernelSize: (2, 2), stride: (2, 2)), d1 = try block(32, 16)
            let out = try Conv2d(16, 2, kernelSize: (1, 1))
            let pool = MaxPool2d(kernelSize: (2, 2))
            let modules: [Module] = [e1, e2, e3, mid, u3, d3, u2, d2, u1, d1, out]
            let opt = try Adam(modules.flatMap { $0.parameters() }, lr: 1e-3)
            let x = try Tensor.randn([8, 1, 64, 64]), y = try Tensor.randint(0, 2, [8, 64, 64])
            var flops = 0.0
            for (c, o, s) in [(1, 16, 64), (16, 32, 32), (32, 64, 16), (64, 128, 8)] { flops += conv(8, c, o, s, s, 3) + conv(8, o, o, s, s, 3) }
            for (c, o, s) in [(128, 64, 16), (64, 32, 32), (32, 16, 64)] { flops += conv(8, c, o, s, s, 3) + conv(8, o, o, s, s, 3) + conv(8, o * 2, o, s / 2, s / 2, 2) }
            flops += conv(8, 16, 2, 64, 64, 1)
            try measure("W4", flops: flops, pytorch: 143) {
                opt.zeroGrad()
                let a1 = try e1(x), a2 = try e2(pool(a1)), a3 = try e3(pool(a2)), m = try mid(pool(a3))
                let b3 = try d3(Tensor.cat([u3(m), a3], dim: 1))
                let b2 = try d2(Tensor.cat([u2(b3), a2], dim: 1))
                let b1 = try d1(Tensor.cat([u1(b2), a1], dim: 1))
                let logits = try out(b1)
                let p = try logits.softmax(dim: 1).select(1, 1)
                let t = try y.to(.float32)
                let dice = try p.mul(t).sum().mul(2).add(1).div(p.sum().add(t.sum()).add(1))
                try Functional.crossEntropy(logits, y).add(dice.neg().add(1)).backward()
                try opt.step()
            }
        }
        // W5: CNN features as a 64-step sequence through a 2-layer bidirectional LSTM.
        do {
            let features = Sequential([try Conv2d(3, 32, kernelSize: (3, 3), padding: .explicit(1, 1)), Activation(.relu), MaxPool2d(kernelSize: (2, 2)),
                                       try Conv2d(32, 64, kernelSize: (3, 3), padding: .explicit(1, 1)), Activation(.relu), MaxPool2d(kernelSize: (2, 2))])
            let lstm = try LSTM(inputSize: 64, hiddenSize: 64, numLayers: 2, batchFirst: true, bidirectional: true)
            let fcLayer = try Linear(128, 10)
            let opt = try Adam(features.parameters() + lstm.parameters() + fcLayer.parameters(), lr: 1e-3)
            let x = try Tensor.randn([32, 3, 32, 32]), y = try Tensor.randint(0, 10, [32])
            let lstmFlops = 2.0 * (fc(32 * 64, 64, 256) + fc(32 * 64, 64, 256)) + 2.0 * (fc(32 * 64, 128, 256) + fc(32 * 64, 64, 256))
            let flops = conv(32, 3, 32, 32, 32, 3) + conv(32, 32, 64, 16, 16, 3) + lstmFlops + fc(32, 128, 10)
            try measure("W5", flops: flops, pytorch: 83) {
                opt.zeroGrad()
                let seq = try features(x).flatten(2).transpose(1, 2)      // [32, 64 steps, 64 features]
                let (outputs, _, _) = try lstm.forward(seq, h0: nil, c0: nil)
                let last = try outputs.select(1, 63)                       // [32, 128]
                try Functional.crossEntropy(fcLayer(last), y).backward()
                try opt.step()
            }
        }
    }
}
