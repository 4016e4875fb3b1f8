/// A seeded random number generator (SplitMix64) for tests: a failure names its seed and input, and
/// the same seed gives the same inputs on every machine.
package struct SeededRandom: RandomNumberGenerator, Sendable {
    /// The seed this generator started from; tests print it with a failing input.
    package let seed: UInt64
    private var state: UInt64

    /// A generator starting from `seed`.
    package init(seed: UInt64) {
        self.seed = seed
        state = seed
    }

    /// The next 64 random bits.
    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
