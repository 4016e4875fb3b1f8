/// What greedy and beam search need from an encoder–decoder: encode a source sentence once, then
/// give the next-token log-probabilities for target prefixes attending to it.
public protocol TranslationModel: AnyObject {
    /// The `<bos>` id.
    var bosID: Int32 { get }
    /// The `<eos>` id.
    var eosID: Int32 { get }
    /// Most decoder positions (`<bos>` included).
    var maxTargetLength: Int { get }
    /// Encodes one source sentence (ids ending in `<eos>`).
    func encode(source: [Int32]) -> EncodedSource
    /// Log-probabilities `[prefixes.count][V]` of the token after each prefix (all of one length,
    /// each starting with `<bos>`), every prefix attending to `source`.
    func nextLogProbabilities(source: EncodedSource, prefixes: [[Int32]]) -> [[Float]]
    /// A search session over `source` (by default a ``PrefixDecoderSession``, which recomputes the
    /// prefixes; the Transformer caches its decoder keys and values).
    func decoderSession(source: EncodedSource) -> any DecoderSession
}

extension TranslationModel {
    /// A session that recomputes the whole prefixes at every step.
    public func decoderSession(source: EncodedSource) -> any DecoderSession {
        PrefixDecoderSession(model: self, source: source)
    }
}

/// One encoded source sentence: the encoder's output rows `[T, C]` and the decoder's initial state.
public struct EncodedSource: Sendable {
    /// `[time, width]` row-major.
    public var states: [Float]
    /// Source positions.
    public var time: Int
    /// Width of a state.
    public var width: Int
    /// What else the decoder starts from (a recurrent encoder's final state per layer; empty for the Transformer).
    public var decoderState: [Float]

    /// Creates an encoded sentence.
    public init(states: [Float], time: Int, width: Int, decoderState: [Float] = []) {
        self.states = states
        self.time = time
        self.width = width
        self.decoderState = decoderState
    }
}
