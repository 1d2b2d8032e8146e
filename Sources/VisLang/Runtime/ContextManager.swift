/// A native object usable in `with EXPR { }` and `with EXPR as name { }`: Python's
/// context-manager protocol (`__enter__` / `__exit__`). `torch.no_grad()`, open files
/// and user models with `__enter__` / `__exit__` methods all take part.
public protocol ContextManagerObject: NativeObject {
    /// Runs when the block starts; the result is what `as name` binds.
    func enter(_ runtime: Runtime) throws -> Value
    /// Runs when the block ends, however it ends (normally, by `return` / `break`, or
    /// by an error, given as `error`). Returning true swallows the error, as a true
    /// result of Python's `__exit__` does.
    func exit(_ error: Error?, _ runtime: Runtime) throws -> Bool
}
