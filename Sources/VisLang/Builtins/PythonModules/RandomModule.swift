import Foundation
import VisTensor

/// Python's `random`, drawing from vis's one seeded generator (the one behind `seed(n)`,
/// init, dropout and shuffles): `random.seed(n)` reseeds it exactly as `seed(n)` does. The
/// numbers differ from CPython's (another generator), the distributions do not.
enum RandomModule {
    /// A uniform int in `0..<n` (n > 0).
    static func below(_ n: Int) -> Int { Int(Generator.global.int(below: UInt64(n))) }

    /// A uniform int in [lo, hi), or Python's empty-range error.
    static func range(_ name: String, _ lo: Int, _ hi: Int, step: Int = 1) throws -> Int {
        guard step != 0 else { throw NativeError("random.\(name): step must not be zero") }
        let r = RangeValue(start: lo, stop: hi, step: step)
        guard r.count > 0, !r.isTooLong else { throw NativeError("random.\(name): empty range for randrange(\(lo), \(hi)\(step == 1 ? "" : ", \(step)"))") }
        return r.element(below(r.count))
    }

    static func make() -> NamespaceObject {
        var m = ModuleBuilder("random")
        m.function("seed", [Param("a", .optional(.int), default: Value.none)],
                   "random.seed(a=none): reseeds vis's one generator, as seed(a) does (none: from the system's entropy).\n  random.seed(0)") { a, _ in
            if let n = try a.optionalInt("a") { VisTensor.seed(UInt64(bitPattern: Int64(n))) } else { VisTensor.seed(UInt64.random(in: .min ... .max)) }
            return .none
        }
        m.function("random", [], "random.random(): a float uniform in [0, 1).\n  random.random()") { _, _ in .float(Generator.global.uniformDouble()) }
        m.function("uniform", [Param("a", .float), Param("b", .float)], "random.uniform(a, b): a float uniform between a and b.\n  random.uniform(-1, 1)") { a, _ in
            let lo = try a.double("a"), hi = try a.double("b")
            return .float(lo + (hi - lo) * Generator.global.uniformDouble())
        }
        m.function("randint", [Param("a", .int), Param("b", .int)], "random.randint(a, b): an int uniform in [a, b], both ends included.\n  random.randint(1, 6)") { a, _ in
            let lo = try a.int("a"), hi = try a.int("b")
            guard hi < Int.max else { throw NativeError("random.randint: b must be below \(Int.max)") }
            return .int(try range("randint", lo, hi + 1))
        }
        m.function("randrange", [Param("start", .int), Param("stop", .optional(.int), default: Value.none), Param("step", .int, default: .int(1))],
                   "random.randrange(start, stop=none, step=1): a random element of range(start, stop, step) (randrange(n): of range(n)).\n  random.randrange(0, 10, 2)") { a, _ in
            guard let stop = try a.optionalInt("stop") else { return .int(try range("randrange", 0, try a.int("start"))) }
            return .int(try range("randrange", try a.int("start"), stop, step: try a.int("step")))
        }
        m.function("choice", [Param("seq")], "random.choice(seq): a random element of a non-empty sequence.\n  random.choice([\"cat\", \"dog\"])") { a, rt in
            let items = try Iteration.elements(a["seq"], runtime: rt)
            guard !items.isEmpty else { throw NativeError("random.choice: cannot choose from an empty sequence") }
            return items[below(items.count)]
        }
        m.function("choices", [Param("population"), Param("weights", .optional(.list), default: Value.none), Param("k", .int, default: .int(1))],
                   "random.choices(population, weights=none, k=1): k elements drawn with replacement, with relative weights if given.\n  random.choices([0, 1], weights=[0.9, 0.1], k=5)") { a, rt in
            let items = try Iteration.elements(a["population"], runtime: rt)
            let k = try a.int("k")
            guard k >= 0 else { throw NativeError("random.choices: k must be non-negative (k = \(k))") }
            guard k <= Arith.maxLength else { throw NativeError("random.choices: k = \(k) is more than the longest list, \(Arith.maxLength) elements") }
            guard !items.isEmpty || k == 0 else { throw NativeError("random.choices: cannot choose from an empty population") }
            /// k draws, polling Ctrl-C between chunks (k may be 10^8).
            func draws(_ draw: () -> Value) throws -> Value {
                var out: [Value] = []
                out.reserveCapacity(k)
                for i in 0..<k {
                    if i & 0xFFFF == 0xFFFF { try rt.checkInterrupt() }
                    out.append(draw())
                }
                return .list(ListBox(out))
            }
            guard !a["weights"].isNone else { return try draws { items[below(items.count)] } }
            let weights = try a.list("weights").map { v -> Double in
                guard let w = v.asDouble, w >= 0, w.isFinite else { throw NativeError("random.choices: weights must be finite non-negative numbers, got \(Repr.repr(v))") }
                return w
            }
            guard weights.count == items.count else { throw NativeError("random.choices: \(weights.count) weights for \(items.count) elements") }
            var cumulative: [Double] = []
            var total = 0.0
            for w in weights { total += w; cumulative.append(total) }
            guard total > 0 else { throw NativeError("random.choices: the total of the weights must be greater than zero") }
            return try draws {
                // Binary search: the first cumulative weight above x.
                let x = Generator.global.uniformDouble() * total
                var lo = 0, hi = items.count - 1
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if x < cumulative[mid] { hi = mid } else { lo = mid + 1 }
                }
                return items[lo]
            }
        }
        m.function("shuffle", [Param("x", .list)], "random.shuffle(x): shuffles the list x in place (returns none).\n  random.shuffle(paths)") { a, _ in
            guard case .list(let l) = a["x"] else { throw NativeError("random.shuffle: x must be a list (a tuple cannot change), got \(a["x"].typeName)") }
            var i = l.items.count - 1
            while i > 0 {
                l.items.swapAt(i, below(i + 1))
                i -= 1
            }
            return .none
        }
        m.function("sample", [Param("population"), Param("k", .int)],
                   "random.sample(population, k): k distinct elements drawn without replacement, in random order.\n  random.sample(range(100), 5)") { a, rt in
            var items = try Iteration.elements(a["population"], runtime: rt)
            let k = try a.int("k")
            guard k >= 0, k <= items.count else { throw NativeError("random.sample: sample larger than population or is negative (k = \(k), population of \(items.count))") }
            for i in 0..<k { items.swapAt(i, i + below(items.count - i)) }
            return .list(ListBox(Array(items[0..<k])))
        }
        for name in ["gauss", "normalvariate"] {
            m.function(name, [Param("mu", .float, default: .float(0)), Param("sigma", .float, default: .float(1))],
                       "random.\(name)(mu=0.0, sigma=1.0): a normally distributed float.\n  random.\(name)(0, 0.1)") { a, _ in
                let mu = try a.double("mu"), sigma = try a.double("sigma")
                return .float(mu + sigma * Generator.global.normal())
            }
        }
        return m.make()
    }
}
