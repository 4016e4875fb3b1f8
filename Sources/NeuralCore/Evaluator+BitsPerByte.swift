import Foundation

extension Evaluator {
    /// Bits per byte of text: `loss × tokens / ln 2 / bytes`, the mean cross-entropy (nats per
    /// token) converted to bits and spread over the UTF-8 bytes the target tokens decode to; nil
    /// when they decode to no bytes. Unlike perplexity it compares models with different tokenizers.
    public static func bitsPerByte(loss: Double, tokens: Int, bytes: Int) -> Double? {
        guard bytes > 0 else { return nil }
        return loss * Double(tokens) / (Double(bytes) * M_LN2)
    }
}
