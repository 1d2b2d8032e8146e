extension Tensor {
    /// This tensor with elements converted to `dtype` (self when it already has it),
    /// between any two dtypes, as PyTorch's `.to(dtype)`:
    /// - float to float rounds to nearest even (float64 to float16 / bfloat16 through
    ///   float32, as PyTorch does); NaN, infinities and signed zeros are kept;
    /// - float to integer truncates toward zero. A NaN, infinite or out-of-range value
    ///   has no defined result in PyTorch (x86 gives the type's minimum for some, wraps
    ///   others); vis saturates to the type's minimum or maximum and makes NaN 0;
    /// - integer to narrower integer wraps (two's complement), as PyTorch does;
    /// - anything to bool is `value != 0` (NaN is true); bool to numbers is 0 or 1.
    /// Differentiable between float32 and float64 (the gradient converts back).
    public func to(_ dtype: DType) throws -> Tensor {
        if dtype == self.dtype { return self }
        let out = cast(dtype)
        // Every floating target records (half ones too: a half tensor's ops compute in
        // float32 through this conversion, and its gradient comes back in half).
        if dtype.isFloatingPoint && Autograd.needsGraph(self) {
            let from = self.dtype
            Autograd.record(out, "to", [self]) { g in [try g.to(from)] }
        }
        return out
    }

    /// The elements converted to `dtype` (see `to`), outside autograd; never fails.
    public func cast(_ dtype: DType) -> Tensor {
        if dtype == self.dtype { return self }
        let out: Tensor
        switch self.dtype {
        case .float32: out = castFromFloat(Float.self, to: dtype) { Double($0) }
        case .float64: out = castFromFloat(Double.self, to: dtype) { $0 }
        case .float16: out = castFromFloat(Float16.self, to: dtype) { Double($0.exactFloat) }
        case .bfloat16: out = castFromFloat(BFloat16.self, to: dtype) { Double($0.float) }
        case .int64: out = castFromInt(Int64.self, to: dtype) { $0 }
        case .int32: out = castFromInt(Int32.self, to: dtype) { Int64($0) }
        case .int16: out = castFromInt(Int16.self, to: dtype) { Int64($0) }
        case .int8: out = castFromInt(Int8.self, to: dtype) { Int64($0) }
        case .uint8: out = castFromInt(UInt8.self, to: dtype) { Int64($0) }
        case .bool: out = castFromInt(Bool.self, to: dtype) { $0 ? 1 : 0 }
        }
        return out
    }

    /// `x` truncated toward zero and saturated to `[lo, hi]`; NaN is 0 (see `to`).
    @inline(__always)
    static func saturate(_ x: Double, _ lo: Int64, _ hi: Int64) -> Int64 {
        if x.isNaN { return 0 }
        if x <= Double(lo) { return lo }
        // Double(hi) may round up past hi (2^63 for int64): compare with >=.
        if x >= Double(hi) { return hi }
        return Int64(x)
    }

    /// Converts a floating-point tensor whose elements `read` as Double (exactly) to `dtype`.
    /// Inlined so that each (source, target) pair gets its own loop with `read` inlined
    /// (called through the closure, a float32 -> float16 conversion ran at 0.3 GB/s).
    @inline(__always)
    private func castFromFloat<S>(_: S.Type, to dtype: DType, _ read: (S) -> Double) -> Tensor {
        let x = self
        switch dtype {
        case .float32: return Elementwise.unary(x, outDType: dtype) { (v: S) -> Float in Float(read(v)) }
        case .float64: return Elementwise.unary(x, outDType: dtype) { (v: S) -> Double in read(v) }
        case .float16: return Elementwise.unary(x, outDType: dtype) { (v: S) -> Float16 in Float16(rounding: Float(read(v))) }
        case .bfloat16: return Elementwise.unary(x, outDType: dtype) { (v: S) -> BFloat16 in BFloat16(rounding: Float(read(v))) }
        case .int64: return Elementwise.unary(x, outDType: dtype) { (v: S) -> Int64 in Tensor.saturate(read(v), .min, .max) }
        case .int32: return Elementwise.unary(x, outDType: dtype) { (v: S) -> Int32 in Int32(Tensor.saturate(read(v), Int64(Int32.min), Int64(Int32.max))) }
        case .int16: return Elementwise.unary(x, outDType: dtype) { (v: S) -> Int16 in Int16(Tensor.saturate(read(v), Int64(Int16.min), Int64(Int16.max))) }
        case .int8: return Elementwise.unary(x, outDType: dtype) { (v: S) -> Int8 in Int8(Tensor.saturate(read(v), Int64(Int8.min), Int64(Int8.max))) }
        case .uint8: return Elementwise.unary(x, outDType: dtype) { (v: S) -> UInt8 in UInt8(Tensor.saturate(read(v), 0, 255)) }
        case .bool: return Elementwise.unary(x, outDType: dtype) { (v: S) -> Bool in read(v) != 0 }
        }
    }

    /// Converts an integer or bool tensor whose elements `read` as Int64 (exactly) to `dtype`.
    @inline(__always)
    private func castFromInt<S>(_: S.Type, to dtype: DType, _ read: (S) -> Int64) -> Tensor {
        let x = self
        switch dtype {
        case .float32: return Elementwise.unary(x, outDType: dtype) { (v: S) -> Float in Float(read(v)) }
        case .float64: return Elementwise.unary(x, outDType: dtype) { (v: S) -> Double in Double(read(v)) }
        case .float16: return Elementwise.unary(x, outDType: dtype) { (v: S) -> Float16 in Float16(rounding: Float(read(v))) }
        case .bfloat16: return Elementwise.unary(x, outDType: dtype) { (v: S) -> BFloat16 in BFloat16(rounding: Float(read(v))) }
        case .int64: return Elementwise.unary(x, outDType: dtype) { (v: S) -> Int64 in read(v) }
        case .int32: return Elementwise.unary(x, outDType: dtype) { (v: S) -> Int32 in Int32(truncatingIfNeeded: read(v)) }
        case .int16: return Elementwise.unary(x, outDType: dtype) { (v: S) -> Int16 in Int16(truncatingIfNeeded: read(v)) }
        case .int8: return Elementwise.unary(x, outDType: dtype) { (v: S) -> Int8 in Int8(truncatingIfNeeded: read(v)) }
        case .uint8: return Elementwise.unary(x, outDType: dtype) { (v: S) -> UInt8 in UInt8(truncatingIfNeeded: read(v)) }
        case .bool: return Elementwise.unary(x, outDType: dtype) { (v: S) -> Bool in read(v) != 0 }
        }
    }

    /// float32 copy (PyTorch's `.float()`).
    public func float() throws -> Tensor { try to(.float32) }
    /// int64 copy (PyTorch's `.long()`).
    public func long() throws -> Tensor { try to(.int64) }
    /// bool copy (PyTorch's `.bool()`).
    public func bool() throws -> Tensor { try to(.bool) }
    /// float64 copy (PyTorch's `.double()`).
    public func double() throws -> Tensor { try to(.float64) }
    /// float16 copy (PyTorch's `.half()`).
    public func half() throws -> Tensor { try to(.float16) }

    /// A contiguous copy of the data, differentiable.
    public func clone() -> Tensor {
        let out = copyData()
        if Autograd.needsGraph(self) {
            Autograd.record(out, "clone", [self]) { g in [g] }
        }
        return out
    }

    /// This tensor if already contiguous, else a contiguous copy (differentiable).
    public func contiguous() -> Tensor {
        if isContiguous { return self }
        return clone()
    }

    /// A fresh contiguous copy of the elements, outside autograd (bytes moved by element size).
    func copyData() -> Tensor {
        if isContiguous {
            let out = Tensor(uninitialized: shape, dtype: dtype)
            out.storage.data.copyMemory(from: storage.data + offset * dtype.size, byteCount: count * dtype.size)
            return out
        }
        switch dtype.size {
        case 8: return Elementwise.unary(self, outDType: dtype) { (x: UInt64) -> UInt64 in x }
        case 4: return Elementwise.unary(self, outDType: dtype) { (x: UInt32) -> UInt32 in x }
        case 2: return Elementwise.unary(self, outDType: dtype) { (x: UInt16) -> UInt16 in x }
        default: return Elementwise.unary(self, outDType: dtype) { (x: UInt8) -> UInt8 in x }
        }
    }

    /// The value of a one-element tensor as a Double (ints and bools converted).
    public func item() throws -> Double {
        guard count == 1 else {
            throw TensorError("item", "only a tensor with one element can be converted to a number; this one has shape \(shapeString(shape))")
        }
        return element(atStorageOffset: offset)
    }

    /// The element at `storage offset` as a Double (exact except int64 beyond 2^53).
    @inline(__always)
    func element(atStorageOffset o: Int) -> Double {
        switch dtype {
        case .float32: return Double(storage.floats[o])
        case .float64: return storage.doubles[o]
        case .float16: return Double(storage.halfs[o].exactFloat)
        case .bfloat16: return Double(storage.bfloat16s[o].float)
        case .int64: return Double(storage.int64s[o])
        case .int32: return Double(storage.int32s[o])
        case .int16: return Double(storage.int16s[o])
        case .int8: return Double(storage.int8s[o])
        case .uint8: return Double(storage.uint8s[o])
        case .bool: return storage.bools[o] ? 1 : 0
        }
    }

    /// The integer or bool element at `storage offset` as an Int64 (exact); floats truncated and saturated.
    @inline(__always)
    func integerElement(atStorageOffset o: Int) -> Int64 {
        switch dtype {
        case .int64: return storage.int64s[o]
        case .int32: return Int64(storage.int32s[o])
        case .int16: return Int64(storage.int16s[o])
        case .int8: return Int64(storage.int8s[o])
        case .uint8: return Int64(storage.uint8s[o])
        case .bool: return storage.bools[o] ? 1 : 0
        default: return Tensor.saturate(element(atStorageOffset: o), .min, .max)
        }
    }

    /// All elements in row-major order, converted to Float.
    public func toFloatArray() -> [Float] {
        let c = (dtype == .float32 ? self : (cast(.float32))).contiguous()
        return Array(UnsafeBufferPointer(start: c.floatPointer, count: c.count))
    }

    /// All elements in row-major order as Int64 (floats truncated toward zero, saturated, NaN 0).
    public func toInt64Array() -> [Int64] {
        let c = (dtype == .int64 ? self : (cast(.int64))).contiguous()
        return Array(UnsafeBufferPointer(start: c.int64Pointer, count: c.count))
    }

    /// All elements in row-major order as Double (exact except int64 beyond 2^53).
    public func toDoubleArray() -> [Double] {
        if dtype.isInteger || dtype == .bool { return toInt64Array().map(Double.init) }
        let c = (dtype == .float64 ? self : (cast(.float64))).contiguous()
        return Array(UnsafeBufferPointer(start: c.doublePointer, count: c.count))
    }

    /// All elements in row-major order as Bool (non-zero is true, NaN too).
    public func toBoolArray() -> [Bool] {
        let c = (dtype == .bool ? self : (cast(.bool))).contiguous()
        return Array(UnsafeBufferPointer(start: c.boolPointer, count: c.count))
    }
}
