import NeuralCore

/// The output layer of the encoder–decoders, tied to the shared embedding, and its label-smoothed
/// cross-entropy over a batch's target positions (padding ignored): the forward half both
/// ``Seq2SeqTransformer`` and ``Seq2SeqRecurrent`` end with.
enum TiedOutputLoss {
    /// `logits = hidden · embeddingᵀ` (`[rows, vocab]`), then softmax into `probabilities` and each
    /// row's loss into `losses`. Returns how many rows count (not the ignore index) and the sum of
    /// their losses, in Double.
    static func forward(
        hidden: UnsafePointer<Float>, embedding: UnsafePointer<Float>, labels: [Int32], rows N: Int, width C: Int, vocab V: Int,
        smoothing: Float, logits z: UnsafeMutablePointer<Float>, probabilities: UnsafeMutablePointer<Float>,
        losses: UnsafeMutablePointer<Float>, threads: Int
    ) -> (counted: Int, total: Double) {
        Linear.forward(out: z, inp: hidden, weight: embedding, bias: nil, rows: N, inChannels: C, outChannels: V)
        let options = CrossEntropy.Options(ignoreIndex: TranslationBatch.ignoreIndex, labelSmoothing: smoothing)
        let counted = labels.withUnsafeBufferPointer { labels in
            CrossEntropy.forward(
                probs: probabilities, losses: losses, logits: z, targets: labels.baseAddress!, rows: N, vocab: V, options: options,
                threads: threads)
        }
        var total: Double = 0
        for r in 0..<N { total += Double(losses[r]) }
        return (counted, total)
    }
}
