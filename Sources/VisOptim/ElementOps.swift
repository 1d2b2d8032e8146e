import VisTensor

/// The element types an optimizer updates: float32 (PyTorch's roundings reproduced
/// through double, see `FusedUpdate.fma`) and float64 (plain double arithmetic, as
/// PyTorch's double kernels compute).
public protocol OptimizerElement: BinaryFloatingPoint {
    /// a·b + c with one rounding to this type where PyTorch fuses it.
    static func fma(_ a: Self, _ b: Self, _ c: Self) -> Self
    /// The tensor dtype that stores this type.
    static var dtype: DType { get }
}

extension Float: OptimizerElement {
    /// a·b + c rounded once to float32 (the double product of two floats is exact).
    @inline(__always)
    public static func fma(_ a: Float, _ b: Float, _ c: Float) -> Float {
        Float(Double(a) * Double(b) + Double(c))
    }
    /// float32.
    public static var dtype: DType { .float32 }
}

extension Double: OptimizerElement {
    /// a·b + c in double. PyTorch's double kernels fuse some of these and not others;
    /// the difference is one rounding in the last bit, far inside the 1e-12 the
    /// float64 fixtures check.
    @inline(__always)
    public static func fma(_ a: Double, _ b: Double, _ c: Double) -> Double {
        a * b + c
    }
    /// float64.
    public static var dtype: DType { .float64 }
}

/// Single-element arithmetic with PyTorch's CPU roundings, for the optimizers
/// whose updates are written one element at a time (Adagrad, Adadelta, Adamax, NAdam,
/// RAdam, Rprop, ASGD) and for the float64 paths of all: they are not on the main
/// job's path, so plain loops keep them readable, while `FusedUpdate` keeps SGD's,
/// Adam's and RMSprop's eight-lane float32 kernels.
enum ElementOps {
    /// a·b + c rounded once (PyTorch's `add(x, alpha=)` and `addcmul`; see
    /// `FusedUpdate.fma` for why the float32 double product is exact).
    @inline(__always)
    static func fma<T: OptimizerElement>(_ a: T, _ b: T, _ c: T) -> T {
        T.fma(a, b, c)
    }

    /// PyTorch's `lerp(start, end, w)` with one rounding (see `FusedUpdate.Lerp`).
    @inline(__always)
    static func lerp<T: OptimizerElement>(_ start: T, _ end: T, _ w: Lerp<T>) -> T {
        fma(w.coefficient, end - start, w.fromStart ? start : end)
    }

    /// PyTorch's lerp weight in the element type: start + w·(end − start) for
    /// |w| < 0.5, else end − (1 − w)·(end − start) (as `FusedUpdate.Lerp`).
    struct Lerp<T: OptimizerElement> {
        /// w, or w − 1 for large weights.
        let coefficient: T
        /// Whether the base is `start` (small weights) or `end`.
        let fromStart: Bool

        init(weight: Double) {
            let w = T(weight)
            fromStart = Swift.abs(w) < 0.5
            coefficient = fromStart ? w : w - 1
        }
    }

    /// Runs `body(param, grad, count)` on contiguous float32 pointers to `p` and `g`
    /// (see `FusedUpdate.run`), with no parallel split: these optimizers update small
    /// models in practice, and a plain loop keeps their op order obvious.
    @inline(__always)
    static func run(_ p: Tensor, _ g: Tensor,
                    _ body: (UnsafeMutablePointer<Float>, UnsafePointer<Float>, Int) -> Void) throws {
        try FusedUpdate.run(p, g, body)
    }

    /// `run` for either element type; the caller has checked that `p` and `g` are `T`.
    @inline(__always)
    static func run<T: OptimizerElement>(_ p: Tensor, _ g: Tensor, as: T.Type,
                                         _ body: (UnsafeMutablePointer<T>, UnsafePointer<T>, Int) -> Void) throws {
        let gc = g.isContiguous ? g : g.detach().contiguous()
        if p.isContiguous {
            // An in-place write: graphs that saved the parameter refuse backward after it.
            p.storage.bumpVersion()
            body(p.pointer(as: T.self), UnsafePointer(gc.pointer(as: T.self)), p.count)
            return
        }
        let work = p.detach().contiguous()
        body(work.pointer(as: T.self), UnsafePointer(gc.pointer(as: T.self)), work.count)
        try withNoGrad { try p.assign(work) }
    }

    /// `t`'s elements as `T` (the caller has checked the dtype).
    @inline(__always)
    static func pointer<T: OptimizerElement>(_ t: Tensor, _: T.Type) -> UnsafeMutablePointer<T> {
        t.pointer(as: T.self)
    }
}
