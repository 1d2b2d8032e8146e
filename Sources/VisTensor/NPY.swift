import Foundation

/// NumPy `.npy` files of every vis dtype but bfloat16 (which NumPy lacks): `<f8`, `<f4`,
/// `<f2`, `<i8`, `<i4`, `<i2`, `|i1`, `|u1`, `|b1`, each read as that dtype, in C order
/// (Fortran-order files, which NumPy writes for transposed arrays, are read too).
/// Reading accepts format versions 1, 2 and 3; big-endian and other dtypes are a clear error. Writing is
/// atomic (temporary file, fsync, rename).
extension Tensor {
    static let npyMagic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// Reads a `.npy` file.
    public static func loadNPY(path: String) throws -> Tensor {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TensorError("load_npy", "cannot read '\(path)' (no such file, or not readable)")
        }
        return try parseNPY([UInt8](data), name: path)
    }

    /// Parses the bytes of a `.npy` file; `name` is used in error messages.
    static func parseNPY(_ bytes: [UInt8], name: String) throws -> Tensor {
        func fail(_ reason: String) -> TensorError { TensorError("load_npy", "'\(name)': \(reason)") }
        guard bytes.count >= 10, Array(bytes[0..<6]) == npyMagic else { throw fail("not a NumPy .npy file (bad magic bytes)") }
        let major = bytes[6]
        let headerLength: Int, headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw fail("truncated header") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default:
            throw fail("unsupported .npy format version \(major).\(bytes[7]) (supported: 1.0, 2.0, 3.0)")
        }
        guard headerStart + headerLength <= bytes.count else { throw fail("truncated header") }
        let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
        let (descr, fortran, headerShape) = try parseHeader(header, fail)
        // Fortran order (what NumPy writes for a transposed array) is read as the
        // C-order array of the reversed shape, then transposed back.
        let shape = fortran ? Array(headerShape.reversed()) : headerShape
        // Every dtype vis has is read as itself; little-endian ('<' or '=' on this
        // little-endian machine, '|' for single bytes).
        let dtype: DType
        switch descr {
        case "<f4", "=f4": dtype = .float32
        case "<f8", "=f8": dtype = .float64
        case "<f2", "=f2": dtype = .float16
        case "<i8", "=i8": dtype = .int64
        case "<i4", "=i4": dtype = .int32
        case "<i2", "=i2": dtype = .int16
        case "|i1", "<i1", "=i1": dtype = .int8
        case "|u1", "<u1", "=u1": dtype = .uint8
        case "|b1", "<b1", "=b1": dtype = .bool
        default:
            if descr.hasPrefix(">") { throw fail("big-endian data ('\(descr)') is not supported; convert with arr.astype(arr.dtype.newbyteorder('<'))") }
            throw fail("unsupported dtype '\(descr)' (supported: '<f8', '<f4', '<f2', '<i8', '<i4', '<i2', '|i1', '|u1', '|b1'; NumPy has no bfloat16)")
        }
        // The size check's error names the file, as the others here do.
        do { try Shape.validate(shape, op: "load_npy") } catch let e as TensorError { throw fail(e.reason) }
        let count = Shape.numel(shape)
        let dataStart = headerStart + headerLength
        let needed = count * dtype.size
        guard bytes.count - dataStart >= needed else {
            throw fail("data is truncated: shape \(shapeString(shape)) needs \(needed) bytes, the file has \(bytes.count - dataStart)")
        }
        let t = Tensor(uninitialized: shape, dtype: dtype)
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            t.storage.data.copyMemory(from: base + dataStart, byteCount: count * dtype.size)
        }
        if dtype == .bool {
            // NumPy bools are 0 or 1, but a crafted file may hold other bytes: Swift's
            // Bool must be exactly 0 or 1, so normalise.
            let p = t.storage.uint8s
            for i in 0..<count where p[i] > 1 { p[i] = 1 }
        }
        if fortran && t.ndim > 1 { return try t.permute(Array((0..<t.ndim).reversed())).contiguous() }
        return t
    }

    /// Reads `descr`, `fortran_order` and `shape` from the header's Python dict literal.
    static func parseHeader(_ header: String, _ fail: (String) -> TensorError) throws -> (String, Bool, [Int]) {
        func value(_ key: String) -> Substring? {
            guard let r = header.range(of: "'\(key)'") else { return nil }
            var rest = header[r.upperBound...].drop(while: { $0 == " " })
            guard rest.first == ":" else { return nil }
            rest = rest.dropFirst().drop(while: { $0 == " " })
            return rest
        }
        guard let d = value("descr"), d.first == "'", let close = d.dropFirst().firstIndex(of: "'") else {
            throw fail("malformed header (no 'descr'): \(header.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        let descr = String(d[d.index(after: d.startIndex)..<close])
        guard let f = value("fortran_order") else { throw fail("malformed header (no 'fortran_order')") }
        let fortran = f.hasPrefix("True")
        guard !fortran ? f.hasPrefix("False") : true else { throw fail("malformed header ('fortran_order' is not True or False)") }
        guard let s = value("shape"), s.first == "(", let end = s.firstIndex(of: ")") else {
            throw fail("malformed header (no 'shape' tuple)")
        }
        let inner = s[s.index(after: s.startIndex)..<end]
        var shape: [Int] = []
        for part in inner.split(separator: ",") {
            let text = part.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "L", with: "")
            if text.isEmpty { continue }
            guard let n = Int(text), n >= 0 else { throw fail("malformed header (bad shape entry '\(text)')") }
            shape.append(n)
        }
        return (descr, fortran, shape)
    }

    /// The bytes of this tensor as a version 1.0 `.npy` file (C order).
    func npyBytes() throws -> [UInt8] {
        let descr: String
        switch dtype {
        case .float32: descr = "<f4"
        case .float64: descr = "<f8"
        case .float16: descr = "<f2"
        case .int64: descr = "<i8"
        case .int32: descr = "<i4"
        case .int16: descr = "<i2"
        case .int8: descr = "|i1"
        case .uint8: descr = "|u1"
        case .bool: descr = "|b1"
        case .bfloat16: throw TensorError("save_npy", "NumPy has no bfloat16 dtype; convert with .float() first")
        }
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }"
        // Pad with spaces so that the data starts on a 64-byte boundary, ending in '\n'.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var out = Tensor.npyMagic + [1, 0]
        let n = header.utf8.count
        out += [UInt8(n & 0xff), UInt8(n >> 8)]
        out += Array(header.utf8)
        let c = contiguous()
        let raw = UnsafeRawBufferPointer(start: c.storage.data + c.offset * dtype.size, count: c.count * dtype.size)
        out += Array(raw)
        return out
    }

    /// Writes this tensor as a `.npy` file, atomically.
    public func saveNPY(path: String) throws {
        try AtomicFile.write(try npyBytes(), to: path, op: "save_npy")
    }
}
