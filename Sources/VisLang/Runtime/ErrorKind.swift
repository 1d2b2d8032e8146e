/// The kind of a vis error, by Python's exception class names, so `except ValueError`
/// and `isinstance(e, LookupError)` read as in Python. Every error has one: natives set
/// it where they make the error (`NativeError("...", kind: .indexError)`), and errors
/// without one are `RuntimeError`, as PyTorch's tensor errors are.
public enum ErrorKind: String, CaseIterable {
    case baseException = "BaseException"
    case exception = "Exception"
    case keyboardInterrupt = "KeyboardInterrupt"
    case valueError = "ValueError"
    case typeError = "TypeError"
    case lookupError = "LookupError"
    case keyError = "KeyError"
    case indexError = "IndexError"
    case nameError = "NameError"
    case arithmeticError = "ArithmeticError"
    case zeroDivisionError = "ZeroDivisionError"
    case attributeError = "AttributeError"
    case assertionError = "AssertionError"
    case osError = "OSError"
    case fileNotFoundError = "FileNotFoundError"
    case runtimeError = "RuntimeError"
    case notImplementedError = "NotImplementedError"
    case stopIteration = "StopIteration"
    case importError = "ImportError"
    case moduleNotFoundError = "ModuleNotFoundError"
    /// The step budget and the recursion / stack guards: no `except` clause (not even a
    /// bare one) catches these, so a runaway program always stops. Not a builtin name.
    case resourceLimit = "ResourceLimit"

    /// The kind this one specialises, as Python's class hierarchy (nil at the roots).
    public var parent: ErrorKind? {
        switch self {
        case .baseException, .resourceLimit: return nil
        case .exception, .keyboardInterrupt: return .baseException
        case .keyError, .indexError: return .lookupError
        case .zeroDivisionError: return .arithmeticError
        case .fileNotFoundError: return .osError
        case .notImplementedError: return .runtimeError
        case .moduleNotFoundError: return .importError
        default: return .exception
        }
    }

    /// True when an `except other` clause catches errors of this kind.
    public func isSubkind(of other: ErrorKind) -> Bool {
        var k: ErrorKind? = self
        while let x = k {
            if x == other { return true }
            k = x.parent
        }
        return false
    }

    /// True when some `except` clause can catch it (everything but the resource limits).
    public var isCatchable: Bool { self != .resourceLimit }

    /// The kinds offered as builtins (`ValueError("bad")`, `except KeyError`).
    public static var builtinKinds: [ErrorKind] { allCases.filter { $0 != .resourceLimit } }
}

/// An exception value: what `except K as e` binds and `K("message")` makes. `str(e)` is
/// the message, `repr(e)` is `ValueError("msg")`, `e.args` the arguments, `type(e)` the
/// kind's name.
public final class ExceptionValue: NativeObject {
    public let kind: ErrorKind
    /// The arguments it was made with (one message string for errors vis raised).
    public let args: [Value]
    /// Where it was raised and the frames it came out of, once an `except ... as x`
    /// caught it (see Traceback.swift): `raise x` keeps them.
    var origin: (range: SourceRange, frames: [TraceFrame])?

    public init(_ kind: ErrorKind, args: [Value]) {
        self.kind = kind
        self.args = args
    }

    public var typeName: String { kind.rawValue }

    public func member(_ name: String) throws -> Value? {
        name == "args" ? .tuple(args) : nil
    }

    public var memberNames: [String] { ["args"] }

    /// Python's `str(e)`: empty without arguments, the argument's text with one, the
    /// tuple's form with several.
    public var message: String {
        switch args.count {
        case 0: return ""
        case 1: return Repr.str(args[0])
        default: return Repr.repr(.tuple(args))
        }
    }

    public var repr: String { "\(kind.rawValue)(\(args.map(Repr.repr).joined(separator: ", ")))" }

    /// The text an uncaught raise prints after `error: `: `ValueError: msg`, or the bare
    /// kind without a message, as Python's traceback ends.
    public var errorText: String { message.isEmpty ? kind.rawValue : "\(kind.rawValue): \(message)" }
}
