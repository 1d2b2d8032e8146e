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
    // The transforms compute in float32 and return float32: a float64 or half image would
    // come back float32 without a word (torchvision keeps its dtype), so refuse it.
    if x.dtype == .float64 || x.dtype == .float16 || x.dtype == .bfloat16 {
        throw TensorError(op, "vis's image transforms compute in float32; got a \(x.dtype) image (convert with .float())")
    }
    // An integer image (PILToTensor's uint8) would come back float32 holding 0-255
    // (torchvision keeps uint8): refused, naming the conversion that scales it.
    if x.dtype != .float32 {
        throw TensorError(op, "vis's image transforms compute in float32; got a \(x.dtype) image (convert it with ToDtype(torch.float32, scale=true) or ConvertImageDtype(torch.float32) first)")
    }
}

/// Refuses an image with no pixels where the transform needs some (to scale or to
/// sample areas from), as torchvision does, instead of dividing by its zero size.
func checkNotEmpty(_ x: Tensor, _ op: String) throws {
    guard x.shape[1] > 0, x.shape[2] > 0 else { throw TensorError(op, "the image \(shapeString(x.shape)) is empty (it has no pixels)") }
}

/// A requested output size [h, w]: positive, and within the tensor size limit as an
/// image of one channel (the channels are checked when applied). Refused when the
/// transform is made, so `CenterCrop(2**40)` fails at once rather than when used.
func checkOutputSize(_ size: (Int, Int), _ op: String) throws {
    guard size.0 > 0, size.1 > 0 else { throw TensorError(op, "size must be positive, got [\(size.0), \(size.1)]") }
    try checkElements([size.0, size.1], op, "size")
}

/// Checks `shape` against the tensor size limit (with overflow-checked products)
/// before it is allocated: "op: what [shape] is too large (more than N elements)".
func checkElements(_ shape: [Int], _ op: String, _ what: String) throws {
    do { try Shape.validate(shape, op: op) } catch is TensorError {
        throw TensorError(op, "\(what) \(shapeString(shape)) is too large (more than \(Shape.maxElements) elements)")
    }
}

/// A number for an error message (NaN without the sign Swift may print for it).
func numberText(_ d: Double) -> String { d.isNaN ? "nan" : "\(d)" }

/// `d` as an Int for a size computed in floating point, or an error naming the op
/// when it is not finite or not representable (beyond 2**62 it is far past any limit).
func sizeFromDouble(_ d: Double, _ op: String, _ what: String) throws -> Int {
    guard d.isFinite, Swift.abs(d) < 0x1p62 else { throw TensorError(op, "\(what) \(d) is too large") }
    return Int(d)
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
        try checkElements(size, "Resize", "size")
        self.size = size
        self.interpolation = interpolation
    }
    public func apply(_ x: Tensor, generator: Generator, interpolation i: Interpolation?, fill: Float?) throws -> Tensor {
        try checkImage(x, "Resize")
        try checkNotEmpty(x, "Resize")
        let (h, w) = (x.shape[1], x.shape[2])
        var (oh, ow) = size.count == 2 ? (size[0], size[1]) : (0, 0)
        if size.count == 1 {
            // torchvision: the shorter side becomes `size`, the longer is truncated.
            if h <= w {
                oh = size[0]
                ow = try sizeFromDouble(Double(size[0]) * Double(w) / Double(h), "Resize", "the output width")
            } else {
                ow = size[0]
                oh = try sizeFromDouble(Double(size[0]) * Double(h) / Double(w), "Resize", "the output height")
            }
        }
        return try Resample.resize(x, oh, ow, i ?? interpolation, op: "Resize")
    }
    public var description: String { "Resize(size=\(size.count == 1 ? "\(size[0])" : "\(size)"), interpolation=\(interpolation.rawValue))" }
}

/// Crops the centre [h, w] (padding with zeros if the image is smaller).
public final class CenterCrop: GeometricTransform {
    public let size: (Int, Int)
    public init(size: (Int, Int)) throws {
        try checkOutputSize(size, "CenterCrop")
        self.size = size
    }
    public func apply(_ x: Tensor, generator: Generator, interpolation: Interpolation?, fill: Float?) throws -> Tensor {
        try checkImage(x, "CenterCrop")
        let top = CenterCrop.offset(x.shape[1], size.0), left = CenterCrop.offset(x.shape[2], size.1)
        return try Resample.crop(x, top: top, left: left, height: size.0, width: size.1, op: "CenterCrop")
    }
    /// torchvision's offset of a `crop`-long window in an `image`-long side: a larger
    /// image starts the window at `int(round((image - crop) / 2.0))` (Python's round,
    /// ties to even: a margin of 1 starts at 0, of 5 at 2); a smaller one is first padded
    /// by `(crop - image) // 2` before it (the rest after), so it sits at that offset.
    static func offset(_ image: Int, _ crop: Int) -> Int {
        if image >= crop { return Int((Double(image - crop) / 2).rounded(.toNearestOrEven)) }
        return -((crop - image) / 2)
    }
    public var description: String { "CenterCrop(size=(\(size.0), \(size.1)))" }
}

/// A random [h, w] window, after optional zero padding (torchvision's RandomCrop).
public final class RandomCrop: GeometricTransform {
    public let size: (Int, Int)
    public let padding: Int
    public let padIfNeeded: Bool
    public let fill: Float
    public init(size: (Int, Int), padding: Int = 0, padIfNeeded: Bool = false, fill: Double = 0) throws {
        try checkOutputSize(size, "RandomCrop")
        guard padding >= 0 else { throw TensorError("RandomCrop", "padding must be non-negative, got \(padding)") }
        // The padded image is never made (the window is cut from the original with a
        // fill), but its sides must be representable: padding beyond 2**60 is refused.
        guard padding <= 1 << 60 else { throw TensorError("RandomCrop", "padding \(padding) is too large") }
        self.size = size
        self.padding = padding
        self.padIfNeeded = padIfNeeded
        self.fill = Float(fill)
    }
    public func apply(_ x: Tensor, generator: Generator, interpolation: Interpolation?, fill f: Float?) throws -> Tensor {
        try checkImage(x, "RandomCrop")
        // Sizes stay below 2**62: image sides and crop sizes are within the tensor
        // limit (< 2**35), the padding within 2**60.
        var (h, w) = (x.shape[1] + 2 * padding, x.shape[2] + 2 * padding)
        var extraH = 0, extraW = 0
        if padIfNeeded { extraH = Swift.max(0, size.0 - h); extraW = Swift.max(0, size.1 - w); h += 2 * extraH; w += 2 * extraW }
        guard h >= size.0, w >= size.1 else {
            throw TensorError("RandomCrop", "crop size \(size.0)x\(size.1) is larger than the (padded) image \(h)x\(w); use pad_if_needed=true")
        }
        let top = Int(generator.int(below: UInt64(h - size.0 + 1))), left = Int(generator.int(below: UInt64(w - size.1 + 1)))
        return try Resample.crop(x, top: top - padding - extraH, left: left - padding - extraW, height: size.0, width: size.1, fill: f ?? fill, op: "RandomCrop")
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
        guard scale.1.isFinite, ratio.1.isFinite else {
            throw TensorError("RandomResizedCrop", "scale and ratio must be finite, got scale=(\(numberText(scale.0)), \(numberText(scale.1))), ratio=(\(numberText(ratio.0)), \(numberText(ratio.1)))")
        }
        try checkOutputSize(size, "RandomResizedCrop")
        self.size = size
        self.scale = scale
        self.ratio = ratio
        self.interpolation = interpolation
    }
    public func apply(_ x: Tensor, generator: Generator, interpolation i: Interpolation?, fill: Float?) throws -> Tensor {
        try checkImage(x, "RandomResizedCrop")
        try checkNotEmpty(x, "RandomResizedCrop")
        let (h, w) = (x.shape[1], x.shape[2])
        let area = Double(h) * Double(w)
        let logRatio = (Foundation.log(ratio.0), Foundation.log(ratio.1))
        let mode = i ?? interpolation
        for _ in 0..<10 {
            let target = area * (scale.0 + (scale.1 - scale.0) * generator.uniformDouble())
            let aspect = Foundation.exp(logRatio.0 + (logRatio.1 - logRatio.0) * generator.uniformDouble())
            // Compared as doubles (Python's ints do not overflow; a huge scale gives a
            // window that does not fit, not a trap).
            // Python's round (ties to even), as torchvision's int(round(...)).
            let cwD = (target * aspect).squareRoot().rounded(.toNearestOrEven), chD = (target / aspect).squareRoot().rounded(.toNearestOrEven)
            if cwD > 0 && cwD <= Double(w) && chD > 0 && chD <= Double(h) {
                let (cw, ch) = (Int(cwD), Int(chD))
                let top = Int(generator.int(below: UInt64(h - ch + 1))), left = Int(generator.int(below: UInt64(w - cw + 1)))
                return try Resample.resize(Resample.crop(x, top: top, left: left, height: ch, width: cw, op: "RandomResizedCrop"), size.0, size.1, mode, op: "RandomResizedCrop")
            }
        }
        // Fallback: the largest centred crop within the ratio range.
        let inRatio = Double(w) / Double(h)
        var (cw, ch) = (w, h)
        if inRatio < ratio.0 {
            ch = Swift.max(1, Swift.min(h, Int((Double(w) / ratio.0).rounded(.toNearestOrEven))))
        } else if inRatio > ratio.1 {
            cw = Swift.max(1, Swift.min(w, Int((Double(h) * ratio.1).rounded(.toNearestOrEven))))
        }
        return try Resample.resize(Resample.crop(x, top: (h - ch) / 2, left: (w - cw) / 2, height: ch, width: cw, op: "RandomResizedCrop"), size.0, size.1, mode, op: "RandomResizedCrop")
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
        rows: for k in 0..<c {
            for i in 0..<h {
                // A large image is copied row by row; Ctrl-C stops between rows.
                if Interrupt.requested { break rows }
                for j in 0..<w { o[(k * h + i) * w + j] = vertical ? s[(k * h + h - 1 - i) * w + j] : s[(k * h + i) * w + w - 1 - j] }
            }
        }
        try Interrupt.check()
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
        guard degrees.0.isFinite, degrees.1.isFinite else {
            throw TensorError("RandomRotation", "degrees must be finite, got [\(numberText(degrees.0)), \(numberText(degrees.1))]")
        }
        guard degrees.0 <= degrees.1 else { throw TensorError("RandomRotation", "degrees range must be increasing, got \(degrees)") }
        self.degrees = degrees
        self.interpolation = interpolation
        self.fill = Float(fill)
    }
    public func apply(_ x: Tensor, generator: Generator, interpolation i: Interpolation?, fill f: Float?) throws -> Tensor {
        try checkImage(x, "RandomRotation")
        let u = generator.uniformDouble()
        let span = degrees.1 - degrees.0
        // A span past the largest double (degrees near ±1e308) is drawn as a blend of
        // the ends, which cannot overflow; the usual form otherwise (same numbers).
        let angle = span.isFinite ? degrees.0 + span * u : degrees.0 * (1 - u) + degrees.1 * u
        return try Resample.rotate(x, degrees: angle, mode: i ?? interpolation, fill: f ?? fill)
    }
    public var description: String { "RandomRotation(degrees=[\(degrees.0), \(degrees.1)], interpolation=\(interpolation.rawValue), fill=\(Double(fill)))" }
}
