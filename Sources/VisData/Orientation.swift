/// EXIF orientation of JPEG files: the tag (1-8) from the APP1 "Exif" segment, and the
/// flip / rotation that makes the pixels upright, as cameras expect viewers to do.
enum Orientation {
    /// The orientation tag of a JPEG, or 1 (upright) when absent or unreadable.
    static func exif(_ b: [UInt8]) -> Int {
        var i = 2
        while i + 4 <= b.count, b[i] == 0xFF {
            let marker = b[i + 1]
            let length = Int(b[i + 2]) << 8 | Int(b[i + 3])
            if marker == 0xDA || length < 2 { break }  // start of scan: no more metadata
            if marker == 0xE1, i + 4 + length - 2 <= b.count, length >= 16,
               Array(b[(i + 4)..<(i + 10)]) == [0x45, 0x78, 0x69, 0x66, 0, 0] {
                return tiffOrientation(Array(b[(i + 10)..<(i + 2 + length)])) ?? 1
            }
            i += 2 + length
        }
        return 1
    }

    static func tiffOrientation(_ t: [UInt8]) -> Int? {
        guard t.count >= 8 else { return nil }
        let little = t[0] == 0x49
        func u16(_ o: Int) -> Int? {
            guard o + 2 <= t.count else { return nil }
            return little ? Int(t[o]) | Int(t[o + 1]) << 8 : Int(t[o]) << 8 | Int(t[o + 1])
        }
        func u32(_ o: Int) -> Int? {
            guard let a = u16(o), let b = u16(o + 2) else { return nil }
            return little ? a | b << 16 : a << 16 | b
        }
        guard let ifd = u32(4), let count = u16(ifd) else { return nil }
        for k in 0..<count {
            let entry = ifd + 2 + 12 * k
            guard let tag = u16(entry) else { return nil }
            if tag == 0x0112, let value = u16(entry + 8), (1...8).contains(value) { return value }
        }
        return nil
    }

    /// The raw image turned upright for `orientation`.
    static func apply(_ orientation: Int, to raw: ImageCodec.Raw) -> ImageCodec.Raw {
        guard orientation > 1 else { return raw }
        let (w, h, c) = (raw.width, raw.height, raw.channels)
        let swaps = orientation >= 5
        let (ow, oh) = swaps ? (h, w) : (w, h)
        // Read from the decoded buffer in place (no second copy of a large image).
        var out = [UInt16](repeating: 0, count: w * h * c)
        for y in 0..<oh {
            for x in 0..<ow {
                // Source pixel for output (x, y).
                let (sx, sy): (Int, Int)
                switch orientation {
                case 2: (sx, sy) = (w - 1 - x, y)
                case 3: (sx, sy) = (w - 1 - x, h - 1 - y)
                case 4: (sx, sy) = (x, h - 1 - y)
                case 5: (sx, sy) = (y, x)
                case 6: (sx, sy) = (y, h - 1 - x)
                case 7: (sx, sy) = (w - 1 - y, h - 1 - x)
                default: (sx, sy) = (w - 1 - y, x)
                }
                for k in 0..<c { out[(y * ow + x) * c + k] = raw[(sy * w + sx) * c + k] }
            }
        }
        return ImageCodec.Raw(width: ow, height: oh, channels: c, depth: raw.depth, samples: out)
    }
}
