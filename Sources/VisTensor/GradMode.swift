/// Whether ops record the autograd graph. Off inside `withNoGrad` and during
/// `backward()`, like PyTorch's `torch.no_grad()`.
public enum GradMode {
    nonisolated(unsafe) static var enabledFlag = true

    /// True when ops on tensors that require grad record graph nodes.
    @inline(__always) public static var isEnabled: Bool { enabledFlag }

    /// Runs `body` with gradient recording set to `enabled`, restoring the previous
    /// mode afterwards (also when `body` throws).
    /// Sets gradient recording until it is set again (torch.set_grad_enabled(mode) as
    /// a plain call; `with` statements restore the mode they found when they end).
    public static func set(_ enabled: Bool) { enabledFlag = enabled }

    public static func with<T>(enabled: Bool, _ body: () throws -> T) rethrows -> T {
        let saved = enabledFlag
        enabledFlag = enabled
        defer { enabledFlag = saved }
        return try body()
    }
}

/// Runs `body` without recording gradients (PyTorch's `with torch.no_grad():`).
public func withNoGrad<T>(_ body: () throws -> T) rethrows -> T {
    try GradMode.with(enabled: false, body)
}
