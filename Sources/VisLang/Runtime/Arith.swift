import Foundation
import VisTensor

/// The binary and unary operators on values: Python semantics for numbers, strings
/// and lists, PyTorch broadcasting for tensors (a number operand becomes a scalar
/// tensor of its kind, so `int_tensor * 2` stays int64 and `x * 0.5` is float32).
public enum Arith {
    /// The operators.
    public enum Op: String {
        case add = "+", sub = "-", mul = "*", div = "/", floorDiv = "//", mod = "%", pow = "**", matmul = "@"
        case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">="
        case `in` = "in", notIn = "not in"
        /// Bitwise (and logical on bools and bool tensors): see Bitwise.swift.
        case bitAnd = "&", bitOr = "|", bitXor = "^", leftShift = "<<", rightShift = ">>"
        /// Identity (see `Arith.identical`).
        case `is` = "is", isNot = "is not"
    }

    /// `x in container`: elements of lists, tuples and ranges, substrings, dict keys,
    /// values present in a tensor, and elements of other iterables (generators).
    public static func contains(_ container: Value, _ x: Value) throws -> Bool {
        switch container {
        case .list(let l): return try l.items.contains { try ValueOps.equal($0, x) }
        case .tuple(let t): return try t.contains { try ValueOps.equal($0, x) }
        case .string(let s):
            guard case .string(let sub) = x else { throw NativeError("'in <string>' needs a string on the left, got \(x.typeName)", kind: .typeError) }
            return sub.isEmpty || s.contains(sub)
        case .dict(let d):
            guard let k = DictKey(x) else { return false }
            return d[k] != nil
        case .range(let r):
            guard let i = x.asInt else { return false }
            // Differences as UInt: exact even where the Int subtraction would overflow.
            return r.step > 0 ? (i >= r.start && i < r.stop && UInt(bitPattern: i &- r.start) % r.step.magnitude == 0)
                              : (i <= r.start && i > r.stop && UInt(bitPattern: r.start &- i) % r.step.magnitude == 0)
        case .tensor(let t):
            let v = try Convert.tensor(x, context: "in")
            return try t.eq(v).to(.int64).sum().item() > 0
        case .object(let m as ModelInstance):
            return try m.userContains(x)
        case .object(let n as NativeModule):
            return try ModuleContainers.contains(n.module, x)
        case .object(let o as IterableObject):
            // Generators, enumerate, zip: pulled until an equal element, as in Python
            // (a generator is consumed up to it).
            let it = try o.makeIterator()
            while let v = try it.next() {
                if try ValueOps.equal(v, x) { return true }
            }
            return false
        default:
            throw NativeError("argument of type \(container.typeName) is not a container ('in' needs a list, tuple, string, dict, range or tensor)", kind: .typeError)
        }
    }

    public static func add(_ a: Value, _ b: Value) throws -> Value { try binary(.add, a, b) }

    /// `a op b`.
    public static func binary(_ op: Op, _ a: Value, _ b: Value) throws -> Value {
        switch op {
        case .in: return .bool(try contains(b, a))
        case .notIn: return .bool(!(try contains(b, a)))
        case .bitAnd, .bitOr, .bitXor, .leftShift, .rightShift: return try bitwise(op, a, b)
        case .is: return .bool(identical(a, b))
        case .isNot: return .bool(!identical(a, b))
        default: break
        }
        switch (a, b) {
        case (.int(let x), .int(let y)): return try intOp(op, x, y)
        case (.float(let x), .float(let y)): return try floatOp(op, x, y)
        case (.tensor(let x), .tensor(let y)): return try tensorOp(op, x, y)
        case (.tensor(let x), _) where b.asDouble != nil:
            return try tensorOp(op, x, Convert.wrappedNumber(b, beside: x))
        case (_, .tensor(let y)) where a.asDouble != nil:
            return try tensorOp(op, Convert.wrappedNumber(a, beside: y), y)
        case (.tensor(let x), .list), (.tensor(let x), .tuple):
            return try tensorOp(op, x, Convert.tensor(b, context: "operand"))
        case (.list, .tensor(let y)), (.tuple, .tensor(let y)):
            return try tensorOp(op, Convert.tensor(a, context: "operand"), y)
        default: break
        }
        if let x = a.asInt, let y = b.asInt, !(isFloat(a) || isFloat(b)) { return try intOp(op, x, y) }
        if let x = a.asDouble, let y = b.asDouble { return try floatOp(op, x, y) }
        switch op {
        case .eq: return .bool(try ValueOps.equal(a, b))
        case .ne: return .bool(!(try ValueOps.equal(a, b)))
        case .lt, .le, .gt, .ge:
            let c = try ValueOps.compare(a, b)
            return .bool(op == .lt ? c < 0 : op == .le ? c <= 0 : op == .gt ? c > 0 : c >= 0)
        default: break
        }
        switch (op, a, b) {
        case (.add, .string(let x), .string(let y)):
            try checkLength(x.utf8.count, y.utf8.count, "string")
            return .string(x + y)
        case (.add, .list(let x), .list(let y)):
            try checkLength(x.items.count, y.items.count, "list")
            return .list(ListBox(x.items + y.items))
        case (.add, .tuple(let x), .tuple(let y)):
            try checkLength(x.count, y.count, "tuple")
            return .tuple(x + y)
        case (.mul, .string(let s), .int(let n)), (.mul, .int(let n), .string(let s)):
            guard repetitionFits(n, s.utf8.count) else { throw NativeError("string repetition is too large (\(n) copies of \(s.utf8.count) byte\(s.utf8.count == 1 ? "" : "s"); the limit is \(maxLength) bytes)") }
            return .string(String(repeating: s, count: Swift.max(n, 0)))
        case (.mul, .list(let l), .int(let n)), (.mul, .int(let n), .list(let l)):
            guard repetitionFits(n, l.items.count) else { throw NativeError("list repetition is too large (\(n) copies of \(l.items.count) element\(l.items.count == 1 ? "" : "s"); the limit is \(maxLength) elements)") }
            return .list(ListBox(try repeated(l.items, Swift.max(n, 0))))
        case (.mod, .string(let s), _): return .string(try Format.percent(s, b))
        default:
            throw NativeError("unsupported operand types for \(op.rawValue): \(a.typeName) and \(b.typeName)", kind: .typeError)
        }
    }

    /// The longest list or tuple (in elements) or string (in bytes) that `+`, `*`,
    /// `+=` and `extend` build: beyond it they raise an error rather than attempt an
    /// enormous allocation. The fuzz tests lower it to keep generated programs small.
    nonisolated(unsafe) public static var maxLength = 100_000_000

    /// `n` copies of `items` one after another (`[0] * 10**8`): one fill for a single
    /// element, else copies appended into reserved space, polling for Ctrl-C between
    /// chunks. The caller has checked the size.
    static func repeated(_ items: [Value], _ n: Int) throws -> [Value] {
        if items.count == 1 { return [Value](repeating: items[0], count: n) }
        var out: [Value] = []
        out.reserveCapacity(n * items.count)
        var sinceCheck = 0
        for _ in 0..<n {
            out.append(contentsOf: items)
            sinceCheck += items.count
            if sinceCheck >= 1 << 16 {
                sinceCheck = 0
                try Interrupt.check()
            }
        }
        return out
    }

    /// True when `n` copies of something of `size` stay within `maxLength`.
    static func repetitionFits(_ n: Int, _ size: Int) -> Bool {
        let total = Swift.max(n, 0).multipliedReportingOverflow(by: size)
        return !total.overflow && total.partialValue <= maxLength
    }

    /// Throws unless joining sequences of lengths `a` and `b` stays within `maxLength`.
    public static func checkLength(_ a: Int, _ b: Int, _ what: String) throws {
        guard a + b <= maxLength else {
            throw NativeError("\(what) too long: \(a) + \(b) \(what == "string" ? "bytes" : "elements") is more than the limit of \(maxLength)")
        }
    }

    static func isFloat(_ v: Value) -> Bool { if case .float = v { return true } else { return false } }

    static func intOp(_ op: Op, _ x: Int, _ y: Int) throws -> Value {
        func checked(_ r: (partialValue: Int, overflow: Bool)) throws -> Value {
            guard !r.overflow else { throw NativeError("integer overflow in \(x) \(op.rawValue) \(y)") }
            return .int(r.partialValue)
        }
        switch op {
        case .add: return try checked(x.addingReportingOverflow(y))
        case .sub: return try checked(x.subtractingReportingOverflow(y))
        case .mul: return try checked(x.multipliedReportingOverflow(by: y))
        case .div:
            guard y != 0 else { throw NativeError("division by zero", kind: .zeroDivisionError) }
            return .float(Double(x) / Double(y))
        case .floorDiv:
            guard y != 0 else { throw NativeError("integer division by zero", kind: .zeroDivisionError) }
            if x == Int.min && y == -1 { throw NativeError("integer overflow in \(x) // \(y)") }
            let q = x / y
            return .int((x % y != 0) && ((x < 0) != (y < 0)) ? q - 1 : q)
        case .mod:
            guard y != 0 else { throw NativeError("integer modulo by zero", kind: .zeroDivisionError) }
            if y == -1 { return .int(0) }
            let r = x % y
            return .int(r != 0 && (r < 0) != (y < 0) ? r + y : r)
        case .pow:
            if y < 0 {
                guard x != 0 else { throw NativeError("zero cannot be raised to a negative power", kind: .zeroDivisionError) }
                return .float(Foundation.pow(Double(x), Double(y)))
            }
            var result = 1, base = x, e = y
            while e > 0 {
                if e & 1 == 1 {
                    let r = result.multipliedReportingOverflow(by: base)
                    guard !r.overflow else { throw NativeError("integer overflow in \(x) ** \(y)") }
                    result = r.partialValue
                }
                e >>= 1
                if e > 0 {
                    let b = base.multipliedReportingOverflow(by: base)
                    guard !b.overflow else { throw NativeError("integer overflow in \(x) ** \(y)") }
                    base = b.partialValue
                }
            }
            return .int(result)
        case .matmul: throw NativeError("unsupported operand types for @: int and int (@ is the matrix product of tensors)", kind: .typeError)
        case .eq: return .bool(x == y)
        case .ne: return .bool(x != y)
        case .lt: return .bool(x < y)
        case .le: return .bool(x <= y)
        case .gt: return .bool(x > y)
        case .ge: return .bool(x >= y)
        case .in, .notIn: throw NativeError("argument of type int is not a container", kind: .typeError)
        case .bitAnd, .bitOr, .bitXor, .leftShift, .rightShift, .is, .isNot: return try binary(op, .int(x), .int(y))
        }
    }

    static func floatOp(_ op: Op, _ x: Double, _ y: Double) throws -> Value {
        switch op {
        case .add: return .float(x + y)
        case .sub: return .float(x - y)
        case .mul: return .float(x * y)
        case .div:
            guard y != 0 else { throw NativeError("float division by zero", kind: .zeroDivisionError) }
            return .float(x / y)
        case .floorDiv:
            guard y != 0 else { throw NativeError("float floor division by zero", kind: .zeroDivisionError) }
            return .float((x / y).rounded(.down))
        case .mod:
            guard y != 0 else { throw NativeError("float modulo by zero", kind: .zeroDivisionError) }
            let r = fmod(x, y)
            return .float(r != 0 && (r < 0) != (y < 0) ? r + y : r)
        case .pow:
            guard x != 0 || y >= 0 else { throw NativeError("zero cannot be raised to a negative power", kind: .zeroDivisionError) }
            return .float(Foundation.pow(x, y))
        case .matmul: throw NativeError("unsupported operand types for @: float and float (@ is the matrix product of tensors)", kind: .typeError)
        case .eq: return .bool(x == y)
        case .ne: return .bool(x != y)
        case .lt: return .bool(x < y)
        case .le: return .bool(x <= y)
        case .gt: return .bool(x > y)
        case .ge: return .bool(x >= y)
        case .in, .notIn: throw NativeError("argument of type float is not a container", kind: .typeError)
        case .bitAnd, .bitOr, .bitXor, .leftShift, .rightShift, .is, .isNot: return try binary(op, .float(x), .float(y))
        }
    }

    static func tensorOp(_ op: Op, _ x: Tensor, _ y: Tensor) throws -> Value {
        if x.isUninitialized || y.isUninitialized { throw UninitializedParameterError.make(x.isUninitialized ? x : y, "\(op)") }
        switch op {
        case .add: return .tensor(try x.add(y))
        case .sub: return .tensor(try x.sub(y))
        case .mul: return .tensor(try x.mul(y))
        case .div: return .tensor(try x.div(y))
        case .floorDiv: return .tensor(try x.floorDivide(y))
        case .mod: return .tensor(try x.remainder(y))
        case .pow:
            // A 0-d exponent takes the fast number path (x ** 2 squares in one kernel) only
            // when it needs no gradient: `a ** b` with b requiring grad must give b.grad.
            return .tensor(y.ndim == 0 && y.dtype != .bool && x.dtype == .float32 && !y.requiresGrad ? try x.pow(y.item()) : try x.pow(y))
        case .matmul: return .tensor(try x.matmul(y))
        case .eq: return .tensor(try x.eq(y))
        case .ne: return .tensor(try x.ne(y))
        case .lt: return .tensor(try x.lt(y))
        case .le: return .tensor(try x.le(y))
        case .gt: return .tensor(try x.gt(y))
        case .ge: return .tensor(try x.ge(y))
        case .in: return .bool(try contains(.tensor(y), .tensor(x)))
        case .notIn: return .bool(!(try contains(.tensor(y), .tensor(x))))
        case .bitAnd, .bitOr, .bitXor, .leftShift, .rightShift: return try bitwiseTensors(op, x, y)
        case .is: return .bool(x === y)
        case .isNot: return .bool(x !== y)
        }
    }

    /// `-a`.
    public static func negate(_ a: Value) throws -> Value {
        switch a {
        case .int(let x):
            guard x != Int.min else { throw NativeError("integer overflow in -(\(x))") }
            return .int(-x)
        case .float(let x): return .float(-x)
        case .bool(let b): return .int(b ? -1 : 0)
        case .tensor(let t): return .tensor(try t.neg())
        default: throw NativeError("bad operand type for unary -: \(a.typeName)", kind: .typeError)
        }
    }
}
