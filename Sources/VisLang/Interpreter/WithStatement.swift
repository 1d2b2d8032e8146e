/// `with a as x, b { body }`: Python's context-manager protocol. Each manager is
/// entered in order (its `enter` result bound by `as`), and exited in reverse however
/// the block ends: normally, by `return` / `break` / `continue`, or by an error (Ctrl-C
/// included), which a manager's exit may swallow by returning true.
extension Interpreter {
    func execWith(_ items: [WithItem], _ i: Int, _ body: [Stmt], _ frame: Frame) throws -> Flow {
        if i == items.count { return try exec(body, frame) }
        let item = items[i]
        let range = item.manager.range
        let manager = try contextManager(try eval(item.manager, frame), range)
        let entered = try at(range) { try manager.enter(self) }
        let flow: Flow
        do {
            if let t = item.target { try assign(t, entered, frame) }
            flow = try execWith(items, i + 1, body, frame)
        } catch {
            // Exits see located errors with their kinds; the step budget and the stack
            // guards reach them too (grad mode is restored) but always stop the run.
            let located = catchable(error, range)
            let swallow = try at(range) { try manager.exit(located ?? error, self) }
            if swallow, located != nil { return .normal }
            throw error
        }
        _ = try at(range) { try manager.exit(nil, self) }
        return flow
    }

    /// The value as a context manager: a native one (`no_grad()`), or a model with
    /// `__enter__` and `__exit__` methods.
    func contextManager(_ v: Value, _ range: SourceRange) throws -> ContextManagerObject {
        if case .object(let o as ContextManagerObject) = v { return o }
        if case .object(let o) = v, let enter = try at(range, { try o.member("__enter__") }),
           let exit = try at(range, { try o.member("__exit__") }) {
            return MethodContextManager(object: o, enter: enter, exit: exit)
        }
        throw RuntimeError("with: \(v.typeNameWithArticle) value is not a context manager (it needs __enter__ and __exit__ methods, as no_grad() and models defining them have)", range, kind: .typeError)
    }
}
