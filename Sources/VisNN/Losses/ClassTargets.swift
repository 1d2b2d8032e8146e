import Foundation
import VisTensor

/// A tensor of class scores, [N, C, d1, ...] (or an unbatched [C]), seen as
/// [N, C, S] with S = d1 * ... : class c of position (n, s) sits at
/// n * C * S + c * S + s in the contiguous layout. cross_entropy and nll_loss work
/// per position.
struct ClassLayout {
    let batch: Int
    let classes: Int
    /// Product of the spatial sizes (1 for [N, C] and [C]).
    let spatial: Int
    /// The input's shape without the class dimension: the shape of class-index
    /// targets and of the unreduced loss.
    let positionShape: [Int]

    var positions: Int { batch * spatial }

    /// Offset of class 0 of position `p` (n * C * S + s).
    @inline(__always) func base(_ p: Int) -> Int { (p / spatial) * classes * spatial + p % spatial }

    // The fused kernels walk positions in blocks: runs of positions whose elements of
    // class c lie at base(start) + c * classStride + j * positionStride, j < count.
    // With S > 1 a block is a run of s within one image (positionStride 1), so the
    // loops over j read contiguous memory and vectorise; with S = 1 a block is a run
    // of rows (positionStride C).

    /// Positions per block (the kernels' scratch arrays hold one value per position).
    static let blockLength = 256
    /// Blocks per chunk of the parallel loops: 2048 positions.
    static let blocksPerChunk = 8
    /// Element step between classes of one position.
    var classStride: Int { spatial }
    /// Element step between consecutive positions of a block.
    var positionStride: Int { spatial == 1 ? classes : 1 }
    private var blocksPerImage: Int { (spatial + Self.blockLength - 1) / Self.blockLength }
    /// Number of blocks.
    var blockCount: Int {
        spatial == 1 ? (positions + Self.blockLength - 1) / Self.blockLength : batch * blocksPerImage
    }

    /// lse[j] = log(sum_c e^x[b + c * classStride + j * ps]) for the `count` positions of
    /// a block (max-subtracted, so large logits do not overflow). `m` is scratch for
    /// `count` values. Called with a literal `ps` of 1 where it is 1, so that the
    /// loops over j are unit-stride and vectorise.
    @inline(__always)
    func logSumExp(_ x: UnsafePointer<Float>, base b: Int, count: Int, ps: Int,
                   into lse: UnsafeMutablePointer<Float>, scratch m: UnsafeMutablePointer<Float>) {
        let cs = classStride
        for j in 0..<count { m[j] = -Float.infinity; lse[j] = 0 }
        for c in 0..<classes {
            let row = x + (b &+ c &* cs)
            for j in 0..<count { let v = row[j &* ps]; m[j] = v > m[j] ? v : m[j] }
        }
        for c in 0..<classes {
            let row = x + (b &+ c &* cs)
            for j in 0..<count { lse[j] += FastMath.exp(row[j &* ps] - m[j]) }
        }
        for j in 0..<count { lse[j] = m[j] + FastMath.log(lse[j]) }
    }

    /// The first position of block `k` and its number of positions.
    @inline(__always) func block(_ k: Int) -> (start: Int, count: Int) {
        if spatial == 1 {
            let start = k * Self.blockLength
            return (start, Swift.min(Self.blockLength, positions - start))
        }
        let n = k / blocksPerImage, s0 = (k % blocksPerImage) * Self.blockLength
        return (n * spatial + s0, Swift.min(Self.blockLength, spatial - s0))
    }
}

extension Functional {
    /// Checks the input of a class-scored loss and returns its layout.
    static func classLayout(_ op: String, _ input: Tensor, what: String) throws -> ClassLayout {
        // float64 reaches here only from the float64 paths (see `classLossDType`).
        guard input.dtype == .float32 || input.dtype == .float64 else {
            throw TensorError(op, "input must be a float32 or float64 tensor of \(what), got \(input.dtype) (use .float())")
        }
        guard input.ndim >= 1 else {
            throw TensorError(op, "input must have a class dimension ([C], [N, C] or [N, C, d1, ...]), got a scalar")
        }
        // An empty input may still declare sizes whose block arithmetic overflows.
        try Shape.validateExtent(input.shape, op: op)
        if input.ndim == 1 {
            return ClassLayout(batch: 1, classes: input.shape[0], spatial: 1, positionShape: [])
        }
        let rest = Array(input.shape[2...])
        return ClassLayout(batch: input.shape[0], classes: input.shape[1], spatial: Shape.numel(rest),
                           positionShape: [input.shape[0]] + rest)
    }

    /// Checks class-index targets against the input and returns them as a contiguous
    /// int64 tensor, every value either `ignoreIndex` or in 0..<C.
    /// `probabilitiesAllowed` adds the other accepted shape to the shape error.
    static func classTargets(_ op: String, _ input: Tensor, _ target: Tensor, _ layout: ClassLayout,
                             ignoreIndex: Int, probabilitiesAllowed: Bool) throws -> Tensor {
        let expected = layout.positionShape
        guard target.ndim == expected.count else {
            let alternative = probabilitiesAllowed ? "; class-probability targets have the input's shape" : ""
            throw TensorError(op, "input \(shapeString(input.shape)) and target \(shapeString(target.shape)) have incompatible shapes: class-index targets have the input's shape without dimension 1, \(shapeString(expected))\(alternative)")
        }
        guard target.dtype == .int64 else {
            throw TensorError(op, "target must be int64 class indices (use .long()), got \(target.dtype)")
        }
        if input.ndim >= 2 && target.shape[0] != input.shape[0] {
            throw TensorError(op, "input \(shapeString(input.shape)) and target \(shapeString(target.shape)) disagree on the batch size")
        }
        guard target.shape == expected else {
            throw TensorError(op, "input \(shapeString(input.shape)) and target \(shapeString(target.shape)) disagree on the spatial size: the target should be \(shapeString(expected))")
        }
        let t = target.detach().contiguous()
        let p = t.int64Pointer, c = Int64(layout.classes), ignore = Int64(ignoreIndex)
        for i in 0..<t.count where p[i] != ignore && !(p[i] >= 0 && p[i] < c) {
            let valid = c > 0 ? "expected 0...\(c - 1)" : "no class index is valid"
            throw TensorError(op, "target \(p[i]) is out of range for \(c) classes (\(valid), or ignore_index \(ignoreIndex))")
        }
        return t
    }

    /// Checks per-class weights and returns them as a contiguous float32 [C] tensor.
    /// They are constants: no gradient flows to them (as in PyTorch).
    /// How a class-index loss computes for its input's dtype: nil for float32 (the
    /// float32 kernels), float64 (after checking that the weight is float64 too, as
    /// PyTorch does), or a half dtype, which the caller computes in float32 and converts.
    static func classLossDType(_ op: String, _ input: Tensor, weight: Tensor?) throws -> DType? {
        guard input.dtype.isFloatingPoint else { return nil }
        if let weight, weight.dtype != input.dtype, weight.dtype.isFloatingPoint {
            throw TensorError(op, "expected scalar type \(LayerDType.scalarName(input.dtype)) but found \(LayerDType.scalarName(weight.dtype))")
        }
        return input.dtype == .float32 ? nil : input.dtype
    }

    static func classWeights(_ op: String, _ weight: Tensor?, classes: Int) throws -> Tensor? {
        guard let weight else { return nil }
        guard weight.dtype == .float32 || weight.dtype == .float64, weight.shape == [classes] else {
            throw TensorError(op, "weight must be a float32 tensor with one weight per class, shape [\(classes)], got \(weight.dtype) \(shapeString(weight.shape))")
        }
        return weight.detach().contiguous()
    }
}
