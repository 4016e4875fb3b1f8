/// Which keys each query of an ``Attention`` call may attend to: a look-ahead (causal) mask,
/// padding (per-sequence key lengths or a key mask), both, or none.
///
/// ```swift
/// let decoderSelf = AttentionMask.causal                        // GPT
/// let encoderSelf = AttentionMask.keyLengths([7, 5])           // padded source sentences
/// let cross = AttentionMask.keyLengths(sourceLengths)          // decoder queries, encoder keys
/// let paddedDecoder = AttentionMask(causal: true, keyLengths: targetLengths)
/// ```
public struct AttentionMask: Sendable, Equatable {
    /// Query `i` sees keys `j ≤ i` only (top-left aligned, as PyTorch's `is_causal`).
    public var causal: Bool
    /// Per sequence `b` of the batch: keys `j ≥ keyLengths[b]` are padding.
    public var keyLengths: [Int]?
    /// `[B, Tk]` row-major: `false` marks a padding key.
    public var keyMask: [Bool]?

    /// A mask from its parts.
    public init(causal: Bool = false, keyLengths: [Int]? = nil, keyMask: [Bool]? = nil) {
        self.causal = causal
        self.keyLengths = keyLengths
        self.keyMask = keyMask
    }

    /// Every query sees every key.
    public static let none = AttentionMask()
    /// The look-ahead mask of a decoder.
    public static let causal = AttentionMask(causal: true)
    /// Padding given as the number of real keys of each sequence.
    public static func keyLengths(_ lengths: [Int]) -> AttentionMask { AttentionMask(keyLengths: lengths) }
    /// Padding given as a `[B, Tk]` mask (`false`: padding).
    public static func keyMask(_ mask: [Bool]) -> AttentionMask { AttentionMask(keyMask: mask) }

    /// Whether only the causal mask is set (the blocked fast path applies when queries and keys have the same length).
    public var isCausalOnly: Bool { causal && keyLengths == nil && keyMask == nil }

    /// Throws unless the padding fits `batch` sequences of `keyTime` keys.
    public func validate(batch B: Int, keyTime Tk: Int) throws {
        if let keyLengths {
            guard keyLengths.count == B else {
                throw ModelError.invalidConfig("attention mask has \(keyLengths.count) key lengths, expected one per sequence (\(B))")
            }
            if let bad = keyLengths.firstIndex(where: { $0 < 0 || $0 > Tk }) {
                throw ModelError.invalidConfig("attention key length \(keyLengths[bad]) of sequence \(bad) is outside 0...\(Tk)")
            }
        }
        if let keyMask, keyMask.count != B * Tk {
            throw ModelError.invalidConfig("attention key mask has \(keyMask.count) entries, expected batch × keys = \(B * Tk)")
        }
    }

    /// The number of leading keys query `i` of sequence `b` may see before the key mask applies.
    @inline(__always)
    func visibleKeys(batch b: Int, query i: Int, keyTime Tk: Int) -> Int {
        var limit = Tk
        if causal { limit = min(limit, i + 1) }
        if let keyLengths { limit = min(limit, keyLengths[b]) }
        return limit
    }
}
