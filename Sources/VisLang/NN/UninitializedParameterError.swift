import VisTensor

/// The error for touching a lazy layer's uninitialised parameter (PyTorch's
/// `UninitializedParameter`) before the first forward gave it a shape: reading its
/// shape, doing math with it, saving it. PyTorch raises here too; vis names the
/// parameter and says how to initialise it.
enum UninitializedParameterError {
    /// Members an uninitialised parameter still answers, as in PyTorch: its autograd
    /// flags and gradient (none), its dtype and device.
    static let allowedMembers: Set<String> = ["requires_grad", "grad", "is_leaf", "grad_fn", "dtype", "device", "is_cuda", "requires_grad_"]

    /// Builtins that may take an uninitialised parameter as an argument: printing it
    /// and asking what it is, as in PyTorch.
    static let allowedFunctions: Set<String> = ["print", "repr", "str", "type", "isinstance", "id", "requires_grad_", "callable", "help"]

    /// Throws unless the builtin `function` may take the uninitialised parameter `t`.
    static func check(_ t: Tensor, _ function: String) throws {
        if !allowedFunctions.contains(function) { throw make(t, function) }
    }

    /// `what` (an op, a member, an argument) used the uninitialised parameter `t`.
    static func make(_ t: Tensor, _ what: String) -> NativeError {
        NativeError("\(what): \(t.uninitializedName ?? "this parameter") is an uninitialised parameter (a lazy layer's, before its first forward); call the model on a batch first to give it its shape and values", kind: .valueError)
    }
}
