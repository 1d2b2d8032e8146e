/// An n-dimensional array of elements of one `DType`: a view (shape, strides,
/// offset) into a shared `Storage`, with optional autograd state.
///
/// Views (reshape of contiguous data, transpose, permute, slicing, expand, squeeze)
/// share storage and copy nothing. Every op that can be misused throws `TensorError`.
public final class Tensor {
    // storage, shape, strides, offset and isContiguous change only in `materialize`
    // (a lazy layer's uninitialised parameter taking its real shape in place, see
    // UninitializedParameter.swift) and, with dtype, in `replaceData` (a module's
    // `.double()` / `.half()` converting its parameters in place, ReplaceData.swift);
    // everywhere else they are fixed after init.
    /// The memory this view reads and writes.
    public internal(set) var storage: Storage
    /// Size of each dimension; `[]` for a scalar.
    public private(set) var shape: [Int]
    /// Elements to step in storage per index of each dimension.
    public internal(set) var strides: [Int]
    /// Index of the first element in storage.
    public internal(set) var offset: Int
    /// The element type.
    public internal(set) var dtype: DType
    /// True when the elements are laid out in row-major order with no gaps.
    public internal(set) var isContiguous: Bool
    /// For an uninitialised parameter of a lazy layer (PyTorch's
    /// `UninitializedParameter`), which has no shape or values until `materialize`:
    /// what it is (`LazyLinear.weight`), for the errors that touching it gives. Nil
    /// for every other tensor.
    public private(set) var uninitializedName: String?
    /// True for a tensor made by `nn.Parameter(...)`: a model field holding it is
    /// registered as a parameter even when it does not require grad (a frozen one).
    public var isParameter = false
    /// True for an uninitialised parameter (see `uninitializedName`).
    @inline(__always) public var isUninitialized: Bool { uninitializedName != nil }

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

    /// An uninitialised parameter (PyTorch's `UninitializedParameter`): a float32 leaf
    /// that requires grad and has no shape or values yet (shape [0] inside). A lazy
    /// layer lists it among its parameters before its first forward, so an optimizer
    /// made then holds this very object, which `materialize` fills in place.
    /// `name` says what it is in errors (`LazyLinear.weight`).
    public static func uninitializedParameter(_ name: String, dtype: DType = .float32) -> Tensor {
        let t = Tensor(uninitialized: [0], dtype: dtype)
        t.requiresGrad = true
        t.uninitializedName = name
        return t
    }

    /// Turns an uninitialised parameter into `value` in place: this object takes
    /// `value`'s storage, shape and strides (the same tensor optimizers and modules
    /// already hold sees its real shape and initial values), as PyTorch's
    /// `UninitializedParameter.materialize`. Only a leaf without a gradient can be
    /// materialised, once.
    public func materialize(_ value: Tensor) throws {
        // A tensor's fields are otherwise fixed after init: kernels and views may rely
        // on that, which is why only a never-used placeholder may change.
        guard isUninitialized else { throw TensorError("materialize", "this parameter is already initialised (shape \(shapeString(shape)))") }
        guard grad == nil, gradFn == nil else { throw TensorError("materialize", "an uninitialised parameter cannot have a gradient or history") }
        guard value.dtype.isFloatingPoint, dtype.isFloatingPoint else { throw TensorError("materialize", "the value is \(value.dtype), the parameter \(dtype)") }
        // A lazy layer converted before its first forward (`LazyLinear(3).double()`) has
        // placeholders of the new dtype: its initial values take that dtype, as PyTorch's.
        let v = try (value.dtype == dtype ? value : value.to(dtype)).contiguous()
        storage = v.storage
        shape = v.shape
        strides = v.strides
        offset = v.offset
        isContiguous = v.isContiguous
        uninitializedName = nil
        grad = nil
    }

    /// Marks a floating-point tensor as a leaf whose gradient `backward()` computes.
    @discardableResult
    public func setRequiresGrad(_ flag: Bool = true) throws -> Tensor {
        if flag && !dtype.isFloatingPoint {
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
