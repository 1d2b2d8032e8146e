import VisTensor

/// How `Functional.pad` fills the border (PyTorch's `F.pad` modes).
public enum PadMode: String, CaseIterable {
    /// A constant value (`value`, 0 by default); negative padding crops.
    case constant
    /// The mirror image without repeating the edge: [1, 2, 3] padded by 2 on the left is [3, 2, 1, 2, 3].
    case reflect
    /// The edge value repeated: [1, 2, 3] padded by 2 on the left is [1, 1, 1, 2, 3].
    case replicate
    /// Wraps around: [1, 2, 3] padded by 2 on the left is [2, 3, 1, 2, 3].
    case circular
}

/// Padding of the last dimensions (PyTorch's `F.pad` and the ZeroPad / ConstantPad /
/// ReflectionPad / ReplicationPad / CircularPad layers). A composite of differentiable
/// ops: constant padding concatenates constant blocks (or narrows, for negative
/// amounts); the other modes gather each padded dimension through an index list, so the
/// gradient of a border element adds into the element it copies, as in PyTorch.
extension Functional {
    /// Pads `x`: `pad` holds (left, right) pairs starting with the LAST dimension,
    /// (left, right, top, bottom) for the last two, and so on (PyTorch's order).
    ///
    /// Constant mode pads any number of dimensions up to the input's rank; the other
    /// modes follow PyTorch's supported combinations: 2 values for a 2-D or 3-D input,
    /// 4 values for 3-D or 4-D, 6 values for 4-D or 5-D. Reflect padding must be smaller
    /// than the padded dimension, circular padding at most its size.
    /// - Throws: `TensorError` naming `op`, the padding and the input shape.
    public static func pad(_ x: Tensor, _ pad: [Int], mode: PadMode = .constant, value: Double = 0,
                           op: String = "pad") throws -> Tensor {
        guard pad.count % 2 == 0 else {
            throw TensorError(op, "padding length must be divisible by 2, got \(pad.count) values \(pad)")
        }
        let k = pad.count / 2
        guard k <= x.ndim else {
            throw TensorError(op, "padding length should be less than or equal to two times the input dimension but got padding length \(pad.count) and input of dimension \(x.ndim) (shape \(shapeString(x.shape)))")
        }
        if mode != .constant {
            guard (1...3).contains(k), x.ndim == k + 1 || x.ndim == k + 2 else {
                throw TensorError(op, "\(mode.rawValue) padding of \(pad.count) values is not supported for a \(x.ndim)-D input (shape \(shapeString(x.shape))); supported: 2 values for a 2-D or 3-D input, 4 for 3-D or 4-D, 6 for 4-D or 5-D")
            }
        }
        var out = x
        for i in 0..<k {
            let d = x.ndim - 1 - i
            let left = pad[2 * i], right = pad[2 * i + 1]
            if left == 0 && right == 0 { continue }
            let size = x.shape[d]
            let (s1, o1) = size.addingReportingOverflow(left)
            let (newSize, o2) = s1.addingReportingOverflow(right)
            guard !o1, !o2, newSize >= 0 else {
                throw TensorError(op, "the input size \(size) of dimension \(d) plus the padding (\(left), \(right)) gives a negative or too large output size (input shape \(shapeString(x.shape)))")
            }
            var shape = out.shape
            shape[d] = newSize
            try Shape.validate(shape, op: op)
            switch mode {
            case .constant:
                out = try constantPad(out, dim: d, left: left, right: right, value: value)
            case .reflect, .replicate, .circular:
                if mode == .reflect {
                    guard left < size, right < size else {
                        throw TensorError(op, "reflect padding (\(left), \(right)) must be less than the size \(size) of dimension \(d) of the input \(shapeString(x.shape))")
                    }
                } else if mode == .circular {
                    guard left <= size, right <= size else {
                        throw TensorError(op, "circular padding (\(left), \(right)) must be at most the size \(size) of dimension \(d) of the input \(shapeString(x.shape))")
                    }
                } else if size == 0 {
                    throw TensorError(op, "replicate padding needs a non-empty dimension \(d), got input shape \(shapeString(x.shape))")
                }
                // Source position of every output position j - left, j in 0..<newSize.
                var index = [Int64]()
                index.reserveCapacity(newSize)
                for j in 0..<newSize {
                    var s = j - left
                    switch mode {
                    case .reflect:
                        if s < 0 { s = -s }
                        if s >= size { s = 2 * (size - 1) - s }
                    case .replicate:
                        s = Swift.min(Swift.max(s, 0), size - 1)
                    default:
                        s = ((s % size) + size) % size
                    }
                    index.append(Int64(s))
                }
                out = try out.indexSelect(dim: d, index: Tensor(int64: index, shape: [newSize]))
            }
        }
        return out
    }

    /// Constant padding of one dimension: narrows for negative amounts, then
    /// concatenates blocks filled with `value` (the gradient of the blocks is dropped).
    private static func constantPad(_ x: Tensor, dim d: Int, left: Int, right: Int, value: Double) throws -> Tensor {
        var out = x
        // Crops first (negative amounts), so the blocks below see the cropped size.
        let cropLeft = Swift.max(0, -left), cropRight = Swift.max(0, -right)
        if cropLeft > 0 || cropRight > 0 {
            out = try out.narrow(d, cropLeft, out.shape[d] - cropLeft - cropRight)
        }
        var parts: [Tensor] = []
        for amount in [Swift.max(0, left), -1, Swift.max(0, right)] {
            if amount == -1 { parts.append(out); continue }
            if amount == 0 { continue }
            var shape = out.shape
            shape[d] = amount
            parts.append(Tensor.full(shape, value, dtype: x.dtype))
        }
        return parts.count == 1 ? out : try Tensor.cat(parts, dim: d)
    }
}
