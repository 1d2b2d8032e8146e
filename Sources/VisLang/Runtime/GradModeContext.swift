import VisTensor

/// The context managers of PyTorch's grad-mode functions: `no_grad()`, `enable_grad()`
/// and `set_grad_enabled(mode)`. Entering sets the mode and exiting restores the one
/// found on entry, however the block ends. As in PyTorch, `set_grad_enabled(mode)` sets
/// the mode when it is called (so it also works as a plain call) and its exit restores
/// the mode from before that call.
public final class GradModeContext: ContextManagerObject {
    /// The mode inside the block.
    let enabled: Bool
    /// The name shown by `type()` and in errors.
    public let typeName: String
    /// The mode to restore, per entry (a manager can be entered again while inside).
    var saved: [Bool] = []
    /// For set_grad_enabled: the mode before the call, restored by the first exit.
    var beforeCall: Bool?

    init(enabled: Bool, typeName: String, beforeCall: Bool? = nil) {
        self.enabled = enabled
        self.typeName = typeName
        self.beforeCall = beforeCall
    }

    public func member(_ name: String) throws -> Value? { nil }
    public var memberNames: [String] { [] }
    /// The call that made it: `no_grad()`, `set_grad_enabled(false)`.
    public var repr: String { typeName == "set_grad_enabled" ? "set_grad_enabled(\(enabled))" : "\(typeName)()" }

    public func enter(_ runtime: Runtime) throws -> Value {
        saved.append(beforeCall ?? GradMode.isEnabled)
        beforeCall = nil
        GradMode.set(enabled)
        return .none
    }

    public func exit(_ error: Error?, _ runtime: Runtime) throws -> Bool {
        if let mode = saved.popLast() { GradMode.set(mode) }
        return false
    }
}
