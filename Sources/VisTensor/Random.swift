import Foundation

/// The seeded random generator behind every random thing in vis (init, dropout,
/// shuffles, augmentations): xoshiro256** (Blackman & Vigna, 2018) with its state
/// filled from the seed by SplitMix64. Pure 64-bit integer arithmetic, so the same
/// seed gives the same bits on every machine.
///
/// - `uniform()`: the top 24 bits of the next output times 2^-24, a float32 in [0, 1).
/// - `normal()`: Box-Muller on two 53-bit doubles u1, u2 (u1 taken as 1 - u to avoid
///   log 0), giving `sqrt(-2 ln u1) cos(2 pi u2)` and then, on the next call, the
///   matching `sin` value.
/// - `int(below:)`: Lemire's unbiased multiply-and-reject method.
public final class Generator: @unchecked Sendable {
    private var s0: UInt64 = 0, s1: UInt64 = 0, s2: UInt64 = 0, s3: UInt64 = 0
    private var spareNormal: Double?

    /// A generator seeded with `seed`.
    public init(seed: UInt64) { reseed(seed) }

    /// The process-wide generator that `seed(n)` resets and ops draw from.
    nonisolated(unsafe) public static var global = Generator(seed: 0)

    /// Resets the global generator (PyTorch's `torch.manual_seed`).
    public static func seed(_ n: UInt64) { global.reseed(n) }

    /// Restarts this generator's sequence from `seed`.
    public func reseed(_ seed: UInt64) {
        var x = seed
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitmix(); s1 = splitmix(); s2 = splitmix(); s3 = splitmix()
        spareNormal = nil
    }

    /// A generator in exactly this one's state: both then produce the same numbers
    /// (how paired transforms give two images the same random geometry).
    public func copy() -> Generator {
        let g = Generator(seed: 0)
        g.s0 = s0; g.s1 = s1; g.s2 = s2; g.s3 = s3
        g.spareNormal = spareNormal
        return g
    }

    /// A new generator seeded from this one's next output (for DataLoader workers).
    public func fork() -> Generator { Generator(seed: next()) }

    /// The next 64 random bits.
    @inline(__always)
    public func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// A float32 uniformly distributed in [0, 1).
    @inline(__always)
    public func uniform() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// A double uniformly distributed in [0, 1).
    @inline(__always)
    public func uniformDouble() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// A standard normal sample.
    public func normal() -> Double {
        if let z = spareNormal {
            spareNormal = nil
            return z
        }
        let u1 = 1.0 - uniformDouble()
        let u2 = uniformDouble()
        let r = (-2.0 * Foundation.log(u1)).squareRoot()
        let theta = 2.0 * Double.pi * u2
        spareNormal = r * Foundation.sin(theta)
        return r * Foundation.cos(theta)
    }

    /// An integer uniformly distributed in `0..<n` (n > 0).
    public func int(below n: UInt64) -> UInt64 {
        var m = next().multipliedFullWidth(by: n)
        if m.low < n {
            let threshold = (0 &- n) % n
            while m.low < threshold { m = next().multipliedFullWidth(by: n) }
        }
        return m.high
    }
}

/// Seeds the global generator, making every later random op reproducible.
public func seed(_ n: UInt64) { Generator.seed(n) }
