import VisTensor

/// The error kinds as callable builtins (`ValueError("bad size")` makes an exception
/// value for `raise`; the names are what `except` clauses match), and PyTorch's
/// grad-mode functions that return context managers for `with`.
enum ExceptionBuiltins {
    /// What each kind is for, in `:help`.
    static let purpose: [ErrorKind: String] = [
        .baseException: "the root of all error kinds (catches KeyboardInterrupt too)",
        .exception: "every error except KeyboardInterrupt",
        .keyboardInterrupt: "Ctrl-C; caught only by naming it, BaseException or a bare except",
        .valueError: "an argument of the right type with a bad value (int(\"x\"))",
        .typeError: "an argument or operand of the wrong type, or a bad call",
        .lookupError: "KeyError and IndexError",
        .keyError: "a missing dict key",
        .indexError: "an index out of range",
        .nameError: "an undefined name",
        .arithmeticError: "ZeroDivisionError",
        .zeroDivisionError: "division or modulo by zero",
        .attributeError: "an unknown attribute or method",
        .assertionError: "a failed assert",
        .osError: "a file that cannot be read or written",
        .fileNotFoundError: "a missing file",
        .runtimeError: "tensor shape and dtype errors, and errors without a more specific kind",
        .notImplementedError: "a method a subclass must provide",
        .stopIteration: "an exhausted iterator",
        .importError: "a name that cannot be imported",
        .moduleNotFoundError: "an unknown module",
    ]

    static func table() -> BuiltinTable {
        var t = BuiltinTable()
        for k in ErrorKind.builtinKinds {
            let parent = k.parent.map { ", a kind of \($0.rawValue)" } ?? ""
            t.function(k.rawValue, [Param("args", .any, variadic: true)],
                       "\(k.rawValue)(*args): an exception value for raise; except \(k.rawValue) catches \(purpose[k] ?? "these errors")\(parent).\n  raise \(k.rawValue)(\"what went wrong\")") { a, _ in
                .object(ExceptionValue(k, args: try a.list("args")))
            }
        }
        t.function("no_grad", [], "no_grad(): a context manager that turns gradient recording off inside its block, as torch.no_grad().\n  with no_grad() { y = model(x) }") { _, _ in
            .object(GradModeContext(enabled: false, typeName: "no_grad"))
        }
        t.function("enable_grad", [], "enable_grad(): a context manager that turns gradient recording on inside its block (inside no_grad), as torch.enable_grad().\n  with enable_grad() { loss.backward() }") { _, _ in
            .object(GradModeContext(enabled: true, typeName: "enable_grad"))
        }
        t.function("set_grad_enabled", [Param("mode", .bool)],
                   "set_grad_enabled(mode): sets gradient recording on or off now; in a with statement the mode from before the call comes back when the block ends, as torch.set_grad_enabled.\n  with set_grad_enabled(training) { out = model(x) }") { a, _ in
            let before = GradMode.isEnabled
            let mode = try a.bool("mode")
            GradMode.set(mode)
            return .object(GradModeContext(enabled: mode, typeName: "set_grad_enabled", beforeCall: before))
        }
        t.function("is_grad_enabled", [], "is_grad_enabled(): true when operations record gradients (false inside no_grad), as torch.is_grad_enabled().\n  print(is_grad_enabled())") { _, _ in
            .bool(GradMode.isEnabled)
        }
        return t
    }
}
