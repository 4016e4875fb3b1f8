/// The deterministic train/dev/test split of a parallel corpus.
///
/// A pair's part depends only on the UTF-8 bytes of its **source** side: the 64-bit FNV-1a hash
/// (offset basis 0xcbf29ce484222325, prime 0x100000001b3) of those bytes, taken modulo 1000, puts
/// the pair in *dev* below `devPerMille`, in *test* below `devPerMille + testPerMille`, and in
/// *train* otherwise. The split never changes when the corpus is reordered, grows or shrinks, and
/// pairs with the same source always land in the same part (no source sentence is in two parts).
public struct CorpusSplit: Sendable, Equatable {
    /// The three parts.
    public enum Part: String, Sendable, CaseIterable {
        /// Training pairs.
        case train
        /// Validation pairs (loss and chrF during training).
        case dev
        /// Held-out pairs for the final scores.
        case test
    }

    /// Per-mille of the hash space that goes to dev.
    public var devPerMille: Int
    /// Per-mille of the hash space that goes to test.
    public var testPerMille: Int

    /// Creates a split; the default keeps 5% for dev and 5% for test.
    public init(devPerMille: Int = 50, testPerMille: Int = 50) {
        self.devPerMille = max(0, devPerMille)
        self.testPerMille = max(0, min(1000 - self.devPerMille, testPerMille))
    }

    /// 64-bit FNV-1a of `bytes`.
    public static func fnv1a(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// The part of a pair with this source text.
    public func part(ofSource source: String) -> Part {
        let bucket = Int(Self.fnv1a(source.utf8) % 1000)
        if bucket < devPerMille { return .dev }
        if bucket < devPerMille + testPerMille { return .test }
        return .train
    }

    /// The pairs of one part, in corpus order.
    public func pairs(_ part: Part, of corpus: [ParallelPair]) -> [ParallelPair] {
        corpus.filter { self.part(ofSource: $0.source) == part }
    }
}
