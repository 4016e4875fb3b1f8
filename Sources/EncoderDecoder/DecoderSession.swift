/// The decoder's side of one search over one encoded source: a set of live hypotheses that each
/// step extends by one token.
///
/// ``step(parents:tokens:)`` replaces the live set: new hypothesis `i` is old hypothesis
/// `parents[i]` followed by `tokens[i]` (the first call starts from one empty hypothesis, parent
/// 0, and passes `<bos>`); it returns the next-token log-probabilities `[V]` of each new
/// hypothesis. A session may keep per-hypothesis state (the Transformer keeps its decoder keys and
/// values, so each step reads only the newest token) or recompute from the prefixes
/// (``PrefixDecoderSession``); the log-probabilities are the same either way.
public protocol DecoderSession: AnyObject {
    /// Extends the live hypotheses and returns each new one's next-token log-probabilities.
    func step(parents: [Int], tokens: [Int32]) -> [[Float]]
}
