/// The stages of a pipeline run, in order.
public enum PipelineStage: String, CaseIterable, Sendable, Codable, Comparable {
    /// Unicode normalization of the corpus files.
    case normalize
    /// Vocabulary training.
    case tokenizer
    /// Encoding into training and validation token shards.
    case encode
    /// Word2Vec on the training shard.
    case embeddings
    /// Language model training (resumable).
    case lm
    /// The recurrent baselines of `lm.baselines`, trained for the language model's wall time.
    case baselines
    /// Validation loss, perplexity and bits per byte.
    case evaluate
    /// Samples from the prompts, and the attention weights of the report's sentence (a Transformer's).
    case generate
    /// The HTML report.
    case report

    public static func < (a: PipelineStage, b: PipelineStage) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
