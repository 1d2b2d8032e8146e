import COpenBLAS
import VisTensor

/// One layer and one direction of a recurrent op over a whole sequence, on raw
/// buffers: the input projection for all steps as one sgemm, then per step one sgemm
/// for h @ W_hh^T and the fused gate kernel; backward through time the same way in
/// reverse, then the weight and input gradients as a few large sgemms.
///
/// Every sequence buffer is time-major: row `t * N + n` holds step t of batch element n.
/// The pointers belong to tensors that the caller (the op's tape) keeps alive.
struct RecurrentDirection {
    let cell: RecurrentCell
    /// T, N, I (this layer's input size), H.
    let steps: Int, batch: Int, inputSize: Int, hidden: Int
    /// True for the reverse direction of a bidirectional layer (steps T-1 ... 0).
    let reverse: Bool
    /// W_ih [G, I] and W_hh [G, H], G = gates * H.
    let wih: UnsafePointer<Float>, whh: UnsafePointer<Float>
    /// W_hh^T [H, G], contiguous, so that each step's h @ W_hh^T is a plain product:
    /// OpenBLAS's small-matrix kernels take that one directly, where the transposed
    /// form repacks W_hh at every step (about 1.4x slower per step for W5's sizes).
    let whhT: UnsafePointer<Float>
    /// LSTM: b_ih + b_hh [4H]; GRU: b_ih [3H]. Zeros for a layer without bias.
    let bias: UnsafePointer<Float>
    /// GRU: b_hh [3H] (kept apart: b_hn is multiplied by r). Unused by the LSTM.
    let biasHH: UnsafePointer<Float>
    /// The layer input [T * N, I].
    let x: UnsafePointer<Float>
    /// Initial states [N, H] (zeros when not given; `hasH0` says whether h0 was).
    let h0: UnsafePointer<Float>, c0: UnsafePointer<Float>, hasH0: Bool
    /// This direction's H columns of the layer output [T * N, ld ldOut].
    let out: UnsafeMutablePointer<Float>, ldOut: Int
    /// Saved activations [T * N, 4H] (see RecurrentCells); LSTM cell states [T * N, H].
    let gates: UnsafeMutablePointer<Float>, cells: UnsafeMutablePointer<Float>

    private var g: Int { cell.gateCount * hidden }

    /// The time index of the s-th step processed.
    @inline(__always)
    private func time(_ s: Int) -> Int { reverse ? steps - 1 - s : s }

    /// h_{s-1} of the s-th step processed and its row stride: h0 first, then the
    /// output of the step before.
    @inline(__always)
    private func hPrev(_ s: Int) -> (UnsafePointer<Float>, Int) {
        s == 0 ? (h0, hidden) : (UnsafePointer(out + time(s - 1) * batch * ldOut), ldOut)
    }

    // MARK: forward

    /// gates[:, 0..<G] = x @ W_ih^T for every step at once.
    func projectInput() {
        recurrentGEMM(transA: false, transB: true, m: steps * batch, n: g, k: inputSize,
                      a: x, lda: inputSize, b: wih, ldb: inputSize, c: gates, ldc: 4 * hidden)
    }

    /// The recurrence over all steps (after `projectInput`). `scratch` [N, 3H] holds a
    /// GRU step's h @ W_hh^T.
    func runForward(scratch: UnsafeMutablePointer<Float>) {
        let n = batch, h = hidden, ld = 4 * hidden
        for s in 0..<steps {
            let t = time(s)
            let (hp, ldp) = hPrev(s)
            let gt = gates + t * n * ld
            switch cell {
            case .lstm:
                // A zero h0 adds nothing: skip its product.
                if s > 0 || hasH0 {
                    stepGEMM(m: n, n: g, k: h, a: hp, lda: ldp, b: whhT, ldb: g, c: gt, ldc: ld, beta: 1)
                }
                let cp = s == 0 ? c0 : UnsafePointer(cells + time(s - 1) * n * h)
                RecurrentCells.lstmForward(rows: n, hidden: h, gates: gt, bias: bias, cPrev: cp,
                                           c: cells + t * n * h, h: out + t * n * ldOut, ldh: ldOut)
            case .rnnTanh, .rnnRelu:
                // As the LSTM: h @ W_hh^T added onto the input projection (none for a zero h0).
                if s > 0 || hasH0 {
                    stepGEMM(m: n, n: g, k: h, a: hp, lda: ldp, b: whhT, ldb: g, c: gt, ldc: ld, beta: 1)
                }
                RecurrentCells.rnnForward(rows: n, hidden: h, gates: gt, bias: bias, relu: cell == .rnnRelu,
                                          h: out + t * n * ldOut, ldh: ldOut)
            case .gru:
                stepGEMM(m: n, n: g, k: h, a: hp, lda: ldp, b: whhT, ldb: g, c: scratch, ldc: g, beta: 0)
                RecurrentCells.gruForward(rows: n, hidden: h, gates: gt, gh: scratch, bih: bias, bhh: biasHH,
                                          hPrev: hp, ldp: ldp, h: out + t * n * ldOut, ldh: ldOut)
            }
        }
    }

    /// Copies the states after the last step processed into hN and cN ([N, H]).
    func finalStates(hN: UnsafeMutablePointer<Float>, cN: UnsafeMutablePointer<Float>?) {
        let t = time(steps - 1)
        for row in 0..<batch {
            (hN + row * hidden).update(from: out + (t * batch + row) * ldOut, count: hidden)
        }
        cN?.update(from: cells + t * batch * hidden, count: batch * hidden)
    }

    // MARK: backward

    /// Backward through time. `dOut` ([T * N, ld ldd]) is the gradient of this
    /// direction's output columns; dh and dc ([N, H]) hold the gradients of the final
    /// states on entry and those of h0 and c0 on exit. Fills dGx and dGh ([T * N, G]):
    /// the gradients of the gate pre-activations on the input side and on the hidden
    /// side (the same buffer for the LSTM, whose two sides are equal).
    func runBackward(dOut: UnsafePointer<Float>, ldd: Int, dh: UnsafeMutablePointer<Float>,
                     dc: UnsafeMutablePointer<Float>, dGx: UnsafeMutablePointer<Float>,
                     dGh: UnsafeMutablePointer<Float>) {
        let n = batch, h = hidden, ld = 4 * hidden
        for s in stride(from: steps - 1, through: 0, by: -1) {
            let t = time(s)
            let (hp, ldp) = hPrev(s)
            switch cell {
            case .lstm:
                let cp = s == 0 ? c0 : UnsafePointer(cells + time(s - 1) * n * h)
                RecurrentCells.lstmBackward(rows: n, hidden: h, gates: gates + t * n * ld, cPrev: cp,
                                            c: cells + t * n * h, dOut: dOut + t * n * ldd, ldd: ldd,
                                            dh: dh, dc: dc, dGates: dGx + t * n * g)
                // dh_{t-1} = dGates @ W_hh.
                stepGEMM(m: n, n: h, k: g, a: dGx + t * n * g, lda: g, b: whh, ldb: h, c: dh, ldc: h, beta: 0)
            case .rnnTanh, .rnnRelu:
                RecurrentCells.rnnBackward(rows: n, hidden: h, gates: gates + t * n * ld, relu: cell == .rnnRelu,
                                           dOut: dOut + t * n * ldd, ldd: ldd, dh: dh, dGates: dGx + t * n * g)
                // dh_{t-1} = dGates @ W_hh.
                stepGEMM(m: n, n: h, k: g, a: dGx + t * n * g, lda: g, b: whh, ldb: h, c: dh, ldc: h, beta: 0)
            case .gru:
                RecurrentCells.gruBackward(rows: n, hidden: h, gates: gates + t * n * ld, hPrev: hp, ldp: ldp,
                                           dOut: dOut + t * n * ldd, ldd: ldd, dh: dh,
                                           dGx: dGx + t * n * g, dGh: dGh + t * n * g)
                // dh_{t-1} = dh' z + dGh @ W_hh.
                stepGEMM(m: n, n: h, k: g, a: dGh + t * n * g, lda: g, b: whh, ldb: h, c: dh, ldc: h, beta: 1)
            }
        }
    }

    /// Weight and bias gradients from the pre-activation gradients of all steps:
    /// dW_ih = dGx^T @ x, dW_hh = sum_t dGh_t^T @ h_{t-1}, db_ih = colsum(dGx),
    /// db_hh = colsum(dGh). `ones` holds T * N ones. Nil outputs are not computed.
    func weightGradients(dGx: UnsafePointer<Float>, dGh: UnsafePointer<Float>, ones: UnsafePointer<Float>,
                         dwih: UnsafeMutablePointer<Float>?, dwhh: UnsafeMutablePointer<Float>?,
                         dbih: UnsafeMutablePointer<Float>?, dbhh: UnsafeMutablePointer<Float>?) {
        let n = batch, h = hidden, rows = steps * batch
        if let dwih {
            recurrentGEMM(transA: true, transB: false, m: g, n: inputSize, k: rows, a: dGx, lda: g,
                          b: x, ldb: inputSize, c: dwih, ldc: inputSize)
        }
        if let dwhh {
            // Steps after the first take h_{t-1} from the output of the step before, so
            // they form one product: dGh rows of times 1..T-1 with the output rows of
            // times 0..T-2 (reverse: times 0..T-2 with 1..T-1). The first step's h0 adds
            // a product of its own.
            let aRow = reverse ? 0 : n, bRow = reverse ? n : 0
            recurrentGEMM(transA: true, transB: false, m: g, n: h, k: (steps - 1) * n, a: dGh + aRow * g, lda: g,
                          b: out + bRow * ldOut, ldb: ldOut, c: dwhh, ldc: h)
            if hasH0 {
                recurrentGEMM(transA: true, transB: false, m: g, n: h, k: n, a: dGh + time(0) * n * g, lda: g,
                              b: h0, ldb: h, c: dwhh, ldc: h, beta: 1)
            }
        }
        for (db, src) in [(dbih, dGx), (dbhh, dGh)] {
            guard let db else { continue }
            if rows == 0 {
                db.initialize(repeating: 0, count: g)
            } else {
                _ = BLAS.openBLASSingleThreaded
                cblas_sgemv(CblasRowMajor, CblasTrans, Int32(rows), Int32(g), 1, src, Int32(g), ones, 1, 0, db, 1)
            }
        }
    }

    /// dx (+)= dGx @ W_ih ([T * N, I]); `accumulate` adds to what dx holds (the other
    /// direction's share).
    func inputGradient(dGx: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, accumulate: Bool) {
        recurrentGEMM(transA: false, transB: false, m: steps * batch, n: inputSize, k: g, a: dGx, lda: g,
                      b: wih, ldb: inputSize, c: dx, ldc: inputSize, beta: accumulate ? 1 : 0)
    }
}

/// One step's product C[m, n] = A @ B + beta * C, cut into column blocks that
/// OpenBLAS runs on the calling thread. OpenBLAS threads a product of more than
/// 65536 * 4 multiply-adds (its interface/gemm.c) unless a small-matrix kernel takes
/// it; for the chain of tiny per-step products, waking and spinning its threads costs
/// more than it saves (W5's LSTM with the products threaded used twice the CPU time),
/// and the two directions of a layer already run on their own cores, each calling
/// BLAS. Products bigger than four blocks are worth OpenBLAS's threads.
@inline(__always)
private func stepGEMM(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
                      b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float) {
    let limit = 65536 * 4
    var width = Swift.max(1, limit / Swift.max(m * k, 1))
    if width >= 16 { width -= width % 16 }
    if m * n * k <= limit || n > 4 * width {
        recurrentGEMM(transA: false, transB: false, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, beta: beta)
        return
    }
    var j = 0
    while j < n {
        let w = Swift.min(width, n - j)
        recurrentGEMM(transA: false, transB: false, m: m, n: w, k: k, a: a, lda: lda,
                      b: b + j, ldb: ldb, c: c + j, ldc: ldc, beta: beta)
        j += w
    }
}

/// C[m, n] = op(A) @ op(B) + beta * C on row-major float32 buffers, op(X) = X^T where
/// asked (beta is 0 or 1). Sizes were checked to fit BLAS's 32-bit integers.
@inline(__always)
private func recurrentGEMM(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                           a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                           c: UnsafeMutablePointer<Float>, ldc: Int, beta: Float = 0) {
    BLAS.gemm(m: m, n: n, k: k, a: a, transA ? BLAS.transposed(lda) : BLAS.plain(lda),
              b: b, transB ? BLAS.transposed(ldb) : BLAS.plain(ldb), c: c, ldc: ldc, beta: beta)
}
