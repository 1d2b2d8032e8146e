/// float32 <-> float16 conversions done on the bits (round to nearest even, NaN, inf,
/// signed zeros, float16 subnormals), as NumPy's `npy_floatbits_to_halfbits` and
/// PyTorch's `c10::Half` do. Swift's own `Float16(Float)` is not used: vis runs with
/// flush-to-zero set (Denormals.swift), under which that conversion returned 0 for
/// float16's subnormals (6e-8 ... 6.1e-5), values PyTorch keeps.
extension Float16 {
    /// The float16 nearest to `f` (ties to even); beyond 65520 it is infinity, NaN a quiet NaN.
    @inline(__always) init(rounding f: Float) {
        let x = f.bitPattern
        let sign = UInt16(truncatingIfNeeded: (x & 0x8000_0000) >> 16)
        let exp = x & 0x7F80_0000
        if exp >= 0x4780_0000 {
            // NaN stays NaN (quiet, sign kept); everything else this large overflows to inf.
            if exp == 0x7F80_0000 && (x & 0x007F_FFFF) != 0 { self.init(bitPattern: sign | 0x7E00); return }
            self.init(bitPattern: sign | 0x7C00)
            return
        }
        if exp <= 0x3800_0000 {
            // A float16 subnormal or zero: below 2^-25 everything rounds to zero.
            if exp < 0x3300_0000 { self.init(bitPattern: sign); return }
            let e = exp >> 23
            var sig = 0x0080_0000 + (x & 0x007F_FFFF)
            sig >>= (113 - e)
            // Round to nearest even; bits shifted out above also break a tie.
            if (sig & 0x3FFF) != 0x1000 || (x & 0x7FF) != 0 { sig += 0x1000 }
            self.init(bitPattern: sign + UInt16(truncatingIfNeeded: sig >> 13))
            return
        }
        let hExp = UInt16(truncatingIfNeeded: (exp - 0x3800_0000) >> 13)
        var sig = x & 0x007F_FFFF
        if (sig & 0x3FFF) != 0x1000 { sig += 0x1000 }
        // A carry out of the significand steps the exponent (up to inf): still correct.
        self.init(bitPattern: sign &+ hExp &+ UInt16(truncatingIfNeeded: sig >> 13))
    }

    /// The exact float32 value of this float16 (subnormals become normal float32 values).
    @inline(__always) var exactFloat: Float {
        let h = UInt32(bitPattern)
        let sign = (h & 0x8000) << 16
        switch h & 0x7C00 {
        case 0:
            var sig = h & 0x03FF
            if sig == 0 { return Float(bitPattern: sign) }
            var e: UInt32 = 0
            sig <<= 1
            while sig & 0x0400 == 0 { sig <<= 1; e += 1 }
            return Float(bitPattern: sign + ((127 - 15 - e) << 23) + ((sig & 0x03FF) << 13))
        case 0x7C00:
            return Float(bitPattern: sign + 0x7F80_0000 + ((h & 0x03FF) << 13))
        default:
            return Float(bitPattern: sign + (((h & 0x7FFF) + 0x1_C000) << 13))
        }
    }
}
