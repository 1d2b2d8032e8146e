import VisTensor

/// A module's forward hooks (PyTorch's `register_forward_pre_hook` /
/// `register_forward_hook`), run by `Module.callAsFunction` around `forward`, so they
/// fire wherever the module is called from (a Sequential, a model's forward).
/// A pre-hook gets the module and its input and returns a replacement input or nil;
/// a hook gets the module, the input and the output and returns a replacement output
/// or nil. Each is registered under an id that `remove` takes (the removable handle).
public final class ForwardHooks {
    /// A pre-hook: (module, input) -> new input or nil.
    public typealias Pre = (Module, Tensor) throws -> Tensor?
    /// A hook: (module, input, output) -> new output or nil.
    public typealias Post = (Module, Tensor, Tensor) throws -> Tensor?

    public private(set) var pre: [(id: Int, hook: Pre)] = []
    public private(set) var post: [(id: Int, hook: Post)] = []
    /// Ids are unique across all modules (as PyTorch's handles), so a handle never
    /// removes another module's hook.
    nonisolated(unsafe) private static var nextID = 0

    public init() {}

    /// True when no hook is registered.
    public var isEmpty: Bool { pre.isEmpty && post.isEmpty }

    /// A fresh id for a hook (also used for hooks kept outside this class).
    public static func makeID() -> Int {
        nextID += 1
        return nextID
    }

    /// Registers a pre-hook (run in registration order, or first with `prepend`); returns its id.
    public func addPre(prepend: Bool = false, _ hook: @escaping Pre) -> Int {
        let id = ForwardHooks.makeID()
        if prepend { pre.insert((id, hook), at: 0) } else { pre.append((id, hook)) }
        return id
    }

    /// Registers a hook (run in registration order, or first with `prepend`); returns its id.
    public func addPost(prepend: Bool = false, _ hook: @escaping Post) -> Int {
        let id = ForwardHooks.makeID()
        if prepend { post.insert((id, hook), at: 0) } else { post.append((id, hook)) }
        return id
    }

    /// Removes the hook registered under `id` (nothing when it is gone already).
    public func remove(_ id: Int) {
        pre.removeAll { $0.id == id }
        post.removeAll { $0.id == id }
    }

    /// The input after every pre-hook.
    func runPre(_ m: Module, _ x: Tensor) throws -> Tensor {
        var x = x
        for (_, h) in pre { if let y = try h(m, x) { x = y } }
        return x
    }

    /// The output after every hook.
    func runPost(_ m: Module, _ x: Tensor, _ y: Tensor) throws -> Tensor {
        var y = y
        for (_, h) in post { if let z = try h(m, x, y) { y = z } }
        return y
    }
}
