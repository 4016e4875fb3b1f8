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
    /// The translation track's joint tokenizer (`translation.*`; skipped when disabled).
    case translationTokenizer = "translation-tokenizer"
    /// The translation model, trained for `translation.minutes`.
    case translationModel = "translation-model"
    /// BLEU, chrF and loss on dev and test, example translations and a cross-attention map.
    case translationEvaluate = "translation-evaluate"
    /// The masked-LM track's held-out split and WordPiece tokenizer (`mlm.*`; skipped when disabled).
    case mlmTokenizer = "mlm-tokenizer"
    /// The BERT encoder, pretrained for `mlm.minutes`.
    case mlmModel = "mlm-model"
    /// Held-out masked-token accuracy against the unigram baseline, and fill-mask examples.
    case mlmEvaluate = "mlm-evaluate"
    /// The HTML report.
    case report

    public static func < (a: PipelineStage, b: PipelineStage) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
