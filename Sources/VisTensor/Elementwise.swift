/// The loop engine behind every elementwise op: contiguous fast paths, scalar
/// operands, and a general strided walk over broadcast operands, split across cores
/// for large tensors. Ops supply the per-element function; everything here is
/// `@inline(__always)` so that each op gets its own specialised, vectorisable loop.
/// A per-element function of two operands, as a type so that loops specialise on it.
protocol BinaryKernel {
    associatedtype A
    associatedtype B
    associatedtype R
    func callAsFunction(_ a: A, _ b: B) -> R
}

/// A per-element function of one operand, as a type so that loops specialise on it.
protocol UnaryKernel {
    associatedtype A
    associatedtype R
    func callAsFunction(_ a: A) -> R
}

/// Adapts a closure to `BinaryKernel` for cold paths.
struct ClosureBinary<A, B, R>: BinaryKernel {
    let f: (A, B) -> R
    @inline(__always) func callAsFunction(_ a: A, _ b: B) -> R { f(a, b) }
}

/// Adapts a closure to `UnaryKernel` for cold paths.
struct ClosureUnary<A, R>: UnaryKernel {
    let f: (A) -> R
    @inline(__always) func callAsFunction(_ a: A) -> R { f(a) }
}

enum Elementwise {
    /// Merges adjacent dimensions that every operand walks contiguously, so that
    /// e.g. a contiguous [64, 32, 28, 28] tensor is walked as one run of elements.
    static func coalesce(_ shape: [Int], _ strides: inout [[Int]]) -> [Int] {
        guard shape.count > 1 else { return shape }
        var outShape = [shape[shape.count - 1]]
        var outStrides = strides.map { [$0[shape.count - 1]] }
        var d = shape.count - 2
        while d >= 0 {
            let size = shape[d]
            let mergeable = strides.indices.allSatisfy { k in
                strides[k][d] == outStrides[k][0] * outShape[0]
            }
            if mergeable || size == 1 {
                if size != 1 { outShape[0] *= size }
            } else if outShape[0] == 1 {
                outShape[0] = size
                for k in strides.indices { outStrides[k][0] = strides[k][d] }
            } else {
                outShape.insert(size, at: 0)
                for k in strides.indices { outStrides[k].insert(strides[k][d], at: 0) }
            }
            d -= 1
        }
        strides = outStrides
        return outShape
    }

    /// `out[i] = f(a[i], b[i])` for a closure: convenient, but called per element.
    /// Hot ops pass a `BinaryKernel` type instead, which the compiler inlines.
    @inline(__always)
    static func binary<A, B, R>(_ a: Tensor, _ b: Tensor, outShape: [Int], outDType: DType,
                                _ f: (A, B) -> R) -> Tensor {
        withoutActuallyEscaping(f) { f in
            binary(a, b, outShape: outShape, outDType: outDType, kernel: ClosureBinary(f: f))
        }
    }

    /// `out[i] = f(x[i])` for a closure (see `binary` above for the trade-off).
    @inline(__always)
    static func unary<A, R>(_ x: Tensor, outDType: DType, _ f: (A) -> R) -> Tensor {
        withoutActuallyEscaping(f) { f in unary(x, outDType: outDType, kernel: ClosureUnary(f: f)) }
    }

    /// `out[i] = f(a[i], b[i])` with `a` and `b` broadcast to `outShape`.
    @inline(__always)
    static func binary<K: BinaryKernel>(_ a: Tensor, _ b: Tensor, outShape: [Int], outDType: DType,
                                        kernel f: K) -> Tensor {
        typealias A = K.A
        typealias B = K.B
        typealias R = K.R
        let out = Tensor.uninitialized(outShape, like: a.shape == outShape ? a : b, dtype: outDType)
        let n = out.count
        if n == 0 { return out }
        let pa = UnsafePointer(a.storage.data.assumingMemoryBound(to: A.self) + a.offset)
        let pb = UnsafePointer(b.storage.data.assumingMemoryBound(to: B.self) + b.offset)
        let po = out.storage.data.assumingMemoryBound(to: R.self)

        if a.isContiguous && b.isContiguous && a.shape == b.shape {
            Parallel.forRange(n) { s, e in
                for i in s..<e { po[i] = f(pa[i], pb[i]) }
            }
            return out
        }
        if b.count == 1 && a.isContiguous && a.shape == outShape {
            let bv = pb[0]
            Parallel.forRange(n) { s, e in
                for i in s..<e { po[i] = f(pa[i], bv) }
            }
            return out
        }
        if a.count == 1 && b.isContiguous && b.shape == outShape {
            let av = pa[0]
            Parallel.forRange(n) { s, e in
                for i in s..<e { po[i] = f(av, pb[i]) }
            }
            return out
        }

        var strides = [Shape.broadcastStrides(a.shape, a.strides, to: outShape),
                       Shape.broadcastStrides(b.shape, b.strides, to: outShape)]
        let shape = coalesce(outShape, &strides)
        let sa = strides[0], sb = strides[1]
        let inner = shape[shape.count - 1]
        let ia = sa[shape.count - 1], ib = sb[shape.count - 1]
        let rows = n / inner
        Parallel.forRange(rows, costPerElement: inner) { r0, r1 in
            var index = [Int](repeating: 0, count: shape.count)
            var offA = 0, offB = 0
            var rem = r0
            var d = shape.count - 2
            while d >= 0 {
                index[d] = rem % shape[d]
                rem /= shape[d]
                offA += index[d] * sa[d]
                offB += index[d] * sb[d]
                d -= 1
            }
            for r in r0..<r1 {
                let o = po + r * inner
                let xa = pa + offA, xb = pb + offB
                if ia == 1 && ib == 1 {
                    for i in 0..<inner { o[i] = f(xa[i], xb[i]) }
                } else if ib == 0 {
                    let bv = xb[0]
                    if ia == 1 { for i in 0..<inner { o[i] = f(xa[i], bv) } } else { for i in 0..<inner { o[i] = f(xa[i * ia], bv) } }
                } else if ia == 0 {
                    let av = xa[0]
                    if ib == 1 { for i in 0..<inner { o[i] = f(av, xb[i]) } } else { for i in 0..<inner { o[i] = f(av, xb[i * ib]) } }
                } else {
                    for i in 0..<inner { o[i] = f(xa[i * ia], xb[i * ib]) }
                }
                // Step the outer index like an odometer.
                var k = shape.count - 2
                while k >= 0 {
                    index[k] += 1
                    offA += sa[k]
                    offB += sb[k]
                    if index[k] < shape[k] { break }
                    offA -= sa[k] * shape[k]
                    offB -= sb[k] * shape[k]
                    index[k] = 0
                    k -= 1
                }
            }
        }
        return out
    }

    /// `out[i] = f(x[i])`, a new contiguous tensor of x's shape.
    @inline(__always)
    static func unary<K: UnaryKernel>(_ x: Tensor, outDType: DType, kernel f: K) -> Tensor {
        typealias A = K.A
        typealias R = K.R
        let out = Tensor.uninitialized(x.shape, like: x, dtype: outDType)
        let n = out.count
        if n == 0 { return out }
        let po = out.storage.data.assumingMemoryBound(to: R.self)
        if x.isContiguous {
            let px = UnsafePointer(x.storage.data.assumingMemoryBound(to: A.self) + x.offset)
            Parallel.forRange(n) { s, e in
                for i in s..<e { po[i] = f(px[i]) }
            }
            return out
        }
        // A strided view (transposed, sliced, expanded) is walked row by row: the scratch
        // is one index per dimension, never one per element (an expanded view of 10^9
        // elements over one stored value must not need 8 GB of offsets).
        let px = UnsafePointer(x.storage.data.assumingMemoryBound(to: A.self) + x.offset)
        var strides = [x.strides]
        let shape = coalesce(x.shape, &strides)
        let sx = strides[0]
        let inner = shape[shape.count - 1], step = sx[shape.count - 1]
        Parallel.forRange(n / inner, costPerElement: inner) { r0, r1 in
            walkRows(shape, sx, from: r0, to: r1) { r, off in
                let o = po + r * inner, xr = px + off
                if step == 1 {
                    for i in 0..<inner { o[i] = f(xr[i]) }
                } else if step == 0 {
                    let v = f(xr[0])
                    for i in 0..<inner { o[i] = v }
                } else {
                    for i in 0..<inner { o[i] = f(xr[i * step]) }
                }
            }
        }
        return out
    }

    /// Calls `body(r, offset)` for rows `r0..<r1` of a view of `shape` / `strides`
    /// (a row is the last dimension; `offset` is the storage offset of its first
    /// element relative to the view's). Keeps one index per dimension, like an odometer.
    @inline(__always)
    static func walkRows(_ shape: [Int], _ strides: [Int], from r0: Int, to r1: Int, _ body: (Int, Int) -> Void) {
        guard r0 < r1 else { return }
        let outerDims = shape.count - 1
        if outerDims <= 0 {
            for r in r0..<r1 { body(r, 0) }
            return
        }
        var index = [Int](repeating: 0, count: outerDims)
        var off = 0, rem = r0
        var d = outerDims - 1
        while d >= 0 {
            index[d] = rem % shape[d]
            rem /= shape[d]
            off += index[d] * strides[d]
            d -= 1
        }
        for r in r0..<r1 {
            body(r, off)
            var k = outerDims - 1
            while k >= 0 {
                index[k] += 1
                off += strides[k]
                if index[k] < shape[k] { break }
                off -= strides[k] * shape[k]
                index[k] = 0
                k -= 1
            }
        }
    }

    /// Applies `f` to every element of `x` in place (x's own layout, any strides).
    @inline(__always)
    static func updateInPlace<K: UnaryKernel>(_ x: Tensor, kernel f: K) where K.A == K.R {
        typealias A = K.A
        let n = x.count
        if n == 0 { return }
        let px = x.storage.data.assumingMemoryBound(to: A.self) + x.offset
        if x.isContiguous {
            Parallel.forRange(n) { s, e in
                for i in s..<e { px[i] = f(px[i]) }
            }
            return
        }
        // Row by row through the strides (no per-element offset scratch); on an expanded
        // view (stride 0) f applies once per view element, as the offset walk did.
        var strides = [x.strides]
        let shape = coalesce(x.shape, &strides)
        let sx = strides[0]
        let inner = shape[shape.count - 1], step = sx[shape.count - 1]
        walkRows(shape, sx, from: 0, to: n / inner) { _, off in
            let xr = px + off
            for i in 0..<inner { xr[i * step] = f(xr[i * step]) }
        }
    }

    /// The storage offset (relative to the view's own offset) of every element of a
    /// view, in row-major order (the rows walked as `walkRows` walks them).
    static func stridedOffsets(_ shape: [Int], _ strides: [Int], into offsets: inout [Int]) {
        let n = Shape.numel(shape)
        guard n > 0 else { return }
        if shape.isEmpty { offsets[0] = 0; return }
        let inner = shape[shape.count - 1], step = strides[shape.count - 1]
        offsets.withUnsafeMutableBufferPointer { o in
            walkRows(shape, strides, from: 0, to: n / inner) { r, off in
                for j in 0..<inner { o[r * inner + j] = off + j * step }
            }
        }
    }
}
