/// "Did you mean" hints: the closest known name by edit distance.
public enum Suggestions {
    /// The candidate closest to `word`, if it is close enough to be a likely typo
    /// (distance at most 1 for short words, 2 for words of 5+ letters, 3 for 9+; none for
    /// one-letter words, where every other short name is as close). Ties go
    /// to the alphabetically first, so the hint does not depend on the candidates' order.
    public static func closest(to word: String, in candidates: [String]) -> String? {
        let limit = word.count >= 9 ? 3 : (word.count >= 5 ? 2 : (word.count >= 2 ? 1 : 0))
        var best: (String, Int)?
        for c in candidates {
            let d = distance(word, c)
            guard d <= limit else { continue }
            if let (b, bd) = best, bd < d || (bd == d && b <= c) { continue }
            best = (c, d)
        }
        return best?.0
    }

    /// Levenshtein distance between two strings (by Unicode scalars).
    public static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[y.count]
    }
}
