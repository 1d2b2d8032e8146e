import VisTensor

extension Functional {
    /// x @ weight^T + bias (PyTorch's `F.linear`): x [*, in] with weight [out, in]
    /// (PyTorch's layout) and optional bias [out] gives [*, out].
    ///
    /// One sgemm over the flattened batch [B, in], reading the weight as a transposed
    /// operand (no copy); the bias is written into the output first and the product
    /// accumulates onto it. Backward: dX = g @ W and dW = g^T @ x (one sgemm each over
    /// the flattened batch), db = sum of g over the rows.
    ///
    ///     let y = try Functional.linear(x, weight: w, bias: b)   // [64, 3136] -> [64, 512]
    public static func linear(_ x: Tensor, weight: Tensor, bias: Tensor? = nil) throws -> Tensor {
        let op = "linear"
        // float64 and half layers (see LayerDType); PyTorch's messages for mixed dtypes.
        if let routed = try LayerDType.route(op, [x, weight, bias], mismatch: { a, b in
            x.dtype == weight.dtype ? "self and mat2 must have the same dtype, but got \(LayerDType.scalarName(b)) and \(LayerDType.scalarName(a))"
                : "expected m1 and m2 to have the same dtype, but got: \(LayerDType.cName(a)) != \(LayerDType.cName(b))"
        }, float32: { f in try linear(f(x), weight: f(weight), bias: bias.map(f)) }, float64: {
            try linearChecks(x, weight: weight, bias: bias)
            let y = try x.matmul(weight.t())
            return try bias.map { try y.add($0) } ?? y
        }) { return routed }
        try ConvCheck.float(op, x, "input")
        try ConvCheck.float(op, weight, "weight")
        if let bias { try ConvCheck.float(op, bias, "bias") }
        try linearChecks(x, weight: weight, bias: bias)
        let outF = weight.shape[0], inF = weight.shape[1]
        let rows = inF == 0 ? Shape.numel(Array(x.shape.dropLast())) : x.count / inF
        let outShape = Array(x.shape.dropLast()) + [outF]
        try Shape.validate(outShape, op: op)
        try ConvCheck.blasSizes(op, [rows, inF, outF], shape: x.shape)

        // x2: [B, in], w: [out, in] -> out: [B, out]
        let x2 = matrixView(x.detach(), rows: rows, cols: inF)
        let w = weight.detach()
        let out = Tensor(uninitialized: outShape)
        let y = out.floatPointer
        if let bias {
            let b = bias.detach().contiguous()
            withExtendedLifetime(b) {
                let bp = UnsafePointer(b.floatPointer)
                for r in 0..<rows { (y + r * outF).update(from: bp, count: outF) }
            }
        }
        gemm(x2, transposeA: false, w, transposeB: true, into: y, ldc: outF, beta: bias == nil ? 0 : 1)
        // Ctrl-C stopped a large product part way (see `BLAS.gemm`): the half-made result goes.
        try Interrupt.check()

        let inputs = [x, weight] + (bias.map { [$0] } ?? [])
        if Autograd.needsGraph(inputs) {
            let needX = x.requiresGrad, needW = weight.requiresGrad, needB = bias?.requiresGrad ?? false
            let xShape = x.shape, hasBias = bias != nil
            Autograd.record(out, "linear", inputs, saving: (needW ? [x] : []) + (needX ? [weight] : [])) { g in
                // g: [*, out] -> dx [*, in] = g @ W, dW [out, in] = g^T @ x, db [out] = sum of g's rows
                let g2 = matrixView(g, rows: rows, cols: outF)
                var dx: Tensor? = nil, dW: Tensor? = nil, db: Tensor? = nil
                if needX {
                    let t = Tensor(uninitialized: xShape)
                    gemm(g2, transposeA: false, w, transposeB: false, into: t.floatPointer, ldc: inF)
                    dx = t
                }
                if needW {
                    let t = Tensor(uninitialized: [outF, inF])
                    gemm(g2, transposeA: true, x2, transposeB: false, into: t.floatPointer, ldc: inF)
                    dW = Autograd.fresh(t)
                }
                if needB { db = columnSums(g2.contiguous(), rows: rows, cols: outF) }
                return hasBias ? [dx, dW, db] : [dx, dW]
            }
        }
        return out
    }

    /// The shape checks of `linear`, shared by its float32 and float64 paths.
    static func linearChecks(_ x: Tensor, weight: Tensor, bias: Tensor?) throws {
        let op = "linear"
        guard weight.ndim == 2 else {
            throw TensorError(op, "expected weight [out_features, in_features], got \(shapeString(weight.shape))")
        }
        let outF = weight.shape[0], inF = weight.shape[1]
        guard x.ndim >= 1 else { throw TensorError(op, "expected input [*, \(inF)], got a scalar") }
        let features = x.shape[x.ndim - 1]
        guard features == inF else {
            throw TensorError(op, "input has \(features) features (shape \(shapeString(x.shape))) but weight expects \(inF) (weight \(shapeString(weight.shape)))")
        }
        if let bias, bias.shape != [outF] {
            throw TensorError(op, "expected bias [\(outF)] for weight \(shapeString(weight.shape)), got \(shapeString(bias.shape))")
        }
    }

    /// `t` as a [rows, cols] matrix: a view of its last dimension's rows when they are
    /// evenly spaced (any contiguous tensor, or a 2-D strided view), else a contiguous copy.
    private static func matrixView(_ t: Tensor, rows: Int, cols: Int) -> Tensor {
        if t.ndim == 2 { return t }
        let c = t.contiguous()
        return Tensor(storage: c.storage, shape: [rows, cols], strides: [cols, 1], offset: c.offset, dtype: .float32)
    }

    /// C[m, n] = op(A) @ op(B) for 2-D float32 views, copying an operand only when its
    /// strides are not a BLAS layout.
    private static func gemm(_ a: Tensor, transposeA: Bool, _ b: Tensor, transposeB: Bool,
                             into c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float = 0) {
        func operand(_ t: Tensor, _ transpose: Bool) -> (Tensor, BLAS.Operand) {
            // The [rows, cols] matrix as the product reads it, described on t's own strides.
            let (r, cl, rs, cs) = transpose
                ? (t.shape[1], t.shape[0], t.strides[1], t.strides[0])
                : (t.shape[0], t.shape[1], t.strides[0], t.strides[1])
            if let op = BLAS.operand(rows: r, cols: cl, rowStride: rs, colStride: cs) { return (t, op) }
            let copy = t.contiguous()
            return (copy, transpose ? BLAS.transposed(t.shape[1]) : BLAS.plain(t.shape[1]))
        }
        let (ta, aOp) = operand(a, transposeA)
        let (tb, bOp) = operand(b, transposeB)
        let m = transposeA ? a.shape[1] : a.shape[0]
        let k = transposeA ? a.shape[0] : a.shape[1]
        let n = transposeB ? b.shape[0] : b.shape[1]
        withExtendedLifetime((ta, tb)) {
            BLAS.gemm(m: m, n: n, k: k, a: ta.floatPointer, aOp, b: tb.floatPointer, bOp, c: c, ldc: ldc, beta: beta)
        }
    }

    /// Sums of the columns of a contiguous [rows, cols] matrix, in double precision.
    private static func columnSums(_ m: Tensor, rows: Int, cols: Int) -> Tensor {
        let out = Tensor(uninitialized: [cols])
        let src = UnsafePointer(m.floatPointer), dst = out.floatPointer
        Parallel.forRange(cols, costPerElement: Swift.max(rows, 1)) { c0, c1 in
            var acc = [Double](repeating: 0, count: c1 - c0)
            acc.withUnsafeMutableBufferPointer { a in
                for r in 0..<rows {
                    let row = src + r * cols + c0
                    for j in 0..<(c1 - c0) { a[j] += Double(row[j]) }
                }
                for j in 0..<(c1 - c0) { dst[c0 + j] = Float(a[j]) }
            }
        }
        return out
    }
}
