/// An n-dimensional array of elements of one `DType`: a view (shape, strides,
/// offset) into a shared `Storage`, with optional autograd state.
///
/// Views (reshape of contiguous data, transpose, permute, slicing, expand, squeeze)
/// share storage and copy nothing. Every op that can be misused throws `TensorError`.
public final class Tensor {
    /// The memory this view reads and writes.
    public let storage: Storage
    /// Size of each dimension; `[]` for a scalar.
    public let shape: [Int]
    /// Elements to step in storage per index of each dimension.
    public let strides: [Int]
    /// Index of the first element in storage.
    public let offset: Int
    /// The element type.
    public let dtype: DType
    /// True when the elements are laid out in row-major order with no gaps.
    public let isContiguous: Bool

    /// True when gradients flow to or through this tensor.
    public internal(set) var requiresGrad = false
    /// The accumulated gradient of a leaf tensor after `backward()`.
    public var grad: Tensor?
    /// The graph node that produced this tensor (nil for leaves).
    var gradFn: Node?
    /// Set by `Autograd.fresh`: a gradient no other tensor or closure refers to, which a
    /// leaf may keep as its `.grad` instead of a copy.
    var isFreshGradient = false
    /// For a view (`view(shape:strides:offset:)`): the tensor that owns the memory it
    /// views (PyTorch's `_base`), so that an in-place write through the view updates
    /// the base's autograd history. Nil for a tensor that is not a view.
    var viewBase: Tensor?
    /// `storage.version` when this view's `gradFn` was made: a write since then made
    /// it stale (see `currentGradFn`).
    var viewVersion = 0
    /// True for a 0-d tensor made from a Python number operand (`x + 2.5`): PyTorch's
    /// "wrapped number", which takes part in type promotion with the lowest priority
    /// (`int32_tensor + 5` stays int32, `float16_tensor + 2.5` stays float16).
    public var isWrappedNumber = false

    /// A view of `storage`. The caller guarantees the view stays inside the storage.
    public init(storage: Storage, shape: [Int], strides: [Int], offset: Int = 0, dtype: DType) {
        self.storage = storage
        self.shape = shape
        self.strides = strides
        self.offset = offset
        self.dtype = dtype
        self.isContiguous = Tensor.computeContiguous(shape, strides)
    }

    /// A new contiguous tensor of `shape` with uninitialised memory (kernels fill it).
    public init(uninitialized shape: [Int], dtype: DType = .float32) {
        let n = Shape.numel(shape)
        self.storage = Storage(byteCount: Swift.max(n, 1) * dtype.size)
        self.shape = shape
        self.strides = Shape.contiguousStrides(shape)
        self.offset = 0
        self.dtype = dtype
        self.isContiguous = true
    }

    /// Like `init(uninitialized:)` with strides already known to be contiguous for
    /// `shape` (taken from a contiguous input, saving an array allocation per op).
    init(uninitialized shape: [Int], contiguousStrides: [Int], dtype: DType) {
        let n = Shape.numel(shape)
        self.storage = Storage(byteCount: Swift.max(n, 1) * dtype.size)
        self.shape = shape
        self.strides = contiguousStrides
        self.offset = 0
        self.dtype = dtype
        self.isContiguous = true
    }

    /// An uninitialised contiguous tensor shaped like `like` when that is contiguous
    /// with `shape` (sharing its shape and stride arrays), else a fresh one.
    @inline(__always)
    static func uninitialized(_ shape: [Int], like: Tensor, dtype: DType) -> Tensor {
        if like.isContiguous && like.shape == shape && like.strides == Shape.contiguousStridesIfUnit(like.shape, like.strides) {
            return Tensor(uninitialized: like.shape, contiguousStrides: like.strides, dtype: dtype)
        }
        return Tensor(uninitialized: shape, dtype: dtype)
    }

    @inline(__always)
    static func computeContiguous(_ shape: [Int], _ strides: [Int]) -> Bool {
        var expected = 1
        var i = shape.count - 1
        while i >= 0 {
            if shape[i] != 1 && strides[i] != expected { return false }
            expected &*= shape[i]
            i -= 1
        }
        return true
    }

    /// Number of dimensions.
    @inline(__always) public var ndim: Int { shape.count }
    /// Number of elements.
    @inline(__always) public var count: Int { Shape.numel(shape) }
    /// Number of elements (PyTorch's name).
    public func numel() -> Int { count }
    /// True for a tensor created by the user (not by an op in the graph).
    public var isLeaf: Bool { gradFn == nil }
    /// The name of the op that produced this tensor (`"mul"`), or nil for leaves.
    public var gradFnName: String? { gradFn?.name }

    // The typed pointers assert the dtype in debug builds (the tests run them), so a
    // kernel that would misread another dtype's bytes stops there instead of computing
    // a silent wrong result; release builds pay nothing.
    /// Pointer to the first float32 element of this view.
    @inline(__always) public var floatPointer: UnsafeMutablePointer<Float> {
        assert(dtype == .float32, "floatPointer of a \(dtype) tensor")
        return storage.floats + offset
    }
    /// Pointer to the first int64 element of this view.
    @inline(__always) public var int64Pointer: UnsafeMutablePointer<Int64> {
        assert(dtype == .int64, "int64Pointer of a \(dtype) tensor")
        return storage.int64s + offset
    }
    /// Pointer to the first bool element of this view.
    @inline(__always) public var boolPointer: UnsafeMutablePointer<Bool> {
        assert(dtype == .bool, "boolPointer of a \(dtype) tensor")
        return storage.bools + offset
    }
    /// Pointer to the first float64 element of this view.
    @inline(__always) public var doublePointer: UnsafeMutablePointer<Double> {
        assert(dtype == .float64, "doublePointer of a \(dtype) tensor")
        return storage.doubles + offset
    }
    /// Pointer to the first element of this view as `T` (the caller has checked the dtype).
    @inline(__always) public func pointer<T>(as: T.Type) -> UnsafeMutablePointer<T> {
        storage.data.assumingMemoryBound(to: T.self) + offset
    }

    /// Marks a floating-point tensor as a leaf whose gradient `backward()` computes.
    @discardableResult
    public func setRequiresGrad(_ flag: Bool = true) throws -> Tensor {
        if flag && !(dtype == .float32 || dtype == .float64) {
            if dtype.isFloatingPoint {
                // PyTorch allows half-precision leaves; vis's kernels compute float16 and
                // bfloat16 in float32 and keep no half-precision gradients.
                throw TensorError("requires_grad", "vis computes gradients in float32 and float64 only (this tensor is \(dtype)); convert it first with .float()")
            }
            throw TensorError("requires_grad", "only floating-point tensors can require gradients (this one is \(dtype))")
        }
        if !flag && gradFn != nil {
            throw TensorError("requires_grad", "cannot turn off requires_grad on a tensor computed by \(gradFn?.name ?? "an op"); use .detach()")
        }
        requiresGrad = flag
        return self
    }

    /// A tensor sharing this one's data with no autograd history.
    public func detach() -> Tensor {
        Tensor(storage: storage, shape: shape, strides: strides, offset: offset, dtype: dtype)
    }

    /// PyTorch's `x.data`: this tensor's memory and geometry, outside autograd, with a
    /// version counter of its own (writes through it are invisible to the saved-tensor
    /// checks, as in PyTorch; `detach()` shares the counter).
    public func dataAlias() -> Tensor {
        Tensor(storage: Storage(aliasing: storage), shape: shape, strides: strides, offset: offset, dtype: dtype)
    }

    /// A view with new geometry over the same storage (no autograd; ops record their own node).
    @inline(__always)
    func view(shape: [Int], strides: [Int], offset: Int) -> Tensor {
        let t = Tensor(storage: storage, shape: shape, strides: strides, offset: offset, dtype: dtype)
        t.viewBase = viewBase ?? self
        t.viewVersion = storage.version
        return t
    }
}
