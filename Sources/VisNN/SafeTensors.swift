import Foundation
import VisTensor

/// The safetensors format (Hugging Face; what `safetensors.torch.save_file` writes):
/// an 8-byte little-endian header length, a JSON header mapping each name to
/// `{"dtype", "shape", "data_offsets"}` (plus optional `"__metadata__"`), then the
/// raw little-endian data. vis reads and writes every dtype it has (F64, F32, F16, BF16,
/// I64, I32, I16, I8, U8, BOOL), each as itself. Files are written atomically.
public enum SafeTensors {
    static func code(_ d: DType) -> String {
        switch d {
        case .float32: return "F32"
        case .float64: return "F64"
        case .float16: return "F16"
        case .bfloat16: return "BF16"
        case .int64: return "I64"
        case .int32: return "I32"
        case .int16: return "I16"
        case .int8: return "I8"
        case .uint8: return "U8"
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
            let target: DType
            switch dtype {
            case "F32": target = .float32
            case "F64": target = .float64
            case "F16": target = .float16
            case "BF16": target = .bfloat16
            case "I64": target = .int64
            case "I32": target = .int32
            case "I16": target = .int16
            case "I8": target = .int8
            case "U8": target = .uint8
            case "BOOL": target = .bool
            default: throw fail("entry '\(key)' has unsupported dtype \(dtype) (supported: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL)")
            }
            let elementSize = target.size
            guard end - begin == count * elementSize else {
                throw fail("entry '\(key)' has \(end - begin) bytes of data but \(dtype) shape \(shapeString(shape)) needs \(count * elementSize)")
            }
            let t = Tensor(uninitialized: shape, dtype: target)
            bytes.withUnsafeBytes { raw in
                guard let base = raw.baseAddress else { return }
                t.storage.data.copyMemory(from: base + headerEnd + begin, byteCount: count * elementSize)
            }
            if target == .bool {
                // Swift's Bool must be exactly 0 or 1: normalise other bytes of a crafted file.
                let p = t.storage.uint8s
                for i in 0..<count where p[i] > 1 { p[i] = 1 }
            }
            out.append((key, t, begin))
        }
        return out.sorted { ($0.2, $0.0) < ($1.2, $1.0) }.map { ($0.0, $0.1) }
    }
}
