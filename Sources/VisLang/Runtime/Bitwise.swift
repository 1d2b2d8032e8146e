import VisTensor

/// The bitwise operators `& | ^ << >>` and `~`, and identity (`is`), with Python's
/// semantics for numbers and PyTorch's for tensors.
extension Arith {
    /// `a op b` for `& | ^ << >>`. Bools combine to bools (`true & false`); ints (and
    /// a bool next to an int, as 0 / 1) bitwise, with shifts that refuse a negative
    /// count and a left shift that would overflow 64 bits; tensors (and numbers, lists
    /// next to them) elementwise: logical on bool tensors, bitwise on int64 ones.
    static func bitwise(_ op: Op, _ a: Value, _ b: Value) throws -> Value {
        switch (a, b) {
        case (.bool(let x), .bool(let y)) where op == .bitAnd || op == .bitOr || op == .bitXor:
            return .bool(op == .bitAnd ? x && y : op == .bitOr ? x || y : x != y)
        case (.tensor(let x), .tensor(let y)): return try bitwiseTensors(op, x, y)
        case (.tensor(let x), _) where b.asDouble != nil || isSequence(b):
            return try bitwiseTensors(op, x, Convert.tensor(b, context: "operand"))
        case (_, .tensor(let y)) where a.asDouble != nil || isSequence(a):
            return try bitwiseTensors(op, Convert.tensor(a, context: "operand"), y)
        default: break
        }
        guard let x = a.asInt, let y = b.asInt else {
            throw NativeError("unsupported operand types for \(op.rawValue): \(a.typeName) and \(b.typeName)")
        }
        switch op {
        case .bitAnd: return .int(x & y)
        case .bitOr: return .int(x | y)
        case .bitXor: return .int(x ^ y)
        case .leftShift:
            guard y >= 0 else { throw NativeError("negative shift count \(y) in \(x) << \(y)") }
            if x == 0 { return .int(0) }
            // Overflow when bits (the sign included) would be shifted out.
            guard y < 64, (x << y) >> y == x else { throw NativeError("integer overflow in \(x) << \(y)") }
            return .int(x << y)
        case .rightShift:
            guard y >= 0 else { throw NativeError("negative shift count \(y) in \(x) >> \(y)") }
            return .int(y >= 64 ? (x < 0 ? -1 : 0) : x >> y)
        default: preconditionFailure("not a bitwise operator: \(op.rawValue)")
        }
    }

    static func isSequence(_ v: Value) -> Bool {
        switch v {
        case .list, .tuple: return true
        default: return false
        }
    }

    /// `x op y` on two tensors.
    static func bitwiseTensors(_ op: Op, _ x: Tensor, _ y: Tensor) throws -> Value {
        switch op {
        case .bitAnd: return .tensor(try x.bitwiseAnd(y))
        case .bitOr: return .tensor(try x.bitwiseOr(y))
        case .bitXor: return .tensor(try x.bitwiseXor(y))
        case .leftShift: return .tensor(try x.shift(left: true, y))
        case .rightShift: return .tensor(try x.shift(left: false, y))
        default: preconditionFailure("not a bitwise operator: \(op.rawValue)")
        }
    }

    /// `~a`: bitwise not of an int (of a bool as 0 / 1, so `~true == -2`, as Python);
    /// logical not of a bool tensor, bitwise not of an int64 one.
    public static func invert(_ a: Value) throws -> Value {
        switch a {
        case .int(let x): return .int(~x)
        case .bool(let b): return .int(b ? -2 : -1)
        case .tensor(let t): return .tensor(try t.bitwiseNot())
        default: throw NativeError("bad operand type for unary ~: \(a.typeName)")
        }
    }

    /// `a is b`. Lists, dicts, tensors, functions and native objects are the same only
    /// when they are the same object; none, bools, ints, floats, strings and ranges
    /// have no identity of their own here and are the same when they are equal values
    /// of the same type (floats bit for bit, so `nan is nan`); tuples when their
    /// elements are pairwise identical.
    public static func identical(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.none, .none): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.float(let x), .float(let y)): return x.bitPattern == y.bitPattern
        case (.string(let x), .string(let y)): return x == y
        case (.range(let x), .range(let y)): return x.start == y.start && x.stop == y.stop && x.step == y.step
        case (.tuple(let x), .tuple(let y)): return x.count == y.count && zip(x, y).allSatisfy { identical($0, $1) }
        case (.list(let x), .list(let y)): return x === y
        case (.dict(let x), .dict(let y)): return x === y
        case (.tensor(let x), .tensor(let y)): return x === y
        case (.function(let x), .function(let y)): return x === y
        case (.object(let x), .object(let y)): return x === y
        default: return false
        }
    }
}
