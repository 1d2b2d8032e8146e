import CShims
import Foundation
import VisTensor

/// The channel layout an image is read as (PIL's mode names).
public enum ImageMode: String {
    /// Grey, 1 channel.
    case L
    /// Grey with alpha, 2 channels.
    case LA
    /// Red, green, blue.
    case RGB
    /// RGB with alpha.
    case RGBA

    var channels: Int {
        switch self {
        case .L: return 1
        case .LA: return 2
        case .RGB: return 3
        case .RGBA: return 4
        }
    }
}

/// Reading and writing PNG and JPEG images through libpng and libjpeg (via the
/// setjmp-guarded shims in CShims): images are float32 [C, H, W] tensors in [0, 1].
public enum ImageCodec {
    /// Reads `path` as float32 [C, H, W] in [0, 1], converted to `mode`.
    public static func read(_ path: String, mode: ImageMode = .RGB) throws -> Tensor {
        try decode(FileBytes.contents(path, op: "read_image"), name: path, mode: mode)
    }

    /// Decodes PNG or JPEG bytes (recognised by their signature).
    public static func decode(_ bytes: [UInt8], name: String, mode: ImageMode) throws -> Tensor {
        let raw = try decodeRaw(bytes, name: name)
        try checkSize([mode.channels, raw.height, raw.width], name: name, op: "read_image")
        return try convert(raw, to: mode)
    }

    /// Refuses a decoded image whose tensor would pass the size limit (the codecs cap
    /// the pixels at 2**28, but the float tensor has 4 bytes per sample and up to four
    /// channels): an error naming the file and the size, before anything is allocated.
    static func checkSize(_ shape: [Int], name: String, op: String) throws {
        do { try Shape.validate(shape, op: op) } catch let e as TensorError {
            throw TensorError(op, "'\(name)': \(e.reason)")
        }
    }

    /// An 8-bit sample from a float in [0, 1]: clamped and rounded, as PIL and
    /// torchvision's `to_pil_image` clamp; NaN becomes 0 (it has no brightness), +inf
    /// 255 and -inf 0 (what the clamp gives). `maxValue` is 255, or 65535 for 16 bits.
    @inline(__always)
    public static func quantize(_ v: Float, _ maxValue: Float) -> Float {
        guard !v.isNaN else { return 0 }
        return (Swift.min(Swift.max(v, 0), 1) * maxValue).rounded()
    }

    /// Decoded samples before conversion: interleaved, 8 or 16 bits, in the buffer the
    /// codec allocated (freed with the value), so conversion reads them in place.
    final class Raw {
        let width: Int, height: Int, channels: Int, depth: Int
        let buffer: UnsafeMutableRawPointer
        /// True when the codec malloc'ed the buffer (freed with free()).
        let fromCodec: Bool
        init(width: Int, height: Int, channels: Int, depth: Int, buffer: UnsafeMutableRawPointer, fromCodec: Bool = true) {
            self.width = width
            self.height = height
            self.channels = channels
            self.depth = depth
            self.buffer = buffer
            self.fromCodec = fromCodec
        }
        /// A copy of `samples` in a buffer of our own.
        convenience init(width: Int, height: Int, channels: Int, depth: Int, samples: [UInt16]) {
            let size = depth == 16 ? 2 : 1
            let p = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(samples.count * size, 1), alignment: 8)
            for (i, v) in samples.enumerated() {
                if depth == 16 { p.storeBytes(of: v, toByteOffset: 2 * i, as: UInt16.self) } else {
                    p.storeBytes(of: UInt8(truncatingIfNeeded: v), toByteOffset: i, as: UInt8.self)
                }
            }
            self.init(width: width, height: height, channels: channels, depth: depth, buffer: p, fromCodec: false)
        }
        deinit { if fromCodec { free(buffer) } else { buffer.deallocate() } }
        var max: Float { depth == 16 ? 65535 : 255 }
        /// Sample `i` (in interleaved order).
        @inline(__always) subscript(i: Int) -> UInt16 {
            depth == 16 ? buffer.load(fromByteOffset: 2 * i, as: UInt16.self) : UInt16(buffer.load(fromByteOffset: i, as: UInt8.self))
        }
        var samples: [UInt16] { (0..<(width * height * channels)).map { self[$0] } }
    }

    static func decodeRaw(_ bytes: [UInt8], name: String) throws -> Raw {
        var err = [CChar](repeating: 0, count: 256)
        func fail(_ kind: String) -> TensorError {
            let message = String(cString: err)
            return TensorError("read_image", "'\(name)' could not be decoded as \(kind): \(message.isEmpty ? "corrupt data" : message)")
        }
        var w: Int32 = 0, h: Int32 = 0, c: Int32 = 0, d: Int32 = 8
        var pixels: UnsafeMutablePointer<UInt8>?
        if bytes.count >= 8 && Array(bytes[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] {
            try ImageHeader.check(ImageHeader.png(bytes), name: name, op: "read_image", kind: "PNG")
            let status = bytes.withUnsafeBufferPointer { vis_png_decode($0.baseAddress, $0.count, &w, &h, &c, &d, &pixels, &err, err.count) }
            guard status == 0, let p = pixels else { throw fail("PNG") }
            return Raw(width: Int(w), height: Int(h), channels: Int(c), depth: Int(d), buffer: UnsafeMutableRawPointer(p))
        }
        if bytes.count >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF {
            try ImageHeader.check(ImageHeader.jpeg(bytes), name: name, op: "read_image", kind: "JPEG")
            let status = bytes.withUnsafeBufferPointer { vis_jpeg_decode($0.baseAddress, $0.count, &w, &h, &c, &pixels, &err, err.count) }
            guard status == 0, let p = pixels else { throw fail("JPEG") }
            let raw = Raw(width: Int(w), height: Int(h), channels: Int(c), depth: 8, buffer: UnsafeMutableRawPointer(p))
            return Orientation.apply(Orientation.exif(bytes), to: raw)
        }
        throw TensorError("read_image", "'\(name)' is not a PNG or JPEG image (unrecognised file signature)")
    }

    /// v / 255 for every byte v: the float value of an 8-bit sample.
    static let unitBytes: [Float] = (0..<256).map { Float($0) / 255 }

    /// Planar float [C, H, W] in [0, 1] in the requested mode (PIL's conversions:
    /// L = 0.299 R + 0.587 G + 0.114 B; alpha dropped or set opaque).
    static func convert(_ raw: Raw, to mode: ImageMode) throws -> Tensor {
        let plane = raw.width * raw.height
        let out = Tensor(uninitialized: [mode.channels, raw.height, raw.width])
        let o = out.floatPointer
        let max = raw.max
        let c = raw.channels
        // The common cases, 8-bit RGB to RGB and grey to L, as tight loops over a table
        // of v / 255 (exactly torchvision's division, without a division per sample).
        if raw.depth == 8 && ((c == 3 && mode == .RGB) || (c == 1 && mode == .L)) {
            let s = raw.buffer.assumingMemoryBound(to: UInt8.self)
            ImageCodec.unitBytes.withUnsafeBufferPointer { table in
                for k in 0..<c {
                    let dst = o + k * plane
                    for i in 0..<plane { dst[i] = table[Int(s[c * i + k])] }
                }
            }
            return out
        }
        do {
            let s = raw
            for i in 0..<plane {
                let base = i * c
                let hasColor = c >= 3
                let r = Float(s[base]) / max
                let g = hasColor ? Float(s[base + 1]) / max : r
                let b = hasColor ? Float(s[base + 2]) / max : r
                let alpha: Float = (c == 2 || c == 4) ? Float(s[base + c - 1]) / max : 1
                switch mode {
                case .L, .LA:
                    o[i] = hasColor ? (r * 299 + g * 587 + b * 114) / 1000 : r
                    if mode == .LA { o[plane + i] = alpha }
                case .RGB, .RGBA:
                    o[i] = r
                    o[plane + i] = g
                    o[2 * plane + i] = b
                    if mode == .RGBA { o[3 * plane + i] = alpha }
                }
            }
        }
        return out
    }

    /// Writes a float [C, H, W] (or [H, W]) image in [0, 1] as PNG or JPEG, chosen by
    /// the file extension; values are clamped and rounded to 8 bits (16 for PNG with
    /// `bitDepth: 16`); NaN is written as 0, +inf as the maximum (see `quantize`).
    /// The write is atomic.
    public static func write(_ image: Tensor, to path: String, quality: Int = 75, bitDepth: Int = 8, progressive: Bool = false) throws {
        let ext = (path as NSString).pathExtension.lowercased()
        let t = image.ndim == 2 ? try image.unsqueeze(0) : image
        guard t.ndim == 3, [1, 2, 3, 4].contains(t.shape[0]) else {
            throw TensorError("write_image", "expected an image [C, H, W] with 1-4 channels (or [H, W]), got shape \(shapeString(image.shape))")
        }
        guard t.shape[1] > 0, t.shape[2] > 0 else { throw TensorError("write_image", "the image \(shapeString(image.shape)) is empty") }
        // The codecs take 32-bit sizes (PNG allows 2**31 - 1 pixels a side, JPEG 65500).
        guard t.shape[1] <= Int(Int32.max), t.shape[2] <= Int(Int32.max) else {
            throw TensorError("write_image", "the image \(shapeString(image.shape)) is too large for PNG or JPEG (at most \(Int32.max) pixels a side)")
        }
        let (c, h, w) = (t.shape[0], t.shape[1], t.shape[2])
        let f = try t.to(.float32).contiguous()
        let src = f.floatPointer
        var err = [CChar](repeating: 0, count: 256)
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        let status: Int32
        switch ext {
        case "png":
            guard bitDepth == 8 || bitDepth == 16 else { throw TensorError("write_image", "bit_depth must be 8 or 16, got \(bitDepth)") }
            let maxValue: Float = bitDepth == 16 ? 65535 : 255
            if bitDepth == 16 {
                var samples = [UInt16](repeating: 0, count: c * h * w)
                for i in 0..<(h * w) { for k in 0..<c { samples[i * c + k] = UInt16(quantize(src[k * h * w + i], maxValue)) } }
                status = samples.withUnsafeBytes { vis_png_encode($0.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(w), Int32(h), Int32(c), 16, &out, &size, &err, err.count) }
            } else {
                let bytes = interleaved8(src, c, h, w)
                status = bytes.withUnsafeBufferPointer { vis_png_encode($0.baseAddress, Int32(w), Int32(h), Int32(c), 8, &out, &size, &err, err.count) }
            }
        case "jpg", "jpeg":
            guard c == 1 || c == 3 else { throw TensorError("write_image", "JPEG holds grey or RGB images; this one has \(c) channels (drop alpha with x[:3])") }
            guard (1...100).contains(quality) else { throw TensorError("write_image", "quality must be 1-100, got \(quality)") }
            let bytes = interleaved8(src, c, h, w)
            status = bytes.withUnsafeBufferPointer { vis_jpeg_encode($0.baseAddress, Int32(w), Int32(h), Int32(c), Int32(quality), progressive ? 1 : 0, &out, &size, &err, err.count) }
        default:
            throw TensorError("write_image", "unknown image extension '.\(ext)' in '\(path)' (use .png, .jpg or .jpeg)")
        }
        guard status == 0, let p = out else { throw TensorError("write_image", "'\(path)': \(String(cString: err))") }
        defer { free(p) }
        try AtomicFile.write(UnsafeRawBufferPointer(start: p, count: size), to: path, op: "write_image")
    }

    static func interleaved8(_ src: UnsafeMutablePointer<Float>, _ c: Int, _ h: Int, _ w: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: c * h * w)
        let plane = h * w
        for i in 0..<plane {
            for k in 0..<c { bytes[i * c + k] = UInt8(quantize(src[k * plane + i], 255)) }
        }
        return bytes
    }

    /// Reads a mask: palette PNGs give their palette indices, other images their grey
    /// value (0-255), as int64 [H, W] class indices.
    public static func readMask(_ path: String) throws -> Tensor {
        let bytes = try FileBytes.contents(path, op: "read_mask")
        var err = [CChar](repeating: 0, count: 256)
        var w: Int32 = 0, h: Int32 = 0
        var indices: UnsafeMutablePointer<UInt8>?
        if bytes.count >= 8 && bytes[1] == 0x50 && bytes[2] == 0x4E && bytes[3] == 0x47 {
            try ImageHeader.check(ImageHeader.png(bytes), name: path, op: "read_mask", kind: "PNG")
            let status = bytes.withUnsafeBufferPointer { vis_png_decode_indices($0.baseAddress, $0.count, &w, &h, &indices, &err, err.count) }
            if status == 0, let p = indices {
                defer { free(p) }
                try checkSize([Int(h), Int(w)], name: path, op: "read_mask")
                let t = Tensor(uninitialized: [Int(h), Int(w)], dtype: .int64)
                for i in 0..<(Int(w) * Int(h)) { t.int64Pointer[i] = Int64(p[i]) }
                return t
            }
            if status == -1 { throw TensorError("read_mask", "'\(path)' could not be decoded as PNG: \(String(cString: err))") }
        }
        let raw = try decodeRaw(bytes, name: path)
        try checkSize([raw.height, raw.width], name: path, op: "read_mask")
        let t = Tensor(uninitialized: [raw.height, raw.width], dtype: .int64)
        let scale = raw.depth == 16 ? 257 : 1
        for i in 0..<(raw.width * raw.height) { t.int64Pointer[i] = Int64(Int(raw[i * raw.channels]) / scale) }
        return t
    }
}
