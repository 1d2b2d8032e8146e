import VisTensor

/// The IDX format of MNIST and Fashion-MNIST: a magic number (two zero bytes, a type
/// code, the number of dimensions), big-endian 32-bit sizes, then the data. Only
/// unsigned bytes (type 0x08) occur in those datasets and only they are read.
public struct IDXArray {
    /// Sizes of each dimension.
    public let shape: [Int]
    /// The elements in row-major order.
    public let bytes: [UInt8]

    /// Reads an IDX file (gzipped or not).
    public init(path: String) throws {
        try self.init(bytes: FileBytes.read(path, op: "idx"), name: path)
    }

    /// Parses IDX data; `name` is used in errors.
    public init(bytes data: [UInt8], name: String) throws {
        func fail(_ reason: String) -> TensorError { TensorError("idx", "'\(name)': \(reason)") }
        guard data.count >= 4, data[0] == 0, data[1] == 0 else { throw fail("not an IDX file (bad magic number)") }
        guard data[2] == 0x08 else { throw fail("unsupported IDX element type 0x\(String(data[2], radix: 16)) (only unsigned bytes, 0x08, are supported)") }
        let ndim = Int(data[3])
        guard ndim >= 1, ndim <= 8 else { throw fail("unsupported number of dimensions \(ndim)") }
        guard data.count >= 4 + 4 * ndim else { throw fail("truncated header") }
        var shape: [Int] = []
        for d in 0..<ndim {
            let o = 4 + 4 * d
            shape.append(Int(data[o]) << 24 | Int(data[o + 1]) << 16 | Int(data[o + 2]) << 8 | Int(data[o + 3]))
        }
        // The size check's error names the file, as every other error here does.
        do { try Shape.validate(shape, op: "idx") } catch let e as TensorError { throw fail(e.reason) }
        let start = 4 + 4 * ndim
        let count = Shape.numel(shape)
        guard data.count - start >= count else {
            throw fail("truncated data: shape \(shapeString(shape)) needs \(count) bytes, the file has \(data.count - start)")
        }
        self.shape = shape
        self.bytes = Array(data[start..<(start + count)])
    }
}
