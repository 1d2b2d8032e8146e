#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import VisTensor

/// The string methods that build large results (`replace`, `split`, `join`) and the
/// size check every string builder shares: the size of the result is computed with
/// checked arithmetic before anything is built, so `("a" * 10**8).replace("a", "aaaa")`
/// is an error naming the method and the size rather than gigabytes of memory.
/// Searches run on the UTF-8 bytes with `memmem` (linear time, code-point exact as
/// Python's `str` methods are), and Ctrl-C is polled once per chunk of matches.
enum TextBuilding {
    /// How many matches are handled between two polls of the interrupt flag.
    static let chunk = 1 << 14

    /// Throws unless a string of `size` bytes (nil: the size overflowed) fits
    /// `Arith.maxLength`; `what` names the operation in the message.
    static func checkSize(_ size: Int?, _ what: String) throws {
        guard let size, size <= Arith.maxLength else {
            let shown = size.map { "\($0) bytes" } ?? "more than \(Int.max) bytes"
            throw NativeError("\(what): the result would be \(shown), more than the limit of \(Arith.maxLength) bytes")
        }
    }

    /// `a + b`, or nil when it overflows.
    static func sum(_ a: Int?, _ b: Int?) -> Int? {
        guard let a, let b else { return nil }
        let r = a.addingReportingOverflow(b)
        return r.overflow ? nil : r.partialValue
    }

    /// `a * b`, or nil when it overflows.
    static func product(_ a: Int?, _ b: Int?) -> Int? {
        guard let a, let b else { return nil }
        let r = a.multipliedReportingOverflow(by: b)
        return r.overflow ? nil : r.partialValue
    }

    /// The C library's `memmem` (glibc's two-way search: linear time), which Swift's
    /// Glibc module does not import (it is declared only under _GNU_SOURCE): looked up
    /// once by name, with a plain search where the library lacks it.
    private static let memmemC: (@convention(c) (UnsafeRawPointer?, Int, UnsafeRawPointer?, Int) -> UnsafeMutableRawPointer?)? = {
        #if os(Linux)
        let handle: UnsafeMutableRawPointer? = nil  // RTLD_DEFAULT
        #else
        let handle = UnsafeMutableRawPointer(bitPattern: -2)  // RTLD_DEFAULT
        #endif
        guard let symbol = dlsym(handle, "memmem") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeRawPointer?, Int, UnsafeRawPointer?, Int) -> UnsafeMutableRawPointer?).self)
    }()

    /// The first occurrence of the `m` bytes at `needle` in the `n` bytes at `hay`.
    static func find(_ hay: UnsafeRawPointer, _ n: Int, _ needle: UnsafeRawPointer, _ m: Int) -> UnsafeRawPointer? {
        if let memmemC { return memmemC(hay, n, needle, m).map { UnsafeRawPointer($0) } }
        guard m <= n else { return nil }
        let first = needle.load(as: UInt8.self)
        var i = 0
        while i <= n - m {
            guard let p = memchr(hay + i, Int32(first), n - m - i + 1) else { return nil }
            if memcmp(p, needle, m) == 0 { return UnsafeRawPointer(p) }
            i = hay.distance(to: UnsafeRawPointer(p)) + 1
        }
        return nil
    }

    /// The byte offsets of the non-overlapping occurrences of `needle` in `hay`, left
    /// to right, at most `limit` of them (`limit` < 0: all), given to `found` one by one.
    static func occurrences(_ hay: UnsafeBufferPointer<UInt8>, _ needle: UnsafeBufferPointer<UInt8>, limit: Int = -1,
                            _ found: (Int) throws -> Void) throws {
        guard !needle.isEmpty, hay.count >= needle.count, let hb = hay.baseAddress, let nb = needle.baseAddress else { return }
        var from = 0, count = 0
        while from <= hay.count - needle.count, limit < 0 || count < limit,
              let p = find(UnsafeRawPointer(hb + from), hay.count - from, UnsafeRawPointer(nb), needle.count) {
            let at = UnsafeRawPointer(hb).distance(to: p)
            try found(at)
            from = at + needle.count
            count += 1
            if count % chunk == 0 { try Interrupt.check() }
        }
    }

    /// `body` with the UTF-8 bytes of `a` and `b`, read in place (no copy of a 100 MB
    /// string).
    static func withBytes<T>(_ a: String, _ b: String, _ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) throws -> T) throws -> T {
        var a = a, b = b
        return try a.withUTF8 { x in try b.withUTF8 { y in try body(x, y) } }
    }

    /// `s.replace(old, new, count)`: every (or the first `count`) occurrence of `old`
    /// replaced by `new`; an empty `old` matches before every character and at the end.
    static func replace(_ s: String, _ old: String, _ new: String, count: Int) throws -> String {
        if old.isEmpty {
            // Python inserts `new` between characters, up to `count` times.
            let characters = s.count
            let inserts = count < 0 ? characters + 1 : Swift.min(count, characters + 1)
            try checkSize(sum(s.utf8.count, product(inserts, new.utf8.count)), "replace")
            var out = ""
            out.reserveCapacity(s.utf8.count + inserts * new.utf8.count)
            var done = 0
            for c in s {
                if done < inserts { out += new; done += 1 }
                out.append(c)
                if done % chunk == 0 { try Interrupt.check() }
            }
            if done < inserts { out += new }
            return out
        }
        let with = Array(new.utf8)
        return try withBytes(s, old) { hay, needle in
            // Counting stops as soon as the result is known to be too long.
            let growth = with.count - needle.count
            let enough = growth > 0 ? (Arith.maxLength - Swift.min(hay.count, Arith.maxLength)) / growth + 1 : Int.max
            let limit = count < 0 ? enough : Swift.min(count, enough)
            var matches = 0
            try occurrences(hay, needle, limit: limit) { _ in matches += 1 }
            guard matches > 0 else { return s }
            if matches == enough {
                throw NativeError("replace: the result would be more than the limit of \(Arith.maxLength) bytes (\(hay.count) bytes, and each replacement adds \(growth))")
            }
            try checkSize(sum(hay.count, product(matches, growth)), "replace")
            var out: [UInt8] = []
            out.reserveCapacity(hay.count + matches * growth)
            var copied = 0
            try occurrences(hay, needle, limit: count) { at in
                out.append(contentsOf: hay[copied..<at])
                out.append(contentsOf: with)
                copied = at + needle.count
            }
            out.append(contentsOf: hay[copied...])
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// `s.split(sep, maxsplit)` with a non-empty separator: the pieces between
    /// occurrences, at most `Arith.maxLength` of them.
    static func split(_ s: String, _ sep: String, maxsplit: Int) throws -> [Value] {
        try withBytes(s, sep) { hay, needle in
            var pieces: [Value] = []
            var start = 0
            try occurrences(hay, needle, limit: maxsplit) { at in
                guard pieces.count < Arith.maxLength else {
                    throw NativeError("split: more than \(Arith.maxLength) pieces, more than a list may hold")
                }
                pieces.append(.string(String(decoding: UnsafeBufferPointer(rebasing: hay[start..<at]), as: UTF8.self)))
                start = at + needle.count
            }
            pieces.append(.string(String(decoding: UnsafeBufferPointer(rebasing: hay[start...]), as: UTF8.self)))
            return pieces
        }
    }

    /// `sep.join(parts)`: the total size is checked before the string is built.
    static func join(_ parts: [String], _ sep: String) throws -> String {
        var total: Int? = product(Swift.max(parts.count - 1, 0), sep.utf8.count)
        for p in parts { total = sum(total, p.utf8.count) }
        try checkSize(total, "join")
        var out = ""
        out.reserveCapacity(total ?? 0)
        for (i, p) in parts.enumerated() {
            if i > 0 { out += sep }
            out += p
            if i % chunk == chunk - 1 { try Interrupt.check() }
        }
        return out
    }
}
