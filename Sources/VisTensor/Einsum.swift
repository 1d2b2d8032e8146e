/// `einsum`: Einstein summation over any equation PyTorch accepts: explicit (`ij,jk->ik`)
/// and implicit (`ij,jk`) outputs, `...` for broadcast dimensions, a letter repeated in
/// one operand (its diagonal), and letters summed away. Operands are contracted left to
/// right, each pair as one batched matrix product: the pair is permuted and reshaped to
/// [batch..., M, K] @ [batch..., K, N], so "bij,bjk->bik" is exactly one bmm. Built from
/// views, sums and matmul, it is differentiable through their rules.
extension Tensor {
    /// One operand's labels: a letter is 0..<52, the dimensions under `...` are
    /// `ellipsisBase + i` counted from the left of the broadcast ellipsis.
    private static let ellipsisBase = 100

    /// A label's letter index, or nil for a character that is not a letter.
    private static func letterIndex(_ c: Character) -> Int? {
        guard let v = c.asciiValue else { return nil }
        if v >= 97 && v <= 122 { return Int(v) - 97 }
        if v >= 65 && v <= 90 { return Int(v) - 65 + 26 }
        return nil
    }

    /// Parses one side's terms into labels with at most one ellipsis (marked -1).
    private static func parseTerm(_ term: Substring, _ equation: String) throws -> [Int] {
        var labels: [Int] = []
        var chars = Array(term)
        var i = 0
        var sawEllipsis = false
        chars.removeAll { $0 == " " }
        while i < chars.count {
            if chars[i] == "." {
                guard i + 2 < chars.count, chars[i + 1] == ".", chars[i + 2] == ".", !sawEllipsis else {
                    throw TensorError("einsum", "invalid ellipsis in \"\(equation)\": write it as three dots, at most once per operand")
                }
                sawEllipsis = true
                labels.append(-1)
                i += 3
                continue
            }
            guard let l = letterIndex(chars[i]) else {
                throw TensorError("einsum", "invalid subscript '\(chars[i])' in \"\(equation)\": subscripts must be letters in [a-zA-Z]")
            }
            labels.append(l)
            i += 1
        }
        return labels
    }

    /// Einstein summation of `operands` as `equation` says (PyTorch's `einsum`).
    public static func einsum(_ equation: String, _ operands: [Tensor]) throws -> Tensor {
        guard !operands.isEmpty else { throw TensorError("einsum", "must provide at least one operand") }
        let parts = equation.components(separatedBy: "->")
        guard parts.count <= 2 else { throw TensorError("einsum", "\"\(equation)\" has more than one '->'") }
        let lhs = parts[0].split(separator: ",", omittingEmptySubsequences: false)
        guard lhs.count == operands.count else {
            throw TensorError("einsum", "\"\(equation)\" has \(lhs.count) operand\(lhs.count == 1 ? "" : "s") but \(operands.count) tensor\(operands.count == 1 ? " was" : "s were") given")
        }
        // Sizes are multiplied below (M, K, N of each product): bound them first.
        for (i, x) in operands.enumerated() { try Shape.validateExtent(x.shape, op: "einsum", name: "operand \(i)") }
        var terms = try lhs.map { try parseTerm($0, equation) }

        // Expand each ellipsis into labels aligned from the right (they broadcast).
        var ellipsisRank = 0
        for (i, t) in terms.enumerated() {
            let letters = t.filter { $0 >= 0 }.count
            let hasEllipsis = t.contains(-1)
            let x = operands[i]
            if hasEllipsis {
                guard x.ndim >= letters else {
                    throw TensorError("einsum", "operand \(i) has \(x.ndim) dimensions but its subscripts name at least \(letters)")
                }
                ellipsisRank = Swift.max(ellipsisRank, x.ndim - letters)
            } else if x.ndim != letters {
                throw TensorError("einsum", "operand \(i) has \(x.ndim) dimension\(x.ndim == 1 ? "" : "s") but its subscripts \"\(lhs[i])\" name \(letters)")
            }
        }
        for (i, t) in terms.enumerated() {
            guard let e = t.firstIndex(of: -1) else { continue }
            let covered = operands[i].ndim - (t.count - 1)
            let labels = (0..<covered).map { ellipsisBase + ellipsisRank - covered + $0 }
            terms[i].replaceSubrange(e...e, with: labels)
        }

        // The output's labels: as written, or the ellipsis then the letters used once, sorted.
        var output: [Int]
        if parts.count == 2 {
            let raw = try parseTerm(Substring(parts[1]), equation)
            guard raw.filter({ $0 == -1 }).count <= 1 else { throw TensorError("einsum", "more than one ellipsis in the output of \"\(equation)\"") }
            output = []
            for l in raw {
                if l == -1 { output += (0..<ellipsisRank).map { ellipsisBase + $0 } } else { output.append(l) }
            }
            let allLabels = Set(terms.joined())
            for l in output where l < ellipsisBase {
                guard allLabels.contains(l) else {
                    throw TensorError("einsum", "output subscript \(labelName(l)) in \"\(equation)\" does not appear in any operand")
                }
            }
            guard Set(output).count == output.count else {
                throw TensorError("einsum", "output subscripts of \"\(equation)\" must be distinct")
            }
        } else {
            var counts = [Int: Int]()
            for t in terms { for l in t where l < ellipsisBase { counts[l, default: 0] += 1 } }
            output = (0..<ellipsisRank).map { ellipsisBase + $0 } + counts.keys.filter { counts[$0] == 1 }.sorted()
        }

        // A label repeated in one operand names a diagonal: its sizes must be equal.
        for (i, t) in terms.enumerated() {
            if let (p, q) = firstMismatchedRepeat(t, operands[i].shape) {
                throw TensorError("einsum", "subscript \(labelName(t[p])) is repeated for operand \(i) but the sizes don't match, \(operands[i].shape[q]) != \(operands[i].shape[p])")
            }
        }
        // Sizes of each label must agree (a size of 1 broadcasts).
        var sizes = [Int: Int]()
        for (i, t) in terms.enumerated() {
            for (d, l) in t.enumerated() {
                let s = operands[i].shape[d]
                if let have = sizes[l], have != s {
                    if have == 1 { sizes[l] = s } else if s != 1 {
                        throw TensorError("einsum", "subscript \(labelName(l)) has size \(s) for operand \(i), which does not broadcast with the size \(have) seen before")
                    }
                } else if sizes[l] == nil { sizes[l] = s }
            }
        }
        try Shape.validate(output.map { sizes[$0] ?? 1 }, op: "einsum")

        // Each operand alone: take diagonals of repeated labels, and sum labels that
        // appear nowhere else.
        var work: [(tensor: Tensor, labels: [Int])] = []
        for (i, t) in terms.enumerated() {
            var x = operands[i], labels = t
            while let (p, q) = firstRepeat(labels) {
                guard x.shape[p] == x.shape[q] else {
                    throw TensorError("einsum", "subscript \(labelName(labels[p])) is repeated in operand \(i) for dimensions of different sizes \(x.shape[p]) and \(x.shape[q])")
                }
                let l = labels[p]
                x = try x.diagonal(offset: 0, dim1: p, dim2: q)
                labels.remove(at: q)
                labels.remove(at: p)
                labels.append(l)
            }
            work.append((x, labels))
        }
        for i in 0..<work.count {
            let elsewhere = Set(output).union(work.enumerated().filter { $0.offset != i }.flatMap { $0.element.labels })
            let alone = work[i].labels.indices.filter { !elsewhere.contains(work[i].labels[$0]) }
            if !alone.isEmpty {
                work[i].tensor = try work[i].tensor.sum(dims: alone)
                work[i].labels = work[i].labels.enumerated().filter { !alone.contains($0.offset) }.map { $0.element }
            }
        }

        // Contract left to right.
        var (acc, accLabels) = work[0]
        for j in 1..<work.count {
            let later = Set(output).union(work[(j + 1)...].flatMap { $0.labels })
            (acc, accLabels) = try contractPair(acc, accLabels, work[j].tensor, work[j].labels, keep: later)
        }
        // Sum what the output leaves out, then order as the output says.
        let drop = accLabels.indices.filter { !output.contains(accLabels[$0]) }
        if !drop.isEmpty {
            acc = try acc.sum(dims: drop)
            accLabels = accLabels.enumerated().filter { !drop.contains($0.offset) }.map { $0.element }
        }
        // A label of the output that the operands broadcast to size 1 keeps the full size.
        var result = try acc.permute(output.map { l in accLabels.firstIndex(of: l)! })
        let full = output.map { sizes[$0] ?? 1 }
        if result.shape != full { result = try result.expand(full) }
        return result
    }

    /// The first two positions holding the same label with different sizes, if any.
    private static func firstMismatchedRepeat(_ labels: [Int], _ shape: [Int]) -> (Int, Int)? {
        for q in labels.indices {
            for p in 0..<q where labels[p] == labels[q] && shape[p] != shape[q] { return (p, q) }
        }
        return nil
    }

    /// The first two positions holding the same label, if any.
    private static func firstRepeat(_ labels: [Int]) -> (Int, Int)? {
        for q in labels.indices {
            if let p = labels[..<q].firstIndex(of: labels[q]) { return (p, q) }
        }
        return nil
    }

    /// A label as the user wrote it (a letter, or "..." for an ellipsis dimension).
    private static func labelName(_ l: Int) -> String {
        if l >= ellipsisBase { return "'...'" }
        let scalar = l < 26 ? 97 + l : 65 + l - 26
        return "'\(Character(Unicode.Scalar(UInt8(scalar))))'"
    }

    /// Contracts two operands with distinct labels each: labels in both that `keep` holds
    /// are batch dimensions, labels in both that it does not are summed (K), the rest
    /// stay (M from `a`, N from `b`). One matmul of [batch, M, K] by [batch, K, N].
    private static func contractPair(_ a: Tensor, _ la: [Int], _ b: Tensor, _ lb: [Int], keep: Set<Int>) throws -> (Tensor, [Int]) {
        var a = a, b = b
        let shared = la.filter { lb.contains($0) }
        let batch = shared.filter { keep.contains($0) }
        let contracted = shared.filter { !keep.contains($0) }
        // A contracted label of size 1 on one side and n on the other: sum the n side first
        // (sum_k a[0] * b[k] = a[0] * sum_k b[k]), leaving size 1 on both.
        for l in contracted {
            let pa = la.firstIndex(of: l)!, pb = lb.firstIndex(of: l)!
            if a.shape[pa] != b.shape[pb] {
                if a.shape[pa] == 1 { b = try b.sum(dims: [pb], keepdim: true) } else { a = try a.sum(dims: [pa], keepdim: true) }
            }
        }
        let onlyA = la.filter { !lb.contains($0) }, onlyB = lb.filter { !la.contains($0) }
        let pa = (batch + onlyA + contracted).map { la.firstIndex(of: $0)! }
        let pb = (batch + contracted + onlyB).map { lb.firstIndex(of: $0)! }
        let ap = try a.permute(pa), bp = try b.permute(pb)
        let nb = batch.count
        let batchA = Array(ap.shape[..<nb]), batchB = Array(bp.shape[..<nb])
        let mSizes = Array(ap.shape[nb..<(nb + onlyA.count)])
        let nSizes = Array(bp.shape[(nb + contracted.count)...])
        let k = Shape.numel(Array(ap.shape[(nb + onlyA.count)...]))
        let m = Shape.numel(mSizes), n = Shape.numel(nSizes)
        let a3 = try ap.reshape(batchA + [m, k]), b3 = try bp.reshape(batchB + [k, n])
        var batchOut: [Int] = []
        for (x, y) in zip(batchA, batchB) { batchOut.append(x == 1 ? y : x) }
        try Shape.validate(batchOut + mSizes + nSizes, op: "einsum")
        guard a3.dtype == b3.dtype else {
            throw TensorError("einsum", "operands must have the same dtype (PyTorch does not promote here), got \(a3.dtype) and \(b3.dtype)")
        }
        if !a3.dtype.isFloatingPoint {
            // Integer dtypes: the exact broadcast product (matmul is float only).
            let prod = try a3.unsqueeze(-1).mul(b3.unsqueeze(-3)).sum(dim: -2)
            return (try prod.reshape(batchOut + mSizes + nSizes), batch + onlyA + onlyB)
        }
        let out = try productOfMatrices(a3, b3, op: "einsum")
        return (try out.reshape(batchOut + mSizes + nSizes), batch + onlyA + onlyB)
    }
}
