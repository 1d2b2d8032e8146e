import VisTensor

extension Functional {
    /// Applies the scalar function `f` to every element of a floating-point tensor and
    /// records the gradient `g * derivative(x)` (the derivative written beside the
    /// function, with PyTorch's value at each kink). float64 computes in Double; float32,
    /// float16 and bfloat16 compute in Double too and round once to float32 (then to the
    /// input's dtype), which is at least as accurate as PyTorch's float32 kernels. Integer
    /// and bool input is refused, as PyTorch's activation kernels refuse it
    /// (`"elu_cpu" not implemented for 'Long'`). These activations are not on the hot
    /// path of training, so one closure call per element is acceptable.
    /// `node` names the autograd node as PyTorch's (`relu6` records `hardtanh`, shown as
    /// `HardtanhBackward0`); it defaults to `op`.
    static func pointwise(_ op: String, _ input: Tensor, node: String? = nil, _ f: @escaping (Double) -> Double,
                          derivative: @escaping (Double) -> Double) throws -> Tensor {
        guard input.dtype.isFloatingPoint else {
            throw TensorError(op, "expected a floating-point tensor, got \(input.dtype) (convert with .float())")
        }
        let work: DType = input.dtype == .float64 ? .float64 : .float32
        // x: the input's values, contiguous, in the working dtype, without history.
        let x = input.detach().cast(work).contiguous()
        let out = try map(x, work) { i, px, pd in
            if let px { return f(Double(px[i])) }
            return f(pd![i])
        }
        let result = input.dtype == work ? out : out.cast(input.dtype)
        guard Autograd.needsGraph(input) else { return result }
        let inputDType = input.dtype
        Autograd.record(result, node ?? op, [input], saving: [input]) { g in
            let gc = g.detach().cast(work).contiguous()
            let grad = try map(x, work) { i, px, pd in
                if let px { return Double(gc.floatPointer[i]) * derivative(Double(px[i])) }
                return gc.doublePointer[i] * derivative(pd![i])
            }
            return [inputDType == work ? grad : grad.cast(inputDType)]
        }
        return result
    }

    /// A new contiguous tensor of `x`'s shape in `dtype` (float32 or float64) whose
    /// element i is `value(i, floatPointer, doublePointer)` (one of the two is nil);
    /// Ctrl-C is polled between chunks.
    private static func map(_ x: Tensor, _ dtype: DType,
                            _ value: (Int, UnsafePointer<Float>?, UnsafePointer<Double>?) -> Double) throws -> Tensor {
        let out = Tensor(uninitialized: x.shape, dtype: dtype)
        let n = x.count
        let chunk = 1 << 16
        var start = 0
        while start < n {
            try Interrupt.check()
            let end = Swift.min(n, start + chunk)
            if dtype == .float64 {
                let px = UnsafePointer(x.doublePointer), po = out.doublePointer
                for i in start..<end { po[i] = value(i, nil, px) }
            } else {
                let px = UnsafePointer(x.floatPointer), po = out.floatPointer
                for i in start..<end { po[i] = Float(value(i, px, nil)) }
            }
            start = end
        }
        return out
    }

    /// Runs `compute` on `input` out of place, or, when `inplace` (PyTorch's
    /// `inplace=True`), writes its result into `input` with PyTorch's in-place rules
    /// (leaf and version checks, autograd history) and returns `input` itself.
    static func maybeInPlace(_ op: String, _ input: Tensor, _ inplace: Bool,
                             _ compute: (Tensor) throws -> Tensor) throws -> Tensor {
        guard inplace else { return try compute(input) }
        return try input.writeInPlace(op + "_", savesSelf: true, compute)
    }
}
