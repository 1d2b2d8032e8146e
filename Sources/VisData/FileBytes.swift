import CZlib
import Foundation
import VisTensor

/// Reading whole files, transparently gunzipping `.gz` files through zlib.
public enum FileBytes {
    /// The bytes of `path`, decompressed when the file starts with the gzip magic.
    public static func read(_ path: String, op: String) throws -> [UInt8] {
        let bytes = try contents(path, op: op)
        guard bytes.count >= 2, bytes[0] == 0x1f, bytes[1] == 0x8b else { return bytes }
        return try gunzip(bytes, name: path, op: op)
    }

    /// The bytes of `path` as they are, read with one open, fstat and read loop into
    /// one array. (Foundation's `contents(atPath:)` plus the conversion to [UInt8] cost
    /// more than decoding a small JPEG.)
    public static func contents(_ path: String, op: String) throws -> [UInt8] {
        // O_NONBLOCK: opening a fifo (or some devices) for reading would otherwise wait
        // for a writer; it is refused below as not a regular file. Regular files ignore it.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw TensorError(op, "cannot read '\(path)' (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw TensorError(op, "cannot read '\(path)' (not a regular file)")
        }
        let size = Int(info.st_size)
        // Shape.maxElements (a quarter of memory, in float elements) bounds the bytes too:
        // a file that large is refused with its size, not allocated until the process dies.
        guard size <= Shape.maxElements else {
            throw TensorError(op, "cannot read '\(path)' (\(size) bytes is more than vis reads at once, \(Shape.maxElements))")
        }
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = 0
            while count < size {
                let n = Foundation.read(fd, buffer.baseAddress! + count, size - count)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { failure = n < 0 ? errno : 0; break }
                count += n
            }
        }
        if failure != 0 { throw TensorError(op, "cannot read '\(path)' (\(String(cString: strerror(failure))))") }
        return bytes
    }

    /// Decompresses gzip data (all members), or throws naming the file.
    public static func gunzip(_ input: [UInt8], name: String, op: String) throws -> [UInt8] {
        var stream = z_stream()
        // 15 + 32: accept a gzip header, maximum window.
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw TensorError(op, "'\(name)': zlib could not start")
        }
        defer { inflateEnd(&stream) }
        var output = [UInt8]()
        output.reserveCapacity(input.count * 4)
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var status: Int32 = Z_OK
        try input.withUnsafeBufferPointer { inBuf in
            stream.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress)
            stream.avail_in = uInt(inBuf.count)
            repeat {
                try chunk.withUnsafeMutableBufferPointer { outBuf in
                    stream.next_out = outBuf.baseAddress
                    stream.avail_out = uInt(outBuf.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    if status == Z_STREAM_END && stream.avail_in > 0 {
                        // Another gzip member follows: continue with it.
                        output += outBuf[0..<(outBuf.count - Int(stream.avail_out))]
                        inflateReset(&stream)
                        status = Z_OK
                        stream.avail_out = uInt(outBuf.count)
                        return
                    }
                    guard status == Z_OK || status == Z_STREAM_END else {
                        let reason = stream.msg.map { String(cString: $0) } ?? "code \(status)"
                        throw TensorError(op, "'\(name)' is not valid gzip data (\(reason))")
                    }
                    output += outBuf[0..<(outBuf.count - Int(stream.avail_out))]
                }
                // A small file may inflate without bound (a gzip bomb): the output is
                // held to the same limit as a file read as it is.
                guard output.count <= Shape.maxElements else {
                    throw TensorError(op, "'\(name)' decompresses to more than \(Shape.maxElements) bytes, more than vis reads at once")
                }
                if status == Z_OK && stream.avail_in == 0 && stream.avail_out != 0 {
                    throw TensorError(op, "'\(name)' is truncated (the gzip stream ends early)")
                }
            } while status != Z_STREAM_END
        }
        return output
    }
}
