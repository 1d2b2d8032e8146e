import Foundation
import VisTensor

/// Converts RGB to grey with PIL's weights (0.299, 0.587, 0.114), giving 1 or 3 channels.
public final class Grayscale: Transform {
    public let outputChannels: Int
    public init(outputChannels: Int = 1) throws {
        guard outputChannels == 1 || outputChannels == 3 else { throw TensorError("Grayscale", "num_output_channels must be 1 or 3, got \(outputChannels)") }
        self.outputChannels = outputChannels
    }
    static func grey(_ x: Tensor) throws -> Tensor {
        guard x.ndim == 3 else { throw TensorError("Grayscale", "expected an image [C, H, W], got shape \(shapeString(x.shape))") }
        if x.shape[0] == 1 { return x }
        guard x.shape[0] >= 3 else { throw TensorError("Grayscale", "expected 1 or 3 channels, got \(x.shape[0])") }
        let s = try x.to(.float32).contiguous()
        let plane = x.shape[1] * x.shape[2]
        let out = Tensor(uninitialized: [1, x.shape[1], x.shape[2]])
        let p = s.floatPointer, o = out.floatPointer
        for i in 0..<plane { o[i] = 0.299 * p[i] + 0.587 * p[plane + i] + 0.114 * p[2 * plane + i] }
        return out
    }
    public func apply(_ x: Tensor, generator: Generator) throws -> Tensor {
        let g = try Grayscale.grey(x)
        return outputChannels == 1 ? g : try g.expand([3, g.shape[1], g.shape[2]]).contiguous()
    }
    public var description: String { "Grayscale(num_output_channels=\(outputChannels))" }
}

/// Random brightness, contrast, saturation and hue changes, applied in a random order
/// (torchvision's ColorJitter). Factors are drawn from [1 - v, 1 + v] (hue from
/// [-h, h], h <= 0.5); results are clamped to [0, 1].
public final class ColorJitter: Transform {
    public let brightness: Double, contrast: Double, saturation: Double, hue: Double
    public init(brightness: Double = 0, contrast: Double = 0, saturation: Double = 0, hue: Double = 0) throws {
        guard brightness >= 0, contrast >= 0, saturation >= 0, hue >= 0, hue <= 0.5 else {
            throw TensorError("ColorJitter", "brightness, contrast and saturation must be >= 0 and hue in [0, 0.5]")
        }
        guard brightness.isFinite, contrast.isFinite, saturation.isFinite else {
            throw TensorError("ColorJitter", "brightness, contrast and saturation must be finite, got \(brightness), \(contrast), \(saturation)")
        }
        self.brightness = brightness
        self.contrast = contrast
        self.saturation = saturation
        self.hue = hue
    }

    public func apply(_ x: Tensor, generator: Generator) throws -> Tensor {
        guard x.ndim == 3 else { throw TensorError("ColorJitter", "expected an image [C, H, W], got shape \(shapeString(x.shape))") }
        var y = try x.to(.float32).contiguous().clone()
        let order = Shuffle.permutation(4, generator: generator)
        func factor(_ v: Double) -> Float { Float(1 - v + 2 * v * generator.uniformDouble()) }
        for step in order {
            try Interrupt.check()  // each step is one pass over the image
            switch step {
            case 0 where brightness > 0: y = blend(y, with: 0, factor(brightness))
            case 1 where contrast > 0:
                let mean = try Grayscale.grey(y).mean().item()
                y = blend(y, with: Float(mean), factor(contrast))
            case 2 where saturation > 0 && y.shape[0] == 3:
                let g = try Grayscale.grey(y)
                y = blend(y, withImage: g, factor(saturation))
            case 3 where hue > 0 && y.shape[0] == 3:
                y = shiftHue(y, Float(-hue + 2 * hue * generator.uniformDouble()))
            default: break
            }
        }
        return y
    }

    /// factor * x + (1 - factor) * other, clamped.
    func blend(_ x: Tensor, with other: Float, _ f: Float) -> Tensor {
        let p = x.floatPointer
        for i in 0..<x.count { p[i] = Swift.min(1, Swift.max(0, f * p[i] + (1 - f) * other)) }
        return x
    }

    func blend(_ x: Tensor, withImage g: Tensor, _ f: Float) -> Tensor {
        let p = x.floatPointer, q = g.floatPointer
        let plane = g.count
        for i in 0..<x.count { p[i] = Swift.min(1, Swift.max(0, f * p[i] + (1 - f) * q[i % plane])) }
        return x
    }

    /// Rotates hue by `shift` turns in HSV space.
    func shiftHue(_ x: Tensor, _ shift: Float) -> Tensor {
        let plane = x.shape[1] * x.shape[2]
        let p = x.floatPointer
        for i in 0..<plane {
            let r = p[i], g = p[plane + i], b = p[2 * plane + i]
            let maxc = Swift.max(r, g, b), minc = Swift.min(r, g, b)
            let v = maxc, delta = maxc - minc
            let s = maxc > 0 ? delta / maxc : 0
            var h: Float = 0
            if delta > 0 {
                if maxc == r { h = (g - b) / delta } else if maxc == g { h = 2 + (b - r) / delta } else { h = 4 + (r - g) / delta }
                h /= 6
                if h < 0 { h += 1 }
            }
            // A NaN or infinite channel has no hue: the pixel is left as it is.
            guard h.isFinite else { continue }
            h = (h + shift).truncatingRemainder(dividingBy: 1)
            if h < 0 { h += 1 }
            let k = h * 6, sector = Int(k) % 6, f = k - Float(Int(k))
            let pv = v * (1 - s), qv = v * (1 - s * f), tv = v * (1 - s * (1 - f))
            let (nr, ng, nb): (Float, Float, Float)
            switch sector {
            case 0: (nr, ng, nb) = (v, tv, pv)
            case 1: (nr, ng, nb) = (qv, v, pv)
            case 2: (nr, ng, nb) = (pv, v, tv)
            case 3: (nr, ng, nb) = (pv, qv, v)
            case 4: (nr, ng, nb) = (tv, pv, v)
            default: (nr, ng, nb) = (v, pv, qv)
            }
            p[i] = nr; p[plane + i] = ng; p[2 * plane + i] = nb
        }
        return x
    }

    public var description: String { "ColorJitter(brightness=\(brightness), contrast=\(contrast), saturation=\(saturation), hue=\(hue))" }
}

/// Transforms for pairs: the `geometric` transforms apply with the same random
/// parameters to both images (two views, or image and mask), then `each` transforms
/// apply independently to each view (never to a mask).
public final class PairTransform {
    public let geometric: [GeometricTransform]
    public let each: [Transform]
    /// A hand-written transform of both images at once (a .vis function of two
    /// tensors returning two), applied last with the sample's generator; named
    /// `jointName` when printed.
    public let joint: ((Tensor, Tensor, Generator) throws -> (Tensor, Tensor))?
    let jointName: String
    public init(geometric: [GeometricTransform], each: [Transform],
                joint: ((Tensor, Tensor, Generator) throws -> (Tensor, Tensor))? = nil, jointName: String = "") {
        self.geometric = geometric
        self.each = each
        self.joint = joint
        self.jointName = jointName
    }
    /// False with a joint transform: it calls back into the single-threaded interpreter.
    public var threadSafe: Bool { joint == nil && each.allSatisfy(\.threadSafe) }

    /// Both images transformed; `secondIsMask` samples the second with nearest neighbour.
    public func apply(_ a: Tensor, _ b: Tensor, generator: Generator, secondIsMask: Bool = false) throws -> (Tensor, Tensor) {
        var x = a, y = b
        for t in geometric {
            let shared = generator.copy()
            x = try t.apply(x, generator: generator, interpolation: nil, fill: nil)
            y = try t.apply(y, generator: shared, interpolation: secondIsMask ? .nearest : nil, fill: secondIsMask ? 0 : nil)
        }
        for t in each {
            x = try t.apply(x, generator: generator)
            if !secondIsMask { y = try t.apply(y, generator: generator) }
        }
        if let joint { (x, y) = try joint(x, y, generator) }
        return (x, y)
    }

    public var description: String {
        if joint != nil && geometric.isEmpty && each.isEmpty { return "Lambda(\(jointName))" }
        return "PairTransform(geometric=[" + geometric.map(\.description).joined(separator: ", ") + "], each=[" + each.map(\.description).joined(separator: ", ") + "])"
    }
}
