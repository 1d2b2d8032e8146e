import VisTensor

/// Single-element float32 arithmetic with PyTorch's CPU roundings, for the optimizers
/// whose updates are written one element at a time (Adagrad, Adadelta, Adamax, NAdam,
/// RAdam, Rprop, ASGD): they are not on the main job's path, so plain loops keep them
/// readable, while `FusedUpdate` keeps SGD's and Adam's eight-lane kernels.
enum ElementOps {
    /// a·b + c rounded once to float32 (PyTorch's `add(x, alpha=)` and `addcmul`; see
    /// `FusedUpdate.fma` for why the double product is exact).
    @inline(__always)
    static func fma(_ a: Float, _ b: Float, _ c: Float) -> Float {
        Float(Double(a) * Double(b) + Double(c))
    }

    /// PyTorch's `lerp(start, end, w)` with one rounding (see `FusedUpdate.Lerp`).
    @inline(__always)
    static func lerp(_ start: Float, _ end: Float, _ w: FusedUpdate.Lerp) -> Float {
        fma(w.coefficient, end - start, w.fromStart ? start : end)
    }

    /// Runs `body(param, grad, count)` on contiguous float32 pointers to `p` and `g`
    /// (see `FusedUpdate.run`), with no parallel split: these optimizers update small
    /// models in practice, and a plain loop keeps their op order obvious.
    @inline(__always)
    static func run(_ p: Tensor, _ g: Tensor,
                    _ body: (UnsafeMutablePointer<Float>, UnsafePointer<Float>, Int) -> Void) throws {
        try FusedUpdate.run(p, g, body)
    }
}
