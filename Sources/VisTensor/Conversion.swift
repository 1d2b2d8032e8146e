extension Tensor {
    /// This tensor with elements converted to `dtype` (self when it already has it).
    /// Differentiable from float32 to float32 only, as in PyTorch.
    public func to(_ dtype: DType) throws -> Tensor {
        if dtype == self.dtype { return self }
        let out: Tensor
        switch (self.dtype, dtype) {
        case (.float32, .int64):
            let p = self.contiguous().floatPointer
            let n = count
            for i in 0..<n where !(p[i].isFinite && Swift.abs(p[i]) < 9.2e18) {
                throw TensorError("to", "cannot convert \(p[i]) to int64")
            }
            out = Elementwise.unary(self, outDType: .int64) { (x: Float) -> Int64 in Int64(x) }
        case (.float32, .bool): out = Elementwise.unary(self, outDType: .bool) { (x: Float) -> Bool in x != 0 }
        case (.int64, .float32): out = Elementwise.unary(self, outDType: .float32) { (x: Int64) -> Float in Float(x) }
        case (.int64, .bool): out = Elementwise.unary(self, outDType: .bool) { (x: Int64) -> Bool in x != 0 }
        case (.bool, .float32): out = Elementwise.unary(self, outDType: .float32) { (x: Bool) -> Float in x ? 1 : 0 }
        case (.bool, .int64): out = Elementwise.unary(self, outDType: .int64) { (x: Bool) -> Int64 in x ? 1 : 0 }
        default: out = self
        }
        return out
    }

    /// float32 copy (PyTorch's `.float()`).
    public func float() throws -> Tensor { try to(.float32) }
    /// int64 copy (PyTorch's `.long()`).
    public func long() throws -> Tensor { try to(.int64) }
    /// bool copy (PyTorch's `.bool()`).
    public func bool() throws -> Tensor { try to(.bool) }

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

    /// A fresh contiguous copy of the elements, outside autograd.
    func copyData() -> Tensor {
        switch dtype {
        case .float32:
            if isContiguous {
                let out = Tensor(uninitialized: shape, dtype: dtype)
                out.floatPointer.update(from: floatPointer, count: count)
                return out
            }
            return Elementwise.unary(self, outDType: .float32) { (x: Float) -> Float in x }
        case .int64: return Elementwise.unary(self, outDType: .int64) { (x: Int64) -> Int64 in x }
        case .bool: return Elementwise.unary(self, outDType: .bool) { (x: Bool) -> Bool in x }
        }
    }

    /// The value of a one-element tensor as a Double (ints and bools converted).
    public func item() throws -> Double {
        guard count == 1 else {
            throw TensorError("item", "only a tensor with one element can be converted to a number; this one has shape \(shapeString(shape))")
        }
        return element(atStorageOffset: offset)
    }

    /// The element at `storage offset` as a Double.
    @inline(__always)
    func element(atStorageOffset o: Int) -> Double {
        switch dtype {
        case .float32: return Double(storage.floats[o])
        case .int64: return Double(storage.int64s[o])
        case .bool: return storage.bools[o] ? 1 : 0
        }
    }

    /// All elements in row-major order, converted to Float.
    public func toFloatArray() -> [Float] {
        let c = (dtype == .float32 ? self : ((try? to(.float32)) ?? self)).contiguous()
        return Array(UnsafeBufferPointer(start: c.floatPointer, count: c.count))
    }

    /// All elements in row-major order as Int64 (floats truncated).
    public func toInt64Array() -> [Int64] {
        if dtype == .int64 {
            let c = contiguous()
            return Array(UnsafeBufferPointer(start: c.int64Pointer, count: c.count))
        }
        return toFloatArray().map { $0.isFinite ? Int64(Swift.max(Swift.min($0, 9.2e18), -9.2e18)) : 0 }
    }

    /// All elements in row-major order as Double.
    public func toDoubleArray() -> [Double] {
        switch dtype {
        case .float32: return toFloatArray().map(Double.init)
        case .int64: return toInt64Array().map(Double.init)
        case .bool: return toFloatArray().map(Double.init)
        }
    }

    /// All elements in row-major order as Bool (non-zero is true).
    public func toBoolArray() -> [Bool] { toDoubleArray().map { $0 != 0 } }
}
