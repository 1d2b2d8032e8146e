import VisTensor

/// A transform of one [C, H, W] tensor. Random transforms draw from the generator
/// they are given (the DataLoader seeds one per sample).
public protocol Transform: AnyObject {
    func apply(_ x: Tensor, generator: Generator) throws -> Tensor
    /// How it prints (`Normalize(mean=[0.286], std=[0.353])`).
    var description: String { get }
    /// False when applying calls into single-threaded code (a .vis function).
    var threadSafe: Bool { get }
}

extension Transform {
    public var threadSafe: Bool { true }
}

/// Transforms applied in order (torchvision's Compose).
public final class Compose: Transform {
    public let transforms: [Transform]
    public init(_ transforms: [Transform]) { self.transforms = transforms }
    public func apply(_ x: Tensor, generator: Generator) throws -> Tensor {
        var y = x
        for t in transforms { y = try t.apply(y, generator: generator) }
        return y
    }
    public var description: String {
        "Compose(\n" + transforms.map { "    " + $0.description + "\n" }.joined() + ")"
    }
    public var threadSafe: Bool { transforms.allSatisfy(\.threadSafe) }
}

/// (x - mean) / std per channel (torchvision's Normalize).
public final class Normalize: Transform {
    public let mean: [Float], std: [Float]
    public init(mean: [Double], std: [Double]) throws {
        guard !mean.isEmpty, mean.count == std.count else {
            throw TensorError("Normalize", "mean and std need the same, non-zero number of channels (got \(mean.count) and \(std.count))")
        }
        guard std.allSatisfy({ $0 != 0 }) else { throw TensorError("Normalize", "std must not contain 0 (got \(std))") }
        self.mean = mean.map(Float.init)
        self.std = std.map(Float.init)
    }
    public func apply(_ x: Tensor, generator: Generator) throws -> Tensor {
        guard x.ndim >= 3, x.dtype == .float32 else {
            throw TensorError("Normalize", "expected a float32 image [C, H, W], got \(x.dtype) \(shapeString(x.shape))")
        }
        let c = x.shape[x.ndim - 3]
        guard mean.count == c || mean.count == 1 else {
            throw TensorError("Normalize", "the image has \(c) channels but mean/std have \(mean.count)")
        }
        let src = x.contiguous()
        let out = Tensor(uninitialized: x.shape)
        let plane = x.shape[x.ndim - 1] * x.shape[x.ndim - 2]
        // An image with no pixels normalises to itself (and has no planes to count).
        if plane == 0 { return out }
        let ps = src.floatPointer, po = out.floatPointer
        for i in 0..<(x.count / plane) {
            if Interrupt.requested { break }  // a large batch stops between planes
            let ch = mean.count == 1 ? 0 : i % c
            let m = mean[ch], inv = 1 / std[ch]
            for j in 0..<plane { po[i * plane + j] = (ps[i * plane + j] - m) * inv }
        }
        try Interrupt.check()
        return out
    }
    public var description: String {
        "Normalize(mean=\(mean.map { Double($0) }), std=\(std.map { Double($0) }))"
    }
}

/// A transform from a function (torchvision's Lambda); the function may be .vis code,
/// in which case it is not thread-safe.
public final class LambdaTransform: Transform {
    let body: (Tensor, Generator) throws -> Tensor
    public let threadSafe: Bool
    /// How it prints (`Lambda(<fn flip>)`).
    public let description: String
    public init(threadSafe: Bool, description: String = "Lambda()", _ body: @escaping (Tensor) throws -> Tensor) {
        self.body = { x, _ in try body(x) }
        self.threadSafe = threadSafe
        self.description = description
    }
    /// A transform whose body also gets the sample's generator (a .vis function run
    /// with the global generator set to it, so its random draws are per sample).
    public init(threadSafe: Bool, description: String, withGenerator body: @escaping (Tensor, Generator) throws -> Tensor) {
        self.body = body
        self.threadSafe = threadSafe
        self.description = description
    }
    public func apply(_ x: Tensor, generator: Generator) throws -> Tensor { try body(x, generator) }
}
