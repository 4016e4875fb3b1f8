import Foundation

/// A reproducible pseudo-random generator (xoshiro256**, seeded through SplitMix64).
///
/// Its whole state is four `UInt64`s (``state``), so a training run can save and restore it.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    /// The generator state; restoring it resumes the same sequence.
    public var state: (UInt64, UInt64, UInt64, UInt64)

    /// Creates a generator from a seed.
    public init(seed: UInt64) {
        var x = seed
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitmix(), splitmix(), splitmix(), splitmix())
    }

    /// Creates a generator from a saved state.
    public init(state: [UInt64]) {
        precondition(state.count == 4, "SeededGenerator state has 4 words")
        self.state = (state[0], state[1], state[2], state[3])
    }

    /// The state as an array (for saving).
    public var stateArray: [UInt64] { [state.0, state.1, state.2, state.3] }

    /// The next 64 random bits.
    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = rotl(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotl(state.3, 45)
        return result
    }

    @inline(__always) private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// A uniform float in [0, 1).
    @inline(__always)
    public mutating func nextUniform() -> Float { Float(next() >> 40) * (1.0 / 16_777_216.0) }

    /// A standard normal sample (Box–Muller).
    public mutating func nextNormal() -> Float {
        let u1 = max(Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0), 1e-300)
        let u2 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }

    /// Fills `count` floats at `pointer` with normal samples of standard deviation `std`.
    public mutating func fillNormal(_ pointer: UnsafeMutablePointer<Float>, count: Int, std: Float) {
        for i in 0..<count { pointer[i] = nextNormal() * std }
    }
}
