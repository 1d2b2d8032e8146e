/// scatter (src or value, reduce="add" / "multiply") and scatter_reduce (sum, prod,
/// mean, amax, amin, include_self) along a dimension, with PyTorch's checks and
/// gradients. scatter_add is `scatterAdd` in Gather.swift.
///
/// Every op first turns the index into a plan: for each index position, the flat
/// position it writes in a contiguous copy of self and the flat position it reads in a
/// contiguous copy of src. Forward and backward loops then run over that plan.
extension Tensor {
    /// The reductions of `scatter_reduce`.
    public enum ScatterReduction: String, CaseIterable {
        case sum, prod, mean, amax, amin
    }

    /// For each index position (row-major), the flat target in self and the flat source
    /// in a src of `srcShape`, after PyTorch's checks (`op` names errors).
    func scatterPlan(_ op: String, dim: Int, index: Tensor, srcShape: [Int]?) throws -> (d: Int, targets: [Int], sources: [Int]) {
        guard index.dtype == .int64 else { throw TensorError(op, "index must be an int64 tensor, got \(index.dtype)") }
        let r = Swift.max(ndim, 1)
        guard Swift.max(index.ndim, 1) == r else {
            throw TensorError(op, "index has \(index.ndim) dimensions (shape \(shapeString(index.shape))) but the tensor has \(ndim) (shape \(shapeString(shape))); they must match")
        }
        let d = try Shape.normalizeDim(dim, ndim, op: op)
        let xs = ndim == 0 ? [1] : shape, ishape = index.ndim == 0 ? [1] : index.shape
        var ss = xs
        if let srcShape {
            guard Swift.max(srcShape.count, 1) == r else {
                throw TensorError(op, "src has shape \(shapeString(srcShape)) but the tensor has shape \(shapeString(shape)); they must have the same number of dimensions")
            }
            ss = srcShape.isEmpty ? [1] : srcShape
        }
        for k in 0..<r where (k != d && ishape[k] > xs[k]) || (srcShape != nil && ishape[k] > ss[k]) {
            throw TensorError(op, "index shape \(shapeString(index.shape)) must be no larger than the tensor's \(shapeString(shape)) apart from dimension \(d)\(srcShape == nil ? "" : " and no larger than src's \(shapeString(ss))")")
        }
        var xst = Shape.contiguousStrides(xs)
        let sd = xst[d], size = xs[d]
        xst[d] = 0
        let sst = Shape.contiguousStrides(ss)
        let idx = index.detach().copyData(), p = idx.int64Pointer
        let n = idx.count
        var targets = [Int](repeating: 0, count: n), sources = [Int](repeating: 0, count: n)
        var bad: Int64? = nil
        targets.withUnsafeMutableBufferPointer { t in
            sources.withUnsafeMutableBufferPointer { s in
                _ = Tensor.walkPositions(ishape, xst, sst) { i, off, soff in
                    let v = p[i]
                    guard v >= 0 && v < size else { bad = v; return false }
                    t[i] = off + Int(v) * sd
                    s[i] = soff
                    return true
                }
            }
        }
        withExtendedLifetime(idx) {}
        try Tensor.checkInterrupt()
        if let bad { throw TensorError(op, "index \(bad) is out of bounds for dimension \(d) with size \(size)") }
        return (d, targets, sources)
    }

    /// A copy with `src`'s elements written at the positions `index` names along `dim`
    /// (`out[index[i][j]][j] = src[i][j]` for dim 0; with duplicates the last write
    /// wins), or combined by `reduce` ("add" or "multiply"). Differentiable in self and
    /// src without a reduction, as in PyTorch.
    public func scatter(dim: Int, index: Tensor, src: Tensor, reduce: String? = nil) throws -> Tensor {
        let op = "scatter"
        guard src.dtype == dtype else {
            throw TensorError(op, "src has dtype \(src.dtype) but the tensor has dtype \(dtype); they must match")
        }
        if let reduce, reduce != "add" && reduce != "multiply" {
            throw TensorError(op, "reduce must be \"add\" or \"multiply\", got \"\(reduce)\"")
        }
        // float16 / bfloat16: computed in float32 and rounded back once (see `isHalf`).
        if isHalf { return try to(.float32).scatter(dim: dim, index: index, src: src.to(.float32), reduce: reduce).to(dtype) }
        let plan = try scatterPlan(op, dim: dim, index: index, srcShape: src.shape)
        let out = copyData(), s = src.detach().copyData()
        func run<T>(_ o: UnsafeMutablePointer<T>, _ v: UnsafeMutablePointer<T>, _ f: (inout T, T) -> Void) {
            Interrupt.inBlocks(plan.targets.count) { j0, j1 in
                for j in j0..<j1 { f(&o[plan.targets[j]], v[plan.sources[j]]) }
            }
        }
        let mode = reduce ?? "set"
        if dtype == .float32 {
            run(out.floatPointer, s.floatPointer, mode == "add" ? { $0 += $1 } : mode == "multiply" ? { $0 *= $1 } : { $0 = $1 })
        } else if dtype == .float64 {
            run(out.doublePointer, s.doublePointer, mode == "add" ? { $0 += $1 } : mode == "multiply" ? { $0 *= $1 } : { $0 = $1 })
        } else if dtype == .int64 {
            run(out.int64Pointer, s.int64Pointer, mode == "add" ? { $0 = $0 &+ $1 } : mode == "multiply" ? { $0 = $0 &* $1 } : { $0 = $1 })
        } else if dtype == .bool {
            run(out.boolPointer, s.boolPointer, mode == "add" ? { $0 = $0 || $1 } : mode == "multiply" ? { $0 = $0 && $1 } : { $0 = $1 })
        } else {
            throw TensorError(op, "not supported for dtype \(dtype)")
        }
        withExtendedLifetime(s) {}
        try Tensor.checkInterrupt()
        if Autograd.needsGraph(self, src) {
            guard reduce == nil else {
                throw TensorError(op, "the gradient of scatter with reduce= is not implemented in PyTorch either; use scatter_reduce")
            }
            let ra = requiresGrad, rb = src.requiresGrad, srcShape = src.shape, indexShape = index.shape
            Autograd.record(out, op, [self, src], saving: [index]) { g in
                // PyTorch's src gradient is gather(grad, dim, index), of the index's shape:
                // with an index smaller than src, PyTorch's backward fails (checked with
                // 2.15); vis says so at the same point rather than invent a rule.
                if rb && indexShape != srcShape {
                    throw TensorError(op, "the gradient of src has the index's shape \(shapeString(indexShape)) but src has shape \(shapeString(srcShape)) (PyTorch: \"ScatterBackward0 returned an invalid gradient at index 1\"); give src the index's shape, e.g. src[:2, :2]")
                }
                let gc = g.copyData()
                var gself: Tensor? = nil, gsrc: Tensor? = nil
                if rb {
                    // The gradient's dtype: float64 for float64 tensors.
                    let z = Tensor.full(srcShape, 0, dtype: gc.dtype)
                    func pick<T>(_ zp: UnsafeMutablePointer<T>, _ gp: UnsafeMutablePointer<T>) {
                        Interrupt.inBlocks(plan.targets.count) { j0, j1 in
                            for j in j0..<j1 { zp[plan.sources[j]] = gp[plan.targets[j]] }
                        }
                    }
                    if gc.dtype == .float32 { pick(z.floatPointer, gc.floatPointer) }
                    else if gc.dtype == .float64 { pick(z.doublePointer, gc.doublePointer) }
                    else { throw TensorError(op, "gradients of dtype \(gc.dtype) are not supported") }
                    try Tensor.checkInterrupt()
                    gsrc = z
                }
                if ra {
                    try gc.zeroPositions(plan.targets, op: op)
                    gself = gc
                }
                withExtendedLifetime(gc) {}
                return [gself, gsrc]
            }
        }
        return out
    }

    /// `scatter` with one value at every indexed position. Differentiable in self.
    public func scatter(dim: Int, index: Tensor, value: Double, reduce: String? = nil) throws -> Tensor {
        // float16 / bfloat16: computed in float32 and rounded back once (see `isHalf`).
        if isHalf { return try to(.float32).scatter(dim: dim, index: index, value: value, reduce: reduce).to(dtype) }
        if dtype == .int64 && !(value.isFinite && Swift.abs(value) < 9.2e18) {
            throw TensorError("scatter", "value \(value) does not fit int64")
        }
        let plan = try scatterPlan("scatter", dim: dim, index: index, srcShape: nil)
        let src = Tensor.full(index.shape, value, dtype: dtype)
        // The value broadcast to the index's shape is a src the index fits exactly.
        let out = try detach().scatter(dim: dim, index: index, src: src, reduce: reduce)
        if Autograd.needsGraph(self) {
            guard reduce == nil else {
                throw TensorError("scatter", "the gradient of scatter with reduce= is not implemented in PyTorch either; use scatter_reduce")
            }
            Autograd.record(out, "scatter", [self], saving: [index]) { g in
                let gc = g.copyData()
                try gc.zeroPositions(plan.targets, op: "scatter")
                return [gc]
            }
        }
        return out
    }

    /// A copy with `src`'s elements combined into the positions `index` names along
    /// `dim` by `reduce` (PyTorch's `scatter_reduce`): sum, prod, mean, amax or amin,
    /// counting this tensor's element too when `includeSelf` (else positions that
    /// receive values start from them alone). NaN propagates through amax / amin;
    /// integer means round down. Differentiable (float32): amax / amin split the
    /// gradient evenly among the elements equal to the result; prod's is the product
    /// of the other contributors (exact with zeros).
    public func scatterReduce(dim: Int, index: Tensor, src: Tensor, reduce: String, includeSelf: Bool = true) throws -> Tensor {
        let op = "scatter_reduce"
        // PyTorch also takes "max" and "min" for amax and amin (undocumented aliases).
        let name = reduce == "max" ? "amax" : reduce == "min" ? "amin" : reduce
        guard let mode = ScatterReduction(rawValue: name) else {
            throw TensorError(op, "reduce must be one of \"sum\", \"prod\", \"mean\", \"amax\", \"amin\", got \"\(reduce)\"")
        }
        guard src.dtype == dtype else {
            throw TensorError(op, "src has dtype \(src.dtype) but the tensor has dtype \(dtype); they must match")
        }
        // float16 / bfloat16: computed in float32 and rounded back once (see `isHalf`).
        if isHalf {
            return try to(.float32).scatterReduce(dim: dim, index: index, src: src.to(.float32), reduce: reduce, includeSelf: includeSelf).to(dtype)
        }
        let plan = try scatterPlan(op, dim: dim, index: index, srcShape: src.shape)
        let out = copyData(), s = src.detach().copyData()
        let n = out.count
        // How many values each position combines (self counted when included).
        var counts = [Int](repeating: includeSelf ? 1 : 0, count: n)
        var touched = [Bool](repeating: false, count: n)
        for t in plan.targets { counts[t] += 1; touched[t] = true }
        if dtype == .float32 {
            Tensor.reduceInto(out.floatPointer, s.floatPointer, plan, mode, includeSelf, touched, counts,
                              lowest: -Float.infinity, highest: Float.infinity, add: { $0 + $1 }, mul: { $0 * $1 },
                              nanAware: { $0.isNaN }, mean: { $0 / Float($1) })
        } else if dtype == .float64 {
            Tensor.reduceInto(out.doublePointer, s.doublePointer, plan, mode, includeSelf, touched, counts,
                              lowest: -Double.infinity, highest: Double.infinity, add: { $0 + $1 }, mul: { $0 * $1 },
                              nanAware: { $0.isNaN }, mean: { $0 / Double($1) })
        } else if dtype == .int64 {
            Tensor.reduceInto(out.int64Pointer, s.int64Pointer, plan, mode, includeSelf, touched, counts,
                              lowest: Int64.min, highest: Int64.max, add: { $0 &+ $1 }, mul: { $0 &* $1 },
                              nanAware: { _ in false }, mean: { v, c in
                                  let q = v / Int64(c)
                                  return (v % Int64(c) != 0 && v < 0) ? q - 1 : q
                              })
        } else {
            throw TensorError(op, "not supported for dtype \(dtype)")
        }
        withExtendedLifetime(s) {}
        try Tensor.checkInterrupt()
        if Autograd.needsGraph(self, src) {
            let ra = requiresGrad, rb = src.requiresGrad
            let xs = detach().copyData(), srcShape = src.shape
            Autograd.record(out, op, [self, src]) { g in
                let gc = g.copyData()
                let gself = Tensor.full(xs.shape, 0, dtype: gc.dtype), gs = Tensor.full(srcShape, 0, dtype: gc.dtype)
                // One rule for both float dtypes; the gradient has the tensor's dtype.
                if gc.dtype == .float32 && xs.dtype == .float32 {
                    Tensor.scatterReduceBackward(gc.floatPointer, xs.floatPointer, out.floatPointer, s.floatPointer,
                                                 gself.floatPointer, gs.floatPointer, plan, mode, includeSelf, touched, counts)
                } else if gc.dtype == .float64 && xs.dtype == .float64 {
                    Tensor.scatterReduceBackward(gc.doublePointer, xs.doublePointer, out.doublePointer, s.doublePointer,
                                                 gself.doublePointer, gs.doublePointer, plan, mode, includeSelf, touched, counts)
                } else {
                    throw TensorError(op, "the gradient is not supported for dtype \(xs.dtype)")
                }
                withExtendedLifetime((gc, xs, out, s)) {}
                return [ra ? gself : nil, rb ? gs : nil]
            }
        }
        return out
    }

    /// Equal, with NaN equal to NaN (amax / amin results may be NaN).
    @inline(__always)
    static func same<T: VisFloat>(_ a: T, _ b: T) -> Bool { a == b || (a.isNaN && b.isNaN) }

    /// The gradients of scatter_reduce (`gp` the output's gradient, `x` self, `o` the
    /// output, `sv` src) into `gx` (self's) and `gsp` (src's), zero-filled on entry:
    /// sum / mean pass it on (divided by the count for mean); amax / amin split it
    /// evenly among the elements equal to the result; prod's is the product of the
    /// other contributors (exact when some are zero).
    static func scatterReduceBackward<T: VisFloat>(
        _ gp: UnsafeMutablePointer<T>, _ x: UnsafeMutablePointer<T>, _ o: UnsafeMutablePointer<T>, _ sv: UnsafeMutablePointer<T>,
        _ gx: UnsafeMutablePointer<T>, _ gsp: UnsafeMutablePointer<T>, _ plan: (d: Int, targets: [Int], sources: [Int]),
        _ mode: ScatterReduction, _ includeSelf: Bool, _ touched: [Bool], _ counts: [Int]
    ) {
        let n = touched.count
        switch mode {
        case .sum, .mean:
            for t in 0..<n { gx[t] = touched[t] ? (includeSelf ? gp[t] / T(mode == .mean ? counts[t] : 1) : 0) : gp[t] }
            for (t, q) in zip(plan.targets, plan.sources) { gsp[q] = mode == .mean ? gp[t] / T(counts[t]) : gp[t] }
        case .amax, .amin:
            // Ties share the gradient evenly (PyTorch's rule). PyTorch 2.15 counts
            // self among the ties when it equals the result even with
            // include_self=false (self then gets none of it): so does vis.
            var equal = [Int](repeating: 0, count: n)
            for t in 0..<n where touched[t] && same(x[t], o[t]) { equal[t] += 1 }
            for (t, q) in zip(plan.targets, plan.sources) where same(sv[q], o[t]) { equal[t] += 1 }
            for t in 0..<n {
                if !touched[t] { gx[t] = gp[t] } else if includeSelf && same(x[t], o[t]) { gx[t] = gp[t] / T(equal[t]) }
            }
            for (t, q) in zip(plan.targets, plan.sources) where same(sv[q], o[t]) { gsp[q] = gp[t] / T(equal[t]) }
        case .prod:
            // The product of the other contributors of each position, from
            // prefix and suffix products (exact when some are zero).
            var groups = [Int: [Int]]()  // target -> plan entries
            for (j, t) in plan.targets.enumerated() { groups[t, default: []].append(j) }
            for t in 0..<n where !touched[t] { gx[t] = gp[t] }
            for (t, entries) in groups {
                var vals: [T] = includeSelf ? [x[t]] : []
                vals += entries.map { sv[plan.sources[$0]] }
                var prefix = [T](repeating: 1, count: vals.count + 1)
                for i in 0..<vals.count { prefix[i + 1] = prefix[i] * vals[i] }
                var suffix: T = 1
                var others = [T](repeating: 0, count: vals.count)
                for i in stride(from: vals.count - 1, through: 0, by: -1) { others[i] = prefix[i] * suffix; suffix *= vals[i] }
                var k = 0
                if includeSelf { gx[t] = gp[t] * others[0]; k = 1 }
                for (m, j) in entries.enumerated() { gsp[plan.sources[j]] += gp[t] * others[k + m] }
            }
        }
    }

    /// The forward loops of scatter_reduce for one element type.
    static func reduceInto<T: Numeric & Comparable>(
        _ o: UnsafeMutablePointer<T>, _ s: UnsafeMutablePointer<T>, _ plan: (d: Int, targets: [Int], sources: [Int]),
        _ mode: ScatterReduction, _ includeSelf: Bool, _ touched: [Bool], _ counts: [Int],
        lowest: T, highest: T, add: (T, T) -> T, mul: (T, T) -> T, nanAware: (T) -> Bool, mean: (T, Int) -> T
    ) {
        if !includeSelf {
            let start: T
            switch mode {
            case .sum, .mean: start = 0
            case .prod: start = 1
            case .amax: start = lowest
            case .amin: start = highest
            }
            for t in 0..<touched.count where touched[t] { o[t] = start }
        }
        for (j, (t, q)) in zip(plan.targets, plan.sources).enumerated() {
            if Interrupt.due(j) { return }  // Ctrl-C: scatterReduce throws after the loop
            let v = s[q]
            switch mode {
            case .sum, .mean: o[t] = add(o[t], v)
            case .prod: o[t] = mul(o[t], v)
            case .amax: if nanAware(v) || v > o[t] { if !nanAware(o[t]) { o[t] = v } }
            case .amin: if nanAware(v) || v < o[t] { if !nanAware(o[t]) { o[t] = v } }
            }
        }
        if mode == .mean {
            for t in 0..<touched.count where touched[t] && counts[t] > 0 { o[t] = mean(o[t], counts[t]) }
        }
    }
}
