import VisTensor

/// The pixel size a PNG or JPEG file declares in its header, read before decoding so
/// that a hostile or corrupt file (a few bytes declaring 2**31 x 2**31 pixels, or a
/// zero side) is refused with its name before the codec allocates anything.
enum ImageHeader {
    /// PIL's decompression-bomb limit (`Image.MAX_IMAGE_PIXELS` * 2): an image with
    /// more pixels is refused, as PIL refuses it.
    static let maxPixels = 178_956_970

    /// Width and height from a PNG's IHDR (the first chunk, at a fixed place), or nil
    /// when the bytes are too short to hold it (the codec then reports the damage).
    static func png(_ b: [UInt8]) -> (width: Int, height: Int)? {
        guard b.count >= 24, b[12] == 0x49, b[13] == 0x48, b[14] == 0x44, b[15] == 0x52 else { return nil }
        func u32(_ o: Int) -> Int { Int(b[o]) << 24 | Int(b[o + 1]) << 16 | Int(b[o + 2]) << 8 | Int(b[o + 3]) }
        return (u32(16), u32(20))
    }

    /// Width and height from a JPEG's first start-of-frame marker (SOF0-SOF15 but the
    /// DHT, JPG and DAC markers C4, C8, CC), or nil when none comes before the scan.
    static func jpeg(_ b: [UInt8]) -> (width: Int, height: Int)? {
        var i = 2
        while i + 4 <= b.count, b[i] == 0xFF {
            let marker = b[i + 1]
            if marker == 0xFF { i += 1; continue }  // fill byte
            let length = Int(b[i + 2]) << 8 | Int(b[i + 3])
            if marker == 0xDA || length < 2 { return nil }
            if (0xC0...0xCF).contains(marker) && ![0xC4, 0xC8, 0xCC].contains(marker) {
                guard i + 9 <= b.count else { return nil }
                return (Int(b[i + 7]) << 8 | Int(b[i + 8]), Int(b[i + 5]) << 8 | Int(b[i + 6]))
            }
            i += 2 + length
        }
        return nil
    }

    /// Refuses a declared size with no pixels or more than `maxPixels`, naming the file.
    /// (A JPEG height of 0 means "given later" (DNL), which libjpeg refuses itself.)
    static func check(_ size: (width: Int, height: Int)?, name: String, op: String, kind: String) throws {
        guard let (w, h) = size else { return }
        guard w > 0, h > 0 || kind == "JPEG" else {
            throw TensorError(op, "'\(name)' could not be decoded as \(kind): its header declares an empty \(w) x \(h) image")
        }
        let (pixels, overflow) = w.multipliedReportingOverflow(by: h)  // both < 2**32: up to 2**64
        guard !overflow, pixels <= maxPixels else {
            throw TensorError(op, "'\(name)' declares \(w) x \(h) pixels, more than the \(maxPixels) vis decodes (PIL's decompression-bomb limit)")
        }
    }
}
