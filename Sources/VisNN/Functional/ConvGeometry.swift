import VisTensor

/// How `conv2d` pads its input (PyTorch's `padding=` argument).
public enum ConvPadding: Equatable {
    /// Zero rows above and below (first) and zero columns left and right (second).
    case explicit(Int, Int)
    /// Output as large as the input (stride 1 only). When the total padding
    /// dilation * (kernel - 1) is odd, the extra row/column goes to the bottom/right,
    /// as in PyTorch.
    case same
    /// No padding.
    case valid
}

/// The sizes of one 2-D convolution as the kernels see it: an image side [C, H, W]
/// (the input of conv2d, the output of conv_transpose2d) and a patch grid
/// [Ho, Wo] of kernel-sized windows over the zero-padded image.
///
/// The column matrix of one image is [C * kh * kw, Ho * Wo]: row (c, i, j) holds,
/// for every window, the image value under kernel tap (i, j) of channel c. With
/// channels outermost, the rows of group g are one contiguous block.
struct ConvGeometry {
    let channels: Int
    let height: Int
    let width: Int
    let kernelH: Int
    let kernelW: Int
    let strideH: Int
    let strideW: Int
    /// Zero rows above / columns left of the image (those below / right only change Ho, Wo).
    let padTop: Int
    let padLeft: Int
    let dilationH: Int
    let dilationW: Int
    let outH: Int
    let outW: Int

    /// Rows of the column matrix (all groups): C * kh * kw.
    var colRows: Int { channels * kernelH * kernelW }
    /// Columns of the column matrix: the number of windows, Ho * Wo.
    var patches: Int { outH * outW }
    /// Elements of one image: C * H * W.
    var imageSize: Int { channels * height * width }

    /// A 1x1, stride-1, unpadded convolution: the image [C, H * W] is its own column
    /// matrix, so no im2col is needed.
    var isPointwise: Bool {
        kernelH == 1 && kernelW == 1 && strideH == 1 && strideW == 1 && padTop == 0 && padLeft == 0
            && outH == height && outW == width
    }

    /// The number of windows along one axis: floor((size + padding - span) / stride) + 1,
    /// where span = dilation * (kernel - 1) + 1 (at most 0 when the kernel does not fit).
    static func windows(size: Int, totalPadding: Int, kernel: Int, stride: Int, dilation: Int) -> Int {
        let room = size + totalPadding - (dilation * (kernel - 1) + 1)
        return room < 0 ? 0 : room / stride + 1
    }

    /// Padding before and after along one axis for `padding` (index 0: height, 1: width).
    static func padding(_ padding: ConvPadding, axis: Int, kernel: Int, dilation: Int) -> (before: Int, after: Int) {
        switch padding {
        case .explicit(let h, let w):
            let p = axis == 0 ? h : w
            return (p, p)
        case .valid:
            return (0, 0)
        case .same:
            let total = dilation * (kernel - 1)
            return (total / 2, total - total / 2)
        }
    }
}

/// Argument checks shared by the convolution ops, with messages that name the op.
enum ConvCheck {
    /// Throws unless every value of the pairs is at least `minimum`.
    static func pairs(_ op: String, _ named: [(String, (Int, Int))], minimum: Int) throws {
        for (name, p) in named where p.0 < minimum || p.1 < minimum {
            let rule = minimum == 0 ? "non-negative" : "positive"
            throw TensorError(op, "\(name) must be \(rule), got (\(p.0), \(p.1))")
        }
    }

    /// Throws unless every value of the pairs is at most `Shape.maxElements`: a size
    /// argument larger than any tensor (padding=2**62) is an error naming it, and the
    /// geometry's sums of a few such values cannot overflow.
    static func bounded(_ op: String, _ named: [(String, (Int, Int))]) throws {
        for (name, p) in named {
            for v in [p.0, p.1] where v > Shape.maxElements {
                throw TensorError(op, "\(name) \(v) is too large (at most \(Shape.maxElements))")
            }
        }
    }

    /// The extent dilation * (kernel - 1) + 1 of a kernel along one axis, overflow-checked
    /// (`dilation` and `kernel` are positive and bounded, their product may not be).
    static func span(_ op: String, kernel: Int, dilation: Int) throws -> Int {
        let (m, overflow) = dilation.multipliedReportingOverflow(by: kernel - 1)
        guard !overflow, m < Shape.maxElements else {
            throw TensorError(op, "dilation \(dilation) is too large for kernel size \(kernel) (the kernel would span more than \(Shape.maxElements) elements)")
        }
        return m + 1
    }

    /// Checks the tensors of an op: their non-zero sizes multiply to at most
    /// `Shape.maxElements` (an empty input may carry huge sizes).
    static func extents(_ op: String, _ named: [(String, Tensor?)]) throws {
        for case let (name, t?) in named { try Shape.validateExtent(t.shape, op: op, name: name) }
    }

    /// Throws unless `t` is float32.
    static func float(_ op: String, _ t: Tensor, _ name: String) throws {
        guard t.dtype == .float32 else {
            throw TensorError(op, "expected a float32 \(name), got \(t.dtype) (shape \(shapeString(t.shape)))")
        }
    }

    /// Throws unless every matrix size of the op's sgemm calls fits cblas's 32-bit ints.
    static func blasSizes(_ op: String, _ sizes: [Int], shape: [Int]) throws {
        guard sizes.allSatisfy({ $0 <= BLAS.maxDimension }) else {
            throw TensorError(op, "input \(shapeString(shape)) is too large for one matrix product (a size exceeds \(BLAS.maxDimension))")
        }
    }

    /// Runs `body` on a 4-D view of a 3-D (unbatched [C, H, W]) input and drops the
    /// batch dimension again, as PyTorch does for unbatched inputs; 4-D inputs pass through.
    static func batched(_ op: String, _ x: Tensor, _ body: (Tensor) throws -> Tensor) throws -> Tensor {
        switch x.ndim {
        case 4: return try body(x)
        case 3: return try body(x.unsqueeze(0)).squeeze(0)
        default: throw TensorError(op, "expected input [N, C, H, W] or unbatched [C, H, W], got \(shapeString(x.shape))")
        }
    }
}
