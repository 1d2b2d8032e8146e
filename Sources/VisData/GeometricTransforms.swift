import Foundation
import VisTensor

/// A transform that moves pixels (resize, crop, flip, rotate). Applied to an image and
/// its mask, it samples the mask with nearest neighbour and fills it with 0.
public protocol GeometricTransform: Transform {
    func apply(_ x: Tensor, generator: Generator, interpolation: Interpolation?, fill: Float?) throws -> Tensor
}

extension GeometricTransform {
    public func apply(_ x: Tensor, generator: Generator) throws -> Tensor {
        try apply(x, generator: generator, interpolation: nil, fill: nil)
    }
}

func checkImage(_ x: Tensor, _ op: String) throws {
    guard x.ndim == 3 else { throw TensorError(op, "expected an image [C, H, W], got shape \(shapeString(x.shape))") }
}

/// Resizes to [h, w], or makes the shorter side `size` keeping the aspect ratio
/// (torchvision's Resize; antialiased bilinear by default).
public final class Resize: GeometricTransform {
    public let size: [Int]
    public let interpolation: Interpolation
    public init(size: [Int], interpolation: Interpolation = .bilinear) throws {
        guard size.count == 1 || size.count == 2, size.allSatisfy({ $0 > 0 }) else {
            throw TensorError("Resize", "size must be a positive int or [h, w], got \(size)")
        }
        self.size = size
        self.interpolation = interpolation
    }
    public func apply(_ x: Tensor, generator: Generator, interpolation i: Interpolation?, fill: Float?) throws -> Tensor {
        try checkImage(x, "Resize")
        let (h, w) = (x.shape[1], x.shape[2])
        var (oh, ow) = size.count == 2 ? (size[0], size[1]) : (0, 0)
        if size.count == 1 {
            // torchvision: the shorter side becomes `size`, the longer is truncated.
            if h <= w { oh = size[0]; ow = Int(Double(size[0]) * Double(w) / Double(h)) } else { ow = size[0]; oh = Int(Double(size[0]) * Double(h) / Double(w)) }
        }
        return try Resample.resize(x, oh, ow, i ?? interpolation)
    }
    public var description: String { "Resize(size=\(size.count == 1 ? "\(size[0])" : "\(size)"), interpolation=\(interpolation.rawValue))" }
}

/// Crops the centre [h, w] (padding with zeros if the image is smaller).
public final class CenterCrop: GeometricTransform {
    public let size: (Int, Int)
    public init(size: (Int, Int)) { self.size = size }
    public func apply(_ x: Tensor, generator: Generator, interpolation: Interpolation?, fill: Float?) throws -> Tensor {
        try checkImage(x, "CenterCrop")
        let top = Int(((Double(x.shape[1] - size.0)) / 2).rounded()), left = Int(((Double(x.shape[2] - size.1)) / 2).rounded())
        return try Resample.crop(x, top: top, left: left, height: size.0, width: size.1)
    }
    public var description: String { "CenterCrop(size=(\(size.0), \(size.1)))" }
}

/// A random [h, w] window, after optional zero padding (torchvision's RandomCrop).
public final class RandomCrop: GeometricTransform {
    public let size: (Int, Int)
    public let padding: Int
    public let padIfNeeded: Bool
    public let fill: Float
    public init(size: (Int, Int), padding: Int = 0, padIfNeeded: Bool = false, fill: Double = 0) {
        self.size = size
        self.padding = padding
        self.padIfNeeded = padIfNeeded
        self.fill = Float(fill)
    }
    public func apply(_ x: Tensor, generator: Generator, interpolation: Interpolation?, fill f: Float?) throws -> Tensor {
        try checkImage(x, "RandomCrop")
        var (h, w) = (x.shape[1] + 2 * padding, x.shape[2] + 2 * padding)
        var extraH = 0, extraW = 0
        if padIfNeeded { extraH = Swift.max(0, size.0 - h); extraW = Swift.max(0, size.1 - w); h += 2 * extraH; w += 2 * extraW }
        guard h >= size.0, w >= size.1 else {
            throw TensorError("RandomCrop", "crop size \(size.0)x\(size.1) is larger than the (padded) image \(h)x\(w); use pad_if_needed=true")
        }
        let top = Int(generator.int(below: UInt64(h - size.0 + 1))), left = Int(generator.int(below: UInt64(w - size.1 + 1)))
        return try Resample.crop(x, top: top - padding - extraH, left: left - padding - extraW, height: size.0, width: size.1, fill: f ?? fill)
    }
    public var description: String { "RandomCrop(size=(\(size.0), \(size.1)), padding=\(padding))" }
}

/// A random area and aspect ratio, resized to `size` (torchvision's RandomResizedCrop
/// sampling: up to 10 tries of area ~ U(scale) and log-ratio ~ U(log ratio), then a
/// centre crop fallback).
public final class RandomResizedCrop: GeometricTransform {
    public let size: (Int, Int)
    public let scale: (Double, Double), ratio: (Double, Double)
    public let interpolation: Interpolation
    public init(size: (Int, Int), scale: (Double, Double) = (0.08, 1), ratio: (Double, Double) = (3.0 / 4, 4.0 / 3), interpolation: Interpolation = .bilinear) throws {
        guard scale.0 <= scale.1, ratio.0 <= ratio.1, scale.0 > 0, ratio.0 > 0 else {
            throw TensorError("RandomResizedCrop", "scale and ratio must be increasing positive ranges")
        }
        self.size = size
        self.scale = scale
        self.ratio = ratio
        self.interpolation = interpolation
    }
    public func apply(_ x: Tensor, generator: Generator, interpolation i: Interpolation?, fill: Float?) throws -> Tensor {
        try checkImage(x, "RandomResizedCrop")
        let (h, w) = (x.shape[1], x.shape[2])
        let area = Double(h * w)
        let logRatio = (Foundation.log(ratio.0), Foundation.log(ratio.1))
        for _ in 0..<10 {
            let target = area * (scale.0 + (scale.1 - scale.0) * generator.uniformDouble())
            let aspect = Foundation.exp(logRatio.0 + (logRatio.1 - logRatio.0) * generator.uniformDouble())
            let cw = Int((target * aspect).squareRoot().rounded()), ch = Int((target / aspect).squareRoot().rounded())
            if cw > 0 && cw <= w && ch > 0 && ch <= h {
                let top = Int(generator.int(below: UInt64(h - ch + 1))), left = Int(generator.int(below: UInt64(w - cw + 1)))
                return try Resample.resize(Resample.crop(x, top: top, left: left, height: ch, width: cw), size.0, size.1, i ?? interpolation)
            }
        }
        // Fallback: the largest centred crop within the ratio range.
        let inRatio = Double(w) / Double(h)
        var (cw, ch) = (w, h)
        if inRatio < ratio.0 { ch = Int((Double(w) / ratio.0).rounded()) } else if inRatio > ratio.1 { cw = Int((Double(h) * ratio.1).rounded()) }
        return try Resample.resize(Resample.crop(x, top: (h - ch) / 2, left: (w - cw) / 2, height: ch, width: cw), size.0, size.1, i ?? interpolation)
    }
    public var description: String { "RandomResizedCrop(size=(\(size.0), \(size.1)), scale=(\(scale.0), \(scale.1)), ratio=(\(ratio.0), \(ratio.1)))" }
}

/// Mirrors left-right (or top-bottom) with probability p.
public final class RandomFlip: GeometricTransform {
    public let p: Double
    public let vertical: Bool
    public init(p: Double = 0.5, vertical: Bool) throws {
        guard p >= 0 && p <= 1 else { throw TensorError(vertical ? "RandomVerticalFlip" : "RandomHorizontalFlip", "p must be in [0, 1], got \(p)") }
        self.p = p
        self.vertical = vertical
    }
    public func apply(_ x: Tensor, generator: Generator, interpolation: Interpolation?, fill: Float?) throws -> Tensor {
        try checkImage(x, description)
        guard generator.uniformDouble() < p else { return x }
        let (c, h, w) = (x.shape[0], x.shape[1], x.shape[2])
        let src = try x.to(.float32).contiguous()
        let out = Tensor(uninitialized: x.shape)
        let s = src.floatPointer, o = out.floatPointer
        for k in 0..<c { for i in 0..<h { for j in 0..<w {
            o[(k * h + i) * w + j] = vertical ? s[(k * h + h - 1 - i) * w + j] : s[(k * h + i) * w + w - 1 - j]
        } } }
        return out
    }
    public var description: String { "\(vertical ? "RandomVerticalFlip" : "RandomHorizontalFlip")(p=\(p))" }
}

/// Rotates by an angle drawn uniformly from [-degrees, degrees] (or the given range).
public final class RandomRotation: GeometricTransform {
    public let degrees: (Double, Double)
    public let interpolation: Interpolation
    public let fill: Float
    public init(degrees: (Double, Double), interpolation: Interpolation = .nearest, fill: Double = 0) throws {
        guard degrees.0 <= degrees.1 else { throw TensorError("RandomRotation", "degrees range must be increasing, got \(degrees)") }
        self.degrees = degrees
        self.interpolation = interpolation
        self.fill = Float(fill)
    }
    public func apply(_ x: Tensor, generator: Generator, interpolation i: Interpolation?, fill f: Float?) throws -> Tensor {
        try checkImage(x, "RandomRotation")
        let angle = degrees.0 + (degrees.1 - degrees.0) * generator.uniformDouble()
        return try Resample.rotate(x, degrees: angle, mode: i ?? interpolation, fill: f ?? fill)
    }
    public var description: String { "RandomRotation(degrees=[\(degrees.0), \(degrees.1)], interpolation=\(interpolation.rawValue), fill=\(Double(fill)))" }
}
