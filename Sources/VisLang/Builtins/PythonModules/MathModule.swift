import Foundation

/// Python's `math`: constants and float functions with Python's errors (a domain error
/// for `sqrt(-1)`, `log(0)`; an overflow error where the result is too large; an error
/// where `floor` / `ceil` / `trunc` would turn inf or nan into an int).
enum MathModule {
    /// A float result, or Python's "math range error" where a finite input overflowed.
    static func finite(_ name: String, _ r: Double, _ inputs: Double...) throws -> Value {
        if r.isInfinite && inputs.allSatisfy({ $0.isFinite }) { throw NativeError("math.\(name): math range error (the result overflows a float)") }
        return .float(r)
    }

    /// An int from a float for floor / ceil / trunc, refusing inf and nan.
    static func integral(_ name: String, _ v: Value, _ f: (Double) -> Double) throws -> Value {
        if case .int(let i) = v { return .int(i) }
        if case .bool(let b) = v { return .int(b ? 1 : 0) }
        guard let d = v.asDouble else { throw NativeError("math.\(name): expected a number, got \(v.typeName)") }
        let r = f(d)
        guard r.isFinite else { throw NativeError("math.\(name): cannot convert float \(d.isNaN ? "nan" : "infinity") to an int") }
        guard let i = Int(exactly: r) else { throw NativeError("math.\(name): \(Repr.float(d)) is too large for an int") }
        return .int(i)
    }

    /// Exactly rounded sum of floats (Shewchuk's algorithm, as CPython's fsum).
    static func fsum(_ xs: [Double]) -> Double {
        var partials: [Double] = []
        var special = 0.0
        for var x in xs {
            guard x.isFinite else { special += x; continue }
            var i = 0
            for var y in partials {
                if abs(x) < abs(y) { swap(&x, &y) }
                let hi = x + y
                let lo = y - (hi - x)
                if lo != 0 { partials[i] = lo; i += 1 }
                x = hi
            }
            partials.removeSubrange(i...)
            partials.append(x)
        }
        if special != 0 || special.isNaN { return special }
        // Add the partials from the top, correcting the last rounding as CPython does.
        guard var n = partials.indices.last else { return 0 }
        var hi = partials[n], lo = 0.0
        while n > 0 {
            n -= 1
            let x = hi, y = partials[n]
            hi = x + y
            let yr = hi - x
            lo = y - yr
            if lo != 0 { break }
        }
        if n > 0 && ((lo < 0 && partials[n - 1] < 0) || (lo > 0 && partials[n - 1] > 0)) {
            let y = lo * 2, x = hi + y
            if y == x - hi { hi = x }
        }
        return hi
    }

    static func make() -> NamespaceObject {
        var m = ModuleBuilder("math")
        m.constant("pi", .float(Double.pi))
        m.constant("e", .float(M_E))
        m.constant("tau", .float(2 * Double.pi))
        m.constant("inf", .float(.infinity))
        m.constant("nan", .float(.nan))
        let x = [Param("x", .float)]
        let unary: [(String, String, (Double) -> Double, (Double) -> Bool)] = [
            ("sqrt", "the square root", { $0.squareRoot() }, { $0 >= 0 || $0.isNaN }),
            ("exp", "e to the power x", { Foundation.exp($0) }, { _ in true }),
            ("log2", "the base-2 logarithm", { Foundation.log2($0) }, { $0 > 0 || $0.isNaN }),
            ("log10", "the base-10 logarithm", { Foundation.log10($0) }, { $0 > 0 || $0.isNaN }),
            ("fabs", "the absolute value as a float", { Swift.abs($0) }, { _ in true }),
            ("sin", "the sine (radians)", { Foundation.sin($0) }, { !$0.isInfinite }),
            ("cos", "the cosine (radians)", { Foundation.cos($0) }, { !$0.isInfinite }),
            ("tan", "the tangent (radians)", { Foundation.tan($0) }, { !$0.isInfinite }),
            ("asin", "the arc sine in radians", { Foundation.asin($0) }, { Swift.abs($0) <= 1 || $0.isNaN }),
            ("acos", "the arc cosine in radians", { Foundation.acos($0) }, { Swift.abs($0) <= 1 || $0.isNaN }),
            ("atan", "the arc tangent in radians", { Foundation.atan($0) }, { _ in true }),
            ("degrees", "radians converted to degrees", { $0 * 180 / Double.pi }, { _ in true }),
            ("radians", "degrees converted to radians", { $0 * Double.pi / 180 }, { _ in true }),
        ]
        for (name, what, f, domain) in unary {
            m.function(name, x, "math.\(name)(x): \(what) of x, a float.\n  math.\(name)(0.5)") { a, _ in
                let v = try a.double("x")
                guard domain(v) else { throw NativeError("math.\(name): math domain error (x = \(Repr.float(v)))") }
                return try finite(name, f(v), v)
            }
        }
        m.function("log", [Param("x", .float), Param("base", .optional(.float), default: Value.none)],
                   "math.log(x, base=e): the logarithm of x, natural unless base is given.\n  math.log(8, 2)  # 3.0") { a, _ in
            let v = try a.double("x")
            guard v > 0 || v.isNaN else { throw NativeError("math.log: math domain error (x = \(Repr.float(v)))") }
            guard let b = try a.optionalDouble("base") else { return .float(Foundation.log(v)) }
            guard b > 0 || b.isNaN, b != 1 else { throw NativeError("math.log: math domain error (base = \(Repr.float(b)))") }
            return .float(Foundation.log(v) / Foundation.log(b))
        }
        m.function("pow", [Param("x", .float), Param("y", .float)], "math.pow(x, y): x to the power y, a float.\n  math.pow(2, 10)  # 1024.0") { a, _ in
            let b = try a.double("x"), e = try a.double("y")
            if b == 0 && e < 0 { throw NativeError("math.pow: math domain error (0 to a negative power)") }
            if b < 0 && e.isFinite && e != e.rounded() { throw NativeError("math.pow: math domain error (a negative number to a fractional power)") }
            return try finite("pow", Foundation.pow(b, e), b, e)
        }
        m.function("atan2", [Param("y", .float), Param("x", .float)], "math.atan2(y, x): the angle of the point (x, y) in radians, in [-pi, pi].\n  math.atan2(1, 1)") { a, _ in
            .float(Foundation.atan2(try a.double("y"), try a.double("x")))
        }
        m.function("hypot", [Param("coordinates", .float, variadic: true)], "math.hypot(*coordinates): the Euclidean length sqrt(sum of squares).\n  math.hypot(3, 4)  # 5.0") { a, _ in
            let xs = try a.list("coordinates").map { $0.asDouble ?? 0 }
            if xs.contains(where: { $0.isInfinite }) { return .float(.infinity) }
            let scale = xs.map { Swift.abs($0) }.max() ?? 0
            guard scale > 0, scale.isFinite else { return .float(scale) }
            return .float(scale * xs.reduce(0) { $0 + ($1 / scale) * ($1 / scale) }.squareRoot())
        }
        for (name, f) in [("floor", { (d: Double) in d.rounded(.down) }), ("ceil", { $0.rounded(.up) }), ("trunc", { $0.rounded(.towardZero) })] {
            m.function(name, [Param("x", .number)], "math.\(name)(x): x rounded \(name == "floor" ? "down" : name == "ceil" ? "up" : "toward zero") to an int.\n  math.\(name)(2.5)") { a, _ in
                try integral(name, a["x"], f)
            }
        }
        for (name, test) in [("isnan", { (d: Double) in d.isNaN }), ("isinf", { $0.isInfinite }), ("isfinite", { $0.isFinite })] {
            m.function(name, x, "math.\(name)(x): true when the number x is \(name.dropFirst(2)).\n  math.\(name)(1.0)") { a, _ in
                .bool(test(try a.double("x")))
            }
        }
        m.function("isclose", [Param("a", .float), Param("b", .float), Param("rel_tol", .float, default: .float(1e-9)), Param("abs_tol", .float, default: .float(0))],
                   "math.isclose(a, b, rel_tol=1e-09, abs_tol=0.0): true when a and b are within rel_tol of the larger magnitude or abs_tol.\n  math.isclose(0.1 + 0.2, 0.3)") { a, _ in
            let x = try a.double("a"), y = try a.double("b"), rel = try a.double("rel_tol"), tol = try a.double("abs_tol")
            guard rel >= 0, tol >= 0 else { throw NativeError("math.isclose: tolerances must be non-negative") }
            if x == y { return .bool(true) }
            if x.isInfinite || y.isInfinite { return .bool(false) }
            let d = Swift.abs(x - y)
            return .bool(d <= Swift.max(rel * Swift.max(Swift.abs(x), Swift.abs(y)), tol))
        }
        m.function("prod", [Param("iterable"), Param("start", .number, default: .int(1))],
                   "math.prod(iterable, start=1): the product of the numbers (an int for ints).\n  math.prod([2, 3, 4])  # 24") { a, rt in
            var acc = a["start"]
            for v in try Iteration.elements(a["iterable"], runtime: rt) {
                switch (acc, v) {
                case (.int(let p), _) where v.asInt != nil:
                    let (r, overflow) = p.multipliedReportingOverflow(by: v.asInt!)
                    guard !overflow else { throw NativeError("math.prod: the product overflows a 64-bit int") }
                    acc = .int(r)
                default:
                    guard let p = acc.asDouble, let d = v.asDouble else { throw NativeError("math.prod: expected numbers, got \(v.typeName)") }
                    acc = .float(p * d)
                }
            }
            return acc
        }
        m.function("fsum", [Param("iterable")], "math.fsum(iterable): the exactly rounded float sum of the numbers.\n  math.fsum([0.1] * 10)  # 1.0") { a, rt in
            let xs = try Iteration.elements(a["iterable"], runtime: rt).map { v -> Double in
                guard let d = v.asDouble else { throw NativeError("math.fsum: expected numbers, got \(v.typeName)") }
                return d
            }
            return .float(fsum(xs))
        }
        m.function("gcd", [Param("integers", .int, variadic: true)], "math.gcd(*integers): the greatest common divisor (0 for none).\n  math.gcd(12, 18)  # 6") { a, _ in
            var g: UInt = 0
            for v in try a.list("integers") {
                var x = v.asInt.map { $0.magnitude } ?? 0
                var y = g
                while y != 0 { (x, y) = (y, x % y) }
                g = x
            }
            guard let r = Int(exactly: g) else { throw NativeError("math.gcd: the result overflows a 64-bit int") }
            return .int(r)
        }
        m.function("factorial", [Param("n", .int)], "math.factorial(n): n! for an int n >= 0.\n  math.factorial(5)  # 120") { a, _ in
            let n = try a.int("n")
            guard n >= 0 else { throw NativeError("math.factorial: not defined for negative values (n = \(n))") }
            var r = 1
            for i in stride(from: 2, through: n, by: 1) {
                let (p, o) = r.multipliedReportingOverflow(by: i)
                guard !o else { throw NativeError("math.factorial: \(n)! overflows a 64-bit int") }
                r = p
            }
            return .int(r)
        }
        m.function("comb", [Param("n", .int), Param("k", .int)], "math.comb(n, k): the number of ways to choose k of n items.\n  math.comb(5, 2)  # 10") { a, _ in
            let n = try a.int("n"), k = try a.int("k")
            guard n >= 0, k >= 0 else { throw NativeError("math.comb: n and k must be non-negative (n = \(n), k = \(k))") }
            guard k <= n else { return .int(0) }
            let kk = Swift.min(k, n - k)
            var r = 1
            for i in stride(from: 1, through: kk, by: 1) {
                // r * (n - kk + i) / i stays exact: r is C(n-kk+i-1, i-1), so the product is divisible by i.
                let (p, o) = r.multipliedReportingOverflow(by: n - kk + i)
                guard !o else { throw NativeError("math.comb: comb(\(n), \(k)) overflows a 64-bit int") }
                r = p / i
            }
            return .int(r)
        }
        return m.make()
    }
}
