import Foundation
import VisNN
import VisTensor

/// Corrupted files for the readers: valid seed files of each format (the checkout's
/// fixtures, and small files made here where there are none), mutated with bit flips,
/// truncation, header fields set to 0 / huge / negative and numbers in text headers
/// replaced, then read by a short program through the vis builtins. The property: a
/// value or an error that names the file, never a crash, a hang or memory past the limit.
public struct FileFuzzer {
    /// The formats, in the order cases cycle through them.
    public enum Format: String, CaseIterable {
        case png, jpeg, npy, safetensors, idx, cifar
    }

    /// Valid files of each format.
    public private(set) var seeds: [Format: [[UInt8]]] = [:]

    /// Loads the seeds from the fixtures of the checkout at `root`.
    public init(root: URL) throws {
        func files(_ dir: String, _ ext: String) throws -> [[UInt8]] {
            let url = root.appendingPathComponent(dir)
            return try FileManager.default.contentsOfDirectory(atPath: url.path).sorted().filter { $0.hasSuffix(ext) }
                .map { [UInt8](try Data(contentsOf: url.appendingPathComponent($0))) }
        }
        seeds[.png] = try files("Tests/VisDataTests/Fixtures/images", ".png")
        seeds[.jpeg] = try files("Tests/VisDataTests/Fixtures/images", ".jpg")
        seeds[.npy] = try files("Tests/VisTensorTests/Fixtures", ".npy") + files("Tests/VisNNTests/Fixtures/safetensors", ".npy")
        seeds[.safetensors] = try files("Tests/VisNNTests/Fixtures/safetensors", ".safetensors") + [
            try SafeTensors.encode([("w", Tensor.ones([2, 2])), ("b", Tensor.zeros([2]))], metadata: ["format": "pt"]),
            try SafeTensors.encode([("weight", Tensor.ones([2, 2])), ("bias", Tensor.zeros([2]))]),
            try SafeTensors.encode([]),
        ]
        // IDX: a 2-image file and its labels (MNIST's layout); CIFAR: two records.
        let pixels: [UInt8] = (0..<(2 * 28 * 28)).map { (i: Int) -> UInt8 in UInt8(i % 251) }
        let images: [UInt8] = [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28] + pixels
        let labels: [UInt8] = [0, 0, 8, 1, 0, 0, 0, 2, 3, 7]
        seeds[.idx] = [images, labels]
        let records: [UInt8] = (0..<(2 * 3073)).map { (i: Int) -> UInt8 in i % 3073 == 0 ? 4 : UInt8(i % 256) }
        seeds[.cifar] = [records]
    }

    /// The file name each format's case is written to, and the name its errors must contain.
    static func fileName(_ format: Format) -> String {
        switch format {
        case .png: return "case.png"
        case .jpeg: return "case.jpg"
        case .npy: return "case.npy"
        case .safetensors: return "case.safetensors"
        case .idx: return "mnist"
        case .cifar: return "cifar"
        }
    }

    /// The program that reads a case's file, and how many of its first statements read
    /// (their errors must name the file).
    static func program(_ format: Format) -> (String, Int) {
        switch format {
        case .png, .jpeg:
            let f = fileName(format)
            return ("x = read_image(\"\(f)\")\ny = read_image(\"\(f)\", mode=\"L\")\nm = read_mask(\"\(f)\")\nx.shape\nx.sum()\nm.max()", 3)
        case .npy: return ("x = load_npy(\"case.npy\")\nx.shape\nx.sum()", 1)
        case .safetensors:
            return ("d = load_state_dict(\"case.safetensors\")\n[v.shape for v in d.values()]\nload(Linear(2, 2), \"case.safetensors\", strict=false)", 1)
        case .idx: return ("ds = MNIST(root=\"mnist\")\nlen(ds)\nds[0]\nds[len(ds) - 1]", 1)
        case .cifar: return ("ds = CIFAR10(root=\"cifar\", train=false)\nlen(ds)\nds[0]\nds[len(ds) - 1]", 1)
        }
    }

    /// One case: the format, the files to write (relative path, bytes), the program that
    /// reads them, how many of its statements read, and the name their errors must contain.
    public struct Case {
        /// The format of the corrupted file.
        public let format: Format
        /// (relative path, bytes) of each file to write.
        public let files: [(String, [UInt8])]
        /// The program that reads them.
        public let program: String
        /// How many of the program's first statements read the files.
        public let readingStatements: Int
        /// What those statements' errors must contain (the file or folder name).
        public let name: String

        /// Writes the case's files under the working folder (its folders made fresh).
        public func write() throws {
            for (path, bytes) in files {
                let url = URL(fileURLWithPath: path)
                try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(bytes).write(to: url)
            }
        }
    }

    /// Case `index` of the run seeded with `seed` (formats in turn).
    public func makeCase(seed: UInt64, index: Int) -> Case {
        let format = Format.allCases[index % Format.allCases.count]
        var rng = SplitMix64(seed: seed, index: index)
        let (program, reading) = FileFuzzer.program(format)
        let pool = seeds[format] ?? []
        var files: [(String, [UInt8])]
        switch format {
        case .idx:
            var images = pool[0], labels = pool[1]
            if rng.chance(0.6) { images = FileFuzzer.mutate(images, format, &rng) } else { labels = FileFuzzer.mutate(labels, format, &rng) }
            files = [("mnist/train-images-idx3-ubyte", images), ("mnist/train-labels-idx1-ubyte", labels)]
        case .cifar: files = [("cifar/test_batch.bin", FileFuzzer.mutate(pool[0], format, &rng))]
        default: files = [(FileFuzzer.fileName(format), FileFuzzer.mutate(rng.pick(pool), format, &rng))]
        }
        return Case(format: format, files: files, program: program, readingStatements: reading, name: FileFuzzer.fileName(format))
    }

    /// The case of seed file `seed` of `format`, not corrupted (the harness's self-check).
    public func unmutatedCase(_ format: Format, seed: Int) -> Case {
        let pool = seeds[format] ?? []
        let (program, reading) = FileFuzzer.program(format)
        let files: [(String, [UInt8])]
        switch format {
        case .idx: files = [("mnist/train-images-idx3-ubyte", pool[0]), ("mnist/train-labels-idx1-ubyte", pool[1])]
        case .cifar: files = [("cifar/test_batch.bin", pool[seed])]
        default: files = [(FileFuzzer.fileName(format), pool[seed])]
        }
        return Case(format: format, files: files, program: program, readingStatements: reading, name: FileFuzzer.fileName(format))
    }

    // MARK: Mutations

    /// Text in headers worth swapping for another (npy's dtype and order, safetensors' dtypes).
    static let tokens: [[UInt8]] = ["<f4", "<f8", "<i8", "|b1", ">f4", "<c8", "<U3", "|O", "<f2", "True", "False",
                                    "F32", "F16", "BF16", "I64", "U8", "BOOL", "F64", "I32", "dtype", "shape", "data_offsets",
                                    "fortran_order", "descr", "(", ")", ",", "[", "]", "{", "}", "\"", ":", "IHDR", "IDAT",
                                    "IEND", "PLTE", "tRNS"].map { Array($0.utf8) }
    /// Numbers worth writing where a header has digits.
    static let numbers: [[UInt8]] = ["0", "-1", "1", "99999999999", "4611686018427387904", "18446744073709551616", "1e308",
                                     "-9223372036854775808", "65536", "nan", ""].map { Array($0.utf8) }

    /// A few random corruptions of `seed`.
    public static func mutate(_ seed: [UInt8], _ format: Format, _ rng: inout SplitMix64) -> [UInt8] {
        var b = seed
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            // Headers hold the sizes: aim there half the time.
            func position() -> Int {
                guard !b.isEmpty else { return 0 }
                return rng.chance(0.5) ? Int.random(in: 0..<Swift.min(b.count, 64), using: &rng) : Int.random(in: 0..<b.count, using: &rng)
            }
            switch Int.random(in: 0..<10, using: &rng) {
            case 0:
                if !b.isEmpty { let at = position(); b[at] ^= UInt8(1) << UInt8.random(in: 0...7, using: &rng) }
            case 1:
                if !b.isEmpty { b[position()] = rng.pick([0, 0xFF, 0x7F, 0x80, 1, 0xFE]) }
            case 2: b.removeLast(Int.random(in: 0...b.count, using: &rng))
            case 3:
                let v: UInt32 = rng.pick([0, 0xFFFF_FFFF, 0x7FFF_FFFF, 0x8000_0000, 0x0001_0000, 1, 0xFFFF])
                let bytes = rng.chance(0.5) ? withUnsafeBytes(of: v.bigEndian, Array.init) : withUnsafeBytes(of: v.littleEndian, Array.init)
                let at = position()
                if at + 4 <= b.count { b.replaceSubrange(at..<(at + 4), with: bytes) }
            case 4:
                let v: UInt64 = rng.pick([0, .max, 1 << 62, 1 << 63, UInt64(b.count) * 1000, UInt64(b.count) + 1])
                let at = rng.chance(0.5) ? 0 : position()
                if at + 8 <= b.count { b.replaceSubrange(at..<(at + 8), with: withUnsafeBytes(of: v.littleEndian, Array.init)) }
            case 5:
                // A number in a text header (npy's dict, safetensors' JSON) replaced.
                let head = Swift.min(b.count, 512)
                let digits = (0..<head).filter { b[$0] >= 0x30 && b[$0] <= 0x39 && ($0 == 0 || !(b[$0 - 1] >= 0x30 && b[$0 - 1] <= 0x39)) }
                if let start = digits.isEmpty ? nil : rng.pick(digits) {
                    var end = start
                    while end < b.count && b[end] >= 0x30 && b[end] <= 0x39 { end += 1 }
                    b.replaceSubrange(start..<end, with: rng.pick(numbers))
                }
            case 6:
                // A header token swapped for another.
                let token = rng.pick(tokens)
                if let at = find(rng.pick(tokens), in: b) { b.replaceSubrange(at.0..<at.1, with: token) }
            case 7:
                if !b.isEmpty {
                    let at = position()
                    b.removeSubrange(at..<Swift.min(b.count, at + Int.random(in: 1...32, using: &rng)))
                }
            case 8:
                if !b.isEmpty {
                    let at = position(), end = Swift.min(b.count, at + Int.random(in: 1...64, using: &rng))
                    b.insert(contentsOf: Array(b[at..<end]), at: Int.random(in: 0...b.count, using: &rng))
                }
            default:
                b.insert(contentsOf: (0..<Int.random(in: 1...16, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) },
                         at: Int.random(in: 0...b.count, using: &rng))
            }
        }
        // Most PNG corruptions would stop at the first chunk checksum: fix them, mostly.
        if format == .png && rng.chance(0.7) { fixPNGChecksums(&b) }
        return b
    }

    /// The first occurrence of `needle` in `haystack`, as a range.
    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> (Int, Int)? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if Array(haystack[i..<(i + needle.count)]) == needle { return (i, i + needle.count) }
        }
        return nil
    }

    /// Rewrites the CRC of every whole PNG chunk, so a corrupted chunk reaches the decoder.
    public static func fixPNGChecksums(_ b: inout [UInt8]) {
        var at = 8
        while at + 12 <= b.count {
            let length = Int(b[at]) << 24 | Int(b[at + 1]) << 16 | Int(b[at + 2]) << 8 | Int(b[at + 3])
            guard length <= b.count - at - 12 else { return }
            let crc = crc32(b[(at + 4)..<(at + 8 + length)])
            let o = at + 8 + length
            b[o] = UInt8(crc >> 24); b[o + 1] = UInt8((crc >> 16) & 0xFF); b[o + 2] = UInt8((crc >> 8) & 0xFF); b[o + 3] = UInt8(crc & 0xFF)
            at = o + 4
        }
    }

    static let crcTable: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// The CRC-32 of PNG chunks (and zlib).
    static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for x in bytes { c = crcTable[Int((c ^ UInt32(x)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}
