import Embeddings
import Tokenization

/// The embeddings stage: Word2Vec on the training shard's subword ids, `embeddings.safetensors`, its
/// vectors as wide as the main model's token embedding (`lm.embeddingWidth`).
extension PipelineRunner {
    func runEmbeddings() throws -> ([String], [String: Double]) {
        guard config.embeddings.enabled else {
            log("  disabled: the language model starts from random embeddings")
            return ([], [:])
        }
        let options = config.embeddings
        let tokenizer = try loadTokenizer()
        let corpus = try TokenCorpusBuilder(vocabulary: TokenizerVocabulary(tokenizer: tokenizer), minCount: options.minCount)
            .buildMapped(shardPath: path("data/train.bin"))
        var skipGram = SkipGramConfiguration()
        skipGram.dimension = config.lm.embeddingWidth
        skipGram.window = options.window
        skipGram.negative = options.negative
        skipGram.sample = options.sample
        skipGram.minCount = options.minCount
        skipGram.epochs = options.epochs
        skipGram.alpha = options.alpha
        skipGram.threads = options.threads
        skipGram.seed = UInt64(max(options.seed, 0))
        var (table, summary) = try SkipGramTrainer(configuration: skipGram).train(corpus)
        table.metadata = ["mode": "tokens", "untrained_ids": "[" + corpus.untrainedRows.map(String.init).joined(separator: ",") + "]"]
        try table.save(path("embeddings.safetensors"), format: .safetensors)
        log(String(format: "  %d words in %.1f s (%.0f words/s)", summary.words, summary.seconds, summary.wordsPerSecond))
        return (["embeddings.safetensors"], ["words_per_s": summary.wordsPerSecond, "train_seconds": summary.seconds])
    }
}
