import VisTensor

/// `try` / `except` / `else` / `finally` and `raise`, with Python's semantics: the first
/// matching `except` clause handles an error, `else` runs when the body ended without
/// one, `finally` runs however the statement ends and its own `return` / `break` /
/// `continue` replaces the pending outcome (an error included).
extension Interpreter {
    func execTry(_ t: TryStmt, _ frame: Frame) throws -> Flow {
        guard let finally = t.finally else { return try execTryExcept(t, frame) }
        let flow: Flow
        do {
            flow = try execTryExcept(t, frame)
        } catch {
            // Python runs `finally` on every way out; a jump in it discards the error.
            let f = try exec(finally, frame)
            if case .normal = f { throw error }
            return f
        }
        let f = try exec(finally, frame)
        if case .normal = f { return flow }
        return f
    }

    /// The body, the handlers and `else`, without `finally`.
    func execTryExcept(_ t: TryStmt, _ frame: Frame) throws -> Flow {
        let flow: Flow
        do {
            flow = try exec(t.body, frame)
        } catch {
            guard !t.handlers.isEmpty, let e = catchable(error, t.body.first?.range ?? t.handlers[0].range) else { throw error }
            for h in t.handlers {
                guard try handles(h, e, frame) else { continue }
                if let n = h.name {
                    let x = exceptionValue(e)
                    noteCaught(e, x, frame)
                    try assignName(n, .object(x), frame, h.range)
                }
                handling.append(e)
                defer { handling.removeLast() }
                return try exec(h.body, frame)
            }
            throw error
        }
        // `else` runs only when the body ran to its end; errors in it are not handled here.
        if case .normal = flow, let orElse = t.orElse { return try exec(orElse, frame) }
        return flow
    }

    /// The error as a located runtime error that some `except` clause may catch, or nil
    /// for what none may: the step budget, the recursion and stack guards, `exit()`.
    func catchable(_ error: Error, _ range: SourceRange) -> RuntimeError? {
        if error is ExitRequest { return nil }
        var located = error as? RuntimeError
        if located == nil {
            // Library errors that travelled out unlocated (a layer error from forward).
            do { try at(range) { throw error } } catch { located = error as? RuntimeError }
        }
        guard let e = located, e.kind.isCatchable else { return nil }
        return e
    }

    /// True when clause `h` catches `e`: a bare `except` catches everything catchable
    /// (interrupts too, as in Python); `except K` catches K and its sub-kinds.
    func handles(_ h: ExceptClause, _ e: RuntimeError, _ frame: Frame) throws -> Bool {
        guard let kindsExpr = h.kinds else { return true }
        let kinds = try errorKinds(try eval(kindsExpr, frame), kindsExpr.range)
        return kinds.contains { e.kind.isSubkind(of: $0) }
    }

    /// The kinds an `except` clause names: one kind or a tuple / list of kinds.
    func errorKinds(_ v: Value, _ range: SourceRange) throws -> [ErrorKind] {
        switch v {
        case .tuple(let items): return try items.flatMap { try errorKinds($0, range) }
        case .list(let l): return try l.items.flatMap { try errorKinds($0, range) }
        default:
            guard let k = Interpreter.errorKind(v) else {
                throw RuntimeError("except: expected an error kind such as ValueError (or a tuple of them), got \(v.typeNameWithArticle) value", range, kind: .typeError)
            }
            return [k]
        }
    }

    /// The error kind a value names: the builtin kind functions (`ValueError`), not a
    /// user function that happens to share the name.
    static func errorKind(_ v: Value) -> ErrorKind? {
        guard case .function(let f as NativeFunction) = v, let k = ErrorKind(rawValue: f.name), k.isCatchable else { return nil }
        return k
    }

    /// The exception value `except ... as e` binds: the raised one, or one made from an
    /// error vis raised itself (its message as the only argument).
    func exceptionValue(_ e: RuntimeError) -> ExceptionValue {
        e.exception ?? ExceptionValue(e.kind, args: [.string(e.message)])
    }

    /// raise [expr]: raises an exception value or kind; bare, re-raises the error the
    /// innermost running `except` block handles.
    func execRaise(_ e: Expr?, _ frame: Frame, _ range: SourceRange) throws {
        guard let e else {
            guard let current = handling.last else {
                throw RuntimeError("raise: no active exception to re-raise (a bare raise belongs in an except block)", range, kind: .runtimeError)
            }
            throw current
        }
        let v = try eval(e, frame)
        let exception: ExceptionValue
        if case .object(let x as ExceptionValue) = v {
            exception = x
        } else if let k = Interpreter.errorKind(v) {
            exception = ExceptionValue(k, args: [])
        } else {
            throw RuntimeError("raise: expected an error kind or value such as ValueError(\"message\"), got \(v.typeNameWithArticle) value", e.range, kind: .typeError)
        }
        let raised = RuntimeError(exception.errorText, range, interrupted: exception.kind == .keyboardInterrupt, kind: exception.kind, exception: exception)
        // A value an `except` caught keeps its traceback (see Traceback.swift).
        throw exception.origin == nil ? raised : reraised(raised, range)
    }

    /// The kind of a tensor or data library error: a missing file is FileNotFoundError
    /// and another unreadable one OSError (the loaders report both as "cannot read"; a
    /// failed write, "cannot write", is FileNotFoundError for a missing folder),
    /// the rest RuntimeError, as PyTorch raises for shape and dtype errors.
    static func kind(of e: TensorError) -> ErrorKind {
        guard e.reason.hasPrefix("cannot read") || e.reason.hasPrefix("cannot write") else { return .runtimeError }
        return e.reason.lowercased().contains("no such file") ? .fileNotFoundError : .osError
    }
}
