import VisTensor

/// The sizes of `random_split`'s parts, by PyTorch's rules
/// (`torch.utils.data.random_split`): given as counts, or as fractions that sum to 1.
/// Shared by native and hand-written datasets, so both refuse the same inputs.
public enum SplitSizes {
    /// Sizes from fractions: each finite and in [0, 1], summing to 1 (within 1e-9, as
    /// `math.isclose`); part i gets floor(count * f[i]) and the remainder is handed out
    /// one sample at a time from the first part on, as PyTorch does.
    public static func fromFractions(_ fractions: [Double], count: Int) throws -> [Int] {
        guard !fractions.isEmpty else { throw TensorError("random_split", "lengths is empty (give the parts' sizes or fractions)") }
        var total = 0.0
        for (i, f) in fractions.enumerated() {
            guard f.isFinite, f >= 0, f <= 1 else { throw TensorError("random_split", "fraction at index \(i) is \(f), not between 0 and 1") }
            total += f
        }
        guard Swift.abs(total - 1) <= 1e-9 else {
            throw TensorError("random_split", "fractions must sum to 1, got \(fractions) (sum \(total))")
        }
        // floor(count * f) <= count: converted only below count, where it fits an Int.
        var sizes = fractions.map { f -> Int in
            let d = (f * Double(count)).rounded(.down)
            return d >= Double(count) ? count : Int(d)
        }
        let given = sizes.reduce(0) { Swift.min(count, $0 + $1) }
        let remainder = count - given
        for i in sizes.indices { sizes[i] += remainder / sizes.count + (i < remainder % sizes.count ? 1 : 0) }
        return sizes
    }

    /// Checks sizes given as counts: none negative, and their sum (added with overflow
    /// checks) equal to the dataset's length.
    public static func check(_ sizes: [Int], count: Int) throws {
        if let i = sizes.firstIndex(where: { $0 < 0 }) {
            throw TensorError("random_split", "length at index \(i) is negative (\(sizes[i]))")
        }
        var sum = 0
        for s in sizes {
            let (t, overflow) = sum.addingReportingOverflow(s)
            guard !overflow, t <= count else {
                throw TensorError("random_split", "sizes \(sizes) sum to more than the dataset's length \(count)")
            }
            sum = t
        }
        guard sum == count else { throw TensorError("random_split", "sizes \(sizes) must be non-negative and sum to the dataset's length \(count)") }
    }
}
