/// bfloat16: float32's sign and 8-bit exponent with a 7-bit mantissa (the top half of a
/// float32's bits). Swift has no such type, so vis stores the 16 bits and converts
/// through float32 with round-to-nearest-even, as PyTorch's `c10::BFloat16` does.
public struct BFloat16: Sendable, Equatable {
    /// The raw bits.
    public var bitPattern: UInt16

    /// A value from its raw bits.
    @inline(__always) public init(bitPattern: UInt16) { self.bitPattern = bitPattern }

    /// The nearest bfloat16 to `x` (ties to even); NaN stays a (quiet) NaN, infinities
    /// and signed zeros are kept, and values beyond bfloat16's range round to infinity.
    @inline(__always) public init(rounding x: Float) {
        let bits = x.bitPattern
        if x.isNaN {
            // Keep the sign, force a quiet NaN (truncating could leave a zero mantissa = inf).
            bitPattern = UInt16(truncatingIfNeeded: bits >> 16) | 0x0040
            return
        }
        // Round to nearest even: add 0x7FFF plus the lowest kept bit, then truncate.
        let rounding: UInt32 = 0x7FFF &+ ((bits >> 16) & 1)
        bitPattern = UInt16(truncatingIfNeeded: (bits &+ rounding) >> 16)
    }

    /// The exact float32 value.
    @inline(__always) public var float: Float { Float(bitPattern: UInt32(bitPattern) << 16) }
}
