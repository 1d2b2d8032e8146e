import VisTensor

/// The fused per-step gate kernels of the LSTM and GRU cells, forward and backward,
/// over the rows (batch elements) of one time step. The matrix products around them
/// (x @ W_ih^T for all steps, h @ W_hh^T per step) are done by the caller with sgemm;
/// these kernels do everything elementwise in one pass, eight hidden units at a time.
///
/// Gate layouts follow PyTorch: LSTM gates (i, f, g, o), GRU gates (r, z, n), each a
/// block of H columns. Each row's saved activations take 4H floats: LSTM (i, f, g, o),
/// GRU (r, z, n, W_hn h + b_hn).
enum RecurrentCells {
    typealias M = RecurrentMath

    /// LSTM forward for one step. `gates` rows ([N, ld 4H]) hold x W_ih^T + h W_hh^T on
    /// entry and the activations (i, f, g, o) on exit. With `bias` ([4H], b_ih + b_hh):
    ///   i, f, o = sigmoid(.), g = tanh(.), c = f * cPrev + i * g, h = o * tanh(c).
    /// - cPrev: [N, H] (ld H); c: [N, H] out (ld H); h: [N, H] out (ld ldh).
    static func lstmForward(rows: Int, hidden: Int, gates: UnsafeMutablePointer<Float>,
                            bias: UnsafePointer<Float>, cPrev: UnsafePointer<Float>,
                            c: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>, ldh: Int) {
        let hs = hidden, ld = 4 * hidden
        Parallel.forRange(rows, costPerElement: hidden * 8) { r0, r1 in
            for row in r0..<r1 {
                let g = gates + row * ld
                var j = 0
                while j < hs {
                    let m = Swift.min(8, hs - j)
                    let i = M.sigmoid(M.load(g + j, m) + M.load(bias + j, m))
                    let f = M.sigmoid(M.load(g + hs + j, m) + M.load(bias + hs + j, m))
                    let gg = M.tanh(M.load(g + 2 * hs + j, m) + M.load(bias + 2 * hs + j, m))
                    let o = M.sigmoid(M.load(g + 3 * hs + j, m) + M.load(bias + 3 * hs + j, m))
                    let cn = f * M.load(cPrev + row * hs + j, m) + i * gg
                    M.store(i, g + j, m)
                    M.store(f, g + hs + j, m)
                    M.store(gg, g + 2 * hs + j, m)
                    M.store(o, g + 3 * hs + j, m)
                    M.store(cn, c + row * hs + j, m)
                    M.store(o * M.tanh(cn), h + row * ldh + j, m)
                    j += 8
                }
            }
        }
    }

    /// LSTM backward for one step, from the saved activations (i, f, g, o) ([N, ld 4H]),
    /// the cell states cPrev and c ([N, H]) and the step's output gradient dOut ([N, ld
    /// ldd]). On entry dh and dc ([N, H]) hold the gradients flowing back from the next
    /// step; on exit dc holds the gradient of cPrev (dh is left for the caller to
    /// replace with dGates @ W_hh). dGates ([N, 4H]) gets the gate pre-activations'
    /// gradients:
    ///   dh' = dOut + dh, dc' = dc + dh' o (1 - tanh(c)^2),
    ///   di = dc' g i (1 - i), df = dc' cPrev f (1 - f), dg = dc' i (1 - g^2),
    ///   do = dh' tanh(c) o (1 - o), dcPrev = dc' f.
    static func lstmBackward(rows: Int, hidden: Int, gates: UnsafePointer<Float>,
                             cPrev: UnsafePointer<Float>, c: UnsafePointer<Float>,
                             dOut: UnsafePointer<Float>, ldd: Int,
                             dh: UnsafePointer<Float>, dc: UnsafeMutablePointer<Float>,
                             dGates: UnsafeMutablePointer<Float>) {
        let hs = hidden, ld = 4 * hidden
        let one = SIMD8<Float>(repeating: 1)
        Parallel.forRange(rows, costPerElement: hidden * 8) { r0, r1 in
            for row in r0..<r1 {
                let g = gates + row * ld, dg = dGates + row * ld
                let base = row * hs
                var j = 0
                while j < hs {
                    let m = Swift.min(8, hs - j)
                    let i = M.load(g + j, m), f = M.load(g + hs + j, m)
                    let gg = M.load(g + 2 * hs + j, m), o = M.load(g + 3 * hs + j, m)
                    let tc = M.tanh(M.load(c + base + j, m))
                    let dhT = M.load(dOut + row * ldd + j, m) + M.load(dh + base + j, m)
                    let dcT = M.load(dc + base + j, m) + dhT * o * (one - tc * tc)
                    M.store(dcT * gg * i * (one - i), dg + j, m)
                    M.store(dcT * M.load(cPrev + base + j, m) * f * (one - f), dg + hs + j, m)
                    M.store(dcT * i * (one - gg * gg), dg + 2 * hs + j, m)
                    M.store(dhT * tc * o * (one - o), dg + 3 * hs + j, m)
                    M.store(dcT * f, dc + base + j, m)
                    j += 8
                }
            }
        }
    }

    /// GRU forward for one step. `gates` rows ([N, ld 4H]) hold x W_ih^T in their first
    /// 3H columns on entry and (r, z, n, W_hn h + b_hn) on exit; `gh` ([N, 3H]) holds
    /// h W_hh^T:
    ///   r = sigmoid(xr + b_ir + hr + b_hr), z = sigmoid(xz + b_iz + hz + b_hz),
    ///   n = tanh(xn + b_in + r (hn + b_hn)), h = n + z (hPrev - n).
    /// - bih, bhh: [3H]; hPrev: [N, H] (ld ldp); h: [N, H] out (ld ldh).
    static func gruForward(rows: Int, hidden: Int, gates: UnsafeMutablePointer<Float>,
                           gh: UnsafePointer<Float>, bih: UnsafePointer<Float>, bhh: UnsafePointer<Float>,
                           hPrev: UnsafePointer<Float>, ldp: Int, h: UnsafeMutablePointer<Float>, ldh: Int) {
        let hs = hidden, ld = 4 * hidden, ldg = 3 * hidden
        Parallel.forRange(rows, costPerElement: hidden * 8) { r0, r1 in
            for row in r0..<r1 {
                let g = gates + row * ld, a = gh + row * ldg
                var j = 0
                while j < hs {
                    let m = Swift.min(8, hs - j)
                    let r = M.sigmoid(M.load(g + j, m) + M.load(bih + j, m) + M.load(a + j, m) + M.load(bhh + j, m))
                    let z = M.sigmoid(M.load(g + hs + j, m) + M.load(bih + hs + j, m)
                                      + M.load(a + hs + j, m) + M.load(bhh + hs + j, m))
                    let hn = M.load(a + 2 * hs + j, m) + M.load(bhh + 2 * hs + j, m)
                    let n = M.tanh(M.load(g + 2 * hs + j, m) + M.load(bih + 2 * hs + j, m) + r * hn)
                    let hp = M.load(hPrev + row * ldp + j, m)
                    M.store(r, g + j, m)
                    M.store(z, g + hs + j, m)
                    M.store(n, g + 2 * hs + j, m)
                    M.store(hn, g + 3 * hs + j, m)
                    M.store(n + z * (hp - n), h + row * ldh + j, m)
                    j += 8
                }
            }
        }
    }

    /// GRU backward for one step, from the saved (r, z, n, hn) ([N, ld 4H]), hPrev
    /// ([N, ld ldp]) and dOut ([N, ld ldd]). On entry dh ([N, H]) holds the gradient from
    /// the next step; on exit it holds the direct part of hPrev's gradient, dh' z (the
    /// caller adds dGh @ W_hh). With dh' = dOut + dh:
    ///   dz = dh' (hPrev - n) z (1 - z), dn = dh' (1 - z) (1 - n^2), dr = dn hn r (1 - r);
    ///   dGx ([N, 3H], the x-side pre-activations) = (dr, dz, dn),
    ///   dGh ([N, 3H], the h-side ones) = (dr, dz, dn r).
    static func gruBackward(rows: Int, hidden: Int, gates: UnsafePointer<Float>,
                            hPrev: UnsafePointer<Float>, ldp: Int, dOut: UnsafePointer<Float>, ldd: Int,
                            dh: UnsafeMutablePointer<Float>, dGx: UnsafeMutablePointer<Float>,
                            dGh: UnsafeMutablePointer<Float>) {
        let hs = hidden, ld = 4 * hidden, ldg = 3 * hidden
        let one = SIMD8<Float>(repeating: 1)
        Parallel.forRange(rows, costPerElement: hidden * 8) { r0, r1 in
            for row in r0..<r1 {
                let g = gates + row * ld, gx = dGx + row * ldg, ghp = dGh + row * ldg
                var j = 0
                while j < hs {
                    let m = Swift.min(8, hs - j)
                    let r = M.load(g + j, m), z = M.load(g + hs + j, m)
                    let n = M.load(g + 2 * hs + j, m), hn = M.load(g + 3 * hs + j, m)
                    let hp = M.load(hPrev + row * ldp + j, m)
                    let dhT = M.load(dOut + row * ldd + j, m) + M.load(dh + row * hs + j, m)
                    let dz = dhT * (hp - n) * z * (one - z)
                    let dn = dhT * (one - z) * (one - n * n)
                    let dr = dn * hn * r * (one - r)
                    M.store(dr, gx + j, m)
                    M.store(dz, gx + hs + j, m)
                    M.store(dn, gx + 2 * hs + j, m)
                    M.store(dr, ghp + j, m)
                    M.store(dz, ghp + hs + j, m)
                    M.store(dn * r, ghp + 2 * hs + j, m)
                    M.store(dhT * z, dh + row * hs + j, m)
                    j += 8
                }
            }
        }
    }

    /// Elman RNN forward for one step. `gates` rows ([N, ld 4H]) hold x W_ih^T + h W_hh^T
    /// in their first H columns on entry and the new h on exit (saved for backward);
    /// with `bias` ([H], b_ih + b_hh): h = tanh(.) or relu(.), also written to `h` ([N,
    /// H], ld ldh).
    static func rnnForward(rows: Int, hidden: Int, gates: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>,
                           relu: Bool, h: UnsafeMutablePointer<Float>, ldh: Int) {
        let hs = hidden, ld = 4 * hidden
        let zero = SIMD8<Float>(repeating: 0)
        Parallel.forRange(rows, costPerElement: hidden * 4) { r0, r1 in
            for row in r0..<r1 {
                let g = gates + row * ld
                var j = 0
                while j < hs {
                    let m = Swift.min(8, hs - j)
                    let pre = M.load(g + j, m) + M.load(bias + j, m)
                    // relu keeps NaN (pre < 0 is false for it), as PyTorch's.
                    let y = relu ? pre.replacing(with: zero, where: pre .< zero) : M.tanh(pre)
                    M.store(y, g + j, m)
                    M.store(y, h + row * ldh + j, m)
                    j += 8
                }
            }
        }
    }

    /// Elman RNN backward for one step, from the saved outputs h ([N, ld 4H]) and the
    /// step's output gradient dOut ([N, ld ldd]); dh ([N, H]) holds the gradient from
    /// the next step (the caller replaces it with dGates @ W_hh). With dh' = dOut + dh:
    /// dGates ([N, H]) = dh' (1 - h^2) for tanh, dh' [h > 0] for relu.
    static func rnnBackward(rows: Int, hidden: Int, gates: UnsafePointer<Float>, relu: Bool,
                            dOut: UnsafePointer<Float>, ldd: Int, dh: UnsafePointer<Float>,
                            dGates: UnsafeMutablePointer<Float>) {
        let hs = hidden, ld = 4 * hidden
        let one = SIMD8<Float>(repeating: 1), zero = SIMD8<Float>(repeating: 0)
        Parallel.forRange(rows, costPerElement: hidden * 4) { r0, r1 in
            for row in r0..<r1 {
                let g = gates + row * ld, dg = dGates + row * hs
                var j = 0
                while j < hs {
                    let m = Swift.min(8, hs - j)
                    let y = M.load(g + j, m)
                    let dhT = M.load(dOut + row * ldd + j, m) + M.load(dh + row * hs + j, m)
                    let d = relu ? dhT.replacing(with: zero, where: .!(y .> zero)) : dhT * (one - y * y)
                    M.store(d, dg + j, m)
                    j += 8
                }
            }
        }
    }
}
