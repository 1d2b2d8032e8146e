import Foundation
import VisTensor

/// The safetensors format (Hugging Face; what `safetensors.torch.save_file` writes):
/// an 8-byte little-endian header length, a JSON header mapping each name to
/// `{"dtype", "shape", "data_offsets"}` (plus optional `"__metadata__"`), then the
/// raw little-endian data. vis writes F32, I64 and BOOL; it reads those and converts
/// F64, F16, BF16, I32 and U8 on load. Files are written atomically.
public enum SafeTensors {
    static func code(_ d: DType) -> String {
        switch d {
        case .float32: return "F32"
        case .int64: return "I64"
        case .bool: return "BOOL"
        }
    }

    /// The bytes of a file holding `tensors` in the given order.
    public static func encode(_ tensors: [(String, Tensor)], metadata: [String: String] = [:]) throws -> [UInt8] {
        var seen = Set<String>()
        var entries: [String] = []
        var offset = 0
        var payload: [UInt8] = []
        for (name, t) in tensors {
            guard seen.insert(name).inserted else { throw TensorError("save", "the name '\(name)' appears twice") }
            let c = t.contiguous().detach()
            let bytes = c.count * c.dtype.size
            let shape = c.shape.map(String.init).joined(separator: ",")
            entries.append("\(jsonString(name)):{\"dtype\":\"\(code(c.dtype))\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + bytes)]}")
            payload += Array(UnsafeRawBufferPointer(start: c.storage.data + c.offset * c.dtype.size, count: bytes))
            offset += bytes
        }
        if !metadata.isEmpty {
            let m = metadata.sorted { $0.key < $1.key }.map { "\(jsonString($0.key)):\(jsonString($0.value))" }.joined(separator: ",")
            entries.insert("\"__metadata__\":{\(m)}", at: 0)
        }
        var header = Array(("{" + entries.joined(separator: ",") + "}").utf8)
        // Pad the header with spaces so the data starts 8-byte aligned, as the format recommends.
        while header.count % 8 != 0 { header.append(UInt8(ascii: " ")) }
        var out: [UInt8] = []
        out.reserveCapacity(8 + header.count + payload.count)
        var n = UInt64(header.count).littleEndian
        withUnsafeBytes(of: &n) { out += $0 }
        return out + header + payload
    }

    static func jsonString(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }

    /// Writes `tensors` to `path` atomically (temporary file, fsync, rename).
    public static func save(_ tensors: [(String, Tensor)], to path: String, metadata: [String: String] = [:]) throws {
        try AtomicFile.write(try encode(tensors, metadata: metadata), to: path, op: "save")
    }

    /// Reads every tensor of a file, in the order of their data offsets.
    public static func load(_ path: String) throws -> [(String, Tensor)] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TensorError("load", "cannot read '\(path)' (no such file, or not readable)")
        }
        return try decode([UInt8](data), name: path)
    }

    /// Parses the bytes of a safetensors file, validating the header against the data.
    public static func decode(_ bytes: [UInt8], name: String) throws -> [(String, Tensor)] {
        func fail(_ reason: String) -> TensorError { TensorError("load", "'\(name)' is not a valid safetensors file: \(reason)") }
        guard bytes.count >= 8 else { throw fail("it is shorter than the 8-byte header length") }
        var n: UInt64 = 0
        for i in 0..<8 { n |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard n <= UInt64(bytes.count - 8), n <= 100_000_000 else { throw fail("the header length \(n) exceeds the file size") }
        let headerEnd = 8 + Int(n)
        guard let json = try? JSONSerialization.jsonObject(with: Data(bytes[8..<headerEnd])), let header = json as? [String: Any] else {
            throw fail("the header is not a JSON object")
        }
        let dataSize = bytes.count - headerEnd
        var out: [(String, Tensor, Int)] = []
        for (key, value) in header where key != "__metadata__" {
            guard let info = value as? [String: Any], let dtype = info["dtype"] as? String,
                  let shape = (info["shape"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                  let offsets = (info["data_offsets"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }), offsets.count == 2 else {
                throw fail("entry '\(key)' lacks dtype, shape or data_offsets")
            }
            guard shape.count == (info["shape"] as? [Any])?.count else { throw fail("entry '\(key)' has a non-integer shape") }
            // The size check's error names the file and the entry, as the others here do.
            do { try Shape.validate(shape, op: "load") } catch let e as TensorError { throw fail("entry '\(key)': \(e.reason)") }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, begin <= end, end <= dataSize else {
                throw fail("entry '\(key)' has data offsets [\(begin), \(end)] outside the \(dataSize) data bytes")
            }
            let count = Shape.numel(shape)
            let (elementSize, target): (Int, DType)
            switch dtype {
            case "F32": (elementSize, target) = (4, .float32)
            case "F64": (elementSize, target) = (8, .float32)
            case "F16", "BF16": (elementSize, target) = (2, .float32)
            case "I64": (elementSize, target) = (8, .int64)
            case "I32": (elementSize, target) = (4, .int64)
            case "U8", "I8": (elementSize, target) = (1, .int64)
            case "BOOL": (elementSize, target) = (1, .bool)
            default: throw fail("entry '\(key)' has unsupported dtype \(dtype) (supported: F32, F64, F16, BF16, I64, I32, U8, I8, BOOL)")
            }
            guard end - begin == count * elementSize else {
                throw fail("entry '\(key)' has \(end - begin) bytes of data but \(dtype) shape \(shapeString(shape)) needs \(count * elementSize)")
            }
            let t = Tensor(uninitialized: shape, dtype: target)
            bytes.withUnsafeBytes { raw in
                guard let base = raw.baseAddress else { return }
                let p = base + headerEnd + begin
                switch dtype {
                case "F32", "I64", "BOOL": t.storage.data.copyMemory(from: p, byteCount: count * elementSize)
                case "F64": for i in 0..<count { t.floatPointer[i] = Float(p.loadUnaligned(fromByteOffset: i * 8, as: Double.self)) }
                case "F16":
                    for i in 0..<count { t.floatPointer[i] = Float(Float16(bitPattern: p.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self))) }
                case "BF16":
                    for i in 0..<count { t.floatPointer[i] = Float(bitPattern: UInt32(p.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self)) << 16) }
                case "I32": for i in 0..<count { t.int64Pointer[i] = Int64(p.loadUnaligned(fromByteOffset: i * 4, as: Int32.self)) }
                case "U8": for i in 0..<count { t.int64Pointer[i] = Int64(p.load(fromByteOffset: i, as: UInt8.self)) }
                default: for i in 0..<count { t.int64Pointer[i] = Int64(p.load(fromByteOffset: i, as: Int8.self)) }
                }
            }
            out.append((key, t, begin))
        }
        return out.sorted { ($0.2, $0.0) < ($1.2, $1.0) }.map { ($0.0, $0.1) }
    }
}
