import Foundation
import VisTensor

/// A value of a Python pickle, as far as data files need: numbers, strings, bytes,
/// lists, tuples, dicts, and the objects a `REDUCE` / `BUILD` makes (kept as their
/// callable, arguments and state; nothing is ever executed).
public indirect enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    /// A Python 2 `str` (BINSTRING) or a Python 3 `bytes`.
    case bytes([UInt8])
    /// A unicode string, as its UTF-8 bytes (decoded only when needed: CIFAR's pixel
    /// data can be a 30-million-character string).
    case unicode([UInt8])
    case list(PickleList)
    case tuple([PickleValue])
    case dict(PickleDict)
    /// `module.name`, from GLOBAL or STACK_GLOBAL.
    case global(String, String)
    case object(PickleObject)

    /// The text of a unicode or bytes value (keys are bytes in Python 2 pickles).
    public var text: String? {
        switch self {
        case .unicode(let b), .bytes(let b): return String(decoding: b, as: UTF8.self)
        default: return nil
        }
    }

    /// The bytes of a bytes value, of a unicode string of code points below 256 (how
    /// Python 3's protocol 2 writes bytes: `_codecs.encode(text, "latin1")`), or nil.
    public var latin1: [UInt8]? {
        switch self {
        case .bytes(let b): return b
        case .unicode(let u): return Pickle.latin1(u)
        default: return nil
        }
    }
}

/// A list, shared by reference as in Python (APPENDS reaches it through the memo).
public final class PickleList { public var items: [PickleValue] = [] }
/// A dict as its (key, value) pairs in order.
public final class PickleDict {
    public var pairs: [(PickleValue, PickleValue)] = []
    /// The value under a string key (unicode or bytes).
    public subscript(_ key: String) -> PickleValue? { pairs.first { $0.0.text == key }?.1 }
}
/// What `callable(*args)` then `__setstate__(state)` would make, unexecuted.
public final class PickleObject {
    public let callable: PickleValue
    public let args: PickleValue
    public var state: PickleValue?
    init(callable: PickleValue, args: PickleValue) {
        self.callable = callable
        self.args = args
    }
    /// `module.name` of the callable, when it is a global.
    public var name: String? {
        if case .global(let m, let n) = callable { return m + "." + n }
        return nil
    }
}

/// A reader of Python's binary pickle protocols (2 to 5) for data files: it builds the
/// values and never runs code (a GLOBAL is only recorded by name), so a hostile file
/// can only be refused. Malformed or truncated input is an error naming the file and
/// the offset.
public enum Pickle {
    public static func load(_ bytes: [UInt8], name: String, op: String) throws -> PickleValue {
        var stack: [PickleValue] = []
        var marks: [Int] = []
        var memo: [Int: PickleValue] = [:]
        var i = 0
        func fail(_ why: String) -> TensorError { TensorError(op, "'\(name)': not a pickle vis can read (\(why) at byte \(i))") }
        func take(_ n: Int) throws -> ArraySlice<UInt8> {
            guard n >= 0, n <= bytes.count - i else { throw fail("truncated") }
            defer { i += n }
            return bytes[i..<(i + n)]
        }
        func uint(_ n: Int) throws -> Int {
            var v = 0
            for (k, b) in try take(n).enumerated() { v |= Int(b) << (8 * k) }
            guard v >= 0 else { throw fail("a length too large") }
            return v
        }
        func length(_ n: Int) throws -> Int {
            if n < 8 { return try uint(n) }
            let s = try take(8)
            var v: UInt64 = 0
            for (k, b) in s.enumerated() { v |= UInt64(b) << (8 * UInt64(k)) }
            guard v <= UInt64(bytes.count) else { throw fail("a length too large") }
            return Int(v)
        }
        func pop() throws -> PickleValue {
            guard let v = stack.popLast() else { throw fail("an empty stack") }
            return v
        }
        func popMark() throws -> [PickleValue] {
            guard let m = marks.popLast(), m <= stack.count else { throw fail("no mark") }
            defer { stack.removeSubrange(m...) }
            return Array(stack[m...])
        }
        func line() throws -> String {
            guard let end = bytes[i...].firstIndex(of: 0x0A) else { throw fail("an unterminated name") }
            defer { i = end + 1 }
            return String(decoding: bytes[i..<end], as: UTF8.self)
        }
        func setItems(_ d: PickleValue, _ kv: [PickleValue]) throws {
            guard case .dict(let box) = d, kv.count % 2 == 0 else { throw fail("SETITEMS on a non-dict") }
            for k in stride(from: 0, to: kv.count, by: 2) { box.pairs.append((kv[k], kv[k + 1])) }
        }
        while true {
            let code = try take(1).first ?? 0
            switch code {
            case 0x80: _ = try take(1)                       // PROTO
            case 0x95: _ = try take(8)                       // FRAME
            case 0x2E: return try pop()                      // STOP
            case 0x28: marks.append(stack.count)             // MARK
            case 0x29: stack.append(.tuple([]))              // EMPTY_TUPLE
            case 0x74: stack.append(.tuple(try popMark()))   // TUPLE
            case 0x85: stack.append(.tuple([try pop()]))     // TUPLE1
            case 0x86: let b = try pop(), a = try pop(); stack.append(.tuple([a, b]))
            case 0x87: let c = try pop(), b = try pop(), a = try pop(); stack.append(.tuple([a, b, c]))
            case 0x5D: stack.append(.list(PickleList()))     // EMPTY_LIST
            case 0x6C:                                       // LIST
                let l = PickleList()
                l.items = try popMark()
                stack.append(.list(l))
            case 0x61, 0x65:                                 // APPEND, APPENDS
                let items = code == 0x61 ? [try pop()] : try popMark()
                guard case .list(let l)? = stack.last else { throw fail("APPEND to a non-list") }
                l.items += items
            case 0x7D: stack.append(.dict(PickleDict()))     // EMPTY_DICT
            case 0x64:                                       // DICT
                let d = PickleValue.dict(PickleDict())
                try setItems(d, try popMark())
                stack.append(d)
            case 0x73:                                       // SETITEM
                let v = try pop(), k = try pop()
                guard let d = stack.last else { throw fail("SETITEM on an empty stack") }
                try setItems(d, [k, v])
            case 0x75:                                       // SETITEMS
                let kv = try popMark()
                guard let d = stack.last else { throw fail("SETITEMS on an empty stack") }
                try setItems(d, kv)
            case 0x4E: stack.append(.none)
            case 0x88: stack.append(.bool(true))
            case 0x89: stack.append(.bool(false))
            case 0x4A: stack.append(.int(Int(Int32(truncatingIfNeeded: try uint(4)))))   // BININT
            case 0x4B: stack.append(.int(try uint(1)))                                   // BININT1
            case 0x4D: stack.append(.int(try uint(2)))                                   // BININT2
            case 0x8A:                                                                   // LONG1
                let n = try uint(1)
                guard n <= 8 else { throw fail("an integer wider than 64 bits") }
                let s = try take(n)
                var v: UInt64 = 0
                for (k, b) in s.enumerated() { v |= UInt64(b) << (8 * UInt64(k)) }
                if n > 0 && n < 8 && (s.last ?? 0) & 0x80 != 0 { v |= ~0 << (8 * UInt64(n)) }
                stack.append(.int(Int(Int64(bitPattern: v))))
            case 0x47:                                                                   // BINFLOAT
                var v: UInt64 = 0
                for b in try take(8) { v = v << 8 | UInt64(b) }
                stack.append(.float(Double(bitPattern: v)))
            case 0x54, 0x42: stack.append(.bytes(Array(try take(try length(4)))))        // BINSTRING, BINBYTES
            case 0x55, 0x43: stack.append(.bytes(Array(try take(try length(1)))))        // SHORT_BINSTRING, SHORT_BINBYTES
            case 0x8E: stack.append(.bytes(Array(try take(try length(8)))))              // BINBYTES8
            case 0x58: stack.append(.unicode(Array(try take(try length(4)))))            // BINUNICODE
            case 0x8C: stack.append(.unicode(Array(try take(try length(1)))))            // SHORT_BINUNICODE
            case 0x8D: stack.append(.unicode(Array(try take(try length(8)))))            // BINUNICODE8
            case 0x63: stack.append(.global(try line(), try line()))                     // GLOBAL
            case 0x93:                                                                   // STACK_GLOBAL
                let n = try pop(), m = try pop()
                guard let mt = m.text, let nt = n.text else { throw fail("STACK_GLOBAL without names") }
                stack.append(.global(mt, nt))
            case 0x52, 0x81:                                                             // REDUCE, NEWOBJ
                let args = try pop(), callable = try pop()
                // Python 3's protocol 2 writes bytes as _codecs.encode(text, "latin1"):
                // the only call evaluated, since it is pure data.
                if case .global("_codecs", "encode") = callable, case .tuple(let t) = args, t.count == 2,
                   t[1].text == "latin1", case .unicode(let u) = t[0] {
                    guard let b = latin1(u) else { throw fail("bytes outside latin-1") }
                    stack.append(.bytes(b))
                } else {
                    stack.append(.object(PickleObject(callable: callable, args: args)))
                }
            case 0x62:                                                                   // BUILD
                let state = try pop()
                guard case .object(let o)? = stack.last else { throw fail("BUILD on a non-object") }
                o.state = state
            case 0x71: memo[try uint(1)] = stack.last                                    // BINPUT
            case 0x72: memo[try uint(4)] = stack.last                                    // LONG_BINPUT
            case 0x94: memo[memo.count] = stack.last                                     // MEMOIZE
            case 0x68, 0x6A:                                                             // BINGET, LONG_BINGET
                let k = try uint(code == 0x68 ? 1 : 4)
                guard let v = memo[k] else { throw fail("a missing memo entry \(k)") }
                stack.append(v)
            default: throw fail(String(format: "unsupported opcode 0x%02x", code))
            }
        }
    }

    /// UTF-8 of code points below 256 as those bytes (latin-1), or nil if any is larger.
    static func latin1(_ u: [UInt8]) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(u.count)
        var k = 0
        while k < u.count {
            let b = u[k]
            if b < 0x80 {
                out.append(b)
                k += 1
            } else if (b == 0xC2 || b == 0xC3), k + 1 < u.count, u[k + 1] & 0xC0 == 0x80 {
                out.append((b & 0x03) << 6 | (u[k + 1] & 0x3F))
                k += 2
            } else {
                return nil
            }
        }
        return out
    }
}
