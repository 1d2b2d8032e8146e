import VisTensor

/// `interpolate` in float64, as composites of differentiable float64 ops: each axis is
/// resized by `index_select` of the source rows (columns) and, for bilinear, a blend of
/// the two neighbours with float64 weights. The index rules are PyTorch's (UpSample.h):
/// nearest computes its source index with a float scale for every dtype (the float32
/// `AxisMap`), bilinear computes positions and weights in the tensor's own precision.
enum Float64Resize {
    /// x [N, C, H, W] resized to [N, C, outH, outW] (arguments checked by `interpolate`).
    static func interpolate(_ x: Tensor, outH: Int, outW: Int, scaleFactor: (Double, Double)?,
                            mode: InterpolationMode, alignCorners: Bool) throws -> Tensor {
        let rows = try resizeAxis(x, dim: 2, inSize: x.shape[2], outSize: outH, scale: scaleFactor?.0, mode: mode, alignCorners: alignCorners)
        return try resizeAxis(rows, dim: 3, inSize: x.shape[3], outSize: outW, scale: scaleFactor?.1, mode: mode, alignCorners: alignCorners)
    }

    /// One axis of the resize: [.., inSize (at dim), ..] -> [.., outSize, ..].
    private static func resizeAxis(_ x: Tensor, dim: Int, inSize: Int, outSize: Int, scale: Double?,
                                   mode: InterpolationMode, alignCorners: Bool) throws -> Tensor {
        if inSize == outSize { return x }
        if mode == .nearest {
            let map = AxisMap(inSize: inSize, outSize: outSize, scaleFactor: scale, alignCorners: false, mode: .nearest)
            let index = try Tensor(int64: (0..<outSize).map { Int64(map.i0[$0]) }, shape: [outSize])
            return try x.indexSelect(dim: dim, index: index)
        }
        // Bilinear: PyTorch's area_pixel_compute_scale / source index in double.
        let s: Double
        if alignCorners {
            s = outSize > 1 ? Double(inSize - 1) / Double(outSize - 1) : 0
        } else if let scale, scale > 0 {
            s = 1 / scale
        } else {
            s = Double(inSize) / Double(outSize)
        }
        var lo = [Int64](), hi = [Int64](), w0 = [Double](), w1 = [Double]()
        for d in 0..<outSize {
            let real = alignCorners ? s * Double(d) : Swift.max(s * (Double(d) + 0.5) - 0.5, 0)
            let l = Swift.min(Int(real.rounded(.down)), inSize - 1)
            let lambda = Swift.min(Swift.max(real - Double(l), 0), 1)
            lo.append(Int64(l))
            hi.append(Int64(l < inSize - 1 ? l + 1 : l))
            w0.append(1 - lambda)
            w1.append(lambda)
        }
        var shape = Array(repeating: 1, count: x.ndim)
        shape[dim] = outSize
        let a = try x.indexSelect(dim: dim, index: Tensor(int64: lo, shape: [outSize]))
        let b = try x.indexSelect(dim: dim, index: Tensor(int64: hi, shape: [outSize]))
        return try a.mul(weights(w0, shape)).add(b.mul(weights(w1, shape)))
    }

    /// A float64 tensor of `values` in `shape`.
    private static func weights(_ values: [Double], _ shape: [Int]) throws -> Tensor {
        let t = Tensor(uninitialized: shape, dtype: .float64)
        t.doublePointer.update(from: values, count: values.count)
        return t
    }
}
